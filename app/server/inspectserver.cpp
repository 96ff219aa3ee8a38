#include "inspectserver.h"

#include "server/echoserver.h"
#include "wire/wirecapture.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QSslCipher>
#include <QSslConfiguration>
#include <QSslServer>
#include <QSet>
#include <QSocketNotifier>
#include <QSslSocket>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>
#include <QtEndian>

#include <cerrno>
#include <sys/socket.h>
#include <unistd.h>

namespace {

// The wss:// server, which also takes in the clients that speak plain HTTP
// to it (ws:// for wss://, a common slip): a TLS connection starts with a
// handshake record (byte 22), so the first byte, looked at without taking
// it, tells. Those go on unencrypted, for the server to answer with a plain
// refusal that says what happened; the others go to QSslServer's handshake.
class TlsOrPlainServer : public QSslServer
{
public:
    TlsOrPlainServer(int timeoutMs, QObject *parent)
        : QSslServer(parent)
        , m_timeoutMs(timeoutMs)
    {
        setHandshakeTimeout(timeoutMs);
    }
    ~TlsOrPlainServer() override
    {
        // Connections not handed on yet belong to nobody else.
        for (const qintptr descriptor : std::as_const(m_undecided))
            ::close(int(descriptor));
    }
    Q_DISABLE_COPY_MOVE(TlsOrPlainServer)

protected:
    void incomingConnection(qintptr descriptor) override
    {
        m_undecided.insert(descriptor);
        auto *notifier = new QSocketNotifier(descriptor, QSocketNotifier::Read, this);
        auto *timeout = new QTimer(notifier);
        timeout->setSingleShot(true);
        const auto decide = [this, descriptor, notifier, timeout](bool waited) {
            if (!notifier->isEnabled())
                return;   // decided already (the timer and the notifier in one turn)
            char first = 0;
            const ssize_t got = ::recv(int(descriptor), &first, 1, MSG_PEEK | MSG_DONTWAIT);
            if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && !waited)
                return;   // nothing yet
            notifier->setEnabled(false);
            timeout->stop();
            notifier->deleteLater();
            m_undecided.remove(descriptor);
            if (got == 1 && first != '\x16') {
                auto *plain = new QTcpSocket(this);
                if (plain->setSocketDescriptor(descriptor))
                    addPendingConnection(plain);
                else
                    delete plain;
                return;
            }
            // TLS; or a client that sent nothing in time, or left: QSslServer's handshake ends it.
            QSslServer::incomingConnection(descriptor);
        };
        connect(notifier, &QSocketNotifier::activated, this, [decide] { decide(false); });
        connect(timeout, &QTimer::timeout, this, [decide] { decide(true); });
        timeout->start(m_timeoutMs);
    }

private:
    int m_timeoutMs;
    QSet<qintptr> m_undecided;
};

constexpr quint8 OpContinuation = 0x0;
constexpr quint8 OpText = 0x1;
constexpr quint8 OpBinary = 0x2;
constexpr quint8 OpClose = 0x8;
constexpr quint8 OpPing = 0x9;
constexpr quint8 OpPong = 0xA;

// Findings that make a frame a protocol error (RFC 6455 5.1 to 5.5): the
// connection is failed with 1002. A length in a longer encoding than needed
// is noted but tolerated, as most servers do.
constexpr quint16 FatalFindings = WsFrame::UnmaskedClientFrame | WsFrame::MaskedServerFrame | WsFrame::ReservedBits
    | WsFrame::ReservedOpcode | WsFrame::ControlTooLong | WsFrame::ControlFragmented | WsFrame::CloseOneByte
    | WsFrame::CloseCodeNotAllowed | WsFrame::OrphanContinuation | WsFrame::InterleavedDataFrame;

QByteArray headerValue(const HttpHead &head, QByteArrayView name)
{
    return head.value(name).trimmed();
}

// Whether a comma-separated header (Connection, Upgrade) lists `token`, in any case.
bool listsToken(const HttpHead &head, QByteArrayView name, QByteArrayView token)
{
    for (const QByteArray &value : head.values(name)) {
        for (const QByteArray &part : value.split(',')) {
            if (part.trimmed().compare(token, Qt::CaseInsensitive) == 0)
                return true;
        }
    }
    return false;
}

QStringList offeredProtocols(const HttpHead &head)
{
    QStringList out;
    for (const QByteArray &value : head.values("Sec-WebSocket-Protocol")) {
        for (const QByteArray &part : value.split(',')) {
            const QByteArray name = part.trimmed();
            if (!name.isEmpty())
                out << QString::fromLatin1(name);
        }
    }
    return out;
}

QByteArray frameHead(quint8 opcode, quint64 length, bool fin = true)
{
    QByteArray head;
    head.append(char((fin ? 0x80 : 0x00) | opcode));
    if (length < 126) {
        head.append(char(length));
    } else if (length <= 0xFFFF) {
        head.append(char(126));
        char bytes[2];
        qToBigEndian<quint16>(quint16(length), bytes);
        head.append(bytes, 2);
    } else {
        head.append(char(127));
        char bytes[8];
        qToBigEndian<quint64>(length, bytes);
        head.append(bytes, 8);
    }
    return head;
}

} // namespace

struct InspectServer::Client
{
    int id = 0;
    int index = 0;   // in m_connections
    QPointer<QTcpSocket> socket;
    QTimer *timer = nullptr;   // handshake timeout, then the 101's delay, then the close grace
    ClientInfo info;
    HttpHeadParser parser{HttpHeadParser::Kind::Request};
    FrameDecoder decoder{FrameDecoder::Direction::ClientToServer, FrameDecoder::PayloadMode::Keep};
    QByteArray early;          // bytes after the request head, before the 101 went
    QByteArray message;        // a fragmented message so far
    quint8 messageOpcode = 0;  // its first frame's
    bool inMessage = false;
    int dataIn = 0, dataOut = 0, pingsIn = 0, pingsOut = 0, pongsIn = 0, pongsOut = 0;
    QList<TapRecord> records;
    bool closeSent = false;
    bool closeReceived = false;
    bool failed = false;       // a protocol error: only its Close is waited for now
    bool paused = false;
    bool tcpEnded = false;
    bool finished = false;
    bool weClosedTcp = false;
    QElapsedTimer pingWindow;
    int pingsInWindow = 0;
    bool floodNoted = false;
    bool upgradePending = false;   // the 101 waits for the timer
    QString pendingProtocol;
    bool refuseFull = false;       // too many clients: answered 503 once its request is in
    bool feedDecoder = true;       // false once a frame too large was refused
    bool deaf = false;             // what it sends is read and dropped, not recorded (see MaxBytesAfterEnd)
    qint64 dropped = 0;            // bytes read and not recorded since
    qint64 bytesAfterEnd = 0;      // read since the connection was refused, failed or ended by us
    QString refusal;               // why the upgrade was refused
    QTimer *stalled = nullptr;     // runs while bytes wait for the client and it takes none
};

