#include "qtpeer.h"

#include "record/export.h"
#include "record/journal.h"
#include "record/sessionfile.h"
#include "session/session.h"

#include <QBuffer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLockFile>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <future>
#include <memory>
#include <thread>

#include <csignal>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

// The session file: written from a live session, read back, written again;
// bad files; the journal that is written while a session runs.
class TestSessionFile : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void roundTripKeepsEverything();
    void linesAreDocumentedJson();
    void binaryPayloadsAreStandardBase64();
    void badFilesOpenAsFarAsReadable_data();
    void badFilesOpenAsFarAsReadable();
    void outOfRangeNumbersAreRefused_data();
    void outOfRangeNumbersAreRefused();
    void numbersAtTheirLimitsAreRead();
    void hugeLineStopsReading();
    void longLineOnDiskIsRead();
    void nonRegularFilesAreRefused_data();
    void nonRegularFilesAreRefused();
    void manyBlankLinesAreRead();
    void linesOfEveryLengthAroundTheBuffer();
    void cancelStopsReading();
    void journalFollowsTheSession();
    void journalOfALiveProcessIsNotRecoverable();
    void maskedSaveHidesCredentials();
    void journalCanHideCredentials();
    void journalKeepsWhatARingDrops();

private:
    // Runs a short exchange with a Qt peer: text, binary, ping, close.
    static void runExchange(Session *session, QtPeer *peer);
    static QList<QByteArray> linesOf(const QString &path);
    struct Reading
    {
        bool opened = false;
        QString error;
        SessionFile::Loaded loaded;
        int rows = 0;
        std::atomic<bool> cancel{false};
    };
    // Opens and reads `path` as the window does, on a thread of its own, and
    // waits for it at most timeoutMs: null when it did not end by then (the
    // thread is left behind, and the test fails).
    static std::shared_ptr<Reading> readWithin(const QString &path, int timeoutMs);
};

void TestSessionFile::runExchange(Session *session, QtPeer *peer)
{
    session->setRequestHeaders({{"X-Test", "1"}, {"Authorization", "Bearer secret-token"}});
    QVERIFY(session->open(peer->url()));
    QTRY_COMPARE(session->state(), Session::State::Open);
    QTRY_VERIFY(peer->peer());
    QObject::connect(peer->peer(), &QWebSocket::textMessageReceived, peer->peer(),
                     [socket = peer->peer()](const QString &text) { socket->sendTextMessage(text); });
    QObject::connect(peer->peer(), &QWebSocket::binaryMessageReceived, peer->peer(),
                     [socket = peer->peer()](const QByteArray &data) { socket->sendBinaryMessage(data); });
    QByteArray everyByte;
    for (int i = 0; i < 256; ++i)
        everyByte += char(i);
    QVERIFY(session->sendText(QStringLiteral("hello \"world\"\n\tgrüße 😀 \\ end")));
    QVERIFY(session->sendBinary(everyByte));
    QVERIFY(session->ping("are you there"));
    QTRY_COMPARE(session->log()->count(), 1 + 2 * 3);   // open, and each of the three both ways
    QVERIFY(session->close(4000, QStringLiteral("done ✓")));
    QTRY_COMPARE_WITH_TIMEOUT(session->state(), Session::State::Closed, 5000);
}

QList<QByteArray> TestSessionFile::linesOf(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll().split('\n');
}

void TestSessionFile::roundTripKeepsEverything()
{
    QtPeer peer;
    Session live;
    runExchange(&live, &peer);
    if (QTest::currentTestFailed())
        return;
    QTemporaryDir dir;
    const QString first = dir.filePath(QStringLiteral("first.wsscope.jsonl"));
    QString error;
    QVERIFY2(SessionExport::save(live, first, {}, &error), qPrintable(error));

    Session reopened;
    SessionFile::Loaded loaded;
    QVERIFY2(SessionFile::load(first, &reopened, &loaded, &error), qPrintable(error));
    QVERIFY2(loaded.problem.isEmpty(), qPrintable(loaded.problem));
    QVERIFY(loaded.ended);
    QVERIFY(reopened.isReadOnly());
    QVERIFY(!reopened.open(peer.url(), &error));
    QVERIFY(error.contains(QStringLiteral("read-only")));

    // Every row, byte for byte, with its time, direction and kind.
    const MessageLog &a = *live.log();
    const MessageLog &b = *reopened.log();
    QCOMPARE(b.count(), a.count());
    for (int row = 0; row < a.count(); ++row) {
        QCOMPARE(b.at(row).timeUsec, a.at(row).timeUsec);
        QCOMPARE(b.at(row).direction, a.at(row).direction);
        QCOMPARE(b.at(row).kind, a.at(row).kind);
        QCOMPARE(b.at(row).connection, a.at(row).connection);
        QCOMPARE(b.at(row).sequence, a.at(row).sequence);
        QCOMPARE(b.data(row).toByteArray(), a.data(row).toByteArray());
    }
    // The connection: what was asked for, the handshake, the close.
    QCOMPARE(reopened.connections().size(), 1);
    const Session::Connection &x = live.connections().first();
    const Session::Connection &y = reopened.connections().first();
    QCOMPARE(y.url, x.url);
    QCOMPARE(y.headers, x.headers);
    QCOMPARE(y.startUsec, x.startUsec);
    QCOMPARE(y.endUsec, x.endUsec);
    QVERIFY(y.opened);
    QCOMPARE(y.handshake.requestLine, x.handshake.requestLine);
    QCOMPARE(y.handshake.requestHeaders, x.handshake.requestHeaders);
    QCOMPARE(y.handshake.requestRaw, x.handshake.requestRaw);
    QCOMPARE(y.handshake.statusLine, QByteArray("HTTP/1.1 101 Switching Protocols"));
    QCOMPARE(y.handshake.responseHeaders, x.handshake.responseHeaders);
    QVERIFY(y.handshake.accept.matches);
    QCOMPARE(y.handshake.accept.expected, x.handshake.accept.expected);
    QCOMPARE(y.handshake.timing.total, x.handshake.timing.total);
    QCOMPARE(y.close.closer, Session::Closer::Us);
    QCOMPARE(y.close.code, 4000);
    QCOMPARE(y.close.reason, QStringLiteral("done ✓"));
    QVERIFY(y.close.handshakeCompleted);
    QCOMPARE(reopened.handshake().statusLine, x.handshake.statusLine);
    // The Wire tab of the reopened session has the frames, rebuilt.
    QCOMPARE(reopened.capture()->frameCount(), live.capture()->frameCount());

    // Saved again, the file says the same, line for line (only the
    // creation time on the first line differs).
    const QString second = dir.filePath(QStringLiteral("second.wsscope.jsonl"));
    QVERIFY2(SessionExport::save(reopened, second, {}, &error), qPrintable(error));
    const QList<QByteArray> one = linesOf(first);
    const QList<QByteArray> two = linesOf(second);
    QCOMPARE(two.size(), one.size());
    for (int i = 1; i < one.size(); ++i)
        QCOMPARE(two.at(i), one.at(i));
}

