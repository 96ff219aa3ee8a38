#include "freeport.h"
#include "qtpeer.h"
#include "rawserver.h"
#include "server/echoserver.h"
#include "session/session.h"

#include <QNetworkRequest>
#include <QSignalSpy>
#include <QTest>
#include <QWebSocket>
#include <QWebSocketServer>

using Direction = MessageLog::Direction;
using Kind = MessageLog::Kind;

class TestSession : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void subprotocolNotOfferedIsFlagged();
    void ringLogTrimsTheCaptureToo();
    void largeMessagesAreKeptOnce();
    void echoRoundTripAndCloseWithCodeAndReason();
    void peerSeesOurCloseCodeAndReason();
    void serverClosesWithCode();
    void serverDropsWithoutCloseFrame();
    void protocolErrorIsClosedByQtNotTheServer();
    void abortWhileOpenIsOurs();
    void closeWithoutAnswerIsReported();
    void pingGetsPong();
    void sendingWhileNotOpenIsRefused();
    void openWhileConnectingIsRefused();
    void badCloseArgumentsAreRefused_data();
    void badCloseArgumentsAreRefused();
    void connectionRefused();
    void unknownHost();
    void tlsToPlainServerFails();
    void silentServerHitsHandshakeTimeout();
    void forbiddenAnswerEndsClosed();
    void cancelWhileConnecting();
    void qtSendsOneLinePerHeaderName();
    void repeatedHeaderIsRefusedBeforeConnecting_data();
    void repeatedHeaderIsRefusedBeforeConnecting();
    void distinctHeadersAllReachTheWire();

private:
    static QList<Session::State> states(const QSignalSpy &spy);
    static int countRows(MessageLog *log, Direction direction, Kind kind);
    static QString lastEventText(MessageLog *log, Kind kind);
};

QList<Session::State> TestSession::states(const QSignalSpy &spy)
{
    QList<Session::State> result;
    for (const QList<QVariant> &args : spy)
        result << args.at(0).value<Session::State>();
    return result;
}

int TestSession::countRows(MessageLog *log, Direction direction, Kind kind)
{
    int n = 0;
    for (int i = 0; i < log->count(); ++i)
        n += log->at(i).direction == direction && log->at(i).kind == kind;
    return n;
}

QString TestSession::lastEventText(MessageLog *log, Kind kind)
{
    for (int i = log->count() - 1; i >= 0; --i) {
        if (log->at(i).kind == kind)
            return QString::fromUtf8(log->data(i));
    }
    return {};
}

void TestSession::echoRoundTripAndCloseWithCodeAndReason()
{
    EchoServer server;
    QVERIFY(server.listen());
    Session session;
    QSignalSpy stateSpy(&session, &Session::stateChanged);
    QSignalSpy finishedSpy(&session, &Session::finished);

    QVERIFY(session.open(server.url()));
    QTRY_COMPARE(session.state(), Session::State::Open);

    const QString text = QStringLiteral("h\u00e9llo \u2603");
    const QByteArray binary("\x00\x01\xfe\xff", 4);
    QVERIFY(session.sendText(text));
    QVERIFY(session.sendBinary(binary));
    MessageLog *log = session.log();
    QTRY_COMPARE(countRows(log, Direction::Received, Kind::Text), 1);
    QTRY_COMPARE(countRows(log, Direction::Received, Kind::Binary), 1);

    // Rows in the order things happened, with the exact payloads and sizes.
    QCOMPARE(log->at(0).kind, Kind::Open);
    QCOMPARE(log->at(1).direction, Direction::Sent);
    QCOMPARE(QString::fromUtf8(log->data(1)), text);
    QCOMPARE(log->at(1).size(), text.toUtf8().size());
    QCOMPARE(log->data(2).toByteArray(), binary);
    for (int i = 3; i < 5; ++i) {
        const MessageLog::Entry &entry = log->at(i);
        QCOMPARE(entry.direction, Direction::Received);
        QCOMPARE(log->data(i).toByteArray(), entry.kind == Kind::Text ? text.toUtf8() : binary);
    }

    QVERIFY(session.close(4000, QStringLiteral("bye")));
    QTRY_COMPARE(session.state(), Session::State::Closed);
    QCOMPARE(states(stateSpy), (QList<Session::State>{Session::State::Connecting, Session::State::Open,
                                                       Session::State::Closing, Session::State::Closed}));
    QCOMPARE(finishedSpy.count(), 1);
    const Session::CloseInfo info = session.lastClose();
    QCOMPARE(info.closer, Session::Closer::Us);
    QCOMPARE(info.code, 4000);
    QCOMPARE(info.reason, QStringLiteral("bye"));
    const QString closeRow = lastEventText(log, Kind::Close);
    QVERIFY2(closeRow.contains(QStringLiteral("4000")) && closeRow.contains(QStringLiteral("bye")), qPrintable(closeRow));
}