InspectServer::InspectServer(QObject *parent)
    : QObject(parent)
{
}

InspectServer::~InspectServer()
{
    for (const auto &client : m_clients) {
        if (client->socket) {
            client->socket->disconnect(this);
            client->socket->abort();
            delete client->socket;
        }
    }
}

QByteArray InspectServer::reasonPhrase(int status)
{
    switch (status) {
    case 200: return "OK";   // not translated: on the wire
    case 204: return "No Content";   // not translated: on the wire
    case 301: return "Moved Permanently";   // not translated: on the wire
    case 302: return "Found";   // not translated: on the wire
    case 303: return "See Other";   // not translated: on the wire
    case 304: return "Not Modified";   // not translated: on the wire
    case 307: return "Temporary Redirect";   // not translated: on the wire
    case 308: return "Permanent Redirect";   // not translated: on the wire
    case 400: return "Bad Request";   // not translated: on the wire
    case 401: return "Unauthorized";   // not translated: on the wire
    case 403: return "Forbidden";   // not translated: on the wire
    case 404: return "Not Found";   // not translated: on the wire
    case 405: return "Method Not Allowed";   // not translated: on the wire
    case 407: return "Proxy Authentication Required";   // not translated: on the wire
    case 408: return "Request Timeout";   // not translated: on the wire
    case 410: return "Gone";   // not translated: on the wire
    case 413: return "Content Too Large";   // not translated: on the wire
    case 414: return "URI Too Long";   // not translated: on the wire
    case 426: return "Upgrade Required";   // not translated: on the wire
    case 429: return "Too Many Requests";   // not translated: on the wire
    case 431: return "Request Header Fields Too Large";   // not translated: on the wire
    case 500: return "Internal Server Error";   // not translated: on the wire
    case 502: return "Bad Gateway";   // not translated: on the wire
    case 501: return "Not Implemented";   // not translated: on the wire
    case 503: return "Service Unavailable";   // not translated: on the wire
    case 504: return "Gateway Timeout";   // not translated: on the wire
    case 505: return "HTTP Version Not Supported";   // not translated: on the wire
    default: return "Refused";   // not translated: on the wire
    }
}

QString InspectServer::statusProblem(int status)
{
    if (status == 101)
        return tr("101 is the upgrade itself; choose a status that refuses it, such as 401 or 503.");
    if (status < 200 || status > 599)
        return tr("the status must be from 200 to 599.");
    return {};
}

bool InspectServer::loadTlsFiles(const QString &certificatePath, const QString &keyPath, const QByteArray &passphrase,
                                 Config *config, QString *error)
{
    const auto fail = [error](const QString &why) {
        if (error)
            *error = why;
        return false;
    };
    QFile certificateFile(certificatePath);
    if (!certificateFile.open(QIODevice::ReadOnly))
        return fail(tr("Cannot read the certificate %1: %2").arg(certificatePath, certificateFile.errorString()));
    const QString suffix = QFileInfo(certificatePath).suffix().toLower();
    if (suffix == u"p12" || suffix == u"pfx") {
        QSslKey key;
        QSslCertificate certificate;
        QList<QSslCertificate> chain;
        if (!QSslCertificate::importPkcs12(&certificateFile, &key, &certificate, &chain, passphrase))
            return fail(tr("%1 is not a PKCS#12 file this build can read, or its passphrase is wrong.").arg(certificatePath));
        config->certificateChain = QList<QSslCertificate>{certificate} + chain;
        config->privateKey = key;
        return true;
    }
    const QByteArray certificateBytes = certificateFile.readAll();
    const QList<QSslCertificate> chain = QSslCertificate::fromData(certificateBytes, QSsl::Pem);
    if (chain.isEmpty())
        return fail(tr("%1 holds no PEM certificate (\"-----BEGIN CERTIFICATE-----\").").arg(certificatePath));
    QByteArray keyBytes = certificateBytes;
    if (!keyPath.isEmpty() && keyPath != certificatePath) {
        QFile keyFile(keyPath);
        if (!keyFile.open(QIODevice::ReadOnly))
            return fail(tr("Cannot read the key %1: %2").arg(keyPath, keyFile.errorString()));
        keyBytes = keyFile.readAll();
    }
    QSslKey key;
    for (const QSsl::KeyAlgorithm algorithm : {QSsl::Rsa, QSsl::Ec, QSsl::Dsa}) {
        key = QSslKey(keyBytes, algorithm, QSsl::Pem, QSsl::PrivateKey, passphrase);
        if (!key.isNull())
            break;
    }
    if (key.isNull())
        return fail(tr("%1 holds no PEM private key this build can read (RSA, EC or DSA), or its passphrase is wrong.")
                        .arg(keyPath.isEmpty() ? certificatePath : keyPath));
    // Said now: OpenSSL would refuse it only at each client's handshake.
    if (!TlsFiles::keyBelongsTo(key, chain.first()))
        return fail(tr("The key %1 does not belong to the certificate %2.")
                        .arg(keyPath.isEmpty() ? certificatePath : keyPath, certificatePath));
    config->certificateChain = chain;
    config->privateKey = key;
    return true;
}

bool InspectServer::start(const Config &config, QString *error)
{
    stop();
    m_config = config;
    const bool tls = !config.certificateChain.isEmpty();
    if (tls) {
        auto *server = new TlsOrPlainServer(config.handshakeTimeoutMs, this);
        QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
        ssl.setLocalCertificateChain(config.certificateChain);
        ssl.setPrivateKey(config.privateKey);
        ssl.setPeerVerifyMode(QSslSocket::VerifyNone);
        server->setSslConfiguration(ssl);
        connect(server, &QSslServer::errorOccurred, this, [this](QSslSocket *socket, QAbstractSocket::SocketError) {
            Q_EMIT notice(tr("A TLS handshake from %1:%2 failed: %3")
                              .arg(socket->peerAddress().toString())
                              .arg(socket->peerPort())
                              .arg(EchoServer::escaped(socket->errorString())));
        });
        m_server = server;
    } else {
        m_server = new QTcpServer(this);
    }
    connect(m_server, &QTcpServer::pendingConnectionAvailable, this, &InspectServer::onNewConnection);
    if (!m_server->listen(config.address, config.port)) {
        if (error)
            *error = tr("Cannot listen on %1:%2: %3")
                         .arg(config.address.toString())
                         .arg(config.port)
                         .arg(m_server->errorString());
        delete m_server;
        m_server = nullptr;
        return false;
    }
    return true;
}

void InspectServer::stop()
{
    if (m_server) {
        m_server->close();
        m_server->deleteLater();
        m_server = nullptr;
    }
    for (const auto &client : m_clients) {
        if (client->finished || !client->socket)
            continue;
        // An open client gets a Close and CloseGraceMs to answer it.
        if (client->info.state == ClientState::Open && !client->closeSent)
            sendClose(client.get(), 1001, tr("The server stopped"));
        else if (client->info.state != ClientState::Closing)
            endTcp(client.get());
    }
}

