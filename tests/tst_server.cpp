#include "record/export.h"
#include "record/journal.h"
#include "record/sessionfile.h"
#include "server/inspectserver.h"
#include "session/session.h"
#include "tlsfixture.h"
#include "wire/wirecapture.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QProcessEnvironment>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QSslConfiguration>
#include <QStandardPaths>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QElapsedTimer>
#include <QTest>
#include <QWebSocket>
#include <QWebSocketHandshakeOptions>
#include <QtEndian>

using Kind = MessageLog::Kind;
using Direction = MessageLog::Direction;

namespace {

// A client that writes exactly the bytes a test gives it and keeps all it reads.
class RawClient
{
public:
    explicit RawClient(quint16 port)
    {
        QObject::connect(&socket, &QIODevice::readyRead, &socket, [this] { received += socket.readAll(); });
        QObject::connect(&socket, &QAbstractSocket::disconnected, &socket, [this] { closed = true; });
        socket.connectToHost(QHostAddress::LocalHost, port);
    }
    bool waitConnected() { return socket.waitForConnected(5000); }
    void write(const QByteArray &bytes) { socket.write(bytes); }
    bool waitFor(QByteArrayView part, int timeoutMs = 5000)
    {
        return QTest::qWaitFor([&] { return received.contains(part); }, timeoutMs);
    }
    bool waitClosed(int timeoutMs = 5000)
    {
        return QTest::qWaitFor([&] { return closed; }, timeoutMs);
    }

    QTcpSocket socket;
    QByteArray received;
    bool closed = false;
};

QByteArray newKey()
{
    QByteArray key(16, '\0');
    for (char &c : key)
        c = char(QRandomGenerator::global()->bounded(256));
    return key.toBase64();
}

QByteArray upgradeRequest(quint16 port, const QByteArray &extraHeaders = {}, const QByteArray &path = "/")
{
    return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(port)
        + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + newKey()
        + "\r\nSec-WebSocket-Version: 13\r\n" + extraHeaders + "\r\n";
}

// Connects `client`, sends an upgrade request (with `extraHeaders`) and waits for the answer's head.
bool upgrade(RawClient &client, quint16 port, const QByteArray &extraHeaders = {})
{
    if (!client.waitConnected())
        return false;
    client.write(upgradeRequest(port, extraHeaders));
    return client.waitFor("\r\n\r\n");
}

QByteArray clientFrame(quint8 opcode, const QByteArray &payload, bool masked = true, quint32 key = 0x37fa213d)
{
    QByteArray frame;
    frame.append(char(0x80 | opcode));
    const char maskBit = masked ? char(0x80) : char(0);
    if (payload.size() < 126) {
        frame.append(char(maskBit | char(payload.size())));
    } else {
        frame.append(char(maskBit | 126));
        char length[2];
        qToBigEndian<quint16>(quint16(payload.size()), length);
        frame.append(length, 2);
    }
    QByteArray body = payload;
    if (masked) {
        char keyBytes[4];
        qToBigEndian<quint32>(key, keyBytes);
        frame.append(keyBytes, 4);
        for (qsizetype i = 0; i < body.size(); ++i)
            body[i] = char(body[i] ^ keyBytes[i % 4]);
    }
    return frame + body;
}

// The close code of the first Close frame in what a server sent after its head, or -1.
int closeCodeIn(const QByteArray &received)
{
    const qsizetype start = received.indexOf("\r\n\r\n");
    if (start < 0)
        return -1;
    FrameDecoder decoder(FrameDecoder::Direction::ServerToClient);
    decoder.feed(QByteArrayView(received).sliced(start + 4));
    for (const WsFrame &frame : decoder.takeFrames()) {
        if (frame.opcode == 0x8)
            return frame.closeCode;
    }
    return -1;
}

WireCapture *captureOf(const InspectServer &server, int id, QObject *parent)
{
    auto *capture = new WireCapture(parent);
    capture->addRecords(server.wire(id));
    return capture;
}

QList<MessageLog::Entry> rowsOf(const InspectServer &server, int id, Direction direction, Kind kind)
{
    QList<MessageLog::Entry> rows;
    const MessageLog *log = server.log();
    for (int row = 0; row < log->count(); ++row) {
        const MessageLog::Entry &entry = log->at(row);
        if (entry.connection == id && entry.direction == direction && entry.kind == kind)
            rows << entry;
    }
    return rows;
}

// The payloads of those rows, in order.
QList<QByteArray> payloadsOf(const InspectServer &server, int id, Direction direction, Kind kind)
{
    QList<QByteArray> payloads;
    const MessageLog *log = server.log();
    for (int row = 0; row < log->count(); ++row) {
        const MessageLog::Entry &entry = log->at(row);
        if (entry.connection == id && entry.direction == direction && entry.kind == kind)
            payloads << log->data(row).toByteArray();
    }
    return payloads;
}

QStringList eventsOf(const InspectServer &server, int id)
{
    QStringList out;
    const MessageLog *log = server.log();
    for (int row = 0; row < log->count(); ++row) {
        if (log->at(row).connection == id && log->at(row).direction == Direction::Local)
            out << QString::fromUtf8(log->data(row).toByteArray());
    }
    return out;
}

QProcessEnvironment peerEnvironment()
{
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("NODE_PATH"), QStringLiteral("/usr/share/nodejs"));
    return environment;
}

// Runs a peer script to its end and returns its last JSON line.
QJsonObject runPeer(const QString &program, const QStringList &arguments, int timeoutMs = 30000)
{
    QProcess process;
    process.setProcessEnvironment(peerEnvironment());
    process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    process.start(program, arguments);
    if (!process.waitForStarted(10000))
        return {{QStringLiteral("error"), process.errorString()}};
    // The server runs in this thread: its events must go on while the peer talks to it.
    if (!QTest::qWaitFor([&] { return process.state() == QProcess::NotRunning; }, timeoutMs)) {
        process.kill();
        process.waitForFinished();
        return {{QStringLiteral("error"), QStringLiteral("the peer did not finish")}};
    }
    const QList<QByteArray> lines = process.readAllStandardOutput().trimmed().split('\n');
    return QJsonDocument::fromJson(lines.last()).object();
}

} // namespace

class TestServer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void websocketClientAppWithPings();
    void nodeClientWithSubprotocolAndHeader();
    void browserLikeRequestKeptExactly();
    void twoClientsAndBroadcast();
    void unmaskedFrameFailedWith1002();
    void badUtf8FailedWith1007();
    void oversizedMessageRefusedWith1009();
    void sizes_data();
    void sizes();
    void refusals_data();
    void refusals();
    void notAnUpgrade();
    void requestsARealServerRefuses_data();
    void requestsARealServerRefuses();
    void refusalsWellFormed();
    void requestedUrlKeptAsWritten();
    void invalidCloseFromTheClient();
    void overLimitWhileTheClientStillSends();
    void clientLeavingMidFrame();
    void slowRequestGets408();
    void requiredHeader();
    void requiredSubprotocol();
    void forcedSubprotocol();
    void delayedUpgrade();
    void dropAfterMessages();
    void silentAndFixedReplies();
    void repliesInTurnAndOnOpen();
    void answersMadeAnewEachTime();
    void composerSendsAndCloses();
    void wssWithOpensslCertificate();
    void savedSessionReopens();
    void tsharkReadsClientFrames();
    void withoutRecordingKeepsNothing();
    void journalKeepsEveryClient();

private:
    static InspectServer::Config loopback()
    {
        InspectServer::Config config;
        return config;
    }
};