void TestSession::peerSeesOurCloseCodeAndReason()
{
    QWebSocketServer server(QStringLiteral("test"), QWebSocketServer::NonSecureMode);
    QVERIFY(server.listen(QHostAddress::LocalHost));
    QPointer<QWebSocket> peer;
    connect(&server, &QWebSocketServer::newConnection, this, [&] { peer = server.nextPendingConnection(); });

    Session session;
    QVERIFY(session.open(server.serverUrl()));
    QTRY_COMPARE(session.state(), Session::State::Open);
    QTRY_VERIFY(peer);
    QSignalSpy peerGone(peer.data(), &QWebSocket::disconnected);
    // 123 bytes of UTF-8: the most a Close frame holds, in two-byte characters but one.
    const QString reason = QString(61, QChar(0xe9)) + u'x';
    QCOMPARE(reason.toUtf8().size(), 123);
    QVERIFY(session.close(3001, reason));
    QVERIFY(peerGone.wait());
    QCOMPARE(int(peer->closeCode()), 3001);
    QCOMPARE(peer->closeReason(), reason);
    delete peer;
}

void TestSession::serverClosesWithCode()
{
    QWebSocketServer server(QStringLiteral("test"), QWebSocketServer::NonSecureMode);
    QVERIFY(server.listen(QHostAddress::LocalHost));
    connect(&server, &QWebSocketServer::newConnection, this, [&] {
        QWebSocket *peer = server.nextPendingConnection();
        peer->setParent(&server);
        peer->close(QWebSocketProtocol::CloseCode(4001), QStringLiteral("server says bye"));
    });

    Session session;
    QVERIFY(session.open(server.serverUrl()));
    QTRY_COMPARE(session.state(), Session::State::Closed);
    QVERIFY(session.wasOpened());
    const Session::CloseInfo info = session.lastClose();
    QCOMPARE(info.closer, Session::Closer::Peer);
    QCOMPARE(info.code, 4001);
    QCOMPARE(info.reason, QStringLiteral("server says bye"));
    QCOMPARE(countRows(session.log(), Direction::Local, Kind::Error), 0);
    QVERIFY(lastEventText(session.log(), Kind::Close).contains(QStringLiteral("Closed by the server: 4001")));
}

void TestSession::serverDropsWithoutCloseFrame()
{
    QtPeer server;
    QVERIFY(server.isListening());

    Session session;
    QVERIFY(session.open(server.url()));
    QTRY_COMPARE(session.state(), Session::State::Open);
    QTRY_VERIFY(server.peer());
    server.peer()->abort();
    QTRY_COMPARE(session.state(), Session::State::Closed);
    const Session::CloseInfo info = session.lastClose();
    QCOMPARE(info.closer, Session::Closer::Nobody);
    QCOMPARE(info.code, 1006);
    QVERIFY(lastEventText(session.log(), Kind::Close).contains(QStringLiteral("without a close handshake")));
}

