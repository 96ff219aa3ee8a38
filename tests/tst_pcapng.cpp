#include "nodepeer.h"
#include "qtpeer.h"
#include "record/pcapng.h"
#include "record/wirestream.h"
#include "session/session.h"
#include "wire/wirecapture.h"

#include <QBuffer>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>

// Pcapng::write against real connections through the tap, checked with
// tshark: what Wireshark shows of the file is what the session saw.
class TestPcapng : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void capturedStreamDissects();
    void rebuiltStreamDissects();
    void earlierConnectionIsRebuilt();
    void fragmentsAndServerPingFromNode();
    void directConnectionIsRebuilt();
    void maskSecretsHidesAuthorization();
    void maskingSpansChunks();
    void wssOverIpv6UsesStandIns();
    void tapRecordsFeedACapture();
    void writeErrorsAreReported();

private:
    struct Seen
    {
        bool fromClient = false;
        int opcode = -1;
        QByteArray payload;
        int stream = 0;
    };
    struct Result
    {
        bool ok = false;
        QString why;
        QList<QStringList> rows;
    };

    Result tshark(const QString &file, const QString &filter, const QStringList &fields,
                  const QStringList &options = {}) const;
    QString write(const Session &session, const QString &name, bool maskSecrets = false);
    QList<Seen> frames(const QString &file, QString *why) const;
    QString sequenceProblems(const QString &file) const;

    QString m_tshark;
    QTemporaryDir m_dir;
};

namespace {

struct Frame
{
    bool fromClient = false;
    int opcode = -1;
    QByteArray payload;
};

// What the capture holds, frame by frame, payloads unmasked.
QList<Frame> capturedFrames(const WireCapture &capture)
{
    QList<Frame> result;
    for (int i = 0; i < capture.frameCount(); ++i) {
        const WireCapture::Frame frame = capture.frame(i);
        result.append({frame.fromClient, frame.frame.opcode, frame.frame.payload});
    }
    return result;
}

// The data and control frames the log of one connection implies, one per row.
QList<Frame> loggedFrames(const MessageLog &log, int connection)
{
    QList<Frame> result;
    for (int row = 0; row < log.count(); ++row) {
        const MessageLog::Entry &entry = log.at(row);
        if (entry.connection != connection || entry.direction == MessageLog::Direction::Local)
            continue;
        int opcode = -1;
        switch (entry.kind) {
        case MessageLog::Kind::Text: opcode = 0x1; break;
        case MessageLog::Kind::Binary: opcode = 0x2; break;
        case MessageLog::Kind::Ping: opcode = 0x9; break;
        case MessageLog::Kind::Pong: opcode = 0xA; break;
        default: continue;
        }
        result.append({entry.direction == MessageLog::Direction::Sent, opcode, log.data(row).toByteArray()});
    }
    return result;
}

QByteArray closePayload(int code, const QString &reason)
{
    QByteArray payload;
    payload.append(char(code >> 8));
    payload.append(char(code & 0xFF));
    return payload + reason.toUtf8();
}

QString describe(const Frame &frame)
{
    return QStringLiteral("%1 opcode %2, %3 bytes: %4")
        .arg(frame.fromClient ? QStringLiteral("client") : QStringLiteral("server"))
        .arg(frame.opcode)
        .arg(frame.payload.size())
        .arg(QString::fromLatin1(frame.payload.left(24).toHex()));
}

QByteArray binaryPattern(int size)
{
    QByteArray bytes(size, Qt::Uninitialized);
    for (int i = 0; i < size; ++i)
        bytes[i] = char((i * 7 + 3) & 0xFF);
    return bytes;
}

// Echoes everything the client sends, the way QWebSocket does by default for pings.
void echo(QWebSocket *server)
{
    QObject::connect(server, &QWebSocket::textMessageReceived, server, &QWebSocket::sendTextMessage);
    QObject::connect(server, &QWebSocket::binaryMessageReceived, server, &QWebSocket::sendBinaryMessage);
}

} // namespace

#define COMPARE_FRAMES(seen, expected)                                                                             \
    do {                                                                                                           \
        const QList<Seen> &seen_ = (seen);                                                                         \
        const QList<Frame> &expected_ = (expected);                                                                \
        for (int i_ = 0; i_ < qMin(seen_.size(), expected_.size()); ++i_) {                                         \
            const Frame got_{seen_.at(i_).fromClient, seen_.at(i_).opcode, seen_.at(i_).payload};                  \
            QVERIFY2(got_.fromClient == expected_.at(i_).fromClient && got_.opcode == expected_.at(i_).opcode      \
                         && got_.payload == expected_.at(i_).payload,                                              \
                     qPrintable(QStringLiteral("frame %1: tshark shows %2, expected %3")                           \
                                    .arg(i_)                                                                       \
                                    .arg(describe(got_), describe(expected_.at(i_)))));                            \
        }                                                                                                          \
        QCOMPARE(seen_.size(), expected_.size());                                                                  \
    } while (false)

