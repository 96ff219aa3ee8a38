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
// server: hex checked as it is typed.
class TestComposer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void badHexTurnsSendOffWithTheReason();
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

QTEST_MAIN(TestComposer)
#include "tst_composer.moc"
