#include "cli/scriptrunner.h"
#include "closedialog.h"
#include "composer.h"
#include "requesteditor.h"
#include "inspector/handshakeinspector.h"
#include "inspector/handshakestory.h"
#include "inspector/livechart.h"
#include "inspector/messageview.h"
#include "log/filterbar.h"
#include "log/logmodel.h"
#include "log/logview.h"
#include "log/messagelog.h"
#include "inspector/timingview.h"
#include "inspector/wiremodel.h"
#include "inspector/tlsview.h"
#include "i18n/englishplurals.h"
#include "mainwindow.h"
#include "icons.h"
#include "theme.h"
#include "nodepeer.h"
#include "pythonpeer.h"
#include "tlsfixture.h"
#include "qtpeer.h"
#include "rawserver.h"
#include "shortcutletters.h"
#include "server/echoserver.h"
#include "secrets/secretstore.h"
#include "testfiles.h"
#include "savedmessages.h"
#include "settings/settings.h"

#include <QAction>
#include <QApplication>
#include <QDir>
#include <QFile>
#include <QMessageBox>
#include <QMimeData>
#include <QJsonArray>
#include <QTableWidget>
#include <QHeaderView>
#include <QTabBar>
#include <QTabWidget>
#include <QToolBar>
#include <QToolButton>
#include <QMenuBar>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QComboBox>
#include <QCompleter>
#include <QAbstractItemView>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QJsonDocument>
#include <QStatusBar>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTreeWidget>
#include <QRegularExpression>
#include <QTest>
#include <QTextDocument>
#include <QWebSocket>
#include <QWebSocketServer>

#include <sys/stat.h>

class TestMainWindow : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void emptyStatesSayWhatToDo();
    void tabOrderFollowsTheLayout();
    void shortcutsDoNotClash();
    void iconsAndToolbar();
    void failuresSaidInPlainWords();
    void everyLabelShortcutHasAField();
    void initTestCase();
    void init();
    void firstRunPrefillsTheEchoServer();
    void typeConnectSendReceiveClose();
    void badUrlIsShownAndNothingConnects();
    void sendingIsImpossibleWhileClosed();
    void hexMessageGoesOutAsBinary();
    void composerSendsAFileWithinTheLimit();
    void forbiddenServerLeavesAnErrorRow();
    void refusedAnswerIsShownInTheHandshakeTab_data();
    void refusedAnswerIsShownInTheHandshakeTab();
    void recentUrlsAreRemembered();
    void pendingSendsDoNotLeakIntoTheNextConnection();
    void inspectorShowsTheWireFromANodePeer();
    void untrustedCertificateCanBeAcceptedOnce();
    void directModeIsAChoiceThatIsRemembered();
    void quittingClosesWith1001();
    void selectingRowsShowsTheMessageAndTheTimeBetween();
    void pingAndPongRowsSelectTheirFrames();
    void savedSessionReopensReadOnly();
    void droppedFileOpensInItsOwnTab();
    void badFileSaysWhereReadingStopped();
    void crashedJournalIsOfferedForRecovery();
    void logCanBeKeptAsARing();
    void requestTabsGoOnTheWire();
    void badHeaderRowIsMarkedAndNothingConnects();
    void requestOptionsAreRememberedPerUrl();
    void typedSecretsGoToTheKeyringNotTheSettings();
    void withoutKeyringSecretsStayInTheSessionUnlessAllowed();
    void closeWithACodeAndAReason();
    void keepAliveShowsRoundTrips();
    void reconnectsAndCloseStopsIt();
    void serverThatNeedsAHeaderAndASubprotocol();
    void pingWithAPayloadFromTheComposer();
    void tlsFilesAndProxyFromTheTabs();
    void urlBarConnectsToWhatIsTyped();
    void repeatedHeaderRowIsMarkedAndNothingConnects();
    void urlRowKeepsItsGeometryThroughEveryState();
    void smallWindowKeepsTabsAndSearchInReach();
    void wirePayloadColumnTakesTheRestOfTheWidth();

private:
    static int rowsOf(LogModel *model, MessageLog::Direction direction, MessageLog::Kind kind);
    static void typeUrl(MainWindow &window, const QString &url);
};

void TestMainWindow::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("wsscope-tests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_mainwindow"));
    // As wsscope itself does: "%n row(s)" reads "1 row", "3 rows".
    static EnglishPlurals plurals;
    QCoreApplication::installTranslator(&plurals);
}

void TestMainWindow::init()
{
    TestFiles::clearRemembered();
}

int TestMainWindow::rowsOf(LogModel *model, MessageLog::Direction direction, MessageLog::Kind kind)
{
    int n = 0;
    for (int row = 0; row < model->rowCount(); ++row) {
        const QModelIndex index = model->index(row, 0);
        n += index.data(LogModel::DirectionRole).toInt() == int(direction)
            && index.data(LogModel::KindRole).toInt() == int(kind);
    }
    return n;
}

void TestMainWindow::typeUrl(MainWindow &window, const QString &url)
{
    QLineEdit *edit = window.urlBox()->lineEdit();
    edit->selectAll();
    QTest::keyClick(edit, Qt::Key_Backspace);
    QTest::keyClicks(edit, url);
}

void TestMainWindow::firstRunPrefillsTheEchoServer()
{
    EchoServer echo;
    QVERIFY(echo.listen());
    MainWindow window(echo.url());
    QCOMPARE(window.urlBox()->currentText(), echo.url().toString());
    QVERIFY(window.stateText().contains(QStringLiteral("Closed")));
    QVERIFY(window.connectButton()->isEnabled());
    QVERIFY(!window.closeButton()->isEnabled());
}

void TestMainWindow::typeConnectSendReceiveClose()
{
    EchoServer echo;
    QVERIFY(echo.listen());
    MainWindow window(echo.url());
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));

    typeUrl(window, echo.url().toString());
    QTest::mouseClick(window.connectButton(), Qt::LeftButton);
    QTRY_COMPARE(window.session()->state(), Session::State::Open);
    QVERIFY(window.stateText().contains(QStringLiteral("Open")));
    QVERIFY(!window.connectButton()->isEnabled());
    QVERIFY(window.closeButton()->isEnabled());
    QVERIFY(window.composer()->sendButton()->isEnabled());
    // The tap hands its capture over within a batch interval.
    QTRY_VERIFY(window.inspector()->requestText().startsWith(QStringLiteral("GET / HTTP/1.1")));
    QTRY_VERIFY(window.inspector()->responseText().startsWith(QStringLiteral("HTTP/1.1 101")));
    // The story a newcomer reads: the request went out, 101 came back, the
    // Accept matched the Key, frames flow; the close is still to come.
    HandshakeStory *story = window.inspector()->story();
    QTRY_VERIFY2(story->text().contains(QStringLiteral("Sec-WebSocket-Accept matches the Key: Match")),
                 qPrintable(story->text()));
    QCOMPARE(story->steps().size(), 5);   // TCP, request, answer, frames, close
    QVERIFY(story->steps().at(1).details.contains(QStringLiteral("Upgrade: websocket")));
    QCOMPARE(story->steps().at(2).role, Theme::Role::Good);
    QVERIFY(story->steps().at(3).reached);
    QVERIFY(!story->steps().at(4).reached);
    QCOMPARE(window.inspector()->statusText(), QStringLiteral("HTTP/1.1 101 Switching Protocols"));

    QPlainTextEdit *editor = window.composer()->editor();
    QTest::mouseClick(editor->viewport(), Qt::LeftButton);
    QTest::keyClicks(editor, QStringLiteral("hello from the window"));
    QTest::keyClick(editor, Qt::Key_Return, Qt::ControlModifier);

    LogModel *model = window.logModel();
    QTRY_COMPARE(rowsOf(model, MessageLog::Direction::Received, MessageLog::Kind::Text), 1);
    QCOMPARE(rowsOf(model, MessageLog::Direction::Sent, MessageLog::Kind::Text), 1);
    for (int row = 0; row < model->rowCount(); ++row) {
        if (model->index(row, 0).data(LogModel::KindRole).toInt() == int(MessageLog::Kind::Text))
            QCOMPARE(model->index(row, LogModel::PreviewColumn).data().toString(), QStringLiteral("hello from the window"));
    }
    // Ctrl+Enter sent the message; it did not add a line to it.
    QCOMPARE(editor->toPlainText(), QStringLiteral("hello from the window"));

    QTest::mouseClick(window.closeButton(), Qt::LeftButton);
    QTRY_COMPARE(window.session()->state(), Session::State::Closed);
    QTRY_COMPARE(rowsOf(model, MessageLog::Direction::Local, MessageLog::Kind::Close), 1);
    QVERIFY2(window.stateText().contains(QStringLiteral("1000")), qPrintable(window.stateText()));
    QVERIFY(window.connectButton()->isEnabled());
    QVERIFY(!window.composer()->sendButton()->isEnabled());
    // The story ends with the close: who started it, and the answer.
    const HandshakeStory::Step close = story->steps().at(4);
    QVERIFY(close.reached);
    QCOMPARE(close.role, Theme::Role::Good);
    QVERIFY2(close.details.join(u'\n').contains(QStringLiteral("wsscope closed it: 1000 Normal closure\nBoth sides sent a Close frame.")),
             qPrintable(close.details.join(u'\n')));
    QCOMPARE(story->steps().at(3).role, Theme::Role::Muted);
}

void TestMainWindow::badUrlIsShownAndNothingConnects()
{
    MainWindow window{QUrl()};
    window.show();
    typeUrl(window, QStringLiteral("http://example.com/chat"));
    QTest::keyClick(window.urlBox()->lineEdit(), Qt::Key_Return);
    QVERIFY2(window.urlError().contains(QStringLiteral("ws://")), qPrintable(window.urlError()));
    QCOMPARE(window.session()->state(), Session::State::Closed);
    QCOMPARE(window.session()->log()->count(), 0);

    // Editing the URL clears the message.
    QTest::keyClick(window.urlBox()->lineEdit(), Qt::Key_Backspace);
    QVERIFY(window.urlError().isEmpty());
}

void TestMainWindow::sendingIsImpossibleWhileClosed()
{
    MainWindow window{QUrl()};
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QSignalSpy submitted(window.composer(), &Composer::textSubmitted);
    QVERIFY(!window.composer()->sendButton()->isEnabled());
    QPlainTextEdit *editor = window.composer()->editor();
    QTest::mouseClick(editor->viewport(), Qt::LeftButton);
    QTRY_VERIFY(editor->hasFocus());
    QTest::keyClicks(editor, QStringLiteral("draft"));
    QTest::keyClick(editor, Qt::Key_Return, Qt::ControlModifier);
    QCOMPARE(submitted.count(), 0);
    QCOMPARE(window.session()->log()->count(), 0);
    QCOMPARE(editor->toPlainText(), QStringLiteral("draft"));   // kept, and no line added
    QVERIFY(window.composer()->isEnabled());                    // drafting while closed is fine
}

void TestMainWindow::hexMessageGoesOutAsBinary()
{
    EchoServer echo;
    QVERIFY(echo.listen());
    MainWindow window(echo.url());
    window.show();
    QVERIFY(window.connectToUrl());
    QTRY_COMPARE(window.session()->state(), Session::State::Open);

    window.composer()->setFormat(Composer::Format::Hex);
    QPlainTextEdit *editor = window.composer()->editor();
    QTest::mouseClick(editor->viewport(), Qt::LeftButton);
    QTRY_VERIFY(editor->hasFocus());
    QSignalSpy binary(window.composer(), &Composer::binarySubmitted);
    QTest::keyClicks(editor, QStringLiteral("de ad b"));
    QTest::keyClick(editor, Qt::Key_Return, Qt::ControlModifier);
    QCOMPARE(binary.count(), 0);
    QCOMPARE(window.session()->log()->count(), 1);   // only the open event
    QCOMPARE(editor->textCursor().position(), 6);     // the cursor waits at the lone digit

    QTest::keyClick(editor, Qt::Key_End, Qt::ControlModifier);
    QTest::keyClicks(editor, QStringLiteral("e ef"));
    QTest::mouseClick(window.composer()->sendButton(), Qt::LeftButton);
    QCOMPARE(binary.count(), 1);
    QTRY_COMPARE(rowsOf(window.logModel(), MessageLog::Direction::Received, MessageLog::Kind::Binary), 1);
    const MessageLog *log = window.session()->log();
    QCOMPARE(log->data(log->count() - 1).toByteArray(), QByteArray("\xde\xad\xbe\xef"));
}

