#include "testfiles.h"
#include "composer.h"
#include "inspector/messageview.h"
#include "i18n/englishplurals.h"
#include "log/logmodel.h"
#include "log/logview.h"
#include "log/messagelog.h"
#include "mainwindow.h"
#include "server/echoserver.h"
#include "session/session.h"

#include "requesteditor.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QFile>
#include <QFileDialog>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTimer>
#include <QContextMenuEvent>
#include <QMenu>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QStandardPaths>
#include <QTest>

// The composer's comforts, in a whole window talking to the built-in echo
// server: hex checked as it is typed, the history of sent messages, and
// the log rows' context menu.
class TestComposer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void badHexTurnsSendOffWithTheReason();
    void historyWalksBackAndForthAndIsKept();
    void historyKeepsTheNewestHundred();
    void clearEmptiesTheMessageTab();
    void logRowMenuCopiesResendsAndSaves();
    void logRowMenuCopiesTheConnectionAsACommandLine();
};

namespace {

// Selects the log rows of these MessageLog rows (all rows are shown: no filter).
void selectRows(MainWindow &window, const QList<int> &rows)
{
    LogView *view = window.logView();
    view->clearSelection();
    for (int row : rows) {
        const int shown = window.logModel()->rowOfLogRow(row);
        QVERIFY(shown >= 0);
        view->selectionModel()->select(window.logModel()->index(shown, 0),
                                       QItemSelectionModel::Select | QItemSelectionModel::Rows);
    }
}

int findRow(const MessageLog *log, MessageLog::Direction direction, MessageLog::Kind kind)
{
    for (int row = 0; row < log->count(); ++row) {
        if (log->at(row).direction == direction && log->at(row).kind == kind)
            return row;
    }
    return -1;
}

QString clipboardAfter(QAction *action)
{
    QGuiApplication::clipboard()->clear();
    action->trigger();
    return QGuiApplication::clipboard()->text();
}

} // namespace

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
    TestFiles::clearRemembered();
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