void InspectServer::setReplies(Reply reply, const QList<Answer> &replies, const QList<Answer> &onOpen)
{
    m_config.reply = reply;
    m_config.replies = replies;
    m_config.onOpen = onOpen;
}

bool InspectServer::isListening() const
{
    return m_server && m_server->isListening();
}

const InspectServer::Config &InspectServer::config() const
{
    return m_config;
}

QUrl InspectServer::url() const
{
    if (!isListening())
        return {};
    QUrl url;
    url.setScheme(m_config.certificateChain.isEmpty() ? QStringLiteral("ws") : QStringLiteral("wss"));
    QHostAddress address = m_server->serverAddress();
    if (address == QHostAddress::Any || address == QHostAddress::AnyIPv4)
        address = QHostAddress(QHostAddress::LocalHost);
    else if (address == QHostAddress::AnyIPv6)
        address = QHostAddress(QHostAddress::LocalHostIPv6);
    url.setHost(address.toString());
    url.setPort(m_server->serverPort());
    url.setPath(m_config.paths.isEmpty() ? QStringLiteral("/") : m_config.paths.first());
    return url;
}

QList<InspectServer::ClientInfo> InspectServer::clients() const
{
    QList<ClientInfo> out;
    for (const auto &client : m_clients)
        out << client->info;
    return out;
}

InspectServer::ClientInfo InspectServer::client(int id) const
{
    const Client *client = find(id);
    return client ? client->info : ClientInfo();
}

int InspectServer::openClientCount() const
{
    int count = 0;
    for (const auto &client : m_clients)
        count += client->info.state == ClientState::Open ? 1 : 0;
    return count;
}

MessageLog *InspectServer::log()
{
    return &m_log;
}

const MessageLog *InspectServer::log() const
{
    return &m_log;
}

const QList<Session::Connection> &InspectServer::connections() const
{
    return m_connections;
}

QHash<int, QList<TapRecord>> InspectServer::wire() const
{
    QHash<int, QList<TapRecord>> out;
    for (const auto &client : m_clients)
        out.insert(client->id, client->records);
    return out;
}

QList<TapRecord> InspectServer::wire(int client) const
{
    const Client *found = find(client);
    return found ? found->records : QList<TapRecord>();
}

SessionExport::Snapshot InspectServer::snapshot()
{
    SessionExport::Snapshot out;
    m_log.flush();
    out.rows = m_log.rows();
    out.connections = m_connections;
    // A snapshot's connections have all ended: one still going is saved as it
    // stands, its end at the moment of saving.
    const qint64 now = MessageLog::nowUsec();
    for (Session::Connection &connection : out.connections) {
        if (connection.endUsec < 0)
            connection.endUsec = now;
    }
    if (m_config.record) {
        out.savedWire = wire();
        if (!m_clients.empty()) {
            out.wire = m_clients.back()->records;
            out.exactWire = true;
        }
    }
    return out;
}

QString InspectServer::handshakeSummary(int id) const
{
    const Client *client = find(id);
    if (!client)
        return {};
    const Session::Connection &connection = m_connections.at(client->index);
    const HandshakeInfo &handshake = connection.handshake;
    QString line = client->info.address + u':' + QString::number(client->info.port) + u' '
        + (handshake.requestLine.isEmpty() ? tr("(no request line)")
                                           : EchoServer::escaped(QString::fromLatin1(handshake.requestLine)));
    if (!handshake.statusLine.isEmpty())
        line += QStringLiteral(" → ") + QString::fromLatin1(handshake.statusLine.mid(handshake.statusLine.indexOf(' ') + 1));
    if (!handshake.subprotocol.isEmpty())
        line += QStringLiteral(" (%1)").arg(EchoServer::escaped(handshake.subprotocol));
    if (!client->refusal.isEmpty())
        line += QStringLiteral(": ") + client->refusal;   // escaped where it quotes the client
    if (!client->info.userAgent.isEmpty())
        line += QStringLiteral(" · ") + EchoServer::escaped(client->info.userAgent);
    return line;
}

InspectServer::Client *InspectServer::find(int id) const
{
    for (const auto &client : m_clients) {
        if (client->id == id)
            return client.get();
    }
    return nullptr;
}

Session::Connection &InspectServer::connectionOf(Client *client)
{
    return m_connections[client->index];
}

void InspectServer::onNewConnection()
{
    while (m_server && m_server->hasPendingConnections()) {
        QTcpSocket *socket = m_server->nextPendingConnection();
        if (!socket)
            break;
        int live = 0;
        for (const auto &client : m_clients)
            live += client->finished ? 0 : 1;
        auto client = std::make_unique<Client>();
        client->id = m_nextId++;
        client->index = int(m_connections.size());
        client->socket = socket;
        socket->setParent(this);
        socket->setReadBufferSize(ReadChunkBytes);
        socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
        client->info.id = client->id;
        client->info.address = socket->peerAddress().toString();
        client->info.port = socket->peerPort();
        client->info.startUsec = MessageLog::nowUsec();
        client->timer = new QTimer(socket);
        client->timer->setSingleShot(true);
        client->timer->setTimerType(Qt::PreciseTimer);   // a delayed 101 waits no less than asked
        client->stalled = new QTimer(socket);
        client->stalled->setSingleShot(true);
        client->stalled->setInterval(StalledClientMs);
        Client *raw = client.get();

        Session::Connection connection;
        connection.id = client->id;
        connection.server = true;
        connection.peer = client->info.address + u':' + QString::number(client->info.port);
        connection.startUsec = client->info.startUsec;
        connection.handshakeTimeoutMs = m_config.handshakeTimeoutMs;
        connection.url = url().toString();
        connection.handshake.captured = true;
        m_connections.append(connection);
        m_clients.push_back(std::move(client));

        record(raw, TapRecord::Type::TcpConnected, {},
               socket->localAddress().toString() + u':' + QString::number(socket->localPort()));
        if (auto *ssl = qobject_cast<QSslSocket *>(socket)) {
            record(raw, TapRecord::Type::TlsEstablished, {},
                   ssl->sessionCipher().protocolString() + u' ' + ssl->sessionCipher().name());
            connectionOf(raw).handshake.hasTls = true;
            connectionOf(raw).handshake.tls.protocol = ssl->sessionCipher().protocolString();
            connectionOf(raw).handshake.tls.cipher = ssl->sessionCipher().name();
        }
        connect(socket, &QIODevice::readyRead, this, [this, raw] { onReadable(raw); });
        connect(socket, &QIODevice::bytesWritten, this, [this, raw] { onWritten(raw); });
        connect(socket, &QAbstractSocket::disconnected, this, [this, raw] { onDisconnected(raw); });
        connect(raw->stalled, &QTimer::timeout, this, [this, raw] {
            const QString why = tr("Dropped the client %1: it has not read what was sent to it for %2 s.")
                                    .arg(connectionOf(raw).peer)
                                    .arg(StalledClientMs / 1000);
            logEvent(raw, MessageLog::Kind::Error, why);
            Q_EMIT notice(why);
            endTcp(raw);
            cut(raw);
        });
        connect(raw->timer, &QTimer::timeout, this, [this, raw] {
            if (raw->upgradePending) {
                accept(raw, raw->pendingProtocol);   // the 101's delay is over
                return;
            }
            if (raw->info.state == ClientState::Handshake) {
                // Answered, as a web server does, so that the client (and the line on stderr) can tell why.
                const QString seconds = QString::number(m_config.handshakeTimeoutMs / 1000.0);
                refuse(raw, 408, tr("No whole upgrade request came within %1 s.").arg(seconds).toUtf8(),
                       tr("the client sent no whole upgrade request within %1 s").arg(seconds));
                return;
            }
            if (raw->info.state == ClientState::Closing)
                logEvent(raw, MessageLog::Kind::Error,
                         tr("The client did not end the connection within %1 ms of the close; it was cut.").arg(CloseGraceMs));
            endTcp(raw);
            cut(raw);
        });
        // One too many is answered once its request is in: closing with the
        // request unread could reset the connection before the client reads the answer.
        raw->refuseFull = live >= MaxClients;
        Q_EMIT clientConnected(raw->id);
        raw->timer->start(m_config.handshakeTimeoutMs);
        if (socket->bytesAvailable() > 0)
            onReadable(raw);
    }
}

