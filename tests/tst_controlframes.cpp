// Control frames that only the wire tap sees (a server's pings, Qt's
// automatic pongs) as log rows, and a saved session that keeps the wire as
// it was captured: rows, session file, HAR, reopened Wire tab and pcapng.
#include "inspector/wiremodel.h"
#include "log/logfilter.h"
#include "record/export.h"
#include "record/journal.h"
#include "record/sessionfile.h"
#include "session/session.h"

#include "rawserver.h"

#include <QBuffer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

namespace {

// Python websockets' server from tests/peers/pinging_server.py.
class PingingPeer
{
public:
    explicit PingingPeer(int intervalMs)
    {
        m_process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        m_process.start(QStringLiteral(WSSCOPE_PYTHON),
                        {QStringLiteral(WSSCOPE_PEERS_DIR "/pinging_server.py"), QString::number(intervalMs)});
    }
    ~PingingPeer()
    {
        m_process.kill();
        m_process.waitForFinished();
    }
    QUrl url()
    {
        if (m_port == 0 && m_process.waitForReadyRead(15000))
            m_port = QJsonDocument::fromJson(m_process.readLine()).object().value(QStringLiteral("port")).toInt();
        return QUrl(QStringLiteral("ws://127.0.0.1:%1/ctl").arg(m_port));
    }

private:
    QProcess m_process;
    int m_port = 0;
};

int countRows(const MessageLog &log, MessageLog::Direction direction, MessageLog::Kind kind)
{
    int n = 0;
    for (int row = 0; row < log.count(); ++row)
        n += log.at(row).direction == direction && log.at(row).kind == kind;
    return n;
}

int findRow(const MessageLog &log, MessageLog::Direction direction, MessageLog::Kind kind, QByteArrayView data)
{
    for (int row = 0; row < log.count(); ++row) {
        if (log.at(row).direction == direction && log.at(row).kind == kind && log.data(row) == data)
            return row;
    }
    return -1;
}

QByteArray bytesOf(const Session &session, SessionExport::Format format, bool mask = false)
{
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    QString error;
    SessionExport::Options options;
    options.maskSecrets = mask;
    if (!SessionExport::write(session, format, &buffer, options, &error))
        qWarning("export failed: %s", qPrintable(error));
    return buffer.data();
}

QList<QJsonObject> jsonLines(const QByteArray &file)
{
    QList<QJsonObject> lines;
    for (const QByteArray &line : file.split('\n')) {
        if (!line.isEmpty())
            lines << QJsonDocument::fromJson(line).object();
    }
    return lines;
}

// Every row, column and the roles a user sees, as text, for comparing two models.
QStringList modelText(const QAbstractItemModel &model)
{
    QStringList out;
    for (int row = 0; row < model.rowCount(); ++row) {
        for (int column = 0; column < model.columnCount(); ++column) {
            const QModelIndex index = model.index(row, column);
            for (const int role : {int(Qt::DisplayRole), int(Qt::ToolTipRole), int(WireModel::FrameIndexRole)})
                out << QStringLiteral("%1/%2/%3: %4").arg(row).arg(column).arg(role).arg(model.data(index, role).toString());
        }
    }
    return out;
}

} // namespace

class TestControlFrames : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void serverPingsAreRows_data();
    void serverPingsAreRows();
    void pingBetweenMessages();
    void rowsFollowTheWire();
    void roundTripFromTheWire();
    void directModeCannotKnow();
    void largePayloadsWrittenOnce();
    void clearWhileConnectedKeepsTheCount();
    void journalKeepsTheWire();
    void ringKeepsNumbering();
    void versionOneFileOpens();

private:
    // Opens `session` to the peer, waits for `pings` server pings, closes.
    bool runPinged(Session &session, PingingPeer &peer, int pings);
    QTemporaryDir m_dir;
    QString m_tshark;
};

void TestControlFrames::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_tshark = QStandardPaths::findExecutable(QStringLiteral("tshark"));
    if (m_tshark.isEmpty())
        QFAIL("tshark is not installed (Debian: apt-get install tshark).");
}