void TestComposer::logRowMenuCopiesResendsAndSaves()
{
    EchoServer echo;
    QVERIFY(echo.listen());
    MainWindow window(echo.url());
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(window.connectToUrl());
    QTRY_COMPARE(window.session()->state(), Session::State::Open);
    const QString text = QStringLiteral("h\u00e9llo, it's \"me\"");
    QByteArray everyByte;
    for (int i = 0; i < 256; ++i)
        everyByte.append(char(i));
    QVERIFY(window.session()->sendText(text));
    QVERIFY(window.session()->sendBinary(everyByte));
    const MessageLog *log = window.session()->log();
    QTRY_COMPARE(window.logModel()->rowCount(), 5);   // the open event, two sent, two echoed
    const int openRow = findRow(log, MessageLog::Direction::Local, MessageLog::Kind::Open);
    const int sentText = findRow(log, MessageLog::Direction::Sent, MessageLog::Kind::Text);
    const int echoedText = findRow(log, MessageLog::Direction::Received, MessageLog::Kind::Text);
    const int echoedBinary = findRow(log, MessageLog::Direction::Received, MessageLog::Kind::Binary);
    LogView *view = window.logView();
    const auto action = [view](LogView::Action which) { return view->action(which); };

    // An event has no payload: only text, JSON and the command line.
    selectRows(window, {openRow});
    QVERIFY(!action(LogView::Action::CopyHex)->isEnabled());
    QVERIFY(!action(LogView::Action::CopyBase64)->isEnabled());
    QVERIFY(!action(LogView::Action::Resend)->isEnabled());
    QVERIFY(!action(LogView::Action::ResendNow)->isEnabled());
    QVERIFY(!action(LogView::Action::SavePayload)->isEnabled());
    QVERIFY(action(LogView::Action::CopyJson)->isEnabled());
    QCOMPARE(QJsonDocument::fromJson(clipboardAfter(action(LogView::Action::CopyJson)).toUtf8())
                 .object().value(QStringLiteral("kind")).toString(),
             QStringLiteral("open"));

    // A right click opens the menu with these actions.
    QList<QAction *> shown;
    QTimer::singleShot(0, &window, [&] {
        QTRY_VERIFY(qobject_cast<QMenu *>(QApplication::activePopupWidget()));
        auto *menu = qobject_cast<QMenu *>(QApplication::activePopupWidget());
        shown = menu->actions();
        menu->close();
    });
    QContextMenuEvent click(QContextMenuEvent::Mouse, QPoint(5, 5), view->viewport()->mapToGlobal(QPoint(5, 5)));
    QApplication::sendEvent(view->viewport(), &click);
    QVERIFY(shown.contains(action(LogView::Action::CopyHex)));
    QVERIFY(shown.contains(action(LogView::Action::SavePayload)));
    QVERIFY(shown.contains(action(LogView::Action::CopyCommandLine)));

    // The four copy formats of a text message.
    selectRows(window, {echoedText});
    QCOMPARE(clipboardAfter(action(LogView::Action::CopyText)), text);
    QCOMPARE(clipboardAfter(action(LogView::Action::CopyHex)), QString::fromLatin1(text.toUtf8().toHex(' ')));
    QCOMPARE(clipboardAfter(action(LogView::Action::CopyBase64)), QString::fromLatin1(text.toUtf8().toBase64()));
    QJsonParseError error;
    const QJsonObject json =
        QJsonDocument::fromJson(clipboardAfter(action(LogView::Action::CopyJson)).toUtf8(), &error).object();
    QCOMPARE(error.error, QJsonParseError::NoError);
    QCOMPARE(json.value(QStringLiteral("direction")).toString(), QStringLiteral("received"));
    QCOMPARE(json.value(QStringLiteral("kind")).toString(), QStringLiteral("text"));
    QCOMPARE(json.value(QStringLiteral("size")).toInt(), int(text.toUtf8().size()));
    QCOMPARE(json.value(QStringLiteral("text")).toString(), text);
    const QString time = json.value(QStringLiteral("time")).toString();
    QVERIFY2(QDateTime::fromString(time, Qt::ISODateWithMs).isValid() && time.endsWith(u'Z'), qPrintable(time));

    // A binary message: no text; JSON carries base64; saved byte for byte.
    selectRows(window, {echoedBinary});
    QVERIFY(!action(LogView::Action::CopyText)->isEnabled());
    QCOMPARE(clipboardAfter(action(LogView::Action::CopyHex)), QString::fromLatin1(everyByte.toHex(' ')));
    QCOMPARE(clipboardAfter(action(LogView::Action::CopyBase64)), QString::fromLatin1(everyByte.toBase64()));
    const QJsonObject binary = QJsonDocument::fromJson(clipboardAfter(action(LogView::Action::CopyJson)).toUtf8()).object();
    QCOMPARE(QByteArray::fromBase64(binary.value(QStringLiteral("base64")).toString().toLatin1()), everyByte);
    QCOMPARE(binary.value(QStringLiteral("size")).toInt(), 256);
    QVERIFY(!binary.contains(QStringLiteral("text")));

    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("payload.bin"));
    bool answered = false;
    QTimer::singleShot(0, &window, [&] {
        // The file dialog is modal: answer it once it is up.
        QTRY_VERIFY(qobject_cast<QFileDialog *>(QApplication::activeModalWidget()));
        auto *dialog = qobject_cast<QFileDialog *>(QApplication::activeModalWidget());
        dialog->selectFile(path);
        static_cast<QDialog *>(dialog)->accept();
        answered = true;
    });
    QVERIFY(action(LogView::Action::SavePayload)->isEnabled());
    action(LogView::Action::SavePayload)->trigger();
    QVERIFY(answered);
    QFile saved(path);
    QVERIFY(saved.open(QIODevice::ReadOnly));
    QCOMPARE(saved.readAll(), everyByte);

    // Resend into the composer, with the kind.
    action(LogView::Action::Resend)->trigger();
    QCOMPARE(window.composer()->format(), Composer::Format::Hex);
    QCOMPARE(window.composer()->editor()->toPlainText(), QString::fromLatin1(everyByte.toHex(' ')));
    selectRows(window, {sentText});
    action(LogView::Action::Resend)->trigger();
    QCOMPARE(window.composer()->format(), Composer::Format::Text);
    QCOMPARE(window.composer()->editor()->toPlainText(), text);

    // Resend now: it goes out and the echo comes back.
    QVERIFY(action(LogView::Action::ResendNow)->isEnabled());
    action(LogView::Action::ResendNow)->trigger();
    QTRY_COMPARE(window.logModel()->rowCount(), 7);
    QCOMPARE(log->at(log->count() - 1).direction, MessageLog::Direction::Received);
    QCOMPARE(log->data(log->count() - 1).toByteArray(), text.toUtf8());

    // Two rows: one line each, a JSON array, nothing to resend or save.
    selectRows(window, {sentText, echoedText});
    QCOMPARE(clipboardAfter(action(LogView::Action::CopyText)), text + u'\n' + text);
    QCOMPARE(QJsonDocument::fromJson(clipboardAfter(action(LogView::Action::CopyJson)).toUtf8()).array().size(), 2);
    QVERIFY(!action(LogView::Action::Resend)->isEnabled());
    QVERIFY(!action(LogView::Action::SavePayload)->isEnabled());

    // Closed: nothing can be sent now, but still into the composer.
    selectRows(window, {sentText});
    window.session()->abort();
    QTRY_COMPARE(window.session()->state(), Session::State::Closed);
    QVERIFY(!action(LogView::Action::ResendNow)->isEnabled());
    QVERIFY(action(LogView::Action::Resend)->isEnabled());
}

