#include "bench/floodserver.h"
#include "log/logmodel.h"
#include "record/export.h"
#include "record/sessionfile.h"
#include "session/session.h"
#include "scriptpeer.h"
#include "tlsfixture.h"

#include <QAbstractItemModelTester>
#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QWebSocket>

#include <algorithm>
#include <functional>

using Direction = MessageLog::Direction;
using Kind = MessageLog::Kind;

namespace {

constexpr qint64 MiB = 1024 * 1024;

// A peer from tests/peers started on loopback: Python `websockets` or Node
// `ws`, serving messages of the sizes asked for.
class Peer : public ScriptPeer
{
public:
    Peer(const QString &which, const QStringList &arguments)
        : ScriptPeer(which == u"python" ? QStringLiteral(WSSCOPE_PYTHON) : QStringLiteral("node"),
                     which == u"python" ? QStringLiteral("size_server.py") : QStringLiteral("size_server.js"), arguments)
    {
    }
};

struct Message
{
    QString kind;      // text or binary
    qint64 bytes;
    QString framing;   // one or fragmented
};

QByteArray sha256(QByteArrayView data)
{
    return QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex();
}

QList<Message> everySmallSize()
{
    QList<Message> messages;
    for (const qint64 bytes : {0, 1, 125, 126, 127, 65535, 65536, 262144, 262145, int(MiB)}) {
        for (const QString &kind : {QStringLiteral("text"), QStringLiteral("binary")}) {
            for (const QString &framing : {QStringLiteral("one"), QStringLiteral("fragmented")})
                messages.append({kind, bytes, framing});
        }
    }
    return messages;
}

// What a received row holds, for comparing with what the peer reports.
struct Got
{
    Kind kind;
    qint64 bytes;
    QByteArray sha256;
};

int receivedCount(const MessageLog &log)
{
    int count = 0;
    for (int row = 0; row < log.count(); ++row) {
        const MessageLog::Entry &entry = log.at(row);
        count += entry.direction == Direction::Received && (entry.kind == Kind::Text || entry.kind == Kind::Binary);
    }
    return count;
}

QList<Got> receivedIn(const MessageLog &log)
{
    QList<Got> got;
    for (int row = 0; row < log.count(); ++row) {
        const MessageLog::Entry &entry = log.at(row);
        if (entry.direction == Direction::Received && (entry.kind == Kind::Text || entry.kind == Kind::Binary))
            got.append({entry.kind, entry.size(), sha256(log.data(row))});
    }
    return got;
}

QList<Got> receivedIn(const LogModel &model)
{
    QList<Got> got;
    for (int row = 0; row < model.rowCount(); ++row) {
        const QModelIndex index = model.index(row, 0);
        const auto kind = Kind(index.data(LogModel::KindRole).toInt());
        if (Direction(index.data(LogModel::DirectionRole).toInt()) == Direction::Received
            && (kind == Kind::Text || kind == Kind::Binary))
            got.append({kind, index.data(LogModel::SizeRole).toLongLong(),
                        sha256(index.data(LogModel::PayloadRole).toByteArray())});
    }
    return got;
}

// Each row is the peer's message of the same place: its kind, size and hash.
QString compare(const QList<Got> &got, const QList<QJsonObject> &sent)
{
    if (got.size() != sent.size())
        return QStringLiteral("%1 messages arrived, %2 were sent").arg(got.size()).arg(sent.size());
    for (qsizetype i = 0; i < got.size(); ++i) {
        const QJsonObject &peer = sent.at(i);
        const Kind kind = peer.value(QStringLiteral("sent")).toString() == u"text" ? Kind::Text : Kind::Binary;
        const qint64 bytes = peer.value(QStringLiteral("bytes")).toInteger();
        if (got.at(i).kind != kind || got.at(i).bytes != bytes
            || got.at(i).sha256 != peer.value(QStringLiteral("sha256")).toString().toLatin1())
            return QStringLiteral("message %1 (%2 %3 bytes in %4 frames) arrived as %5 bytes with SHA-256 %6, sent with %7")
                .arg(i)
                .arg(peer.value(QStringLiteral("sent")).toString())
                .arg(bytes)
                .arg(peer.value(QStringLiteral("frames")).toInt())
                .arg(got.at(i).bytes)
                .arg(QString::fromLatin1(got.at(i).sha256), peer.value(QStringLiteral("sha256")).toString());
    }
    return {};
}

// Like QTest::qWaitFor, but the event loop waits in poll() instead of
// sleeping 10 ms between turns, so a socket is served the moment it is ready.
bool waitPromptly(const std::function<bool()> &done, int timeoutMs)
{
    QEventLoop loop;
    QTimer check;
    check.setInterval(1);
    QObject::connect(&check, &QTimer::timeout, &loop, [&] {
        if (done())
            loop.quit();
    });
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    check.start();
    loop.exec();
    return done();
}

} // namespace

