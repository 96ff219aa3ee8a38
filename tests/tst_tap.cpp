#include "nodepeer.h"
#include "pythonpeer.h"
#include "qtpeer.h"
#include "rawserver.h"
#include "session/session.h"
#include "tlsfixture.h"
#include "wire/taplink.h"
#include "wire/wirecapture.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QSignalSpy>
#include <QTest>
#include <QWebSocket>
#include <QWebSocketServer>

#include <unistd.h>

using Kind = MessageLog::Kind;

class TestTap : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void capturesQtHandshakeAndFrames();
    void nodePeerHeaderAndSubprotocol();
    void frameFidelityWithNodePeer();
    void tlsIsVerifiedByDefault();
    void tlsInsecureConnectsAndCapturesPlaintext();
    void wssRequestBytesEqualDirectConnection();
    void non101AnswerBodyIsShown();
    void garbageAnswerIsShown();
    void answerReadUntilCloseEndsAfterTheGrace();
    void abortWhileTheAnswerIsAwaited();
    void serverClosingMidHandshake();
    void refusesWithoutSecret();
    void refusesWrongSecret();
    void refusesOtherTargets();
    void refusesOtherMethods();
    void acceptsOnlyOneClientOnLoopback();
    void idleLocalConnectionsCannotBlockTheTap();
    void floodOfIdleConnectionsCannotCrowdOutQWebSocket();
    void hostileServerCannotBalloonMemory_data();
    void hostileServerCannotBalloonMemory();
    void captureCapsBytesNoMessageOwns_data();
    void captureCapsBytesNoMessageOwns();
    void captureKeepsALargeMessageWhole();
    void cancelBeforeTheTapListens();
    void modeChangeDuringAConnectionDoesNotChangeItsReport();
    void teardownInEveryOrder_data();
    void teardownInEveryOrder();
    void directModeSaysWhatItCannotKnow();
};

static QList<QByteArray> names(const QList<HandshakeInfo::Header> &headers)
{
    QList<QByteArray> result;
    for (const auto &header : headers)
        result << header.first;
    return result;
}

static QString lastEventOfKind(Session &session, Kind kind)
{
    for (int i = session.log()->count() - 1; i >= 0; --i) {
        if (session.log()->at(i).kind == kind)
            return QString::fromUtf8(session.log()->data(i));
    }
    return {};
}

static QString lastError(Session &session)
{
    for (int i = session.log()->count() - 1; i >= 0; --i) {
        if (session.log()->at(i).kind == Kind::Error)
            return QString::fromUtf8(session.log()->data(i));
    }
    return {};
}

void TestTap::capturesQtHandshakeAndFrames()
{
    QWebSocketServer server(QStringLiteral("tap-test"), QWebSocketServer::NonSecureMode);
    QVERIFY(server.listen(QHostAddress::LocalHost));
    connect(&server, &QWebSocketServer::newConnection, this, [&server] {
        QWebSocket *peer = server.nextPendingConnection();
        peer->setParent(&server);
        connect(peer, &QWebSocket::textMessageReceived, peer, &QWebSocket::sendTextMessage);
        connect(peer, &QWebSocket::binaryMessageReceived, peer, &QWebSocket::sendBinaryMessage);
    });

    Session session;
    QCOMPARE(session.mode(), Session::Mode::Tap);
    QVERIFY(session.open(QUrl(QStringLiteral("ws://127.0.0.1:%1/feed?x=1").arg(server.serverPort()))));
    QTRY_COMPARE(session.state(), Session::State::Open);
    QTRY_VERIFY(!session.handshake().statusLine.isEmpty());

    const HandshakeInfo info = session.handshake();
    QVERIFY(info.captured);
    QCOMPARE(info.requestLine, QByteArray("GET /feed?x=1 HTTP/1.1"));
    // Qt 6.4's order, names as Qt writes them.
    QCOMPARE(names(info.requestHeaders),
             (QList<QByteArray>{"Host", "Upgrade", "Connection", "Sec-WebSocket-Key", "Sec-WebSocket-Version"}));
    QCOMPARE(info.requestHeaders.at(0).second, QStringLiteral("127.0.0.1:%1").arg(server.serverPort()).toLatin1());
    QCOMPARE(info.statusLine, QByteArray("HTTP/1.1 101 Switching Protocols"));
    QVERIFY(names(info.responseHeaders).contains("Sec-WebSocket-Accept"));
    QVERIFY(info.responseRaw.startsWith("HTTP/1.1 101"));
    QVERIFY(info.responseRaw.endsWith("\r\n\r\n"));
    QVERIFY(info.accept.available);
    QVERIFY(info.accept.matches);
    QCOMPARE(QByteArray::fromBase64(info.accept.key).size(), 16);
    QCOMPARE(info.accept.sha1Hex.size(), 20 * 3 - 1);
    QVERIFY(info.timing.total >= info.timing.upgrade && info.timing.upgrade >= 0);
    QVERIFY(info.timing.tcp >= 0 && info.timing.dns >= 0);
    QCOMPARE(info.timing.tls, -1);
    QVERIFY(!info.hasTls);

    QVERIFY(session.sendText(QStringLiteral("hello")));
    QVERIFY(session.sendBinary(QByteArray(300, '\x7f')));
    QVERIFY(session.ping("p1"));
    QTRY_COMPARE(session.log()->count(), 7);   // open, 3 sent, 3 received
    QVERIFY(session.close(4000, QStringLiteral("bye")));
    QTRY_COMPARE(session.state(), Session::State::Closed);

    const WireCapture *capture = session.capture();
    QTRY_VERIFY(capture->closeFrameFromServer());
    struct Expected { bool fromClient; quint8 opcode; QByteArray payload; };
    const QList<Expected> expected = {
        {true, 0x1, "hello"}, {true, 0x2, QByteArray(300, '\x7f')}, {true, 0x9, "p1"},
        {false, 0x1, "hello"}, {false, 0x2, QByteArray(300, '\x7f')}, {false, 0xA, "p1"},
        {true, 0x8, QByteArray("\x0f\xa0" "bye")}, {false, 0x8, QByteArray("\x0f\xa0" "bye")},
    };
    // Each direction's frames in order; the two directions interleave by time.
    for (bool fromClient : {true, false}) {
        QList<Expected> want;
        for (const Expected &e : expected) {
            if (e.fromClient == fromClient)
                want << e;
        }
        QList<WsFrame> frames;
        for (int i = 0; i < capture->frameCount(); ++i) {
            if (capture->frame(i).fromClient == fromClient)
                frames << capture->frame(i).frame;
        }
        QList<const WsFrame *> got;
        for (const WsFrame &frame : frames)
            got << &frame;
        QCOMPARE(got.size(), want.size());
        for (int i = 0; i < got.size(); ++i) {
            QCOMPARE(got.at(i)->opcode, want.at(i).opcode);
            QCOMPARE(got.at(i)->payload, want.at(i).payload);
            QCOMPARE(got.at(i)->masked, fromClient);
            QVERIFY(got.at(i)->fin);
            QVERIFY2(got.at(i)->findingBits == 0, qPrintable(got.at(i)->findings().join(u' ')));
        }
        QCOMPARE(got.at(1)->lengthEncoding, WsFrame::LengthEncoding::Bits16);
        QCOMPARE(got.last()->closeCode, 4000);
    }
}

