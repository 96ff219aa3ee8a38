#include "log/pingstats.h"
#include "nodepeer.h"
#include "qtpeer.h"
#include "rawserver.h"
#include "record/export.h"
#include "record/sessionfile.h"
#include "server/echoserver.h"
#include "session/reconnector.h"
#include "session/session.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QWebSocket>
#include <QWebSocketServer>

using Direction = MessageLog::Direction;
using Kind = MessageLog::Kind;

// Keep-alive pings and their round trips, the pong timeout, the incoming
// message limit and reconnecting with backoff, against real peers on loopback.
class TestKeepAlive : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void autoPingsGetPongsAndRoundTrips();
    void handPingHasRoundTrip();
    void silentPeerIsDeclaredDead();
    void roundTripsSurviveTheSessionFile();
    void tooBigMessageClosesWith1009();
    void reconnectsWithBackoffUntilThePeerIsBack();
    void reconnectGivesUpAtTheLimit();
    void pingStatsCountEachWay();

private:
    static QList<int> rows(const MessageLog *log, Direction direction, Kind kind);
    static int findEvent(const MessageLog *log, Kind kind, const QString &part, int from = 0);
};

QList<int> TestKeepAlive::rows(const MessageLog *log, Direction direction, Kind kind)
{
    QList<int> result;
    for (int i = 0; i < log->count(); ++i) {
        if (log->at(i).direction == direction && log->at(i).kind == kind)
            result << i;
    }
    return result;
}

int TestKeepAlive::findEvent(const MessageLog *log, Kind kind, const QString &part, int from)
{
    for (int i = from; i < log->count(); ++i) {
        if (log->at(i).direction == Direction::Local && log->at(i).kind == kind
            && QString::fromUtf8(log->data(i)).contains(part))
            return i;
    }
    return -1;
}

void TestKeepAlive::autoPingsGetPongsAndRoundTrips()
{
    NodePeer peer;
    QVERIFY(peer.waitUntilListening());
    Session session;
    session.setPingInterval(250);
    session.setPongTimeout(1000);
    QSignalSpy rttSpy(&session, &Session::rttMeasured);
    QVERIFY(session.open(peer.url()));
    QTRY_COMPARE(session.state(), Session::State::Open);
    const qint64 openedUsec = MessageLog::nowUsec();
    QTRY_VERIFY_WITH_TIMEOUT(rows(session.log(), Direction::Received, Kind::Pong).size() >= 4, 5000);
    session.setPingInterval(0);
    QTest::qWait(400);   // no more pings once off
    const MessageLog *log = session.log();
    const QList<int> pings = rows(log, Direction::Sent, Kind::Ping);
    const QList<int> pongs = rows(log, Direction::Received, Kind::Pong);
    QCOMPARE(pings.size(), pongs.size());
    QVERIFY(log->at(pings.last()).timeUsec < MessageLog::nowUsec() - 300000);

    // One every 250 ms, the first 250 ms after the open.
    QVERIFY(log->at(pings.first()).timeUsec - openedUsec > 150000);
    for (qsizetype i = 1; i < pings.size(); ++i) {
        const qint64 gap = log->at(pings.at(i)).timeUsec - log->at(pings.at(i - 1)).timeUsec;
        QVERIFY2(gap > 200000 && gap < 400000, qPrintable(QString::number(gap)));
    }
    // The peer got them, payloads and all.
    QList<QJsonObject> received;
    for (const QJsonObject &line : peer.lines(QStringLiteral("received"))) {
        if (line.value(QStringLiteral("type")).toString() == u"ping")
            received << line;
    }
    QCOMPARE(received.size(), pings.size());
    QCOMPARE(QByteArray::fromHex(received.first().value(QStringLiteral("data")).toString().toLatin1()),
             log->data(pings.first()).toByteArray());

    // A round trip per pong, the pong rows untouched.
    const QList<Session::RttSample> rtts = session.rtts();
    QCOMPARE(rtts.size(), pongs.size());
    QCOMPARE(rttSpy.size(), pongs.size());
    for (qsizetype i = 0; i < pongs.size(); ++i) {
        const MessageLog::Entry &pong = log->at(pongs.at(i));
        QCOMPARE(log->data(pongs.at(i)).toByteArray(), log->data(pings.at(i)).toByteArray());
        const qint64 rtt = session.rttOfPong(pong.connection, pong.sequence);
        QVERIFY2(rtt > 0 && rtt < 200000, qPrintable(QString::number(rtt)));
        QCOMPARE(rtts.at(i).rttUsec, rtt);
        QCOMPARE(rtts.at(i).pongSequence, pong.sequence);
        QVERIFY(qAbs(rtts.at(i).timeUsec - pong.timeUsec) < 100000);
        // Measured from the ping's row to the pong's, give or take the clocks.
        QVERIFY(rtt <= pong.timeUsec - log->at(pings.at(i)).timeUsec + 1000);
    }
    QCOMPARE(session.rttOfPong(session.connectionId(), int(pongs.size())), -1);
    QCOMPARE(session.rttOfPong(99, 0), -1);
    QVERIFY(session.close());
    QTRY_COMPARE(session.state(), Session::State::Closed);
    QVERIFY(!session.pongTimedOut());
}

