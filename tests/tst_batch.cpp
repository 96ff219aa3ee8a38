#include "cli/scriptrunner.h"
#include "record/sessionfile.h"
#include "nodepeer.h"
#include "qtmessages.h"
#include "rawserver.h"
#include "tlsfixture.h"
#include "session/session.h"
#include "workspace/collection.h"
#include "workspace/resolvedrequest.h"

#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

// Runs the real wsscope executable with --batch against real peers on
// loopback, as a script would.
class TestBatch : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void echoExchangeWithEverything();
    void closesOnceEverythingIsSent();
    void savesEveryRequestedFile();
    void windowTakesTheSameOptions();
    void refusedConnectionFails();
    void unauthorizedAnswerFails();
    void timeoutFails();
    void handshakeNeverAnsweredTimesOut();
    void serverClosingEarlyFails();
    void failedSaveFails();
    void closeCodeAndReasonAsThePeerSeesThem();
    void deadConnectionFails();
    void protocolFindingsAreSaidAndFailWithStrict();
    void oneByteCloseTellsBothCodes();
    void unusableAnswerIsNamed_data();
    void unusableAnswerIsNamed();
    void serverTextReachesTheTerminalEscaped_data();
    void serverTextReachesTheTerminalEscaped();
    void caFileGivesNoQtWarning_data();
    void caFileGivesNoQtWarning();
    void usageErrorsExitTwo_data();
    void usageErrorsExitTwo();
    void profileConnectsAsPreviewedAndSubscribesFirst();
    void insomniaExportRunsItsRequest();
    void secretVariablesAreMaskedInEveryHeaderSaved();
    void sendFileRefusesWhatCannotBeSent_data();
    void sendFileRefusesWhatCannotBeSent();
    // ScriptRunner in this process, as the window uses it.
    void runnerLeavesConnectionOpenWithoutClose();
    void runnerTimeoutClosesWhenNothingIsAwaited();
    void runnerReportsAnOpenerThatFails();
    void runnerIgnoresOtherConnections();

private:
    struct Run
    {
        int exitCode = -1;
        QString out;
        QString err;
        bool finished = false;
    };
    // Runs wsscope while this process's event loop keeps turning, so that
    // in-process peers (RawServer) can answer.
    static Run run(const QStringList &args, int timeoutMs = 30000)
    {
        QProcess process;
        process.setProcessEnvironment(QtMessages::markedEnvironment());
        process.start(QStringLiteral(WSSCOPE_BINARY), args);
        Run result;
        if (!process.waitForStarted(10000))
            return result;
        result.finished = QTest::qWaitFor([&process] { return process.state() == QProcess::NotRunning; }, timeoutMs);
        if (!result.finished) {
            process.kill();
            process.waitForFinished();
        }
        result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
        result.out = QString::fromUtf8(process.readAllStandardOutput());
        result.err = QString::fromUtf8(process.readAllStandardError());
        if (const QString qt = QtMessages::in(result.err); !qt.isEmpty())
            QTest::qFail(qPrintable(QStringLiteral("Qt messages from wsscope:\n") + qt), __FILE__, __LINE__);
        return result;
    }
    static QByteArray describe(const Run &run)
    {
        return QStringLiteral("exit %1\nstdout: %2\nstderr: %3").arg(run.exitCode).arg(run.out, run.err).toUtf8();
    }
    static QString url(const NodePeer &peer) { return peer.url().toString(QUrl::FullyEncoded); }
};

void TestBatch::echoExchangeWithEverything()
{
    NodePeer peer;
    QVERIFY(peer.waitUntilListening());
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString filePath = dir.filePath(QStringLiteral("payload.bin"));
    {
        QFile file(filePath);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QByteArray("\x10\x00\x20 from a file", 15));
    }

    const Run result = run({url(peer), QStringLiteral("--batch"), QStringLiteral("--header"),
                            QStringLiteral("X-Test-Token: abc123"), QStringLiteral("--protocol"),
                            QStringLiteral("chat.v2"), QStringLiteral("--origin"), QStringLiteral("https://origin.test"),
                            QStringLiteral("--send"), QStringLiteral("hello"), QStringLiteral("--send-hex"),
                            QStringLiteral("00 01 fe"), QStringLiteral("--send-file"), filePath,
                            QStringLiteral("--send"), QStringLiteral("bye"), QStringLiteral("--expect"),
                            QStringLiteral("4"), QStringLiteral("--timeout"), QStringLiteral("20")});
    QVERIFY2(result.finished, describe(result));
    QVERIFY2(result.exitCode == 0, describe(result));
    QVERIFY2(result.err.isEmpty(), describe(result));
    // hello (5) + 3 + 15 + bye (3) = 26 bytes each way.
    const QRegularExpression summary(QStringLiteral(
        "^Sent 4 messages \\(26 bytes\\), received 4 messages \\(26 bytes\\) in \\d+\\.\\d+ s; "
        "closed by us with 1000 \\(Normal closure\\)\\n$"));
    QVERIFY2(summary.match(result.out).hasMatch(), describe(result));

    // What the peer saw: the header, the subprotocol, the origin, the messages in order, our close.
    QTRY_VERIFY_WITH_TIMEOUT(peer.lines(QStringLiteral("received")).size() >= 5, 10000);
    const QList<QJsonObject> all = peer.all();
    QVERIFY(!all.isEmpty());
    const QJsonObject open = all.first();
    QCOMPARE(open.value(QStringLiteral("event")).toString(), QStringLiteral("open"));
    QCOMPARE(open.value(QStringLiteral("protocol")).toString(), QStringLiteral("chat.v2"));
    QStringList headers;
    for (const QJsonValue value : open.value(QStringLiteral("headers")).toArray())
        headers << value.toString();
    const qsizetype token = headers.indexOf(QStringLiteral("X-Test-Token"));
    QVERIFY2(token >= 0 && token % 2 == 0, qPrintable(headers.join(u'|')));
    QCOMPARE(headers.value(token + 1), QStringLiteral("abc123"));
    const qsizetype origin = headers.indexOf(QRegularExpression(QStringLiteral("^origin$"),
                                                                QRegularExpression::CaseInsensitiveOption));
    QVERIFY2(origin >= 0, qPrintable(headers.join(u'|')));
    QCOMPARE(headers.value(origin + 1), QStringLiteral("https://origin.test"));

    const QList<QJsonObject> received = peer.lines(QStringLiteral("received"));
    const QList<QPair<QString, QByteArray>> expected = {
        {QStringLiteral("text"), "hello"},
        {QStringLiteral("binary"), QByteArray("\x00\x01\xfe", 3)},
        {QStringLiteral("binary"), QByteArray("\x10\x00\x20 from a file", 15)},
        {QStringLiteral("text"), "bye"}};
    for (qsizetype i = 0; i < expected.size(); ++i) {
        QCOMPARE(received.at(i).value(QStringLiteral("type")).toString(), expected.at(i).first);
        QCOMPARE(QByteArray::fromHex(received.at(i).value(QStringLiteral("data")).toString().toLatin1()),
                 expected.at(i).second);
    }
    QCOMPARE(received.at(4).value(QStringLiteral("type")).toString(), QStringLiteral("close"));
    QCOMPARE(received.at(4).value(QStringLiteral("code")).toInt(), 1000);
}