void TestTap::nodePeerHeaderAndSubprotocol()
{
    NodePeer peer;
    QVERIFY(peer.waitUntilListening());
    Session session;
    session.setSubprotocols({QStringLiteral("chat.v1"), QStringLiteral("chat.v2")});
    QVERIFY(session.open(peer.url()));
    QTRY_COMPARE(session.state(), Session::State::Open);
    QTRY_VERIFY(!session.handshake().statusLine.isEmpty());
    const HandshakeInfo info = session.handshake();
    QVERIFY(info.responseHeaders.contains(HandshakeInfo::Header("X-Wsscope-Test", "yes")));
    QVERIFY(info.responseHeaders.contains(HandshakeInfo::Header("Sec-WebSocket-Protocol", "chat.v2")));
    QVERIFY(info.requestHeaders.contains(HandshakeInfo::Header("Sec-WebSocket-Protocol", "chat.v1, chat.v2")));
    QCOMPARE(info.subprotocol, QStringLiteral("chat.v2"));
    QVERIFY(info.accept.matches);
    QCOMPARE(info.accept.received, info.accept.expected);
}

void TestTap::frameFidelityWithNodePeer()
{
    NodePeer peer;
    QVERIFY(peer.waitUntilListening());
    Session session;
    QVERIFY(session.open(peer.url()));
    QTRY_COMPARE(session.state(), Session::State::Open);
    QVERIFY(session.sendText(QStringLiteral("script")));
    QTRY_COMPARE(peer.lines(QStringLiteral("received")).size(), 2);   // "script" and the pong Qt sent back
    QVERIFY(session.sendText(QStringLiteral("close 4001 done here")));
    QTRY_COMPARE(session.state(), Session::State::Closed);
    QTRY_VERIFY(session.capture()->closeFrameFromServer());

    const WireCapture *capture = session.capture();
    QTRY_COMPARE(peer.lines(QStringLiteral("received")).size(), 4);
    const auto framesFrom = [capture](bool fromClient) {
        QList<WsFrame> frames;
        for (int i = 0; i < capture->frameCount(); ++i) {
            if (capture->frame(i).fromClient == fromClient)
                frames << capture->frame(i).frame;
        }
        return frames;
    };
    const auto opcodeOf = [](const QJsonObject &line, bool continuation) -> quint8 {
        const QString type = line.value(QStringLiteral("type")).toString();
        if (continuation)
            return 0x0;
        if (type == u"text") return 0x1;
        if (type == u"binary") return 0x2;
        if (type == u"close") return 0x8;
        if (type == u"ping") return 0x9;
        return 0xA;
    };
    const auto payloadOf = [](const QJsonObject &line) -> QByteArray {
        if (line.contains(QStringLiteral("code"))) {
            const int code = line.value(QStringLiteral("code")).toInt();
            return QByteArray(1, char(code >> 8)) + char(code & 0xff) + line.value(QStringLiteral("reason")).toString().toUtf8();
        }
        return QByteArray::fromHex(line.value(QStringLiteral("data")).toString().toLatin1());
    };

    // What the peer says it sent is what the tap decoded coming from the server.
    const QList<QJsonObject> sent = peer.lines(QStringLiteral("sent"));
    const QList<WsFrame> fromServer = framesFrom(false);
    QCOMPARE(fromServer.size(), sent.size());
    bool continuing = false;
    for (int i = 0; i < sent.size(); ++i) {
        const QJsonObject &line = sent.at(i);
        QCOMPARE(fromServer.at(i).opcode, opcodeOf(line, continuing));
        QCOMPARE(fromServer.at(i).payload, payloadOf(line));
        const bool fin = line.value(QStringLiteral("fin")).toBool(true);
        QCOMPARE(fromServer.at(i).fin, fin);
        QVERIFY(!fromServer.at(i).masked);
        continuing = !fin;
    }
    // What the peer says it received is what the tap decoded coming from the client.
    const QList<QJsonObject> received = peer.lines(QStringLiteral("received"));
    const QList<WsFrame> fromClient = framesFrom(true);
    QCOMPARE(fromClient.size(), received.size());
    for (int i = 0; i < received.size(); ++i) {
        QCOMPARE(fromClient.at(i).opcode, opcodeOf(received.at(i), false));
        QCOMPARE(fromClient.at(i).payload, payloadOf(received.at(i)));
        QVERIFY(fromClient.at(i).masked);
    }
    QCOMPARE(fromServer.last().closeCode, 4001);
    QCOMPARE(fromServer.last().closeReason(), QByteArray("done here"));
}

