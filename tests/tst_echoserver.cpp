#include "freeport.h"
#include "qtmessages.h"
#include "server/echoserver.h"

#include <QFile>
#include <QProcess>
#include <QScopeGuard>
#include <QSettings>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QWebSocket>
#include <QtEndian>

#include <algorithm>
#include <memory>

namespace {

constexpr qint64 MiB = 1024 * 1024;

// A WebSocket client written by hand, so that it can do what a well-behaved
// client never does: send without reading, announce a message it never
// finishes, send any Origin.
class RawClient : public QObject
{
public:
    // Connects and sends the upgrade request with extraHeaders (whole
    // lines); true once the answer's head is in.
    bool upgrade(quint16 port, const QByteArray &extraHeaders = {})
    {
        connect(&m_socket, &QIODevice::readyRead, this, [this] { onReadyRead(); });
        connect(&m_socket, &QIODevice::bytesWritten, this, [this](qint64 bytes) {
            m_written += bytes;
            feed();
        });
        m_socket.connectToHost(QHostAddress::LocalHost, port);
        if (!m_socket.waitForConnected(10000))
            return false;
        m_socket.write("GET / HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(port)
                       + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                         "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                       + extraHeaders + "\r\n");
        return QTest::qWaitFor([this] { return m_status != 0 || m_socket.state() != QAbstractSocket::ConnectedState; },
                               20000)
            && m_status != 0;
    }

    int status() const { return m_status; }
    const QByteArray &head() const { return m_head; }
    bool isConnected() const { return m_socket.state() == QAbstractSocket::ConnectedState; }
    // The code of the server's Close frame; 0 while none came.
    int closeCode() const { return m_closeCode; }
    qint64 written() const { return m_written; }
    QByteArray echoes() const { return m_frames; }

    // Stops reading for good: what the server sends stays in the system's
    // buffers, which fill, as they do for a client that does not read.
    void stopReading()
    {
        disconnect(&m_socket, &QIODevice::readyRead, this, nullptr);
        m_socket.setReadBufferSize(1);
    }

    // Sends frame again and again, a few MiB ahead of what the system took,
    // until total bytes were handed over, the server closed, or stop().
    void stream(const QByteArray &frame, qint64 total)
    {
        m_frame = frame;
        m_total = total;
        feed();
    }
    void sendNow(const QByteArray &bytes) { m_socket.write(bytes); }
    void stop() { m_total = 0; }

    // A client frame, masked as it must be (with a key of zero, which leaves
    // the payload as it is, so that a large one is cheap to make).
    static QByteArray frame(quint8 opcode, bool final, qint64 payloadBytes, const QByteArray &payload = {})
    {
        QByteArray out;
        out += char((final ? 0x80 : 0) | opcode);
        if (payloadBytes < 126) {
            out += char(0x80 | payloadBytes);
        } else if (payloadBytes <= 0xffff) {
            out += char(0x80 | 126);
            out += char(payloadBytes >> 8);
            out += char(payloadBytes & 0xff);
        } else {
            out += char(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8)
                out += char((payloadBytes >> shift) & 0xff);
        }
        out += QByteArray(4, '\0');
        return out + payload;
    }

private:
    void feed()
    {
        while (!m_frame.isEmpty() && isConnected() && m_closeCode == 0 && m_queued < m_total
               && m_socket.bytesToWrite() < 4 * MiB) {
            const qint64 bytes = qMin<qint64>(m_frame.size(), m_total - m_queued);
            m_socket.write(m_frame.constData(), bytes);
            m_queued += bytes;
        }
    }

    void onReadyRead()
    {
        m_in += m_socket.readAll();
        if (m_status == 0) {
            const qsizetype end = m_in.indexOf("\r\n\r\n");
            if (end < 0)
                return;
            m_head = m_in.left(end + 4);
            m_in.remove(0, end + 4);
            const QList<QByteArray> words = m_head.split(' ');
            m_status = words.size() > 1 ? words.at(1).toInt() : -1;
        }
        // The server's frames: never masked, and small here but for echoes.
        while (m_in.size() >= 2) {
            const quint8 opcode = quint8(m_in.at(0)) & 0x0f;
            qint64 length = quint8(m_in.at(1)) & 0x7f;
            qsizetype at = 2;
            if (length == 126) {
                if (m_in.size() < 4)
                    return;
                length = qFromBigEndian<quint16>(m_in.constData() + 2);
                at = 4;
            } else if (length == 127) {
                if (m_in.size() < 10)
                    return;
                length = qint64(qFromBigEndian<quint64>(m_in.constData() + 2));
                at = 10;
            }
            if (m_in.size() < at + length)
                return;
            if (opcode == 0x8)
                m_closeCode = length >= 2 ? qFromBigEndian<quint16>(m_in.constData() + at) : 1005;
            else
                m_frames += m_in.mid(at, length);
            m_in.remove(0, at + length);
        }
    }

    QTcpSocket m_socket;
    QByteArray m_in;
    QByteArray m_head;
    int m_status = 0;
    int m_closeCode = 0;
    QByteArray m_frames;
    QByteArray m_frame;
    qint64 m_total = 0;
    qint64 m_queued = 0;
    qint64 m_written = 0;
};

// wsscope --serve, as a user runs it.
class ServeProcess
{
public:
    explicit ServeProcess(const QStringList &arguments = {})
    {
        m_process.setProcessEnvironment(QtMessages::markedEnvironment());
        m_process.start(QStringLiteral(WSSCOPE_BINARY), QStringList{QStringLiteral("--serve"), QStringLiteral("0")} + arguments);
        if (m_process.waitForStarted() && QTest::qWaitFor([this] { return m_process.canReadLine(); }, 20000))
            m_url = QUrl(QString::fromUtf8(m_process.readLine()).trimmed());
    }
    ~ServeProcess()
    {
        m_process.kill();
        m_process.waitForFinished();
    }