void TestBatch::closesOnceEverythingIsSent()
{
    NodePeer peer;
    QVERIFY(peer.waitUntilListening());
    const Run result = run({QStringLiteral("--batch"), url(peer), QStringLiteral("--send"), QStringLiteral("a"),
                            QStringLiteral("--send"), QStringLiteral("bc")});
    QVERIFY2(result.finished && result.exitCode == 0, describe(result));
    QVERIFY2(result.out.startsWith(QStringLiteral("Sent 2 messages (3 bytes), received ")), describe(result));
    QVERIFY2(result.out.contains(QStringLiteral("closed by us with 1000")), describe(result));
    QCOMPARE(result.out.count(u'\n'), 1);
    QTRY_VERIFY_WITH_TIMEOUT(peer.lines(QStringLiteral("received")).size() >= 3, 10000);
    QCOMPARE(peer.lines(QStringLiteral("received")).at(2).value(QStringLiteral("code")).toInt(), 1000);
}

void TestBatch::savesEveryRequestedFile()
{
    NodePeer peer;
    QVERIFY(peer.waitUntilListening());
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QStringList names = {QStringLiteral("session.jsonl"), QStringLiteral("session.har"),
                               QStringLiteral("session.pcapng"), QStringLiteral("session.txt")};
    QStringList args = {url(peer), QStringLiteral("--batch"), QStringLiteral("--send"), QStringLiteral("saved"),
                        QStringLiteral("--expect"), QStringLiteral("1"), QStringLiteral("--header"),
                        QStringLiteral("Authorization: Bearer batch-secret"), QStringLiteral("--mask-secrets")};
    for (const QString &name : names)
        args << QStringLiteral("--save") << dir.filePath(name);
    const Run result = run(args);
    QVERIFY2(result.finished && result.exitCode == 0, describe(result));
    for (const QString &name : names) {
        QFile file(dir.filePath(name));
        QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(name));
        const QByteArray content = file.readAll();
        QVERIFY2(!content.isEmpty(), qPrintable(name));
        QVERIFY2(!content.contains("batch-secret"), qPrintable(name));
    }
    // The session file reopens with the exchange and how it ended.
    Session reopened;
    SessionFile::Loaded loaded;
    QString error;
    QVERIFY2(SessionFile::load(dir.filePath(QStringLiteral("session.jsonl")), &reopened, &loaded, &error),
             qPrintable(error));
    QVERIFY2(loaded.problem.isEmpty(), qPrintable(loaded.problem));
    QVERIFY(loaded.ended);
    int texts = 0;
    for (int row = 0; row < reopened.log()->count(); ++row) {
        if (reopened.log()->at(row).kind == MessageLog::Kind::Text) {
            QCOMPARE(reopened.log()->data(row).toByteArray(), QByteArray("saved"));
            ++texts;
        }
    }
    QCOMPARE(texts, 2);
    QCOMPARE(reopened.connections().size(), 1);
    QCOMPARE(reopened.connections().first().close.closer, Session::Closer::Us);
    QCOMPARE(reopened.connections().first().close.code, 1000);
    QCOMPARE(reopened.connections().first().handshake.statusLine, QByteArray("HTTP/1.1 101 Switching Protocols"));
}

void TestBatch::windowTakesTheSameOptions()
{
    // Without --batch: the window (offscreen) connects, sends, closes after
    // the expected message, saves, and stays open for the user.
    NodePeer peer;
    QVERIFY(peer.waitUntilListening());
    QTemporaryDir dir;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("XDG_DATA_HOME"), dir.filePath(QStringLiteral("data")));
    environment.insert(QStringLiteral("XDG_CONFIG_HOME"), dir.filePath(QStringLiteral("config")));
    environment.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    const QString saved = dir.filePath(QStringLiteral("window.jsonl"));
    QProcess window;
    window.setProcessEnvironment(environment);
    window.start(QStringLiteral(WSSCOPE_BINARY),
                 {url(peer), QStringLiteral("--header"), QStringLiteral("X-From: window"), QStringLiteral("--send"),
                  QStringLiteral("from the window"), QStringLiteral("--expect"), QStringLiteral("1"),
                  QStringLiteral("--save"), saved});
    QVERIFY(window.waitForStarted(10000));
    QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(saved), 20000);
    QCOMPARE(window.state(), QProcess::Running);
    window.terminate();
    QVERIFY(window.waitForFinished(10000));

    // The peer also reports the Close it received, once its line is read.
    QList<QJsonObject> received;
    for (const QJsonObject &line : peer.lines(QStringLiteral("received"))) {
        if (line.value(QStringLiteral("type")).toString() == u"text")
            received << line;
    }
    QCOMPARE(received.size(), 1);
    QCOMPARE(QByteArray::fromHex(received.first().value(QStringLiteral("data")).toString().toLatin1()),
             QByteArray("from the window"));
    const QJsonArray headers = peer.all().first().value(QStringLiteral("headers")).toArray();
    QVERIFY(headers.contains(QJsonValue(QStringLiteral("X-From"))));
    Session reopened;
    SessionFile::Loaded loaded;
    QString error;
    QVERIFY2(SessionFile::load(saved, &reopened, &loaded, &error), qPrintable(error));
    QCOMPARE(reopened.connections().size(), 1);
    QCOMPARE(reopened.connections().first().close.code, 1000);
    QCOMPARE(reopened.connections().first().headers.first().first, QByteArray("X-From"));
}