bool TestControlFrames::runPinged(Session &session, PingingPeer &peer, int pings)
{
    QString error;
    if (!session.open(peer.url(), &error)) {
        qWarning("open: %s", qPrintable(error));
        return false;
    }
    if (!QTest::qWaitFor([&session] { return session.state() == Session::State::Open; }, 10000))
        return false;
    session.sendText(QStringLiteral("hello"));
    const MessageLog &log = *session.log();
    if (!QTest::qWaitFor([&] { return countRows(log, MessageLog::Direction::Sent, MessageLog::Kind::Pong) >= pings; },
                         10000))
        return false;
    session.close();
    return QTest::qWaitFor([&session] { return session.state() == Session::State::Closed; }, 10000);
}

void TestControlFrames::serverPingsAreRows_data()
{
    QTest::addColumn<bool>("mask");
    QTest::newRow("as sent") << false;
    QTest::newRow("credentials hidden") << true;
}

void TestControlFrames::serverPingsAreRows()
{
    QFETCH(bool, mask);
    PingingPeer peer(200);
    Session session;
    session.setRequestHeaders({{"Authorization", "Bearer s3cret-token"}});
    QVERIFY(runPinged(session, peer, 3));
    QTRY_VERIFY(session.capture()->closeFrameFromServer());
    const MessageLog &log = *session.log();
    const WireCapture &capture = *session.capture();

    // Every ping the server sent is a row, with its frame's payload and time,
    // and Qt's pong to it is a sent row after it.
    const int pings = capture.countOf(false, WireCapture::Counted::Ping);
    QVERIFY(pings >= 3);
    QCOMPARE(countRows(log, MessageLog::Direction::Received, MessageLog::Kind::Ping), pings);
    QCOMPARE(countRows(log, MessageLog::Direction::Sent, MessageLog::Kind::Pong),
             capture.countOf(true, WireCapture::Counted::Pong));
    int seen = 0;
    for (int row = 0; row < log.count(); ++row) {
        const MessageLog::Entry &entry = log.at(row);
        if (entry.direction != MessageLog::Direction::Received || entry.kind != MessageLog::Kind::Ping)
            continue;
        QCOMPARE(entry.sequence, seen++);
        const WireCapture::Frame frame = capture.frame(capture.nthFrame(false, WireCapture::Counted::Ping, entry.sequence));
        QCOMPARE(log.data(row), QByteArrayView(frame.frame.payload));
        QVERIFY2(entry.timeUsec >= frame.frame.timeUsec, "logged once the tap saw it");
        const int pong = findRow(log, MessageLog::Direction::Sent, MessageLog::Kind::Pong, log.data(row));
        QVERIFY2(pong > row, "Qt's pong is a row after the ping it answers");
    }
    // The filters count them as control rows.
    const LogFilter controlOnly(QString(), false, LogFilter::AllDirections, LogFilter::Control);
    int control = 0;
    for (int row = 0; row < log.count(); ++row)
        control += controlOnly.matches(log, row);
    QCOMPARE(control, pings + capture.countOf(true, WireCapture::Counted::Pong));

    // The session file has them, and the captured wire, version 2.
    const QByteArray file = bytesOf(session, SessionExport::Format::SessionFile, mask);
    const QList<QJsonObject> lines = jsonLines(file);
    QCOMPARE(lines.first().value(QStringLiteral("version")).toInt(), SessionFile::Version);
    int savedPings = 0, savedPongs = 0, wireLines = 0, tapLines = 0;
    QByteArray sentWire;
    for (const QJsonObject &line : lines) {
        const QString type = line.value(QStringLiteral("type")).toString();
        const QString dir = line.value(QStringLiteral("dir")).toString();
        if (type == u"message" && line.value(QStringLiteral("opcode")).toInt() == 9 && dir == u"receive")
            ++savedPings;
        if (type == u"message" && line.value(QStringLiteral("opcode")).toInt() == 10 && dir == u"send")
            ++savedPongs;
        wireLines += type == u"wire";
        tapLines += type == u"tap";
        if (type == u"wire" && dir == u"send")
            sentWire += QByteArray::fromBase64(line.value(QStringLiteral("base64")).toString().toLatin1());
    }
    QCOMPARE(savedPings, pings);
    QCOMPARE(savedPongs, capture.countOf(true, WireCapture::Counted::Pong));
    QCOMPARE(wireLines, int(capture.chunks().size()));
    QCOMPARE(tapLines, int(capture.events().size()));
    QVERIFY(sentWire.startsWith("GET /ctl HTTP/1.1\r\n"));
    QCOMPARE(sentWire.contains("s3cret-token"), !mask);

    // HAR: opcodes 9 and 10 in _webSocketMessages, as Chrome writes them.
    const QJsonObject har = QJsonDocument::fromJson(bytesOf(session, SessionExport::Format::Har, mask)).object();
    const QJsonArray messages = har.value(QStringLiteral("log")).toObject().value(QStringLiteral("entries")).toArray()
                                    .first().toObject().value(QStringLiteral("_webSocketMessages")).toArray();
    int harPings = 0, harPongs = 0;
    for (const QJsonValue &message : messages) {
        const QJsonObject m = message.toObject();
        harPings += m.value(QStringLiteral("opcode")).toInt() == 9 && m.value(QStringLiteral("type")).toString() == u"receive";
        harPongs += m.value(QStringLiteral("opcode")).toInt() == 10 && m.value(QStringLiteral("type")).toString() == u"send";
    }
    QCOMPARE(harPings, pings);
    QCOMPARE(harPongs, capture.countOf(true, WireCapture::Counted::Pong));

    // Reopened: the same rows, the same Wire tab field by field, the same pcapng byte for byte.
    const QString path = m_dir.filePath(QStringLiteral("pinged-%1.jsonl").arg(mask));
    {
        QFile out(path);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(file);
    }
    Session reopened;
    SessionFile::Loaded loaded;
    QString error;
    QVERIFY2(SessionFile::load(path, &reopened, &loaded, &error), qPrintable(error));
    QVERIFY2(loaded.problem.isEmpty(), qPrintable(loaded.problem));
    const MessageLog &back = *reopened.log();
    QCOMPARE(back.count(), log.count());
    for (int row = 0; row < log.count(); ++row) {
        QCOMPARE(back.at(row).kind, log.at(row).kind);
        QCOMPARE(back.at(row).direction, log.at(row).direction);
        QCOMPARE(back.at(row).sequence, log.at(row).sequence);
        QCOMPARE(back.at(row).timeUsec, log.at(row).timeUsec);
        QCOMPARE(back.data(row), log.data(row));
    }
    QVERIFY(reopened.captureHolds(reopened.connections().last().id));
    if (!mask) {
        WireModel live(session.capture());
        WireModel shown(reopened.capture());
        QCOMPARE(shown.rowCount(), live.rowCount());
        QCOMPARE(modelText(shown), modelText(live));
    }
    const QByteArray livePcap = bytesOf(session, SessionExport::Format::Pcapng, mask);
    const QByteArray reopenedPcap = bytesOf(reopened, SessionExport::Format::Pcapng, mask);
    QVERIFY(!livePcap.isEmpty());
    QVERIFY2(livePcap == reopenedPcap, "the reopened session's pcapng equals the live one byte for byte");
    const QString pcapPath = m_dir.filePath(QStringLiteral("pinged-%1.pcapng").arg(mask));
    {
        QFile out(pcapPath);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(reopenedPcap);
    }
    QProcess tshark;
    tshark.start(m_tshark, {QStringLiteral("-r"), pcapPath, QStringLiteral("-Y"), QStringLiteral("websocket.opcode == 9"),
                            QStringLiteral("-T"), QStringLiteral("fields"), QStringLiteral("-e"), QStringLiteral("frame.number")});
    QVERIFY(tshark.waitForFinished(60000));
    QCOMPARE(tshark.exitCode(), 0);
    const int tsharkPings = int(tshark.readAllStandardOutput().trimmed().split('\n').size());
    QCOMPARE(tsharkPings, pings);
}