void TestSession::protocolErrorIsClosedByQtNotTheServer()
{
    // RSV1 set with no extension: Qt closes with 1002 by itself.
    RawServer server(QByteArray("\xc1\x02hi", 4));
    server.upgrade();
    Session session;
    QVERIFY(session.open(server.url()));
    QTRY_COMPARE(session.state(), Session::State::Closed);
    QVERIFY(session.wasOpened());
    const Session::CloseInfo info = session.lastClose();
    QCOMPARE(info.closer, Session::Closer::Client);
    QCOMPARE(info.code, 1002);
    const QString row = lastEventText(session.log(), Kind::Close);
    QVERIFY2(row.contains(QStringLiteral("Closed by Qt")) && !row.contains(QStringLiteral("server:")), qPrintable(row));
    // The frame that caused it is in the capture with its finding.
    const WireCapture *capture = session.capture();
    QVERIFY(capture->frameCount() >= 1);
    QCOMPARE(capture->frame(0).frame.rsv, quint8(4));
    QVERIFY(!capture->frame(0).frame.findings().isEmpty());
}

void TestSession::abortWhileOpenIsOurs()
{
    EchoServer server;
    QVERIFY(server.listen());
    Session session;
    QVERIFY(session.open(server.url()));
    QTRY_COMPARE(session.state(), Session::State::Open);
    session.abort();
    QTRY_COMPARE(session.state(), Session::State::Closed);
    const Session::CloseInfo info = session.lastClose();
    QCOMPARE(info.closer, Session::Closer::Us);
    QCOMPARE(info.code, 1006);
    QVERIFY(lastEventText(session.log(), Kind::Close).contains(QStringLiteral("Aborted by you")));
    QCOMPARE(session.capture()->firstCloseFrame(true), -1);
}

void TestSession::closeWithoutAnswerIsReported()
{
    RawServer server(QByteArray("\x81\x05ready", 7));   // then ignores everything
    server.upgrade();
    Session session;
    QVERIFY(session.open(server.url()));
    QTRY_COMPARE(session.state(), Session::State::Open);
    QVERIFY(session.close(1000, QStringLiteral("done")));
    QTRY_COMPARE_WITH_TIMEOUT(session.state(), Session::State::Closed, 10000);
    const Session::CloseInfo info = session.lastClose();
    QCOMPARE(info.closer, Session::Closer::Us);
    QVERIFY(!info.handshakeCompleted);
    QVERIFY(lastEventText(session.log(), Kind::Close).contains(QStringLiteral("no Close frame back")));
}

void TestSession::pingGetsPong()
{
    EchoServer server;
    QVERIFY(server.listen());
    Session session;
    QVERIFY(session.open(server.url()));
    QTRY_COMPARE(session.state(), Session::State::Open);
    QVERIFY(session.ping("are you there"));
    QTRY_COMPARE(countRows(session.log(), Direction::Received, Kind::Pong), 1);
    QCOMPARE(lastEventText(session.log(), Kind::Pong), QStringLiteral("are you there"));

    QString error;
    QVERIFY(!session.ping(QByteArray(126, 'x'), &error));
    QVERIFY2(error.contains(QStringLiteral("125")), qPrintable(error));
}

void TestSession::sendingWhileNotOpenIsRefused()
{
    Session session;
    QString error;
    QVERIFY(!session.sendText(QStringLiteral("nobody listens"), &error));
    QVERIFY2(error.contains(QStringLiteral("closed")), qPrintable(error));
    QVERIFY(!session.sendBinary("x", &error));
    QVERIFY(!session.ping({}, &error));
    QVERIFY(!session.close(1000, {}, &error));
    QCOMPARE(session.log()->count(), 0);

    RawServer silent;
    QVERIFY(session.open(silent.url()));
    QCOMPARE(session.state(), Session::State::Connecting);
    QVERIFY(!session.sendText(QStringLiteral("too early"), &error));
    QVERIFY2(error.contains(QStringLiteral("connecting")), qPrintable(error));
}

void TestSession::openWhileConnectingIsRefused()
{
    RawServer silent;
    Session session;
    QVERIFY(session.open(silent.url()));
    QString error;
    QVERIFY(!session.open(silent.url(), &error));
    QVERIFY(!error.isEmpty());

    Session other;
    QVERIFY(!other.open(QUrl(QStringLiteral("http://example.com/")), &error));
    QVERIFY2(error.contains(QStringLiteral("ws://")), qPrintable(error));
    QCOMPARE(other.state(), Session::State::Closed);
}