void TestMainWindow::composerSendsAFileWithinTheLimit()
{
    EchoServer echo;
    QVERIFY(echo.listen());
    MainWindow window(echo.url());
    RequestEditor::Timing timing = window.requestEditor()->timing();
    timing.maxMessageBytes = 1024;   // the largest message this connection accepts
    window.requestEditor()->setTiming(timing);
    window.show();
    QVERIFY(window.connectToUrl());
    QTRY_COMPARE(window.session()->state(), Session::State::Open);
    Composer *composer = window.composer();
    QVERIFY(composer->sendFileButton()->isEnabled());
    QCOMPARE(composer->maxFileBytes(), 1024);
    auto *status = composer->findChild<QLabel *>(QStringLiteral("composerStatus"));
    QVERIFY(status);

    QTemporaryDir dir;
    const QString fifo = dir.filePath(QStringLiteral("fifo"));
    QCOMPARE(::mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);
    const auto fileOf = [&dir](const QString &name, qsizetype size) {
        QFile file(dir.filePath(name));
        if (!file.open(QIODevice::WriteOnly))
            return QString();
        QByteArray bytes(size, Qt::Uninitialized);
        for (qsizetype i = 0; i < size; ++i)
            bytes[i] = char(i * 13);
        file.write(bytes);
        return file.fileName();
    };
    const QString tooLarge = fileOf(QStringLiteral("over.bin"), 1025);
    const QString fits = fileOf(QStringLiteral("fits.bin"), 1024);

    QSignalSpy binary(composer, &Composer::binarySubmitted);
    // A pipe with no writer and a device are refused before any read (no
    // hang, no endless read), a file over the limit before it is read.
    composer->sendFile(fifo);
    QVERIFY2(status->text().contains(QStringLiteral("it is a named pipe, not a regular file")), qPrintable(status->text()));
    composer->sendFile(QStringLiteral("/dev/zero"));
    QVERIFY2(status->text().contains(QStringLiteral("it is a device, not a regular file")), qPrintable(status->text()));
    composer->sendFile(tooLarge);
    QVERIFY2(status->text().contains(QStringLiteral("it is 1025 bytes, more than the 1024 bytes accepted")),
             qPrintable(status->text()));
    QCOMPARE(binary.count(), 0);
    QCOMPARE(window.session()->log()->count(), 1);   // only the open event

    // The refusals are drawn as errors; the send that works is ordinary text again.
    QCOMPARE(status->palette().color(QPalette::WindowText), Theme::color(Theme::Role::Error));
    composer->sendFile(fits);
    QCOMPARE(binary.count(), 1);
    QCOMPARE(status->palette().color(QPalette::WindowText), QApplication::palette(status).color(QPalette::WindowText));
    QTRY_COMPARE(rowsOf(window.logModel(), MessageLog::Direction::Received, MessageLog::Kind::Binary), 1);
    const MessageLog *log = window.session()->log();
    QFile file(fits);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(log->data(log->count() - 1).toByteArray(), file.readAll());
}

void TestMainWindow::forbiddenServerLeavesAnErrorRow()
{
    RawServer forbidden("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n");
    MainWindow window{QUrl()};
    window.show();
    typeUrl(window, forbidden.url().toString());
    QTest::mouseClick(window.connectButton(), Qt::LeftButton);
    QTRY_COMPARE(rowsOf(window.logModel(), MessageLog::Direction::Local, MessageLog::Kind::Error), 1);
    QTRY_COMPARE(window.session()->state(), Session::State::Closed);
    QVERIFY(window.connectButton()->isEnabled());
    QVERIFY(window.inspector()->responseText().contains(QStringLiteral("403")));
}

void TestMainWindow::refusedAnswerIsShownInTheHandshakeTab_data()
{
    QTest::addColumn<QString>("script");
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QStringList>("response");   // what the Response pane shows
    QTest::addColumn<QString>("raw");            // and the Raw bytes tab
    QTest::addColumn<QString>("note");

    QTest::newRow("Python websockets refusing with 401")
        << QStringLiteral("ws_reject.py") << QStringList()
        << QStringList{QStringLiteral("HTTP/1.1 401 Unauthorized"), QStringLiteral("\nWWW-Authenticate: Bearer realm=\"api\""),
                       QStringLiteral("\nServer: Python/"),
                       QStringLiteral("\n\n{\"error\": \"unauthorized\", \"hint\": \"send a bearer token\"}")}
        << QStringLiteral("Response body, 56 byte") << QString();
    const QByteArray chunked = "HTTP/1.1 403 Forbidden\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nclosed\r\n8\r\n for now\r\n0\r\n\r\n";
    QTest::newRow("chunked 403, kept open")
        << QStringLiteral("http_answer.py") << QStringList{QString::fromLatin1(chunked.toBase64()), QStringLiteral("keep")}
        << QStringList{QStringLiteral("HTTP/1.1 403 Forbidden\nTransfer-Encoding: chunked"),
                       QStringLiteral("(chunked: 29 byte"), QStringLiteral(" on the wire, decoded here; see Raw bytes)\nclosed for now")}
        << QStringLiteral("Response body as sent (chunked), 29 byte") << QString();
    const QByteArray protocol = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                "Sec-WebSocket-Accept: {ACCEPT}\r\nSec-WebSocket-Protocol: chat.v9\r\n\r\n";
    QTest::newRow("101 with a subprotocol not offered")
        << QStringLiteral("http_answer.py") << QStringList{QString::fromLatin1(protocol.toBase64()), QStringLiteral("keep")}
        << QStringList{QStringLiteral("HTTP/1.1 101 Switching Protocols"), QStringLiteral("\nSec-WebSocket-Protocol: chat.v9")}
        << QStringLiteral("Response head, ") << QStringLiteral("The server chose the subprotocol chat.v9, but none was offered.");
}

void TestMainWindow::refusedAnswerIsShownInTheHandshakeTab()
{
    QFETCH(QString, script);
    QFETCH(QStringList, arguments);
    QFETCH(QStringList, response);
    QFETCH(QString, raw);
    QFETCH(QString, note);

    PythonPeer peer(script, arguments);
    QVERIFY(peer.waitUntilListening());
    MainWindow window{QUrl()};
    window.show();
    typeUrl(window, peer.url().toString());
    QTest::mouseClick(window.connectButton(), Qt::LeftButton);
    QTRY_COMPARE(window.session()->state(), Session::State::Closed);
    // Closed means the whole answer is in: no waiting after that.
    HandshakeInspector *inspector = window.inspector();
    for (const QString &part : response)
        QVERIFY2(inspector->responseText().contains(part), qPrintable(inspector->responseText()));
    QVERIFY2(inspector->rawText().contains(raw), qPrintable(inspector->rawText()));
    if (!note.isEmpty())
        QVERIFY2(inspector->notesText().contains(note), qPrintable(inspector->notesText()));
    QVERIFY(window.connectButton()->isEnabled());
    // The story and the status line say what the server answered.
    const QString status = response.first().section(u'\n', 0, 0);
    QCOMPARE(inspector->statusText(), status);
    const HandshakeStory::Step answer = inspector->story()->steps().at(2);
    QVERIFY(answer.reached);
    QVERIFY2(answer.details.first() == status, qPrintable(answer.details.join(u'|')));
    if (!status.contains(QStringLiteral(" 101 "))) {
        QCOMPARE(answer.title, QStringLiteral("The server refuses the upgrade"));
        QCOMPARE(answer.role, Theme::Role::Error);
        QVERIFY(!inspector->story()->steps().at(3).reached);
    }
}