void TestControlFrames::pingBetweenMessages()
{
    PingingPeer peer(600000);   // no keep-alive pings: only the one between the messages
    Session session;
    QVERIFY(session.open(peer.url()));
    QTRY_COMPARE_WITH_TIMEOUT(session.state(), Session::State::Open, 10000);
    session.sendText(QStringLiteral("burst"));
    const MessageLog &log = *session.log();
    QTRY_VERIFY_WITH_TIMEOUT(findRow(log, MessageLog::Direction::Sent, MessageLog::Kind::Pong, "mid") >= 0, 10000);
    QTRY_VERIFY(findRow(log, MessageLog::Direction::Received, MessageLog::Kind::Text, "b") >= 0);
    const int a = findRow(log, MessageLog::Direction::Received, MessageLog::Kind::Text, "a");
    const int b = findRow(log, MessageLog::Direction::Received, MessageLog::Kind::Text, "b");
    const int ping = findRow(log, MessageLog::Direction::Received, MessageLog::Kind::Ping, "mid");
    const int pong = findRow(log, MessageLog::Direction::Sent, MessageLog::Kind::Pong, "mid");
    QVERIFY(a >= 0 && ping >= 0);
    // On the wire: a, ping, b. The ping's row never comes before what came
    // before it on the wire, and carries its wire time, between a's and b's frames.
    const WireCapture &capture = *session.capture();
    const int aFrame = capture.messageStart(false, log.at(a).sequence);
    const int pingFrame = capture.nthFrame(false, WireCapture::Counted::Ping, log.at(ping).sequence);
    const int bFrame = capture.messageStart(false, log.at(b).sequence);
    QVERIFY(aFrame < pingFrame && pingFrame < bFrame);
    // The rows are in wire order, with the times the tap read the frames.
    QVERIFY(ping > a);
    QVERIFY(b > ping);
    QVERIFY(pong > ping);
    QCOMPARE(log.at(a).timeUsec, capture.frameTime(aFrame));
    QCOMPARE(log.at(ping).timeUsec, capture.frameTime(pingFrame));
    QCOMPARE(log.at(b).timeUsec, capture.frameTime(bFrame));
    const int pongFrame = capture.nthFrame(true, WireCapture::Counted::Pong, log.at(pong).sequence);
    QVERIFY(pongFrame > pingFrame);
    QCOMPARE(log.at(pong).timeUsec, capture.frameTime(pongFrame));
    // The log is in the order rows were learned, and its times never go back.
    for (int row = 1; row < log.count(); ++row)
        QVERIFY(log.at(row).timeUsec >= log.at(row - 1).timeUsec);
    qInfo("log order: a at %d, b at %d, ping at %d, pong at %d", a, b, ping, pong);
    session.close();
    QTRY_COMPARE(session.state(), Session::State::Closed);
}