void TestSession::badCloseArgumentsAreRefused_data()
{
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("reason");
    QTest::addColumn<QString>("messagePart");

    QTest::newRow("reserved 1005") << 1005 << QString() << "1005";
    QTest::newRow("reserved 1006") << 1006 << QString() << "1006";
    QTest::newRow("out of range 5000") << 5000 << QString() << "5000";
    QTest::newRow("reason of 124 bytes") << 1000 << QString(124, u'r') << "124 bytes";
    QTest::newRow("reason of 62 two-byte characters") << 1000 << QString(62, QChar(0xe9)) << "124 bytes";
}

void TestSession::badCloseArgumentsAreRefused()
{
    QFETCH(int, code);
    QFETCH(QString, reason);
    QFETCH(QString, messagePart);
    EchoServer server;
    QVERIFY(server.listen());
    Session session;
    QVERIFY(session.open(server.url()));
    QTRY_COMPARE(session.state(), Session::State::Open);
    QString error;
    QVERIFY(!session.close(code, reason, &error));
    QVERIFY2(error.contains(messagePart), qPrintable(error));
    QCOMPARE(session.state(), Session::State::Open);
}

void TestSession::connectionRefused()
{
    const quint16 port = freeLoopbackPort();
    QVERIFY(port != 0);
    Session session;
    QSignalSpy stateSpy(&session, &Session::stateChanged);
    QVERIFY(session.open(QUrl(QStringLiteral("ws://127.0.0.1:%1/").arg(port))));
    QTRY_COMPARE(session.state(), Session::State::Closed);
    QCOMPARE(states(stateSpy), (QList<Session::State>{Session::State::Connecting, Session::State::Closed}));
    const QString error = lastEventText(session.log(), Kind::Error);
    QVERIFY2(error.contains(QStringLiteral("refused"), Qt::CaseInsensitive), qPrintable(error));
    QVERIFY2(error.contains(QString::number(port)), qPrintable(error));
    QVERIFY(!session.wasOpened());
}

void TestSession::unknownHost()
{
    // .invalid never resolves (RFC 2606).
    Session session;
    session.setHandshakeTimeout(30000);
    QVERIFY(session.open(QUrl(QStringLiteral("ws://no-such-host.invalid/"))));
    QTRY_COMPARE_WITH_TIMEOUT(session.state(), Session::State::Closed, 20000);
    const QString error = lastEventText(session.log(), Kind::Error);
    QVERIFY2(error.contains(QStringLiteral("no-such-host.invalid:80")), qPrintable(error));
    QVERIFY2(error.contains(QStringLiteral("not found"), Qt::CaseInsensitive), qPrintable(error));
}

void TestSession::tlsToPlainServerFails()
{
    // A wss:// URL pointed at a server that speaks plain HTTP: the TLS handshake fails.
    QTcpServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost));
    connect(&server, &QTcpServer::newConnection, this, [&server] {
        QTcpSocket *socket = server.nextPendingConnection();
        socket->setParent(&server);
        socket->write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
    });
    const QUrl url(QStringLiteral("wss://127.0.0.1:%1/").arg(server.serverPort()));
    Session session;
    QVERIFY(session.open(url));
    QTRY_COMPARE(session.state(), Session::State::Closed);
    QVERIFY(!session.wasOpened());
    const QString error = lastEventText(session.log(), Kind::Error);
    QVERIFY2(error.startsWith(QStringLiteral("Could not connect to 127.0.0.1:%1: ").arg(url.port())), qPrintable(error));
    QVERIFY2(error.contains(QStringLiteral("SSL handshake")), qPrintable(error));
    QCOMPARE(countRows(session.log(), Direction::Local, Kind::Error), 1);
}