void TestTap::tlsIsVerifiedByDefault()
{
    TlsFixture tls;
    QVERIFY2(tls.create(), qPrintable(tls.error()));
    NodePeer peer({QStringLiteral("--tls"), tls.certPath(), tls.keyPath()});
    QVERIFY(peer.waitUntilListening());
    Session session;
    QVERIFY(session.open(peer.url(QStringLiteral("wss"))));
    QTRY_COMPARE(session.state(), Session::State::Closed);
    QVERIFY(!session.wasOpened());
    const QString error = lastError(session);
    QVERIFY2(error.contains(QStringLiteral("not trusted")) && error.contains(QStringLiteral("self-signed"), Qt::CaseInsensitive),
             qPrintable(error));
    QTRY_VERIFY(session.handshake().hasTls);
    const HandshakeInfo info = session.handshake();
    QVERIFY(!info.tls.errors.isEmpty());
    QVERIFY(!info.tls.errorsIgnored);
    QCOMPARE(info.tls.chain.value(0), tls.certificate());
    QVERIFY(info.requestRaw.isEmpty());   // nothing was sent to an untrusted server
    QTest::qWait(300);                    // the peer reports what it got asynchronously
    QVERIFY(peer.all().isEmpty());
}

void TestTap::tlsInsecureConnectsAndCapturesPlaintext()
{
    TlsFixture tls;
    QVERIFY2(tls.create(), qPrintable(tls.error()));
    NodePeer peer({QStringLiteral("--tls"), tls.certPath(), tls.keyPath()});
    QVERIFY(peer.waitUntilListening());
    Session session;
    session.setIgnoreTlsErrors(true);
    QVERIFY(session.open(peer.url(QStringLiteral("wss"))));
    QTRY_COMPARE(session.state(), Session::State::Open);
    QVERIFY(session.sendText(QStringLiteral("over tls")));
    QTRY_COMPARE(peer.lines(QStringLiteral("received")).size(), 1);
    QTRY_VERIFY(!session.handshake().statusLine.isEmpty());
    const HandshakeInfo info = session.handshake();
    QVERIFY(info.requestRaw.startsWith("GET / HTTP/1.1\r\nHost: 127.0.0.1:"));
    QVERIFY(info.responseHeaders.contains(HandshakeInfo::Header("X-Wsscope-Test", "yes")));
    QVERIFY(info.hasTls);
    QVERIFY(info.tls.errorsIgnored);
    QVERIFY(info.tls.protocol.startsWith(QStringLiteral("TLS 1.")));
    QVERIFY(!info.tls.cipher.isEmpty());
    QCOMPARE(info.tls.chain.value(0), tls.certificate());
    QVERIFY(info.timing.tls >= 0);
    QTRY_VERIFY(session.capture()->frameCount() >= 2);
    QCOMPARE(session.capture()->frame(0).frame.payload, QByteArray("over tls"));
}

void TestTap::wssRequestBytesEqualDirectConnection()
{
    TlsFixture tls;
    QVERIFY2(tls.create(), qPrintable(tls.error()));
    const auto withoutKey = [](QByteArray request) {
        const qsizetype at = request.indexOf("Sec-WebSocket-Key: ");
        const qsizetype end = request.indexOf("\r\n", at);
        return request.replace(at, end - at, "Sec-WebSocket-Key: <random>");
    };
    const QString path = QStringLiteral("/room/7?user=a%20b");

    // What QWebSocket itself sends inside TLS for wss://
    TlsRecorder direct(tls.serverConfiguration());
    QWebSocket socket;
    socket.setProxy(QNetworkProxy::NoProxy);
    connect(&socket, &QWebSocket::sslErrors, &socket, [&socket] { socket.ignoreSslErrors(); });
    socket.open(QUrl(QStringLiteral("wss://localhost:%1%2").arg(direct.serverPort()).arg(path)));
    QTRY_VERIFY(direct.request().contains("\r\n\r\n"));

    // What goes inside TLS when wsscope's tap does the TLS
    TlsRecorder tapped(tls.serverConfiguration());
    Session session;
    session.setIgnoreTlsErrors(true);
    QString error;
    QVERIFY2(session.open(QUrl(QStringLiteral("wss://localhost:%1%2").arg(tapped.serverPort()).arg(path)), &error), qPrintable(error));
    QTRY_VERIFY(tapped.request().contains("\r\n\r\n"));

    QVERIFY(direct.request().startsWith("GET /room/7?user=a%20b HTTP/1.1\r\nHost: localhost:"));
    const QByteArray directPort = QByteArray::number(direct.serverPort());
    const QByteArray tappedPort = QByteArray::number(tapped.serverPort());
    QCOMPARE(withoutKey(tapped.request()).replace(tappedPort, "PORT"), withoutKey(direct.request()).replace(directPort, "PORT"));
    // And the inspector shows exactly those bytes.
    QTRY_COMPARE(session.handshake().requestRaw, tapped.request());
}