// A text message in three fragments, with a ping between the first two and
// the last fragment 300 ms later: the ping and Qt's pong are rows at once,
// before the message; the message's row comes when its last byte does, with
// that byte's time, not the first fragment's and not QWebSocket's.
void TestControlFrames::rowsFollowTheWire()
{
    RawServer server(QByteArray("\x01\x02he", 4) + QByteArray("\x89\x01p", 3) + QByteArray("\x00\x01l", 3));
    server.upgrade();
    server.thenAfter(300, QByteArray("\x80\x02lo", 4) + QByteArray("\x82\x01x", 3));
    Session session;
    QVERIFY(session.open(server.url()));
    QTRY_COMPARE_WITH_TIMEOUT(session.state(), Session::State::Open, 10000);
    const MessageLog &log = *session.log();
    QTRY_VERIFY(findRow(log, MessageLog::Direction::Sent, MessageLog::Kind::Pong, "p") >= 0);
    // Before the rest has come.
    QCOMPARE(findRow(log, MessageLog::Direction::Received, MessageLog::Kind::Text, "hello"), -1);
    QTRY_VERIFY(findRow(log, MessageLog::Direction::Received, MessageLog::Kind::Binary, "x") >= 0);
    const int ping = findRow(log, MessageLog::Direction::Received, MessageLog::Kind::Ping, "p");
    const int pong = findRow(log, MessageLog::Direction::Sent, MessageLog::Kind::Pong, "p");
    const int text = findRow(log, MessageLog::Direction::Received, MessageLog::Kind::Text, "hello");
    const int binary = findRow(log, MessageLog::Direction::Received, MessageLog::Kind::Binary, "x");
    QVERIFY2(ping < pong && pong < text && text < binary,
             qPrintable(QStringLiteral("ping %1, pong %2, text %3, binary %4").arg(ping).arg(pong).arg(text).arg(binary)));
    const WireCapture &capture = *session.capture();
    const QList<int> fragments = capture.messageFrames(capture.messageStart(false, 0));
    QCOMPARE(fragments.size(), 3);
    QCOMPARE(log.at(text).timeUsec, capture.frameTime(fragments.last()));
    QVERIFY(log.at(text).timeUsec - capture.frameTime(fragments.first()) >= 250000);
    QCOMPARE(log.at(binary).timeUsec, capture.frameTime(capture.messageStart(false, 1)));
    QCOMPARE(log.at(ping).timeUsec, capture.frameTime(capture.nthFrame(false, WireCapture::Counted::Ping, 0)));
    QCOMPARE(log.at(pong).timeUsec, capture.frameTime(capture.nthFrame(true, WireCapture::Counted::Pong, 0)));
    session.abort();
    QTRY_COMPARE(session.state(), Session::State::Closed);
}