void TestSession::silentServerHitsHandshakeTimeout()
{
    RawServer silent;
    Session session;
    session.setHandshakeTimeout(2000);
    QVERIFY(session.open(silent.url()));
    QTRY_VERIFY(silent.request().startsWith("GET / HTTP/1.1\r\n"));
    QCOMPARE(session.state(), Session::State::Connecting);
    QTRY_COMPARE(session.state(), Session::State::Closed);
    const QString error = lastEventText(session.log(), Kind::Error);
    QVERIFY2(error.contains(QStringLiteral("No WebSocket handshake")), qPrintable(error));
    QCOMPARE(session.handshake().failure, error);
    QTRY_COMPARE(silent.disconnects(), 1);
}

void TestSession::forbiddenAnswerEndsClosed()
{
    RawServer forbidden("HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nContent-Length: 6\r\n\r\nno way");
    Session session;
    QVERIFY(session.open(forbidden.url()));
    QTRY_COMPARE(session.state(), Session::State::Closed);
    const QString error = lastEventText(session.log(), Kind::Error);
    QVERIFY2(error.contains(QStringLiteral("403")), qPrintable(error));
    QVERIFY2(!error.contains(QStringLiteral("QWebSocketPrivate")), qPrintable(error));
    // Qt 6.4.2 would leave this TCP connection open; the session must not.
    QTRY_COMPARE(forbidden.disconnects(), 1);
    QCOMPARE(countRows(session.log(), Direction::Local, Kind::Error), 1);

    // The next attempt reports its own failure, not the stale 403.
    const quint16 port = freeLoopbackPort();
    QVERIFY(port != 0);
    QVERIFY(session.open(QUrl(QStringLiteral("ws://127.0.0.1:%1/").arg(port))));
    QTRY_COMPARE(session.state(), Session::State::Closed);
    const QString second = lastEventText(session.log(), Kind::Error);
    QVERIFY2(!second.contains(QStringLiteral("Forbidden")) && second.contains(QStringLiteral("refused"), Qt::CaseInsensitive),
             qPrintable(second));
}

void TestSession::cancelWhileConnecting()
{
    RawServer silent;
    Session session;
    QVERIFY(session.open(silent.url()));
    QTRY_COMPARE(silent.connections(), 1);
    QVERIFY(session.close());
    QTRY_COMPARE(session.state(), Session::State::Closed);
    QVERIFY(lastEventText(session.log(), Kind::Close).contains(QStringLiteral("cancelled")));
    QTRY_COMPARE(silent.disconnects(), 1);
    QVERIFY(!silent.request().contains("\x88"));   // no Close frame written over HTTP
}

void TestSession::subprotocolNotOfferedIsFlagged()
{
    // A server that answers with a subprotocol nobody offered, then says "hi".
    RawServer server(QByteArray("\x81\x02hi", 4));
    server.upgrade();
    server.setUpgradeHeaders("Sec-WebSocket-Protocol: evil.v1\r\n");
    Session session;
    session.setSubprotocols({QStringLiteral("chat.v2")});
    QVERIFY(session.open(server.url()));
    QTRY_VERIFY(!session.handshake().statusLine.isEmpty());
    QTRY_VERIFY(session.state() == Session::State::Open || session.state() == Session::State::Closed);
    const QStringList findings = session.handshake().findings;
    QVERIFY2(findings.join(u'\n').contains(QStringLiteral("chose the subprotocol evil.v1, which was not offered (offered: chat.v2)")),
             qPrintable(findings.join(u'\n')));
    qInfo("Qt %s the connection", session.state() == Session::State::Open ? "opens" : "refuses");
    session.abort();
}