void TestPcapng::initTestCase()
{
    QVERIFY(m_dir.isValid());
    // WSSCOPE_KEEP_FILES=1 keeps the written captures to open in Wireshark.
    if (qEnvironmentVariableIntValue("WSSCOPE_KEEP_FILES")) {
        m_dir.setAutoRemove(false);
        qInfo("Captures are kept in %s", qPrintable(m_dir.path()));
    }
    m_tshark = QStandardPaths::findExecutable(QStringLiteral("tshark"));
    if (m_tshark.isEmpty())
        QFAIL("tshark is not installed (Debian: apt-get install tshark); these tests read the pcapng files with it.");
}

TestPcapng::Result TestPcapng::tshark(const QString &file, const QString &filter, const QStringList &fields,
                                      const QStringList &options) const
{
    Result result;
    QStringList args{QStringLiteral("-r"), file, QStringLiteral("-n"), QStringLiteral("-T"), QStringLiteral("fields"),
                     QStringLiteral("-E"), QStringLiteral("separator=/t"), QStringLiteral("-E"),
                     QStringLiteral("occurrence=a"), QStringLiteral("-E"), QStringLiteral("aggregator=|")};
    args += options;
    if (!filter.isEmpty())
        args << QStringLiteral("-Y") << filter;
    for (const QString &field : fields)
        args << QStringLiteral("-e") << field;
    QProcess process;
    // Wireshark's defaults, not whatever preferences this machine's user has.
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("WIRESHARK_CONFIG_DIR"), m_dir.filePath(QStringLiteral("wireshark-config")));
    process.setProcessEnvironment(environment);
    process.start(m_tshark, args);
    if (!process.waitForFinished(120000) || process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        result.why = QStringLiteral("tshark %1 failed: %2").arg(args.join(u' '), QString::fromUtf8(process.readAllStandardError()));
        return result;
    }
    const QList<QByteArray> lines = process.readAllStandardOutput().split('\n');
    for (const QByteArray &line : lines) {
        if (!line.isEmpty())
            result.rows.append(QString::fromUtf8(line).split(u'\t'));
    }
    result.ok = true;
    return result;
}

QString TestPcapng::write(const Session &session, const QString &name, bool maskSecrets)
{
    const QString path = m_dir.filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return {};
    SessionExport::Options options;
    options.maskSecrets = maskSecrets;
    QString error;
    if (!Pcapng::write(session, &file, options, &error)) {
        qWarning("Pcapng::write: %s", qPrintable(error));
        return {};
    }
    return path;
}

// Every WebSocket frame tshark dissects, in file order, payloads unmasked.
// Several frames may share a packet: each field then lists its occurrences,
// and the payload of each frame is taken from the field its opcode fills.
QList<TestPcapng::Seen> TestPcapng::frames(const QString &file, QString *why) const
{
    const Result result = tshark(file, QStringLiteral("websocket"),
                                 {QStringLiteral("tcp.stream"), QStringLiteral("tcp.srcport"),
                                  QStringLiteral("websocket.opcode"), QStringLiteral("websocket.payload.text"),
                                  QStringLiteral("data.data"), QStringLiteral("websocket.payload.ping"),
                                  QStringLiteral("websocket.payload.pong"),
                                  QStringLiteral("websocket.payload.close.status_code"),
                                  QStringLiteral("websocket.payload.close.reason")});
    QList<Seen> seen;
    if (!result.ok) {
        *why = result.why;
        return seen;
    }
    for (const QStringList &row : result.rows) {
        if (row.size() < 9) {
            *why = QStringLiteral("short tshark row: %1").arg(row.join(u'\t'));
            return {};
        }
        QList<QStringList> queues;
        for (int i = 3; i < 9; ++i)
            queues.append(row.at(i).isEmpty() ? QStringList() : row.at(i).split(u'|'));
        const auto take = [&queues](int index) { return queues[index].isEmpty() ? QString() : queues[index].takeFirst(); };
        for (const QString &opcodeText : row.at(2).split(u'|')) {
            Seen frame;
            frame.stream = row.at(0).toInt();
            frame.fromClient = row.at(1).toInt() >= 50001;
            frame.opcode = opcodeText.toInt();
            switch (frame.opcode) {
            case 0x1: frame.payload = take(0).toUtf8(); break;
            case 0x2: frame.payload = QByteArray::fromHex(take(1).toLatin1()); break;
            case 0x9: frame.payload = QByteArray::fromHex(take(2).toLatin1()); break;
            case 0xA: frame.payload = QByteArray::fromHex(take(3).toLatin1()); break;
            case 0x8: {
                const QString code = take(4);
                if (!code.isEmpty())
                    frame.payload = closePayload(code.toInt(), take(5));
                break;
            }
            default: break;
            }
            seen.append(frame);
        }
    }
    return seen;
}

// Malformed packets, TCP analysis flags (lost segments, retransmissions,
// bad ACKs, window trouble) and bad checksums, or an empty string.
QString TestPcapng::sequenceProblems(const QString &file) const
{
    const Result result = tshark(
        file,
        QStringLiteral("_ws.malformed || _ws.expert.severity >= \"Warning\" || tcp.analysis.flags"
                       " || tcp.checksum.status != 1 || ip.checksum.status != 1"),
        {QStringLiteral("frame.number"), QStringLiteral("_ws.col.Info")},
        {QStringLiteral("-o"), QStringLiteral("tcp.check_checksum:TRUE"), QStringLiteral("-o"),
         QStringLiteral("ip.check_checksum:TRUE")});
    if (!result.ok)
        return result.why;
    QStringList problems;
    for (const QStringList &row : result.rows)
        problems << row.join(QStringLiteral(": "));
    return problems.join(u'\n');
}