void TestMainWindow::recentUrlsAreRemembered()
{
    EchoServer echo;
    QVERIFY(echo.listen());
    RawServer other("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
    {
        MainWindow window(echo.url());
        window.setUrl(other.url().toString());
        QVERIFY(window.connectToUrl());
        QTRY_COMPARE(window.session()->state(), Session::State::Closed);
        window.close();
    }
    MainWindow again(echo.url());
    QCOMPARE(again.urlBox()->currentText(), other.url().toString());
    QVERIFY(again.urlBox()->findText(echo.url().toString()) >= 0);
    QVERIFY(again.urlBox()->findText(other.url().toString()) >= 0);
    QCOMPARE(Settings::value(Settings::Id::RecentUrls).toStringList(), QStringList{other.url().toString()});
}

void TestMainWindow::pendingSendsDoNotLeakIntoTheNextConnection()
{
    RawServer refusing("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n");
    EchoServer echo;
    QVERIFY(echo.listen());
    MainWindow window(echo.url());
    window.setUrl(refusing.url().toString());
    // What `wsscope URL --send TEXT` sets up: a script for the window's session.
    ScriptRunner::Script script;
    script.messages = {{ScriptRunner::Message::Kind::Text, "meant for the first server"}};
    script.closeWhenDone = false;
    ScriptRunner runner(window.session(), script);
    QSignalSpy finished(&runner, &ScriptRunner::finished);
    runner.start([&window](QString *) { return window.connectToUrl(); });
    QTRY_COMPARE(window.session()->state(), Session::State::Closed);
    QTRY_COMPARE(finished.count(), 1);
    QCOMPARE(finished.first().first().toInt(), int(ScriptRunner::Failure));

    window.setUrl(echo.url().toString());
    QVERIFY(window.connectToUrl());
    QTRY_COMPARE(window.session()->state(), Session::State::Open);
    QTest::qWait(200);
    QCOMPARE(rowsOf(window.logModel(), MessageLog::Direction::Sent, MessageLog::Kind::Text), 0);
}

void TestMainWindow::inspectorShowsTheWireFromANodePeer()
{
    NodePeer peer;
    QVERIFY(peer.waitUntilListening());
    MainWindow window{QUrl()};
    window.show();
    window.setUrl(peer.url().toString());
    QVERIFY(window.connectToUrl());
    QTRY_COMPARE(window.session()->state(), Session::State::Open);
    QVERIFY(window.session()->sendText(QStringLiteral("script")));
    QTRY_VERIFY(window.wireView()->model()->rowCount() >= 10);

    HandshakeInspector *inspector = window.inspector();
    QTRY_VERIFY(inspector->responseText().contains(QStringLiteral("\nX-Wsscope-Test: yes")));
    QVERIFY(inspector->requestText().contains(QStringLiteral("\nSec-WebSocket-Key: ")));
    QVERIFY2(inspector->acceptText().contains(QStringLiteral("Match")), qPrintable(inspector->acceptText()));
    QVERIFY(inspector->acceptText().contains(QStringLiteral("258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));
    QVERIFY(inspector->rawText().startsWith(QStringLiteral("Request, ")));
    QVERIFY(window.timingView()->text().contains(QStringLiteral("TCP connect")));
    QVERIFY(window.timingView()->text().contains(QStringLiteral(" ms")) || window.timingView()->text().contains(QStringLiteral("\u00b5s")));
    QVERIFY(window.tlsView()->summaryText().contains(QStringLiteral("No TLS")));

    // The fragmented "frag-ment" from the peer: selecting its log row selects both frames.
    LogModel *model = window.logModel();
    int fragmentedRow = -1;
    QTRY_VERIFY([&] {
        for (int row = 0; row < model->rowCount(); ++row) {
            if (model->index(row, 0).data(LogModel::PayloadRole).toByteArray() == "frag-ment")
                fragmentedRow = row;
        }
        return fragmentedRow >= 0;
    }());
    window.logView()->setCurrentIndex(model->index(fragmentedRow, 0));
    const QModelIndexList selected = window.wireView()->selectionModel()->selectedRows();
    QCOMPARE(selected.size(), 2);
    QCOMPARE(selected.at(0).siblingAtColumn(2).data().toString() + selected.at(1).siblingAtColumn(2).data().toString(),
             QStringLiteral("textcontinuation"));

    // And back: selecting the continuation frame selects the log row.
    window.logView()->clearSelection();
    window.wireView()->setCurrentIndex(selected.at(1));
    QCOMPARE(window.logView()->selectionModel()->selectedRows().value(0).row(), fragmentedRow);

    // Still after the connection has closed (the close event is the last row then).
    window.closeConnection();
    QTRY_COMPARE(window.session()->state(), Session::State::Closed);
    window.logView()->clearSelection();
    window.wireView()->setCurrentIndex(QModelIndex());
    window.wireView()->setCurrentIndex(selected.at(0));
    QCOMPARE(window.logView()->selectionModel()->selectedRows().value(0).row(), fragmentedRow);
}

void TestMainWindow::untrustedCertificateCanBeAcceptedOnce()
{
    TlsFixture tls;
    QVERIFY2(tls.create(), qPrintable(tls.error()));
    NodePeer peer({QStringLiteral("--tls"), tls.certPath(), tls.keyPath()});
    QVERIFY(peer.waitUntilListening());
    MainWindow window{QUrl()};
    window.show();
    window.setUrl(peer.url(QStringLiteral("wss")).toString());
    QVERIFY(window.connectToUrl());
    QTRY_COMPARE(window.session()->state(), Session::State::Closed);
    QTRY_VERIFY(window.tlsView()->connectAnywayButton()->isVisible());
    QVERIFY(window.tlsView()->summaryText().contains(QStringLiteral("NOT verified")));
    QCOMPARE(window.tlsView()->chain()->topLevelItemCount(), 1);
    // Said in plain words, with the TLS tab brought forward, and the story's
    // TLS step marked as the one that failed.
    QVERIFY2(window.stateText().contains(QStringLiteral("Certificate not trusted")), qPrintable(window.stateText()));
    auto *details = qobject_cast<QTabWidget *>(window.tlsView()->parentWidget()->parentWidget());
    QVERIFY(details);
    QCOMPARE(details->currentWidget(), window.tlsView());
    const QList<HandshakeStory::Step> steps = window.inspector()->story()->steps();
    QCOMPARE(steps.at(1).title, QStringLiteral("TLS handshake"));
    QCOMPARE(steps.at(1).role, Theme::Role::Error);
    QVERIFY(!steps.at(2).reached);   // no upgrade request went out

    QTest::mouseClick(window.tlsView()->connectAnywayButton(), Qt::LeftButton);
    QTRY_COMPARE(window.session()->state(), Session::State::Open);
    QVERIFY(window.tlsView()->summaryText().contains(QStringLiteral("accepted for this connection")));
    QVERIFY(!window.session()->ignoreTlsErrors());   // the next connection verifies again
    window.closeConnection();
    QTRY_COMPARE(window.session()->state(), Session::State::Closed);
    QVERIFY(window.connectToUrl());
    QTRY_COMPARE(window.session()->state(), Session::State::Closed);
    QVERIFY(!window.session()->wasOpened());
}

void TestMainWindow::directModeIsAChoiceThatIsRemembered()
{
    EchoServer echo;
    QVERIFY(echo.listen());
    {
        MainWindow window(echo.url());
        QAction *tap = nullptr;
        for (QAction *action : window.findChildren<QAction *>()) {
            if (action->isCheckable() && action->text().contains(QStringLiteral("wire")))
                tap = action;
        }
        QVERIFY(tap);
        QVERIFY(tap->isChecked());
        tap->trigger();
        QCOMPARE(window.session()->mode(), Session::Mode::Direct);
        QVERIFY(window.connectToUrl());
        QTRY_COMPARE(window.session()->state(), Session::State::Open);
        QVERIFY(window.inspector()->notesText().contains(QStringLiteral("Sec-WebSocket-Key")));
        QVERIFY(window.timingView()->text().contains(QStringLiteral("direct connection")));
        QCOMPARE(window.wireView()->model()->rowCount(), 0);
    }
    MainWindow again(echo.url());
    QCOMPARE(again.session()->mode(), Session::Mode::Direct);
}

void TestMainWindow::quittingClosesWith1001()
{
    QtPeer server;
    QVERIFY(server.isListening());
    auto window = std::make_unique<MainWindow>(QUrl());
    window->show();
    window->setUrl(server.url().toString());
    QVERIFY(window->connectToUrl());
    QTRY_COMPARE(window->session()->state(), Session::State::Open);
    QTRY_VERIFY(server.peer());
    QSignalSpy gone(server.peer(), &QWebSocket::disconnected);
    window->close();                 // what File > Quit and the title bar do
    // The log was not saved: asked first; Cancel keeps everything as it was.
    QMessageBox *question = nullptr;
    QTRY_VERIFY((question = window->findChild<QMessageBox *>(QStringLiteral("quitQuestion"))));
    QVERIFY2(question->text().contains(window->tabs()->tabText(0)), qPrintable(question->text()));
    question->button(QMessageBox::Cancel)->click();
    QTRY_VERIFY(!window->findChild<QMessageBox *>(QStringLiteral("quitQuestion")));
    QVERIFY(window->isVisible());
    QCOMPARE(window->session()->state(), Session::State::Open);
    window->close();
    QTRY_VERIFY((question = window->findChild<QMessageBox *>(QStringLiteral("quitQuestion"))));
    for (QAbstractButton *button : question->buttons()) {
        if (question->buttonRole(button) == QMessageBox::DestructiveRole)
            button->click();
    }
    QTRY_COMPARE(window->session()->state(), Session::State::Closed);
    QTRY_VERIFY(!window->isVisible());
    window.reset();
    QTRY_COMPARE(gone.count(), 1);
    QCOMPARE(int(server.peer()->closeCode()), 1001);
}

void TestMainWindow::selectingRowsShowsTheMessageAndTheTimeBetween()
{
    EchoServer echo;
    QVERIFY(echo.listen());
    MainWindow window(echo.url());
    window.show();
    QVERIFY(window.connectToUrl());
    QTRY_COMPARE(window.session()->state(), Session::State::Open);
    QVERIFY(window.session()->sendText(QStringLiteral("{\"a\":1}")));
    QTRY_COMPARE(window.logModel()->rowCount(), 3);

    LogView *view = window.logView();
    view->setCurrentIndex(window.logModel()->index(2, 0));
    QCOMPARE(window.messageView()->text(), QStringLiteral("{\"a\":1}"));

    // The keyboard goes from record to record, as in a list: Home and End
    // to the first and last row, whichever column was current; Tab leaves.
    view->setFocus();
    view->setCurrentIndex(window.logModel()->index(2, LogModel::PreviewColumn));
    QTest::keyClick(view, Qt::Key_Home);
    QCOMPARE(view->currentIndex().row(), 0);
    QTest::keyClick(view, Qt::Key_Down);
    QCOMPARE(view->currentIndex().row(), 1);
    QTest::keyClick(view, Qt::Key_End);
    QCOMPARE(view->currentIndex().row(), 2);
    QCOMPARE(view->selectionModel()->selectedRows().size(), 1);
    QCOMPARE(window.messageView()->text(), QStringLiteral("{\"a\":1}"));
    QTest::keyClick(view, Qt::Key_Tab);
    QTRY_VERIFY(!view->hasFocus());
    view->setCurrentIndex(window.logModel()->index(2, 0));

    view->selectionModel()->select(window.logModel()->index(1, 0),
                                   QItemSelectionModel::Select | QItemSelectionModel::Rows);
    const qint64 sent = window.logModel()->index(1, 0).data(LogModel::TimeUsecRole).toLongLong();
    const qint64 received = window.logModel()->index(2, 0).data(LogModel::TimeUsecRole).toLongLong();
    QVERIFY2(window.selectionText().contains(QStringLiteral("%1 ms between").arg(double(received - sent) / 1000.0, 0, 'f', 3)),
             qPrintable(window.selectionText()));

    // The filter bar filters the log that the window shows.
    QTest::keyClicks(window.filterBar()->searchEdit(), QStringLiteral("\"a\""));
    QTRY_COMPARE(window.logModel()->rowCount(), 2);
    QTRY_VERIFY(window.filterBar()->statusText().startsWith(QStringLiteral("Matching: 2 of 3 rows")));
    window.filterBar()->searchEdit()->clear();
    QTRY_COMPARE(window.filterBar()->statusText(), QStringLiteral("3 rows"));
}

void TestMainWindow::pingAndPongRowsSelectTheirFrames()
{
    EchoServer echo;
    QVERIFY(echo.listen());
    MainWindow window(echo.url());
    window.show();
    QVERIFY(window.connectToUrl());
    QTRY_COMPARE(window.session()->state(), Session::State::Open);
    QVERIFY(window.session()->ping("first"));
    QVERIFY(window.session()->ping("second"));
    QTRY_COMPARE(rowsOf(window.logModel(), MessageLog::Direction::Received, MessageLog::Kind::Pong), 2);
    QTRY_VERIFY(window.wireView()->model()->rowCount() >= 8);   // events, request, response, 2 pings, 2 pongs

    const auto selectedWireRow = [&window]() -> QPair<QString, QString> {
        const QModelIndexList rows = window.wireView()->selectionModel()->selectedRows();
        if (rows.size() != 1)
            return {};
        return {rows.at(0).siblingAtColumn(1).data().toString() + u' ' + rows.at(0).siblingAtColumn(2).data().toString(),
                rows.at(0).siblingAtColumn(WireModel::PayloadColumn).data().toString()};
    };
    LogModel *model = window.logModel();
    int checked = 0;
    for (int row = 0; row < model->rowCount(); ++row) {
        const QModelIndex index = model->index(row, 0);
        const QByteArray payload = index.data(LogModel::PayloadRole).toByteArray();
        const int kind = index.data(LogModel::KindRole).toInt();
        if (payload != "second" || (kind != int(MessageLog::Kind::Ping) && kind != int(MessageLog::Kind::Pong)))
            continue;
        ++checked;
        window.logView()->setCurrentIndex(index);
        const auto [what, shown] = selectedWireRow();
        QCOMPARE(shown, QStringLiteral("second"));
        QVERIFY2(kind == int(MessageLog::Kind::Ping) ? what.endsWith(QStringLiteral("to server ping"))
                                                     : what.endsWith(QStringLiteral("to client pong")),
                 qPrintable(what));
    }
    QCOMPARE(checked, 2);   // the second ping sent and the second pong received
}

namespace {

// Runs a short echo session in a window and saves it, as File > Save would.
QString saveEchoSession(const QTemporaryDir &dir)
{
    EchoServer echo;
    if (!echo.listen())
        return {};
    MainWindow window(echo.url());
    window.setUrl(echo.url().toString());
    window.connectToUrl();
    if (!QTest::qWaitFor([&] { return window.session()->state() == Session::State::Open; }))
        return {};
    window.session()->sendText(QStringLiteral("first <b>not bold</b>"));
    window.session()->sendBinary(QByteArray("\x00\x01\x02", 3));
    if (!QTest::qWaitFor([&] { return window.session()->log()->count() == 5; }))
        return {};
    window.closeConnection();
    if (!QTest::qWaitFor([&] { return window.session()->state() == Session::State::Closed; }))
        return {};
    const QString path = dir.filePath(QStringLiteral("echo.wsscope.jsonl"));
    window.saveTo(path);
    // The save runs on a worker thread; the status bar says when it is done.
    if (!QTest::qWaitFor([&] { return QFile::exists(path); }))
        return {};
    return path;
}

} // namespace

void TestMainWindow::savedSessionReopensReadOnly()
{
    QTemporaryDir dir;
    const QString path = saveEchoSession(dir);
    QVERIFY(!path.isEmpty());

    MainWindow viewer(QUrl{});
    viewer.show();
    QSignalSpy loaded(&viewer, &MainWindow::loaded);
    viewer.openSessionFile(path);
    QVERIFY(loaded.wait(10000));
    QCOMPARE(loaded.first().first().toBool(), true);
    QVERIFY(viewer.session()->isReadOnly());
    QVERIFY(viewer.windowTitle().contains(QStringLiteral("echo.wsscope.jsonl")));
    QVERIFY2(viewer.stateText().contains(QStringLiteral("read-only")), qPrintable(viewer.stateText()));
    QVERIFY(!viewer.connectButton()->isEnabled());
    QVERIFY(!viewer.urlBox()->isEnabled());
    QVERIFY(!viewer.composer()->sendButton()->isEnabled());
    QVERIFY(viewer.composer()->isHidden());
    // The same log, handshake and wire as the live window showed.
    LogModel *model = viewer.logModel();
    QTRY_COMPARE(model->rowCount(), 6);   // open, 2 sent, 2 received, close
    QCOMPARE(rowsOf(model, MessageLog::Direction::Received, MessageLog::Kind::Binary), 1);
    QCOMPARE(model->index(1, LogModel::PreviewColumn).data().toString(), QStringLiteral("first <b>not bold</b>"));
    QVERIFY(viewer.inspector()->requestText().startsWith(QStringLiteral("GET / HTTP/1.1")));
    QVERIFY(viewer.inspector()->responseText().startsWith(QStringLiteral("HTTP/1.1 101")));
    QTRY_VERIFY(viewer.wireView()->model()->rowCount() >= 2 + 4 + 2);   // request, response, 4 messages, 2 closes
    QVERIFY(viewer.journal() == nullptr);

    // Saved again from the viewer: the same rows come back.
    const QString again = dir.filePath(QStringLiteral("again.wsscope.jsonl"));
    viewer.saveTo(again);
    QTRY_VERIFY(QFile::exists(again));
    Session check;
    SessionFile::Loaded result;
    QString error;
    QVERIFY2(SessionFile::load(again, &check, &result, &error), qPrintable(error));
    QCOMPARE(check.log()->count(), 6);
    QVERIFY(result.problem.isEmpty());
}

void TestMainWindow::droppedFileOpensInItsOwnTab()
{
    QTemporaryDir dir;
    const QString path = saveEchoSession(dir);
    QVERIFY(!path.isEmpty());

    EchoServer echo;
    QVERIFY(echo.listen());
    MainWindow live(echo.url());
    live.show();
    QVERIFY(live.connectToUrl());
    QTRY_COMPARE(live.session()->state(), Session::State::Open);

    QMimeData mime;
    mime.setUrls({QUrl::fromLocalFile(path)});
    QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(&live, &enter);
    QVERIFY(enter.isAccepted());
    QDropEvent drop(QPointF(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(&live, &drop);

    // The live session is untouched; the file has a tab of its own, in front.
    ConnectionPane *livePane = live.pane(0);
    QCOMPARE(livePane->session()->state(), Session::State::Open);
    QVERIFY(!livePane->session()->isReadOnly());
    QTRY_COMPARE(live.paneCount(), 2);
    ConnectionPane *viewer = live.pane(1);
    QCOMPARE(live.currentPane(), viewer);
    QTRY_COMPARE(viewer->logModel()->rowCount(), 6);
    QVERIFY(viewer->session()->isReadOnly());
    QCOMPARE(live.loadedPath(), path);
    QCOMPARE(live.tabs()->tabText(1), QFileInfo(path).fileName());
    QCOMPARE(livePane->session()->state(), Session::State::Open);
    live.session()->abort();
}

void TestMainWindow::badFileSaysWhereReadingStopped()
{
    QTemporaryDir dir;
    const QString good = saveEchoSession(dir);
    QVERIFY(!good.isEmpty());
    QFile file(good);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QByteArray content = file.readAll();
    file.close();
    // Keep every line up to the first message whole and cut the next in half.
    const qsizetype message = content.indexOf("{\"type\":\"message\"");
    QVERIFY(message > 0);
    const qsizetype cut = content.indexOf('\n', message) + 1;
    const int cutLine = int(content.left(cut).count('\n')) + 1;
    const QString broken = dir.filePath(QStringLiteral("broken.wsscope.jsonl"));
    QFile out(broken);
    QVERIFY(out.open(QIODevice::WriteOnly));
    out.write(content.left(cut + 20));
    out.close();

    MainWindow viewer(QUrl{});
    viewer.show();
    QSignalSpy loaded(&viewer, &MainWindow::loaded);
    viewer.openSessionFile(broken);
    QVERIFY(loaded.wait(10000));
    QCOMPARE(loaded.first().first().toBool(), true);
    QCOMPARE(viewer.loadedResult().problemLine, cutLine);
    QTRY_VERIFY(viewer.findChild<QMessageBox *>());
    const QString said = viewer.findChild<QMessageBox *>()->text();
    QVERIFY2(said.contains(QStringLiteral("Line %1").arg(cutLine)) && said.contains(QStringLiteral("cut short")),
             qPrintable(said));
    QVERIFY(viewer.logModel()->rowCount() > 0);

    // Not a session file at all: said, and nothing shown.
    const QString notSession = dir.filePath(QStringLiteral("notes.txt"));
    QFile notes(notSession);
    QVERIFY(notes.open(QIODevice::WriteOnly));
    notes.write("just some notes\n");
    notes.close();
    MainWindow other(QUrl{});
    QSignalSpy otherLoaded(&other, &MainWindow::loaded);
    other.openSessionFile(notSession);
    QVERIFY(otherLoaded.wait(10000));
    QCOMPARE(otherLoaded.first().first().toBool(), false);
    QTRY_VERIFY(other.findChild<QMessageBox *>());
    QVERIFY2(other.findChild<QMessageBox *>()->text().contains(QStringLiteral("not valid JSON")),
             qPrintable(other.findChild<QMessageBox *>()->text()));
}

void TestMainWindow::crashedJournalIsOfferedForRecovery()
{
    QTemporaryDir dir;
    const QString saved = saveEchoSession(dir);
    QVERIFY(!saved.isEmpty());
    // A journal as a killed process leaves it: no end line, no lock held.
    QDir().mkpath(Journal::defaultDirectory());
    const QString orphan = Journal::defaultDirectory() + QStringLiteral("/session-20261124-000000-1.wsscope.jsonl");
    QFile::remove(orphan);
    QVERIFY(QFile::copy(saved, orphan));
    QList<Journal::Recoverable> found = Journal::recoverable(Journal::defaultDirectory());
    // Only this one: a test run that was killed leaves its own journal there too.
    found.removeIf([&orphan](const Journal::Recoverable &journal) { return journal.path != orphan; });
    QCOMPARE(found.size(), 1);

    EchoServer echo;
    QVERIFY(echo.listen());
    MainWindow window(echo.url());
    window.show();
    window.offerRecovery(found);
    QMessageBox *box = nullptr;
    QTRY_VERIFY((box = window.findChild<QMessageBox *>()) != nullptr);
    QVERIFY(box->text().contains(QStringLiteral("1 session")));
    QAbstractButton *open = nullptr;
    for (QAbstractButton *button : box->buttons()) {
        if (button->text().remove(u'&') == QStringLiteral("Open"))
            open = button;
    }
    QVERIFY(open);
    open->click();

    // Opened read-only (in this window, which had not connected yet), and
    // moved aside so that it is not offered again.
    QTRY_VERIFY(window.session()->isReadOnly());
    QTRY_COMPARE(window.logModel()->rowCount(), 6);
    QVERIFY(!QFile::exists(orphan));
    for (const Journal::Recoverable &journal : Journal::recoverable(Journal::defaultDirectory()))
        QVERIFY2(journal.path != orphan, qPrintable(journal.path));
    QVERIFY(window.loadedPath().contains(QStringLiteral("/recovered/")));
    QFile::remove(window.loadedPath());
}

void TestMainWindow::logCanBeKeptAsARing()
{
    Settings::setValue(Settings::Id::MaxLogRows, 100000);
    EchoServer echo;
    QVERIFY(echo.listen());
    MainWindow window(echo.url());
    QCOMPARE(window.session()->log()->maxRows(), 100000);
    QAction *every = nullptr;
    QAction *newest = nullptr;
    for (QAction *action : window.findChildren<QAction *>()) {
        if (action->text().remove(u'&') == QStringLiteral("Every row"))
            every = action;
        if (action->data().toInt() == 100000)
            newest = action;
    }
    QVERIFY(every && newest);
    QVERIFY(newest->isChecked());
    every->trigger();
    QCOMPARE(window.session()->log()->maxRows(), 0);
    QCOMPARE(Settings::value(Settings::Id::MaxLogRows).toInt(), 0);
}

void TestMainWindow::requestTabsGoOnTheWire()
{
    NodePeer peer;
    QVERIFY(peer.waitUntilListening());
    MainWindow window(QUrl{});
    window.show();
    RequestEditor *request = window.requestEditor();
    typeUrl(window, peer.url().toString() + QStringLiteral("?room=7"));
    // The URL's query shows in the Params tab; a row added there goes into the URL.
    QTableWidget *query = request->queryTable();
    QCOMPARE(query->item(0, 1)->text(), QStringLiteral("room"));
    QCOMPARE(query->item(0, 2)->text(), QStringLiteral("7"));
    query->item(1, 1)->setText(QStringLiteral("user"));
    query->item(1, 2)->setText(QStringLiteral("ann lee"));
    QCOMPARE(window.urlBox()->currentText(), peer.url().toString() + QStringLiteral("?room=7&user=ann%20lee"));

    request->addHeader(QStringLiteral("X-Sent"), QStringLiteral("yes"));
    request->addHeader(QStringLiteral("X-Left-Out"), QStringLiteral("no"), false);
    request->setAuth(RequestEditor::AuthKind::Bearer, {}, QStringLiteral("t0ken"));
    request->setSubprotocolText(QStringLiteral("chat.v2, json"));
    request->setOrigin(QStringLiteral("https://example.test"));
    QVERIFY2(window.connectToUrl(), qPrintable(window.urlError()));
    QTRY_COMPARE_WITH_TIMEOUT(window.session()->state(), Session::State::Open, 10000);

    // What the peer received, header by header.
    QTRY_VERIFY(!peer.all().isEmpty());
    const QJsonArray raw = peer.all().first().value(QStringLiteral("headers")).toArray();
    QMap<QString, QString> headers;
    for (int i = 0; i + 1 < raw.size(); i += 2)
        headers.insert(raw.at(i).toString().toLower(), raw.at(i + 1).toString());
    QCOMPARE(headers.value(QStringLiteral("x-sent")), QStringLiteral("yes"));
    QVERIFY(!headers.contains(QStringLiteral("x-left-out")));
    QCOMPARE(headers.value(QStringLiteral("authorization")), QStringLiteral("Bearer t0ken"));
    QCOMPARE(headers.value(QStringLiteral("origin")), QStringLiteral("https://example.test"));
    QCOMPARE(headers.value(QStringLiteral("sec-websocket-protocol")), QStringLiteral("chat.v2, json"));
    QCOMPARE(peer.all().first().value(QStringLiteral("protocol")).toString(), QStringLiteral("chat.v2"));
    QTRY_VERIFY(window.session()->handshake().requestLine.startsWith("GET /?room=7&user=ann%20lee HTTP/1.1"));
    QCOMPARE(window.session()->handshake().subprotocol, QStringLiteral("chat.v2"));
    window.session()->abort();
}

void TestMainWindow::badHeaderRowIsMarkedAndNothingConnects()
{
    EchoServer echo;
    QVERIFY(echo.listen());
    MainWindow window(echo.url());
    RequestEditor *request = window.requestEditor();
    request->addHeader(QStringLiteral("X Bad Name"), QStringLiteral("1"));
    QTableWidget *headers = request->headerTable();
    QVERIFY(headers->item(0, 1)->toolTip().contains(QStringLiteral("may only hold")));
    QVERIFY(!window.connectToUrl());
    QVERIFY2(window.urlError().startsWith(QStringLiteral("Header row 1: ")), qPrintable(window.urlError()));
    QCOMPARE(window.session()->connections().size(), 0);
    // A line break in a value would split the request.
    headers->item(0, 1)->setText(QStringLiteral("X-Ok"));
    headers->item(0, 2)->setText(QStringLiteral("a\r\nInjected: yes"));
    QVERIFY(!window.connectToUrl());
    QVERIFY2(window.urlError().contains(QStringLiteral("line break")), qPrintable(window.urlError()));
    // Unticked, the row is not sent, so nothing stands in the way.
    headers->item(0, 0)->setCheckState(Qt::Unchecked);
    QVERIFY(window.connectToUrl());
    QTRY_COMPARE(window.session()->state(), Session::State::Open);
    QVERIFY(window.session()->requestHeaders().isEmpty());
    window.session()->abort();
}

void TestMainWindow::requestOptionsAreRememberedPerUrl()
{
    EchoServer echo;
    QVERIFY(echo.listen());
    const QString url = echo.url().toString();
    {
        MainWindow window(echo.url());
        window.setUrl(url);
        window.requestEditor()->addHeader(QStringLiteral("X-Remembered"), QStringLiteral("42"));
        window.requestEditor()->setSubprotocolText(QStringLiteral("v1"));
        QVERIFY(window.connectToUrl());
        QTRY_COMPARE(window.session()->state(), Session::State::Open);
        window.session()->abort();
        QTRY_COMPARE(window.session()->state(), Session::State::Closed);
    }
    MainWindow again(echo.url());
    again.setUrl(QStringLiteral("ws://127.0.0.1:1/other"));
    again.urlBox()->setEditText(url);
    Q_EMIT again.urlBox()->textActivated(url);
    QList<Session::Header> headers;
    QString error;
    QVERIFY(again.requestEditor()->requestHeaders(&headers, &error));
    QCOMPARE(headers, (QList<Session::Header>{{"X-Remembered", "42"}}));
    QStringList protocols;
    QVERIFY(again.requestEditor()->subprotocols(&protocols, &error));
    QCOMPARE(protocols, QStringList{QStringLiteral("v1")});

    // Bringing the tabs back keeps the query of the URL they are for.
    const QString withQuery = url + QStringLiteral("?room=7");
    again.setUrl(withQuery);
    again.loadConnectionOptions(withQuery, true);
    QCOMPARE(again.urlBox()->currentText(), withQuery);
    QCOMPARE(again.requestEditor()->queryTable()->item(0, 2)->text(), QStringLiteral("7"));
    again.loadConnectionOptions(withQuery);
    QCOMPARE(again.urlBox()->currentText(), withQuery);
    QVERIFY(again.connectToUrl());
    QTRY_COMPARE(again.session()->state(), Session::State::Open);
    QTRY_VERIFY(again.session()->handshake().requestLine.startsWith("GET /?room=7 HTTP/1.1"));
    again.session()->abort();
}

void TestMainWindow::typedSecretsGoToTheKeyringNotTheSettings()
{
    auto backend = std::make_unique<MemoryBackend>();
    MemoryBackend *keyring = backend.get();
    SecretStore store(std::move(backend));
    SecretStore::setShared(&store);
    QTRY_COMPARE(store.status(), SecretStore::Status::Keyring);
    EchoServer echo;
    QVERIFY(echo.listen());
    const QString url = echo.url().toString();
    {
        MainWindow window(echo.url());
        window.setUrl(url);
        window.requestEditor()->setAuth(RequestEditor::AuthKind::Bearer, {}, QStringLiteral("kr-token-5511"));
        window.requestEditor()->addHeader(QStringLiteral("Cookie"), QStringLiteral("sid=kr-cookie-6622"));
        window.requestEditor()->addHeader(QStringLiteral("X-Plain"), QStringLiteral("visible"));
        QVERIFY(window.connectToUrl());
        QTRY_COMPARE(window.session()->state(), Session::State::Open);
        window.session()->abort();
        QTRY_COMPARE(window.session()->state(), Session::State::Closed);
    }
    QTRY_COMPARE(keyring->values.size(), 1);
    const QString kept = keyring->values.constBegin().value();
    QVERIFY(kept.contains(QStringLiteral("kr-token-5511")) && kept.contains(QStringLiteral("kr-cookie-6622")));
    const QByteArray file = TestFiles::settingsText();
    QVERIFY(!file.contains("kr-token-5511"));
    QVERIFY(!file.contains("kr-cookie-6622"));
    QVERIFY(file.contains("visible"));

    // Coming back to the URL brings them back from the keyring.
    MainWindow again(echo.url());
    again.setUrl(QStringLiteral("ws://127.0.0.1:1/other"));
    again.urlBox()->setEditText(url);
    Q_EMIT again.urlBox()->textActivated(url);
    QTRY_COMPARE(again.requestEditor()->state().value(QStringLiteral("authSecret")).toString(),
                 QStringLiteral("kr-token-5511"));
    QList<Session::Header> headers;
    QString error;
    QVERIFY(again.requestEditor()->requestHeaders(&headers, &error));
    QVERIFY(headers.contains(Session::Header("Cookie", "sid=kr-cookie-6622")));

    // Cleared and connected again: gone from the keyring too.
    again.requestEditor()->setAuth(RequestEditor::AuthKind::None, {}, {});
    QVariantMap state = again.requestEditor()->state();
    state.insert(QStringLiteral("headers"), QVariantList{});
    again.requestEditor()->setState(state);
    QVERIFY(again.connectToUrl());
    QTRY_COMPARE(again.session()->state(), Session::State::Open);
    QTRY_VERIFY(keyring->values.isEmpty());
    again.session()->abort();
    SecretStore::setShared(nullptr);
}

void TestMainWindow::withoutKeyringSecretsStayInTheSessionUnlessAllowed()
{
    auto backend = std::make_unique<MemoryBackend>();
    backend->available = false;
    SecretStore store(std::move(backend));
    SecretStore::setShared(&store);
    QTRY_COMPARE(store.status(), SecretStore::Status::SessionOnly);
    EchoServer echo;
    QVERIFY(echo.listen());
    const QString url = echo.url().toString();
    MainWindow window(echo.url());
    QAction *allow = nullptr;
    for (QAction *action : window.findChildren<QAction *>()) {
        if (action->text().contains(QStringLiteral("without a keyring")))
            allow = action;
    }
    QVERIFY(allow);
    QVERIFY(allow->isEnabled());
    QVERIFY(!allow->isChecked());
    QVERIFY2(allow->toolTip().contains(QStringLiteral("this session only")), qPrintable(allow->toolTip()));

    window.setUrl(url);
    window.requestEditor()->setAuth(RequestEditor::AuthKind::Basic, QStringLiteral("ann"), QStringLiteral("no-kr-pw-7733"));
    QVERIFY(window.connectToUrl());
    QTRY_COMPARE(window.session()->state(), Session::State::Open);
    QVERIFY2(window.statusBar()->currentMessage().contains(QStringLiteral("this session only")),
             qPrintable(window.statusBar()->currentMessage()));
    QTest::qWait(20);
    QVERIFY(!TestFiles::settingsText().contains("no-kr-pw-7733"));
    QVERIFY(TestFiles::settingsText().contains("ann"));

    // Within the session it comes back.
    window.setUrl(QStringLiteral("ws://127.0.0.1:1/other"));
    window.loadConnectionOptions(QStringLiteral("ws://127.0.0.1:1/other"), true);
    QCOMPARE(window.requestEditor()->state().value(QStringLiteral("authSecret")).toString(), QString());
    window.setUrl(url);
    window.loadConnectionOptions(url, true);
    QTRY_COMPARE(window.requestEditor()->state().value(QStringLiteral("authSecret")).toString(),
                 QStringLiteral("no-kr-pw-7733"));

    // Allowed: written in plain text, in a group of its own.
    allow->trigger();
    QCOMPARE(store.status(), SecretStore::Status::PlainText);
    QTRY_VERIFY(TestFiles::settingsText().contains("no-kr-pw-7733"));
    QVERIFY(TestFiles::settingsText().contains("[plainTextSecrets]"));
    allow->trigger();
    QCOMPARE(store.status(), SecretStore::Status::SessionOnly);
    QTRY_VERIFY(!TestFiles::settingsText().contains("no-kr-pw-7733"));
    window.session()->abort();
    SecretStore::setShared(nullptr);
}

void TestMainWindow::closeWithACodeAndAReason()
{
    // 123 bytes of multi-byte UTF-8: 41 three-byte characters.
    const QString reason = QString(41, QChar(0x20AC));
    QCOMPARE(reason.toUtf8().size(), 123);
    CloseDialog dialog;
    dialog.setCode(4001);
    dialog.setReason(reason);
    QVERIFY(dialog.problem().isEmpty());
    dialog.setReason(reason + u'x');
    QVERIFY(dialog.problem().contains(QStringLiteral("124 bytes")));
    dialog.setCode(1005);
    QVERIFY(dialog.problem().contains(QStringLiteral("cannot be sent")));
    // Fitting never cuts a character, nor a surrogate pair.
    QCOMPARE(CloseDialog::fitted(reason + QStringLiteral("€"), 123), reason);
    QCOMPARE(CloseDialog::fitted(QStringLiteral("ab😀"), 5), QStringLiteral("ab"));
    QCOMPARE(CloseDialog::fitted(QStringLiteral("ab😀"), 6), QStringLiteral("ab😀"));

    NodePeer peer;
    QVERIFY(peer.waitUntilListening());
    MainWindow window(QUrl{});
    window.setUrl(peer.url().toString());
    QVERIFY(window.connectToUrl());
    QTRY_COMPARE_WITH_TIMEOUT(window.session()->state(), Session::State::Open, 10000);
    QVERIFY(window.closeWith(4001, reason));
    QTRY_COMPARE_WITH_TIMEOUT(window.session()->state(), Session::State::Closed, 5000);
    QJsonObject closeLine;
    QTRY_VERIFY([&] {
        for (const QJsonObject &line : peer.lines(QStringLiteral("received"))) {
            if (line.value(QStringLiteral("type")).toString() == u"close")
                closeLine = line;
        }
        return !closeLine.isEmpty();
    }());
    QCOMPARE(closeLine.value(QStringLiteral("code")).toInt(), 4001);
    QCOMPARE(closeLine.value(QStringLiteral("reason")).toString(), reason);
    QVERIFY2(window.stateText().contains(QStringLiteral("4001")), qPrintable(window.stateText()));

    // Through the dialog: what was chosen for this URL comes back next time.
    QVERIFY(window.connectToUrl());
    QTRY_COMPARE_WITH_TIMEOUT(window.session()->state(), Session::State::Open, 10000);
    QAction *closeWithCode = nullptr;
    for (QAction *action : window.findChildren<QAction *>()) {
        if (action->text().remove(u'&').startsWith(QStringLiteral("Close with a code")))
            closeWithCode = action;
    }
    QVERIFY(closeWithCode);
    closeWithCode->trigger();
    CloseDialog *chooser = nullptr;
    QTRY_VERIFY((chooser = window.findChild<CloseDialog *>()) != nullptr);
    QCOMPARE(chooser->code(), 1000);
    chooser->setCode(4321);
    chooser->setReason(QStringLiteral("maintenance"));
    chooser->accept();
    QTRY_COMPARE_WITH_TIMEOUT(window.session()->state(), Session::State::Closed, 5000);
    QCOMPARE(window.session()->lastClose().code, 4321);
    QVERIFY(window.connectToUrl());
    QTRY_COMPARE_WITH_TIMEOUT(window.session()->state(), Session::State::Open, 10000);
    closeWithCode->trigger();
    QTRY_VERIFY((chooser = window.findChild<CloseDialog *>()) != nullptr);
    QCOMPARE(chooser->code(), 4321);
    QCOMPARE(chooser->reason(), QStringLiteral("maintenance"));
    chooser->reject();
    window.session()->abort();
}

void TestMainWindow::keepAliveShowsRoundTrips()
{
    NodePeer peer;
    QVERIFY(peer.waitUntilListening());
    MainWindow window(QUrl{});
    window.setUrl(peer.url().toString());
    RequestEditor::Timing timing = window.requestEditor()->timing();
    timing.pingIntervalMs = 200;
    timing.pongTimeoutMs = 2000;
    window.requestEditor()->setTiming(timing);
    QVERIFY(window.connectToUrl());
    QTRY_COMPARE_WITH_TIMEOUT(window.session()->state(), Session::State::Open, 10000);
    QCOMPARE(window.session()->pingInterval(), 200);
    // Pings go out on their own; each pong row says its round trip.
    QTRY_VERIFY_WITH_TIMEOUT(rowsOf(window.logModel(), MessageLog::Direction::Received, MessageLog::Kind::Pong) >= 3, 5000);
    int shown = 0;
    for (int row = 0; row < window.logModel()->rowCount(); ++row) {
        const QModelIndex index = window.logModel()->index(row, LogModel::PreviewColumn);
        if (index.data(LogModel::KindRole).toInt() == int(MessageLog::Kind::Pong))
            shown += index.data().toString().contains(QStringLiteral("round trip"));
    }
    QVERIFY(shown >= 3);
    QVERIFY(window.session()->rtts().size() >= 3);
    // The Live tab plots them (it samples once a second; a sample now).
    window.liveChart()->sample();
    QVERIFY(window.liveChart()->roundTrips().size() >= 3);
    QVERIFY(!window.liveChart()->rates().empty());
    QVERIFY(window.liveChart()->roundTrips().back().milliseconds > 0);
    // The Timing tab counts them: a ping every 200 ms, each answered.
    window.session()->log()->flush();
    const QString keepAlive = window.timingView()->text();
    const QRegularExpression every(QStringLiteral("Pings sent +(\\d+), every (\\d+\\.\\d+) s"));
    const QRegularExpressionMatch match = every.match(keepAlive);
    QVERIFY2(match.hasMatch(), qPrintable(keepAlive));
    QVERIFY(match.captured(1).toInt() >= 3);
    // A timer may fire a little early, and late on a loaded machine.
    QVERIFY2(match.captured(2).toDouble() > 0.18 && match.captured(2).toDouble() < 0.6, qPrintable(keepAlive));
    QVERIFY2(QRegularExpression(QStringLiteral("The server's pongs to them +\\d+ of \\d+, in ")).match(keepAlive).hasMatch(),
             qPrintable(keepAlive));
    int pingsSeen = 0;
    for (const QJsonObject &line : peer.lines(QStringLiteral("received")))
        pingsSeen += line.value(QStringLiteral("type")).toString() == u"ping";
    QVERIFY(pingsSeen >= 3);
    // Log > Show pings and pongs, off: the keep-alive leaves the log alone.
    QAction *control = nullptr;
    for (QAction *action : window.findChildren<QAction *>()) {
        if (action->text().remove(u'&') == QStringLiteral("Show pings and pongs"))
            control = action;
    }
    QVERIFY(control && control->isChecked());
    control->trigger();
    QTRY_VERIFY(!window.logModel()->isSearching());
    QVERIFY(window.logModel()->rowCount() > 0);
    QCOMPARE(rowsOf(window.logModel(), MessageLog::Direction::Received, MessageLog::Kind::Pong), 0);
    QCOMPARE(rowsOf(window.logModel(), MessageLog::Direction::Sent, MessageLog::Kind::Ping), 0);
    control->trigger();
    QTRY_VERIFY(rowsOf(window.logModel(), MessageLog::Direction::Received, MessageLog::Kind::Pong) >= 3);
    window.session()->abort();
}

void TestMainWindow::reconnectsAndCloseStopsIt()
{
    QtPeer peer;
    QVERIFY(peer.isListening());
    MainWindow window(QUrl{});
    window.setUrl(peer.url().toString());
    RequestEditor::Timing timing = window.requestEditor()->timing();
    timing.reconnect = true;
    timing.reconnectPolicy.initialDelayMs = 200;
    timing.reconnectPolicy.maxDelayMs = 400;
    timing.reconnectPolicy.maxAttempts = 0;
    window.requestEditor()->setTiming(timing);
    QVERIFY(window.connectToUrl());
    QTRY_COMPARE(window.session()->state(), Session::State::Open);
    QTRY_VERIFY(peer.peer());
    // The server drops the connection: wsscope comes back by itself.
    peer.peer()->abort();
    QTRY_COMPARE(window.session()->connections().size(), 2);
    QTRY_COMPARE(window.session()->state(), Session::State::Open);
    // Both handshakes stay in the Handshake tab; the first can be picked again.
    QComboBox *history = window.handshakeHistory();
    QTRY_COMPARE(history->count(), 2);
    QVERIFY(!history->isHidden());
    QTRY_VERIFY(window.inspector()->requestText().contains(
        QString::fromLatin1(window.session()->connections().at(1).handshake.accept.key)));
    history->setCurrentIndex(1);
    Q_EMIT history->activated(1);
    QVERIFY(window.inspector()->requestText().contains(
        QString::fromLatin1(window.session()->connections().at(0).handshake.accept.key)));
    history->setCurrentIndex(0);
    Q_EMIT history->activated(0);
    // Now the server is gone: attempts go on until Close stops them. The
    // list grows by one entry each time, newest first; nothing is rebuilt,
    // and an earlier connection picked stays picked.
    int removed = 0;
    connect(history->model(), &QAbstractItemModel::rowsRemoved, this, [&removed] { ++removed; });
    connect(history->model(), &QAbstractItemModel::modelReset, this, [&removed] { ++removed; });
    history->setCurrentIndex(1);
    Q_EMIT history->activated(1);
    const int picked = history->currentData().toInt();
    peer.close();
    QTRY_VERIFY(peer.peer());
    peer.peer()->abort();
    QTRY_VERIFY_WITH_TIMEOUT(window.session()->connections().size() >= 4, 5000);
    QTRY_COMPARE(qsizetype(history->count()), window.session()->connections().size());
    QCOMPARE(removed, 0);
    QCOMPARE(history->currentData().toInt(), picked);
    for (int i = 0; i < history->count(); ++i) {
        const int id = window.session()->connections().at(history->count() - 1 - i).id;
        QCOMPARE(history->itemData(i).toInt(), id);
        QVERIFY2(history->itemText(i).startsWith(QStringLiteral("Connection %1, ").arg(id)), qPrintable(history->itemText(i)));
    }
    history->setCurrentIndex(0);
    Q_EMIT history->activated(0);
    QTRY_VERIFY(window.stateText().contains(QStringLiteral("Reconnecting in")));
    QVERIFY(window.closeButton()->isEnabled());
    QTest::mouseClick(window.closeButton(), Qt::LeftButton);
    const qsizetype attempts = window.session()->connections().size();
    QTest::qWait(1000);
    QCOMPARE(window.session()->connections().size(), attempts);
    QVERIFY(!window.stateText().contains(QStringLiteral("Reconnecting")));
}

void TestMainWindow::serverThatNeedsAHeaderAndASubprotocol()
{
    NodePeer peer({QStringLiteral("--require-header"), QStringLiteral("X-Api-Key: k1"), QStringLiteral("--require-protocol"),
                   QStringLiteral("graphql-ws")});
    QVERIFY(peer.waitUntilListening());
    MainWindow window(QUrl{});
    window.setUrl(peer.url().toString());
    RequestEditor *request = window.requestEditor();
    const auto attempt = [&window]() -> QByteArray {
        if (!window.connectToUrl())
            return "not started";
        if (!QTest::qWaitFor([&window] { return window.session()->state() != Session::State::Connecting; }, 10000))
            return "hung";
        const QByteArray status = window.session()->state() == Session::State::Open
            ? QByteArray("open")
            : window.session()->handshake().statusLine;
        window.session()->abort();
        (void)QTest::qWaitFor([&window] { return window.session()->state() == Session::State::Closed; }, 5000);
        return status;
    };
    // Without the header: 401.
    request->setSubprotocolText(QStringLiteral("graphql-ws"));
    QCOMPARE(attempt(), QByteArray("HTTP/1.1 401 Unauthorized"));
    // The header in an unticked row is not sent: still 401, and not on the wire.
    request->addHeader(QStringLiteral("X-Api-Key"), QStringLiteral("k1"), false);
    QCOMPARE(attempt(), QByteArray("HTTP/1.1 401 Unauthorized"));
    QVERIFY(!window.session()->handshake().requestRaw.contains("X-Api-Key"));
    // Ticked, but no subprotocol offered: 400.
    request->headerTable()->item(0, 0)->setCheckState(Qt::Checked);
    request->setSubprotocolText(QString());
    QCOMPARE(attempt(), QByteArray("HTTP/1.1 400 Bad Request"));
    QVERIFY(window.session()->handshake().requestRaw.contains("X-Api-Key: k1\r\n"));
    // Both: accepted, with the subprotocol.
    request->setSubprotocolText(QStringLiteral("graphql-ws"));
    window.setUrl(peer.url().toString());
    QVERIFY(window.connectToUrl());
    QTRY_COMPARE_WITH_TIMEOUT(window.session()->state(), Session::State::Open, 10000);
    QCOMPARE(window.session()->handshake().subprotocol, QStringLiteral("graphql-ws"));
    QVERIFY2(window.stateText().contains(QStringLiteral("graphql-ws")), qPrintable(window.stateText()));
    int refused = 0;
    for (const QJsonObject &line : peer.all())
        refused += line.value(QStringLiteral("event")).toString() == u"refused";
    QCOMPARE(refused, 3);
    window.session()->abort();
}

void TestMainWindow::pingWithAPayloadFromTheComposer()
{
    EchoServer echo;
    QVERIFY(echo.listen());
    MainWindow window(echo.url());
    window.setUrl(echo.url().toString());
    QVERIFY(window.connectToUrl());
    QTRY_COMPARE(window.session()->state(), Session::State::Open);
    Composer *composer = window.composer();
    composer->setFormat(Composer::Format::Ping);
    // Too long for a control frame: said, and nothing goes out.
    composer->editor()->setPlainText(QString(126, u'p'));
    QTest::mouseClick(composer->sendButton(), Qt::LeftButton);
    QTest::qWait(100);
    QCOMPARE(rowsOf(window.logModel(), MessageLog::Direction::Sent, MessageLog::Kind::Ping), 0);
    composer->editor()->setPlainText(QStringLiteral("are you there?"));
    QTest::mouseClick(composer->sendButton(), Qt::LeftButton);
    QTRY_COMPARE(rowsOf(window.logModel(), MessageLog::Direction::Received, MessageLog::Kind::Pong), 1);
    for (int row = 0; row < window.logModel()->rowCount(); ++row) {
        const QModelIndex index = window.logModel()->index(row, LogModel::PreviewColumn);
        if (index.data(LogModel::KindRole).toInt() == int(MessageLog::Kind::Pong)) {
            QCOMPARE(index.data(LogModel::PayloadRole).toByteArray(), QByteArray("are you there?"));
            QVERIFY(index.data().toString().contains(QStringLiteral("round trip")));
        }
    }
    window.session()->abort();
}

void TestMainWindow::tlsFilesAndProxyFromTheTabs()
{
    EchoServer echo;
    QVERIFY(echo.listen());
    MainWindow window(echo.url());
    window.setUrl(echo.url().toString());
    RequestEditor *request = window.requestEditor();
    // A CA file that is not there: said before anything connects.
    TlsFiles files;
    files.caFile = QStringLiteral("/nonexistent/ca.pem");
    request->setTlsFiles(files);
    QVERIFY(!window.connectToUrl());
    QVERIFY2(window.urlError().contains(QStringLiteral("/nonexistent/ca.pem")), qPrintable(window.urlError()));
    QCOMPARE(window.session()->state(), Session::State::Closed);
    request->setTlsFiles({});
    // A proxy nobody listens on: the connection goes to it, and the error names it.
    QTcpServer closed;
    QVERIFY(closed.listen(QHostAddress::LocalHost));
    const quint16 port = closed.serverPort();
    closed.close();
    ProxySetting proxy;
    QString error;
    QVERIFY(ProxySetting::parse(QStringLiteral("http://127.0.0.1:%1").arg(port), &proxy, &error));
    request->setProxy(proxy);
    QVERIFY(window.connectToUrl());
    QTRY_COMPARE_WITH_TIMEOUT(window.session()->state(), Session::State::Closed, 10000);
    QVERIFY(!window.session()->wasOpened());
    const QString failure = window.session()->handshake().failure;
    QVERIFY2(failure.contains(QStringLiteral("proxy 127.0.0.1:%1").arg(port)), qPrintable(failure));
    // Without the proxy the same URL works.
    request->setProxy({});
    QVERIFY(window.connectToUrl());
    QTRY_COMPARE(window.session()->state(), Session::State::Open);
    window.session()->abort();
}

void TestMainWindow::urlBarConnectsToWhatIsTyped()
{
    EchoServer echo;
    QVERIFY(echo.listen());
    RawServer server;
    const QString typed = QStringLiteral("ws://127.0.0.1:%1/api").arg(server.url().port());
    // A recent URL that extends what will be typed (with a token since deleted).
    Settings::setValue(Settings::Id::RecentUrls, QStringList{typed + QStringLiteral("?token=abc")});
    MainWindow window(echo.url());
    window.show();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    QLineEdit *edit = window.urlBox()->lineEdit();
    edit->setFocus();
    QTRY_VERIFY(edit->hasFocus());
    edit->selectAll();
    // Keys go where Qt would deliver them: to the completer's popup once it is open.
    QTest::keyClick(static_cast<QWidget *>(nullptr), Qt::Key_Backspace);
    QTest::keyClicks(static_cast<QWidget *>(nullptr), typed);
    QCOMPARE(edit->text(), typed);
    // The recent URL is offered, not filled in.
    QTRY_VERIFY(window.urlBox()->completer()->popup()->isVisible());
    QCOMPARE(window.urlBox()->completer()->currentCompletion(), typed + QStringLiteral("?token=abc"));
    QTest::keyClick(static_cast<QWidget *>(nullptr), Qt::Key_Return);
    QTRY_VERIFY(server.request().contains("\r\n\r\n"));
    QVERIFY2(server.request().startsWith("GET /api HTTP/1.1\r\n"), server.request().constData());
    QCOMPARE(window.urlBox()->currentText(), typed);
    window.session()->abort();
    QTRY_COMPARE(window.session()->state(), Session::State::Closed);

    // "ws://" alone is a URL with no host, not the start of the echo server's.
    edit->setFocus();
    QTRY_VERIFY(edit->hasFocus());
    edit->selectAll();
    QTest::keyClick(static_cast<QWidget *>(nullptr), Qt::Key_Backspace);
    QTest::keyClicks(static_cast<QWidget *>(nullptr), QStringLiteral("ws://"));
    QTest::keyClick(static_cast<QWidget *>(nullptr), Qt::Key_Return);
    QCOMPARE(edit->text(), QStringLiteral("ws://"));
    QVERIFY2(window.urlError().contains(QStringLiteral("no host")), qPrintable(window.urlError()));
    QCOMPARE(window.session()->connections().size(), 1);
}

void TestMainWindow::repeatedHeaderRowIsMarkedAndNothingConnects()
{
    RawServer server;
    MainWindow window{QUrl()};
    window.setUrl(server.url().toString());
    RequestEditor *request = window.requestEditor();
    request->addHeader(QStringLiteral("x-dup"), QStringLiteral("1"));
    request->addHeader(QStringLiteral("X-Dup"), QStringLiteral("2"));
    QTableWidget *headers = request->headerTable();
    // The later row is marked as it is typed, with the reason.
    QVERIFY(headers->item(0, 1)->toolTip().isEmpty());
    QVERIFY2(headers->item(1, 1)->toolTip().contains(QStringLiteral("Row 1 has this name already")),
             qPrintable(headers->item(1, 1)->toolTip()));
    QVERIFY(headers->item(1, 1)->toolTip().contains(QStringLiteral("join them with \", \"")));
    QVERIFY(!window.connectToUrl());
    QVERIFY2(window.urlError().startsWith(QStringLiteral("Header row 2: Row 1 has this name already.")),
             qPrintable(window.urlError()));
    QVERIFY(window.session()->connections().isEmpty());
    QTest::qWait(100);
    QCOMPARE(server.connections(), 0);

    // Joined into one row, as the message suggests, both values go out.
    headers->item(0, 2)->setText(QStringLiteral("1, 2"));
    headers->item(1, 0)->setCheckState(Qt::Unchecked);
    QVERIFY(headers->item(1, 1)->toolTip().isEmpty());
    QVERIFY(window.connectToUrl());
    QTRY_VERIFY(server.request().contains("\r\n\r\n"));
    QVERIFY2(server.request().contains("\r\nx-dup: 1, 2\r\n"), server.request().constData());
    QCOMPARE(server.request().toLower().count("x-dup:"), 1);
    window.session()->abort();
}

void TestMainWindow::emptyStatesSayWhatToDo()
{
    EchoServer echo;
    QVERIFY(echo.listen());
    MainWindow window(echo.url());
    window.resize(1100, 720);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    window.setUrl(echo.url().toString());
    QVERIFY2(window.logView()->emptyText().startsWith(QStringLiteral("Click Connect to talk to the built-in echo server")),
             qPrintable(window.logView()->emptyText()));
    // Drawn in the empty table, in the placeholder colour.
    const QImage empty = window.logView()->viewport()->grab().toImage();
    const QColor base = window.logView()->palette().color(QPalette::Base);
    int inked = 0;
    for (int y = 0; y < empty.height(); ++y) {
        for (int x = 0; x < empty.width(); ++x)
            inked += empty.pixelColor(x, y) != base;
    }
    QVERIFY2(inked > 50, qPrintable(QString::number(inked)));
    const QString said = window.logView()->emptyText();
    window.logView()->setEmptyText({});
    QCOMPARE(window.logView()->viewport()->grab().toImage().pixelColor(empty.width() / 2, 30), base);
    QVERIFY(window.logView()->viewport()->grab().toImage() != empty);
    window.logView()->setEmptyText(said);
    typeUrl(window, QStringLiteral("ws://127.0.0.1:1/"));
    QCOMPARE(window.logView()->emptyText(), QStringLiteral("Click Connect (or press Enter in the URL bar) to open the connection."));
    QVERIFY(window.wireView()->emptyText().startsWith(QStringLiteral("Every frame that crosses the wire")));

    window.setUrl(echo.url().toString());
    QVERIFY(window.connectToUrl());
    QTRY_COMPARE(window.session()->state(), Session::State::Open);
    window.session()->log()->clear();
    QCOMPARE(window.logView()->emptyText(), QStringLiteral("Connected. Type a message below and press Ctrl+Enter to send it."));
    QTest::keyClicks(window.filterBar()->searchEdit(), QStringLiteral("nothing like this"));
    QTRY_COMPARE(window.logView()->emptyText(), QStringLiteral("No message matches the filter."));
    window.filterBar()->searchEdit()->clear();
    QTRY_VERIFY(window.logView()->emptyText().startsWith(QStringLiteral("Connected.")));
    // Once there are rows, nothing is drawn over them.
    QVERIFY(window.session()->sendText(QStringLiteral("x")));
    QTRY_VERIFY(window.logModel()->rowCount() > 0);
    window.closeConnection();
    QTRY_COMPARE(window.session()->state(), Session::State::Closed);
}

void TestMainWindow::tabOrderFollowsTheLayout()
{
    // Tab goes as the layout reads: the URL row left to right, then the left
    // column top to bottom (filter bar, log, composer and the saved messages
    // beside it), then the inspector.
    MainWindow window(QUrl{});
    window.resize(1100, 720);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    window.activateWindow();
    window.urlBox()->setFocus();
    QVERIFY(QTest::qWaitFor([&window] { return window.urlBox()->hasFocus(); }));
    QStringList order;
    QList<QWidget *> stops;
    for (int i = 0; i < 40; ++i) {
        QWidget *widget = QApplication::focusWidget();
        if (stops.contains(widget))
            break;
        stops.append(widget);
        QString name = widget->accessibleName();
        if (auto *button = qobject_cast<QAbstractButton *>(widget))
            name = button->text();
        order.append(name.isEmpty() ? QString::fromLatin1(widget->metaObject()->className()) : name);
        QTest::keyClick(widget, Qt::Key_Tab);
    }
    const QStringList expected = {QStringLiteral("URL"), QStringLiteral("Re&quest"), QStringLiteral("&Connect"),
                                  QStringLiteral("Search payloads"), QStringLiteral("Rege&x"),
                                  QStringLiteral("Direction filter"), QStringLiteral("Kind filter"),
                                  QStringLiteral("Message log"), QStringLiteral("Message"),
                                  QStringLiteral("Message format"), QStringLiteral("Search saved messages"),
                                  QStringLiteral("Saved messages"), QStringLiteral("Save"), QStringLiteral("QTabBar")};
    QVERIFY2(order.mid(0, expected.size()) == expected, qPrintable(order.join(QStringLiteral(" > "))));
    // Once in the inspector (the right half), Tab does not go back left before the round ends.
    const int inspectorStart = int(expected.size()) - 1;
    for (int i = inspectorStart; i < stops.size(); ++i)
        QVERIFY2(stops.at(i)->mapTo(&window, QPoint(0, 0)).x() > window.width() / 3, qPrintable(order.at(i)));
    // Shift+Tab walks back the same way.
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_Backtab);
    QCOMPARE(QApplication::focusWidget(), stops.last());
}

void TestMainWindow::shortcutsDoNotClash()
{
    // Alt+letter goes to one place: the menus, the buttons, the labels and
    // the tabs on screen never share a letter, whichever inspector tab is up.
    MainWindow window(QUrl{});
    window.resize(1100, 720);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QTabWidget *details = nullptr;
    for (QTabWidget *candidate : window.findChildren<QTabWidget *>()) {
        if (candidate->tabText(0) == QStringLiteral("&Message"))
            details = candidate;
    }
    QVERIFY(details);
    int checked = 0;
    for (int tab = 0; tab < details->count(); ++tab) {
        details->setCurrentIndex(tab);
        const QMultiHash<QChar, QString> owners = ShortcutLetters::owners(window, false);
        const QStringList clashes = ShortcutLetters::clashes(owners);
        QVERIFY2(clashes.isEmpty(), qPrintable(QStringLiteral("on %1 tab: %2").arg(details->tabText(tab), clashes.join(u'\n'))));
        checked += int(owners.size());
    }
    QVERIFY(checked > 6 * 10);
}

void TestMainWindow::iconsAndToolbar()
{
    MainWindow window(QUrl{});
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(!window.windowIcon().isNull());
    QVERIFY(!window.windowIcon().pixmap(64, 64).isNull());
    QVERIFY(!window.connectButton()->icon().isNull());
    QVERIFY(!window.closeButton()->icon().isNull());

    // The toolbar: open, save, ping, clear, each with an icon and a tooltip.
    QToolBar *tools = window.toolBar();
    QVERIFY(tools->isVisibleTo(&window));
    QStringList texts;
    for (const QAction *action : tools->actions()) {
        if (action->isSeparator())
            continue;
        texts.append(action->iconText());
        QVERIFY2(!action->icon().isNull(), qPrintable(action->iconText()));
        QVERIFY2(!action->toolTip().isEmpty(), qPrintable(action->iconText()));
    }
    QCOMPARE(texts, (QStringList{QStringLiteral("New tab"), QStringLiteral("Open"), QStringLiteral("Save"),
                                 QStringLiteral("Ping"), QStringLiteral("Clear log")}));

    // The bundled drawings are inked in the palette's text colour, light or dark.
    const auto inkOf = [](const QIcon &icon) {
        const QImage image = icon.pixmap(24, 24).toImage().convertToFormat(QImage::Format_ARGB32);
        QColor ink;   // of the fully opaque pixels: the edges are blended
        int opaque = 0;
        for (int y = 0; y < image.height(); ++y) {
            for (int x = 0; x < image.width(); ++x) {
                const QColor c = image.pixelColor(x, y);
                if (c.alpha() == 255) {
                    ++opaque;
                    ink = c;
                }
            }
        }
        return qMakePair(opaque, ink);
    };
    for (const Icons::Id id : {Icons::Id::Connect, Icons::Id::Disconnect, Icons::Id::Ping, Icons::Id::Clear,
                               Icons::Id::Save, Icons::Id::Open, Icons::Id::Request, Icons::Id::NewTab}) {
        for (const QPalette &palette : {Theme::lightPalette(), Theme::darkPalette()}) {
            const auto [opaque, ink] = inkOf(Icons::bundled(id, palette));
            QVERIFY2(opaque > 20, qPrintable(Icons::themeName(id)));
            QCOMPARE(ink, palette.color(QPalette::WindowText));
        }
    }
    // A palette change re-inks the window's own icons.
    const bool themed = QIcon::hasThemeIcon(Icons::themeName(Icons::Id::Connect));
    Theme::applyColours(Theme::Colours::Dark);
    QCoreApplication::processEvents();
    // The state keeps its meaning's colour, now the dark palette's shade.
    QLabel *state = nullptr;
    for (QLabel *label : window.findChildren<QLabel *>()) {
        if (label->text().startsWith(u'\u25CF'))
            state = label;
    }
    QVERIFY(state);
    QCOMPARE(state->palette().color(QPalette::WindowText), Theme::color(Theme::Role::Muted, Theme::darkPalette()));
    if (!themed)
        QCOMPARE(inkOf(window.connectButton()->icon()).second, Theme::darkPalette().color(QPalette::WindowText));
    Theme::applyColours(Theme::Colours::System);
    QCoreApplication::processEvents();
    if (!themed)
        QCOMPARE(inkOf(window.connectButton()->icon()).second, window.palette().color(QPalette::WindowText));

    // Ping on the toolbar pings: its pong comes back in the log. Only an
    // open connection can be pinged.
    QVERIFY(!tools->actions().at(4)->isEnabled());
    EchoServer echo;
    QVERIFY(echo.listen());
    window.setUrl(echo.url().toString());
    QVERIFY(window.connectToUrl());
    QTRY_COMPARE(window.session()->state(), Session::State::Open);
    QAction *ping = tools->actions().at(4);
    QCOMPARE(ping->iconText(), QStringLiteral("Ping"));
    QVERIFY(ping->isEnabled());
    ping->trigger();
    QTRY_COMPARE(rowsOf(window.logModel(), MessageLog::Direction::Received, MessageLog::Kind::Pong), 1);
    QAction *clear = tools->actions().last();
    clear->trigger();
    QCOMPARE(window.session()->log()->count(), 0);
}

void TestMainWindow::everyLabelShortcutHasAField()
{
    // A label with an & shortcut takes the focus to its field; without a
    // buddy it shows a literal "&" and its shortcut does nothing.
    MainWindow window(QUrl{});
    window.show();
    const QList<QLabel *> labels = window.findChildren<QLabel *>();
    int withShortcut = 0;
    for (const QLabel *label : labels) {
        const QString text = label->text();
        const qsizetype amp = QString(text).replace(QStringLiteral("&&"), QStringLiteral("__")).indexOf(u'&');
        if (amp < 0 || amp + 1 >= text.size() || !text.at(amp + 1).isLetterOrNumber())
            continue;
        ++withShortcut;
        QVERIFY2(label->buddy(), qPrintable(text));
    }
    QVERIFY(withShortcut >= 3);
}

void TestMainWindow::failuresSaidInPlainWords()
{
    MainWindow window(QUrl{});
    window.show();
    QTabWidget *tabs = nullptr;
    for (QTabWidget *candidate : window.findChildren<QTabWidget *>()) {
        for (int i = 0; i < candidate->count(); ++i) {
            if (candidate->tabText(i) == QStringLiteral("Han&dshake"))
                tabs = candidate;
        }
    }
    QVERIFY(tabs);
    const auto attempt = [&window](const QString &url) -> QString {
        window.setUrl(url);
        if (!window.connectToUrl())
            return QStringLiteral("not started: ") + window.urlError();
        if (!QTest::qWaitFor([&window] { return window.session()->state() == Session::State::Closed; }, 15000))
            return QStringLiteral("still ") + window.stateText();
        return window.stateText();
    };

    // A server's refusal: its status in the state, the Handshake tab to the front.
    RawServer refusing("HTTP/1.1 401 Unauthorized\r\nContent-Type: text/plain\r\nContent-Length: 12\r\n"
                       "Connection: close\r\n\r\nlog in first");
    tabs->setCurrentIndex(0);
    QString state = attempt(refusing.url().toString());
    QVERIFY2(state.contains(QStringLiteral("Refused by the server: 401 Unauthorized")), qPrintable(state));
    QCOMPARE(tabs->tabText(tabs->currentIndex()), QStringLiteral("Han&dshake"));

    // Nothing listening on the port.
    quint16 port = 0;
    {
        QTcpServer taken;
        QVERIFY(taken.listen(QHostAddress::LocalHost));
        port = taken.serverPort();
    }
    state = attempt(QStringLiteral("ws://127.0.0.1:%1/").arg(port));
    QVERIFY2(state.contains(QStringLiteral("No server at 127.0.0.1:%1").arg(port)), qPrintable(state));

    // wss:// to a plain HTTP server, which answers the TLS hello with a 400
    // in plain text, as web servers do.
    QTcpServer plain;
    QVERIFY(plain.listen(QHostAddress::LocalHost));
    connect(&plain, &QTcpServer::newConnection, &plain, [&plain] {
        QTcpSocket *socket = plain.nextPendingConnection();
        connect(socket, &QTcpSocket::readyRead, socket, [socket] {
            socket->readAll();
            socket->write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            socket->disconnectFromHost();
        });
    });
    state = attempt(QStringLiteral("wss://127.0.0.1:%1/").arg(plain.serverPort()));
    QVERIFY2(state.contains(QStringLiteral("The server speaks ws://, not wss://")), qPrintable(state));
}

void TestMainWindow::urlRowKeepsItsGeometryThroughEveryState()
{
    // A click aimed at Connect must land on Connect whatever the state
    // text says, even a server's 123-byte close reason.
    QtPeer server;
    QVERIFY(server.isListening());
    MainWindow window(QUrl{});
    window.resize(1100, 720);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    window.setUrl(server.url().toString());
    const auto geometry = [&window] {
        QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);
        return QList<QRect>{QRect(window.urlBox()->mapTo(&window, QPoint()), window.urlBox()->size()),
                            QRect(window.connectButton()->mapTo(&window, QPoint()), window.connectButton()->size()),
                            QRect(window.closeButton()->mapTo(&window, QPoint()), window.closeButton()->size())};
    };
    const QList<QRect> closed = geometry();
    QVERIFY2(closed.at(0).width() >= 300, qPrintable(QString::number(closed.at(0).width())));

    QVERIFY(window.connectToUrl());
    QCOMPARE(window.session()->state(), Session::State::Connecting);
    QCOMPARE(geometry(), closed);
    QTRY_COMPARE_WITH_TIMEOUT(window.session()->state(), Session::State::Open, 10000);
    QCOMPARE(geometry(), closed);
    QTRY_VERIFY(server.peer());
    const QString reason = QString(41, QChar(0x20AC));
    QCOMPARE(reason.toUtf8().size(), 123);
    server.peer()->close(QWebSocketProtocol::CloseCodeNormal, reason);
    QTRY_COMPARE_WITH_TIMEOUT(window.session()->state(), Session::State::Closed, 10000);
    // The whole reason is still there to read.
    QVERIFY2(window.stateText().contains(reason), qPrintable(window.stateText()));
    QCOMPARE(geometry(), closed);
}

void TestMainWindow::smallWindowKeepsTabsAndSearchInReach()
{
    MainWindow window(QUrl{});
    window.resize(800, 600);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);
    QTRY_COMPARE(window.size(), QSize(800, 600));

    QTabBar *tabs = window.detailsTabs()->tabBar();
    QVERIFY(tabs->count() >= 6);
    for (int i = 0; i < tabs->count(); ++i) {
        const QRect tab = tabs->tabRect(i);
        QVERIFY2(tabs->rect().contains(tab), qPrintable(QStringLiteral("%1 at %2..%3 in a bar %4 wide")
                                                             .arg(tabs->tabText(i)).arg(tab.left()).arg(tab.right())
                                                             .arg(tabs->width())));
    }
    for (const QToolButton *arrow : tabs->findChildren<QToolButton *>())
        QVERIFY(!arrow->isVisible());
    const int search = window.filterBar()->searchEdit()->width();
    QVERIFY2(search >= 120, qPrintable(QString::number(search)));
    // The filter choices show their current text whole ("All directions" was "All directio").
    for (QComboBox *box : {window.filterBar()->directionBox(), window.filterBar()->kindBox()}) {
        const int text = box->fontMetrics().horizontalAdvance(box->currentText());
        QVERIFY2(box->width() >= text + 20, qPrintable(QStringLiteral("%1: %2 px for %3 px of text")
                                                            .arg(box->currentText()).arg(box->width()).arg(text)));
    }
}

void TestMainWindow::wirePayloadColumnTakesTheRestOfTheWidth()
{
    EchoServer echo;
    QVERIFY(echo.listen());
    MainWindow window(echo.url());
    window.resize(1100, 720);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    window.detailsTabs()->setCurrentIndex(window.detailsTabs()->indexOf(window.wireView()->parentWidget()));
    QVERIFY(window.connectToUrl());
    QTRY_COMPARE_WITH_TIMEOUT(window.session()->state(), Session::State::Open, 10000);
    QTRY_VERIFY(window.wireView()->model()->rowCount() >= 2);
    QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);

    QHeaderView *header = window.wireView()->horizontalHeader();
    const int last = header->logicalIndex(header->count() - 1);
    QCOMPARE(last, int(WireModel::PayloadColumn));
    const int viewport = window.wireView()->viewport()->width();
    // Every column in view at the default size, the payload filling the rest.
    QCOMPARE(header->length(), viewport);
    QCOMPARE(header->sectionViewportPosition(last) + header->sectionSize(last), viewport);
    QVERIFY2(header->sectionSize(last) >= 100, qPrintable(QString::number(header->sectionSize(last))));
    // A cut cell can be read whole.
    bool tipped = false;
    for (int row = 0; row < window.wireView()->model()->rowCount(); ++row) {
        const QModelIndex index = window.wireView()->model()->index(row, WireModel::PayloadColumn);
        QTextDocument shown;
        shown.setHtml(index.data(Qt::ToolTipRole).toString());
        tipped |= !index.data().toString().isEmpty() && shown.toPlainText() == index.data().toString();
    }
    QVERIFY(tipped);
    window.session()->abort();
}

QTEST_MAIN(TestMainWindow)

#include "tst_mainwindow.moc"
