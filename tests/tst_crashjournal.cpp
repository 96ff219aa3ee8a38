#include "record/journal.h"
#include "qtmessages.h"
#include "record/sessionfile.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QScopeGuard>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QWebSocket>
#include <QWebSocketServer>

#include <csignal>

// Kills a real wsscope window (offscreen) with SIGKILL in the middle of a
// flood and checks what its journal kept: everything up to the last second.
class TestCrashJournal : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void killedMidFloodLosesAtMostASecond();
};

void TestCrashJournal::killedMidFloodLosesAtMostASecond()
{
    // The flood: numbered text messages, 200 every 10 ms, for as long as
    // the client is there.
    QWebSocketServer server(QStringLiteral("flood"), QWebSocketServer::NonSecureMode);
    QVERIFY(server.listen(QHostAddress::LocalHost));
    int sent = 0;
    QTimer pump;
    QPointer<QWebSocket> client;
    connect(&server, &QWebSocketServer::newConnection, this, [&] {
        client = server.nextPendingConnection();
        client->setParent(&server);
        pump.start(10);
    });
    connect(&pump, &QTimer::timeout, this, [&] {
        if (!client || client->state() != QAbstractSocket::ConnectedState)
            return;
        for (int i = 0; i < 200; ++i)
            client->sendTextMessage(QStringLiteral("flood message %1").arg(sent++));
    });

    QTemporaryDir data;
    QTemporaryDir runtime;   // made 0700, as XDG_RUNTIME_DIR must be (else Qt warns)
    const QProcessEnvironment environment = QtMessages::windowEnvironment(data.path(), runtime.path());
    QProcess wsscope;
    wsscope.setProcessEnvironment(environment);
    const auto stop = qScopeGuard([&wsscope] {
        wsscope.kill();
        wsscope.waitForFinished();
    });
    wsscope.start(QStringLiteral(WSSCOPE_BINARY), {server.serverUrl().toString(), QStringLiteral("--connect")});
    QVERIFY2(wsscope.waitForStarted(), qPrintable(wsscope.errorString()));
    QTRY_VERIFY_WITH_TIMEOUT(sent > 20000, 20000);
    QTest::qWait(1500);

    const qint64 killedAt = QDateTime::currentMSecsSinceEpoch() * 1000;
    ::kill(pid_t(wsscope.processId()), SIGKILL);
    QVERIFY(wsscope.waitForFinished(5000));
    QCOMPARE(wsscope.exitStatus(), QProcess::CrashExit);
    const QString err = QString::fromUtf8(wsscope.readAllStandardError());
    QVERIFY2(QtMessages::in(err).isEmpty(), qPrintable(err));
    const int sentBeforeKill = sent;

    // The journal is left behind, unlocked, and offered for recovery.
    const QString directory = data.path() + QStringLiteral("/wsscope/wsscope/journal");
    const QList<Journal::Recoverable> found = Journal::recoverable(directory);
    QCOMPARE(found.size(), 1);
    QFile file(found.first().path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    MessageLog log;
    const SessionFile::Loaded loaded = SessionFile::read(&file, &log);
    // Only the very last line may be cut short by the kill.
    if (!loaded.problem.isEmpty())
        QVERIFY2(loaded.problem.contains(QStringLiteral("cut short")), qPrintable(loaded.problem));
    QVERIFY(!loaded.ended);
    QCOMPARE(loaded.connections.size(), 1);
    QVERIFY(loaded.connections.first().opened);
    // The Handshake tab of the recovered session: the request and the 101 as
    // the tap captured them, and the Accept checked.
    const HandshakeInfo &handshake = loaded.connections.first().handshake;
    QVERIFY2(handshake.requestRaw.startsWith("GET / HTTP/1.1\r\n"), handshake.requestRaw.constData());
    QVERIFY2(handshake.requestRaw.contains("Sec-WebSocket-Key: "), handshake.requestRaw.constData());
    QVERIFY2(handshake.responseRaw.startsWith("HTTP/1.1 101 "), handshake.responseRaw.constData());
    QVERIFY(!handshake.requestHeaders.isEmpty());
    QVERIFY(!handshake.responseHeaders.isEmpty());
    QVERIFY(handshake.accept.available);
    QVERIFY(handshake.accept.matches);

    // Every flood message kept, in order, none missing in between.
    int received = 0;
    qint64 lastTime = 0;
    for (int row = 0; row < log.count(); ++row) {
        if (log.at(row).direction != MessageLog::Direction::Received)
            continue;
        QCOMPARE(log.data(row).toByteArray(), QStringLiteral("flood message %1").arg(received).toUtf8());
        ++received;
        lastTime = log.at(row).timeUsec;
    }
    qInfo("sent %d before the kill, %d in the journal, the last %lld ms before the kill", sentBeforeKill, received,
          (killedAt - lastTime) / 1000);
    QVERIFY(received > 10000);
    // At most the last second is lost (with a little room for the kill
    // signal's own delivery).
    QVERIFY2(killedAt - lastTime <= 1100 * 1000, qPrintable(QString::number((killedAt - lastTime) / 1000)));
}

QTEST_GUILESS_MAIN(TestCrashJournal)
#include "tst_crashjournal.moc"