    quint16 port() const { return quint16(m_url.port(0)); }
    bool isRunning() const { return m_process.state() == QProcess::Running; }
    // The most memory the process has held at once (VmHWM), and now (VmRSS).
    qint64 peakResidentBytes() const { return statusKiB("VmHWM:") * 1024; }
    qint64 residentBytes() const { return statusKiB("VmRSS:") * 1024; }
    QString err()
    {
        m_err += QString::fromUtf8(m_process.readAllStandardError());
        return m_err;
    }

private:
    qint64 statusKiB(const QByteArray &field) const
    {
        QFile status(QStringLiteral("/proc/%1/status").arg(m_process.processId()));
        if (!status.open(QIODevice::ReadOnly))
            return -1;
        for (const QByteArray &line : status.readAll().split('\n')) {
            if (line.startsWith(field))
                return line.mid(field.size()).trimmed().split(' ').constFirst().toLongLong();
        }
        return -1;
    }

    QProcess m_process;
    QUrl m_url;
    QString m_err;
};

QByteArray originHeader(const QByteArray &origin)
{
    return origin.isNull() ? QByteArray() : "Origin: " + origin + "\r\n";
}

QString megabytes(qint64 bytes)
{
    return QString::number(double(bytes) / MiB, 'f', 1) + QStringLiteral(" MiB");
}

} // namespace

class TestEchoServer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void echoesTextAndBinary();
    void defaultOrigins_data();
    void defaultOrigins();
    void allowedOrigins();
    void originProblems_data();
    void originProblems();
    void serveRefusesForeignOriginsUnlessAllowed();
    void windowFollowsTheAllowedOriginsSetting();
    void largestMessageEchoes_data();
    void largestMessageEchoes();
    void largerMessageGets1009_data();
    void largerMessageGets1009();
    void clientsAreCapped();
    void idleConnectionsCountAndTimeOut();
    void clientThatDoesNotReadIsBoundedAndDropped();
    void halfSentHugeMessagesAreBounded_data();
    void halfSentHugeMessagesAreBounded();
};

