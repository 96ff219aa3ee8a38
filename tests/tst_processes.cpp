#include "qtmessages.h"
#include "tlsfixture.h"

#include <QProcess>
#include <QScopeGuard>
#include <QRegularExpression>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QUrl>
#include <QTest>

// Runs the real wsscope executable, as a user or a script would.
class TestProcesses : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void serveTalksToPythonWebsocketClient();
    void serveOnBusyPortFails();
    void serveSavesEveryClientWhenTerminated();
    void serveAnswersStatusUntilTimeout();
    void serveScriptOverTlsWithPassphrase();
    void usageErrorsExitTwo_data();
    void usageErrorsExitTwo();
    void helpExitsZero();

private:
    static QString binary() { return QStringLiteral(WSSCOPE_BINARY); }
};

void TestProcesses::serveTalksToPythonWebsocketClient()
{
    QProcess server;
    const auto stopServer = qScopeGuard([&server] {
        server.kill();
        server.waitForFinished();
    });
    server.setProcessEnvironment(QtMessages::markedEnvironment());
    server.start(binary(), {QStringLiteral("--serve"), QStringLiteral("0")});
    QVERIFY2(server.waitForStarted(), qPrintable(server.errorString()));
    QTRY_VERIFY_WITH_TIMEOUT(server.canReadLine(), 10000);
    const QString url = QString::fromUtf8(server.readLine()).trimmed();
    QVERIFY2(QRegularExpression(QStringLiteral("^ws://127\\.0\\.0\\.1:\\d+/$")).match(url).hasMatch(), qPrintable(url));

    QProcess client;
    client.setProcessChannelMode(QProcess::MergedChannels);
    client.start(QStringLiteral(WSSCOPE_PYTHON), {QStringLiteral(WSSCOPE_PEERS_DIR "/echo_client.py"), url});
    QVERIFY2(client.waitForStarted(), qPrintable(client.errorString()));
    QVERIFY(client.waitForFinished(30000));
    const QString output = QString::fromUtf8(client.readAll());
    QVERIFY2(client.exitStatus() == QProcess::NormalExit && client.exitCode() == 0, qPrintable(output));
    QVERIFY2(output.contains(QStringLiteral("text echo ok")), qPrintable(output));
    QVERIFY2(output.contains(QStringLiteral("binary echo ok")), qPrintable(output));
    QVERIFY2(QRegularExpression(QStringLiteral("pongs: [1-9]")).match(output).hasMatch(), qPrintable(output));

    QCOMPARE(server.state(), QProcess::Running);   // a client leaving does not stop the server
    server.terminate();
    QVERIFY(server.waitForFinished(10000));
    const QString err = QString::fromUtf8(server.readAllStandardError());
    QVERIFY2(QtMessages::in(err).isEmpty(), qPrintable(err));
}

void TestProcesses::serveOnBusyPortFails()
{
    QTcpServer busy;
    QVERIFY(busy.listen(QHostAddress::LocalHost));
    QProcess server;
    server.setProcessEnvironment(QtMessages::markedEnvironment());
    server.start(binary(), {QStringLiteral("--serve"), QString::number(busy.serverPort())});
    QVERIFY(server.waitForFinished(10000));
    QCOMPARE(server.exitCode(), 1);
    const QString err = QString::fromUtf8(server.readAllStandardError());
    QVERIFY2(err.contains(QString::number(busy.serverPort())), qPrintable(err));
    QVERIFY2(QtMessages::in(err).isEmpty(), qPrintable(err));
}

namespace {

// Starts `wsscope args…` and returns the URL it printed first.
QString startServer(QProcess *server, const QStringList &args)
{
    server->setProcessEnvironment(QtMessages::markedEnvironment());
    server->start(QStringLiteral(WSSCOPE_BINARY), args);
    if (!server->waitForStarted() || !QTest::qWaitFor([server] { return server->canReadLine(); }, 10000))
        return {};
    return QString::fromUtf8(server->readLine()).trimmed();
}

QByteArray rawExchange(quint16 port, const QByteArray &request)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    if (!socket.waitForConnected(5000))
        return {};
    socket.write(request);
    QByteArray answer;
    while (socket.waitForReadyRead(5000))
        answer += socket.readAll();
    return answer + socket.readAll();
}

} // namespace