void InspectServer::record(Client *client, TapRecord::Type type, const QByteArray &bytes, const QString &text)
{
    if (!m_config.record && type != TapRecord::Type::ClientBytes && type != TapRecord::Type::ServerBytes)
        return;
    TapRecord entry;
    entry.type = type;
    entry.timeUsec = MessageLog::nowUsec();
    entry.bytes = bytes;
    entry.text = text;
    // Without recording, only the handshake's bytes are kept, for its line.
    if (m_config.record || client->info.state == ClientState::Handshake)
        client->records.append(entry);
}

void InspectServer::logRow(Client *client, MessageLog::Direction direction, MessageLog::Kind kind, const QByteArray &data)
{
    // Counted whether or not it is kept: the replies in turn and the drop after N messages go by these.
    const bool in = direction == MessageLog::Direction::Received;
    int *counter = nullptr;
    switch (kind) {
    case MessageLog::Kind::Text:
    case MessageLog::Kind::Binary: counter = in ? &client->dataIn : &client->dataOut; break;
    case MessageLog::Kind::Ping: counter = in ? &client->pingsIn : &client->pingsOut; break;
    case MessageLog::Kind::Pong: counter = in ? &client->pongsIn : &client->pongsOut; break;
    default: break;
    }
    const int sequence = counter ? (*counter)++ : -1;
    if (m_config.record)
        m_log.append(direction, kind, data, client->id, sequence);
}

void InspectServer::logEvent(Client *client, MessageLog::Kind kind, const QString &text)
{
    if (!m_config.record)
        return;
    m_log.append(MessageLog::Direction::Local, kind, text.toUtf8(), client->id);
}

void InspectServer::onReadable(Client *client)
{
    QTcpSocket *socket = client->socket;
    if (!socket || client->finished)
        return;
    while (socket->bytesAvailable() > 0) {
        if (client->deaf) {
            // Still read, so that a client still sending (the rest of a
            // message over the limit) gets through to the Close waiting for
            // it rather than to a reset; counted, not kept, until the grace
            // timer of the close or of the end cuts it.
            client->dropped += socket->skip(socket->bytesAvailable());
            continue;
        }
        if (client->paused)
            return;
        const QByteArray data = socket->read(ReadChunkBytes);
        if (data.isEmpty())
            break;
        // Recorded before anything reads it.
        record(client, TapRecord::Type::ClientBytes, data);
        if (client->failed || client->tcpEnded || client->info.state == ClientState::Refused) {
            client->bytesAfterEnd += data.size();
            if (client->bytesAfterEnd > MaxBytesAfterEnd) {
                client->deaf = true;
                logEvent(client, MessageLog::Kind::Error,
                         tr("Stopped recording the client: it sent %1 bytes more after its connection was failed or "
                            "ended. What follows is read and not kept.")
                             .arg(client->bytesAfterEnd));
                continue;
            }
        }
        if (client->info.state == ClientState::Handshake) {
            if (client->parser.status() == HttpHeadParser::Status::Done) {
                client->early += data;   // sent before the (delayed) 101
                continue;
            }
            if (!m_config.certificateChain.isEmpty() && !qobject_cast<QSslSocket *>(client->socket)) {
                refuse(client, 400,
                       tr("This is a wss:// server; the client sent plain HTTP (ws://) to it.").toUtf8(),
                       tr("the client sent plain HTTP (ws://) to this wss:// server"));
                return;
            }
            // A TLS ClientHello starts with a handshake record (22, then 3 for
            // its version): a wss:// client at a ws:// server. Said at once,
            // rather than waited on for a request that will not come.
            if (client->parser.buffered() == 0 && data.size() >= 2 && data.at(0) == '\x16' && data.at(1) == '\x03'
                && m_config.certificateChain.isEmpty()) {
                refuse(client, 400, tr("This is a ws:// server; the client began a TLS handshake (wss://).").toUtf8(),
                       tr("the client began a TLS handshake: this server is ws://, not wss://"));
                return;
            }
            const qsizetype taken = client->parser.feed(data);
            if (client->parser.status() == HttpHeadParser::Status::NeedMore)
                continue;
            client->early = data.mid(taken);
            if (client->parser.status() == HttpHeadParser::Status::Error) {
                // The reason quotes what the client sent: escaped, for the terminal and the client alike.
                const QString reason = EchoServer::escaped(client->parser.errorString());
                refuse(client, 400, tr("This is not an HTTP request wsscope can read: %1").arg(reason).toUtf8(),
                       tr("the request is not HTTP: %1").arg(reason));
                return;
            }
            handleRequest(client);
            continue;
        }
        if (client->info.state == ClientState::Refused || client->tcpEnded || !client->feedDecoder)
            continue;   // recorded, and nothing more
        client->decoder.feed(data);
        handleFrames(client);
    }
}