void TestEchoServer::echoesTextAndBinary()
{
    EchoServer server;
    QVERIFY(server.listen());
    QWebSocket socket;
    QSignalSpy texts(&socket, &QWebSocket::textMessageReceived);
    QSignalSpy binaries(&socket, &QWebSocket::binaryMessageReceived);
    socket.open(server.url());
    QTRY_COMPARE_WITH_TIMEOUT(socket.state(), QAbstractSocket::ConnectedState, 10000);
    QTRY_COMPARE(server.clientCount(), 1);
    socket.sendTextMessage(QStringLiteral("h\u00e9llo"));
    socket.sendBinaryMessage(QByteArray("\x00\x01\xff", 3));
    QTRY_COMPARE(texts.size(), 1);
    QTRY_COMPARE(binaries.size(), 1);
    QCOMPARE(texts.at(0).at(0).toString(), QStringLiteral("h\u00e9llo"));
    QCOMPARE(binaries.at(0).at(0).toByteArray(), QByteArray("\x00\x01\xff", 3));
    socket.close();
    QTRY_COMPARE(server.clientCount(), 0);
}

void TestEchoServer::defaultOrigins_data()
{
    QTest::addColumn<QByteArray>("origin");
    QTest::addColumn<int>("status");

    QTest::newRow("no Origin (not a browser)") << QByteArray() << 101;
    QTest::newRow("127.0.0.1 with a port") << QByteArray("http://127.0.0.1:8080") << 101;
    QTest::newRow("localhost over https") << QByteArray("https://localhost") << 101;
    QTest::newRow("localhost in capitals") << QByteArray("http://LOCALHOST:3000") << 101;
    QTest::newRow("[::1] with a port") << QByteArray("http://[::1]:5173") << 101;
    QTest::newRow("null (a page from a file)") << QByteArray("null") << 101;
    QTest::newRow("file://") << QByteArray("file://") << 101;
    QTest::newRow("a web site") << QByteArray("http://evil.example") << 403;
    QTest::newRow("a web site over https") << QByteArray("https://evil.example:8443") << 403;
    QTest::newRow("localhost as a subdomain") << QByteArray("http://localhost.evil.example") << 403;
    QTest::newRow("127.0.0.1 as a subdomain") << QByteArray("http://127.0.0.1.evil.example") << 403;
    QTest::newRow("loopback as user info") << QByteArray("http://localhost@evil.example") << 403;
    QTest::newRow("another scheme") << QByteArray("ftp://localhost") << 403;
    QTest::newRow("not an origin") << QByteArray("localhost") << 403;
    QTest::newRow("another private address") << QByteArray("http://192.168.1.1") << 403;
}

void TestEchoServer::defaultOrigins()
{
    QFETCH(QByteArray, origin);
    QFETCH(int, status);
    EchoServer server;
    QVERIFY(server.listen());
    QSignalSpy notices(&server, &EchoServer::notice);
    RawClient client;
    QVERIFY(client.upgrade(server.url().port(), originHeader(origin)));
    QVERIFY2(client.status() == status, client.head().constData());
    if (status == 403) {
        QVERIFY(client.head().startsWith("HTTP/1.1 403 "));
        QTRY_VERIFY(!client.isConnected());
        QCOMPARE(server.clientCount(), 0);
        QCOMPARE(notices.size(), 1);
        QVERIFY2(notices.at(0).at(0).toString().contains(QString::fromLatin1(origin)),
                 qPrintable(notices.at(0).at(0).toString()));
    } else {
        QTRY_COMPARE(server.clientCount(), 1);
        QVERIFY(notices.isEmpty());
    }
}

void TestEchoServer::allowedOrigins()
{
    EchoServer server;
    QVERIFY(server.listen());
    // Written as a user might: a default port, a trailing slash, capitals.
    server.setAllowedOrigins({QStringLiteral("https://Example.com:443/"), QStringLiteral("http://evil.example:8080"),
                              QStringLiteral("not an origin")});
    QCOMPARE(server.allowedOrigins(),
             QStringList({QStringLiteral("https://example.com"), QStringLiteral("http://evil.example:8080")}));
    const auto statusFor = [&server](const QByteArray &origin) {
        RawClient client;
        return client.upgrade(server.url().port(), originHeader(origin)) ? client.status() : -1;
    };
    QCOMPARE(statusFor("https://example.com"), 101);
    QCOMPARE(statusFor("http://evil.example:8080"), 101);
    QCOMPARE(statusFor("http://evil.example"), 403);
    QCOMPARE(statusFor("http://example.com"), 403);
    QCOMPARE(statusFor("http://localhost:1"), 101);   // the default ones stay

    server.setAllowedOrigins({QStringLiteral("*")});
    QCOMPARE(statusFor("http://evil.example"), 101);
    server.setAllowedOrigins({});
    QCOMPARE(statusFor("http://evil.example"), 403);
}