void TestSession::ringLogTrimsTheCaptureToo()
{
    // With the log kept as a ring, the wire capture behind it does not grow
    // without end either: it is trimmed in bulk.
    QtPeer peer;
    Session session;
    session.log()->setMaxRows(100);
    QVERIFY(session.open(peer.url()));
    QTRY_COMPARE(session.state(), Session::State::Open);
    QTRY_VERIFY(peer.peer());
    for (int batch = 0; batch < 10; ++batch) {
        for (int i = 0; i < 1000; ++i)
            peer.peer()->sendTextMessage(QStringLiteral("m%1").arg(batch * 1000 + i));
        QTest::qWait(20);
    }
    QTRY_VERIFY(session.log()->count() > 0 && session.log()->data(session.log()->count() - 1) == QByteArrayView("m9999"));
    session.log()->flush();
    QCOMPARE(session.log()->count(), 100);
    QVERIFY2(session.capture()->frameCount() <= 2 * 1000 + 1000, qPrintable(QString::number(session.capture()->frameCount())));
    QVERIFY(!session.capture()->isComplete());
    QVERIFY(!session.captureHolds(session.connectionId()));   // exports rebuild this connection from the log
    QVERIFY(session.close());
    QTRY_COMPARE_WITH_TIMEOUT(session.state(), Session::State::Closed, 5000);
    QCOMPARE(session.lastClose().closer, Session::Closer::Us);   // the close is still read from the wire
}

void TestSession::largeMessagesAreKeptOnce()
{
    // A large received message is in the capture's wire bytes already; the
    // log reads it from there instead of keeping QWebSocket's copy as well.
    QtPeer peer;
    Session session;
    QVERIFY(session.open(peer.url()));
    QTRY_COMPARE(session.state(), Session::State::Open);
    QTRY_VERIFY(peer.peer());
    QList<QByteArray> sent;
    for (int i = 0; i < 200; ++i) {
        QByteArray payload(5000 + i * 397, Qt::Uninitialized);
        for (int b = 0; b < payload.size(); ++b)
            payload[b] = char(b * 31 + i);
        sent << payload;
        if (i % 3 == 0)
            peer.peer()->sendTextMessage(QString::fromLatin1(payload.toHex()));
        else
            peer.peer()->sendBinaryMessage(payload);
    }
    MessageLog *log = session.log();
    const auto received = [&] { return countRows(log, Direction::Received, Kind::Binary) + countRows(log, Direction::Received, Kind::Text); };
    QTRY_COMPARE(received(), sent.size());
    QTest::qWait(200);   // the tap's last batch
    const auto inCapture = [&](QByteArrayView bytes) {
        for (const WireCapture::Chunk &chunk : session.capture()->chunks()) {
            if (bytes.data() >= chunk.bytes.constData() && bytes.data() + bytes.size() <= chunk.bytes.constData() + chunk.bytes.size())
                return true;
        }
        return false;
    };
    int shared = 0;
    int message = 0;
    for (int row = 0; row < log->count(); ++row) {
        if (log->at(row).direction != Direction::Received)
            continue;
        const QByteArray expected = message % 3 == 0 ? sent.at(message).toHex() : sent.at(message);
        QCOMPARE(log->data(row).toByteArray(), expected);
        shared += inCapture(log->data(row));
        ++message;
    }
    // Those that straddle two of the tap's reads keep their own copy.
    QVERIFY2(shared >= sent.size() / 2, qPrintable(QString::number(shared)));

    // A new connection clears the capture; the rows keep their bytes.
    QVERIFY(session.close());
    QTRY_COMPARE_WITH_TIMEOUT(session.state(), Session::State::Closed, 5000);
    QVERIFY(session.open(peer.url()));
    QTRY_COMPARE(session.state(), Session::State::Open);
    message = 0;
    for (int row = 0; row < log->count() && message < sent.size(); ++row) {
        if (log->at(row).direction != Direction::Received)
            continue;
        QCOMPARE(log->data(row).toByteArray(), message % 3 == 0 ? sent.at(message).toHex() : sent.at(message));
        ++message;
    }
    QCOMPARE(message, sent.size());

    // Log > Clear in the middle of a burst forgets the rows still waiting
    // for the capture, and the messages after it share its bytes again.
    const int before = log->count();
    for (int i = 1; i <= 40; ++i)
        peer.peer()->sendBinaryMessage(sent.at(i));
    QTRY_VERIFY(log->count() > before);
    log->clear();
    for (int i = 1; i <= 20; ++i)
        peer.peer()->sendBinaryMessage(sent.at(i));
    QTRY_VERIFY(log->count() >= 20 && log->data(log->count() - 1) == QByteArrayView(sent.at(20)));
    QTest::qWait(200);
    int sharedAfterClear = 0;
    for (int i = 1; i <= 20; ++i) {
        const int row = log->count() - 21 + i;
        QCOMPARE(log->data(row).toByteArray(), sent.at(i));
        sharedAfterClear += inCapture(log->data(row));
    }
    QVERIFY2(sharedAfterClear >= 10, qPrintable(QString::number(sharedAfterClear)));
    session.abort();
}