void TestServer::websocketClientAppWithPings()
{
    InspectServer server;
    QVERIFY(server.start(loopback()));
    const QJsonObject result = runPeer(QStringLiteral(WSSCOPE_PYTHON),
                                       {QStringLiteral(WSSCOPE_PEERS_DIR "/app_client.py"), server.url().toString(),
                                        QStringLiteral("5")});
    QVERIFY2(result.value(QStringLiteral("errors")).toArray().isEmpty(), QJsonDocument(result).toJson().constData());
    // Its messages came back as they went.
    const QJsonArray received = result.value(QStringLiteral("received")).toArray();
    QCOMPARE(received.size(), 2);
    QCOMPARE(received.at(0).toString(), QStringLiteral("hello from websocket-client"));
    QByteArray all;
    for (int i = 0; i < 256; ++i)
        all.append(char(i));
    QCOMPARE(received.at(1).toString(), QString::fromLatin1(all.toHex()));

    QCOMPARE(server.connections().size(), 1);
    QTRY_COMPARE(server.client(1).state, InspectServer::ClientState::Closed);
    const Session::Connection connection = server.connections().first();
    QVERIFY(connection.server);
    QVERIFY(connection.opened);
    // The request exactly as the library wrote it.
    const HandshakeInfo &handshake = connection.handshake;
    QVERIFY(handshake.captured);
    QCOMPARE(handshake.requestLine, QByteArray("GET / HTTP/1.1"));
    const QByteArray firstBytes = server.wire(1).at(1).bytes;   // after the TcpConnected record
    QVERIFY2(firstBytes.startsWith(handshake.requestRaw), firstBytes.constData());
    const auto header = [&handshake](QByteArrayView name) {
        for (const HandshakeInfo::Header &h : handshake.requestHeaders) {
            if (h.first == name)   // the case as sent
                return h.second;
        }
        return QByteArray("<missing>");
    };
    QCOMPARE(header("Host"), QByteArray("127.0.0.1:") + QByteArray::number(server.url().port()));
    QCOMPARE(header("Origin"), QByteArray("http://127.0.0.1:") + QByteArray::number(server.url().port()));
    QCOMPARE(header("Sec-WebSocket-Version"), QByteArray("13"));
    QCOMPARE(QByteArray::fromBase64(header("Sec-WebSocket-Key")).size(), 16);
    // The Accept check, from the bytes wsscope sent.
    QVERIFY(handshake.accept.available);
    QVERIFY(handshake.accept.matches);
    QCOMPARE(handshake.accept.key, header("Sec-WebSocket-Key"));

    // Every frame of the client masked, with the key it used, and read back unmasked.
    QObject owner;
    WireCapture *capture = captureOf(server, 1, &owner);
    int clientFrames = 0;
    QList<qint64> pingTimes;
    QByteArray firstText;
    for (int i = 0; i < capture->frameCount(); ++i) {
        const WireCapture::Frame frame = capture->frame(i);
        if (!frame.fromClient) {
            QVERIFY(!frame.frame.masked);
            continue;
        }
        ++clientFrames;
        QVERIFY(frame.frame.masked);
        QCOMPARE(frame.frame.findingBits, quint16(0));
        if (frame.frame.opcode == 0x1 && firstText.isEmpty())
            firstText = frame.frame.payload;
        if (frame.frame.opcode == 0x9)
            pingTimes << frame.frame.timeUsec;
    }
    QCOMPARE(firstText, QByteArray("hello from websocket-client"));
    QVERIFY(clientFrames >= 5);   // text, binary, two pings or more, close
    // A ping about every 2 s, each answered by a pong.
    QVERIFY2(pingTimes.size() >= 2, qPrintable(QString::number(pingTimes.size())));
    for (int i = 1; i < pingTimes.size(); ++i) {
        const qint64 gap = pingTimes.at(i) - pingTimes.at(i - 1);
        QVERIFY2(gap > 1500000 && gap < 2600000, qPrintable(QString::number(gap)));
    }
    QCOMPARE(rowsOf(server, 1, Direction::Received, Kind::Ping).size(), pingTimes.size());
    QCOMPARE(rowsOf(server, 1, Direction::Sent, Kind::Pong).size(), pingTimes.size());
    QCOMPARE(capture->countOf(false, WireCapture::Counted::Pong), pingTimes.size());
    // Its close, and who closed.
    QCOMPARE(connection.close.closer, Session::Closer::Peer);
    QCOMPARE(connection.close.code, 1000);
    QCOMPARE(connection.close.reason, QStringLiteral("bye"));
    QVERIFY(capture->closeFrameFromClient());
    QVERIFY(capture->closeFrameFromServer());
}

void TestServer::nodeClientWithSubprotocolAndHeader()
{
    InspectServer::Config config = loopback();
    config.protocols = {QStringLiteral("chat.v2"), QStringLiteral("chat.v1")};
    InspectServer server;
    QVERIFY(server.start(config));
    const QJsonObject result = runPeer(QStringLiteral("node"), {QStringLiteral(WSSCOPE_PEERS_DIR "/ws_client.js"),
                                                                 server.url().toString(), QStringLiteral("chat.v1,chat.v2")});
    QVERIFY2(result.value(QStringLiteral("error")).isNull(), QJsonDocument(result).toJson().constData());
    // The first offered that the server speaks.
    QCOMPARE(result.value(QStringLiteral("protocol")).toString(), QStringLiteral("chat.v1"));
    QCOMPARE(result.value(QStringLiteral("echo")).toString(), QStringLiteral("hello from node"));
    QCOMPARE(result.value(QStringLiteral("code")).toInt(), 1000);
    const HandshakeInfo handshake = server.connections().first().handshake;
    QCOMPARE(handshake.subprotocol, QStringLiteral("chat.v1"));
    QVERIFY(handshake.requestHeaders.contains(HandshakeInfo::Header("X-Test-Client", "node-ws")));
    QVERIFY(handshake.requestHeaders.contains(HandshakeInfo::Header("Sec-WebSocket-Protocol", "chat.v1,chat.v2")));
    QVERIFY(handshake.responseHeaders.contains(HandshakeInfo::Header("Sec-WebSocket-Protocol", "chat.v1")));
    QCOMPARE(server.connections().first().subprotocols, QStringList({QStringLiteral("chat.v1"), QStringLiteral("chat.v2")}));
}

void TestServer::browserLikeRequestKeptExactly()
{
    InspectServer server;
    QVERIFY(server.start(loopback()));
    RawClient client(server.url().port());
    QVERIFY(client.waitConnected());
    // A browser's header set, one header twice, and case as a browser writes it.
    const QByteArray request = "GET /feed?room=7 HTTP/1.1\r\nHost: localhost:" + QByteArray::number(server.url().port())
        + "\r\nConnection: Upgrade\r\nPragma: no-cache\r\nCache-Control: no-cache\r\n"
          "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36\r\n"
          "Upgrade: websocket\r\nOrigin: http://localhost:3000\r\nSec-WebSocket-Version: 13\r\n"
          "Accept-Encoding: gzip, deflate, br\r\nAccept-Language: en-US,en;q=0.9,zh-CN;q=0.8\r\n"
          "cookie: a=1\r\ncookie: b=2\r\nSec-WebSocket-Key: "
        + newKey() + "\r\nSec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n";
    client.write(request);
    QVERIFY(client.waitFor("\r\n\r\n"));
    QVERIFY2(client.received.startsWith("HTTP/1.1 101 Switching Protocols\r\n"), client.received.constData());
    // Compression is declined: the frames stay readable.
    QVERIFY(!client.received.contains("Sec-WebSocket-Extensions"));
    const Session::Connection connection = server.connections().first();
    QCOMPARE(connection.handshake.requestRaw, request);
    QCOMPARE(connection.handshake.requestHeaders.size(), 14);
    QCOMPARE(connection.handshake.requestHeaders.at(10), HandshakeInfo::Header("cookie", "a=1"));
    QCOMPARE(connection.handshake.requestHeaders.at(11), HandshakeInfo::Header("cookie", "b=2"));
    QCOMPARE(connection.url, QStringLiteral("ws://localhost:%1/feed?room=7").arg(server.url().port()));
    QCOMPARE(connection.origin, QStringLiteral("http://localhost:3000"));
    QCOMPARE(server.client(1).path, QStringLiteral("/feed?room=7"));
    QVERIFY(server.client(1).userAgent.startsWith(QStringLiteral("Mozilla/5.0")));
    QVERIFY(server.handshakeSummary(1).contains(QStringLiteral("GET /feed?room=7 HTTP/1.1 → 101 Switching Protocols")));
}

void TestServer::twoClientsAndBroadcast()
{
    InspectServer server;
    QVERIFY(server.start(loopback()));
    QWebSocket first;
    QWebSocket second;
    QStringList firstGot;
    QStringList secondGot;
    connect(&first, &QWebSocket::textMessageReceived, this, [&](const QString &m) { firstGot << m; });
    connect(&second, &QWebSocket::textMessageReceived, this, [&](const QString &m) { secondGot << m; });
    first.open(server.url());
    second.open(server.url());
    QTRY_COMPARE(first.state(), QAbstractSocket::ConnectedState);
    QTRY_COMPARE(second.state(), QAbstractSocket::ConnectedState);
    QTRY_COMPARE(server.openClientCount(), 2);
    first.sendTextMessage(QStringLiteral("one"));
    second.sendTextMessage(QStringLiteral("two"));
    QTRY_COMPARE(firstGot, QStringList{QStringLiteral("one")});
    QTRY_COMPARE(secondGot, QStringList{QStringLiteral("two")});
    QCOMPARE(server.broadcastText(QStringLiteral("to all")), 2);
    QTRY_COMPARE(firstGot.size(), 2);
    QTRY_COMPARE(secondGot.size(), 2);
    QCOMPARE(firstGot.last(), QStringLiteral("to all"));
    QCOMPARE(secondGot.last(), QStringLiteral("to all"));
    // Each client's bytes apart.
    QCOMPARE(server.connections().size(), 2);
    const QList<MessageLog::Entry> fromFirst = rowsOf(server, 1, Direction::Received, Kind::Text);
    const QList<MessageLog::Entry> fromSecond = rowsOf(server, 2, Direction::Received, Kind::Text);
    QCOMPARE(fromFirst.size(), 1);
    QCOMPARE(fromSecond.size(), 1);
    QObject owner;
    QVERIFY(captureOf(server, 1, &owner)->messageEquals(true, 0, "one"));
    QVERIFY(captureOf(server, 2, &owner)->messageEquals(true, 0, "two"));
    QVERIFY(captureOf(server, 2, &owner)->messageEquals(false, 1, "to all"));
    first.close();
    second.close();
    QTRY_COMPARE(server.openClientCount(), 0);
}