void InspectServer::handleRequest(Client *client)
{
    const HttpHead &head = client->parser.head();
    Session::Connection &connection = connectionOf(client);
    if (client->refuseFull) {
        updateHandshake(client);
        refuse(client, 503, tr("%1 clients are connected already.").arg(MaxClients).toUtf8(),
               tr("%1 clients are connected already").arg(MaxClients));
        return;
    }
    client->info.userAgent = QString::fromLatin1(headerValue(head, "User-Agent"));
    client->info.path = QString::fromLatin1(head.target);
    connection.origin = QString::fromLatin1(headerValue(head, "Origin"));
    connection.subprotocols = offeredProtocols(head);
    // The resource asked for: a path (origin form), or an absolute http(s)
    // URI whose host then stands for the Host header's (RFC 6455 4.1, RFC 9112 3.2.2).
    QByteArray resource = head.target;
    QByteArray authority = headerValue(head, "Host");
    const bool absolute = resource.startsWith("http://") || resource.startsWith("https://");
    if (absolute) {
        const qsizetype hostStart = resource.indexOf("//") + 2;
        const qsizetype pathStart = resource.indexOf('/', hostStart);
        authority = resource.mid(hostStart, pathStart < 0 ? -1 : pathStart - hostStart);
        resource = pathStart < 0 ? QByteArray("/") : resource.mid(pathStart);
    }
    const qsizetype queryStart = resource.indexOf('?');
    const QByteArray resourcePath = queryStart < 0 ? resource : resource.left(queryStart);
    {
        // As the client wrote it: its encoding kept, a path that starts with // too.
        QUrl requested = url();
        if (!authority.isEmpty()) {
            const QUrl withHost(QStringLiteral("ws://") + QString::fromLatin1(authority));
            if (withHost.isValid() && !withHost.host().isEmpty()) {
                requested.setHost(withHost.host());
                requested.setPort(withHost.port());
            }
        }
        requested.setPath(QString::fromLatin1(resourcePath), QUrl::TolerantMode);
        if (queryStart >= 0)
            requested.setQuery(QString::fromLatin1(resource.mid(queryStart + 1)), QUrl::TolerantMode);
        if (requested.isValid())
            connection.url = requested.toString(QUrl::FullyEncoded);
    }
    updateHandshake(client);

    // The checks of a real server first, then the user's choices.
    if (head.method != "GET") {
        refuse(client, 405, tr("A WebSocket upgrade is a GET request; this was %1.").arg(EchoServer::escaped(QString::fromLatin1(head.method))).toUtf8(),
               tr("the method is %1, not GET").arg(EchoServer::escaped(QString::fromLatin1(head.method))));
        return;
    }
    // RFC 6455 4.2.1: an HTTP/1.1 GET (or later), with a Host, for a path.
    if (head.version != "HTTP/1.1" && !(head.version.startsWith("HTTP/") && head.version.mid(5).toDouble() > 1.1)) {
        refuse(client, 505, tr("A WebSocket upgrade needs HTTP/1.1 or later; this was %1.").arg(EchoServer::escaped(QString::fromLatin1(head.version))).toUtf8(),
               tr("the request is %1, not HTTP/1.1").arg(EchoServer::escaped(QString::fromLatin1(head.version))));
        return;
    }
    if (head.values("Host").size() != 1) {
        refuse(client, 400, tr("An HTTP/1.1 request names its host once, in a Host header.").toUtf8(),
               head.values("Host").isEmpty() ? tr("the request has no Host header") : tr("the request has more than one Host header"));
        return;
    }
    if (!resource.startsWith('/') || head.target.contains('#')) {
        refuse(client, 400, tr("The request's target is a path, such as /chat?room=1, without a #fragment.").toUtf8(),
               tr("the target %1 is not a path").arg(EchoServer::escaped(QString::fromLatin1(head.target))));
        return;
    }
    if (!listsToken(head, "Upgrade", "websocket")) {
        refuse(client, 426, tr("This is a WebSocket server: ask for \"Upgrade: websocket\".").toUtf8(),
               tr("the request does not ask for Upgrade: websocket"));
        return;
    }
    if (!listsToken(head, "Connection", "upgrade")) {
        refuse(client, 400, tr("An upgrade request needs \"Connection: Upgrade\".").toUtf8(),
               tr("the request has no Connection: Upgrade"));
        return;
    }
    if (headerValue(head, "Sec-WebSocket-Version") != "13") {
        refuse(client, 426, tr("This server speaks WebSocket version 13 (RFC 6455).").toUtf8(),
               tr("Sec-WebSocket-Version is not 13"));
        return;
    }
    const QByteArray key = headerValue(head, "Sec-WebSocket-Key");
    const auto decodedKey = QByteArray::fromBase64Encoding(key, QByteArray::AbortOnBase64DecodingErrors);
    if (head.values("Sec-WebSocket-Key").size() != 1 || !decodedKey || decodedKey.decoded.size() != 16) {
        refuse(client, 400, tr("Sec-WebSocket-Key must be given once, as 16 bytes in base64.").toUtf8(),
               tr("Sec-WebSocket-Key is missing or not 16 bytes in base64"));
        return;
    }
    const QString path = QUrl::fromPercentEncoding(resourcePath);
    if (!m_config.paths.isEmpty() && !m_config.paths.contains(path)) {
        refuse(client, 404, tr("No WebSocket at %1 here; the paths are: %2").arg(EchoServer::escaped(path), m_config.paths.join(u", ")).toUtf8(),
               tr("no rule for the path %1").arg(EchoServer::escaped(path)));
        return;
    }
    if (!EchoServer::isOriginAllowedBy(m_config.allowedOrigins, connection.origin)) {
        refuse(client, 403, tr("Upgrades from pages at %1 are not allowed.").arg(EchoServer::escaped(connection.origin)).toUtf8(),
               tr("the origin %1 is not on this machine and not allowed").arg(EchoServer::escaped(connection.origin)));
        return;
    }
    if (m_config.answerStatus != 0) {
        const QByteArray body = m_config.answerBody.isNull()
            ? tr("Refused with %1, as this server was told to answer.").arg(m_config.answerStatus).toUtf8()
            : m_config.answerBody;
        refuse(client, m_config.answerStatus, body, tr("it was set to answer %1").arg(m_config.answerStatus));
        return;
    }
    for (const Header &required : std::as_const(m_config.requiredHeaders)) {
        const QList<QByteArray> values = head.values(required.first);
        bool found = false;
        for (const QByteArray &value : values)
            found |= value.trimmed() == required.second.trimmed();
        if (!found) {
            const bool authorization = required.first.compare("Authorization", Qt::CaseInsensitive) == 0;
            const QString name = QString::fromLatin1(required.first);
            refuse(client, authorization ? 401 : 400,
                   (values.isEmpty() ? tr("The header %1 is required.").arg(name)
                                     : tr("The header %1 does not have the value this server requires.").arg(name))
                       .toUtf8(),
                   values.isEmpty() ? tr("the required header %1 is missing").arg(name)
                                    : tr("the required header %1 has another value").arg(name));
            return;
        }
    }
    QString subprotocol = m_config.forcedProtocol;
    if (subprotocol.isEmpty()) {
        for (const QString &offered : std::as_const(connection.subprotocols)) {
            if (m_config.protocols.contains(offered)) {
                subprotocol = offered;
                break;
            }
        }
        if (subprotocol.isEmpty() && m_config.requireProtocol && !m_config.protocols.isEmpty()) {
            const QString offered = connection.subprotocols.isEmpty() ? tr("none") : connection.subprotocols.join(u", ");
            refuse(client, 400,
                   tr("This server requires the subprotocol %1; the request offered: %2.")
                       .arg(m_config.protocols.join(u", "), EchoServer::escaped(offered))
                       .toUtf8(),
                   tr("the required subprotocol was not offered (offered: %1)").arg(EchoServer::escaped(offered)));
            return;
        }
    }
    if (m_config.upgradeDelayMs > 0) {
        client->upgradePending = true;
        client->pendingProtocol = subprotocol;
        logEvent(client, MessageLog::Kind::Open, tr("The 101 waits %1 ms, as set.").arg(m_config.upgradeDelayMs));
        client->timer->start(m_config.upgradeDelayMs);
        return;
    }
    accept(client, subprotocol);
}