void TestComposer::logRowMenuCopiesTheConnectionAsACommandLine()
{
    EchoServer echo;
    QVERIFY(echo.listen());
    MainWindow window(echo.url());
    window.show();
    RequestEditor *request = window.requestEditor();
    request->addHeader(QStringLiteral("X-Api-Key"), QStringLiteral("it's k1"), true);
    request->addHeader(QStringLiteral("Authorization"), QStringLiteral("Bearer sekrit"), true);
    request->setSubprotocolText(QStringLiteral("graphql-ws"));
    QVERIFY(window.connectToUrl());
    QTRY_COMPARE(window.session()->state(), Session::State::Open);
    QTRY_VERIFY(window.logModel()->rowCount() >= 1);
    selectRows(window, {0});
    QAction *copy = window.logView()->action(LogView::Action::CopyCommandLine);
    QVERIFY(copy->isEnabled());
    const QString url = window.session()->connections().constLast().url;
    QVERIFY(url.startsWith(QStringLiteral("ws://127.0.0.1:")));
    QCOMPARE(clipboardAfter(copy),
             QStringLiteral("websocat -H 'X-Api-Key: it'\\''s k1' -H 'Authorization: Bearer sekrit' --protocol graphql-ws %1\n"
                            "wscat -c %1 -H 'X-Api-Key: it'\\''s k1' -H 'Authorization: Bearer sekrit' -s graphql-ws")
                 .arg(url));
    // File > Hide credentials: the token is not copied.
    window.setMaskSecrets(true);
    const QString masked = clipboardAfter(copy);
    QVERIFY2(!masked.contains(QStringLiteral("sekrit")), qPrintable(masked));
    QVERIFY2(masked.contains(QStringLiteral("-H 'Authorization: *************'")), qPrintable(masked));
    window.session()->abort();
}

// Log > Clear takes the shown message away from the Message tab as well.
void TestComposer::clearEmptiesTheMessageTab()
{
    EchoServer echo;
    QVERIFY(echo.listen());
    MainWindow window(echo.url());
    window.show();
    QVERIFY(window.connectToUrl());
    QTRY_COMPARE(window.session()->state(), Session::State::Open);
    QVERIFY(window.session()->sendText(QStringLiteral("kept until Clear")));
    QTRY_COMPARE(window.session()->log()->count(), 3);   // open, sent, echoed
    QTRY_COMPARE(window.logView()->model()->rowCount(), 3);
    window.logView()->setCurrentIndex(window.logView()->model()->index(2, 0));
    QTRY_COMPARE(window.messageView()->text(), QStringLiteral("kept until Clear"));

    QAction *clear = nullptr;
    for (QAction *action : window.findChildren<QAction *>()) {
        if (action->text() == QStringLiteral("&Clear"))
            clear = action;
    }
    QVERIFY(clear);
    clear->trigger();
    QTRY_COMPARE(window.logView()->model()->rowCount(), 0);
    QVERIFY2(window.messageView()->text().isEmpty(), qPrintable(window.messageView()->text()));
    window.session()->abort();
}

QTEST_MAIN(TestComposer)
#include "tst_composer.moc"