void TestServer::unmaskedFrameFailedWith1002()
{
    InspectServer server;
    QVERIFY(server.start(loopback()));
    RawClient client(server.url().port());
    QVERIFY(upgrade(client, server.url().port()));
    client.write(clientFrame(0x1, "not masked", false));
    QVERIFY(client.waitClosed());
    QCOMPARE(closeCodeIn(client.received), 1002);
    // The finding is on the frame and in the log; nothing was echoed.
    QObject owner;
    WireCapture *capture = captureOf(server, 1, &owner);
    bool found = false;
    for (int i = 0; i < capture->frameCount(); ++i) {
        const WireCapture::Frame frame = capture->frame(i);
        if (frame.fromClient && frame.frame.opcode == 0x1)
            found = frame.frame.findingBits & WsFrame::UnmaskedClientFrame;
    }
    QVERIFY(found);
    QVERIFY2(eventsOf(server, 1).join(u'\n').contains(QStringLiteral("must be masked")), qPrintable(eventsOf(server, 1).join(u'\n')));
    QVERIFY(rowsOf(server, 1, Direction::Sent, Kind::Text).isEmpty());
    QCOMPARE(server.connections().first().close.code, 1002);
    QCOMPARE(server.connections().first().close.closer, Session::Closer::Us);
}

void TestServer::badUtf8FailedWith1007()
{
    InspectServer server;
    QVERIFY(server.start(loopback()));
    RawClient client(server.url().port());
    QVERIFY(upgrade(client, server.url().port()));
    client.write(clientFrame(0x1, QByteArray("bad \xc3\x28 text")));
    QVERIFY(client.waitClosed());
    QCOMPARE(closeCodeIn(client.received), 1007);
    QVERIFY(eventsOf(server, 1).join(u'\n').contains(QStringLiteral("UTF-8")));
}

void TestServer::oversizedMessageRefusedWith1009()
{
    InspectServer::Config config = loopback();
    config.maxMessageBytes = 1024 * 1024;
    InspectServer server;
    QVERIFY(server.start(config));
    QWebSocket client;
    client.open(server.url());
    QTRY_COMPARE(client.state(), QAbstractSocket::ConnectedState);
    client.sendBinaryMessage(QByteArray(2 * 1024 * 1024, 'x'));
    QTRY_COMPARE_WITH_TIMEOUT(client.state(), QAbstractSocket::UnconnectedState, 10000);
    QCOMPARE(int(client.closeCode()), 1009);
    QVERIFY(rowsOf(server, 1, Direction::Received, Kind::Binary).isEmpty());
    // A message at the limit passes.
    QWebSocket second;
    QByteArray echoed;
    connect(&second, &QWebSocket::binaryMessageReceived, this, [&](const QByteArray &m) { echoed = m; });
    second.open(server.url());
    QTRY_COMPARE(second.state(), QAbstractSocket::ConnectedState);
    const QByteArray atLimit(1024 * 1024, 'y');
    second.sendBinaryMessage(atLimit);
    QTRY_COMPARE_WITH_TIMEOUT(echoed.size(), atLimit.size(), 10000);
    QCOMPARE(echoed, atLimit);

    // A small limit, and messages that arrive whole in one read: one byte
    // over it in one frame, or in fragments, is refused; at it, it passes.
    config.maxMessageBytes = 64;
    InspectServer small;
    QVERIFY(small.start(config));
    for (const int frameSize : {0, 30}) {
        for (const int size : {64, 65}) {
            QWebSocket peer;
            if (frameSize > 0)
                peer.setOutgoingFrameSize(frameSize);
            QByteArray back;
            connect(&peer, &QWebSocket::binaryMessageReceived, this, [&](const QByteArray &m) { back = m; });
            peer.open(small.url());
            QTRY_COMPARE(peer.state(), QAbstractSocket::ConnectedState);
            peer.sendBinaryMessage(QByteArray(size, 'z'));
            if (size == 64) {
                QTRY_COMPARE(back.size(), 64);
                peer.close();
                QTRY_COMPARE(peer.state(), QAbstractSocket::UnconnectedState);
            } else {
                QTRY_COMPARE(peer.state(), QAbstractSocket::UnconnectedState);
                QCOMPARE(int(peer.closeCode()), 1009);
                QVERIFY(back.isEmpty());
            }
        }
    }
    // Every refused one is shown with its reason, and none was taken as a message.
    int refused = 0;
    for (const Session::Connection &connection : small.connections())
        refused += eventsOf(small, connection.id).filter(QStringLiteral("larger than 64 bytes")).size();
    QCOMPARE(refused, 2);
    QCOMPARE(payloadsOf(small, 2, Direction::Received, Kind::Binary), QList<QByteArray>());
}

void TestServer::sizes_data()
{
    QTest::addColumn<qsizetype>("size");
    QTest::addColumn<bool>("binary");
    QTest::newRow("empty text") << qsizetype(0) << false;
    QTest::newRow("125 B binary") << qsizetype(125) << true;
    QTest::newRow("64 KiB + 1 text") << qsizetype(65537) << false;
    QTest::newRow("1 MiB binary") << qsizetype(1024 * 1024) << true;
    QTest::newRow("20 MiB binary") << qsizetype(20 * 1024 * 1024) << true;
}

void TestServer::sizes()
{
    QFETCH(qsizetype, size);
    QFETCH(bool, binary);
    InspectServer server;
    QVERIFY(server.start(loopback()));
    QWebSocket client;
    client.setMaxAllowedIncomingMessageSize(quint64(64) * 1024 * 1024);
    client.setMaxAllowedIncomingFrameSize(quint64(64) * 1024 * 1024);
    QByteArray echoed;
    bool got = false;
    connect(&client, &QWebSocket::binaryMessageReceived, this, [&](const QByteArray &m) { echoed = m; got = true; });
    connect(&client, &QWebSocket::textMessageReceived, this, [&](const QString &m) { echoed = m.toUtf8(); got = true; });
    client.open(server.url());
    QTRY_COMPARE(client.state(), QAbstractSocket::ConnectedState);
    QByteArray payload(size, '\0');
    for (qsizetype i = 0; i < size; ++i)
        payload[i] = binary ? char(i * 7 + (i >> 8)) : char('a' + i % 26);
    if (binary)
        client.sendBinaryMessage(payload);
    else
        client.sendTextMessage(QString::fromLatin1(payload));
    QTRY_VERIFY_WITH_TIMEOUT(got, 30000);
    QCOMPARE(echoed.size(), payload.size());
    QVERIFY(echoed == payload);
    // Logged whole, both ways, and held whole in the wire record.
    const Kind kind = binary ? Kind::Binary : Kind::Text;
    QCOMPARE(rowsOf(server, 1, Direction::Received, kind).size(), 1);
    QCOMPARE(qsizetype(rowsOf(server, 1, Direction::Received, kind).first().size()), size);
    QCOMPARE(qsizetype(rowsOf(server, 1, Direction::Sent, kind).first().size()), size);
    QObject owner;
    WireCapture *capture = captureOf(server, 1, &owner);
    QVERIFY(capture->messageEquals(true, 0, payload));
    QVERIFY(capture->messageEquals(false, 0, payload));
}

void TestServer::refusals_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("statusLine");
    QTest::addColumn<QByteArray>("header");
    QTest::newRow("400") << 400 << QByteArray("HTTP/1.1 400 Bad Request") << QByteArray();
    QTest::newRow("401") << 401 << QByteArray("HTTP/1.1 401 Unauthorized")
                         << QByteArray("WWW-Authenticate: Basic realm=\"wsscope\"");
    QTest::newRow("403") << 403 << QByteArray("HTTP/1.1 403 Forbidden") << QByteArray();
    QTest::newRow("404") << 404 << QByteArray("HTTP/1.1 404 Not Found") << QByteArray();
    QTest::newRow("426") << 426 << QByteArray("HTTP/1.1 426 Upgrade Required") << QByteArray("Sec-WebSocket-Version: 13");
    QTest::newRow("503") << 503 << QByteArray("HTTP/1.1 503 Service Unavailable") << QByteArray("Retry-After: 30");
}

void TestServer::refusals()
{
    QFETCH(int, status);
    QFETCH(QByteArray, statusLine);
    QFETCH(QByteArray, header);
    InspectServer::Config config = loopback();
    config.answerStatus = status;
    config.answerBody = "go away, on purpose\n";
    InspectServer server;
    QVERIFY(server.start(config));
    RawClient client(server.url().port());
    QVERIFY(client.waitConnected());
    client.write(upgradeRequest(server.url().port()));
    QVERIFY(client.waitClosed());
    const QByteArray expected = statusLine + "\r\n" + (header.isEmpty() ? QByteArray() : header + "\r\n")
        + "Content-Type: text/plain; charset=utf-8\r\nContent-Length: 20\r\nConnection: close\r\n\r\ngo away, on purpose\n";
    if (status == 426)
        QCOMPARE(client.received, statusLine + "\r\nUpgrade: websocket\r\n" + header + "\r\n"
                     + "Content-Type: text/plain; charset=utf-8\r\nContent-Length: 20\r\nConnection: close\r\n\r\n"
                       "go away, on purpose\n");
    else
        QCOMPARE(client.received, expected);
    // What was sent is what the session holds as its response.
    const Session::Connection connection = server.connections().first();
    QVERIFY(!connection.opened);
    QCOMPARE(connection.handshake.statusLine, statusLine);
    QCOMPARE(connection.handshake.responseBody, QByteArray("go away, on purpose\n"));
    QCOMPARE(server.client(1).state, InspectServer::ClientState::Refused);
    QCOMPARE(server.client(1).status, status);
    // And a client library sees the status.
    QWebSocket library;
    library.open(server.url());
    QTRY_COMPARE(library.state(), QAbstractSocket::UnconnectedState);
    QVERIFY(!library.errorString().isEmpty());
}