void TestSession::qtSendsOneLinePerHeaderName()
{
    // Why a repeated header is refused: Qt 6.4's QNetworkRequest keeps one
    // raw header per name (any case), so QWebSocket sends only the last.
    // Should a later Qt send both, this fails and the refusal can go.
    RawServer server;
    QWebSocket socket;
    QNetworkRequest request(server.url());
    request.setRawHeader("x-dup", "1");
    request.setRawHeader("X-Dup", "2");
    socket.open(request);
    QTRY_VERIFY(server.request().contains("\r\n\r\n"));
    const QByteArray head = server.request().toLower();
    QCOMPARE(head.count("\r\nx-dup:"), 1);
    QVERIFY2(server.request().contains("\r\nX-Dup: 2\r\n"), server.request().constData());
    socket.abort();
}

void TestSession::repeatedHeaderIsRefusedBeforeConnecting_data()
{
    QTest::addColumn<QList<Session::Header>>("headers");
    QTest::addColumn<QString>("origin");
    QTest::addColumn<QString>("messagePart");

    using H = Session::Header;
    QTest::newRow("same name, other case") << QList<H>{{"x-dup", "1"}, {"X-Dup", "2"}} << QString()
                                           << "The header X-Dup is given twice (as x-dup and X-Dup";
    QTest::newRow("same name, same case") << QList<H>{{"X-Dup", "1"}, {"X-Other", "o"}, {"X-Dup", "2"}} << QString()
                                          << "join them with \", \"";
    QTest::newRow("Authorization twice") << QList<H>{{"Authorization", "Basic a"}, {"AUTHORIZATION", "Bearer b"}}
                                         << QString() << "one line per header name";
    QTest::newRow("second Origin") << QList<H>{{"Origin", "http://b"}} << "http://a" << "origin in its own field";
    QTest::newRow("second Sec-WebSocket-Protocol") << QList<H>{{"sec-websocket-protocol", "x"}} << QString()
                                                   << "subprotocols in their own field";
    QTest::newRow("second Host") << QList<H>{{"host", "other"}} << QString() << "set by the WebSocket handshake";
}

void TestSession::repeatedHeaderIsRefusedBeforeConnecting()
{
    QFETCH(QList<Session::Header>, headers);
    QFETCH(QString, origin);
    QFETCH(QString, messagePart);
    RawServer server;
    Session session;
    session.setOrigin(origin);
    session.setRequestHeaders(headers);
    QCOMPARE(Session::checkHeaders(headers).isEmpty(), false);
    QString error;
    QVERIFY(!session.open(server.url(), &error));
    QVERIFY2(error.contains(messagePart), qPrintable(error));
    QCOMPARE(session.state(), Session::State::Closed);
    QVERIFY(session.connections().isEmpty());
    QTest::qWait(100);
    QCOMPARE(server.connections(), 0);
}

void TestSession::distinctHeadersAllReachTheWire()
{
    RawServer server;
    Session session;
    const QList<Session::Header> headers{{"X-One", "1"}, {"x-two", "a, b"}, {"X-Three", "3"}};
    QVERIFY(Session::checkHeaders(headers).isEmpty());
    session.setRequestHeaders(headers);
    QVERIFY(session.open(server.url()));
    QTRY_VERIFY(server.request().contains("\r\n\r\n"));
    const QByteArray request = server.request();
    QVERIFY2(request.contains("\r\nX-One: 1\r\nx-two: a, b\r\nX-Three: 3\r\n"), request.constData());
    session.abort();
}

QTEST_GUILESS_MAIN(TestSession)
#include "tst_session.moc"