void TestEchoServer::originProblems_data()
{
    QTest::addColumn<QString>("origin");
    QTest::addColumn<bool>("ok");

    QTest::newRow("https origin") << QStringLiteral("https://example.com") << true;
    QTest::newRow("with a port") << QStringLiteral("http://localhost:3000") << true;
    QTest::newRow("IPv6") << QStringLiteral("http://[2001:db8::1]:8080") << true;
    QTest::newRow("any") << QStringLiteral("*") << true;
    QTest::newRow("null") << QStringLiteral("null") << true;
    QTest::newRow("empty") << QString() << false;
    QTest::newRow("a path") << QStringLiteral("https://example.com/app") << false;
    QTest::newRow("no scheme") << QStringLiteral("example.com") << false;
    QTest::newRow("a query") << QStringLiteral("https://example.com?x") << false;
    QTest::newRow("a line break") << QStringLiteral("https://example.com\r\nX: y") << false;
}

void TestEchoServer::originProblems()
{
    QFETCH(QString, origin);
    QFETCH(bool, ok);
    QCOMPARE(EchoServer::originProblem(origin).isEmpty(), ok);
}

void TestEchoServer::serveRefusesForeignOriginsUnlessAllowed()
{
    ServeProcess plain;
    QVERIFY(plain.port() != 0);
    {
        RawClient client;
        QVERIFY(client.upgrade(plain.port(), originHeader("http://evil.example")));
        QCOMPARE(client.status(), 403);
    }
    {
        // What the client sent is printed with its control characters escaped.
        RawClient client;
        QVERIFY(client.upgrade(plain.port(), originHeader("http://evil.example\x1b]0;owned\x07\x1b[2J")));
        QCOMPARE(client.status(), 403);
    }
    QTRY_VERIFY_WITH_TIMEOUT(plain.err().count(QStringLiteral("403")) == 2, 10000);
    const QString err = plain.err();
    QVERIFY2(err.contains(QStringLiteral("http://evil.example\\x1b]0;owned\\x07\\x1b[2J")), qPrintable(err));
    QVERIFY2(!err.contains(QChar(0x1b)) && !err.contains(QChar(0x07)), qPrintable(err));
    QVERIFY2(QtMessages::in(err).isEmpty(), qPrintable(err));
    {
        RawClient client;
        QVERIFY(client.upgrade(plain.port(), originHeader("http://127.0.0.1:8000")));
        QCOMPARE(client.status(), 101);
    }

    ServeProcess allowing({QStringLiteral("--allow-origin"), QStringLiteral("http://evil.example")});
    QVERIFY(allowing.port() != 0);
    {
        RawClient client;
        QVERIFY(client.upgrade(allowing.port(), originHeader("http://evil.example")));
        QCOMPARE(client.status(), 101);
    }
    {
        RawClient client;
        QVERIFY(client.upgrade(allowing.port(), originHeader("http://other.example")));
        QCOMPARE(client.status(), 403);
    }
    ServeProcess any({QStringLiteral("--allow-origin=*")});
    QVERIFY(any.port() != 0);
    RawClient client;
    QVERIFY(client.upgrade(any.port(), originHeader("http://other.example")));
    QCOMPARE(client.status(), 101);
}