void TestServer::notAnUpgrade()
{
    InspectServer server;
    QVERIFY(server.start(loopback()));
    RawClient plain(server.url().port());
    QVERIFY(plain.waitConnected());
    plain.write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    QVERIFY(plain.waitClosed());
    QVERIFY2(plain.received.startsWith("HTTP/1.1 426 Upgrade Required\r\n"), plain.received.constData());
    RawClient oldVersion(server.url().port());
    QVERIFY(oldVersion.waitConnected());
    oldVersion.write(upgradeRequest(server.url().port()).replace("Version: 13", "Version: 8"));
    QVERIFY(oldVersion.waitClosed());
    QVERIFY2(oldVersion.received.contains("\r\nSec-WebSocket-Version: 13\r\n"), oldVersion.received.constData());
    RawClient badKey(server.url().port());
    QVERIFY(badKey.waitConnected());
    badKey.write("GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "
                 "c2hvcnQ=\r\nSec-WebSocket-Version: 13\r\n\r\n");
    QVERIFY(badKey.waitClosed());
    QVERIFY(badKey.received.startsWith("HTTP/1.1 400 Bad Request\r\n"));
    RawClient foreignPage(server.url().port());
    QVERIFY(foreignPage.waitConnected());
    foreignPage.write(upgradeRequest(server.url().port(), "Origin: https://evil.example\r\n"));
    QVERIFY(foreignPage.waitClosed());
    QVERIFY(foreignPage.received.startsWith("HTTP/1.1 403 Forbidden\r\n"));
    RawClient garbage(server.url().port());
    QVERIFY(garbage.waitConnected());
    garbage.write(QByteArray("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n", 15));
    QVERIFY(garbage.waitClosed());
    QVERIFY(garbage.received.startsWith("HTTP/1.1 400 Bad Request\r\n"));
    QCOMPARE(server.openClientCount(), 0);
}

void TestServer::requestsARealServerRefuses_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<QByteArray>("statusLine");
    QTest::addColumn<QString>("reason");
    const QByteArray rest = "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                            "Sec-WebSocket-Version: 13\r\n\r\n";
    QTest::newRow("HTTP/1.0") << "GET / HTTP/1.0\r\nHost: x\r\n" + rest << QByteArray("HTTP/1.1 505 HTTP Version Not Supported")
                              << "HTTP/1.0, not HTTP/1.1";
    QTest::newRow("no Host") << "GET / HTTP/1.1\r\n" + rest << QByteArray("HTTP/1.1 400 Bad Request") << "no Host header";
    QTest::newRow("two Hosts") << "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n" + rest << QByteArray("HTTP/1.1 400 Bad Request")
                               << "more than one Host";
    QTest::newRow("asterisk") << "GET * HTTP/1.1\r\nHost: x\r\n" + rest << QByteArray("HTTP/1.1 400 Bad Request") << "not a path";
    QTest::newRow("fragment") << "GET /a#b HTTP/1.1\r\nHost: x\r\n" + rest << QByteArray("HTTP/1.1 400 Bad Request") << "not a path";
    // Answered at once, not after the 10 s a head that never ends waits.
    QTest::newRow("bare LF") << QByteArray("GET / HTTP/1.1\nHost: x\nUpgrade: websocket\n\n") << QByteArray("HTTP/1.1 400 Bad Request")
                             << "LF alone";
    QTest::newRow("TLS ClientHello") << QByteArray("\x16\x03\x01\x00\x2a\x01\x00\x00\x26\x03\x03", 11)
                                     << QByteArray("HTTP/1.1 400 Bad Request") << "began a TLS handshake";
    // What the client sent is quoted escaped: nothing of it reaches a terminal raw.
    QTest::newRow("escape sequences") << QByteArray("\x1b]0;PWNED\x07\x1b[2J\x1b[31mRED garbage\r\n\r\n")
                                      << QByteArray("HTTP/1.1 400 Bad Request") << "not METHOD TARGET";
    QTest::newRow("escape in a header") << "GET / HTTP/1.1\r\nHost: x\r\nBad\x1b[31mheader\r\n" + rest
                                        << QByteArray("HTTP/1.1 400 Bad Request") << "is not a header";
}

// What RFC 6455 4.2.1 and HTTP/1.1 ask of an upgrade request, checked as a
// real server checks them, each refusal seen by a raw client at once.
void TestServer::requestsARealServerRefuses()
{
    QFETCH(QByteArray, request);
    QFETCH(QByteArray, statusLine);
    QFETCH(QString, reason);
    InspectServer server;
    QVERIFY(server.start(loopback()));
    RawClient client(server.url().port());
    QVERIFY(client.waitConnected());
    QElapsedTimer clock;
    clock.start();
    client.write(request);
    QVERIFY(client.waitClosed(4000));
    QVERIFY2(clock.elapsed() < 3000, qPrintable(QString::number(clock.elapsed())));
    QVERIFY2(client.received.startsWith(QByteArray(statusLine + "\r\n")), client.received.constData());
    QVERIFY2(!client.received.contains('\x1b') && !client.received.contains('\x07'), client.received.constData());
    QTRY_COMPARE(server.client(1).state, InspectServer::ClientState::Refused);
    const QString line = server.handshakeSummary(1);
    QVERIFY2(line.contains(reason), qPrintable(line));
    for (const QChar c : line)
        QVERIFY2(c.unicode() >= 0x20 && c.unicode() != 0x7f, qPrintable(line));
    // The bytes themselves are kept as they came.
    QObject owner;
    QVERIFY(captureOf(server, 1, &owner)->chunks().front().bytes.startsWith(request.left(8)));
}

// Statuses that carry no body are sent without one; the reason phrase is the
// status's own.
void TestServer::refusalsWellFormed()
{
    for (const int status : {204, 304}) {
        InspectServer::Config config = loopback();
        config.answerStatus = status;
        InspectServer server;
        QVERIFY(server.start(config));
        RawClient client(server.url().port());
        QVERIFY(client.waitConnected());
        client.write(upgradeRequest(server.url().port()));
        QVERIFY(client.waitClosed());
        const QByteArray expected = status == 204 ? QByteArray("HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n")
                                                  : QByteArray("HTTP/1.1 304 Not Modified\r\nConnection: close\r\n\r\n");
        QCOMPARE(client.received, expected);
    }
}

// The URL saved for a client is the one it asked for: a path that starts
// with //, its percent-encoding, an absolute-form target's host.
void TestServer::requestedUrlKeptAsWritten()
{
    InspectServer server;
    QVERIFY(server.start(loopback()));
    const quint16 port = server.url().port();
    const QByteArray targets[] = {"//chat?x=1", "/sp%20ace/%E6%97%A5?q=a%26b", "http://other.example:8080/abs?y=2", "/plain"};
    for (const QByteArray &target : targets) {
        RawClient client(port);
        QVERIFY(client.waitConnected());
        client.write(upgradeRequest(port, {}, target));
        QVERIFY(client.waitFor("\r\n\r\n"));
        QVERIFY2(client.received.startsWith("HTTP/1.1 101 "), client.received.constData());
    }
    QTRY_COMPARE(server.connections().size(), 4);
    const QString base = QStringLiteral("ws://127.0.0.1:%1").arg(port);
    QCOMPARE(server.connections().at(0).url, base + QStringLiteral("//chat?x=1"));
    QCOMPARE(server.connections().at(1).url, base + QStringLiteral("/sp%20ace/%E6%97%A5?q=a%26b"));
    QCOMPARE(server.connections().at(2).url, QStringLiteral("ws://other.example:8080/abs?y=2"));
    QCOMPARE(server.connections().at(3).url, base + QStringLiteral("/plain"));
    // The path rules go by the decoded path.
    InspectServer::Config config = loopback();
    config.paths = {QStringLiteral("/sp ace")};
    InspectServer ruled;
    QVERIFY(ruled.start(config));
    RawClient encoded(ruled.url().port());
    QVERIFY(encoded.waitConnected());
    encoded.write(upgradeRequest(ruled.url().port(), {}, "/sp%20ace"));
    QVERIFY(encoded.waitFor("\r\n\r\n"));
    QVERIFY2(encoded.received.startsWith("HTTP/1.1 101 "), encoded.received.constData());
}