void TestPcapng::capturedStreamDissects()
{
    QtPeer peer;
    QVERIFY(peer.isListening());
    Session session;
    QVERIFY(session.open(peer.url()));
    QTRY_COMPARE(session.state(), Session::State::Open);
    QTRY_VERIFY(peer.peer());
    QWebSocket *server = peer.peer();
    echo(server);

    const QString text = QStringLiteral("grüße, 世界 ✓ 🙂");
    QVERIFY(session.sendText(text));
    QVERIFY(session.sendBinary(binaryPattern(3000)));    // 16-bit length, two segments
    QVERIFY(session.sendBinary(binaryPattern(70000)));   // 64-bit length, many segments
    QVERIFY(session.ping("ping-\x01\x02"));
    server->sendTextMessage(QStringLiteral("from the server: ça va"));
    server->sendBinaryMessage(QByteArray("\x00\xff\x10", 3));
    QTRY_COMPARE(loggedFrames(*session.log(), session.connectionId()).size(), 10);
    QVERIFY(session.close(4001, QStringLiteral("fertig ✓")));
    QTRY_COMPARE(session.state(), Session::State::Closed);
    QTRY_VERIFY(session.capture()->closeFrameFromServer());

    const QString file = write(session, QStringLiteral("captured.pcapng"));
    QVERIFY(!file.isEmpty());

    // The frames are the capture's, byte for byte, in the order they crossed.
    QString why;
    const QList<Seen> seen = frames(file, &why);
    QVERIFY2(why.isEmpty(), qPrintable(why));
    const QList<Frame> expected = capturedFrames(*session.capture());
    COMPARE_FRAMES(seen, expected);
    // And they are what the session had: every logged message and both Close frames.
    const QList<Frame> logged = loggedFrames(*session.log(), session.connectionId());
    QCOMPARE(seen.size(), logged.size() + 2);
    QCOMPARE(seen.at(seen.size() - 2).opcode, 0x8);
    QCOMPARE(seen.at(seen.size() - 2).payload, closePayload(4001, QStringLiteral("fertig ✓")));
    QVERIFY(seen.at(seen.size() - 2).fromClient);
    QCOMPARE(seen.last().opcode, 0x8);
    QVERIFY(!seen.last().fromClient);
    const auto firstFromClient = std::find_if(seen.begin(), seen.end(), [](const Seen &frame) { return frame.fromClient; });
    QVERIFY(firstFromClient != seen.end());
    QCOMPARE(firstFromClient->payload, text.toUtf8());

    // The upgrade: the request with every header as sent, the 101 with its accept.
    const HandshakeInfo handshake = session.handshake();
    const Result request = tshark(file, QStringLiteral("http.request"),
                                  {QStringLiteral("http.request.method"), QStringLiteral("http.request.uri"),
                                   QStringLiteral("http.request.line"), QStringLiteral("tcp.dstport")});
    QVERIFY2(request.ok, qPrintable(request.why));
    QCOMPARE(request.rows.size(), 1);
    QCOMPARE(request.rows.at(0).at(0), QStringLiteral("GET"));
    QCOMPARE(request.rows.at(0).at(1), QStringLiteral("/"));
    QStringList headerLines;
    for (const HandshakeInfo::Header &header : handshake.requestHeaders)
        headerLines << QString::fromLatin1(header.first + ": " + header.second) + QStringLiteral("\\r\\n");
    QCOMPARE(request.rows.at(0).at(2).split(u'|'), headerLines);
    QCOMPARE(request.rows.at(0).at(3), QStringLiteral("80"));   // the real port is a random one

    const Result response = tshark(file, QStringLiteral("http.response"),
                                   {QStringLiteral("http.response.code"), QStringLiteral("http.sec_websocket_accept"),
                                    QStringLiteral("http.upgrade")});
    QVERIFY2(response.ok, qPrintable(response.why));
    QCOMPARE(response.rows.size(), 1);
    QCOMPARE(response.rows.at(0).at(0), QStringLiteral("101"));
    QVERIFY(handshake.accept.matches);
    QCOMPARE(response.rows.at(0).at(1), QString::fromLatin1(handshake.accept.received));
    QCOMPARE(response.rows.at(0).at(2), QStringLiteral("websocket"));

    // Addresses, ports, the three-way handshake and a FIN from each side.
    const Result tcp = tshark(file, {},
                              {QStringLiteral("ip.src"), QStringLiteral("ip.dst"), QStringLiteral("tcp.srcport"),
                               QStringLiteral("tcp.flags.syn"), QStringLiteral("tcp.flags.fin"),
                               QStringLiteral("frame.comment")});
    QVERIFY2(tcp.ok, qPrintable(tcp.why));
    QVERIFY(tcp.rows.size() > 10);
    QCOMPARE(tcp.rows.at(0).at(0), QStringLiteral("127.0.0.1"));
    QCOMPARE(tcp.rows.at(0).at(1), QStringLiteral("127.0.0.1"));
    QCOMPARE(tcp.rows.at(0).at(2), QStringLiteral("50001"));
    QCOMPARE(tcp.rows.at(0).at(3), QStringLiteral("1"));
    QCOMPARE(tcp.rows.at(1).at(3), QStringLiteral("1"));
    int fins = 0;
    for (const QStringList &row : tcp.rows)
        fins += row.at(4) == u"1";
    QCOMPARE(fins, 2);
    const QString comment = tcp.rows.at(0).at(5);
    QVERIFY2(comment.contains(QString::number(peer.url().port())), qPrintable(comment));
    QVERIFY2(comment.contains(peer.url().toString()), qPrintable(comment));

    const QString problems = sequenceProblems(file);
    QVERIFY2(problems.isEmpty(), qPrintable(problems));
}