void TestTap::non101AnswerBodyIsShown()
{
    RawServer server("HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Bearer realm=\"feed\"\r\nContent-Type: text/html\r\n"
                     "Content-Length: 32\r\n\r\n<h1>Log in first, please.</h1>\n");
    Session session;
    QVERIFY(session.open(server.url()));
    QTRY_COMPARE(session.state(), Session::State::Closed);
    QTRY_COMPARE(session.handshake().responseBody, QByteArray("<h1>Log in first, please.</h1>\n"));
    const HandshakeInfo info = session.handshake();
    QCOMPARE(info.statusLine, QByteArray("HTTP/1.1 401 Unauthorized"));
    QVERIFY(info.responseHeaders.contains(HandshakeInfo::Header("WWW-Authenticate", "Bearer realm=\"feed\"")));
    QVERIFY(!info.accept.available);
    QVERIFY2(lastError(session).contains(QStringLiteral("401")), qPrintable(lastError(session)));
}

void TestTap::garbageAnswerIsShown()
{
    RawServer server("SSH-2.0-OpenSSH_9.2p1 Debian\r\n\r\n");
    Session session;
    QVERIFY(session.open(server.url()));
    QTRY_COMPARE(session.state(), Session::State::Closed);
    QTRY_VERIFY(!session.handshake().findings.isEmpty());
    const HandshakeInfo info = session.handshake();
    QVERIFY2(info.findings.join(u' ').contains(QStringLiteral("status line")), qPrintable(info.findings.join(u' ')));
    QVERIFY(info.responseBody.startsWith("SSH-2.0-OpenSSH_9.2p1"));
    QVERIFY(!lastError(session).isEmpty());
}

void TestTap::answerReadUntilCloseEndsAfterTheGrace()
{
    // No length and the connection kept open: the body runs until the close,
    // which never comes. The tap hangs up a moment after Qt has.
    RawServer server("HTTP/1.1 503 Service Unavailable\r\nRetry-After: 5\r\n\r\ncome back later");
    Session session;
    QSignalSpy finished(&session, &Session::finished);
    QElapsedTimer clock;
    clock.start();
    QVERIFY(session.open(server.url()));
    QTRY_VERIFY(lastError(session).contains(QStringLiteral("503")));
    // The answer is not complete yet, so the attempt goes on.
    QCOMPARE(session.state(), Session::State::Connecting);
    QVERIFY(finished.wait(Tap::CloseGraceMs + 3000));
    QVERIFY2(clock.elapsed() >= Tap::CloseGraceMs, qPrintable(QString::number(clock.elapsed())));
    QCOMPARE(session.state(), Session::State::Closed);
    const HandshakeInfo info = session.handshake();
    QCOMPARE(info.statusLine, QByteArray("HTTP/1.1 503 Service Unavailable"));
    QCOMPARE(info.responseBody, QByteArray("come back later"));
    QCOMPARE(session.connections().last().handshake.responseBody, QByteArray("come back later"));
    QTRY_COMPARE(server.disconnects(), 1);
}

void TestTap::abortWhileTheAnswerIsAwaited()
{
    RawServer server("HTTP/1.1 503 Service Unavailable\r\n\r\nstill sending");
    Session session;
    QVERIFY(session.open(server.url()));
    QTRY_VERIFY(lastError(session).contains(QStringLiteral("503")));
    QCOMPARE(session.state(), Session::State::Connecting);
    session.abort();
    QCOMPARE(session.state(), Session::State::Closed);
    QCOMPARE(session.handshake().statusLine, QByteArray("HTTP/1.1 503 Service Unavailable"));
    // A refused attempt, not a cancelled one.
    QVERIFY(!lastEventOfKind(session, Kind::Close).contains(QStringLiteral("cancelled")));
}

void TestTap::serverClosingMidHandshake()
{
    QTcpServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost));
    connect(&server, &QTcpServer::newConnection, this, [&server] {
        QTcpSocket *socket = server.nextPendingConnection();
        socket->setParent(&server);
        connect(socket, &QTcpSocket::readyRead, socket, [socket] {
            socket->readAll();
            socket->write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: webs");
            socket->disconnectFromHost();
        });
    });
    Session session;
    session.setHandshakeTimeout(20000);
    QVERIFY(session.open(QUrl(QStringLiteral("ws://127.0.0.1:%1/").arg(server.serverPort()))));
    QTRY_COMPARE(session.state(), Session::State::Closed);
    QVERIFY(!session.wasOpened());
    QVERIFY(!lastError(session).isEmpty());
    // The half answer is kept, and the inspector has the request that was sent.
    QTRY_VERIFY(session.handshake().requestRaw.startsWith("GET / HTTP/1.1"));
    bool sawHalfAnswer = false;
    for (const WireCapture::Chunk &chunk : session.capture()->chunks())
        sawHalfAnswer |= !chunk.fromClient && chunk.bytes.contains("Upgrade: webs");
    QVERIFY(sawHalfAnswer);
}

static Tap::Target loopbackTarget(quint16 port)
{
    Tap::Target target;
    target.host = QStringLiteral("127.0.0.1");
    target.connectPort = port;
    target.upstreamPort = port;
    return target;
}