void TestEchoServer::windowFollowsTheAllowedOriginsSetting()
{
    QTemporaryDir home;
    QVERIFY(home.isValid());
    const quint16 port = freeLoopbackPort();
    QVERIFY(port != 0);
    {
        QSettings settings(home.filePath(QStringLiteral("config/wsscope/wsscope.conf")), QSettings::IniFormat);
        settings.setValue(QStringLiteral("echoServer/port"), port);
        settings.setValue(QStringLiteral("echoServer/allowedOrigins"), QStringList{QStringLiteral("http://evil.example")});
    }
    QProcessEnvironment environment = QtMessages::markedEnvironment();
    environment.insert(QStringLiteral("HOME"), home.path());
    environment.insert(QStringLiteral("XDG_CONFIG_HOME"), home.filePath(QStringLiteral("config")));
    environment.insert(QStringLiteral("XDG_DATA_HOME"), home.filePath(QStringLiteral("data")));
    environment.insert(QStringLiteral("XDG_CACHE_HOME"), home.filePath(QStringLiteral("cache")));
    environment.insert(QStringLiteral("XDG_RUNTIME_DIR"), home.path());
    environment.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    QProcess window;
    window.setProcessEnvironment(environment);
    window.start(QStringLiteral(WSSCOPE_BINARY), {});
    const auto stop = qScopeGuard([&window] {
        window.kill();
        window.waitForFinished();
    });
    QVERIFY(window.waitForStarted());
    QVERIFY(QTest::qWaitFor(
        [port] {
            QTcpSocket socket;
            socket.connectToHost(QHostAddress::LocalHost, port);
            return socket.waitForConnected(1000);
        },
        30000));
    RawClient allowed;
    QVERIFY(allowed.upgrade(port, originHeader("http://evil.example")));
    QCOMPARE(allowed.status(), 101);
    RawClient refused;
    QVERIFY(refused.upgrade(port, originHeader("http://other.example")));
    QCOMPARE(refused.status(), 403);
}

void TestEchoServer::largestMessageEchoes_data()
{
    QTest::addColumn<qint64>("frameBytes");
    QTest::newRow("in one frame") << EchoServer::MaxMessageBytes;
    QTest::newRow("in frames of 512 KiB") << qint64(512 * 1024);
}

void TestEchoServer::largestMessageEchoes()
{
    QFETCH(qint64, frameBytes);
    EchoServer server;
    QVERIFY(server.listen());
    QWebSocket socket;
    socket.setOutgoingFrameSize(quint64(frameBytes));
    QSignalSpy echoes(&socket, &QWebSocket::binaryMessageReceived);
    socket.open(server.url());
    QTRY_COMPARE_WITH_TIMEOUT(socket.state(), QAbstractSocket::ConnectedState, 10000);
    // Twice, so that a read buffer that filled up once is seen to fill again.
    QByteArray message(EchoServer::MaxMessageBytes, 'a');
    message[0] = 'b';
    socket.sendBinaryMessage(message);
    socket.sendBinaryMessage(message);
    QTRY_COMPARE_WITH_TIMEOUT(echoes.size(), 2, 60000);
    QVERIFY(echoes.at(0).at(0).toByteArray() == message);
    QVERIFY(echoes.at(1).at(0).toByteArray() == message);
    QCOMPARE(socket.state(), QAbstractSocket::ConnectedState);
}

void TestEchoServer::largerMessageGets1009_data()
{
    QTest::addColumn<qint64>("frameBytes");
    QTest::newRow("in one frame") << EchoServer::MaxMessageBytes + 1;
    QTest::newRow("in frames of 512 KiB") << qint64(512 * 1024);
}

void TestEchoServer::largerMessageGets1009()
{
    QFETCH(qint64, frameBytes);
    EchoServer server;
    QVERIFY(server.listen());
    QWebSocket socket;
    socket.setOutgoingFrameSize(quint64(frameBytes));
    QSignalSpy echoes(&socket, &QWebSocket::binaryMessageReceived);
    socket.open(server.url());
    QTRY_COMPARE_WITH_TIMEOUT(socket.state(), QAbstractSocket::ConnectedState, 10000);
    socket.sendBinaryMessage(QByteArray(EchoServer::MaxMessageBytes + 1, 'a'));
    QTRY_COMPARE_WITH_TIMEOUT(socket.state(), QAbstractSocket::UnconnectedState, 60000);
    QCOMPARE(int(socket.closeCode()), 1009);
    QVERIFY(echoes.isEmpty());
    QTRY_COMPARE(server.clientCount(), 0);
}