void TestPcapng::rebuiltStreamDissects()
{
    QtPeer peer;
    Session session;
    QVERIFY(session.open(peer.url()));
    QTRY_COMPARE(session.state(), Session::State::Open);
    QTRY_VERIFY(peer.peer());
    echo(peer.peer());
    QVERIFY(session.sendText(QStringLiteral("Ünïcödé ✓")));
    QVERIFY(session.sendBinary(binaryPattern(70000)));
    QVERIFY(session.sendBinary(binaryPattern(200)));
    QVERIFY(session.ping("pp"));
    QTRY_COMPARE(loggedFrames(*session.log(), session.connectionId()).size(), 8);
    QVERIFY(session.close(4002, QStringLiteral("bye ✓")));
    QTRY_COMPARE(session.state(), Session::State::Closed);

    // A saved session reopened: the same connections and log, no capture.
    Session reopened;
    reopened.loadSaved(session.connections());
    for (int row = 0; row < session.log()->count(); ++row)
        reopened.log()->restore(session.log()->at(row), session.log()->data(row).toByteArray());
    QVERIFY(reopened.isReadOnly());
    const QString file = write(reopened, QStringLiteral("rebuilt.pcapng"));
    QVERIFY(!file.isEmpty());

    QString why;
    const QList<Seen> seen = frames(file, &why);
    QVERIFY2(why.isEmpty(), qPrintable(why));
    QList<Frame> expected = loggedFrames(*session.log(), session.connectionId());
    expected.append({true, 0x8, closePayload(4002, QStringLiteral("bye ✓"))});
    expected.append({false, 0x8, closePayload(4002, QStringLiteral("bye ✓"))});
    COMPARE_FRAMES(seen, expected);

    // The handshake is the captured one.
    const Result http = tshark(file, QStringLiteral("http"),
                               {QStringLiteral("http.request.method"), QStringLiteral("http.sec_websocket_key"),
                                QStringLiteral("http.response.code"), QStringLiteral("http.sec_websocket_accept")});
    QVERIFY2(http.ok, qPrintable(http.why));
    QCOMPARE(http.rows.size(), 2);
    QCOMPARE(http.rows.at(0).at(1), QString::fromLatin1(session.handshake().accept.key));
    QCOMPARE(http.rows.at(1).at(2), QStringLiteral("101"));
    QCOMPARE(http.rows.at(1).at(3), QString::fromLatin1(session.handshake().accept.received));

    // The file says that the frames were rebuilt.
    const Result comments = tshark(file, QStringLiteral("frame.comment"), {QStringLiteral("frame.comment")});
    QVERIFY2(comments.ok, qPrintable(comments.why));
    QCOMPARE(comments.rows.size(), 2);
    QVERIFY2(comments.rows.at(0).at(0).contains(QStringLiteral("Rebuilt")), qPrintable(comments.rows.at(0).at(0)));
    QVERIFY2(comments.rows.at(1).at(0).contains(QStringLiteral("one frame per message")),
             qPrintable(comments.rows.at(1).at(0)));

    const QString problems = sequenceProblems(file);
    QVERIFY2(problems.isEmpty(), qPrintable(problems));

    // Writing twice gives the same bytes: mask keys and sequence numbers are not random.
    const QString again = write(reopened, QStringLiteral("rebuilt-again.pcapng"));
    QFile a(file), b(again);
    QVERIFY(a.open(QIODevice::ReadOnly) && b.open(QIODevice::ReadOnly));
    QCOMPARE(a.readAll(), b.readAll());
}