void TestBatch::refusedConnectionFails()
{
    quint16 port = 0;
    {
        QTcpServer closed;
        QVERIFY(closed.listen(QHostAddress::LocalHost));
        port = closed.serverPort();
    }
    const Run result = run({QStringLiteral("--batch"), QStringLiteral("ws://127.0.0.1:%1/").arg(port),
                            QStringLiteral("--send"), QStringLiteral("x"), QStringLiteral("--timeout"),
                            QStringLiteral("20")});
    QVERIFY2(result.finished && result.exitCode == 1, describe(result));
    QVERIFY2(result.err.contains(QStringLiteral("refused"), Qt::CaseInsensitive), describe(result));
    QVERIFY2(result.err.contains(QString::number(port)), describe(result));
    QVERIFY2(result.out.contains(QStringLiteral("Sent 0 messages")), describe(result));
    QVERIFY2(result.out.contains(QStringLiteral("did not open")), describe(result));
}

void TestBatch::unauthorizedAnswerFails()
{
    RawServer server("HTTP/1.1 401 Unauthorized\r\nContent-Type: text/plain\r\nContent-Length: 12\r\n"
                     "Connection: close\r\n\r\nlog in first");
    const Run result = run({QStringLiteral("--batch"), server.url().toString(), QStringLiteral("--header"),
                            QStringLiteral("Authorization: Bearer wrong")});
    QVERIFY2(result.finished && result.exitCode == 1, describe(result));
    QVERIFY2(result.err.contains(QStringLiteral("401")), describe(result));
    QVERIFY2(result.out.contains(QStringLiteral("did not open")), describe(result));
    QVERIFY2(server.request().contains("Authorization: Bearer wrong\r\n"), server.request().constData());
}

void TestBatch::timeoutFails()
{
    NodePeer peer;
    QVERIFY(peer.waitUntilListening());
    const Run result = run({QStringLiteral("--batch"), url(peer), QStringLiteral("--send"), QStringLiteral("only one"),
                            QStringLiteral("--expect"), QStringLiteral("3"), QStringLiteral("--timeout"),
                            QStringLiteral("2")});
    QVERIFY2(result.finished && result.exitCode == 1, describe(result));
    QVERIFY2(result.err.contains(QStringLiteral("Timed out after 2.000 s: received 1 of the 3 messages expected")),
             describe(result));
    // It still closes properly and says so.
    QVERIFY2(result.out.contains(QStringLiteral("received 1 message (8 bytes)")), describe(result));
    QVERIFY2(result.out.contains(QStringLiteral("closed by us with 1000")), describe(result));
}

void TestBatch::handshakeNeverAnsweredTimesOut()
{
    RawServer silent;   // accepts TCP, never answers the upgrade
    const Run result = run({QStringLiteral("--batch"), silent.url().toString(), QStringLiteral("--timeout"),
                            QStringLiteral("0.5")});
    QVERIFY2(result.finished && result.exitCode == 1, describe(result));
    QVERIFY2(result.err.contains(QStringLiteral("Timed out after 0.500 s: the connection did not open")),
             describe(result));
    QTRY_COMPARE_WITH_TIMEOUT(silent.disconnects(), 1, 10000);
}

void TestBatch::serverClosingEarlyFails()
{
    NodePeer peer;
    QVERIFY(peer.waitUntilListening());
    // "close <code> <reason>" makes the peer close: one echo expected, none comes.
    const Run result = run({QStringLiteral("--batch"), url(peer), QStringLiteral("--send"),
                            QStringLiteral("close 4000 done early"), QStringLiteral("--expect"), QStringLiteral("1")});
    QVERIFY2(result.finished && result.exitCode == 1, describe(result));
    QVERIFY2(result.err.contains(QStringLiteral("ended before every expected message arrived")), describe(result));
    QVERIFY2(result.err.contains(QStringLiteral("closed by the server with 4000")), describe(result));
    QVERIFY2(result.out.contains(QStringLiteral("closed by the server with 4000")), describe(result));
    QVERIFY2(result.out.contains(QStringLiteral("\"done early\"")), describe(result));
}

void TestBatch::failedSaveFails()
{
    NodePeer peer;
    QVERIFY(peer.waitUntilListening());
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString good = dir.filePath(QStringLiteral("good.txt"));
    const QString bad = dir.filePath(QStringLiteral("no/such/dir/bad.txt"));
    const Run result = run({QStringLiteral("--batch"), url(peer), QStringLiteral("--save"), bad,
                            QStringLiteral("--save"), good});
    QVERIFY2(result.finished && result.exitCode == 1, describe(result));
    QVERIFY2(result.err.contains(bad), describe(result));
    QVERIFY2(result.out.contains(QStringLiteral("closed by us with 1000")), describe(result));
    QVERIFY(QFileInfo(good).size() > 0);   // one failure does not stop the others
}

void TestBatch::closeCodeAndReasonAsThePeerSeesThem()
{
    NodePeer peer;
    QVERIFY(peer.waitUntilListening());
    // 123 bytes of multi-byte UTF-8: the most a Close frame holds.
    const QString reason = QString(40, QChar(0x2603)) + QStringLiteral("\u00e9x");
    QCOMPARE(reason.toUtf8().size(), 123);
    const Run result = run({QStringLiteral("--batch"), url(peer), QStringLiteral("--send"), QStringLiteral("hi"),
                            QStringLiteral("--expect"), QStringLiteral("1"), QStringLiteral("--close-code"),
                            QStringLiteral("4001"), QStringLiteral("--close-reason"), reason,
                            QStringLiteral("--ping-interval"), QStringLiteral("0.1")});
    QVERIFY2(result.finished && result.exitCode == 0, describe(result));
    QVERIFY2(result.out.contains(QStringLiteral("closed by us with 4001 (")), describe(result));
    QVERIFY2(result.out.contains(reason), describe(result));
    QTRY_VERIFY_WITH_TIMEOUT(!peer.lines(QStringLiteral("received")).isEmpty()
                                 && peer.lines(QStringLiteral("received")).last().value(QStringLiteral("type"))
                                     == QStringLiteral("close"),
                             10000);
    const QJsonObject close = peer.lines(QStringLiteral("received")).last();
    QCOMPARE(close.value(QStringLiteral("code")).toInt(), 4001);
    QCOMPARE(close.value(QStringLiteral("reason")).toString(), reason);
}