void TestKeepAlive::handPingHasRoundTrip()
{
    EchoServer server;
    QVERIFY(server.listen());
    Session session;
    QVERIFY(session.open(server.url()));
    QTRY_COMPARE(session.state(), Session::State::Open);
    QVERIFY(session.ping("one"));
    QVERIFY(session.ping("two"));
    QTRY_COMPARE(session.rtts().size(), 2);
    const QList<int> pongs = rows(session.log(), Direction::Received, Kind::Pong);
    QCOMPARE(pongs.size(), 2);
    QCOMPARE(session.log()->data(pongs.at(1)).toByteArray(), QByteArray("two"));
    QVERIFY(session.rttOfPong(session.connectionId(), 1) > 0);
    QVERIFY(session.rtts().at(0).rttUsec <= session.rtts().at(1).rttUsec + 100000);
}

void TestKeepAlive::silentPeerIsDeclaredDead()
{
    // Completes the handshake, sends one message, then ignores everything:
    // pings included.
    RawServer server(QByteArray("\x81\x05ready", 7));
    server.upgrade();
    Session session;
    session.setPingInterval(200);
    session.setPongTimeout(700);   // longer than the interval: several pings wait at once
    QSignalSpy deadSpy(&session, &Session::connectionDead);
    QVERIFY(session.open(server.url()));
    QTRY_COMPARE(session.state(), Session::State::Open);
    QTRY_COMPARE_WITH_TIMEOUT(session.state(), Session::State::Closed, 5000);
    QCOMPARE(deadSpy.size(), 1);
    QVERIFY(session.pongTimedOut());
    QVERIFY(!session.endedByUser());

    const MessageLog *log = session.log();
    const QList<int> pings = rows(log, Direction::Sent, Kind::Ping);
    QVERIFY2(pings.size() >= 3, qPrintable(QString::number(pings.size())));
    const int error = findEvent(log, Kind::Error, QStringLiteral("No pong within 0.7 s of the ping sent at "));
    QVERIFY(error >= 0);
    QVERIFY2(QString::fromUtf8(log->data(error)).endsWith(QStringLiteral(": the connection is dead")),
             log->data(error).toByteArray().constData());
    // Within the timeout of the first ping, and not before it.
    const qint64 waited = log->at(error).timeUsec - log->at(pings.first()).timeUsec;
    QVERIFY2(waited >= 700000 && waited < 900000, qPrintable(QString::number(waited)));
    const Session::CloseInfo close = session.lastClose();
    QCOMPARE(close.closer, Session::Closer::Us);
    QCOMPARE(close.code, 1006);
    QVERIFY(findEvent(log, Kind::Close, QStringLiteral("no pong")) > error);
    QTRY_COMPARE(server.disconnects(), 1);
}