Q_DECLARE_METATYPE(QList<Message>)

// Messages of every size, as real servers send them, arrive whole: through
// the tap and directly, over ws and wss, as one frame and fragmented.
class TestSizes : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void messagesArriveIntact_data();
    void messagesArriveIntact();
    void tooBigIsRefusedWith1009_data();
    void tooBigIsRefusedWith1009();
    void floodOfLargeMessagesKeepsTheModelSound();
    void batchSendsAndReceivesAMegabyte();
    void tapAddsNoDelayToRoundTrips();

private:
    TlsFixture m_tls;
};

void TestSizes::initTestCase()
{
    QVERIFY2(m_tls.create(), qPrintable(m_tls.error()));
}

void TestSizes::messagesArriveIntact_data()
{
    QTest::addColumn<QString>("peer");
    QTest::addColumn<QString>("scheme");
    QTest::addColumn<Session::Mode>("mode");
    QTest::addColumn<QList<Message>>("messages");
    QTest::addColumn<bool>("checkViews");   // the window's log model and a saved session file too

    // Every size up to 1 MiB in every configuration; 16 and 64 MiB once each
    // way of sending them, spread over the configurations, to keep the run short.
    const QList<Message> small = everySmallSize();
    const Message text16{QStringLiteral("text"), 16 * MiB, QStringLiteral("fragmented")};
    const Message binary16{QStringLiteral("binary"), 16 * MiB, QStringLiteral("one")};
    const Message text64{QStringLiteral("text"), 64 * MiB, QStringLiteral("fragmented")};
    const Message binary64{QStringLiteral("binary"), 64 * MiB, QStringLiteral("one")};
    const auto tap = Session::Mode::Tap;
    const auto direct = Session::Mode::Direct;
    QTest::newRow("python ws tap") << "python" << "ws" << tap << small << false;
    QTest::newRow("python ws direct") << "python" << "ws" << direct << small << false;
    QTest::newRow("python wss tap") << "python" << "wss" << tap << (small + QList<Message>{text16}) << true;
    QTest::newRow("python wss direct") << "python" << "wss" << direct << (small + QList<Message>{binary64}) << false;
    QTest::newRow("node ws tap") << "node" << "ws" << tap << (small + QList<Message>{text64}) << false;
    QTest::newRow("node ws direct") << "node" << "ws" << direct << (small + QList<Message>{binary16}) << true;
    QTest::newRow("node wss tap") << "node" << "wss" << tap << small << false;
    QTest::newRow("node wss direct") << "node" << "wss" << direct << small << false;
}

void TestSizes::messagesArriveIntact()
{
    QFETCH(QString, peer);
    QFETCH(QString, scheme);
    QFETCH(Session::Mode, mode);
    QFETCH(QList<Message>, messages);
    QFETCH(bool, checkViews);

    const QStringList tlsArguments{QStringLiteral("--tls"), m_tls.certPath(), m_tls.keyPath()};
    Peer server(peer, scheme == u"wss" ? tlsArguments : QStringList());
    QVERIFY(server.waitUntilListening());
    Session session;
    session.setMode(mode);
    session.setIgnoreTlsErrors(true);   // the fixture's certificate is self-signed
    LogModel model(session.log());
    QVERIFY(session.open(server.url(scheme)));
    QTRY_COMPARE_WITH_TIMEOUT(session.state(), Session::State::Open, 10000);

    qint64 total = 0;
    for (const Message &message : std::as_const(messages)) {
        QVERIFY(session.sendText(QStringLiteral("send %1 %2 %3").arg(message.kind).arg(message.bytes).arg(message.framing)));
        total += message.bytes;
    }
    // Generous: a slow (sanitized) build moves about 20 MB/s through the tap.
    const int timeoutMs = 20000 + int(total / 10000);
    QTRY_COMPARE_WITH_TIMEOUT(server.lines().size(), messages.size(), timeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(receivedCount(*session.log()), messages.size(), timeoutMs);
    QCOMPARE(session.state(), Session::State::Open);
    QString problem = compare(receivedIn(*session.log()), server.lines());
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    if (!checkViews)
        return;

    // The window's view of the log.
    session.log()->flush();
    problem = compare(receivedIn(model), server.lines());
    QVERIFY2(problem.isEmpty(), qPrintable(u"log model: " + problem));

    // A saved session file, reopened.
    QVERIFY(session.close());
    QTRY_COMPARE_WITH_TIMEOUT(session.state(), Session::State::Closed, 10000);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("sizes.wsscope.jsonl"));
    QString error;
    QVERIFY2(SessionExport::save(session, path, {}, &error), qPrintable(error));
    Session reopened;
    SessionFile::Loaded loaded;
    QVERIFY2(SessionFile::load(path, &reopened, &loaded, &error), qPrintable(error));
    QVERIFY2(loaded.problem.isEmpty(), qPrintable(loaded.problem));
    problem = compare(receivedIn(*reopened.log()), server.lines());
    QVERIFY2(problem.isEmpty(), qPrintable(u"session file: " + problem));
}