// Through the tap a ping's round trip is the wire's: from the tap's write of
// the ping to its read of the pong.
void TestControlFrames::roundTripFromTheWire()
{
    PingingPeer peer(600000);
    Session session;
    QVERIFY(session.open(peer.url()));
    QTRY_COMPARE_WITH_TIMEOUT(session.state(), Session::State::Open, 10000);
    for (int i = 0; i < 5; ++i)
        QVERIFY(session.ping("rt" + QByteArray::number(i)));
    const MessageLog &log = *session.log();
    QTRY_COMPARE(countRows(log, MessageLog::Direction::Received, MessageLog::Kind::Pong), 5);
    const WireCapture &capture = *session.capture();
    const QList<Session::RttSample> samples = session.connections().last().rtts;
    QCOMPARE(samples.size(), 5);
    for (int i = 0; i < 5; ++i) {
        const int pongRow = findRow(log, MessageLog::Direction::Received, MessageLog::Kind::Pong, QByteArray("rt" + QByteArray::number(i)));
        QVERIFY(pongRow >= 0);
        const qint64 pongTime = capture.frameTime(capture.nthFrame(false, WireCapture::Counted::Pong, i));
        const qint64 pingTime = capture.frameTime(capture.nthFrame(true, WireCapture::Counted::Ping, i));
        QCOMPARE(log.at(pongRow).timeUsec, pongTime);
        QCOMPARE(samples.at(i).rttUsec, pongTime - pingTime);
        QCOMPARE(session.rttOfPong(log.at(pongRow).connection, log.at(pongRow).sequence), pongTime - pingTime);
        QVERIFY(samples.at(i).rttUsec >= 0);
    }
    session.close();
    QTRY_COMPARE(session.state(), Session::State::Closed);
}

void TestControlFrames::directModeCannotKnow()
{
    PingingPeer peer(100);
    Session session;
    session.setMode(Session::Mode::Direct);
    QVERIFY(session.open(peer.url()));
    QTRY_COMPARE_WITH_TIMEOUT(session.state(), Session::State::Open, 10000);
    // The peer pings every 100 ms; its pings reach Qt, which answers them unseen.
    QTest::qWait(500);
    session.close();
    QTRY_COMPARE(session.state(), Session::State::Closed);
    QCOMPARE(countRows(*session.log(), MessageLog::Direction::Received, MessageLog::Kind::Ping), 0);
    const QStringList unknown = session.connections().last().handshake.unknown;
    QVERIFY2(unknown.join(u'\n').contains(QStringLiteral("Pings from the server")), qPrintable(unknown.join(u'\n')));
}