void TestKeepAlive::roundTripsSurviveTheSessionFile()
{
    EchoServer server;
    QVERIFY(server.listen());
    Session session;
    QVERIFY(session.open(server.url()));
    QTRY_COMPARE(session.state(), Session::State::Open);
    QVERIFY(session.ping("a"));
    QVERIFY(session.ping("b"));
    QTRY_COMPARE(session.rtts().size(), 2);
    QVERIFY(session.close());
    QTRY_COMPARE(session.state(), Session::State::Closed);

    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("rtt.wsscope.jsonl"));
    QString error;
    QVERIFY2(SessionExport::save(session, path, {}, &error), qPrintable(error));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray content = file.readAll();
    QCOMPARE(content.count("\"rttUs\":"), 2);
    QVERIFY(content.contains(QByteArray(",\"rttUs\":" + QByteArray::number(session.rtts().at(1).rttUsec) + "}\n")));

    Session reopened;
    SessionFile::Loaded loaded;
    QVERIFY2(SessionFile::load(path, &reopened, &loaded, &error), qPrintable(error));
    QVERIFY2(loaded.problem.isEmpty(), qPrintable(loaded.problem));
    QCOMPARE(reopened.rtts(1).size(), 2);
    for (int sequence = 0; sequence < 2; ++sequence)
        QCOMPARE(reopened.rttOfPong(1, sequence), session.rttOfPong(1, sequence));
    // Saved again, the same lines.
    const QString again = dir.filePath(QStringLiteral("again.wsscope.jsonl"));
    QVERIFY2(SessionExport::save(reopened, again, {}, &error), qPrintable(error));
    QFile againFile(again);
    QVERIFY(againFile.open(QIODevice::ReadOnly));
    QCOMPARE(againFile.readAll().count("\"rttUs\":"), 2);
}

void TestKeepAlive::tooBigMessageClosesWith1009()
{
    QtPeer peer;
    QVERIFY(peer.isListening());
    Session session;
    session.setMaxMessageSize(1000);
    QVERIFY(session.open(peer.url()));
    QTRY_COMPARE(session.state(), Session::State::Open);
    QTRY_VERIFY(peer.peer());
    QSignalSpy peerGone(peer.peer(), &QWebSocket::disconnected);
    peer.peer()->sendBinaryMessage(QByteArray(1000, 'a'));   // at the limit: fine
    QTRY_COMPARE(rows(session.log(), Direction::Received, Kind::Binary).size(), 1);
    peer.peer()->sendBinaryMessage(QByteArray(1001, 'b'));
    QTRY_COMPARE_WITH_TIMEOUT(session.state(), Session::State::Closed, 5000);
    QCOMPARE(rows(session.log(), Direction::Received, Kind::Binary).size(), 1);
    const Session::CloseInfo close = session.lastClose();
    QCOMPARE(close.code, 1009);
    QCOMPARE(close.closer, Session::Closer::Client);
    const int error = findEvent(session.log(), Kind::Error,
                                QStringLiteral("A message of more than 1000 bytes arrived: closed with 1009"));
    QVERIFY(error >= 0);
    QVERIFY(findEvent(session.log(), Kind::Close, QStringLiteral("1009"), error) > error);
    QVERIFY(peerGone.size() > 0 || peerGone.wait(3000));
    QCOMPARE(int(peer.peer()->closeCode()), 1009);
}