void InspectServer::updateHandshake(Client *client)
{
    WireCapture capture;
    capture.addRecords(client->records);
    Session::Connection &connection = connectionOf(client);
    const bool hasTls = connection.handshake.hasTls;
    const TapTls tls = connection.handshake.tls;
    connection.handshake = capture.handshake();
    connection.handshake.captured = true;
    connection.handshake.url = connection.url;
    connection.handshake.hasTls = hasTls;
    connection.handshake.tls = tls;
}

void InspectServer::refuse(Client *client, int status, const QByteArray &body, const QString &why)
{
    QByteArray answer = "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status) + "\r\n";
    switch (status) {
    case 401: {
        // The scheme of the credential required, when it is one.
        QByteArray scheme = "Basic";
        for (const Header &required : std::as_const(m_config.requiredHeaders)) {
            const QByteArray value = required.second.trimmed();
            if (required.first.compare("Authorization", Qt::CaseInsensitive) == 0 && value.contains(' ')
                && Session::isToken(QString::fromLatin1(value.left(value.indexOf(' ')))))
                scheme = value.left(value.indexOf(' '));
        }
        answer += "WWW-Authenticate: " + scheme + " realm=\"wsscope\"\r\n";
        break;
    }
    case 405: answer += "Allow: GET\r\n"; break;
    case 426: answer += "Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"; break;
    case 503: answer += "Retry-After: 30\r\n"; break;
    default: break;
    }
    // 204 and 304 have no body, and may not say how long one is (RFC 9110).
    if (status == 204 || status == 304)
        answer += "Connection: close\r\n\r\n";
    else
        answer += "Content-Type: text/plain; charset=utf-8\r\nContent-Length: " + QByteArray::number(body.size())
            + "\r\nConnection: close\r\n\r\n" + body;   // not translated
    client->timer->stop();
    record(client, TapRecord::Type::ServerBytes, answer);
    record(client, TapRecord::Type::Refused, {}, why);
    client->info.status = status;
    client->info.state = ClientState::Refused;
    client->refusal = why;
    if (client->socket)
        client->socket->write(answer);
    updateHandshake(client);
    Session::Connection &connection = connectionOf(client);
    connection.handshakeUsec = MessageLog::nowUsec();
    connection.handshake.failure = tr("Refused with %1 %2: %3")
                                       .arg(status)
                                       .arg(QString::fromLatin1(reasonPhrase(status)), why);
    logEvent(client, MessageLog::Kind::Error, connection.handshake.failure);
    Q_EMIT clientAnswered(client->id);
    endTcp(client);
}

void InspectServer::accept(Client *client, const QString &subprotocol)
{
    const QByteArray key = headerValue(client->parser.head(), "Sec-WebSocket-Key");
    const QByteArray keyAndGuid = key + QByteArray(HandshakeInfo::Guid.data(), HandshakeInfo::Guid.size());
    const QByteArray acceptValue = QCryptographicHash::hash(keyAndGuid, QCryptographicHash::Sha1).toBase64();
    QByteArray answer = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        "Sec-WebSocket-Accept: "
        + acceptValue + "\r\n";
    if (!subprotocol.isEmpty())
        answer += "Sec-WebSocket-Protocol: " + subprotocol.toLatin1() + "\r\n";
    answer += "\r\n";
    client->upgradePending = false;
    client->timer->stop();
    record(client, TapRecord::Type::ServerBytes, answer);
    updateHandshake(client);
    client->info.status = 101;
    client->info.state = ClientState::Open;
    client->socket->write(answer);
    Session::Connection &connection = connectionOf(client);
    connection.handshakeUsec = MessageLog::nowUsec();
    connection.opened = true;
    connection.handshake.subprotocol = subprotocol;
    logEvent(client, MessageLog::Kind::Open,
             tr("Upgraded %1 from %2").arg(EchoServer::escaped(QString::fromLatin1(client->parser.head().startLine)), connection.peer));
    Q_EMIT clientAnswered(client->id);
    for (const Answer &message : std::as_const(m_config.onOpen))
        sendAnswer(client, message);
    if (!client->early.isEmpty()) {
        client->decoder.feed(std::exchange(client->early, {}));
        handleFrames(client);
    }
}

void InspectServer::handleFrames(Client *client)
{
    for (const WsFrame &frame : client->decoder.takeFrames()) {
        if (client->tcpEnded)
            return;
        handleFrame(client, frame);
    }
    if (client->tcpEnded)
        return;
    if (client->decoder.hasFailed()) {
        failProtocol(client, 1002, tr("The client's frames cannot be read any more: %1").arg(client->decoder.failure()));
        endTcp(client);
        return;
    }
    // Refused as soon as a frame's header says it is too large, before its payload is held.
    const quint64 announced = client->decoder.announcedPayload();
    if (announced > quint64(m_config.maxMessageBytes)
        || quint64(client->message.size()) + announced > quint64(m_config.maxMessageBytes)) {
        client->feedDecoder = false;   // its frame is not read to its end
        refuseTooLarge(client);
    }
}

void InspectServer::refuseTooLarge(Client *client)
{
    client->message.clear();
    failProtocol(client, 1009,
                 tr("The client's message is larger than %1 bytes, the most this server takes.").arg(m_config.maxMessageBytes));
}