// A received message over 4 KiB is written once, in the wire lines: its
// message line says which message of them it is. The journal and a saved
// file both come back whole; without the wire lines, reading says why it
// stopped.
void TestControlFrames::largePayloadsWrittenOnce()
{
    QByteArray big(70000, Qt::Uninitialized);
    for (qsizetype i = 0; i < big.size(); ++i)
        big[i] = char(i * 131 % 251);
    const QByteArray text = QByteArray(10000, 'w');
    // One binary frame with a 64-bit length.
    QByteArray frames("\x82\x7F", 2);
    for (int shift = 56; shift >= 0; shift -= 8)
        frames.append(char(quint64(big.size()) >> shift & 0xFF));
    frames.append(big);
    // The text in three fragments with a ping between the first two.
    const auto part = [](char head, const QByteArray &bytes) -> QByteArray {
        QByteArray frame(1, head);
        frame.append('\x7E');
        frame.append(char(bytes.size() >> 8));
        frame.append(char(bytes.size() & 0xFF));
        frame.append(bytes);
        return frame;
    };
    frames += part('\x01', text.left(4000)) + QByteArray("\x89\x01p", 3) + part('\x00', text.mid(4000, 3000))
        + part('\x80', text.mid(7000));
    frames += QByteArray("\x81\x04tiny", 6);
    RawServer server(frames);
    server.upgrade();
    Session session;
    const QString directory = m_dir.filePath(QStringLiteral("once"));
    Journal journal(&session, directory);
    QVERIFY(journal.isOpen());
    QVERIFY(session.open(server.url()));
    const MessageLog &log = *session.log();
    QTRY_VERIFY_WITH_TIMEOUT(findRow(log, MessageLog::Direction::Received, MessageLog::Kind::Text, "tiny") >= 0, 10000);
    QVERIFY(findRow(log, MessageLog::Direction::Received, MessageLog::Kind::Binary, big) >= 0);
    QVERIFY(findRow(log, MessageLog::Direction::Received, MessageLog::Kind::Text, text) >= 0);
    const QByteArray saved = bytesOf(session, SessionExport::Format::SessionFile);
    session.abort();
    QTRY_COMPARE(session.state(), Session::State::Closed);
    const QString path = journal.path();
    journal.finish(true);
    QFile journalFile(path);
    QVERIFY(journalFile.open(QIODevice::ReadOnly));
    const QByteArray journaled = journalFile.readAll();

    for (const QByteArray &file : {saved, journaled}) {
        QStringList kinds;
        for (const QJsonObject &line : jsonLines(file)) {
            if (line.value(QStringLiteral("type")).toString() != u"message"
                || line.value(QStringLiteral("dir")).toString() != u"receive")
                continue;
            const int size = line.value(QStringLiteral("size")).toInt();
            kinds << QStringLiteral("%1 %2 %3").arg(size).arg(line.contains(QStringLiteral("wireMessage"))
                                                                  ? line.value(QStringLiteral("wireMessage")).toInt()
                                                                  : -1)
                         .arg(line.contains(QStringLiteral("base64")) || line.contains(QStringLiteral("text"))
                                  ? QStringLiteral("inline") : QStringLiteral("wire"));
        }
        // The ping (1 byte) and "tiny" keep their payload; the large ones are messages 0 and 1 of the wire.
        QCOMPARE(kinds, (QStringList{QStringLiteral("70000 0 wire"), QStringLiteral("1 -1 inline"),
                                     QStringLiteral("10000 1 wire"), QStringLiteral("4 -1 inline")}));
        // Once in base64 (about 107 KB for the 80,000 bytes), not twice.
        QVERIFY2(file.size() < 80000 * 4 / 3 + 20000, qPrintable(QString::number(file.size())));
        QBuffer in;
        in.setData(file);
        QVERIFY(in.open(QIODevice::ReadOnly));
        MessageLog back;
        const SessionFile::Loaded loaded = SessionFile::read(&in, &back);
        QVERIFY2(loaded.problem.isEmpty(), qPrintable(loaded.problem));
        const int bigRow = findRow(back, MessageLog::Direction::Received, MessageLog::Kind::Binary, big);
        const int textRow = findRow(back, MessageLog::Direction::Received, MessageLog::Kind::Text, text);
        QVERIFY(bigRow >= 0 && textRow > bigRow);
        QCOMPARE(back.at(bigRow).sequence, 0);
        QCOMPARE(back.at(textRow).sequence, 1);
        QCOMPARE(back.at(findRow(back, MessageLog::Direction::Received, MessageLog::Kind::Text, "tiny")).sequence, 2);
    }

    // Without its wire lines, the file says where and why reading stopped.
    QByteArray damaged;
    int firstReference = 0;
    int lineNumber = 0;
    for (const QByteArray &line : saved.split('\n')) {
        if (line.isEmpty() || line.startsWith("{\"type\":\"wire\""))
            continue;
        ++lineNumber;
        if (firstReference == 0 && line.contains("\"wireMessage\""))
            firstReference = lineNumber;
        damaged += line + '\n';
    }
    QVERIFY(firstReference > 0);
    QBuffer in(&damaged);
    QVERIFY(in.open(QIODevice::ReadOnly));
    MessageLog back;
    const SessionFile::Loaded loaded = SessionFile::read(&in, &back);
    QCOMPARE(loaded.problemLine, firstReference);
    QVERIFY2(loaded.problem.contains(QStringLiteral("not in the wire lines")), qPrintable(loaded.problem));
    QVERIFY(back.count() > 0);

    // A line that names a message already taken is refused: no payload is
    // read twice, however many lines ask for it.
    QByteArray repeated;
    int repeat = 0;
    lineNumber = 0;
    for (const QByteArray &line : saved.split('\n')) {
        if (line.isEmpty())
            continue;
        repeated += line + '\n';
        ++lineNumber;
        if (repeat == 0 && line.contains("\"wireMessage\":0")) {
            repeated += line + '\n';
            repeat = ++lineNumber;
        }
    }
    QVERIFY(repeat > 0);
    QBuffer again(&repeated);
    QVERIFY(again.open(QIODevice::ReadOnly));
    MessageLog twice;
    const SessionFile::Loaded refused = SessionFile::read(&again, &twice);
    QCOMPARE(refused.problemLine, repeat);
    QVERIFY2(refused.problem.contains(QStringLiteral("not in the wire lines")), qPrintable(refused.problem));
}

