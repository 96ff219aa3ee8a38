#pragma once

#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QStringList>
#include <QUrl>

class QTcpServer;
class QTcpSocket;
class QWebSocket;
class QWebSocketCorsAuthenticator;
class QWebSocketServer;

// The embedded default peer: a WebSocket server on loopback that sends every
// text and binary message back as it came. Pings are answered by Qt itself.
//
// It defends itself against its clients: a client that does not read its
// echoes is no longer read from (and dropped when it stays stuck), messages
// and clients are capped, and an upgrade from a web page whose origin is not
// on this machine is refused with 403, so that a page in a browser that finds
// the port cannot drive it.
class EchoServer : public QObject
{
    Q_OBJECT

public:
    // The largest message (and frame) echoed; a larger one is refused with a
    // Close of 1009 as soon as its header says so.
    static constexpr qint64 MaxMessageBytes = 16 * 1024 * 1024;
    // Connections at once, those still in their handshake included; one more
    // gets 503 Service Unavailable.
    static constexpr int MaxClients = 8;
    // When this much of a client's echoes waits to be written, the server
    // stops reading from it; it reads again below ResumeReadingBytes.
    static constexpr qint64 PauseReadingBytes = 4 * 1024 * 1024;
    static constexpr qint64 ResumeReadingBytes = 1024 * 1024;
    // A client is dropped when this much waits for it (flow control keeps
    // it well below: a safety net), or when echoes have waited for it
    // StalledClientMs without it taking a byte.
    static constexpr qint64 MaxQueuedBytes = 64 * 1024 * 1024;
    static constexpr int StalledClientMs = 10000;
    // A connection that has not completed its upgrade by then is closed.
    static constexpr int HandshakeTimeoutMs = 10000;
    // Roughly the most it holds for one client: a frame being received, the
    // message being assembled (text as UTF-16, twice its bytes), its echoes.
    static constexpr qint64 MaxBytesPerClient = 4 * MaxMessageBytes + PauseReadingBytes;

    explicit EchoServer(QObject *parent = nullptr);
    ~EchoServer() override;
    Q_DISABLE_COPY_MOVE(EchoServer)

    // port 0 lets the OS choose. Returns false with errorString() set.
    bool listen(quint16 port = 0, const QHostAddress &address = QHostAddress::LocalHost);
    void close();
    bool isListening() const;
    QUrl url() const;
    QString errorString() const;
    int clientCount() const;

    // Origins allowed besides the default ones (no Origin header, a loopback
    // origin: http(s)://127.0.0.1, localhost or [::1] on any port, file://
    // and null), as given to --allow-origin: "*" allows any. Entries that
    // are not origins are ignored.
    void setAllowedOrigins(const QStringList &origins);
    QStringList allowedOrigins() const;
    bool isOriginAllowed(const QString &origin) const;
    static bool isDefaultAllowedOrigin(const QString &origin);
    // Whether `origin` is allowed by the default rule or by one of `allowed`
    // (entries as given to setAllowedOrigins()).
    static bool isOriginAllowedBy(const QStringList &allowed, const QString &origin);
    // Control characters and what is not ASCII as escapes, cut at 200
    // characters: what came from a client, safe to print.
    static QString escaped(const QString &text);
    // Why text cannot be given as an allowed origin, or an empty string.
    static QString originProblem(const QString &text);

Q_SIGNALS:
    void clientConnected(const QString &peer);
    void clientDisconnected(const QString &peer);
    // One sentence about a refused or dropped client; what came from the
    // client in it has its control characters escaped.
    void notice(const QString &message);

private:
    struct Client;

    void onTcpConnection();
    void onUpgraded();
    void onOriginCheck(QWebSocketCorsAuthenticator *authenticator);
    void refuseFull(QTcpSocket *socket);
    void checkFlow(Client *client);
    void onWritten(Client *client);
    void drop(Client *client, const QString &why);

    QTcpServer *m_tcp;
    QWebSocketServer *m_server;
    QList<QTcpSocket *> m_handshaking;
    QList<Client *> m_clients;
    int m_refusing = 0;
    QStringList m_allowedOrigins;   // normalised
    bool m_allowAnyOrigin = false;
};