void TestEchoServer::clientsAreCapped()
{
    EchoServer server;
    QVERIFY(server.listen());
    QSignalSpy notices(&server, &EchoServer::notice);
    std::vector<std::unique_ptr<QWebSocket>> sockets;
    for (int i = 0; i < EchoServer::MaxClients; ++i) {
        sockets.push_back(std::make_unique<QWebSocket>());
        sockets.back()->open(server.url());
    }
    QTRY_COMPARE_WITH_TIMEOUT(server.clientCount(), EchoServer::MaxClients, 20000);

    RawClient oneTooMany;
    QVERIFY(oneTooMany.upgrade(server.url().port()));
    QVERIFY2(oneTooMany.head().startsWith("HTTP/1.1 503 Service Unavailable\r\n"), oneTooMany.head().constData());
    QTRY_VERIFY(!oneTooMany.isConnected());
    QCOMPARE(server.clientCount(), EchoServer::MaxClients);
    QCOMPARE(notices.size(), 1);
    QVERIFY(notices.at(0).at(0).toString().contains(QString::number(EchoServer::MaxClients)));

    // A client leaving makes room.
    sockets.front()->close();
    QTRY_COMPARE(server.clientCount(), EchoServer::MaxClients - 1);
    QWebSocket next;
    next.open(server.url());
    QTRY_COMPARE_WITH_TIMEOUT(next.state(), QAbstractSocket::ConnectedState, 10000);
    QTRY_COMPARE(server.clientCount(), EchoServer::MaxClients);
}

void TestEchoServer::idleConnectionsCountAndTimeOut()
{
    EchoServer server;
    QVERIFY(server.listen());
    std::vector<std::unique_ptr<QTcpSocket>> idle;
    for (int i = 0; i < EchoServer::MaxClients; ++i) {
        idle.push_back(std::make_unique<QTcpSocket>());
        idle.back()->connectToHost(QHostAddress::LocalHost, server.url().port());
        QVERIFY(idle.back()->waitForConnected(10000));
    }
    // Connections that never finish a handshake take the places too...
    QTest::qWait(200);
    RawClient refused;
    QVERIFY(refused.upgrade(server.url().port()));
    QCOMPARE(refused.status(), 503);
    // ...until they time out.
    QTRY_VERIFY_WITH_TIMEOUT(std::all_of(idle.begin(), idle.end(),
                                         [](const auto &socket) {
                                             return socket->state() == QAbstractSocket::UnconnectedState;
                                         }),
                             EchoServer::HandshakeTimeoutMs + 10000);
    RawClient accepted;
    QVERIFY(accepted.upgrade(server.url().port()));
    QCOMPARE(accepted.status(), 101);
}

// Under AddressSanitizer (the asan build runs the same tests) the server
// keeps what it frees in quarantine, 256 MiB by default, and adds redzones:
// that much more may be resident without anything being held for a client.
#if defined(__SANITIZE_ADDRESS__)
constexpr qint64 SanitizerSlack = 256 * MiB;
#else
constexpr qint64 SanitizerSlack = 0;
#endif