static QByteArray basic(const QString &user, const QString &secret)
{
    return "Basic " + (user + u':' + secret).toUtf8().toBase64();
}

// Starts the tap and returns the port it listens on, 0 if it did not. The
// tap emits in its own thread: a context object here makes the call queued.
static quint16 startTap(TapLink &tap)
{
    QObject here;
    quint16 port = 0;
    QObject::connect(tap.tap(), &Tap::listening, &here, [&port](quint16 listening) { port = listening; });
    tap.start();
    (void)QTest::qWaitFor([&port] { return port > 0; }, 5000);
    return port;
}

// Sends one request to the tap on a new connection and returns its answer.
static QByteArray askTap(quint16 port, const QByteArray &request, QTcpSocket &client)
{
    client.connectToHost(QHostAddress::LocalHost, port);
    if (!client.waitForConnected())
        return {};
    client.write(request);
    QByteArray answer;
    (void)QTest::qWaitFor([&] {
        answer += client.readAll();
        return answer.contains("\r\n\r\n") || client.state() == QAbstractSocket::UnconnectedState;
    }, 5000);
    return answer;
}

void TestTap::refusesWithoutSecret()
{
    TapLink tap(loopbackTarget(9));
    QTcpSocket client;
    const QByteArray answer = askTap(startTap(tap), "CONNECT 127.0.0.1:9 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", client);
    QVERIFY2(answer.startsWith("HTTP/1.1 407 "), answer.constData());
    QVERIFY(answer.contains("Proxy-Authenticate: Basic"));
}

void TestTap::refusesWrongSecret()
{
    TapLink tap(loopbackTarget(9));
    QList<TapRecord> records;
    connect(&tap, &TapLink::records, this, [&records](const QList<TapRecord> &batch) { records += batch; });
    QTcpSocket client;
    const QByteArray answer = askTap(startTap(tap),
                                     "CONNECT 127.0.0.1:9 HTTP/1.1\r\nProxy-Authorization: "
                                         + basic(tap.user(), QStringLiteral("guess")) + "\r\n\r\n",
                                     client);
    QVERIFY2(answer.startsWith("HTTP/1.1 407 "), answer.constData());
    QTRY_COMPARE(client.state(), QAbstractSocket::UnconnectedState);
    QTRY_VERIFY(!records.isEmpty());
    QCOMPARE(records.at(0).type, TapRecord::Type::Refused);
}

void TestTap::refusesOtherTargets()
{
    TapLink tap(loopbackTarget(9));
    const quint16 port = startTap(tap);
    for (const QByteArray &target : {QByteArray("127.0.0.1:22"), QByteArray("example.com:9"), QByteArray("127.0.0.1")}) {
        QTcpSocket client;
        const QByteArray answer = askTap(port, "CONNECT " + target + " HTTP/1.1\r\nProxy-Authorization: "
                                                   + basic(tap.user(), tap.secret()) + "\r\n\r\n",
                                         client);
        QVERIFY2(answer.startsWith("HTTP/1.1 403 "), QByteArray(target + ": " + answer).constData());
    }
}

void TestTap::refusesOtherMethods()
{
    TapLink tap(loopbackTarget(9));
    QTcpSocket client;
    const QByteArray answer = askTap(startTap(tap), "GET http://127.0.0.1:9/ HTTP/1.1\r\nProxy-Authorization: "
                                                        + basic(tap.user(), tap.secret()) + "\r\n\r\n",
                                     client);
    QVERIFY2(answer.startsWith("HTTP/1.1 405 "), answer.constData());
}

void TestTap::acceptsOnlyOneClientOnLoopback()
{
    QTcpServer upstream;
    QVERIFY(upstream.listen(QHostAddress::LocalHost));
    TapLink tap(loopbackTarget(upstream.serverPort()));
    const quint16 port = startTap(tap);
    QVERIFY(port > 0);

    // Bound to 127.0.0.1 only: another loopback address finds nothing there.
    QTcpSocket elsewhere;
    elsewhere.connectToHost(QHostAddress(QStringLiteral("127.0.0.2")), port);
    QVERIFY(!elsewhere.waitForConnected(3000));

    QTcpSocket waiting;
    waiting.connectToHost(QHostAddress::LocalHost, port);
    QVERIFY(waiting.waitForConnected());
    const QByteArray connectRequest = "CONNECT 127.0.0.1:" + QByteArray::number(upstream.serverPort())
        + " HTTP/1.1\r\nProxy-Authorization: " + basic(tap.user(), tap.secret()) + "\r\n\r\n";
    QTcpSocket client;
    QVERIFY(askTap(port, connectRequest, client).startsWith("HTTP/1.1 200 "));

    // A second local client that was already waiting, with the right secret
    // and target, is turned away once the first is through.
    QVERIFY(waiting.state() == QAbstractSocket::ConnectedState || waiting.state() == QAbstractSocket::UnconnectedState);
    waiting.write(connectRequest);
    QByteArray answer;
    QTRY_VERIFY_WITH_TIMEOUT((answer += waiting.readAll(), waiting.state() == QAbstractSocket::UnconnectedState), 5000);
    QVERIFY2(!answer.contains("200"), answer.constData());

    // And nobody new gets in.
    QTcpSocket late;
    late.connectToHost(QHostAddress::LocalHost, port);
    QVERIFY(!late.waitForConnected(2000));
}