void TestSizes::tooBigIsRefusedWith1009_data()
{
    QTest::addColumn<Session::Mode>("mode");
    QTest::addColumn<QString>("framing");
    QTest::newRow("tap one frame") << Session::Mode::Tap << "one";
    QTest::newRow("tap fragmented") << Session::Mode::Tap << "fragmented";
    QTest::newRow("direct one frame") << Session::Mode::Direct << "one";
    QTest::newRow("direct fragmented") << Session::Mode::Direct << "fragmented";
}

void TestSizes::tooBigIsRefusedWith1009()
{
    QFETCH(Session::Mode, mode);
    QFETCH(QString, framing);
    constexpr qint64 Limit = 300000;   // above the read buffer's starting size
    Peer server(QStringLiteral("python"), {});
    QVERIFY(server.waitUntilListening());
    Session session;
    session.setMode(mode);
    session.setMaxMessageSize(Limit);
    QVERIFY(session.open(server.url(QStringLiteral("ws"))));
    QTRY_COMPARE_WITH_TIMEOUT(session.state(), Session::State::Open, 10000);
    // At the limit: accepted. One byte more: refused.
    QVERIFY(session.sendText(QStringLiteral("send binary %1 %2").arg(Limit).arg(framing)));
    QTRY_COMPARE_WITH_TIMEOUT(receivedCount(*session.log()), 1, 10000);
    QVERIFY(session.sendText(QStringLiteral("send binary %1 %2").arg(Limit + 1).arg(framing)));
    QTRY_COMPARE_WITH_TIMEOUT(session.state(), Session::State::Closed, 10000);
    QCOMPARE(receivedCount(*session.log()), 1);
    QCOMPARE(session.lastClose().code, 1009);
    int errorRow = -1, closeRow = -1;
    const MessageLog &log = *session.log();
    for (int row = 0; row < log.count(); ++row) {
        const QString text = QString::fromUtf8(log.data(row));
        if (log.at(row).kind == Kind::Error && text.contains(QStringLiteral("A message of more than 300000 bytes arrived")))
            errorRow = row;
        if (log.at(row).kind == Kind::Close && text.contains(QStringLiteral("1009")))
            closeRow = row;
    }
    QVERIFY2(errorRow >= 0, "no row says why the connection closed");
    QVERIFY(closeRow > errorRow);
}

// 1 MiB messages in a burst, through the tap, into the window's model.
void TestSizes::floodOfLargeMessagesKeepsTheModelSound()
{
    constexpr int Messages = 40;
    FloodServer server(Messages, int(MiB), true);
    QVERIFY(server.listen(QHostAddress::LocalHost));
    Session session;
    LogModel model(session.log());
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY(session.open(QUrl(QStringLiteral("ws://127.0.0.1:%1/").arg(server.serverPort()))));
    QTRY_COMPARE_WITH_TIMEOUT(receivedCount(*session.log()), Messages, 60000);
    QTRY_COMPARE_WITH_TIMEOUT(session.state(), Session::State::Closed, 10000);   // the server's Close came through too
    QCOMPARE(session.lastClose().closer, Session::Closer::Peer);
    session.log()->flush();
    const QList<Got> got = receivedIn(model);
    QCOMPARE(got.size(), Messages);
    QByteArray expected(int(MiB), 'x');
    for (int i = 0; i < expected.size(); ++i)
        expected[i] = char('a' + i % 26);
    const QByteArray hash = sha256(expected);
    QVERIFY(std::all_of(got.cbegin(), got.cend(), [&hash](const Got &g) { return g.bytes == MiB && g.sha256 == hash; }));
}