// A client that closes first with a Close it may not send (one byte, code
// 1005, a reason that is not UTF-8) closed the connection: it is the closer,
// and the answer is the protocol's error.
void TestServer::invalidCloseFromTheClient()
{
    struct Case
    {
        QByteArray payload;
        int answer;
        bool oneByte;
    };
    const Case cases[] = {{QByteArray(1, '\x03'), 1002, true},
                          {QByteArray("\x03\xed", 2), 1002, false},
                          {QByteArray("\x03\xe8\xff\xfe", 4), 1007, false}};
    InspectServer server;
    QVERIFY(server.start(loopback()));
    int id = 0;
    for (const Case &each : cases) {
        ++id;
        RawClient client(server.url().port());
        QVERIFY(upgrade(client, server.url().port()));
        client.write(clientFrame(0x8, each.payload));
        QVERIFY(client.waitClosed());
        QCOMPARE(closeCodeIn(client.received), each.answer);
        QTRY_COMPARE(server.client(id).state, InspectServer::ClientState::Closed);
        const Session::Connection connection = server.connections().at(id - 1);
        QCOMPARE(connection.close.closer, Session::Closer::Peer);
        QCOMPARE(connection.close.oneByteClose, each.oneByte);
        QVERIFY2(eventsOf(server, id).join(u'\n').contains(QStringLiteral("Protocol error by the client")),
                 qPrintable(eventsOf(server, id).join(u'\n')));
    }
}

// A client that blocks while it sends a message over the limit (as
// websocket-client does) still gets the 1009: the server goes on reading
// what it sends, keeping none of it past a bound and saying so.
void TestServer::overLimitWhileTheClientStillSends()
{
    InspectServer::Config config = loopback();
    config.maxMessageBytes = 1000;
    InspectServer server;
    QVERIFY(server.start(config));
    QProcess client;
    client.setProcessChannelMode(QProcess::MergedChannels);
    client.start(QStringLiteral(WSSCOPE_PYTHON),
                 {QStringLiteral("-c"),
                  QStringLiteral("import sys,websocket\n"
                                 "ws=websocket.create_connection(sys.argv[1])\n"
                                 "ws.send_binary(b'a'*12000000)\n"
                                 "op,frame=ws.recv_data_frame(True)\n"
                                 "print(op, int.from_bytes(frame.data[:2],'big'))"),
                  server.url().toString()});
    QVERIFY(QTest::qWaitFor([&] { return client.state() == QProcess::NotRunning; }, 30000));
    QCOMPARE(client.readAll().trimmed(), QByteArray("8 1009"));
    QTRY_COMPARE(server.client(1).state, InspectServer::ClientState::Closed);
    QObject owner;
    WireCapture *capture = captureOf(server, 1, &owner);
    qint64 kept = 0;
    for (const WireCapture::Chunk &chunk : capture->chunks())
        kept += chunk.fromClient ? chunk.bytes.size() : 0;
    QVERIFY2(kept < 12000000 && kept <= InspectServer::MaxBytesAfterEnd + 2 * InspectServer::ReadChunkBytes, qPrintable(QString::number(kept)));
    bool said = false;
    for (const TapRecord &record : server.wire(1))
        said |= record.type == TapRecord::Type::NotRecorded && record.text.contains(QStringLiteral("more from the client"));
    QVERIFY(said);
}

// A client that goes in the middle of a frame, or of a fragmented message:
// the log says what was left unfinished.
void TestServer::clientLeavingMidFrame()
{
    InspectServer server;
    QVERIFY(server.start(loopback()));
    {
        RawClient client(server.url().port());
        QVERIFY(upgrade(client, server.url().port()));
        client.write(clientFrame(0x2, QByteArray(1000, 'x')).left(20));
        QTRY_VERIFY(client.socket.bytesToWrite() == 0);
        QTest::qWait(50);
        client.socket.abort();
    }
    QTRY_COMPARE(server.client(1).state, InspectServer::ClientState::Closed);
    QVERIFY2(eventsOf(server, 1).join(u'\n').contains(QStringLiteral("of a payload of 1000 bytes")), qPrintable(eventsOf(server, 1).join(u'\n')));
    {
        RawClient client(server.url().port());
        QVERIFY(upgrade(client, server.url().port()));
        QByteArray first = clientFrame(0x1, "first half ");
        first[0] = char(0x01);   // FIN clear: more fragments follow
        client.write(first);
        QTRY_VERIFY(client.socket.bytesToWrite() == 0);
        QTest::qWait(50);
        client.socket.abort();
    }
    QTRY_COMPARE(server.client(2).state, InspectServer::ClientState::Closed);
    QVERIFY2(eventsOf(server, 2).join(u'\n').contains(QStringLiteral("fragmented message: 11 bytes")), qPrintable(eventsOf(server, 2).join(u'\n')));
}

// A client that sends half a request and waits is answered 408 when its
// time is up, and its line says why; one that sends its request whole in
// time is not hurried.
void TestServer::slowRequestGets408()
{
    InspectServer::Config config = loopback();
    config.handshakeTimeoutMs = 400;
    InspectServer server;
    QVERIFY(server.start(config));
    RawClient slow(server.url().port());
    QVERIFY(slow.waitConnected());
    QElapsedTimer clock;
    clock.start();
    slow.write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    QVERIFY(slow.waitClosed());
    QVERIFY2(clock.elapsed() >= 350, qPrintable(QString::number(clock.elapsed())));
    QVERIFY2(slow.received.startsWith("HTTP/1.1 408 Request Timeout\r\n"), slow.received.constData());
    QTRY_COMPARE(server.client(1).state, InspectServer::ClientState::Refused);
    QVERIFY2(server.handshakeSummary(1).contains(QStringLiteral("within 0.4 s")), qPrintable(server.handshakeSummary(1)));
    RawClient inTime(server.url().port());
    QVERIFY(upgrade(inTime, server.url().port()));
    QVERIFY2(inTime.received.startsWith("HTTP/1.1 101 "), inTime.received.constData());
    QTest::qWait(600);
    QVERIFY(!inTime.closed);
}

void TestServer::requiredHeader()
{
    InspectServer::Config config = loopback();
    config.requiredHeaders = {{"X-Api-Key", "k-123"}};
    InspectServer server;
    QVERIFY(server.start(config));
    RawClient without(server.url().port());
    QVERIFY(without.waitConnected());
    without.write(upgradeRequest(server.url().port()));
    QVERIFY(without.waitClosed());
    QVERIFY2(without.received.startsWith("HTTP/1.1 400 Bad Request\r\n"), without.received.constData());
    QVERIFY(without.received.contains("X-Api-Key is required"));
    RawClient wrong(server.url().port());
    QVERIFY(wrong.waitConnected());
    wrong.write(upgradeRequest(server.url().port(), "x-api-key: other\r\n"));
    QVERIFY(wrong.waitClosed());
    QVERIFY(wrong.received.startsWith("HTTP/1.1 400 Bad Request\r\n"));
    RawClient with(server.url().port());
    QVERIFY(upgrade(with, server.url().port(), "x-api-key: k-123\r\n"));
    QVERIFY(with.received.startsWith("HTTP/1.1 101 Switching Protocols\r\n"));

    config.requiredHeaders = {{"Authorization", "Bearer t0ken"}};
    InspectServer authorizing;
    QVERIFY(authorizing.start(config));
    RawClient anonymous(authorizing.url().port());
    QVERIFY(anonymous.waitConnected());
    anonymous.write(upgradeRequest(authorizing.url().port()));
    QVERIFY(anonymous.waitClosed());
    QVERIFY(anonymous.received.startsWith("HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Bearer realm=\"wsscope\"\r\n"));
}

void TestServer::requiredSubprotocol()
{
    InspectServer::Config config = loopback();
    config.protocols = {QStringLiteral("mqtt")};
    config.requireProtocol = true;
    InspectServer server;
    QVERIFY(server.start(config));
    RawClient none(server.url().port());
    QVERIFY(none.waitConnected());
    none.write(upgradeRequest(server.url().port()));
    QVERIFY(none.waitClosed());
    QVERIFY(none.received.startsWith("HTTP/1.1 400 Bad Request\r\n"));
    QVERIFY(none.received.contains("requires the subprotocol mqtt"));
    RawClient other(server.url().port());
    QVERIFY(other.waitConnected());
    other.write(upgradeRequest(server.url().port(), "Sec-WebSocket-Protocol: stomp\r\n"));
    QVERIFY(other.waitClosed());
    QVERIFY(other.received.startsWith("HTTP/1.1 400 Bad Request\r\n"));
    QWebSocketHandshakeOptions options;
    options.setSubprotocols({QStringLiteral("stomp"), QStringLiteral("mqtt")});
    QWebSocket library;
    library.open(server.url(), options);
    QTRY_COMPARE(library.state(), QAbstractSocket::ConnectedState);
    QCOMPARE(library.subprotocol(), QStringLiteral("mqtt"));
}