void TestSessionFile::linesAreDocumentedJson()
{
    QtPeer peer;
    Session live;
    runExchange(&live, &peer);
    if (QTest::currentTestFailed())
        return;
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    QString error;
    QVERIFY(SessionExport::write(live, SessionExport::Format::SessionFile, &buffer, {}, &error));
    const QList<QByteArray> lines = buffer.data().trimmed().split('\n');
    const QJsonObject header = QJsonDocument::fromJson(lines.first()).object();
    QCOMPARE(header.value(QStringLiteral("format")).toString(), QStringLiteral("wsscope-session"));
    QCOMPARE(header.value(QStringLiteral("version")).toInt(), 3);
    QStringList types;
    QStringList messages;
    for (int i = 1; i < lines.size(); ++i) {
        QJsonParseError parseError;
        const QJsonObject line = QJsonDocument::fromJson(lines.at(i), &parseError).object();
        QVERIFY2(parseError.error == QJsonParseError::NoError, lines.at(i).constData());
        // Absolute UTC times with microseconds.
        QVERIFY2(QRegularExpression(QStringLiteral("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z$"))
                     .match(line.value(QStringLiteral("time")).toString())
                     .hasMatch(),
                 lines.at(i).constData());
        types << line.value(QStringLiteral("type")).toString();
        if (types.last() == u"message") {
            messages << line.value(QStringLiteral("dir")).toString() + u' '
                    + QString::number(line.value(QStringLiteral("opcode")).toInt()) + u' '
                    + (line.contains(QStringLiteral("text")) ? line.value(QStringLiteral("text")).toString()
                                                             : line.value(QStringLiteral("base64")).toString().left(8));
        }
    }
    // Version 3: the tap's records of the connection follow its connection
    // line, before anything that may refer to them.
    QCOMPARE(types.first(), QStringLiteral("connection"));
    qsizetype after = 1;
    while (after < types.size() && (types.at(after) == u"wire" || types.at(after) == u"tap"))
        ++after;
    QVERIFY(after > 2);
    QVERIFY(types.mid(1, after - 1).contains(QStringLiteral("wire")));
    QVERIFY(types.mid(1, after - 1).contains(QStringLiteral("tap")));
    QVERIFY(!types.mid(after).contains(QStringLiteral("wire")));
    QCOMPARE(types.at(after), QStringLiteral("event"));     // "Connected to …"
    QCOMPARE(types.at(after + 1), QStringLiteral("handshake"));
    QCOMPARE(types.last(), QStringLiteral("end"));
    const QString text = QStringLiteral("hello \"world\"\n\tgrüße 😀 \\ end");
    QCOMPARE(messages, (QStringList{
                           u"send 1 " + text,
                           QStringLiteral("send 2 AAECAwQF"),
                           QStringLiteral("send 9 are you there"),
                           u"receive 1 " + text,
                           QStringLiteral("receive 2 AAECAwQF"),
                           QStringLiteral("receive 10 are you there"),
                       }));
}

