#include "echoserver.h"

#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>
#include <QWebSocket>
#include <QWebSocketCorsAuthenticator>
#include <QWebSocketServer>

#include <memory>

namespace {

// What the socket buffers of a client's input: one whole frame of the
// largest size, since Qt's frame reader waits for a frame's whole payload
// to be buffered before it takes any of it.
constexpr qint64 ReadBufferBytes = EchoServer::MaxMessageBytes + 64 * 1024;
// While a client is paused. Not 0 (that means no limit) and too little for
// any frame header, so that nothing more is read or parsed.
constexpr qint64 PausedReadBufferBytes = 1;
// The answer to one connection too many is sent once its request is in;
// a request longer than this is not waited for.
constexpr qint64 MaxRefusedRequestBytes = 16 * 1024;
constexpr int RefusedConnectionMs = 5000;
// Refusals under way at once; beyond, a connection is cut without an answer.
constexpr int MaxRefusing = EchoServer::MaxClients;
QString handshakeTimerName()
{
    return QStringLiteral("wsscope-echo-handshake-timeout");
}
// The most of a client's origin quoted in a notice.
constexpr qsizetype MaxQuotedOrigin = 200;

QString peerOf(const QAbstractSocket *socket)
{
    return socket->peerAddress().toString() + u':' + QString::number(socket->peerPort());
}

// Control characters and anything beyond ASCII as \xNN or \uNNNN: what a
// client sent must not drive a terminal it is printed to.
QString escapedText(const QString &text)
{
    QString out;
    const QString shown = text.left(MaxQuotedOrigin);
    for (const QChar c : shown) {
        const char16_t u = c.unicode();
        if (u == u'\\')
            out += QStringLiteral("\\\\");
        else if (u < 0x20 || u == 0x7f)
            out += QStringLiteral("\\x%1").arg(int(u), 2, 16, QChar(u'0'));
        else if (u > 0x7e)
            out += QStringLiteral("\\u%1").arg(int(u), 4, 16, QChar(u'0'));
        else
            out += c;
    }
    if (shown.size() < text.size())
        out += QStringLiteral("…");
    return out;
}

// An origin as browsers write it (RFC 6454): lower-case scheme and host, the
// port only when it is not the scheme's default. Empty when text is not one.
QString normalisedOrigin(const QString &text)
{
    const QString trimmed = text.trimmed();
    if (trimmed.compare(u"null", Qt::CaseInsensitive) == 0)
        return QStringLiteral("null");
    if (trimmed.compare(u"file://", Qt::CaseInsensitive) == 0)
        return QStringLiteral("file://");
    const QUrl url(trimmed, QUrl::StrictMode);
    if (!url.isValid() || url.scheme().isEmpty() || url.host().isEmpty() || !url.userInfo().isEmpty()
        || (!url.path().isEmpty() && url.path() != u"/") || url.hasQuery() || url.hasFragment())
        return {};
    const QString host = url.host(QUrl::FullyEncoded).toLower();
    QString origin = url.scheme().toLower() + QStringLiteral("://") + (host.contains(u':') ? u'[' + host + u']' : host);
    const int defaultPort = url.scheme().compare(u"https", Qt::CaseInsensitive) == 0 ? 443
        : url.scheme().compare(u"http", Qt::CaseInsensitive) == 0                  ? 80
                                                                                    : -1;
    if (url.port() != -1 && url.port() != defaultPort)
        origin += u':' + QString::number(url.port());
    return origin;
}

} // namespace

struct EchoServer::Client : QObject
{
    QWebSocket *socket = nullptr;
    QPointer<QTcpSocket> tcp;   // QWebSocketServer deletes it once it disconnects
    QTimer stalled;
    bool paused = false;
    QString peer;
};

EchoServer::EchoServer(QObject *parent)
    : QObject(parent)
    , m_tcp(new QTcpServer(this))
    , m_server(new QWebSocketServer(QStringLiteral("wsscope echo"), QWebSocketServer::NonSecureMode, this))   // not translated: the server's name for Qt
{
    // The server owns the TCP side, so that it can count and refuse
    // connections before any handshake and stop reading from a client;
    // QWebSocketServer only does the upgrades.
    connect(m_tcp, &QTcpServer::newConnection, this, &EchoServer::onTcpConnection);
    connect(m_server, &QWebSocketServer::newConnection, this, &EchoServer::onUpgraded);
    connect(m_server, &QWebSocketServer::originAuthenticationRequired, this, &EchoServer::onOriginCheck);
}

EchoServer::~EchoServer()
{
    close();
}

bool EchoServer::listen(quint16 port, const QHostAddress &address)
{
    return m_tcp->listen(address, port);
}

void EchoServer::close()
{
    m_tcp->close();
    for (QTcpSocket *socket : std::as_const(m_handshaking)) {
        socket->disconnect(this);
        socket->abort();
    }
    m_handshaking.clear();
    const QList<Client *> clients = std::exchange(m_clients, {});
    for (Client *client : clients) {
        QWebSocket *socket = client->socket;
        delete client;   // and with it every connection to the client
        socket->abort();
        socket->deleteLater();
    }
}