void TestServer::forcedSubprotocol()
{
    InspectServer::Config config = loopback();
    config.forcedProtocol = QStringLiteral("never-offered");
    InspectServer server;
    QVERIFY(server.start(config));
    RawClient client(server.url().port());
    QVERIFY(upgrade(client, server.url().port(), "Sec-WebSocket-Protocol: chat\r\n"));
    QVERIFY(client.received.contains("\r\nSec-WebSocket-Protocol: never-offered\r\n"));
}

void TestServer::delayedUpgrade()
{
    InspectServer::Config config = loopback();
    config.upgradeDelayMs = 400;
    InspectServer server;
    QVERIFY(server.start(config));
    RawClient client(server.url().port());
    QVERIFY(client.waitConnected());
    client.write(upgradeRequest(server.url().port()));
    // A frame sent before the 101 came is kept for after it.
    client.write(clientFrame(0x1, "early"));
    QVERIFY(client.waitFor("early"));
    QVERIFY(client.received.startsWith("HTTP/1.1 101 Switching Protocols\r\n"));
    const HandshakeInfo handshake = server.connections().first().handshake;
    QVERIFY2(handshake.responseUsec - handshake.requestUsec >= 400000,
             qPrintable(QString::number(handshake.responseUsec - handshake.requestUsec)));
}

void TestServer::dropAfterMessages()
{
    InspectServer::Config config = loopback();
    config.dropAfterMessages = 2;
    InspectServer server;
    QVERIFY(server.start(config));
    QWebSocket client;
    QStringList got;
    connect(&client, &QWebSocket::textMessageReceived, this, [&](const QString &m) { got << m; });
    client.open(server.url());
    QTRY_COMPARE(client.state(), QAbstractSocket::ConnectedState);
    client.sendTextMessage(QStringLiteral("1"));
    client.sendTextMessage(QStringLiteral("2"));
    QTRY_COMPARE(client.state(), QAbstractSocket::UnconnectedState);
    // Both echoes went, then the connection was cut with no Close frame.
    QCOMPARE(got, QStringList({QStringLiteral("1"), QStringLiteral("2")}));
    QObject owner;
    QVERIFY(!captureOf(server, 1, &owner)->closeFrameFromServer());
    QCOMPARE(server.connections().first().close.code, 1006);
    QVERIFY2(eventsOf(server, 1).join(u'\n').contains(QStringLiteral("Dropped the connection after 2")),
             qPrintable(eventsOf(server, 1).join(u'\n')));
}

void TestServer::silentAndFixedReplies()
{
    InspectServer::Config config = loopback();
    config.reply = InspectServer::Reply::Silent;
    InspectServer silent;
    QVERIFY(silent.start(config));
    QWebSocket client;
    int got = 0;
    connect(&client, &QWebSocket::textMessageReceived, this, [&] { ++got; });
    client.open(silent.url());
    QTRY_COMPARE(client.state(), QAbstractSocket::ConnectedState);
    client.sendTextMessage(QStringLiteral("anyone?"));
    QTRY_COMPARE(rowsOf(silent, 1, Direction::Received, Kind::Text).size(), 1);
    QTest::qWait(100);
    QCOMPARE(got, 0);
    client.close();

    config.reply = InspectServer::Reply::Fixed;
    config.replies = {{false, "{\"ack\":true}"}, {true, QByteArray("\x01\x02", 2)}};
    InspectServer fixed;
    QVERIFY(fixed.start(config));
    QWebSocket second;
    QStringList texts;
    QList<QByteArray> binaries;
    connect(&second, &QWebSocket::textMessageReceived, this, [&](const QString &m) { texts << m; });
    connect(&second, &QWebSocket::binaryMessageReceived, this, [&](const QByteArray &m) { binaries << m; });
    second.open(fixed.url());
    QTRY_COMPARE(second.state(), QAbstractSocket::ConnectedState);
    second.sendTextMessage(QStringLiteral("hi"));
    QTRY_COMPARE(binaries.size(), 1);
    QCOMPARE(texts, QStringList{QStringLiteral("{\"ack\":true}")});
    QCOMPARE(binaries.first(), QByteArray("\x01\x02", 2));
}

// A script: a greeting as soon as the client is upgraded (after a delayed
// 101 too), then each message answered by the next reply, round again after
// the last; the log holds what was sent, in the order it went.
void TestServer::repliesInTurnAndOnOpen()
{
    InspectServer::Config config = loopback();
    config.reply = InspectServer::Reply::InTurn;
    config.replies = {{false, "first"}, {true, QByteArray("\x00\xff", 2)}, {false, "third"}};
    config.onOpen = {{false, "welcome"}, {false, ""}};
    config.upgradeDelayMs = 150;
    InspectServer server;
    QVERIFY(server.start(config));
    QWebSocket client;
    QStringList got;
    connect(&client, &QWebSocket::textMessageReceived, this, [&](const QString &m) { got << QStringLiteral("text:") + m; });
    connect(&client, &QWebSocket::binaryMessageReceived, this,
            [&](const QByteArray &m) { got << QStringLiteral("binary:") + QString::fromLatin1(m.toHex()); });
    client.open(server.url());
    QTRY_COMPARE(got.size(), 2);
    QCOMPARE(got, (QStringList{QStringLiteral("text:welcome"), QStringLiteral("text:")}));
    for (int i = 1; i <= 5; ++i)
        client.sendTextMessage(QString::number(i));
    QTRY_COMPARE(got.size(), 7);
    QCOMPARE(got.mid(2), (QStringList{QStringLiteral("text:first"), QStringLiteral("binary:00ff"),
                                      QStringLiteral("text:third"), QStringLiteral("text:first"),
                                      QStringLiteral("binary:00ff")}));
    QCOMPARE(payloadsOf(server, 1, Direction::Sent, Kind::Text),
             (QList<QByteArray>{"welcome", "", "first", "third", "first"}));
    QCOMPARE(rowsOf(server, 1, Direction::Sent, Kind::Binary).size(), 2);
}

// An answer with a maker is made at each sending, for each client: the
// greeting and every reply are new; one that cannot be made is an error row
// for that client, and the others still go.
void TestServer::answersMadeAnewEachTime()
{
    InspectServer::Config config = loopback();
    config.reply = InspectServer::Reply::Fixed;
    int made = 0;
    InspectServer::Answer counted;
    counted.make = [&made](Session::Outgoing *message, QString *) {
        *message = {false, "reply " + QByteArray::number(++made)};
        return true;
    };
    InspectServer::Answer failing(false, "never sent");
    failing.make = [](Session::Outgoing *, QString *error) {
        *error = QStringLiteral("the file went away");
        return false;
    };
    config.replies = {counted, failing, {true, QByteArray("\x07", 1)}};
    InspectServer::Answer greeting;
    greeting.make = [&made](Session::Outgoing *message, QString *) {
        *message = {false, "hello " + QByteArray::number(++made)};
        return true;
    };
    config.onOpen = {greeting};
    InspectServer server;
    QVERIFY(server.start(config));
    QStringList got;
    QWebSocket first;
    connect(&first, &QWebSocket::textMessageReceived, this, [&](const QString &m) { got << m; });
    connect(&first, &QWebSocket::binaryMessageReceived, this,
            [&](const QByteArray &m) { got << QString::fromLatin1(m.toHex()); });
    first.open(server.url());
    QTRY_COMPARE(got, QStringList{QStringLiteral("hello 1")});
    first.sendTextMessage(QStringLiteral("a"));
    first.sendTextMessage(QStringLiteral("b"));
    QTRY_COMPARE(got.size(), 5);
    QCOMPARE(got.mid(1), (QStringList{QStringLiteral("reply 2"), QStringLiteral("07"), QStringLiteral("reply 3"),
                                      QStringLiteral("07")}));
    QCOMPARE(rowsOf(server, 1, Direction::Local, Kind::Error).size(), 2);
    const QStringList errors = eventsOf(server, 1).filter(QStringLiteral("A message was not sent"));
    QCOMPARE(errors.size(), 2);
    QVERIFY2(errors.first().contains(QStringLiteral("the file went away")), qPrintable(errors.first()));
    QVERIFY(!payloadsOf(server, 1, Direction::Sent, Kind::Text).contains("never sent"));

    QWebSocket second;
    QStringList secondGot;
    connect(&second, &QWebSocket::textMessageReceived, this, [&](const QString &m) { secondGot << m; });
    second.open(server.url());
    QTRY_COMPARE(secondGot, QStringList{QStringLiteral("hello 4")});
}