void TestEchoServer::clientThatDoesNotReadIsBoundedAndDropped()
{
    ServeProcess serve;
    QVERIFY(serve.port() != 0);
    const qint64 base = serve.residentBytes();
    QVERIFY(base > 0);
    RawClient client;
    QVERIFY(client.upgrade(serve.port()));
    QCOMPARE(client.status(), 101);
    client.stopReading();
    // 1 MiB binary messages, 512 MiB in all: echoed in full, they would all be held.
    const qint64 total = 512 * MiB;
    client.stream(RawClient::frame(0x2, true, MiB, QByteArray(MiB, 'x')), total);
    const qint64 bound = base + EchoServer::MaxBytesPerClient + SanitizerSlack;
    // Until the server drops the client, or took it all, or is seen over the bound.
    QTRY_VERIFY_WITH_TIMEOUT(!client.isConnected() || client.written() >= total || serve.residentBytes() > bound,
                             120000);
    const qint64 peak = serve.peakResidentBytes();
    qInfo("the server took %s of 512 MiB before dropping the client; its peak RSS was %s (at start %s)",
          qPrintable(megabytes(client.written())), qPrintable(megabytes(peak)), qPrintable(megabytes(base)));
    QVERIFY2(peak < bound, qPrintable(megabytes(peak) + QStringLiteral(" over ") + megabytes(bound)));
    QVERIFY2(!client.isConnected(), qPrintable(megabytes(client.written())));
    QTRY_VERIFY_WITH_TIMEOUT(serve.err().contains(QStringLiteral("Dropped the client")), 10000);
    QVERIFY(serve.isRunning());

    // And the server still serves.
    RawClient next;
    QVERIFY(next.upgrade(serve.port()));
    QCOMPARE(next.status(), 101);
    next.sendNow(RawClient::frame(0x2, true, 3, "abc"));
    QTRY_COMPARE_WITH_TIMEOUT(next.echoes(), QByteArray("abc"), 10000);
    QVERIFY2(QtMessages::in(serve.err()).isEmpty(), qPrintable(serve.err()));
}

void TestEchoServer::halfSentHugeMessagesAreBounded_data()
{
    QTest::addColumn<bool>("fragmented");
    QTest::newRow("one frame announcing 250 MiB") << false;
    QTest::newRow("non-final frames of 1 MiB") << true;
}

void TestEchoServer::halfSentHugeMessagesAreBounded()
{
    QFETCH(bool, fragmented);
    constexpr int Clients = 4;
    constexpr qint64 Announced = 250 * MiB;
    ServeProcess serve;
    QVERIFY(serve.port() != 0);
    const qint64 base = serve.residentBytes();
    std::vector<std::unique_ptr<RawClient>> clients;
    for (int i = 0; i < Clients; ++i) {
        clients.push_back(std::make_unique<RawClient>());
        RawClient &client = *clients.back();
        QVERIFY(client.upgrade(serve.port()));
        QCOMPARE(client.status(), 101);
        // All of it but the last MiB: the message never completes.
        if (fragmented) {
            client.sendNow(RawClient::frame(0x2, false, MiB, QByteArray(MiB, 'x')));
            client.stream(RawClient::frame(0x0, false, MiB, QByteArray(MiB, 'x')), Announced - 2 * MiB);
        } else {
            client.sendNow(RawClient::frame(0x2, false, Announced));
            client.stream(QByteArray(MiB, 'x'), Announced - MiB);
        }
    }
    // A frame buffered whole and the message assembled, at most, for each.
    const qint64 bound = base + Clients * EchoServer::MaxBytesPerClient + SanitizerSlack;
    // Until each was closed or sent it all, or the server is seen over the bound.
    QTRY_VERIFY_WITH_TIMEOUT(std::all_of(clients.begin(), clients.end(),
                                         [](const auto &client) {
                                             return client->closeCode() != 0 || !client->isConnected()
                                                 || client->written() >= Announced - MiB;
                                         })
                                 || serve.residentBytes() > bound,
                             120000);
    const qint64 peak = serve.peakResidentBytes();
    qint64 written = 0;
    for (const auto &client : clients)
        written += client->written();
    qInfo("%d clients sent %s in all; the server's peak RSS was %s (at start %s)", Clients,
          qPrintable(megabytes(written)), qPrintable(megabytes(peak)), qPrintable(megabytes(base)));
    QVERIFY2(peak < bound, qPrintable(megabytes(peak) + QStringLiteral(" over ") + megabytes(bound)));
    for (const auto &client : clients)
        QTRY_COMPARE_WITH_TIMEOUT(client->closeCode(), 1009, 10000);
    QVERIFY(serve.isRunning());
    QVERIFY2(QtMessages::in(serve.err()).isEmpty(), qPrintable(serve.err()));
}

QTEST_MAIN(TestEchoServer)
#include "tst_echoserver.moc"