void TestBatch::deadConnectionFails()
{
    // Completes the handshake, sends one message, then answers nothing, pings included.
    RawServer server(QByteArray("\x81\x05ready", 7));
    server.upgrade();
    QElapsedTimer clock;
    clock.start();
    const Run result = run({QStringLiteral("--batch"), server.url().toString(), QStringLiteral("--expect"),
                            QStringLiteral("2"), QStringLiteral("--ping-interval"), QStringLiteral("0.2"),
                            QStringLiteral("--ping-timeout"), QStringLiteral("0.5"), QStringLiteral("--timeout"),
                            QStringLiteral("20")});
    QVERIFY2(result.finished && result.exitCode == 1, describe(result));
    QVERIFY2(clock.elapsed() < 10000, describe(result));
    QVERIFY2(result.err.contains(QStringLiteral("No pong within 0.5 s of the ping sent at ")), describe(result));
    QVERIFY2(result.err.contains(QStringLiteral("the connection is dead")), describe(result));
    QVERIFY2(result.out.contains(QStringLiteral("received 1 message (5 bytes)")), describe(result));
}

void TestBatch::protocolFindingsAreSaidAndFailWithStrict()
{
    // "hi" in a masked frame: a server must not mask, though Qt takes it.
    const char masked[] = {char(0x81), char(0x82), 0x11, 0x22, 0x33, 0x44, char('h' ^ 0x11), char('i' ^ 0x22)};
    for (const bool strict : {false, true}) {
        RawServer server(QByteArray(masked, sizeof masked));
        server.upgrade();
        QStringList args{QStringLiteral("--batch"), server.url().toString(), QStringLiteral("--expect"),
                         QStringLiteral("1"), QStringLiteral("--timeout"), QStringLiteral("10")};
        if (strict)
            args << QStringLiteral("--strict");
        const Run result = run(args);
        QVERIFY2(result.finished && result.exitCode == (strict ? 1 : 0), describe(result));
        QVERIFY2(result.err.contains(QStringLiteral("Protocol findings on the wire: 1 frame: A server frame must not be masked.")),
                 describe(result));
        QVERIFY2(result.out.contains(QStringLiteral("received 1 message (2 bytes)")), describe(result));
    }
}

void TestBatch::oneByteCloseTellsBothCodes()
{
    // The run waits for a message, so it is Qt that answers the Close.
    RawServer server(QByteArray("\x88\x01\x03", 3));
    server.upgrade();
    const Run result = run({QStringLiteral("--batch"), server.url().toString(), QStringLiteral("--expect"),
                            QStringLiteral("1"), QStringLiteral("--timeout"), QStringLiteral("10")});
    QVERIFY2(result.finished, describe(result));
    QVERIFY2(result.out.contains(QStringLiteral("closed by the server with 1005")), describe(result));
    QVERIFY2(result.out.contains(QStringLiteral("one byte")), describe(result));
    QVERIFY2(result.out.contains(QStringLiteral("answered with 1002")), describe(result));
    QVERIFY2(result.err.contains(QStringLiteral("Close payload of one byte")), describe(result));
}

void TestBatch::unusableAnswerIsNamed_data()
{
    QTest::addColumn<QByteArray>("answer");
    QTest::addColumn<QString>("said");
    QByteArray garbage;
    for (int i = 0; i < 1000; ++i)
        garbage += char((i * 7919 + 13) % 251 + 1);
    QTest::newRow("garbage") << garbage << QStringLiteral("1000 bytes that are not a usable HTTP response");
    const QByteArray huge = "HTTP/1.1 101 Switching Protocols\r\nX-Big: " + QByteArray(300 * 1024, 'a');
    QTest::newRow("head over 256 KiB") << huge
                                       << QStringLiteral("%1 bytes that are not a usable HTTP response").arg(huge.size());
}

void TestBatch::unusableAnswerIsNamed()
{
    QFETCH(QByteArray, answer);
    QFETCH(QString, said);
    RawServer server(answer);   // and keeps the connection open
    const Run result = run({QStringLiteral("--batch"), server.url().toString(), QStringLiteral("--handshake-timeout"),
                            QStringLiteral("2")});
    QVERIFY2(result.finished && result.exitCode == 1, describe(result));
    QVERIFY2(result.err.contains(said), describe(result));
    QVERIFY2(!result.err.contains(QStringLiteral("did not answer")), describe(result));
}

void TestBatch::serverTextReachesTheTerminalEscaped_data()
{
    QTest::addColumn<QByteArray>("answer");
    QTest::addColumn<bool>("upgrade");
    QTest::addColumn<QString>("shown");
    // ESC [2J clears a terminal, ESC ] 0 ; … BEL retitles it, CR rewrites the line.
    QTest::newRow("reason phrase") << QByteArray("HTTP/1.1 403 No\x1b[2Jway\x07\r\nContent-Length: 0\r\n"
                                                 "Connection: close\r\n\r\n")
                                   << false << QStringLiteral("No\\x1b[2Jway\\x07");
    const QByteArray reason("bye\x1b]0;owned\x07\rfake");
    QTest::newRow("close reason") << QByteArray("\x88") + char(2 + reason.size()) + QByteArray("\x0f\xa0", 2) + reason
                                  << true << QStringLiteral("bye\\x1b]0;owned\\x07\\rfake");
}

void TestBatch::serverTextReachesTheTerminalEscaped()
{
    QFETCH(QByteArray, answer);
    QFETCH(bool, upgrade);
    QFETCH(QString, shown);
    RawServer server(answer);
    if (upgrade)
        server.upgrade();
    const Run result = run({QStringLiteral("--batch"), server.url().toString(), QStringLiteral("--timeout"),
                            QStringLiteral("10")});
    QVERIFY2(result.finished, describe(result));
    const QString all = result.out + result.err;
    QVERIFY2(all.contains(shown), describe(result));
    for (const QChar c : all) {
        if (c == u'\n')
            continue;
        QVERIFY2(c.unicode() >= 0x20 && c.unicode() != 0x7f, describe(result));
    }
}

void TestBatch::caFileGivesNoQtWarning_data()
{
    QTest::addColumn<bool>("batch");
    QTest::newRow("batch") << true;
    QTest::newRow("window") << false;
}