void TestPcapng::earlierConnectionIsRebuilt()
{
    // Two connections: the capture holds only the second; the first is rebuilt from the log.
    QtPeer peer;
    Session session;
    for (int round = 1; round <= 2; ++round) {
        QVERIFY(session.open(peer.url()));
        QTRY_COMPARE(session.state(), Session::State::Open);
        QTRY_VERIFY(peer.peer());
        echo(peer.peer());
        QVERIFY(session.sendText(QStringLiteral("round %1").arg(round)));
        QTRY_COMPARE(loggedFrames(*session.log(), session.connectionId()).size(), 2);
        QVERIFY(session.close(1000));
        QTRY_COMPARE(session.state(), Session::State::Closed);
        QTRY_VERIFY(session.capture()->closeFrameFromServer());
    }
    QCOMPARE(session.connections().size(), 2);
    QVERIFY2(!session.connections().first().handshake.requestRaw.isEmpty(),
             "The first connection's record lost its handshake when the second was opened "
             "(Session::open() clears the capture before it counts up the connection id).");
    const QString file = write(session, QStringLiteral("two.pcapng"));
    QVERIFY(!file.isEmpty());

    QString why;
    const QList<Seen> seen = frames(file, &why);
    QVERIFY2(why.isEmpty(), qPrintable(why));
    QList<Frame> expected = loggedFrames(*session.log(), 1);
    expected.append({true, 0x8, closePayload(1000, {})});
    expected.append({false, 0x8, closePayload(1000, {})});
    expected += capturedFrames(*session.capture());
    COMPARE_FRAMES(seen, expected);
    for (int i = 0; i < seen.size(); ++i)
        QCOMPARE(seen.at(i).stream, i < 4 ? 0 : 1);

    // Two streams, two client ports.
    const Result syns = tshark(file, QStringLiteral("tcp.flags.syn == 1 && tcp.flags.ack == 0"),
                               {QStringLiteral("tcp.srcport"), QStringLiteral("frame.comment")});
    QVERIFY2(syns.ok, qPrintable(syns.why));
    QCOMPARE(syns.rows.size(), 2);
    QCOMPARE(syns.rows.at(0).at(0), QStringLiteral("50001"));
    QCOMPARE(syns.rows.at(1).at(0), QStringLiteral("50002"));
    QVERIFY(syns.rows.at(0).at(1).contains(QStringLiteral("Rebuilt")));
    QVERIFY(!syns.rows.at(1).at(1).contains(QStringLiteral("Rebuilt")));

    const QString problems = sequenceProblems(file);
    QVERIFY2(problems.isEmpty(), qPrintable(problems));
}

void TestPcapng::fragmentsAndServerPingFromNode()
{
    // Node's ws sends a fragmented message and a ping; Qt answers the ping on
    // its own. None of that is one row per frame in the log, all of it is in the capture.
    NodePeer peer;
    QVERIFY(peer.waitUntilListening());
    Session session;
    QVERIFY(session.open(peer.url()));
    QTRY_COMPARE(session.state(), Session::State::Open);
    QVERIFY(session.sendText(QStringLiteral("script")));
    QTRY_COMPARE(peer.lines(QStringLiteral("received")).size(), 2);   // "script" and Qt's pong
    QVERIFY(session.sendText(QStringLiteral("close 4003 server says bye")));
    QTRY_COMPARE(session.state(), Session::State::Closed);
    QTRY_VERIFY(session.capture()->closeFrameFromClient());

    const QString file = write(session, QStringLiteral("node.pcapng"));
    QVERIFY(!file.isEmpty());
    QString why;
    const QList<Seen> seen = frames(file, &why);
    QVERIFY2(why.isEmpty(), qPrintable(why));
    const QList<Frame> expected = capturedFrames(*session.capture());
    QCOMPARE(seen.size(), expected.size());
    for (int i = 0; i < seen.size(); ++i) {
        QCOMPARE(seen.at(i).fromClient, expected.at(i).fromClient);
        QCOMPARE(seen.at(i).opcode, expected.at(i).opcode);
        // A fragment's text is shown with the reassembled message, not per frame.
        if (expected.at(i).opcode != 0x0 && !(expected.at(i).opcode == 0x1 && i + 1 < seen.size()
                                              && expected.at(i + 1).opcode == 0x0))
            QCOMPARE(seen.at(i).payload, expected.at(i).payload);
    }
    QList<int> opcodes;
    for (const Seen &frame : seen)
        opcodes << frame.opcode;
    // script; one, frag-, ment, 00 01 02, ping; Qt's pong; close ...; server Close; Qt's Close.
    QCOMPARE(opcodes, (QList<int>{0x1, 0x1, 0x1, 0x0, 0x2, 0x9, 0xA, 0x1, 0x8, 0x8}));
    QCOMPARE(seen.at(8).payload, closePayload(4003, QStringLiteral("server says bye")));
    QVERIFY(!seen.at(8).fromClient);

    const QString problems = sequenceProblems(file);
    QVERIFY2(problems.isEmpty(), qPrintable(problems));
}