void InspectServer::handleFrame(Client *client, const WsFrame &frame)
{
    if (client->closeReceived)
        return;   // nothing may follow a Close (recorded all the same)
    const bool violation = frame.findingBits & (FatalFindings | WsFrame::CloseReasonNotUtf8);
    const int violationCode = frame.findingBits & FatalFindings ? 1002 : 1007;
    const QString violationText = tr("Protocol error by the client: %1").arg(frame.findings().join(u' '));
    if (violation && frame.opcode != OpClose) {
        failProtocol(client, violationCode, violationText);
        return;
    }
    if (frame.findingBits && !violation) {
        logEvent(client, MessageLog::Kind::Error, tr("The client's frame: %1").arg(frame.findings().join(u' ')));
    }
    switch (frame.opcode) {
    case OpPing:
        logRow(client, MessageLog::Direction::Received, MessageLog::Kind::Ping, frame.payload);
        if (!client->pingWindow.isValid() || client->pingWindow.elapsed() > 1000) {
            client->pingWindow.start();
            client->pingsInWindow = 0;
        }
        if (++client->pingsInWindow >= PingFloodPerSecond && !client->floodNoted) {
            client->floodNoted = true;
            logEvent(client, MessageLog::Kind::Error,
                     tr("Ping flood: the client sent %1 pings within a second.").arg(client->pingsInWindow));
        }
        if (!client->failed && !client->closeSent) {
            sendFrame(client, OpPong, frame.payload);
            logRow(client, MessageLog::Direction::Sent, MessageLog::Kind::Pong, frame.payload);
        }
        return;
    case OpPong:
        logRow(client, MessageLog::Direction::Received, MessageLog::Kind::Pong, frame.payload);
        return;
    case OpClose: {
        client->closeReceived = true;
        Session::Connection &connection = connectionOf(client);
        const int code = frame.payload.size() >= 2 ? frame.closeCode : 1005;
        const QString reason = QString::fromUtf8(frame.closeReason());
        if (!client->closeSent) {
            connection.close.closer = Session::Closer::Peer;
            connection.close.code = code;
            connection.close.reason = reason;
            connection.close.oneByteClose = frame.payload.size() == 1;
            logEvent(client, MessageLog::Kind::Close,
                     reason.isEmpty() ? tr("The client closed with %1.").arg(code)
                                      : tr("The client closed with %1: %2").arg(code).arg(EchoServer::escaped(reason)));
            if (violation) {
                // The client closed first, with a Close it may not send: answered with the protocol's error.
                client->failed = true;
                logEvent(client, MessageLog::Kind::Error, violationText);
                sendClose(client, violationCode, {});
            } else {
                // The answer echoes the code (RFC 6455 5.5.1); 1005 is sent as no payload.
                sendClose(client, code, {});
            }
        } else {
            connection.close.handshakeCompleted = true;
            connection.close.answerCode = code;
            if (violation)
                logEvent(client, MessageLog::Kind::Error, violationText);
        }
        endTcp(client);   // the server closes the TCP connection first
        return;
    }
    default: break;
    }
    if (client->failed || client->closeSent)
        return;   // data after our Close is recorded, not answered
    // A frame that came whole in one read is checked here, before it is kept.
    if (quint64(frame.opcode == OpContinuation ? client->message.size() : 0) + quint64(frame.payload.size())
        > quint64(m_config.maxMessageBytes)) {
        refuseTooLarge(client);
        return;
    }
    if (frame.opcode == OpContinuation) {
        client->message += frame.payload;
    } else {
        client->message = frame.payload;
        client->messageOpcode = frame.opcode;
    }
    if (!frame.fin)
        return;
    deliver(client, client->messageOpcode, std::exchange(client->message, {}));
}

void InspectServer::deliver(Client *client, quint8 opcode, const QByteArray &payload)
{
    const bool text = opcode == OpText;
    logRow(client, MessageLog::Direction::Received, text ? MessageLog::Kind::Text : MessageLog::Kind::Binary, payload);
    if (text && !payload.isValidUtf8()) {
        failProtocol(client, 1007, tr("The client's text message is not valid UTF-8."));
        return;
    }
    const int received = client->dataIn;
    switch (m_config.reply) {
    case Reply::Echo: sendMessage(client, {!text, payload}); break;
    case Reply::Silent: break;
    case Reply::Fixed:
        for (const Answer &reply : std::as_const(m_config.replies))
            sendAnswer(client, reply);
        break;
    case Reply::InTurn:
        if (!m_config.replies.isEmpty())
            sendAnswer(client, m_config.replies.at(qMax(0, received - 1) % m_config.replies.size()));
        break;
    }
    if (m_config.dropAfterMessages > 0 && received >= m_config.dropAfterMessages) {
        logEvent(client, MessageLog::Kind::Error,
                 tr("Dropped the connection after %n message(s), as set: no Close was sent.", nullptr,
                    m_config.dropAfterMessages));
        Session::Connection &connection = connectionOf(client);
        connection.close.closer = Session::Closer::Us;
        connection.close.code = 1006;
        endTcp(client);   // what was written goes first, then the end of the connection
    }
}

void InspectServer::failProtocol(Client *client, int code, const QString &why)
{
    if (client->failed)
        return;
    client->failed = true;
    logEvent(client, MessageLog::Kind::Error, why);
    if (!client->closeSent && !client->closeReceived)
        sendClose(client, code, QString());
}

void InspectServer::sendMessage(Client *client, const Session::Outgoing &message)
{
    sendFrame(client, message.binary ? OpBinary : OpText, message.data);
    logRow(client, MessageLog::Direction::Sent, message.binary ? MessageLog::Kind::Binary : MessageLog::Kind::Text,
           message.data);
}

void InspectServer::sendAnswer(Client *client, const Answer &answer)
{
    if (!answer.make) {
        sendMessage(client, answer.message);
        return;
    }
    Session::Outgoing made;
    QString why;
    if (answer.make(&made, &why))
        sendMessage(client, made);
    else
        logEvent(client, MessageLog::Kind::Error, tr("A message was not sent: %1").arg(why));
}

void InspectServer::sendFrame(Client *client, quint8 opcode, const QByteArray &payload)
{
    if (!client->socket || client->tcpEnded)
        return;
    const QByteArray head = frameHead(opcode, quint64(payload.size()));
    QByteArray frame;
    if (payload.size() <= 64 * 1024) {
        frame = head + payload;
        record(client, TapRecord::Type::ServerBytes, frame);
        client->socket->write(frame);
    } else {
        // Two records, so that a large payload is not copied into a new frame.
        record(client, TapRecord::Type::ServerBytes, head);
        client->socket->write(head);
        record(client, TapRecord::Type::ServerBytes, payload);
        client->socket->write(payload);
    }
    const qint64 queued = client->socket->bytesToWrite();
    if (queued >= PauseReadingBytes)
        client->paused = true;
    if (queued > 0 && !client->stalled->isActive())
        client->stalled->start();
}

