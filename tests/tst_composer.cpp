#include "composer.h"
#include "i18n/englishplurals.h"
#include "log/logmodel.h"
#include "log/logview.h"
#include "log/messagelog.h"
#include "mainwindow.h"
#include "server/echoserver.h"
#include "session/session.h"

#include <QApplication>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QStandardPaths>
#include <QTest>

// The composer's comforts, in a whole window talking to the built-in echo
// server: hex checked as it is typed, the history of sent messages.
class TestComposer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void badHexTurnsSendOffWithTheReason();
    void historyWalksBackAndForthAndIsKept();
    void historyKeepsTheNewestHundred();
};

void TestComposer::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("wsscope-tests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_composer"));
    static EnglishPlurals plurals;
    QCoreApplication::installTranslator(&plurals);
}

void TestComposer::init()
{
    QSettings().clear();
}

void TestComposer::badHexTurnsSendOffWithTheReason()
{
    EchoServer echo;
    QVERIFY(echo.listen());
    MainWindow window(echo.url());
    window.show();
    QVERIFY(window.connectToUrl());
    QTRY_COMPARE(window.session()->state(), Session::State::Open);
    Composer *composer = window.composer();
    QPushButton *send = composer->sendButton();
    composer->setFormat(Composer::Format::Hex);
    QPlainTextEdit *editor = composer->editor();
    QTest::mouseClick(editor->viewport(), Qt::LeftButton);
    QTRY_VERIFY(editor->hasFocus());

    QTest::keyClicks(editor, QStringLiteral("de a"));
    QVERIFY(!send->isEnabled());
    QVERIFY2(composer->statusText().contains(QStringLiteral("position 4")), qPrintable(composer->statusText()));
    QTest::keyClicks(editor, QStringLiteral("d"));
    QVERIFY(send->isEnabled());
    QCOMPARE(composer->statusText(), QStringLiteral("2 bytes"));
    QTest::keyClicks(editor, QStringLiteral(" xz"));
    QVERIFY(!send->isEnabled());
    QVERIFY2(composer->statusText().contains(QStringLiteral("'x' at position 7")), qPrintable(composer->statusText()));
    // Ctrl+Enter sends nothing either.
    QTest::keyClick(editor, Qt::Key_Return, Qt::ControlModifier);
    QCOMPARE(window.session()->log()->count(), 1);   // only the open event
    editor->setPlainText(QStringLiteral("de ad"));
    QVERIFY(send->isEnabled());

    // Text has no such check; a ping's payload has its 125 bytes.
    editor->setPlainText(QStringLiteral("xz"));
    composer->setFormat(Composer::Format::Text);
    QVERIFY(send->isEnabled());
    composer->setFormat(Composer::Format::Ping);
    editor->setPlainText(QString(126, u'p'));
    QVERIFY(!send->isEnabled());
    QVERIFY2(composer->statusText().contains(QStringLiteral("126 of 125")), qPrintable(composer->statusText()));
    QTest::keyClick(editor, Qt::Key_End, Qt::ControlModifier);
    QTest::keyClick(editor, Qt::Key_Backspace);
    QVERIFY(send->isEnabled());
    QTest::mouseClick(send, Qt::LeftButton);
    QTRY_COMPARE(window.session()->log()->at(window.session()->log()->count() - 1).kind, MessageLog::Kind::Pong);

    // Once closed, Send is off whatever the input.
    window.session()->abort();
    QTRY_COMPARE(window.session()->state(), Session::State::Closed);
    QVERIFY(!send->isEnabled());
}