void TestPcapng::directConnectionIsRebuilt()
{
    // No tap: the request is the one Qt is known to send, the response a bare 101.
    QtPeer peer;
    Session session;
    session.setMode(Session::Mode::Direct);
    QVERIFY(session.open(peer.url()));
    QTRY_COMPARE(session.state(), Session::State::Open);
    QTRY_VERIFY(peer.peer());
    echo(peer.peer());
    QVERIFY(session.sendText(QStringLiteral("direct ✓")));
    QTRY_COMPARE(loggedFrames(*session.log(), session.connectionId()).size(), 2);
    QVERIFY(session.close(1000, QStringLiteral("ok")));
    QTRY_COMPARE(session.state(), Session::State::Closed);

    const QString file = write(session, QStringLiteral("direct.pcapng"));
    QVERIFY(!file.isEmpty());
    QString why;
    const QList<Seen> seen = frames(file, &why);
    QVERIFY2(why.isEmpty(), qPrintable(why));
    QList<Frame> expected = loggedFrames(*session.log(), session.connectionId());
    expected.append({true, 0x8, closePayload(1000, QStringLiteral("ok"))});
    if (session.lastClose().handshakeCompleted)
        expected.append({false, 0x8, closePayload(1000, QStringLiteral("ok"))});
    COMPARE_FRAMES(seen, expected);
    const Result http = tshark(file, QStringLiteral("http"),
                               {QStringLiteral("http.request.method"), QStringLiteral("http.host"),
                                QStringLiteral("http.response.code")});
    QVERIFY2(http.ok, qPrintable(http.why));
    QCOMPARE(http.rows.size(), 2);
    QCOMPARE(http.rows.at(0).at(1), QStringLiteral("127.0.0.1:%1").arg(peer.url().port()));
    QCOMPARE(http.rows.at(1).at(2), QStringLiteral("101"));
    const QString problems = sequenceProblems(file);
    QVERIFY2(problems.isEmpty(), qPrintable(problems));
}

void TestPcapng::maskSecretsHidesAuthorization()
{
    QtPeer peer;
    Session session;
    const QByteArray secret = "Bearer s3cret-token-42";
    session.setRequestHeaders({{"X-Before", "one"}, {"Authorization", secret}, {"X-After", "two"}});
    QVERIFY(session.open(peer.url()));
    QTRY_COMPARE(session.state(), Session::State::Open);
    QTRY_VERIFY(peer.peer());
    echo(peer.peer());
    QVERIFY(session.sendText(QStringLiteral("masked?")));
    QTRY_COMPARE(loggedFrames(*session.log(), session.connectionId()).size(), 2);
    QVERIFY(session.close(1000, QStringLiteral("done")));
    QTRY_COMPARE(session.state(), Session::State::Closed);

    Session reopened;
    reopened.loadSaved(session.connections());
    for (int row = 0; row < session.log()->count(); ++row)
        reopened.log()->restore(session.log()->at(row), session.log()->data(row).toByteArray());

    for (const Session *source : {static_cast<const Session *>(&session), static_cast<const Session *>(&reopened)}) {
        const QString file = write(*source, source == &session ? QStringLiteral("masked-captured.pcapng")
                                                               : QStringLiteral("masked-rebuilt.pcapng"),
                                   true);
        QVERIFY(!file.isEmpty());
        QFile raw(file);
        QVERIFY(raw.open(QIODevice::ReadOnly));
        QVERIFY(!raw.readAll().contains("s3cret"));

        const Result request = tshark(file, QStringLiteral("http.request"),
                                      {QStringLiteral("http.authorization"), QStringLiteral("http.request.line")});
        QVERIFY2(request.ok, qPrintable(request.why));
        QCOMPARE(request.rows.size(), 1);
        QCOMPARE(request.rows.at(0).at(0), QString(secret.size(), u'*'));
        QVERIFY(request.rows.at(0).at(1).contains(QStringLiteral("X-Before: one")));
        QVERIFY(request.rows.at(0).at(1).contains(QStringLiteral("X-After: two")));

        QString why;
        const QList<Seen> seen = frames(file, &why);
        QVERIFY2(why.isEmpty(), qPrintable(why));
        QList<Frame> expected = loggedFrames(*session.log(), session.connectionId());
        expected.append({true, 0x8, closePayload(1000, QStringLiteral("done"))});
        expected.append({false, 0x8, closePayload(1000, QStringLiteral("done"))});
        COMPARE_FRAMES(seen, expected);
        const QString problems = sequenceProblems(file);
        QVERIFY2(problems.isEmpty(), qPrintable(problems));
    }

    // Unmasked, the value is there.
    const QString plain = write(session, QStringLiteral("unmasked.pcapng"));
    const Result request = tshark(plain, QStringLiteral("http.request"), {QStringLiteral("http.authorization")});
    QVERIFY2(request.ok, qPrintable(request.why));
    QCOMPARE(request.rows.at(0).at(0), QString::fromLatin1(secret));
}