void TestBatch::caFileGivesNoQtWarning()
{
    // Reading the CA file before the application existed made Qt's TLS
    // backend warn "QObject::connect(QObject, Unknown): invalid nullptr parameter".
    QFETCH(bool, batch);
    NodePeer peer;
    QVERIFY(peer.waitUntilListening());
    TlsFixture tls;
    QVERIFY(tls.create());
    QTemporaryDir dir;
    QTemporaryDir runtime;   // made 0700, as XDG_RUNTIME_DIR must be (else Qt warns)
    QProcessEnvironment environment = QtMessages::markedEnvironment();
    environment.insert(QStringLiteral("XDG_RUNTIME_DIR"), runtime.path());
    environment.insert(QStringLiteral("XDG_DATA_HOME"), dir.filePath(QStringLiteral("data")));
    environment.insert(QStringLiteral("XDG_CONFIG_HOME"), dir.filePath(QStringLiteral("config")));
    environment.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    QProcess process;
    process.setProcessEnvironment(environment);
    QStringList args{url(peer), QStringLiteral("--ca-file"), tls.certPath(), QStringLiteral("--send"),
                     QStringLiteral("hi"), QStringLiteral("--expect"), QStringLiteral("1")};
    if (batch)
        args << QStringLiteral("--batch");
    process.start(QStringLiteral(WSSCOPE_BINARY), args);
    QVERIFY(process.waitForStarted(10000));
    // Both print the summary once the message came back; the window stays open.
    QByteArray out;
    QTRY_VERIFY_WITH_TIMEOUT((out += process.readAllStandardOutput()).contains("received 1 message"), 20000);
    if (batch) {
        QVERIFY(process.state() == QProcess::NotRunning || process.waitForFinished(10000));
        QCOMPARE(process.exitStatus(), QProcess::NormalExit);
        QCOMPARE(process.exitCode(), 0);
    } else {
        QCOMPARE(process.state(), QProcess::Running);
        process.terminate();
        QVERIFY(process.waitForFinished(10000));
    }
    const QString err = QString::fromUtf8(process.readAllStandardError());
    QVERIFY2(!err.contains(QLatin1String("QObject::connect")), qPrintable(err));
    QVERIFY2(QtMessages::in(err).isEmpty(), qPrintable(err));
    // A CA file that holds no certificate is still a usage error.
    const Run bad = run({url(peer), QStringLiteral("--batch"), QStringLiteral("--ca-file"), tls.keyPath()});
    QCOMPARE(bad.exitCode, 2);
    QVERIFY2(bad.err.startsWith(QStringLiteral("wsscope: The CA file")), describe(bad));
    QVERIFY2(bad.err.contains(QStringLiteral("holds no PEM certificate")), describe(bad));
    QVERIFY2(bad.err.contains(QStringLiteral("--ca-file")), describe(bad));   // the usage text follows
}

void TestBatch::usageErrorsExitTwo_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("messagePart");

    const QString url = QStringLiteral("ws://127.0.0.1:1/");
    const QString batch = QStringLiteral("--batch");
    QTest::newRow("no URL") << QStringList{batch} << "--batch needs the URL";
    QTest::newRow("bad URL") << QStringList{batch, QStringLiteral("wss://")} << "Bad URL";
    QTest::newRow("bad header") << QStringList{batch, url, QStringLiteral("--header"), QStringLiteral("NoColon")}
                                << "Bad --header \"NoColon\"";
    QTest::newRow("bad hex") << QStringList{batch, url, QStringLiteral("--send-hex"), QStringLiteral("0g")}
                             << "Bad --send-hex \"0g\"";
    QTest::newRow("unreadable file") << QStringList{batch, url, QStringLiteral("--send-file"),
                                                    QStringLiteral("/nonexistent/wsscope-test.bin")}
                                     << "Cannot read --send-file \"/nonexistent/wsscope-test.bin\"";
    QTest::newRow("expect without number") << QStringList{batch, url, QStringLiteral("--expect")} << "expect";
    QTest::newRow("expect a word") << QStringList{batch, url, QStringLiteral("--expect"), QStringLiteral("many")}
                                   << "--expect needs a number";
    QTest::newRow("bad timeout") << QStringList{batch, url, QStringLiteral("--timeout"), QStringLiteral("-3")}
                                 << "--timeout needs a number of seconds";
    QTest::newRow("unknown save format") << QStringList{batch, url, QStringLiteral("--save"), QStringLiteral("x.doc")}
                                         << "Cannot --save \"x.doc\"";
    QTest::newRow("serve and batch") << QStringList{QStringLiteral("--serve"), batch} << "cannot be combined";
    QTest::newRow("bad close code") << QStringList{batch, url, QStringLiteral("--close-code"), QStringLiteral("1006")}
                                    << "--close-code \"1006\" cannot be sent";
    QTest::newRow("long close reason") << QStringList{batch, url, QStringLiteral("--close-reason"), QString(124, u'r')}
                                       << "--close-reason is 124 bytes";
    QTest::newRow("bad ping interval") << QStringList{batch, url, QStringLiteral("--ping-interval"), QStringLiteral("x")}
                                       << "--ping-interval needs";

    const QString collection = QStringLiteral("--collection");
    const QString example = QStringLiteral(WSSCOPE_TEST_DATA "/collection-example.json");
    const QString profile = QStringLiteral("--profile");
    const QString env = QStringLiteral("--env");
    const QString var = QStringLiteral("--var");
    QTest::newRow("URL and collection") << QStringList{batch, url, collection, example} << "not both";
    QTest::newRow("profile without collection") << QStringList{batch, url, profile, QStringLiteral("Echo")}
                                                << "--profile chooses from a collection";
    QTest::newRow("var without collection") << QStringList{batch, url, var, QStringLiteral("a=b")}
                                            << "--var chooses from a collection";
    QTest::newRow("missing collection") << QStringList{batch, collection, QStringLiteral("/nonexistent/team.json")}
                                        << "Cannot read --collection \"/nonexistent/team.json\"";
    QTest::newRow("not a collection") << QStringList{batch, collection, QStringLiteral(WSSCOPE_TEST_DATA "/../CMakeLists.txt")}
                                      << "Not valid JSON at line 1";
    QTest::newRow("no profile chosen") << QStringList{batch, collection, example}
                                       << "Choose a profile with --profile; the collection has: Market data/Ticker, Echo.";
    QTest::newRow("unknown profile") << QStringList{batch, collection, example, profile, QStringLiteral("Tickr")}
                                     << "no profile \"Tickr\"; it has: Market data/Ticker, Echo.";
    QTest::newRow("unknown environment") << QStringList{batch, collection, example, profile, QStringLiteral("Echo"), env,
                                                        QStringLiteral("production")}
                                         << "no environment \"production\"; it has: local, staging.";
    QTest::newRow("unknown variable") << QStringList{batch, collection, example, profile, QStringLiteral("Echo"), var,
                                                     QStringLiteral("hots=1.2.3.4")}
                                      << "--var hots: the collection defines no variable \"hots\"";
    QTest::newRow("bad variable") << QStringList{batch, collection, example, profile, QStringLiteral("Echo"), var,
                                                 QStringLiteral("no equals")}
                                  << "Bad --var \"no equals\"";
    QTest::newRow("undefined variable") << QStringList{batch, collection, example, profile, QStringLiteral("Ticker")}
                                        << "Auth token: {{token}} is not defined";
    QTest::newRow("secret without a value") << QStringList{batch, collection, example, profile, QStringLiteral("Ticker"),
                                                           env, QStringLiteral("staging")}
                                            << "Auth token: {{token}} is a secret without a value here";
    QTest::newRow("header given twice") << QStringList{batch, collection, example, profile, QStringLiteral("Ticker"),
                                                       var, QStringLiteral("token=t"), QStringLiteral("--header"),
                                                       QStringLiteral("x-client: other")}
                                        << "--header x-client: the profile sends X-Client already.";
}