bool EchoServer::isListening() const
{
    return m_tcp->isListening();
}

QUrl EchoServer::url() const
{
    if (!m_tcp->isListening())
        return {};
    QUrl url;
    url.setScheme(QStringLiteral("ws"));
    url.setHost(m_tcp->serverAddress().toString());
    url.setPort(m_tcp->serverPort());
    url.setPath(QStringLiteral("/"));
    return url;
}

QString EchoServer::errorString() const
{
    return m_tcp->errorString();
}

int EchoServer::clientCount() const
{
    return int(m_clients.size());
}

void EchoServer::setAllowedOrigins(const QStringList &origins)
{
    m_allowedOrigins.clear();
    m_allowAnyOrigin = false;
    for (const QString &origin : origins) {
        if (origin.trimmed() == u"*") {
            m_allowAnyOrigin = true;
            continue;
        }
        const QString normalised = normalisedOrigin(origin);
        if (!normalised.isEmpty() && !m_allowedOrigins.contains(normalised))
            m_allowedOrigins << normalised;
    }
}

QStringList EchoServer::allowedOrigins() const
{
    return m_allowAnyOrigin ? QStringList{QStringLiteral("*")} + m_allowedOrigins : m_allowedOrigins;
}

bool EchoServer::isDefaultAllowedOrigin(const QString &origin)
{
    if (origin.trimmed().isEmpty())
        return true;   // not a browser: browsers always send one
    const QString normalised = normalisedOrigin(origin);
    // A page opened from a file. Browsers send "null" for it; so does a
    // sandboxed frame, whatever its page.
    if (normalised == u"null" || normalised == u"file://")
        return true;
    const QUrl url(normalised);
    if (url.scheme() != u"http" && url.scheme() != u"https")
        return false;
    const QString host = url.host();
    return host == u"127.0.0.1" || host == u"localhost" || host == u"::1";
}

bool EchoServer::isOriginAllowedBy(const QStringList &allowed, const QString &origin)
{
    if (isDefaultAllowedOrigin(origin))
        return true;
    const QString normalised = normalisedOrigin(origin);
    for (const QString &entry : allowed) {
        if (entry.trimmed() == u"*" || (!normalised.isEmpty() && normalisedOrigin(entry) == normalised))
            return true;
    }
    return false;
}

QString EchoServer::escaped(const QString &text)
{
    return escapedText(text);
}

bool EchoServer::isOriginAllowed(const QString &origin) const
{
    if (m_allowAnyOrigin || isDefaultAllowedOrigin(origin))
        return true;
    const QString normalised = normalisedOrigin(origin);
    return !normalised.isEmpty() && m_allowedOrigins.contains(normalised);
}

QString EchoServer::originProblem(const QString &text)
{
    for (const QChar c : text) {
        if (c.unicode() < 0x20 || c.unicode() == 0x7f)
            return tr("it holds a line break or another control character.");
    }
    if (text.trimmed().isEmpty())
        return tr("it is empty.");
    if (text.trimmed() == u"*" || !normalisedOrigin(text).isEmpty())
        return {};
    return tr("an origin is a scheme, a host and maybe a port, such as https://example.com or "
              "http://localhost:3000, with no path; null and * (any origin) are allowed too.");
}

void EchoServer::onOriginCheck(QWebSocketCorsAuthenticator *authenticator)
{
    // Refused, Qt answers "HTTP/1.1 403 Access Forbidden" with no header and
    // closes the connection.
    const QString origin = authenticator->origin();
    const bool allowed = isOriginAllowed(origin);
    authenticator->setAllowed(allowed);
    if (!allowed)
        Q_EMIT notice(tr("Refused an upgrade with 403: the origin \"%1\" is not on this machine and not allowed.")
                          .arg(escaped(origin)));
}

void EchoServer::onTcpConnection()
{
    while (QTcpSocket *socket = m_tcp->nextPendingConnection()) {
        if (m_clients.size() + m_handshaking.size() >= MaxClients) {
            refuseFull(socket);
            continue;
        }
        socket->setReadBufferSize(ReadBufferBytes);
        m_handshaking.append(socket);
        // QWebSocketServer deletes the socket once it disconnects.
        connect(socket, &QObject::destroyed, this, [this, socket] { m_handshaking.removeOne(socket); });
        connect(socket, &QAbstractSocket::disconnected, this, [this, socket] { m_handshaking.removeOne(socket); });
        // handleConnection() sets no handshake timeout of its own. The timer
        // goes once the upgrade is done (onUpgraded()), so that a client that
        // comes and goes quickly leaves no timer running behind it.
        auto *timeout = new QTimer(socket);
        timeout->setObjectName(handshakeTimerName());
        timeout->setSingleShot(true);
        connect(timeout, &QTimer::timeout, socket, &QAbstractSocket::abort);
        timeout->start(HandshakeTimeoutMs);
        m_server->handleConnection(socket);
    }
}