void TestTap::idleLocalConnectionsCannotBlockTheTap()
{
    QTcpServer upstream;
    QVERIFY(upstream.listen(QHostAddress::LocalHost));
    TapLink tap(loopbackTarget(upstream.serverPort()));
    const quint16 port = startTap(tap);
    QVERIFY(port > 0);
    QList<QTcpSocket *> idle;
    for (int i = 0; i < 6; ++i) {
        auto *socket = new QTcpSocket(this);
        socket->connectToHost(QHostAddress::LocalHost, port);
        QVERIFY(socket->waitForConnected());
        idle << socket;
    }
    QTcpSocket client;
    const QByteArray answer = askTap(port, "CONNECT 127.0.0.1:" + QByteArray::number(upstream.serverPort())
                                                + " HTTP/1.1\r\nProxy-Authorization: " + basic(tap.user(), tap.secret())
                                                + "\r\n\r\n",
                                     client);
    QVERIFY2(answer.startsWith("HTTP/1.1 200 "), answer.constData());
    qDeleteAll(idle);
}

void TestTap::floodOfIdleConnectionsCannotCrowdOutQWebSocket()
{
    // A local program opens connections to the tap's port as soon as it
    // listens and goes on opening more while QWebSocket connects, sending
    // nothing on any of them: QWebSocket still gets through, every time.
    QtPeer server;
    QVERIFY(server.isListening());
    constexpr int Attempts = 20;
    constexpr int AtOnce = 50;
    constexpr int MaxStrangers = 400;
    int connected = 0;
    QStringList failures;
    for (int attempt = 0; attempt < Attempts; ++attempt) {
        QObject strangers;   // owns the idle sockets and the lambdas' connections
        TapLink tap(loopbackTarget(quint16(server.url().port())));
        QWebSocket socket;
        QTimer more;
        more.setInterval(2);
        quint16 port = 0;
        int opened = 0;
        const auto openIdle = [&](int count) {
            for (int i = 0; i < count && opened < MaxStrangers; ++i, ++opened)
                (new QTcpSocket(&strangers))->connectToHost(QHostAddress::LocalHost, port);
        };
        connect(&more, &QTimer::timeout, &strangers, [&] { openIdle(10); });
        connect(tap.tap(), &Tap::listening, &strangers, [&](quint16 listening) {
            port = listening;
            openIdle(AtOnce);
            socket.setProxy(QNetworkProxy(QNetworkProxy::HttpProxy, QStringLiteral("127.0.0.1"), port, tap.user(),
                                          tap.secret()));
            socket.open(server.url());
            more.start();
        });
        QString error;
        connect(&socket, QOverload<QAbstractSocket::SocketError>::of(&QWebSocket::error), &strangers,
                [&] { error = socket.errorString(); });
        tap.start();
        QTRY_VERIFY_WITH_TIMEOUT(socket.state() == QAbstractSocket::ConnectedState || !error.isEmpty(), 30000);
        more.stop();
        if (socket.state() == QAbstractSocket::ConnectedState)
            ++connected;
        else
            failures << error;
        socket.abort();
    }
    QVERIFY2(connected == Attempts, qPrintable(QStringLiteral("%1 of %2 connected; %3")
                                                   .arg(connected)
                                                   .arg(Attempts)
                                                   .arg(failures.join(QStringLiteral("; ")))));
}

// The process's resident memory, from /proc/self/statm.
static qint64 residentBytes()
{
    QFile statm(QStringLiteral("/proc/self/statm"));
    if (!statm.open(QIODevice::ReadOnly))
        return -1;
    const QList<QByteArray> fields = statm.readAll().split(' ');
    return fields.size() > 1 ? fields.at(1).toLongLong() * sysconf(_SC_PAGESIZE) : -1;
}

void TestTap::hostileServerCannotBalloonMemory_data()
{
    QTest::addColumn<QString>("mode");
    QTest::addColumn<bool>("weClose");
    QTest::newRow("a flood after our Close") << "after-close" << true;
    QTest::newRow("200 with an endless body") << "endless-200" << false;
    QTest::newRow("a flood after the server's Close") << "close-then-flood" << false;
}