// The profile of a collection file, as a team keeps it: the peer receives
// the request the preview shows, the on-open subscription before anything
// the command line sends.
void TestBatch::profileConnectsAsPreviewedAndSubscribesFirst()
{
    NodePeer peer;
    QVERIFY(peer.waitUntilListening());
    const QString example = QStringLiteral(WSSCOPE_TEST_DATA "/collection-example.json");
    const QString host = QStringLiteral("127.0.0.1:%1").arg(peer.url().port());
    const Run result = run({QStringLiteral("--collection"), example, QStringLiteral("--profile"),
                            QStringLiteral("Market data/Ticker"), QStringLiteral("--env"), QStringLiteral("local"),
                            QStringLiteral("--var"), QStringLiteral("host=") + host, QStringLiteral("--var"),
                            QStringLiteral("token=tok-9 x"), QStringLiteral("--batch"), QStringLiteral("--send"),
                            QStringLiteral("hello"), QStringLiteral("--expect"), QStringLiteral("2"),
                            QStringLiteral("--timeout"), QStringLiteral("20")});
    QVERIFY2(result.finished && result.exitCode == 0, describe(result));

    // What wsscope shows as the resolved request, computed here from the same file.
    Collection collection;
    QString error;
    QVERIFY2(Collection::readFile(example, &collection, &error), qPrintable(error));
    Variable hostVariable, tokenVariable;
    hostVariable.name = QStringLiteral("host");
    hostVariable.value = host;
    tokenVariable.name = QStringLiteral("token");
    tokenVariable.value = QStringLiteral("tok-9 x");
    const VariableScope scope = collection.scope(collection.findEnvironment(QStringLiteral("local")),
                                                 {hostVariable, tokenVariable});
    const ResolvedRequest resolved = ResolvedRequest::resolve(
        *collection.findProfile(QStringLiteral("Ticker"), &error), {}, scope);
    QVERIFY2(resolved.ok(), qPrintable(resolved.problemText()));
    QCOMPARE(resolved.url.toString(), QStringLiteral("ws://%1/ticker?symbols=EURUSD").arg(host));

    QTRY_VERIFY_WITH_TIMEOUT(peer.lines(QStringLiteral("received")).size() >= 3, 10000);
    const QJsonObject open = peer.all().first();
    QCOMPARE(open.value(QStringLiteral("url")).toString(), resolved.url.toString(QUrl::FullyEncoded | QUrl::RemoveScheme
                                                                                 | QUrl::RemoveAuthority));
    QStringList headers;
    for (const QJsonValue value : open.value(QStringLiteral("headers")).toArray())
        headers << value.toString();
    for (const Session::Header &header : resolved.headers) {
        const qsizetype at = headers.indexOf(QString::fromLatin1(header.first));
        QVERIFY2(at >= 0 && at % 2 == 0, qPrintable(headers.join(u'|')));
        QCOMPARE(headers.value(at + 1), QString::fromLatin1(header.second));
    }
    QVERIFY(headers.contains(QStringLiteral("Authorization")));
    QCOMPARE(headers.value(headers.indexOf(QStringLiteral("Authorization")) + 1), QStringLiteral("Bearer tok-9 x"));
    QVERIFY2(!headers.contains(QStringLiteral("X-Debug")), qPrintable(headers.join(u'|')));   // switched off
    QCOMPARE(headers.value(headers.indexOf(QStringLiteral("Sec-WebSocket-Protocol")) + 1), QStringLiteral("ticker.v1"));

    // The subscription (filled from the collection's default), then --send.
    const QList<QJsonObject> received = peer.lines(QStringLiteral("received"));
    QCOMPARE(QByteArray::fromHex(received.at(0).value(QStringLiteral("data")).toString().toLatin1()),
             QByteArray(R"({"op": "subscribe", "channel": "prices"})"));
    QCOMPARE(QByteArray::fromHex(received.at(1).value(QStringLiteral("data")).toString().toLatin1()),
             QByteArray("hello"));
    QCOMPARE(received.at(2).value(QStringLiteral("type")).toString(), QStringLiteral("close"));
}