// wsscope --batch sends a 1 MiB file to wsscope --serve and gets it back.
void TestSizes::batchSendsAndReceivesAMegabyte()
{
    QProcess echo;
    echo.start(QStringLiteral(WSSCOPE_BINARY), {QStringLiteral("--serve"), QStringLiteral("0")});
    QVERIFY(echo.waitForStarted(10000));
    QTRY_VERIFY_WITH_TIMEOUT(echo.canReadLine(), 10000);
    const QString url = QString::fromUtf8(echo.readLine()).trimmed();
    QVERIFY2(url.startsWith(QStringLiteral("ws://")), qPrintable(url));

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("1MiB.bin"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    QByteArray data(int(MiB), '\0');
    for (int i = 0; i < data.size(); ++i)
        data[i] = char((i * 131) >> 3);
    file.write(data);
    file.close();

    QProcess batch;
    batch.start(QStringLiteral(WSSCOPE_BINARY), {url, QStringLiteral("--batch"), QStringLiteral("--send-file"), path,
                                                 QStringLiteral("--expect"), QStringLiteral("1"),
                                                 QStringLiteral("--timeout"), QStringLiteral("60")});
    QVERIFY(batch.waitForStarted(10000));
    QVERIFY(QTest::qWaitFor([&batch] { return batch.state() == QProcess::NotRunning; }, 90000));
    const QString out = QString::fromUtf8(batch.readAllStandardOutput());
    const QString err = QString::fromUtf8(batch.readAllStandardError());
    QVERIFY2(batch.exitStatus() == QProcess::NormalExit && batch.exitCode() == 0, qPrintable(out + err));
    QVERIFY2(out.contains(QStringLiteral("received 1 message (1048576 bytes)")), qPrintable(out + err));
    echo.kill();
    echo.waitForFinished();
}

// The server times its own pings (right after a text, as Nagle's algorithm
// would hold them back): through the tap as fast as directly.
void TestSizes::tapAddsNoDelayToRoundTrips()
{
    constexpr int Pings = 20;
    const auto roundTrips = [](Session::Mode mode) -> QList<double> {
        Peer server(QStringLiteral("python"), {});
        if (!server.waitUntilListening())
            return {};
        Session session;
        session.setMode(mode);
        if (!session.open(server.url(QStringLiteral("ws")))
            || !waitPromptly([&session] { return session.state() == Session::State::Open; }, 10000))
            return {};
        session.sendText(QStringLiteral("rtt %1").arg(Pings));
        if (!waitPromptly([&server] { return !server.lines().isEmpty(); }, 30000))
            return {};
        QList<double> rtts;
        for (const QJsonValue value : server.lines().constFirst().value(QStringLiteral("rtt_ms")).toArray())
            rtts << value.toDouble();
        std::sort(rtts.begin(), rtts.end());
        return rtts;
    };
    const auto show = [](const QList<double> &rtts) {
        QStringList texts;
        for (const double rtt : rtts)
            texts << QString::number(rtt, 'f', 2);
        return texts.join(QStringLiteral(" "));
    };
    // The median and the third quartile: a held-back ping costs about 40 ms,
    // and without TCP_NODELAY on the tap's sockets about a quarter were. A
    // busy machine only ever adds delay, so up to three tries.
    QByteArray both;
    for (int attempt = 0; attempt < 3; ++attempt) {
        const QList<double> direct = roundTrips(Session::Mode::Direct);
        const QList<double> tap = roundTrips(Session::Mode::Tap);
        QCOMPARE(direct.size(), Pings);
        QCOMPARE(tap.size(), Pings);
        both = (QStringLiteral("direct ms: ") + show(direct) + QStringLiteral("\ntap ms: ") + show(tap)).toUtf8();
        if (tap.at(Pings / 2) <= direct.at(Pings / 2) + 2.0 && tap.at(Pings * 3 / 4) <= direct.at(Pings * 3 / 4) + 2.0)
            return;
    }
    QFAIL(both.constData());
}

QTEST_MAIN(TestSizes)
#include "tst_sizes.moc"