void InspectServer::sendClose(Client *client, int code, const QString &reason)
{
    if (client->closeSent || !client->socket || client->tcpEnded)
        return;
    QByteArray payload;
    if (code != 1005) {
        char bytes[2];
        qToBigEndian<quint16>(quint16(code), bytes);
        payload = QByteArray(bytes, 2) + reason.toUtf8().left(123);
    }
    client->closeSent = true;
    sendFrame(client, OpClose, payload);
    Session::Connection &connection = connectionOf(client);
    if (!client->closeReceived) {
        connection.close.closer = Session::Closer::Us;
        connection.close.code = code;
        connection.close.reason = reason;
        logEvent(client, MessageLog::Kind::Close,
                 reason.isEmpty() ? tr("Sent a Close with %1.").arg(code) : tr("Sent a Close with %1: %2").arg(code).arg(reason));
        client->info.state = ClientState::Closing;
        client->timer->start(CloseGraceMs);
    } else {
        connection.close.handshakeCompleted = true;
        connection.close.answerCode = code;
    }
}

void InspectServer::endTcp(Client *client)
{
    if (client->tcpEnded)
        return;
    client->tcpEnded = true;
    client->weClosedTcp = true;
    if (!client->socket) {
        finish(client);
        return;
    }
    record(client, TapRecord::Type::ServerClosed);
    client->socket->disconnectFromHost();
    if (client->socket && client->socket->state() != QAbstractSocket::UnconnectedState) {
        client->timer->disconnect(this);
        connect(client->timer, &QTimer::timeout, this, [this, client] { cut(client); });
        client->timer->start(CloseGraceMs);
    }
}

void InspectServer::cut(Client *client)
{
    QTcpSocket *socket = client->socket;
    if (!socket || client->finished)
        return;
    // Bytes recorded as sent that the client never took: the record says so.
    if (const qint64 unsent = socket->bytesToWrite(); unsent > 0)
        record(client, TapRecord::Type::NotRecorded, {},
               tr("The last %1 bytes recorded from the server were never sent: the client did not take them and the "
                  "connection was cut.")
                   .arg(unsent));
    socket->abort();
}

void InspectServer::onWritten(Client *client)
{
    if (client->socket && client->socket->bytesToWrite() == 0)
        client->stalled->stop();
    else
        client->stalled->start();   // it took some: count again
    if (client->paused && client->socket && client->socket->bytesToWrite() <= ResumeReadingBytes) {
        client->paused = false;
        onReadable(client);
    }
}

void InspectServer::onDisconnected(Client *client)
{
    // What was still buffered came before the end.
    client->paused = false;
    onReadable(client);
    if (!client->weClosedTcp)
        record(client, TapRecord::Type::ClientClosed);
    client->tcpEnded = true;
    finish(client);
}

void InspectServer::finish(Client *client)
{
    if (client->finished)
        return;
    client->finished = true;
    client->timer->stop();
    client->stalled->stop();
    if (client->dropped > 0)
        record(client, TapRecord::Type::NotRecorded, {},
               tr("Not recorded: %1 bytes more from the client, read after its connection was failed or ended.")
                   .arg(client->dropped));
    Session::Connection &connection = connectionOf(client);
    connection.endUsec = MessageLog::nowUsec();
    if (client->info.state == ClientState::Open || client->info.state == ClientState::Closing) {
        // What it left unfinished: a frame cut off, a message whose last fragment never came.
        if (!client->closeReceived && client->feedDecoder && client->decoder.bufferedBytes() > 0) {
            const quint64 announced = client->decoder.announcedPayload();
            logEvent(client, MessageLog::Kind::Error,
                     announced > 0 ? tr("The client left in the middle of a frame: %1 bytes of it came, of a payload of %2 bytes.")
                                         .arg(client->decoder.bufferedBytes())
                                         .arg(announced)
                                   : tr("The client left in the middle of a frame's header: %1 bytes of it came.")
                                         .arg(client->decoder.bufferedBytes()));
        }
        if (!client->closeReceived && !client->message.isEmpty())
            logEvent(client, MessageLog::Kind::Error,
                     tr("The client left in the middle of a fragmented message: %1 bytes of it came, its last fragment "
                        "did not.")
                         .arg(client->message.size()));
        if (!client->closeSent && !client->closeReceived && connection.close.closer == Session::Closer::Nobody) {
            connection.close.code = 1006;
            logEvent(client, MessageLog::Kind::Close, tr("The client left without a Close (1006)."));
        }
        client->info.state = ClientState::Closed;
    } else if (client->info.state == ClientState::Handshake) {
        client->info.state = ClientState::Closed;
        updateHandshake(client);
        if (connection.handshake.failure.isEmpty())
            connection.handshake.failure = tr("The client left before its upgrade was answered.");
    }
    if (client->socket) {
        client->socket->disconnect(this);
        client->socket->deleteLater();
    }
    const int id = client->id;
    Q_EMIT clientFinished(id);
    if (!m_config.record) {
        // Nothing is kept of a client that has gone: a server that runs for
        // days without saving stays small.
        QTimer::singleShot(0, this, [this, id] {
            for (auto it = m_clients.begin(); it != m_clients.end(); ++it) {
                if ((*it)->id == id) {
                    m_connections[(*it)->index].handshake = HandshakeInfo();
                    m_clients.erase(it);
                    return;
                }
            }
        });
    }
}

InspectServer::Client *InspectServer::sendable(int id, QString *error) const
{
    Client *client = find(id);
    if (!client || client->info.state != ClientState::Open || client->closeSent || client->tcpEnded) {
        if (error)
            *error = tr("Client %1 is not open.").arg(id);
        return nullptr;
    }
    return client;
}

bool InspectServer::sendText(int id, const QString &text, QString *error)
{
    Client *client = sendable(id, error);
    if (!client)
        return false;
    sendMessage(client, {false, text.toUtf8()});
    return true;
}

bool InspectServer::sendBinary(int id, const QByteArray &data, QString *error)
{
    Client *client = sendable(id, error);
    if (!client)
        return false;
    sendMessage(client, {true, data});
    return true;
}

bool InspectServer::ping(int id, const QByteArray &payload, QString *error)
{
    Client *client = sendable(id, error);
    if (!client)
        return false;
    if (payload.size() > FrameDecoder::MaxControlPayload) {
        if (error)
            *error = tr("A ping carries at most 125 bytes.");
        return false;
    }
    sendFrame(client, OpPing, payload);
    logRow(client, MessageLog::Direction::Sent, MessageLog::Kind::Ping, payload);
    return true;
}

bool InspectServer::close(int id, int code, const QString &reason, QString *error)
{
    Client *client = sendable(id, error);
    if (!client)
        return false;
    if (reason.toUtf8().size() > 123) {
        if (error)
            *error = tr("A close reason is at most 123 bytes of UTF-8.");
        return false;
    }
    sendClose(client, code, reason);
    return true;
}

int InspectServer::broadcastText(const QString &text)
{
    int count = 0;
    for (const auto &client : m_clients)
        count += sendText(client->id, text) ? 1 : 0;
    return count;
}

int InspectServer::broadcastBinary(const QByteArray &data)
{
    int count = 0;
    for (const auto &client : m_clients)
        count += sendBinary(client->id, data) ? 1 : 0;
    return count;
}