void TestServer::composerSendsAndCloses()
{
    InspectServer server;
    QVERIFY(server.start(loopback()));
    QWebSocket client;
    QStringList texts;
    QList<QByteArray> binaries;
    connect(&client, &QWebSocket::textMessageReceived, this, [&](const QString &m) { texts << m; });
    connect(&client, &QWebSocket::binaryMessageReceived, this, [&](const QByteArray &m) { binaries << m; });
    client.open(server.url());
    QTRY_COMPARE(server.openClientCount(), 1);
    QVERIFY(server.sendText(1, QStringLiteral("server says hi")));
    QVERIFY(server.sendBinary(1, QByteArray(3, '\xff')));
    QVERIFY(server.ping(1, "are you there"));
    QTRY_COMPARE(texts, QStringList{QStringLiteral("server says hi")});
    QTRY_COMPARE(binaries.size(), 1);
    // Qt answers the ping by itself: the pong is in the server's log.
    QTRY_COMPARE(rowsOf(server, 1, Direction::Received, Kind::Pong).size(), 1);
    QString error;
    QVERIFY(!server.ping(1, QByteArray(126, 'x'), &error));
    QVERIFY(!error.isEmpty());
    QVERIFY(server.close(1, 4001, QStringLiteral("test over")));
    QTRY_COMPARE(client.state(), QAbstractSocket::UnconnectedState);
    QCOMPARE(int(client.closeCode()), 4001);
    QCOMPARE(client.closeReason(), QStringLiteral("test over"));
    const Session::Connection connection = server.connections().first();
    QCOMPARE(connection.close.closer, Session::Closer::Us);
    QCOMPARE(connection.close.code, 4001);
    QVERIFY(connection.close.handshakeCompleted);
    QCOMPARE(connection.close.answerCode, 4001);
    QVERIFY(!server.sendText(1, QStringLiteral("too late"), &error));
}

void TestServer::wssWithOpensslCertificate()
{
    TlsFixture tls;
    QVERIFY2(tls.create(), qPrintable(tls.error()));
    InspectServer::Config config = loopback();
    QString error;
    QVERIFY2(InspectServer::loadTlsFiles(tls.certPath(), tls.keyPath(), {}, &config, &error), qPrintable(error));
    InspectServer server;
    QVERIFY(server.start(config));
    QCOMPARE(server.url().scheme(), QStringLiteral("wss"));
    // The client verifies the certificate with the CA file (it is its own CA).
    QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
    ssl.setCaCertificates(QSslCertificate::fromPath(tls.certPath()));
    QWebSocket client;
    client.setSslConfiguration(ssl);
    QString echoed;
    connect(&client, &QWebSocket::textMessageReceived, this, [&](const QString &m) { echoed = m; });
    client.open(server.url());
    QTRY_COMPARE_WITH_TIMEOUT(client.state(), QAbstractSocket::ConnectedState, 10000);
    client.sendTextMessage(QStringLiteral("over tls"));
    QTRY_COMPARE(echoed, QStringLiteral("over tls"));
    const Session::Connection connection = server.connections().first();
    QVERIFY(connection.handshake.hasTls);
    QVERIFY(!connection.handshake.tls.protocol.isEmpty());
    // The bytes recorded are the client's, decrypted: its masked frame.
    QObject owner;
    QVERIFY(captureOf(server, 1, &owner)->messageEquals(true, 0, "over tls"));
    QVERIFY(connection.handshake.accept.matches);

    // Python's websocket-client verifying with the CA file, too.
    QProcess python;
    python.start(QStringLiteral(WSSCOPE_PYTHON),
                 {QStringLiteral("-c"),
                  QStringLiteral("import ssl,sys,websocket\n"
                                 "ws=websocket.create_connection(sys.argv[1],sslopt={'ca_certs':sys.argv[2]})\n"
                                 "ws.send('py tls'); print(ws.recv()); ws.close()"),
                  server.url().toString(), tls.certPath()});
    QVERIFY(QTest::qWaitFor([&] { return python.state() == QProcess::NotRunning; }, 20000));
    QCOMPARE(python.readAllStandardOutput().trimmed(), QByteArray("py tls"));

    // ws:// to it by mistake: answered in plain HTTP with what happened, and
    // on the line that names the client.
    RawClient plain(server.url().port());
    QVERIFY(plain.waitConnected());
    plain.write(upgradeRequest(server.url().port()));
    QVERIFY(plain.waitClosed());
    QVERIFY2(plain.received.startsWith("HTTP/1.1 400 Bad Request\r\n"), plain.received.constData());
    QVERIFY(plain.received.contains("wss://"));
    QTRY_COMPARE(server.client(3).state, InspectServer::ClientState::Refused);
    QVERIFY2(server.handshakeSummary(3).contains(QStringLiteral("plain HTTP")), qPrintable(server.handshakeSummary(3)));

    // The same certificate and key as PKCS#12, with no passphrase, as the tab and --tls-cert take it.
    const QString p12 = tls.exportPkcs12(QStringLiteral("server.p12"), {});
    QVERIFY2(!p12.isEmpty(), qPrintable(tls.error()));
    InspectServer::Config fromP12 = loopback();
    QVERIFY2(InspectServer::loadTlsFiles(p12, {}, {}, &fromP12, &error), qPrintable(error));
    InspectServer p12Server;
    QVERIFY(p12Server.start(fromP12));
    QWebSocket p12Client;
    p12Client.setSslConfiguration(ssl);
    p12Client.open(p12Server.url());
    QTRY_COMPARE_WITH_TIMEOUT(p12Client.state(), QAbstractSocket::ConnectedState, 10000);
    // With a passphrase: loaded with it, refused with a reason without it or with another.
    const QString locked = tls.exportPkcs12(QStringLiteral("locked.p12"), QStringLiteral("s3cret"));
    QVERIFY2(!locked.isEmpty(), qPrintable(tls.error()));
    for (const QByteArray &wrong : {QByteArray(), QByteArray("S3cret")}) {
        InspectServer::Config refused = loopback();
        error.clear();
        // Qt's own warning, besides the reason given.
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("PKCS#12")));
        QVERIFY(!InspectServer::loadTlsFiles(locked, {}, wrong, &refused, &error));
        QVERIFY2(error.contains(QStringLiteral("passphrase")), qPrintable(error));
    }
    InspectServer::Config unlocked = loopback();
    QVERIFY2(InspectServer::loadTlsFiles(locked, {}, "s3cret", &unlocked, &error), qPrintable(error));
    QCOMPARE(unlocked.certificateChain.value(0), fromP12.certificateChain.value(0));

    // A wrong key is refused with a reason: another certificate's, or none.
    TlsFixture other;
    QVERIFY(other.create());
    InspectServer::Config broken = loopback();
    QVERIFY(!InspectServer::loadTlsFiles(tls.certPath(), other.keyPath(), {}, &broken, &error));
    QVERIFY2(error.contains(QStringLiteral("does not belong")), qPrintable(error));
    QVERIFY(broken.certificateChain.isEmpty());
    QVERIFY(!InspectServer::loadTlsFiles(tls.certPath(), QStringLiteral("/nonexistent/key.pem"), {}, &broken, &error));
    QVERIFY(error.contains(QStringLiteral("/nonexistent/key.pem")));
}

void TestServer::savedSessionReopens()
{
    InspectServer server;
    QVERIFY(server.start(loopback()));
    QWebSocket client;
    int echoes = 0;
    connect(&client, &QWebSocket::textMessageReceived, this, [&] { ++echoes; });
    client.open(server.url());
    QTRY_COMPARE(client.state(), QAbstractSocket::ConnectedState);
    client.sendTextMessage(QStringLiteral("saved"));
    client.sendTextMessage(QString(10000, u'z'));   // large enough to be written in the wire lines only, for a client
    QTRY_COMPARE(echoes, 2);
    RawClient refused(server.url().port());
    QVERIFY(refused.waitConnected());
    refused.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    QVERIFY(refused.waitClosed());
    client.close();
    QTRY_COMPARE(server.client(1).state, InspectServer::ClientState::Closed);

    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("server.jsonl"));
    QString error;
    QVERIFY2(SessionExport::saveSnapshot(server.snapshot(), path, {}, &error), qPrintable(error));
    Session session;
    SessionFile::Loaded loaded;
    QVERIFY2(SessionFile::load(path, &session, &loaded, &error), qPrintable(error));
    QVERIFY2(loaded.problem.isEmpty(), qPrintable(loaded.problem));
    QCOMPARE(loaded.connections.size(), 2);
    const Session::Connection &first = loaded.connections.at(0);
    QVERIFY(first.server);
    QCOMPARE(first.peer, server.connections().at(0).peer);
    QCOMPARE(first.close.closer, Session::Closer::Peer);
    QCOMPARE(first.handshake.requestRaw, server.connections().at(0).handshake.requestRaw);
    QVERIFY(first.handshake.accept.matches);
    QVERIFY(!loaded.connections.at(1).opened);
    QCOMPARE(loaded.connections.at(1).handshake.statusLine, QByteArray("HTTP/1.1 426 Upgrade Required"));
    // Every row came back, the large one with its payload.
    QCOMPARE(session.log()->count(), server.log()->count());
    bool large = false;
    for (int row = 0; row < session.log()->count(); ++row) {
        const MessageLog::Entry &entry = session.log()->at(row);
        if (entry.direction == Direction::Received && entry.size() == 10000)
            large = session.log()->data(row) == QByteArray(10000, 'z');
    }
    QVERIFY(large);
    // The client's bytes as they came, record by record.
    const QList<TapRecord> savedWire = loaded.wire.value(1);
    const QList<TapRecord> liveWire = server.wire(1);
    QCOMPARE(savedWire.size(), liveWire.size());
    for (int i = 0; i < savedWire.size(); ++i) {
        QCOMPARE(savedWire.at(i).type, liveWire.at(i).type);
        QCOMPARE(savedWire.at(i).bytes, liveWire.at(i).bytes);
        QCOMPARE(savedWire.at(i).timeUsec, liveWire.at(i).timeUsec);
    }
    // HAR: "send" is what the client sent.
    const QString harPath = dir.filePath(QStringLiteral("server.har"));
    QVERIFY2(SessionExport::saveSnapshot(server.snapshot(), harPath, {}, &error), qPrintable(error));
    QFile har(harPath);
    QVERIFY(har.open(QIODevice::ReadOnly));
    const QJsonArray entries = QJsonDocument::fromJson(har.readAll())
                                   .object()
                                   .value(QStringLiteral("log"))
                                   .toObject()
                                   .value(QStringLiteral("entries"))
                                   .toArray();
    QCOMPARE(entries.size(), 2);
    const QJsonArray messages = entries.at(0).toObject().value(QStringLiteral("_webSocketMessages")).toArray();
    QCOMPARE(messages.at(0).toObject().value(QStringLiteral("type")).toString(), QStringLiteral("send"));
    QCOMPARE(messages.at(0).toObject().value(QStringLiteral("data")).toString(), QStringLiteral("saved"));
    QCOMPARE(messages.at(1).toObject().value(QStringLiteral("type")).toString(), QStringLiteral("receive"));
    // The text export names the client as the one that closed.
    const QString textPath = dir.filePath(QStringLiteral("server.txt"));
    QVERIFY2(SessionExport::saveSnapshot(server.snapshot(), textPath, {}, &error), qPrintable(error));
    QFile text(textPath);
    QVERIFY(text.open(QIODevice::ReadOnly));
    const QByteArray textLog = text.readAll();
    QVERIFY2(textLog.contains("connection 1 closed by the client: 1000"), textLog.constData());
}