// Clear while connected gives the capture's history back; what comes after
// is still numbered and timed by its own frames, and a message whose first
// fragment was given back still arrives.
void TestControlFrames::clearWhileConnectedKeepsTheCount()
{
    RawServer server(QByteArray("\x81\x05" "first", 7) + QByteArray("\x89\x01p", 3) + QByteArray("\x01\x03hel", 5));
    server.upgrade();
    server.thenAfter(400, QByteArray("\x80\x02lo", 4) + QByteArray("\x89\x01q", 3) + QByteArray("\x81\x05" "after", 7));
    Session session;
    QVERIFY(session.open(server.url()));
    const MessageLog &log = *session.log();
    QTRY_VERIFY_WITH_TIMEOUT(findRow(log, MessageLog::Direction::Sent, MessageLog::Kind::Pong, "p") >= 0, 10000);
    QVERIFY(findRow(log, MessageLog::Direction::Received, MessageLog::Kind::Text, "first") >= 0);
    session.clear();
    QCOMPARE(session.capture()->frameCount(), 0);
    QTRY_VERIFY(findRow(log, MessageLog::Direction::Received, MessageLog::Kind::Text, "after") >= 0);
    const int hello = findRow(log, MessageLog::Direction::Received, MessageLog::Kind::Text, "hello");
    const int ping = findRow(log, MessageLog::Direction::Received, MessageLog::Kind::Ping, "q");
    const int after = findRow(log, MessageLog::Direction::Received, MessageLog::Kind::Text, "after");
    QVERIFY2(hello >= 0 && hello < ping && ping < after,
             qPrintable(QStringLiteral("hello %1, ping %2, after %3").arg(hello).arg(ping).arg(after)));
    QCOMPARE(log.at(hello).sequence, 1);
    QCOMPARE(log.at(after).sequence, 2);
    QCOMPARE(log.at(ping).sequence, 1);
    const WireCapture &capture = *session.capture();
    QCOMPARE(capture.frame(capture.messageStart(false, 2)).frame.payload, QByteArray("after"));
    QCOMPARE(log.at(after).timeUsec, capture.frameTime(capture.messageStart(false, 2)));
    QCOMPARE(log.at(ping).timeUsec, capture.frameTime(capture.nthFrame(false, WireCapture::Counted::Ping, 1)));
    session.abort();
    QTRY_COMPARE(session.state(), Session::State::Closed);
}