// Binary payloads of every length modulo 3 and every byte value: the field
// is the RFC 4648 base64 any JSON reader decodes, and reading it back gives
// the bytes.
void TestSessionFile::binaryPayloadsAreStandardBase64()
{
    QByteArray everyByte(256 * 3 + 2, Qt::Uninitialized);
    for (int i = 0; i < everyByte.size(); ++i)
        everyByte[i] = char(i * 37 + i / 256);
    QList<QByteArray> payloads;
    for (int size : {0, 1, 2, 3, 4, 5, 6, 7, 256, 257, 258, int(everyByte.size())})
        payloads << everyByte.first(size);
    payloads << QByteArray(70000, '\xff');   // a large one, kept shared by the log
    MessageLog log;
    for (int i = 0; i < payloads.size(); ++i)
        log.append(MessageLog::Direction::Received, MessageLog::Kind::Binary, payloads.at(i), 1, i);
    QByteArray lines;
    for (int row = 0; row < log.count(); ++row) {
        const QByteArray line = SessionFile::rowLine(log, row);
        const QJsonObject object = QJsonDocument::fromJson(line).object();
        QCOMPARE(object.value(QStringLiteral("base64")).toString().toLatin1(), payloads.at(row).toBase64());
        QCOMPARE(object.value(QStringLiteral("size")).toInt(), payloads.at(row).size());
        lines += line;
    }
    QBuffer file;
    file.setData(SessionFile::headerLine(MessageLog::nowUsec()) + lines);
    file.open(QIODevice::ReadOnly);
    MessageLog readBack;
    const SessionFile::Loaded loaded = SessionFile::read(&file, &readBack);
    QVERIFY(loaded.valid);
    QVERIFY2(loaded.problem.isEmpty(), qPrintable(loaded.problem));
    QCOMPARE(readBack.count(), payloads.size());
    for (int row = 0; row < readBack.count(); ++row)
        QCOMPARE(readBack.data(row).toByteArray(), payloads.at(row));
}

void TestSessionFile::badFilesOpenAsFarAsReadable_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<int>("rows");
    QTest::addColumn<int>("problemLine");
    QTest::addColumn<QString>("problemSays");

    const QByteArray header = "{\"format\":\"wsscope-session\",\"version\":1,\"created\":\"2026-11-24T10:00:00.000000Z\"}\n";
    const QByteArray connection = "{\"type\":\"connection\",\"time\":\"2026-11-24T10:00:00.000001Z\",\"connection\":1,"
                                  "\"url\":\"ws://127.0.0.1:1/\"}\n";
    const QByteArray message = "{\"type\":\"message\",\"time\":\"2026-11-24T10:00:01.000000Z\",\"connection\":1,"
                               "\"dir\":\"receive\",\"opcode\":1,\"size\":2,\"text\":\"hi\"}\n";
    QTest::newRow("cut short") << header + connection + message + message.left(40) << 1 << 4 << QStringLiteral("cut short");
    QTest::newRow("not JSON") << header + message + "hello there\n" + message << 1 << 3 << QStringLiteral("not valid JSON");
    QTest::newRow("unknown version") << QByteArray("{\"format\":\"wsscope-session\",\"version\":7}\n") + message << 0 << 1
                                     << QStringLiteral("version 7");
    QTest::newRow("not a session") << QByteArray("{\"log\":{}}\n") << 0 << 1 << QStringLiteral("not a wsscope session");
    QTest::newRow("empty") << QByteArray() << 0 << 0 << QStringLiteral("empty");
    QTest::newRow("bad base64") << header + "{\"type\":\"message\",\"time\":\"2026-11-24T10:00:01Z\",\"dir\":\"send\","
                                            "\"opcode\":2,\"base64\":\"@@@\"}\n"
                                << 0 << 2 << QStringLiteral("base64");
    QTest::newRow("bad time") << header + message + "{\"type\":\"message\",\"time\":\"yesterday\"}\n" << 1 << 3
                              << QStringLiteral("time");
    QTest::newRow("binary garbage") << header + QByteArray("\x00\xff\xfe garbage\n", 12) << 0 << 2
                                    << QStringLiteral("not valid JSON");
}

void TestSessionFile::badFilesOpenAsFarAsReadable()
{
    QFETCH(QByteArray, content);
    QFETCH(int, rows);
    QFETCH(int, problemLine);
    QFETCH(QString, problemSays);
    QBuffer buffer(&content);
    buffer.open(QIODevice::ReadOnly);
    MessageLog log;
    const SessionFile::Loaded loaded = SessionFile::read(&buffer, &log);
    QCOMPARE(loaded.rows, rows);
    QCOMPARE(log.count(), rows);
    QVERIFY2(loaded.problem.contains(problemSays), qPrintable(loaded.problem));
    QCOMPARE(loaded.problemLine, problemLine);
}