void TestKeepAlive::reconnectsWithBackoffUntilThePeerIsBack()
{
    auto server = std::make_unique<QWebSocketServer>(QStringLiteral("restarting peer"), QWebSocketServer::NonSecureMode);
    QVERIFY(server->listen(QHostAddress::LocalHost));
    const quint16 port = server->serverPort();
    const QUrl url(QStringLiteral("ws://127.0.0.1:%1/").arg(port));
    QList<QWebSocket *> clients;
    const auto track = [&clients](QWebSocketServer *s) {
        QObject::connect(s, &QWebSocketServer::newConnection, s, [s, &clients] {
            while (QWebSocket *socket = s->nextPendingConnection())
                clients << socket;
        });
    };
    track(server.get());

    Session session;
    Reconnector reconnector(&session, {5, 200, 1000, 60000});
    QSignalSpy attemptsSpy(&reconnector, &Reconnector::reconnecting);
    QVERIFY(session.open(url));
    QTRY_COMPARE(session.state(), Session::State::Open);
    QTRY_COMPARE(clients.size(), 1);

    // The peer goes away: its connection drops, and nobody listens for a while.
    server->close();
    clients.first()->abort();
    qDeleteAll(clients);
    clients.clear();
    server.reset();
    // Attempts 1 (200 ms), 2 (400 ms) and 3 (800 ms) are refused; the peer is
    // back before attempt 4 (1000 ms, the maximum).
    QTRY_VERIFY_WITH_TIMEOUT(attemptsSpy.size() >= 4, 5000);
    server = std::make_unique<QWebSocketServer>(QStringLiteral("restarted peer"), QWebSocketServer::NonSecureMode);
    QVERIFY(server->listen(QHostAddress::LocalHost, port));
    track(server.get());
    QTRY_COMPARE_WITH_TIMEOUT(session.state(), Session::State::Open, 3000);
    QTRY_COMPARE(clients.size(), 1);

    // Each attempt logged, and the time from its row to the next attempt's
    // start is its delay.
    const MessageLog *log = session.log();
    const QList<Session::Connection> &connections = session.connections();
    QCOMPARE(connections.size(), 5);
    const QList<int> delays = {200, 400, 800, 1000};
    int from = 0;
    for (int attempt = 1; attempt <= 4; ++attempt) {
        const int row = findEvent(log, Kind::Open,
                                  QStringLiteral("Reconnecting to %1 in %2 s (attempt %3 of 5)")
                                      .arg(url.toString(QUrl::FullyEncoded),
                                           QString::number(delays.at(attempt - 1) / 1000.0, 'f', 1))
                                      .arg(attempt),
                                  from);
        QVERIFY2(row >= 0, qPrintable(QString::number(attempt)));
        from = row + 1;
        const qint64 waited = connections.at(attempt).startUsec - log->at(row).timeUsec;
        QVERIFY2(waited >= delays.at(attempt - 1) * 1000 - 2000 && waited < delays.at(attempt - 1) * 1000 + 150000,
                 qPrintable(QStringLiteral("attempt %1 waited %2 us").arg(attempt).arg(waited)));
        QCOMPARE(connections.at(attempt).url, url.toString(QUrl::FullyEncoded));
    }
    for (int i = 1; i < 4; ++i)
        QVERIFY(!connections.at(i).opened);
    QVERIFY(connections.at(4).opened);

    // The user closes: no more reconnecting.
    QVERIFY(session.close());
    QTRY_COMPARE(session.state(), Session::State::Closed);
    QTest::qWait(500);
    QCOMPARE(session.connections().size(), 5);
    QVERIFY(!reconnector.isWaiting());
    QCOMPARE(attemptsSpy.size(), 4);
    qDeleteAll(clients);
}

void TestKeepAlive::reconnectGivesUpAtTheLimit()
{
    quint16 port = 0;
    {
        QTcpServer closed;
        QVERIFY(closed.listen(QHostAddress::LocalHost));
        port = closed.serverPort();
    }
    Session session;
    Reconnector reconnector(&session, {2, 50, 1000, 60000});
    QSignalSpy gaveUp(&reconnector, &Reconnector::gaveUp);
    QVERIFY(session.open(QUrl(QStringLiteral("ws://127.0.0.1:%1/").arg(port))));
    QTRY_COMPARE_WITH_TIMEOUT(gaveUp.size(), 1, 5000);
    QCOMPARE(session.connections().size(), 3);
    QVERIFY(findEvent(session.log(), Kind::Open, QStringLiteral("(attempt 2 of 2)")) >= 0);
    QVERIFY(findEvent(session.log(), Kind::Close, QStringLiteral("Not reconnecting")) >= 0);
    QTest::qWait(300);
    QCOMPARE(session.connections().size(), 3);
}