void TestComposer::historyWalksBackAndForthAndIsKept()
{
    EchoServer echo;
    QVERIFY(echo.listen());
    {
        MainWindow window(echo.url());
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(window.connectToUrl());
        QTRY_COMPARE(window.session()->state(), Session::State::Open);
        Composer *composer = window.composer();
        QPlainTextEdit *editor = composer->editor();
        const auto send = [&](Composer::Format format, const QString &text) {
            composer->setFormat(format);
            editor->setPlainText(text);
            QTest::mouseClick(composer->sendButton(), Qt::LeftButton);
        };
        send(Composer::Format::Text, QStringLiteral("one"));
        send(Composer::Format::Hex, QStringLiteral("01 02"));
        send(Composer::Format::Text, QStringLiteral("two\nlines"));
        send(Composer::Format::Text, QStringLiteral("two\nlines"));   // no immediate duplicate
        QTRY_COMPARE(window.session()->log()->count(), 1 + 2 * 4);

        // A draft, two lines, the cursor on the last: Up first moves in it.
        composer->setFormat(Composer::Format::Ping);
        editor->setPlainText(QStringLiteral("draft\nsecond"));
        editor->moveCursor(QTextCursor::End);
        editor->setFocus();
        QTest::keyClick(editor, Qt::Key_Up);
        QCOMPARE(editor->toPlainText(), QStringLiteral("draft\nsecond"));
        QCOMPARE(editor->textCursor().blockNumber(), 0);
        QTest::keyClick(editor, Qt::Key_Up);
        QCOMPARE(editor->toPlainText(), QStringLiteral("two\nlines"));
        QCOMPARE(composer->format(), Composer::Format::Text);
        QTest::keyClick(editor, Qt::Key_Up);
        QCOMPARE(editor->toPlainText(), QStringLiteral("01 02"));
        QCOMPARE(composer->format(), Composer::Format::Hex);
        QTest::keyClick(editor, Qt::Key_Up);
        QCOMPARE(editor->toPlainText(), QStringLiteral("one"));
        QTest::keyClick(editor, Qt::Key_Up);                     // the oldest: stays
        QCOMPARE(editor->toPlainText(), QStringLiteral("one"));
        QTest::keyClick(editor, Qt::Key_Down);
        QCOMPARE(editor->toPlainText(), QStringLiteral("01 02"));
        QTest::keyClick(editor, Qt::Key_Down);
        QCOMPARE(editor->toPlainText(), QStringLiteral("two\nlines"));
        QCOMPARE(editor->textCursor().blockNumber(), 1);
        QTest::keyClick(editor, Qt::Key_Down);                   // back to the draft, kind and all
        QCOMPARE(editor->toPlainText(), QStringLiteral("draft\nsecond"));
        QCOMPARE(composer->format(), Composer::Format::Ping);
        QTest::keyClick(editor, Qt::Key_Down);
        QCOMPARE(editor->toPlainText(), QStringLiteral("draft\nsecond"));
        window.session()->abort();
    }
    // A new window (a new run) has the same history.
    MainWindow window(echo.url());
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QPlainTextEdit *editor = window.composer()->editor();
    QCOMPARE(window.composer()->history().size(), 3);
    editor->setFocus();
    QTest::keyClick(editor, Qt::Key_Up);
    QCOMPARE(editor->toPlainText(), QStringLiteral("two\nlines"));
    QCOMPARE(editor->textCursor().position(), 0);                // at the start: Up goes on
    QTest::keyClick(editor, Qt::Key_Up);
    QCOMPARE(editor->toPlainText(), QStringLiteral("01 02"));
    QCOMPARE(window.composer()->format(), Composer::Format::Hex);
}

void TestComposer::historyKeepsTheNewestHundred()
{
    Composer composer;
    composer.setSendingAllowed(true);
    for (int i = 0; i < Composer::MaxHistory + 5; ++i) {
        composer.setMessage(Composer::Format::Text, QString::number(i));
        QTest::mouseClick(composer.sendButton(), Qt::LeftButton);
    }
    const QList<Composer::HistoryEntry> history = composer.history();
    QCOMPARE(history.size(), Composer::MaxHistory);
    QCOMPARE(history.first().text, QStringLiteral("5"));
    QCOMPARE(history.last().text, QString::number(Composer::MaxHistory + 4));
    QCOMPARE(Composer().history().size(), Composer::MaxHistory);
}

QTEST_MAIN(TestComposer)
#include "tst_composer.moc"