// A secret variable in a header whose name says nothing (X-Api-Key), in the
// URL's query and in a message sent on open: with --mask-secrets it is in
// none of the saved files, in any encoding they use; without, it is there as
// it was sent.
void TestBatch::secretVariablesAreMaskedInEveryHeaderSaved()
{
    NodePeer peer;
    QVERIFY(peer.waitUntilListening());
    QTemporaryDir dir;
    const QString collectionPath = dir.filePath(QStringLiteral("team.json"));
    {
        QFile file(collectionPath);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(R"({"format": "wsscope-collection", "version": 1, "name": "t",
            "variables": [{"name": "apiKey", "secret": true}],
            "items": [{"type": "profile", "id": "p1", "name": "Feed", "url": "ws://{{host}}/feed?user=ann{{suffix}}",
                       "request": {"headers": [{"name": "X-Api-Key", "value": "key={{apiKey}}"}]},
                       "messages": [{"id": "m1", "name": "auth", "kind": "json", "onOpen": true,
                                     "body": "{\"auth\": \"{{apiKey}}\"}"}]}]})");
    }
    const QByteArray secret = "sk-live-7f3a9c21";
    const auto secretIn = [](const QByteArray &bytes, const QByteArray &value) {
        if (bytes.contains(value) || bytes.contains(QUrl::toPercentEncoding(QString::fromLatin1(value))))
            return true;
        // Base64 at any alignment (the session file's raw heads): the groups
        // that hold only the value's bytes.
        for (int k = 0; k < 3; ++k) {
            const QByteArray encoded = QByteArray(QByteArray(k, 'A') + value).toBase64();
            const qsizetype start = ((k + 2) / 3) * 4;
            const qsizetype end = ((k + value.size()) / 3) * 4;
            if (end - start >= 8 && bytes.contains(encoded.mid(start, end - start)))
                return true;
        }
        return false;
    };
    for (const bool mask : {true, false}) {
        const QString stem = dir.filePath(mask ? QStringLiteral("masked") : QStringLiteral("plain"));
        QStringList args{QStringLiteral("--collection"), collectionPath, QStringLiteral("--var"),
                         QStringLiteral("host=127.0.0.1:%1").arg(peer.url().port()), QStringLiteral("--var"),
                         QStringLiteral("suffix=") + (mask ? QStringLiteral("-in-the-url-9911") : QString()),
                         QStringLiteral("--var"), QStringLiteral("apiKey=") + QString::fromLatin1(secret),
                         QStringLiteral("--batch"), QStringLiteral("--send"), QStringLiteral("hi"),
                         QStringLiteral("--expect"), QStringLiteral("1")};
        for (const char *ending : {".wsscope.jsonl", ".har", ".pcapng", ".txt"})
            args << QStringLiteral("--save") << stem + QLatin1String(ending);
        if (mask)
            args << QStringLiteral("--mask-secrets");
        const Run result = run(args);
        QVERIFY2(result.finished && result.exitCode == 0, describe(result));
        // The peer got the real value.
        QJsonArray headers;
        for (const QJsonObject &line : peer.all()) {
            if (line.value(QStringLiteral("event")).toString() == u"open")
                headers = line.value(QStringLiteral("headers")).toArray();   // the last connection's
        }
        QVERIFY(headers.contains(QJsonValue(QStringLiteral("key=") + QString::fromLatin1(secret))));
        bool authSent = false;
        for (const QJsonObject &line : peer.lines(QStringLiteral("received")))
            authSent |= QByteArray::fromHex(line.value(QStringLiteral("data")).toString().toLatin1())
                == "{\"auth\": \"" + secret + "\"}";
        QVERIFY(authSent);   // the peer got the real value in the message too
        for (const char *ending : {".wsscope.jsonl", ".har", ".pcapng", ".txt"}) {
            QFile file(stem + QLatin1String(ending));
            QVERIFY(file.open(QIODevice::ReadOnly));
            const QByteArray bytes = file.readAll();
            QVERIFY2(secretIn(bytes, secret) == !mask, ending);
            if (mask) {
                // The secret given for the URL's query, hidden there too.
                QVERIFY2(!secretIn(bytes, "-in-the-url-9911"), ending);
                QVERIFY2(bytes.contains("user=ann") || ending == QByteArrayView(".pcapng"), ending);
            }
        }

    }
}

// An Insomnia export straight from the tool: its WebSocket request with its
// URL, headers and payload; what it held that wsscope has no place for is
// said on stderr.
void TestBatch::insomniaExportRunsItsRequest()
{
    NodePeer peer;
    QVERIFY(peer.waitUntilListening());
    const QString exported = QStringLiteral(WSSCOPE_TEST_DATA "/insomnia-export.json");
    const Run result = run({QStringLiteral("--collection"), exported, QStringLiteral("--profile"),
                            QStringLiteral("Quotes"), QStringLiteral("--env"), QStringLiteral("My keys"),
                            QStringLiteral("--var"), QStringLiteral("base_url=") + url(peer).chopped(1),
                            QStringLiteral("--batch"), QStringLiteral("--expect"), QStringLiteral("1"),
                            QStringLiteral("--timeout"), QStringLiteral("20")});
    QVERIFY2(result.finished && result.exitCode == 0, describe(result));
    QVERIFY2(result.err.contains(QStringLiteral("wsscope: not imported: 1 HTTP request left out")), describe(result));
    QVERIFY2(result.err.contains(QStringLiteral("the authentication \"oauth2\"")), describe(result));

    QTRY_VERIFY_WITH_TIMEOUT(peer.lines(QStringLiteral("received")).size() >= 2, 10000);
    const QJsonObject open = peer.all().first();
    QCOMPARE(open.value(QStringLiteral("url")).toString(), QStringLiteral("/v2/quotes?symbols=EURUSD"));
    QStringList headers;
    for (const QJsonValue value : open.value(QStringLiteral("headers")).toArray())
        headers << value.toString();
    QCOMPARE(headers.value(headers.indexOf(QStringLiteral("X-Client")) + 1), QStringLiteral("insomnia"));
    QCOMPARE(headers.value(headers.indexOf(QStringLiteral("Authorization")) + 1), QStringLiteral("Bearer tok-1234"));
    QVERIFY(!headers.contains(QStringLiteral("X-Trace")));
    const QByteArray payload = QByteArray::fromHex(
        peer.lines(QStringLiteral("received")).at(0).value(QStringLiteral("data")).toString().toLatin1());
    QVERIFY2(QRegularExpression(QStringLiteral("^\\{\"subscribe\": \"quotes\", \"nonce\": \"[0-9a-f-]{36}\"\\}$"))
                 .match(QString::fromUtf8(payload)).hasMatch(), payload.constData());

    // Its other request uses a template tag that cannot run here: refused,
    // naming the header and the name it became.
    const Run status = run({QStringLiteral("--collection"), exported, QStringLiteral("--profile"),
                            QStringLiteral("Status"), QStringLiteral("--batch")});
    QCOMPARE(status.exitCode, 2);
    QVERIFY2(status.err.contains(QStringLiteral("Header 1 (X-Session) value: {{response}} is not defined")),
             describe(status));
}

void TestBatch::sendFileRefusesWhatCannotBeSent_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QStringList>("extra");
    QTest::addColumn<QString>("messagePart");
    QTest::newRow("named pipe with no writer") << QStringLiteral("fifo") << QStringList{}
                                               << "it is a named pipe, not a regular file";
    QTest::newRow("/dev/zero") << QStringLiteral("/dev/zero") << QStringList{} << "it is a device, not a regular file";
    QTest::newRow("one byte over --max-message-size")
        << QStringLiteral("101 bytes") << QStringList{QStringLiteral("--max-message-size"), QStringLiteral("100")}
        << "it is 101 bytes, more than the 100 bytes accepted";
    QTest::newRow("one byte over the default largest message")
        << QStringLiteral("sparse") << QStringList{}
        << QStringLiteral("it is %1 bytes, more than the %2 bytes accepted")
               .arg(Session::DefaultMaxMessageBytes + 1)
               .arg(Session::DefaultMaxMessageBytes);
}