void TestSessionFile::outOfRangeNumbersAreRefused_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<int>("rows");
    QTest::addColumn<int>("problemLine");
    QTest::addColumn<QString>("problemSays");

    // One good message, then the line under test; each bad number stops
    // reading at its line, with the field and why.
    const QByteArray header = "{\"format\":\"wsscope-session\",\"version\":1}\n";
    const QByteArray connection = "{\"type\":\"connection\",\"time\":\"2026-11-24T10:00:00Z\",\"connection\":1,"
                                  "\"url\":\"ws://127.0.0.1:1/\"}\n";
    const QByteArray good = "{\"type\":\"message\",\"time\":\"2026-11-24T10:00:01Z\",\"connection\":1,\"dir\":\"receive\","
                            "\"opcode\":1,\"size\":2,\"text\":\"hi\"}\n";
    const QByteArray start = header + connection + good;
    const auto message = [](const QByteArray &fields) -> QByteArray {
        return "{\"type\":\"message\",\"time\":\"2026-11-24T10:00:02Z\",\"dir\":\"receive\"," + fields + "}\n";
    };
    const auto row = [&](const char *name, const QByteArray &line, const QString &says) {
        QTest::newRow(name) << start + line << 1 << 4 << says;
    };
    row("time past year 9999", "{\"type\":\"message\",\"time\":1e300,\"connection\":1}\n", QStringLiteral("Line 4 has no valid \"time\""));
    row("time with a fraction of a microsecond", "{\"type\":\"event\",\"time\":1.5,\"kind\":\"open\"}\n",
        QStringLiteral("Line 4 has no valid \"time\""));
    row("time before 1970", "{\"type\":\"event\",\"time\":\"1969-12-31T23:59:59Z\",\"kind\":\"open\"}\n",
        QStringLiteral("Line 4 has no valid \"time\""));
    row("negative time", "{\"type\":\"event\",\"time\":-1,\"kind\":\"open\"}\n", QStringLiteral("Line 4 has no valid \"time\""));
    row("time with a signed fraction", "{\"type\":\"end\",\"time\":\"2026-11-24T10:00:00.-5Z\"}\n",
        QStringLiteral("Line 4 has no valid \"time\""));
    row("negative connection", message("\"connection\":-5,\"opcode\":1,\"text\":\"x\""),
        QStringLiteral("Line 4: \"connection\" is -5, outside 0 to 2147483647"));
    row("connection with a fraction", message("\"connection\":1.5,\"opcode\":1,\"text\":\"x\""),
        QStringLiteral("Line 4: \"connection\" is 1.5, not a whole number"));
    row("connection as text", message("\"connection\":\"1\",\"opcode\":1,\"text\":\"x\""),
        QStringLiteral("Line 4: \"connection\" is not a number"));
    row("huge opcode", message("\"connection\":1,\"opcode\":1e20,\"text\":\"x\""),
        QStringLiteral("Line 4: \"opcode\" is 1e+20, outside 0 to 15"));
    row("opcode with a fraction", message("\"connection\":1,\"opcode\":1.5,\"text\":\"x\""),
        QStringLiteral("Line 4: \"opcode\" is 1.5, not a whole number"));
    row("negative size", message("\"connection\":1,\"opcode\":1,\"size\":-1,\"text\":\"x\""),
        QStringLiteral("Line 4: \"size\" is -1, outside 0 to"));
    row("huge round trip", message("\"connection\":1,\"opcode\":10,\"text\":\"p\",\"rttUs\":1e300"),
        QStringLiteral("Line 4: \"rttUs\" is 1.0000000000000001e+300, outside 0 to"));
    row("negative round trip", message("\"connection\":1,\"opcode\":10,\"text\":\"p\",\"rttUs\":-7"),
        QStringLiteral("Line 4: \"rttUs\" is -7, outside 0 to"));
    row("negative wire message", message("\"connection\":1,\"opcode\":2,\"size\":1,\"wireMessage\":-1"),
        QStringLiteral("Line 4: \"wireMessage\" is -1, outside 0 to 2147483646"));
    row("last wire message number", message("\"connection\":1,\"opcode\":2,\"size\":1,\"wireMessage\":2147483647"),
        QStringLiteral("Line 4: \"wireMessage\" is 2147483647, outside 0 to 2147483646"));
    row("zero handshake timeout",
        "{\"type\":\"connection\",\"time\":\"2026-11-24T10:00:03Z\",\"connection\":2,\"handshakeTimeoutMs\":0}\n",
        QStringLiteral("Line 4: \"handshakeTimeoutMs\" is 0, outside 1 to 2147483647"));
    row("huge handshake timeout",
        "{\"type\":\"connection\",\"time\":\"2026-11-24T10:00:03Z\",\"connection\":2,\"handshakeTimeoutMs\":3e9}\n",
        QStringLiteral("Line 4: \"handshakeTimeoutMs\" is 3000000000, outside 1 to 2147483647"));
    row("close code past 16 bits", "{\"type\":\"close\",\"time\":\"2026-11-24T10:00:03Z\",\"connection\":1,\"code\":70000}\n",
        QStringLiteral("Line 4: \"code\" is 70000, outside 0 to 65535"));
    row("negative close code", "{\"type\":\"close\",\"time\":\"2026-11-24T10:00:03Z\",\"connection\":1,\"code\":-1000}\n",
        QStringLiteral("Line 4: \"code\" is -1000, outside 0 to 65535"));
    row("huge handshake timing",
        "{\"type\":\"handshake\",\"time\":\"2026-11-24T10:00:03Z\",\"connection\":1,\"timingUs\":{\"dns\":1e300}}\n",
        QStringLiteral("Line 4: \"dns\" is 1.0000000000000001e+300, outside -1 to"));
    row("handshake timing below -1",
        "{\"type\":\"handshake\",\"time\":\"2026-11-24T10:00:03Z\",\"connection\":1,\"timingUs\":{\"total\":-2}}\n",
        QStringLiteral("Line 4: \"total\" is -2, outside -1 to"));
    QTest::newRow("version with a fraction") << QByteArray("{\"format\":\"wsscope-session\",\"version\":2.5}\n") + good
                                             << 0 << 1 << QStringLiteral("Line 1: \"version\" is 2.5, not a whole number");
    QTest::newRow("huge version") << QByteArray("{\"format\":\"wsscope-session\",\"version\":1e10}\n") + good << 0 << 1
                                  << QStringLiteral("Line 1: \"version\" is 10000000000, outside 0 to 2147483647");
}