void TestControlFrames::journalKeepsTheWire()
{
    PingingPeer peer(200);
    Session session;
    const QString directory = m_dir.filePath(QStringLiteral("journal"));
    Journal journal(&session, directory);
    QVERIFY(journal.isOpen());
    // Two connections: the journal keeps the first one's wire too, though
    // the capture forgets it when the second starts.
    QVERIFY(runPinged(session, peer, 1));
    const QList<TapRecord> first = session.capture()->records();
    QVERIFY(runPinged(session, peer, 2));
    QTRY_VERIFY(session.capture()->closeFrameFromServer());
    const QList<TapRecord> second = session.capture()->records();
    const QString path = journal.path();
    journal.finish(true);

    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    MessageLog log;
    const SessionFile::Loaded loaded = SessionFile::read(&file, &log);
    QVERIFY2(loaded.problem.isEmpty(), qPrintable(loaded.problem));
    QCOMPARE(loaded.version, SessionFile::Version);
    for (const auto &[id, expected] : {std::pair{1, first}, std::pair{2, second}}) {
        const QList<TapRecord> saved = loaded.wire.value(id);
        QCOMPARE(saved.size(), expected.size());
        for (qsizetype i = 0; i < saved.size(); ++i) {
            QCOMPARE(saved.at(i).type, expected.at(i).type);
            QCOMPARE(saved.at(i).timeUsec, expected.at(i).timeUsec);
            QCOMPARE(saved.at(i).bytes, expected.at(i).bytes);
            QCOMPARE(saved.at(i).text, expected.at(i).text);
        }
    }
    Session reopened;
    SessionFile::Loaded again;
    QString error;
    QVERIFY2(SessionFile::load(path, &reopened, &again, &error), qPrintable(error));
    // The first connection's pcapng stream has its real bytes too: Qt's
    // random mask keys, which a stream rebuilt from the log would not have.
    const QByteArray pcap = bytesOf(reopened, SessionExport::Format::Pcapng);
    QByteArray firstFrames;
    bool pastRequest = false;
    for (const TapRecord &record : first) {
        if (record.type != TapRecord::Type::ClientBytes)
            continue;
        if (pastRequest) {
            firstFrames = record.bytes;
            break;
        }
        pastRequest = true;
    }
    QVERIFY(!firstFrames.isEmpty());
    QVERIFY(pcap.contains(firstFrames.left(64)));
    QVERIFY(!bytesOf(session, SessionExport::Format::Pcapng).contains(firstFrames.left(64)));
    QCOMPARE(countRows(*reopened.log(), MessageLog::Direction::Received, MessageLog::Kind::Ping),
             countRows(*session.log(), MessageLog::Direction::Received, MessageLog::Kind::Ping));
}

void TestControlFrames::ringKeepsNumbering()
{
    // Log > Keep: the oldest rows go, the newest still find their frames.
    PingingPeer peer(100);
    Session session;
    session.log()->setMaxRows(4);
    session.log()->setBatchInterval(10);
    QVERIFY(session.open(peer.url()));
    QTRY_COMPARE_WITH_TIMEOUT(session.state(), Session::State::Open, 10000);
    const WireCapture &capture = *session.capture();
    QTRY_VERIFY_WITH_TIMEOUT(capture.countOf(true, WireCapture::Counted::Pong) >= 6, 10000);
    session.log()->flush();
    const MessageLog &log = *session.log();
    QVERIFY(log.droppedRows() > 0);
    QCOMPARE(log.count(), 4);
    for (int row = 0; row < log.count(); ++row) {
        const MessageLog::Entry &entry = log.at(row);
        if (entry.kind != MessageLog::Kind::Ping && entry.kind != MessageLog::Kind::Pong)
            continue;
        const bool fromClient = entry.direction == MessageLog::Direction::Sent;
        const int frame = capture.nthFrame(fromClient,
                                           entry.kind == MessageLog::Kind::Ping ? WireCapture::Counted::Ping
                                                                                : WireCapture::Counted::Pong,
                                           entry.sequence);
        QVERIFY(frame >= 0);
        QCOMPARE(log.data(row), QByteArrayView(capture.frame(frame).frame.payload));
    }
    session.close();
    QTRY_COMPARE(session.state(), Session::State::Closed);
}

void TestControlFrames::versionOneFileOpens()
{
    // Saved by wsscope 0.1.0 (format version 1: no wire lines): it opens, and
    // its Wire tab is rebuilt from the log.
    Session session;
    SessionFile::Loaded loaded;
    QString error;
    QVERIFY2(SessionFile::load(QStringLiteral(WSSCOPE_TEST_DATA "/session-v1.jsonl"), &session, &loaded, &error),
             qPrintable(error));
    QVERIFY2(loaded.problem.isEmpty(), qPrintable(loaded.problem));
    QCOMPARE(loaded.version, 1);
    QVERIFY(loaded.wire.isEmpty());
    QCOMPARE(loaded.rows, 7);
    QCOMPARE(session.connections().size(), 1);
    QVERIFY(!session.captureHolds(1));
    QVERIFY(session.capture()->frameCount() > 0);
    QVERIFY(!bytesOf(session, SessionExport::Format::Pcapng).isEmpty());
    // Saved again, it becomes the current version without wire lines (none were captured).
    const QList<QJsonObject> lines = jsonLines(bytesOf(session, SessionExport::Format::SessionFile));
    QCOMPARE(lines.first().value(QStringLiteral("version")).toInt(), SessionFile::Version);
    for (const QJsonObject &line : lines)
        QVERIFY(line.value(QStringLiteral("type")).toString() != u"wire");
}

QTEST_MAIN(TestControlFrames)
#include "tst_controlframes.moc"