void TestBatch::sendFileRefusesWhatCannotBeSent()
{
    QFETCH(QString, file);
    QFETCH(QStringList, extra);
    QFETCH(QString, messagePart);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QString path = file;
    if (file == u"fifo") {
        path = dir.filePath(QStringLiteral("fifo"));
        QCOMPARE(::mkfifo(QFile::encodeName(path).constData(), 0600), 0);
    } else if (file == u"101 bytes" || file == u"sparse") {
        path = dir.filePath(file);
        QFile out(path);
        QVERIFY(out.open(QIODevice::WriteOnly));
        // A sparse file: its size costs no disk.
        QVERIFY(out.resize(file == u"sparse" ? Session::DefaultMaxMessageBytes + 1 : 101));
    }
    // Refused before anything is read or connected: no hang on the pipe, no
    // endless read of the device.
    QStringList args{QStringLiteral("--batch"), QStringLiteral("ws://127.0.0.1:1/"), QStringLiteral("--send-file"), path};
    args += extra;
    const Run result = run(args, 20000);
    QVERIFY2(result.finished && result.exitCode == 2, describe(result));
    QVERIFY2(result.err.contains(QStringLiteral("--send-file \"%1\"").arg(path)), describe(result));
    QVERIFY2(result.err.contains(messagePart), describe(result));
}

void TestBatch::usageErrorsExitTwo()
{
    QFETCH(QStringList, args);
    QFETCH(QString, messagePart);
    const Run result = run(args, 10000);
    QVERIFY2(result.finished && result.exitCode == 2, describe(result));
    QVERIFY2(result.err.contains(messagePart), describe(result));
    QVERIFY2(result.err.contains(QStringLiteral("Usage:")), describe(result));
    QVERIFY2(result.out.isEmpty(), describe(result));
}

void TestBatch::runnerLeavesConnectionOpenWithoutClose()
{
    NodePeer peer;
    QVERIFY(peer.waitUntilListening());
    Session session;
    ScriptRunner::Script script;
    script.messages = {{ScriptRunner::Message::Kind::Text, "one"},
                       {ScriptRunner::Message::Kind::Binary, QByteArray("\x01\x02", 2)}};
    script.closeWhenDone = false;
    ScriptRunner runner(&session, script);
    QSignalSpy finished(&runner, &ScriptRunner::finished);
    runner.start(peer.url());
    QVERIFY(runner.isRunning());
    QTRY_COMPARE_WITH_TIMEOUT(runner.counts().receivedMessages, 2, 10000);
    QCOMPARE(runner.counts().sentMessages, 2);
    QCOMPARE(runner.counts().sentBytes, 5);
    QTest::qWait(300);
    QCOMPARE(session.state(), Session::State::Open);   // left for the user
    QCOMPARE(finished.count(), 0);

    QVERIFY(session.close(1000));   // the user clicks Close
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 10000);
    QCOMPARE(finished.at(0).at(0).toInt(), int(ScriptRunner::Success));
    QVERIFY2(finished.at(0).at(1).toString().contains(QStringLiteral("closed by us with 1000")),
             qPrintable(finished.at(0).at(1).toString()));
    QVERIFY(runner.problems().isEmpty());
    QVERIFY(runner.isDone());
}

void TestBatch::runnerTimeoutClosesWhenNothingIsAwaited()
{
    NodePeer peer;
    QVERIFY(peer.waitUntilListening());
    Session session;
    ScriptRunner::Script script;
    script.closeWhenDone = false;
    script.timeoutMs = 500;
    ScriptRunner runner(&session, script);
    QSignalSpy finished(&runner, &ScriptRunner::finished);
    QElapsedTimer clock;
    clock.start();
    runner.start(peer.url());
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 10000);
    QVERIFY(clock.elapsed() >= 450);
    QCOMPARE(finished.at(0).at(0).toInt(), int(ScriptRunner::Success));
    QCOMPARE(session.lastClose().closer, Session::Closer::Us);
    QCOMPARE(session.lastClose().code, 1000);
}

void TestBatch::runnerReportsAnOpenerThatFails()
{
    Session session;
    ScriptRunner runner(&session, {});
    QSignalSpy finished(&runner, &ScriptRunner::finished);
    QSignalSpy problems(&runner, &ScriptRunner::problem);
    runner.start([](QString *error) {
        *error = QStringLiteral("no URL in the bar");
        return false;
    });
    QCOMPARE(finished.count(), 1);
    QCOMPARE(finished.at(0).at(0).toInt(), int(ScriptRunner::Failure));
    QCOMPARE(problems.count(), 1);
    QCOMPARE(problems.at(0).at(0).toString(), QStringLiteral("no URL in the bar"));
    QVERIFY(runner.summary().contains(QStringLiteral("did not open")));
}

void TestBatch::runnerIgnoresOtherConnections()
{
    NodePeer peer;
    QVERIFY(peer.waitUntilListening());
    Session session;
    // An earlier connection of the same session, still in the log.
    QVERIFY(session.open(peer.url()));
    QTRY_COMPARE_WITH_TIMEOUT(session.state(), Session::State::Open, 10000);
    QVERIFY(session.sendText(QStringLiteral("earlier")));
    QTRY_COMPARE_WITH_TIMEOUT(peer.lines(QStringLiteral("sent")).size(), 1, 10000);
    QVERIFY(session.close());
    QTRY_COMPARE_WITH_TIMEOUT(session.state(), Session::State::Closed, 10000);

    ScriptRunner::Script script;
    script.messages = {{ScriptRunner::Message::Kind::Text, "later"}};
    script.expect = 1;
    script.timeoutMs = 10000;
    ScriptRunner runner(&session, script);
    QSignalSpy finished(&runner, &ScriptRunner::finished);
    runner.start(peer.url());
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 15000);
    QCOMPARE(finished.at(0).at(0).toInt(), int(ScriptRunner::Success));
    QCOMPARE(runner.counts().sentMessages, 1);
    QCOMPARE(runner.counts().sentBytes, 5);
    QCOMPARE(runner.counts().receivedMessages, 1);
    QCOMPARE(session.connections().size(), 2);
}

QTEST_GUILESS_MAIN(TestBatch)
#include "tst_batch.moc"