void TestServer::tsharkReadsClientFrames()
{
    const QString tshark = QStandardPaths::findExecutable(QStringLiteral("tshark"));
    if (tshark.isEmpty())
        QFAIL("tshark is not installed (Debian: apt-get install tshark).");
    InspectServer server;
    QVERIFY(server.start(loopback()));
    RawClient client(server.url().port());
    QVERIFY(upgrade(client, server.url().port()));
    client.write(clientFrame(0x1, "masked hello", true, 0x11223344));
    QVERIFY(client.waitFor("masked hello"));
    client.write(clientFrame(0x8, QByteArray("\x03\xe8", 2), true, 0xa1b2c3d4));
    QVERIFY(client.waitClosed());
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("server.pcapng"));
    QString error;
    QVERIFY2(SessionExport::saveSnapshot(server.snapshot(), path, {}, &error), qPrintable(error));
    QProcess process;
    process.start(tshark, {QStringLiteral("-r"), path, QStringLiteral("-Y"), QStringLiteral("websocket"),
                           QStringLiteral("-T"), QStringLiteral("fields"), QStringLiteral("-e"),
                           QStringLiteral("websocket.opcode"), QStringLiteral("-e"), QStringLiteral("websocket.mask"),
                           QStringLiteral("-e"), QStringLiteral("websocket.masking_key"), QStringLiteral("-e"),
                           QStringLiteral("websocket.payload.text")});
    QVERIFY(process.waitForFinished(60000));
    const QString out = QString::fromUtf8(process.readAllStandardOutput());
    const QStringList lines = out.trimmed().split(u'\n');
    QVERIFY2(lines.size() == 4, qPrintable(out + QString::fromUtf8(process.readAllStandardError())));
    QCOMPARE(lines.at(0).split(u'\t').mid(0, 4),
             QStringList({QStringLiteral("1"), QStringLiteral("1"), QStringLiteral("11223344"), QStringLiteral("masked hello")}));
    QCOMPARE(lines.at(1).split(u'\t').mid(0, 4),
             QStringList({QStringLiteral("1"), QStringLiteral("0"), QString(), QStringLiteral("masked hello")}));
    QCOMPARE(lines.at(2).split(u'\t').mid(0, 3), QStringList({QStringLiteral("8"), QStringLiteral("1"), QStringLiteral("a1b2c3d4")}));
    QCOMPARE(lines.at(3).split(u'\t').mid(0, 2), QStringList({QStringLiteral("8"), QStringLiteral("0")}));
}

void TestServer::withoutRecordingKeepsNothing()
{
    InspectServer::Config config = loopback();
    config.record = false;
    InspectServer server;
    QSignalSpy answered(&server, &InspectServer::clientAnswered);
    QStringList summaries;
    connect(&server, &InspectServer::clientAnswered, this, [&](int id) { summaries << server.handshakeSummary(id); });
    QVERIFY(server.start(config));
    for (int i = 0; i < 3; ++i) {
        QWebSocket client;
        QString echoed;
        connect(&client, &QWebSocket::textMessageReceived, this, [&](const QString &m) { echoed = m; });
        client.open(server.url());
        QTRY_COMPARE(client.state(), QAbstractSocket::ConnectedState);
        client.sendTextMessage(QStringLiteral("x"));
        QTRY_COMPARE(echoed, QStringLiteral("x"));
        client.close();
        QTRY_COMPARE(client.state(), QAbstractSocket::UnconnectedState);
    }
    QCOMPARE(answered.size(), 3);
    QCOMPARE(summaries.size(), 3);
    QVERIFY(summaries.first().contains(QStringLiteral("GET / HTTP/1.1 → 101 Switching Protocols")));
    QCOMPARE(server.log()->count(), 0);
    QTRY_VERIFY(server.clients().isEmpty());

    // Unrecorded messages still count: replies in turn and the drop after N
    // go by them, as --serve without --save runs.
    config.reply = InspectServer::Reply::InTurn;
    config.replies = {{false, "one"}, {false, "two"}};
    config.dropAfterMessages = 3;
    InspectServer scripted;
    QVERIFY(scripted.start(config));
    QWebSocket client;
    QStringList got;
    connect(&client, &QWebSocket::textMessageReceived, this, [&](const QString &m) { got << m; });
    client.open(scripted.url());
    QTRY_COMPARE(client.state(), QAbstractSocket::ConnectedState);
    for (int i = 0; i < 3; ++i)
        client.sendTextMessage(QStringLiteral("m"));
    QTRY_COMPARE(client.state(), QAbstractSocket::UnconnectedState);
    QCOMPARE(got, (QStringList{QStringLiteral("one"), QStringLiteral("two"), QStringLiteral("one")}));
    QCOMPARE(scripted.log()->count(), 0);
}

void TestServer::journalKeepsEveryClient()
{
    QTemporaryDir dir;
    InspectServer server;
    QVERIFY(server.start(loopback()));
    Journal journal(&server, dir.path());
    QVERIFY2(journal.isOpen(), qPrintable(journal.errorString()));
    QWebSocket client;
    int echoes = 0;
    connect(&client, &QWebSocket::textMessageReceived, this, [&] { ++echoes; });
    client.open(server.url());
    QTRY_COMPARE(client.state(), QAbstractSocket::ConnectedState);
    client.sendTextMessage(QStringLiteral("journaled"));
    client.sendTextMessage(QString(20000, u'j'));
    QTRY_COMPARE(echoes, 2);
    RawClient refused(server.url().port());
    QVERIFY(refused.waitConnected());
    refused.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    QVERIFY(refused.waitClosed());
    // While the server runs, the journal already holds both clients: what a crash would leave.
    QTest::qWait(2 * Journal::FlushIntervalMs);
    {
        MessageLog log;
        QFile file(journal.path());
        QVERIFY(file.open(QIODevice::ReadOnly));
        const SessionFile::Loaded live = SessionFile::read(&file, &log);
        QVERIFY2(live.problem.isEmpty(), qPrintable(live.problem));
        QVERIFY(!live.ended);
        QCOMPARE(live.connections.size(), 2);
        QVERIFY(live.connections.at(0).server);
        QVERIFY(live.connections.at(0).handshake.accept.matches);
        QCOMPARE(log.count(), server.log()->count());
    }
    client.close();
    QTRY_COMPARE(server.client(1).state, InspectServer::ClientState::Closed);
    const QString path = journal.path();
    journal.finish(true);
    MessageLog log;
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const SessionFile::Loaded loaded = SessionFile::read(&file, &log);
    QVERIFY2(loaded.problem.isEmpty(), qPrintable(loaded.problem));
    QVERIFY(loaded.ended);
    QCOMPARE(loaded.connections.size(), 2);
    QCOMPARE(loaded.connections.at(0).close.closer, Session::Closer::Peer);
    QCOMPARE(loaded.connections.at(1).handshake.statusLine, QByteArray("HTTP/1.1 426 Upgrade Required"));
    QCOMPARE(log.count(), server.log()->count());
    for (int id : {1, 2}) {
        const QList<TapRecord> saved = loaded.wire.value(id);
        const QList<TapRecord> live = server.wire(id);
        QCOMPARE(saved.size(), live.size());
        for (int i = 0; i < saved.size(); ++i)
            QCOMPARE(saved.at(i).bytes, live.at(i).bytes);
    }
}

QTEST_GUILESS_MAIN(TestServer)
#include "tst_server.moc"