void TestPcapng::maskingSpansChunks()
{
    // The request head arrives in pieces that split the header name and its value.
    WireCapture capture;
    const auto bytes = [](bool fromClient, const QByteArray &data, qint64 time) {
        TapRecord record;
        record.type = fromClient ? TapRecord::Type::ClientBytes : TapRecord::Type::ServerBytes;
        record.timeUsec = time;
        record.bytes = data;
        return record;
    };
    const QByteArray request = "GET / HTTP/1.1\r\nHost: a\r\nAuthorization: Basic dXNlcjpwYXNz\r\n"
                               "Cookie: id=7\r\nUpgrade: websocket\r\n\r\n";
    const QByteArray response = "HTTP/1.1 101 Switching Protocols\r\nSet-Cookie: k=v\r\nUpgrade: websocket\r\n\r\n";
    capture.addRecords({bytes(true, request.left(30), 10), bytes(true, request.mid(30, 12), 11),
                        bytes(true, request.mid(42), 12), bytes(false, response, 20),
                        bytes(true, QByteArray("\x81\x80\x00\x00\x00\x00", 6), 30)});
    Session::Connection connection;
    connection.id = 1;
    connection.url = QStringLiteral("ws://a/");
    MessageLog log;
    const WireStream::Stream stream = WireStream::forConnection(connection, log, &capture, true, {});
    QVERIFY(stream.exact);
    QCOMPARE(stream.pieces.size(), 5);
    QCOMPARE(stream.pieces.at(0).bytes.size(), 30);
    QCOMPARE(stream.pieces.at(1).bytes.size(), 12);
    QByteArray client, server;
    for (const WireStream::Piece &piece : stream.pieces)
        (piece.fromClient ? client : server) += piece.bytes;
    QByteArray maskedRequest = request;
    maskedRequest.replace("Basic dXNlcjpwYXNz", QByteArray(18, '*')).replace("id=7", "****");
    QCOMPARE(client, maskedRequest + QByteArray("\x81\x80\x00\x00\x00\x00", 6));
    QCOMPARE(server, QByteArray("HTTP/1.1 101 Switching Protocols\r\nSet-Cookie: ***\r\nUpgrade: websocket\r\n\r\n"));
    QCOMPARE(stream.pieces.at(3).timeUsec, 20);

    const WireStream::Stream plain = WireStream::forConnection(connection, log, &capture, false, {});
    QCOMPARE(plain.pieces.at(1).bytes, request.mid(30, 12));
}

void TestPcapng::wssOverIpv6UsesStandIns()
{
    // A saved wss:// connection to an IPv6 server on 443, with a 101 and a few messages.
    Session::Connection connection;
    connection.id = 3;
    connection.url = QStringLiteral("wss://example.test/live");
    connection.startUsec = 1700000000000000;
    connection.endUsec = connection.startUsec + 5000000;
    connection.opened = true;
    connection.handshake.captured = true;
    connection.handshake.requestRaw = "GET /live HTTP/1.1\r\nHost: example.test\r\nUpgrade: websocket\r\n"
                                      "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                                      "Sec-WebSocket-Version: 13\r\n\r\n";
    connection.handshake.responseRaw = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                       "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n";
    connection.handshake.requestUsec = connection.startUsec + 1000;
    connection.handshake.responseUsec = connection.startUsec + 2000;
    connection.handshake.serverAddress = QStringLiteral("[2001:db8::7]:443");
    connection.close = {Session::Closer::Peer, 1001, QStringLiteral("going away"), true};

    Session session;
    session.loadSaved({connection});
    MessageLog::Entry entry;
    entry.connection = 3;
    entry.timeUsec = connection.startUsec + 3000;
    entry.direction = MessageLog::Direction::Sent;
    entry.kind = MessageLog::Kind::Text;
    entry.sequence = 0;
    session.log()->restore(entry, "subscribe");
    entry.timeUsec += 1000;
    entry.direction = MessageLog::Direction::Received;
    entry.kind = MessageLog::Kind::Binary;
    session.log()->restore(entry, QByteArray(70, '\x05'));
    entry.kind = MessageLog::Kind::Pong;
    entry.direction = MessageLog::Direction::Received;
    entry.sequence = 0;
    session.log()->restore(entry, {});
    entry.connection = 99;   // another connection's row stays out
    entry.kind = MessageLog::Kind::Text;
    session.log()->restore(entry, "not mine");

    const QString file = write(session, QStringLiteral("wss.pcapng"));
    QVERIFY(!file.isEmpty());
    QString why;
    const QList<Seen> seen = frames(file, &why);
    QVERIFY2(why.isEmpty(), qPrintable(why));
    COMPARE_FRAMES(seen, (QList<Frame>{{true, 0x1, "subscribe"},
                                       {false, 0x2, QByteArray(70, '\x05')},
                                       {false, 0xA, {}},
                                       {false, 0x8, closePayload(1001, QStringLiteral("going away"))},
                                       {true, 0x8, closePayload(1001, QStringLiteral("going away"))}}));

    const Result packets = tshark(file, {},
                                  {QStringLiteral("ip.src"), QStringLiteral("ip.dst"), QStringLiteral("tcp.dstport"),
                                   QStringLiteral("frame.comment"), QStringLiteral("frame.time_epoch"),
                                   QStringLiteral("tcp.flags.fin")});
    QVERIFY2(packets.ok, qPrintable(packets.why));
    QCOMPARE(packets.rows.at(0).at(0), QStringLiteral("192.0.2.1"));
    QCOMPARE(packets.rows.at(0).at(1), QStringLiteral("198.51.100.1"));
    QCOMPARE(packets.rows.at(0).at(2), QStringLiteral("80"));
    const QString summary = packets.rows.at(0).at(3);
    QVERIFY2(summary.contains(QStringLiteral("[2001:db8::7]:443")), qPrintable(summary));
    QVERIFY2(summary.contains(QStringLiteral("port 80")), qPrintable(summary));
    QCOMPARE(packets.rows.at(0).at(4), QStringLiteral("1700000000.000000000"));
    bool plaintextSaid = false;
    for (const QStringList &row : packets.rows)
        plaintextSaid |= row.at(3).contains(QStringLiteral("plaintext inside TLS"));
    QVERIFY(plaintextSaid);
    // The server closed first: its FIN comes first, at the connection's end.
    int firstFin = -1;
    for (int i = 0; i < packets.rows.size() && firstFin < 0; ++i) {
        if (packets.rows.at(i).at(5) == u"1")
            firstFin = i;
    }
    QVERIFY(firstFin > 0);
    QCOMPARE(packets.rows.at(firstFin).at(0), QStringLiteral("198.51.100.1"));
    QCOMPARE(packets.rows.at(firstFin).at(4), QStringLiteral("1700000005.000000000"));

    const QString problems = sequenceProblems(file);
    QVERIFY2(problems.isEmpty(), qPrintable(problems));
}