void TestTap::hostileServerCannotBalloonMemory()
{
    // What one connection to a server that sends without end may add to the
    // process: what the tap records after QWebSocket has gone
    // (Tap::MaxBytesAfterClient) and what the capture keeps of bytes no
    // message owns (WireCapture::MaxUnownedBytes), with room for buffers.
#if defined(__SANITIZE_ADDRESS__)
    // AddressSanitizer keeps freed memory in quarantine (256 MiB by default)
    // and adds redzones, so every allocation Qt frees while relaying still
    // counts: the bound is wider there, still far below what a flood after
    // our Close or an endless body cost before the caps (634 MiB and more).
    constexpr qint64 Bound = 256 * 1024 * 1024;
#else
    constexpr qint64 Bound = 64 * 1024 * 1024;
#endif
    QFETCH(QString, mode);
    QFETCH(bool, weClose);
    PythonPeer server(QStringLiteral("flood_server.py"), {mode});
    QVERIFY(server.waitUntilListening());
    Session session;
    const qint64 before = residentBytes();
    QVERIFY(before > 0);
    qint64 peak = before;
    QTimer sampler;
    sampler.setInterval(5);
    connect(&sampler, &QTimer::timeout, this, [&peak] { peak = qMax(peak, residentBytes()); });
    sampler.start();
    QVERIFY(session.open(server.url()));
    if (weClose) {
        QTRY_COMPARE(session.state(), Session::State::Open);
        QVERIFY(session.close());
    }
    QTRY_COMPARE_WITH_TIMEOUT(session.state(), Session::State::Closed, 30000);
    // The server stops once the tap has hung up on it.
    QTRY_VERIFY_WITH_TIMEOUT(!server.lines().isEmpty(), 30000);
    peak = qMax(peak, residentBytes());
    sampler.stop();
    const qint64 sent = server.lines().last().value(QStringLiteral("sent")).toInteger();
    qInfo("RSS grew by %.1f MiB; the server sent %.1f MiB", double(peak - before) / (1024 * 1024),
          double(sent) / (1024 * 1024));
    QVERIFY2(peak - before <= Bound, qPrintable(QStringLiteral("RSS grew by %1 MiB (the server sent %2 MiB)")
                                                    .arg((peak - before) / (1024 * 1024))
                                                    .arg(sent / (1024 * 1024))));
    // Whatever the capture did not keep, it says so. (On a slow machine the
    // server may not get past the caps before the tap hangs up: then all of
    // it is kept, and there is nothing to say.)
    qint64 kept = 0;
    qint64 keptFromServer = 0;
    for (const WireCapture::Chunk &chunk : session.capture()->chunks()) {
        kept += chunk.bytes.size();
        if (!chunk.fromClient)
            keptFromServer += chunk.bytes.size();
    }
    const QString findings = session.handshake().findings.join(u'\n');
    if (keptFromServer < sent)
        QVERIFY2(findings.contains(QStringLiteral("Not recorded")), qPrintable(findings));
    else
        qInfo("the server sent %lld bytes, all of them kept", sent);
    QVERIFY2(kept <= Tap::MaxBytesAfterClient + WireCapture::MaxUnownedBytes + 1024 * 1024, qPrintable(QString::number(kept)));
}

static const QByteArray UpgradeRequest = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                         "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
static const QByteArray UpgradeAnswer = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                        "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n";

// A request, then the server's bytes: `answer` and `blocks` copies of `block`, one record each.
static QList<TapRecord> serverSends(const QByteArray &answer, const QByteArray &block, int blocks)
{
    QList<TapRecord> records;
    qint64 time = 1700000000000000;
    records.append({TapRecord::Type::ClientBytes, time, UpgradeRequest, {}});
    records.append({TapRecord::Type::ServerBytes, ++time, answer, {}});
    for (int i = 0; i < blocks; ++i)
        records.append({TapRecord::Type::ServerBytes, ++time, block, {}});
    return records;
}

static qint64 keptFromServer(const WireCapture &capture)
{
    qint64 kept = 0;
    for (const WireCapture::Chunk &chunk : capture.chunks())
        kept += chunk.fromClient ? 0 : chunk.bytes.size();
    return kept;
}

void TestTap::captureCapsBytesNoMessageOwns_data()
{
    QTest::addColumn<QByteArray>("answer");
    QTest::addColumn<QByteArray>("block");
    QTest::addColumn<QString>("why");
    const QByteArray x(256 * 1024, 'x');
    QTest::newRow("an endless body after a 200") << QByteArray("HTTP/1.1 200 OK\r\n\r\n") << x
                                                 << QStringLiteral("the body of an answer that is not 101");
    QTest::newRow("garbage instead of an answer") << QByteArray("\x16\x03\x01garbage") << x
                                                  << QStringLiteral("not HTTP");
    QTest::newRow("garbage after a 101") << QByteArray(UpgradeAnswer + "\x82\x7f\xff\xff\xff\xff\xff\xff\xff\xff") << x
                                         << QStringLiteral("cannot be decoded");
    QTest::newRow("bytes after the server's Close") << QByteArray(UpgradeAnswer + "\x88\x02\x03\xe8") << x
                                                    << QStringLiteral("after its Close frame");
}

void TestTap::captureCapsBytesNoMessageOwns()
{
    QFETCH(QByteArray, answer);
    QFETCH(QByteArray, block);
    QFETCH(QString, why);
    constexpr int Blocks = 64;   // 16 MiB
    WireCapture capture;
    capture.addRecords(serverSends(answer, block, Blocks));
    const qint64 sent = answer.size() + qint64(block.size()) * Blocks;
    const qint64 kept = keptFromServer(capture);
    // The head, up to the parser's limit, and the bytes no message owns, up to the capture's.
    QVERIFY2(kept <= HttpHeadParser::MaxHeadBytes + WireCapture::MaxUnownedBytes, qPrintable(QString::number(kept)));
    QVERIFY(kept >= WireCapture::MaxUnownedBytes);   // up to the cap, it is all kept
    const QStringList findings = capture.handshake().findings;
    const QString finding = findings.filter(QStringLiteral("Not recorded")).value(0);
    QVERIFY2(finding.contains(QLocale().toString(sent - kept)), qPrintable(findings.join(u'\n')));
    QVERIFY2(finding.contains(why), qPrintable(finding));

    // What it hands on (to a session file, say) makes the same capture again.
    WireCapture again;
    again.addRecords(capture.records());
    QCOMPARE(keptFromServer(again), kept);
    QCOMPARE(again.handshake().findings, findings);
}