void EchoServer::refuseFull(QTcpSocket *socket)
{
    Q_EMIT notice(tr("Refused the connection from %1 with 503: %2 clients are connected already.")
                      .arg(peerOf(socket))
                      .arg(MaxClients));
    if (m_refusing >= MaxRefusing) {
        socket->abort();
        socket->deleteLater();
        return;
    }
    ++m_refusing;
    connect(socket, &QObject::destroyed, this, [this] { --m_refusing; });
    connect(socket, &QAbstractSocket::disconnected, socket, &QObject::deleteLater);
    QTimer::singleShot(RefusedConnectionMs, socket, [socket] {
        socket->abort();
        socket->deleteLater();
    });
    // Closing with the request unread would make the system reset the
    // connection, and the client might never see the answer: read it first.
    struct Refusal
    {
        QByteArray request;
        bool answered = false;
    };
    const auto refusal = std::make_shared<Refusal>();
    const auto answerOnceRead = [socket, refusal] {
        const QByteArray data = socket->readAll();
        if (refusal->answered)
            return;
        refusal->request += data;
        if (!refusal->request.contains("\r\n\r\n") && refusal->request.size() < MaxRefusedRequestBytes)
            return;
        refusal->answered = true;
        refusal->request.clear();
        socket->write("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        socket->disconnectFromHost();
    };
    connect(socket, &QIODevice::readyRead, socket, answerOnceRead);
    if (socket->bytesAvailable() > 0)
        answerOnceRead();
}

void EchoServer::onUpgraded()
{
    while (QWebSocket *socket = m_server->nextPendingConnection()) {
        socket->setParent(this);
        QTcpSocket *tcp = nullptr;
        for (QTcpSocket *candidate : std::as_const(m_handshaking)) {
            if (candidate->peerPort() == socket->peerPort() && candidate->peerAddress() == socket->peerAddress()) {
                tcp = candidate;
                break;
            }
        }
        if (!tcp) {   // cannot be flow-controlled
            socket->abort();
            socket->deleteLater();
            continue;
        }
        m_handshaking.removeOne(tcp);
        tcp->disconnect(this);
        delete tcp->findChild<QTimer *>(handshakeTimerName(), Qt::FindDirectChildrenOnly);

        auto *client = new Client;
        client->socket = socket;
        client->tcp = tcp;
        client->peer = peerOf(tcp);
        client->stalled.setSingleShot(true);
        client->stalled.setInterval(StalledClientMs);
        m_clients.append(client);

        socket->setMaxAllowedIncomingFrameSize(quint64(MaxMessageBytes));
        socket->setMaxAllowedIncomingMessageSize(quint64(MaxMessageBytes));
        connect(socket, &QWebSocket::textMessageReceived, client, [this, client](const QString &message) {
            client->socket->sendTextMessage(message);
            checkFlow(client);
        });
        connect(socket, &QWebSocket::binaryMessageReceived, client, [this, client](const QByteArray &message) {
            client->socket->sendBinaryMessage(message);
            checkFlow(client);
        });
        // Connected after QWebSocket's own: runs once a batch of input has been
        // parsed, so that the pongs Qt wrote for pings are counted too.
        connect(tcp, &QIODevice::readyRead, client, [this, client] { checkFlow(client); });
        connect(socket, &QWebSocket::bytesWritten, client, [this, client] { onWritten(client); });
        connect(&client->stalled, &QTimer::timeout, client, [this, client] {
            drop(client, tr("Dropped the client %1: it has not read its echoes for %2 s.")
                             .arg(client->peer)
                             .arg(StalledClientMs / 1000));
        });
        connect(socket, &QWebSocket::disconnected, client, [this, client] {
            const QString peer = client->peer;
            m_clients.removeOne(client);
            client->socket->deleteLater();
            client->deleteLater();
            Q_EMIT clientDisconnected(peer);
        });
        Q_EMIT clientConnected(client->peer);
    }
}

void EchoServer::checkFlow(Client *client)
{
    const qint64 queued = client->socket->bytesToWrite();
    if (queued > MaxQueuedBytes) {
        drop(client, tr("Dropped the client %1: %2 bytes of echoes were waiting for it.").arg(client->peer).arg(queued));
        return;
    }
    if (!client->paused && queued >= PauseReadingBytes && client->tcp) {
        client->paused = true;
        client->tcp->setReadBufferSize(PausedReadBufferBytes);
    }
    if (queued > 0 && !client->stalled.isActive())
        client->stalled.start();
}

void EchoServer::onWritten(Client *client)
{
    const qint64 queued = client->socket->bytesToWrite();
    if (queued == 0)
        client->stalled.stop();
    else
        client->stalled.start();   // it took some: count again
    if (client->paused && queued <= ResumeReadingBytes && client->tcp) {
        client->paused = false;
        client->tcp->setReadBufferSize(ReadBufferBytes);
    }
}

void EchoServer::drop(Client *client, const QString &why)
{
    client->stalled.stop();
    Q_EMIT notice(why);
    // abort() emits disconnected, which lets go of the client.
    client->socket->abort();
}