void TestProcesses::serveSavesEveryClientWhenTerminated()
{
    QTemporaryDir dir;
    const QString jsonl = dir.filePath(QStringLiteral("served.jsonl"));
    const QString pcapng = dir.filePath(QStringLiteral("served.pcapng"));
    QProcess server;
    const auto stopServer = qScopeGuard([&server] {
        server.kill();
        server.waitForFinished();
    });
    const QString url = startServer(&server, {QStringLiteral("--serve"), QStringLiteral("--save"), jsonl,
                                              QStringLiteral("--save"), pcapng, QStringLiteral("--protocol"),
                                              QStringLiteral("chat"), QStringLiteral("--require-header"),
                                              QStringLiteral("X-Key: 7")});
    QVERIFY2(url.startsWith(QStringLiteral("ws://127.0.0.1:")), qPrintable(url));
    // A client with the header and the subprotocol, and one without.
    QProcess client;
    client.setProcessChannelMode(QProcess::MergedChannels);
    client.start(QStringLiteral(WSSCOPE_PYTHON),
                 {QStringLiteral("-c"),
                  QStringLiteral("import sys,websocket\n"
                                 "ws=websocket.create_connection(sys.argv[1],header=['X-Key: 7'],subprotocols=['chat'])\n"
                                 "ws.send('hi'); print(ws.recv(), ws.subprotocol); ws.close()"),
                  url});
    QVERIFY(client.waitForFinished(30000));
    QCOMPARE(client.readAll().trimmed(), QByteArray("hi chat"));
    const QByteArray refused = rawExchange(QUrl(url).port(), "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                                                            "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                                                            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");
    QVERIFY2(refused.startsWith("HTTP/1.1 400 Bad Request\r\n"), refused.constData());

    server.terminate();
    QVERIFY(server.waitForFinished(10000));
    QCOMPARE(server.exitCode(), 0);
    const QString err = QString::fromUtf8(server.readAllStandardError());
    QVERIFY2(QtMessages::in(err).isEmpty(), qPrintable(err));
    // One line per client's handshake.
    const QStringList lines = err.split(u'\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.filter(QStringLiteral("GET / HTTP/1.1 →")).size(), 2);
    QVERIFY2(lines.filter(QStringLiteral("→ 101 Switching Protocols (chat)")).size() == 1, qPrintable(err));
    QVERIFY2(lines.filter(QStringLiteral("→ 400 Bad Request")).size() == 1, qPrintable(err));
    QFile saved(jsonl);
    QVERIFY(saved.open(QIODevice::ReadOnly));
    const QByteArray content = saved.readAll();
    QCOMPARE(content.count("\"type\":\"connection\""), 2);
    QCOMPARE(content.count("\"server\":true"), 2);
    QVERIFY(content.contains("[\"X-Key\",\"7\"]"));
    QVERIFY(content.contains("\"type\":\"end\""));
    QVERIFY(QFileInfo(pcapng).size() > 0);
}

void TestProcesses::serveAnswersStatusUntilTimeout()
{
    QTemporaryDir dir;
    const QString jsonl = dir.filePath(QStringLiteral("refused.jsonl"));
    QProcess server;
    const auto stopServer = qScopeGuard([&server] {
        server.kill();
        server.waitForFinished();
    });
    const QString url = startServer(&server, {QStringLiteral("--serve"), QStringLiteral("0"), QStringLiteral("--answer-status"),
                                              QStringLiteral("503"), QStringLiteral("--timeout"), QStringLiteral("2"),
                                              QStringLiteral("--save"), jsonl});
    QVERIFY(!url.isEmpty());
    const QByteArray answer = rawExchange(QUrl(url).port(), "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                                                           "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                                                           "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");
    QVERIFY2(answer.startsWith("HTTP/1.1 503 Service Unavailable\r\nRetry-After: 30\r\n"), answer.constData());
    // It stops by itself, and saves.
    QVERIFY(server.waitForFinished(15000));
    QCOMPARE(server.exitCode(), 0);
    QFile saved(jsonl);
    QVERIFY(saved.open(QIODevice::ReadOnly));
    QVERIFY(saved.readAll().contains("HTTP/1.1 503 Service Unavailable"));
}

// The command line's answers: a greeting on open, replies in turn, a message
// limit, over wss from a PKCS#12 file with a passphrase, with websocket-client
// verifying the certificate.
void TestProcesses::serveScriptOverTlsWithPassphrase()
{
    TlsFixture tls;
    QVERIFY2(tls.create(), qPrintable(tls.error()));
    const QString p12 = tls.exportPkcs12(QStringLiteral("server.p12"), QStringLiteral("pa ss"));
    QVERIFY2(!p12.isEmpty(), qPrintable(tls.error()));
    QTemporaryDir dir;
    const QString jsonl = dir.filePath(QStringLiteral("script.jsonl"));
    QProcess server;
    const auto stopServer = qScopeGuard([&server] {
        server.kill();
        server.waitForFinished();
    });
    const QString url = startServer(&server, {QStringLiteral("--serve"), QStringLiteral("--tls-cert"), p12,
                                              QStringLiteral("--tls-passphrase"), QStringLiteral("pa ss"),
                                              QStringLiteral("--send"), QStringLiteral("welcome"), QStringLiteral("--reply"),
                                              QStringLiteral("turn"), QStringLiteral("--reply-text"), QStringLiteral("one"),
                                              QStringLiteral("--reply-hex"), QStringLiteral("02 03"),
                                              QStringLiteral("--max-message-size"), QStringLiteral("64"),
                                              QStringLiteral("--save"), jsonl});
    QVERIFY2(url.startsWith(QStringLiteral("wss://127.0.0.1:")), qPrintable(url + QString::fromUtf8(server.readAllStandardError())));
    QProcess client;
    client.setProcessChannelMode(QProcess::MergedChannels);
    client.start(QStringLiteral(WSSCOPE_PYTHON),
                 {QStringLiteral("-c"),
                  QStringLiteral("import sys,websocket\n"
                                 "ws=websocket.create_connection(sys.argv[1],sslopt={'ca_certs':sys.argv[2]})\n"
                                 "print(ws.recv())\n"
                                 "ws.send('a'); print(ws.recv())\n"
                                 "ws.send('b'); print(ws.recv().hex())\n"
                                 "ws.send('c'); print(ws.recv())\n"
                                 "ws.send('x'*65)\n"
                                 "op,frame=ws.recv_data_frame(True)\n"
                                 "print(op, int.from_bytes(frame.data[:2],'big'))"),
                  url, tls.certPath()});
    QVERIFY(client.waitForFinished(30000));
    QCOMPARE(client.readAll().trimmed().split('\n'),
             (QList<QByteArray>{"welcome", "one", "0203", "one", "8 1009"}));
    server.terminate();
    QVERIFY(server.waitForFinished(10000));
    QCOMPARE(server.exitCode(), 0);
    QFile saved(jsonl);
    QVERIFY(saved.open(QIODevice::ReadOnly));
    const QByteArray content = saved.readAll();
    QVERIFY(content.contains("\"code\":1009"));
    // The passphrase is the user's: it is in no file.
    QVERIFY(!content.contains("pa ss"));

    // Without it, the server does not start, and says why.
    QProcess locked;
    locked.setProcessEnvironment(QtMessages::markedEnvironment());
    locked.start(binary(), {QStringLiteral("--serve"), QStringLiteral("--tls-cert"), p12});
    QVERIFY(locked.waitForFinished(10000));
    QCOMPARE(locked.exitCode(), 1);
    QVERIFY(QString::fromUtf8(locked.readAllStandardError()).contains(QStringLiteral("passphrase")));

    // Given in the environment instead, where the process list does not show it.
    QProcess unlocked;
    QProcessEnvironment environment = QtMessages::markedEnvironment();
    environment.insert(QStringLiteral("WSSCOPE_TLS_PASSPHRASE"), QStringLiteral("pa ss"));
    unlocked.setProcessEnvironment(environment);
    unlocked.start(binary(), {QStringLiteral("--serve"), QStringLiteral("--tls-cert"), p12, QStringLiteral("--timeout"),
                              QStringLiteral("1")});
    QVERIFY(unlocked.waitForFinished(10000));
    QVERIFY2(unlocked.readAllStandardOutput().startsWith("wss://127.0.0.1:"),
             unlocked.readAllStandardError().constData());
    QCOMPARE(unlocked.exitCode(), 0);
}

void TestProcesses::usageErrorsExitTwo_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("messagePart");

    QTest::newRow("unknown option") << QStringList{QStringLiteral("--frobnicate")} << "frobnicate";
    QTest::newRow("serve with a word for a port") << QStringList{QStringLiteral("--serve"), QStringLiteral("abc")} << "not a port";
    QTest::newRow("http URL") << QStringList{QStringLiteral("http://example.com/")} << "ws://";
    QTest::newRow("serve answering 101") << QStringList{QStringLiteral("--serve"), QStringLiteral("--answer-status"), QStringLiteral("101")} << "101";
    QTest::newRow("tls-cert without serve") << QStringList{QStringLiteral("--tls-cert"), QStringLiteral("c.pem")} << "--serve";
    QTest::newRow("serve with a header") << QStringList{QStringLiteral("--serve"), QStringLiteral("--header"), QStringLiteral("A: b")} << "--header";
    QTest::newRow("require-header without a colon") << QStringList{QStringLiteral("--serve"), QStringLiteral("--require-header"), QStringLiteral("X-Key")} << "Name: value";
    QTest::newRow("serve saving into no folder") << QStringList{QStringLiteral("--serve"), QStringLiteral("--save"), QStringLiteral("/nonexistent-wsscope/s.jsonl")} << "does not exist";
    const QString folder = QDir::temp().filePath(QStringLiteral("wsscope-tst-processes-folder.jsonl"));
    QDir().mkpath(folder);
    QTest::newRow("serve saving onto a folder") << QStringList{QStringLiteral("--serve"), QStringLiteral("--save"), folder} << "it is a folder";
    QTest::newRow("URL with a newline in the host") << QStringList{QStringLiteral("ws://exa\nmple/")} << "line break";
}

void TestProcesses::usageErrorsExitTwo()
{
    QFETCH(QStringList, args);
    QFETCH(QString, messagePart);
    QProcess process;
    process.setProcessEnvironment(QtMessages::markedEnvironment());
    process.start(binary(), args);
    QVERIFY(process.waitForFinished(10000));
    QCOMPARE(process.exitStatus(), QProcess::NormalExit);
    QCOMPARE(process.exitCode(), 2);
    const QString err = QString::fromUtf8(process.readAllStandardError());
    QVERIFY2(err.contains(messagePart), qPrintable(err));
    QVERIFY2(err.contains(QStringLiteral("Usage:")), qPrintable(err));
    QVERIFY2(QtMessages::in(err).isEmpty(), qPrintable(err));
}

void TestProcesses::helpExitsZero()
{
    QProcess process;
    process.start(binary(), {QStringLiteral("--help")});
    QVERIFY(process.waitForFinished(10000));
    QCOMPARE(process.exitCode(), 0);
    const QString out = QString::fromUtf8(process.readAllStandardOutput());
    QVERIFY(out.contains(QStringLiteral("--serve")));
    QVERIFY(out.contains(QStringLiteral("--send")));
}

QTEST_GUILESS_MAIN(TestProcesses)
#include "tst_processes.moc"