// The keep-alive figures the Timing tab shows, from rows with known times:
// intervals each way, pongs matched to their pings by payload (a pong answers
// the earlier pings still waiting too), an unsolicited pong, and rows of
// another connection ignored.
void TestKeepAlive::pingStatsCountEachWay()
{
    MessageLog log;
    const qint64 t0 = 1'700'000'000'000'000;
    const auto add = [&](Direction direction, Kind kind, const QByteArray &payload, qint64 at, int connection = 1) {
        log.append(direction, kind, payload, connection, -1, t0 + at);
    };
    add(Direction::Sent, Kind::Ping, "a", 1'000'000);
    add(Direction::Received, Kind::Pong, "a", 1'000'500);
    add(Direction::Received, Kind::Ping, "", 1'500'000);
    add(Direction::Sent, Kind::Pong, "", 1'500'020);
    add(Direction::Sent, Kind::Ping, "b", 2'000'000);   // answered along with the next one
    add(Direction::Sent, Kind::Ping, "x", 2'100'000, 2);   // another connection
    add(Direction::Sent, Kind::Ping, "c", 3'000'000);
    add(Direction::Received, Kind::Pong, "c", 3'000'300);
    add(Direction::Received, Kind::Pong, "zz", 3'200'000);   // answers nothing
    add(Direction::Received, Kind::Ping, "", 3'500'000);
    log.appendEvent(Kind::Close, QStringLiteral("closed"));

    PingStats all(1);
    all.feed(log);
    const PingStats::Side &ours = all.sent();
    QCOMPARE(ours.pings, 3);
    QCOMPARE(ours.intervals, 2);
    QCOMPARE(ours.intervalMin, 1'000'000);
    QCOMPARE(ours.intervalMax, 1'000'000);
    QCOMPARE(ours.intervalMean(), 1'000'000);
    QCOMPARE(ours.answered, 3);
    QCOMPARE(ours.latencies, 2);
    QCOMPARE(ours.latencyMin, 300);
    QCOMPARE(ours.latencyMax, 500);
    QCOMPARE(ours.latencyMean(), 400);
    QCOMPARE(ours.unsolicitedPongs, 1);
    const PingStats::Side &theirs = all.received();
    QCOMPARE(theirs.pings, 2);
    QCOMPARE(theirs.intervalMean(), 2'000'000);
    QCOMPARE(theirs.lastIntervalUsec, 2'000'000);
    QCOMPARE(theirs.answered, 1);
    QCOMPARE(theirs.latencyMax, 20);

    // Fed in two batches, the same figures.
    PingStats half(1);
    for (int row = 0; row < 5; ++row)
        half.feed(log.at(row), log.data(row));
    half.feed(log, 5);
    QCOMPARE(half.sent().pings, ours.pings);
    QCOMPARE(half.sent().latencySum, ours.latencySum);
    QCOMPARE(half.received().intervalSum, theirs.intervalSum);
    // The other connection alone.
    PingStats other(2);
    other.feed(log);
    QCOMPARE(other.sent().pings, 1);
    QCOMPARE(other.sent().answered, 0);
    QCOMPARE(other.received().pings, 0);

    // Three empty pings, one pong (the peer answered only the last): all three
    // answered, the latency measured from the newest; only announced rows fed.
    MessageLog coalesced;
    coalesced.append(Direction::Sent, Kind::Ping, {}, 1, -1, t0 + 1'000'000);
    coalesced.append(Direction::Sent, Kind::Ping, {}, 1, -1, t0 + 2'000'000);
    coalesced.append(Direction::Sent, Kind::Ping, {}, 1, -1, t0 + 3'000'000);
    coalesced.append(Direction::Received, Kind::Pong, {}, 1, -1, t0 + 3'000'400);
    PingStats once(1);
    once.feed(coalesced, 0, 3);
    QCOMPARE(once.sent().pings, 3);
    QCOMPARE(once.sent().answered, 0);
    once.feed(coalesced, 3);
    QCOMPARE(once.sent().answered, 3);
    QCOMPARE(once.sent().latencies, 1);
    QCOMPARE(once.sent().latencyMax, 400);
    QCOMPARE(once.sent().unsolicitedPongs, 0);
}

QTEST_GUILESS_MAIN(TestKeepAlive)
#include "tst_keepalive.moc"