void TestSessionFile::outOfRangeNumbersAreRefused()
{
    QFETCH(QByteArray, content);
    QFETCH(int, rows);
    QFETCH(int, problemLine);
    QFETCH(QString, problemSays);
    QBuffer buffer(&content);
    buffer.open(QIODevice::ReadOnly);
    MessageLog log;
    const SessionFile::Loaded loaded = SessionFile::read(&buffer, &log);
    QVERIFY2(loaded.problem.startsWith(problemSays), qPrintable(loaded.problem));
    QVERIFY2(loaded.problem.endsWith(QStringLiteral("reading stopped there.")), qPrintable(loaded.problem));
    QCOMPARE(loaded.problemLine, problemLine);
    QCOMPARE(loaded.rows, rows);
    QCOMPARE(log.count(), rows);
}

void TestSessionFile::numbersAtTheirLimitsAreRead()
{
    // The first and last values of each range are read as they are written.
    QByteArray content = "{\"format\":\"wsscope-session\",\"version\":1.0}\n"
                         "{\"type\":\"connection\",\"time\":\"1970-01-01T00:00:00Z\",\"connection\":0,"
                         "\"handshakeTimeoutMs\":2147483647}\n"
                         "{\"type\":\"connection\",\"time\":253402300799999999,\"connection\":2147483647,"
                         "\"handshakeTimeoutMs\":1}\n"
                         "{\"type\":\"handshake\",\"time\":\"9999-12-31T23:59:59.999999Z\",\"connection\":0,"
                         "\"timingUs\":{\"dns\":-1,\"tcp\":0,\"total\":253402300799999999}}\n"
                         "{\"type\":\"message\",\"time\":\"2026-11-24T10:00:01Z\",\"connection\":0,\"dir\":\"receive\","
                         "\"opcode\":10,\"size\":0,\"text\":\"\",\"rttUs\":0}\n"
                         "{\"type\":\"close\",\"time\":\"2026-11-24T10:00:02Z\",\"connection\":0,\"code\":65535}\n"
                         "{\"type\":\"close\",\"time\":\"2026-11-24T10:00:02Z\",\"connection\":2147483647,\"code\":0}\n";
    QBuffer buffer(&content);
    buffer.open(QIODevice::ReadOnly);
    MessageLog log;
    const SessionFile::Loaded loaded = SessionFile::read(&buffer, &log);
    QVERIFY2(loaded.problem.isEmpty(), qPrintable(loaded.problem));
    QCOMPARE(loaded.version, 1);
    QCOMPARE(loaded.connections.size(), 2);
    const Session::Connection &first = loaded.connections.at(0);
    const Session::Connection &last = loaded.connections.at(1);
    QCOMPARE(first.id, 0);
    QCOMPARE(first.startUsec, 0);
    QCOMPARE(first.handshakeTimeoutMs, 2147483647);
    QCOMPARE(first.handshakeUsec, Q_INT64_C(253402300799999999));
    QCOMPARE(first.handshake.timing.dns, -1);
    QCOMPARE(first.handshake.timing.tcp, 0);
    QCOMPARE(first.handshake.timing.total, Q_INT64_C(253402300799999999));
    QCOMPARE(first.close.code, 65535);
    QCOMPARE(first.rtts.size(), 1);
    QCOMPARE(last.id, 2147483647);
    QCOMPARE(last.startUsec, Q_INT64_C(253402300799999999));
    QCOMPARE(last.handshakeTimeoutMs, 1);
    QCOMPARE(last.close.code, 0);
    QCOMPARE(log.count(), 1);
}

void TestSessionFile::hugeLineStopsReading()
{
    // A stream is not trusted to end: a line over 64 MiB stops reading there.
    QByteArray bytes;
    bytes += "{\"format\":\"wsscope-session\",\"version\":1}\n";
    bytes += "{\"type\":\"message\",\"time\":\"2026-11-24T10:00:01Z\",\"dir\":\"send\",\"opcode\":1,\"text\":\"ok\"}\n";
    bytes += "{\"type\":\"message\",\"time\":\"2026-11-24T10:00:02Z\",\"dir\":\"send\",\"opcode\":1,\"text\":\"";
    bytes += QByteArray(SessionFile::MaxStreamLineBytes + 1024 * 1024, 'x');
    bytes += "\"}\n";
    std::signal(SIGPIPE, SIG_IGN);   // the reader may hang up first
    int fds[2];
    QCOMPARE(::pipe(fds), 0);
    std::thread writer([&bytes, fd = fds[1]] {
        for (qsizetype done = 0; done < bytes.size();) {
            const ssize_t n = ::write(fd, bytes.constData() + done, size_t(bytes.size() - done));
            if (n <= 0)
                break;   // the reader stopped and closed its end
            done += n;
        }
        ::close(fd);
    });
    QFile stream;
    QVERIFY(stream.open(fds[0], QIODevice::ReadOnly, QFileDevice::AutoCloseHandle));
    QVERIFY(stream.isSequential());

    MessageLog log;
    const SessionFile::Loaded loaded = SessionFile::read(&stream, &log);
    stream.close();
    writer.join();
    QCOMPARE(loaded.rows, 1);
    QCOMPARE(loaded.problemLine, 3);
    QVERIFY2(loaded.problem.contains(QStringLiteral("longer than 64 MiB")), qPrintable(loaded.problem));
}