void TestTap::captureKeepsALargeMessageWhole()
{
    // A 64 MiB message is owned by its frame: nothing of it is dropped.
    constexpr qint64 Size = 64 * 1024 * 1024;
    const QByteArray header("\x82\x7f\x00\x00\x00\x00\x04\x00\x00\x00", 10);
    const QByteArray block(256 * 1024, '\x5a');
    WireCapture capture;
    QList<TapRecord> records = serverSends(UpgradeAnswer + header, block, int(Size / block.size()));
    records.append({TapRecord::Type::ServerBytes, records.last().timeUsec + 1, QByteArray("\x88\x02\x03\xe8"), {}});
    capture.addRecords(records);
    QCOMPARE(capture.messageSize(false, 0), Size);
    QVERIFY(capture.closeFrameFromServer());
    QVERIFY2(capture.handshake().findings.filter(QStringLiteral("Not recorded")).isEmpty(),
             qPrintable(capture.handshake().findings.join(u'\n')));
    QByteArray payload;
    QVERIFY(capture.messageBytes(false, 0, &payload));
    QCOMPARE(payload.size(), Size);
    QCOMPARE(payload.count('\x5a'), Size);
}

void TestTap::cancelBeforeTheTapListens()
{
    RawServer server;
    Session session;
    QVERIFY(session.open(server.url()));
    QVERIFY(session.close());   // at once: the tap is not listening yet
    QTRY_COMPARE(session.state(), Session::State::Closed);
    QVERIFY(lastEventOfKind(session, Kind::Close).contains(QStringLiteral("cancelled")));
    QTest::qWait(300);
    QCOMPARE(server.connections(), 0);
    // The session is ready for the next attempt.
    QVERIFY(session.open(server.url()));
    QTRY_COMPARE(server.connections(), 1);
}

void TestTap::modeChangeDuringAConnectionDoesNotChangeItsReport()
{
    QtPeer server;
    QVERIFY(server.isListening());
    Session session;
    session.setMode(Session::Mode::Direct);
    QVERIFY(session.open(server.url()));
    QTRY_COMPARE(session.state(), Session::State::Open);
    session.setMode(Session::Mode::Tap);
    QTRY_VERIFY(server.peer());
    server.peer()->close(QWebSocketProtocol::CloseCode(4001), QStringLiteral("bye"));
    QTRY_COMPARE(session.state(), Session::State::Closed);
    QCOMPARE(session.lastClose().code, 4001);
    QCOMPARE(session.lastClose().closer, Session::Closer::Unknown);
}

void TestTap::teardownInEveryOrder_data()
{
    QTest::addColumn<int>("order");
    QTest::newRow("server closes first") << 0;
    QTest::newRow("client closes first") << 1;
    QTest::newRow("server drops without a close frame") << 2;
    QTest::newRow("upstream refuses, tap reports the error") << 3;
    QTest::newRow("session destroyed while open") << 4;
    QTest::newRow("session destroyed during the connect") << 5;
}

void TestTap::teardownInEveryOrder()
{
    QFETCH(int, order);
    QtPeer server;
    QVERIFY(server.isListening());
    RawServer silent;

    auto session = std::make_unique<Session>();
    QUrl url = server.url();
    if (order == 3) {
        server.close();   // nothing listens there any more
    } else if (order == 5) {
        url = silent.url();
    }
    QVERIFY(session->open(url));
    if (order == 5) {
        QTRY_COMPARE(silent.connections(), 1);
        session.reset();   // the app quits during the connect
        QTRY_COMPARE(silent.disconnects(), 1);
        return;
    }
    if (order == 3) {
        QTRY_COMPARE(session->state(), Session::State::Closed);
        QVERIFY2(lastError(*session).contains(QStringLiteral("refused"), Qt::CaseInsensitive), qPrintable(lastError(*session)));
        return;
    }
    QTRY_COMPARE(session->state(), Session::State::Open);
    QTRY_VERIFY(server.peer());
    switch (order) {
    case 0:
        server.peer()->close(QWebSocketProtocol::CloseCodeGoingAway, QStringLiteral("restart"));
        break;
    case 1:
        QVERIFY(session->close());
        break;
    case 2:
        server.peer()->abort();
        break;
    case 4: {
        QSignalSpy peerGone(server.peer(), &QWebSocket::disconnected);
        session.reset();
        QVERIFY(peerGone.wait());
        return;
    }
    }
    QTRY_COMPARE(session->state(), Session::State::Closed);
    QTRY_VERIFY(!server.peer() || server.peer()->state() == QAbstractSocket::UnconnectedState);
    const Session::CloseInfo info = session->lastClose();
    QCOMPARE(info.closer, order == 0 ? Session::Closer::Peer : order == 1 ? Session::Closer::Us : Session::Closer::Nobody);
    QCOMPARE(info.code, order == 0 ? 1001 : order == 1 ? 1000 : 1006);
}

void TestTap::directModeSaysWhatItCannotKnow()
{
    QWebSocketServer server(QStringLiteral("direct"), QWebSocketServer::NonSecureMode);
    QVERIFY(server.listen(QHostAddress::LocalHost));
    Session session;
    session.setMode(Session::Mode::Direct);
    QVERIFY(session.open(server.serverUrl()));
    QTRY_COMPARE(session.state(), Session::State::Open);
    const HandshakeInfo info = session.handshake();
    QVERIFY(!info.captured);
    QVERIFY(!info.unknown.isEmpty());
    QVERIFY(info.unknown.join(u' ').contains(QStringLiteral("Sec-WebSocket-Key")));
    QCOMPARE(session.capture()->frameCount(), 0);
    QVERIFY(info.responseHeaders.isEmpty());
}

QTEST_GUILESS_MAIN(TestTap)
#include "tst_tap.moc"