void TestPcapng::tapRecordsFeedACapture()
{
    Session::Connection connection;
    connection.id = 1;
    connection.url = QStringLiteral("ws://127.0.0.1:9/");
    connection.opened = true;
    connection.startUsec = 100;
    connection.endUsec = 900;
    connection.handshake.requestRaw = "GET / HTTP/1.1\r\nHost: 127.0.0.1:9\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
    connection.handshake.responseRaw = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                       "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n";
    connection.close = {Session::Closer::Us, 1005, {}, true};
    MessageLog log;
    MessageLog::Entry entry;
    entry.connection = 1;
    entry.timeUsec = 500;
    entry.direction = MessageLog::Direction::Sent;
    entry.kind = MessageLog::Kind::Binary;
    log.restore(entry, binaryPattern(300));
    entry.kind = MessageLog::Kind::Ping;
    log.restore(entry, "x");

    const WireStream::Stream stream = WireStream::forConnection(connection, log, nullptr, false, {});
    QVERIFY(!stream.exact);
    QCOMPARE(stream.serverHost, QStringLiteral("127.0.0.1"));
    QCOMPARE(stream.serverPort, quint16(9));
    QVERIFY(stream.clientEndedFirst);
    QCOMPARE(stream.endUsec, 900);
    WireCapture capture;
    capture.addRecords(WireStream::tapRecords(stream));
    QCOMPARE(capture.handshake().requestRaw, connection.handshake.requestRaw);
    QVERIFY(capture.handshake().accept.matches);
    QCOMPARE(capture.frameCount(), 4);
    QCOMPARE(capture.frame(0).frame.payload, binaryPattern(300));
    QVERIFY(capture.frame(0).frame.masked);
    QCOMPARE(capture.frame(1).frame.opcode, 0x9);
    // 1005: Close frames with no payload, the client's first.
    QCOMPARE(capture.frame(2).frame.opcode, 0x8);
    QVERIFY(capture.frame(2).fromClient);
    QVERIFY(capture.frame(2).frame.payload.isEmpty());
    QVERIFY(!capture.frame(3).fromClient);
    QVERIFY(capture.streamFailures().isEmpty());

    // An aborted connection has no Close frames.
    connection.close = {Session::Closer::Us, 1006, {}, false};
    QCOMPARE(WireStream::forConnection(connection, log, nullptr, false, {}).pieces.size(), 4);
}

void TestPcapng::writeErrorsAreReported()
{
    Session::Connection connection;
    connection.id = 1;
    connection.url = QStringLiteral("ws://127.0.0.1:9/");
    connection.handshake.requestRaw = "GET / HTTP/1.1\r\nHost: 127.0.0.1:9\r\n\r\n";
    Session session;
    session.loadSaved({connection});

    QString error;
    QBuffer closed;
    QVERIFY(!Pcapng::write(session, &closed, {}, &error));
    QVERIFY(!error.isEmpty());

    QFile full(QStringLiteral("/dev/full"));
    if (!full.open(QIODevice::WriteOnly | QIODevice::Unbuffered))
        QSKIP("no /dev/full here");
    error.clear();
    QVERIFY(!Pcapng::write(session, &full, {}, &error));
    QVERIFY2(error.contains(QStringLiteral("Could not write")), qPrintable(error));

    // A connection that never sent its request is left out; the file is still valid.
    QBuffer buffer;
    QVERIFY(buffer.open(QIODevice::WriteOnly));
    Session empty;
    Session::Connection refused;
    refused.id = 1;
    refused.url = QStringLiteral("ws://127.0.0.1:9/");
    empty.loadSaved({refused});
    QVERIFY(Pcapng::write(empty, &buffer, {}, &error));
    QVERIFY(buffer.data().startsWith(QByteArray("\x0a\x0d\x0d\x0a", 4)));
    const QString path = m_dir.filePath(QStringLiteral("empty.pcapng"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(buffer.data());
    file.close();
    const Result result = tshark(path, {}, {QStringLiteral("frame.number")});
    QVERIFY2(result.ok, qPrintable(result.why));
    QVERIFY(result.rows.isEmpty());
}

QTEST_MAIN(TestPcapng)
#include "tst_pcapng.moc"