void TestSessionFile::longLineOnDiskIsRead()
{
    // A file on disk holds what wsscope wrote: a binary message of 80 MiB is
    // one line of about 107 MiB of base64, and it comes back whole.
    QByteArray payload(80 * 1024 * 1024, Qt::Uninitialized);
    for (qsizetype i = 0; i < payload.size(); ++i)
        payload[i] = char((i * 7 + i / 4093) & 0xff);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("long.wsscope.jsonl"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("{\"format\":\"wsscope-session\",\"version\":2}\n");
    file.write("{\"type\":\"message\",\"time\":\"2026-11-24T10:00:02Z\",\"dir\":\"receive\",\"opcode\":2,\"size\":");
    file.write(QByteArray::number(payload.size()));
    file.write(",\"base64\":\"");
    file.write(payload.toBase64());
    file.write("\"}\n");
    file.close();
    QVERIFY(file.size() > SessionFile::MaxStreamLineBytes);

    Session session;
    SessionFile::Loaded loaded;
    QString error;
    QVERIFY2(SessionFile::load(path, &session, &loaded, &error), qPrintable(error));
    QVERIFY2(loaded.problem.isEmpty(), qPrintable(loaded.problem));
    QCOMPARE(session.log()->count(), 1);
    QCOMPARE(session.log()->data(0).size(), payload.size());
    QVERIFY(session.log()->data(0) == QByteArrayView(payload));
}

std::shared_ptr<TestSessionFile::Reading> TestSessionFile::readWithin(const QString &path, int timeoutMs)
{
    auto reading = std::make_shared<Reading>();
    std::promise<void> done;
    std::future<void> ended = done.get_future();
    std::thread([reading, path, done = std::move(done)]() mutable {
        QFile file;
        reading->opened = SessionFile::openFile(&file, path, &reading->error);
        if (reading->opened) {
            MessageLog log;
            reading->loaded = SessionFile::read(&file, &log, &reading->cancel);
            reading->rows = log.count();
        }
        done.set_value();
    }).detach();
    if (ended.wait_for(std::chrono::milliseconds(timeoutMs)) != std::future_status::ready)
        return nullptr;
    return reading;
}

void TestSessionFile::nonRegularFilesAreRefused_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("message");
    QTest::newRow("named pipe with no writer") << QStringLiteral("fifo") << "it is a named pipe, not a regular file";
    QTest::newRow("/dev/zero") << QStringLiteral("/dev/zero") << "it is a device, not a regular file";
    QTest::newRow("directory") << QStringLiteral("directory") << "it is a directory, not a file";
    QTest::newRow("missing") << QStringLiteral("missing") << "No such file or directory";
}

void TestSessionFile::nonRegularFilesAreRefused()
{
    QFETCH(QString, kind);
    QFETCH(QString, message);
    QTemporaryDir dir;
    QString path = kind;
    if (kind == u"fifo") {
        path = dir.filePath(QStringLiteral("session.wsscope.jsonl"));
        QCOMPARE(::mkfifo(QFile::encodeName(path).constData(), 0600), 0);
    } else if (kind == u"directory") {
        path = dir.path();
    } else if (kind == u"missing") {
        path = dir.filePath(QStringLiteral("gone.wsscope.jsonl"));
    }
    // Refused before reading: a pipe with no writer does not block, a device does not stream.
    const auto reading = readWithin(path, 20000);
    if (!reading && kind == u"fifo") {
        // Let the reader that waits for a writer go, then fail.
        const int fd = ::open(QFile::encodeName(path).constData(), O_WRONLY | O_NONBLOCK);
        if (fd >= 0)
            ::close(fd);
    }
    QVERIFY2(reading, "opening did not end within 20 s");
    QVERIFY(!reading->opened);
    QVERIFY2(reading->error.startsWith(QStringLiteral("Cannot open %1: ").arg(path)), qPrintable(reading->error));
    QVERIFY2(reading->error.contains(message), qPrintable(reading->error));

    // load(), as File > Open and --open use it, says the same.
    Session session;
    SessionFile::Loaded loaded;
    QString error;
    QVERIFY(!SessionFile::load(path, &session, &loaded, &error));
    QCOMPARE(error, reading->error);
}

void TestSessionFile::manyBlankLinesAreRead()
{
    // Ten million blank lines (10 MB) between two messages: each line costs
    // a scan of the buffer, not a read of its own (it used to cost 20 µs, an
    // allocation of 1 MiB per line: over three minutes).
    constexpr int Blank = 10'000'000;
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("blank.wsscope.jsonl"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    const QByteArray message =
        "{\"type\":\"message\",\"time\":\"2026-11-24T10:00:01.5Z\",\"dir\":\"send\",\"opcode\":1,\"text\":\"ok\"}\n";
    file.write("{\"format\":\"wsscope-session\",\"version\":3}\n");
    file.write(message);
    const QByteArray blanks(1'000'000, '\n');
    for (int i = 0; i < Blank / blanks.size(); ++i)
        QCOMPARE(file.write(blanks), blanks.size());
    file.write(" \t\r\n");
    file.write(message);
    file.write("not json\n");
    file.close();

    const auto reading = readWithin(path, 120000);
    QVERIFY2(reading, "reading did not end within 120 s");
    QVERIFY2(reading->opened, qPrintable(reading->error));
    QCOMPARE(reading->rows, 2);
    // Every line was counted: the bad one is the last.
    QCOMPARE(reading->loaded.problemLine, 2 + Blank + 1 + 1 + 1);
    QVERIFY2(reading->loaded.problem.contains(QStringLiteral("is not valid JSON")), qPrintable(reading->loaded.problem));
}

void TestSessionFile::linesOfEveryLengthAroundTheBuffer()
{
    // Lines that end just before, on and just after the edges of the
    // reader's chunks (256 KiB), and lines longer than a chunk: each comes
    // back whole, in order.
    QByteArray bytes = "{\"format\":\"wsscope-session\",\"version\":3}\n";
    QList<QByteArray> texts;
    const QByteArray prefix = "{\"type\":\"message\",\"time\":\"2026-11-24T10:00:01Z\",\"dir\":\"receive\",\"opcode\":1,\"text\":\"";
    for (const qsizetype length : {qsizetype(1), qsizetype(100), qsizetype(262000), qsizetype(262144 - 60),
                                   qsizetype(262144), qsizetype(262145), qsizetype(600000), qsizetype(3), qsizetype(1100000),
                                   qsizetype(5)}) {
        QByteArray text(length, 'a');
        for (qsizetype i = 0; i < length; ++i)
            text[i] = char('a' + (i * 31 + length) % 26);
        texts << text;
        bytes += prefix + text + "\"}\n";
    }
    bytes += prefix + "last, with no line break\"}";
    texts << "last, with no line break";
    QBuffer buffer(&bytes);
    QVERIFY(buffer.open(QIODevice::ReadOnly));
    MessageLog log;
    const SessionFile::Loaded loaded = SessionFile::read(&buffer, &log);
    QVERIFY2(loaded.problem.isEmpty(), qPrintable(loaded.problem));
    QCOMPARE(log.count(), texts.size());
    for (int i = 0; i < texts.size(); ++i)
        QVERIFY2(log.data(i) == QByteArrayView(texts.at(i)), qPrintable(QString::number(i)));
}

namespace {

// An endless stream of message lines, as a device that never ends would be.
class EndlessLines : public QIODevice
{
public:
    EndlessLines()
    {
        m_line = "{\"type\":\"message\",\"time\":\"2026-11-24T10:00:01Z\",\"dir\":\"send\",\"opcode\":1,\"text\":\"ok\"}\n";
        m_head = "{\"format\":\"wsscope-session\",\"version\":3}\n";
    }
    bool isSequential() const override { return true; }

protected:
    qint64 readData(char *data, qint64 maxSize) override
    {
        qint64 done = 0;
        while (done < maxSize) {
            const QByteArray &source = m_headSent ? m_line : m_head;
            const qint64 n = qMin<qint64>(maxSize - done, source.size() - m_at);
            memcpy(data + done, source.constData() + m_at, size_t(n));
            done += n;
            m_at += n;
            if (m_at == source.size()) {
                m_at = 0;
                m_headSent = true;
            }
        }
        return done;
    }
    qint64 writeData(const char *, qint64) override { return -1; }

private:
    QByteArray m_line;
    QByteArray m_head;
    qsizetype m_at = 0;
    bool m_headSent = false;
};

} // namespace

void TestSessionFile::cancelStopsReading()
{
    std::atomic<bool> cancel{false};
    std::atomic<int> rows{0};
    SessionFile::Loaded loaded;
    std::promise<void> done;
    std::future<void> ended = done.get_future();
    std::thread reader([&] {
        EndlessLines stream;
        stream.open(QIODevice::ReadOnly);
        MessageLog log;
        loaded = SessionFile::read(&stream, &log, &cancel);
        rows = log.count();
        done.set_value();
    });
    QTest::qWait(300);
    QCOMPARE(ended.wait_for(std::chrono::milliseconds(0)), std::future_status::timeout);   // still reading
    cancel = true;
    const bool stopped = ended.wait_for(std::chrono::seconds(10)) == std::future_status::ready;
    if (!stopped) {
        reader.detach();
        QFAIL("reading did not stop within 10 s of the cancel");
    }
    reader.join();
    QVERIFY(rows > 0);
    QVERIFY2(loaded.problem.contains(QStringLiteral("cancelled")), qPrintable(loaded.problem));
    QCOMPARE(loaded.problemLine, rows + 2);
}

void TestSessionFile::journalFollowsTheSession()
{
    QTemporaryDir dir;
    QtPeer peer;
    Session session;
    Journal journal(&session, dir.path());
    QVERIFY2(journal.isOpen(), qPrintable(journal.errorString()));
    QVERIFY(QFile::exists(journal.path()));

    QVERIFY(session.open(peer.url()));
    QTRY_COMPARE(session.state(), Session::State::Open);
    QTRY_VERIFY(peer.peer());
    for (int i = 0; i < 100; ++i)
        peer.peer()->sendTextMessage(QStringLiteral("message %1").arg(i));
    QTRY_COMPARE(session.log()->count(), 101);
    // Within a second every row is in the file, without the journal ending.
    QTRY_VERIFY_WITH_TIMEOUT(linesOf(journal.path()).join('\n').contains("message 99"), 1000);
    {
        QFile file(journal.path());
        QVERIFY(file.open(QIODevice::ReadOnly));
        MessageLog log;
        const SessionFile::Loaded loaded = SessionFile::read(&file, &log);
        QVERIFY2(loaded.problem.isEmpty(), qPrintable(loaded.problem));
        QVERIFY(!loaded.ended);
        QCOMPARE(log.count(), 101);
        QCOMPARE(loaded.connections.size(), 1);
        QVERIFY(loaded.connections.first().opened);   // the handshake line is there
    }
    // Held by this process: not offered for recovery.
    QVERIFY(Journal::recoverable(dir.path()).isEmpty());

    QVERIFY(session.close());
    QTRY_COMPARE_WITH_TIMEOUT(session.state(), Session::State::Closed, 5000);
    journal.finish(true);
    QFile file(journal.path());
    QVERIFY(file.open(QIODevice::ReadOnly));
    MessageLog log;
    const SessionFile::Loaded loaded = SessionFile::read(&file, &log);
    QVERIFY(loaded.ended);
    QCOMPARE(loaded.connections.first().close.closer, Session::Closer::Us);
    QCOMPARE(loaded.connections.first().close.code, 1000);

    // A journal ended cleanly and removed is gone.
    Session other;
    auto second = std::make_unique<Journal>(&other, dir.path());
    const QString secondPath = second->path();
    second.reset();
    QVERIFY(!QFile::exists(secondPath));
}

void TestSessionFile::journalOfALiveProcessIsNotRecoverable()
{
    // A lock left by a process that is gone makes a journal recoverable;
    // one whose process runs does not. Fake the dead one with a lock file
    // naming a PID that cannot exist.
    QTemporaryDir dir;
    const QString dead = dir.filePath(QStringLiteral("session-dead.wsscope.jsonl"));
    QFile journal(dead);
    QVERIFY(journal.open(QIODevice::WriteOnly));
    journal.write("{\"format\":\"wsscope-session\",\"version\":1}\n");
    journal.close();
    // A real lock file of this process, with its PID replaced.
    QByteArray content;
    {
        QLockFile model(dir.filePath(QStringLiteral("model.lock")));
        QVERIFY(model.tryLock(0));
        QFile modelFile(dir.filePath(QStringLiteral("model.lock")));
        QVERIFY(modelFile.open(QIODevice::ReadOnly));
        content = modelFile.readAll();
    }
    QVERIFY(content.startsWith(QByteArray(QByteArray::number(QCoreApplication::applicationPid()) + "\n")));
    content = "2147483646" + content.mid(content.indexOf('\n'));
    QFile lock(dead + QStringLiteral(".lock"));
    QVERIFY(lock.open(QIODevice::WriteOnly));
    lock.write(content);
    lock.close();

    Session session;
    Journal live(&session, dir.path());
    const QList<Journal::Recoverable> found = Journal::recoverable(dir.path());
    QCOMPARE(found.size(), 1);
    QCOMPARE(found.first().path, dead);
}

void TestSessionFile::maskedSaveHidesCredentials()
{
    QtPeer peer;
    Session live;
    runExchange(&live, &peer);
    if (QTest::currentTestFailed())
        return;
    for (const SessionExport::Format format : {SessionExport::Format::SessionFile, SessionExport::Format::Har,
                                               SessionExport::Format::Text}) {
        QBuffer plain;
        plain.open(QIODevice::WriteOnly);
        QBuffer masked;
        masked.open(QIODevice::WriteOnly);
        QString error;
        QVERIFY(SessionExport::write(live, format, &plain, {}, &error));
        QVERIFY(SessionExport::write(live, format, &masked, {true, {}}, &error));
        QVERIFY(plain.data().contains("secret-token") || plain.data().contains(QByteArray("Bearer secret-token").toBase64()));
        QVERIFY(!masked.data().contains("secret-token"));
        QVERIFY(!masked.data().contains(QByteArray("Bearer secret-token").toBase64()));
        QVERIFY(masked.data().contains("X-Test"));
    }
}

void TestSessionFile::journalCanHideCredentials()
{
    QTemporaryDir dir;
    QtPeer peer;
    Session session;
    SessionExport::Options options;
    options.maskSecrets = true;
    Journal journal(&session, dir.path(), options);
    runExchange(&session, &peer);
    if (QTest::currentTestFailed())
        return;
    journal.finish(true);
    const QByteArray written = linesOf(journal.path()).join('\n');
    QVERIFY(written.contains("\"X-Test\""));
    QVERIFY(written.contains("are you there"));
    QVERIFY(!written.contains("secret-token"));
    QVERIFY(!written.contains(QByteArray("Bearer secret-token").toBase64()));
}

void TestSessionFile::journalKeepsWhatARingDrops()
{
    // The log keeps the newest 50 rows; the journal has every one.
    QTemporaryDir dir;
    QtPeer peer;
    Session session;
    session.log()->setMaxRows(50);
    Journal journal(&session, dir.path());
    QVERIFY(session.open(peer.url()));
    QTRY_COMPARE(session.state(), Session::State::Open);
    QTRY_VERIFY(peer.peer());
    for (int i = 0; i < 500; ++i) {
        peer.peer()->sendTextMessage(QStringLiteral("numbered %1").arg(i));
        if (i % 100 == 99)
            QTest::qWait(60);   // let batches be announced, and the ring drop rows
    }
    QTRY_VERIFY(session.log()->count() > 0
                && session.log()->data(session.log()->count() - 1) == QByteArrayView("numbered 499"));
    session.log()->flush();
    QCOMPARE(session.log()->count(), 50);
    journal.finish(true);

    QFile file(journal.path());
    QVERIFY(file.open(QIODevice::ReadOnly));
    MessageLog log;
    SessionFile::read(&file, &log);
    int received = 0;
    for (int row = 0; row < log.count(); ++row) {
        if (log.at(row).direction == MessageLog::Direction::Received) {
            QCOMPARE(log.data(row).toByteArray(), QStringLiteral("numbered %1").arg(received).toUtf8());
            ++received;
        }
    }
    QCOMPARE(received, 500);
}

QTEST_GUILESS_MAIN(TestSessionFile)
#include "tst_sessionfile.moc"
