#pragma once

#include "wire/httphead.h"
#include "wire/taprecord.h"

#include <QElapsedTimer>
#include <QHostAddress>
#include <QList>
#include <QMutex>
#include <QNetworkProxy>
#include <QObject>
#include <QPointer>
#include <QSslConfiguration>
#include <QTimer>

#include <memory>
#include <vector>

class QHostInfo;
class QSslSocket;
class QTcpServer;
class QTcpSocket;

// Where the tap leaves its records for the GUI thread: each one at once,
// under a lock, with one wake-up per batch (the reader takes everything
// there when it comes round). The reader may also take them sooner, before
// it reads the bytes the tap relayed: the tap puts bytes here before it
// writes them on, so what QWebSocket has read is always here or taken.
class TapOutbox
{
public:
    // True when the reader has to be woken: nothing was waiting before.
    bool put(TapRecord &&record);
    QList<TapRecord> take();

private:
    QMutex m_mutex;
    QList<TapRecord> m_records;
    bool m_wakePending = false;
};

// An HTTP CONNECT relay on 127.0.0.1 for exactly one WebSocket connection.
// QWebSocket is pointed at it as its proxy; the tap resolves the real host,
// connects (TCP, or TLS for wss), answers 200 and relays both ways, recording
// every byte with a timestamp. It lives in its own thread (see TapLink).
//
// It is not an open relay: it listens on loopback only, answers 407 until the
// per-connection secret is presented, refuses every CONNECT target but its
// own, and stops listening once its one client is through.
class Tap : public QObject
{
    Q_OBJECT

public:
    // What kind of failure an UpstreamFailed record is, in its bytes.
    static constexpr const char *HostNotFound = "host-not-found";
    static constexpr const char *NothingListening = "nothing-listening";
    static constexpr const char *PlainServer = "plain-server";
    static constexpr const char *Untrusted = "untrusted";
    struct Target
    {
        QString host;              // as in the URL, without brackets
        quint16 connectPort = 0;   // the port QWebSocket will CONNECT to
        quint16 upstreamPort = 0;  // the port the tap connects to
        bool tls = false;
        bool ignoreTlsErrors = false;
        QSslConfiguration tlsConfiguration = QSslConfiguration::defaultConfiguration();
        // The upstream connection goes through this HTTP (CONNECT) or SOCKS5
        // proxy, which also resolves the host; NoProxy: straight to the host.
        QNetworkProxy proxy = QNetworkProxy(QNetworkProxy::NoProxy);
    };

    static constexpr int CloseGraceMs = 1000;
    static constexpr qint64 RelayWindow = 512 * 1024;
    static constexpr qint64 ReadBufferBytes = 256 * 1024;
    // What is recorded of the server's bytes once QWebSocket has gone (during
    // the close grace, or while a refused answer goes on): its Close, and what
    // was on its way. Past this the tap stops reading the server.
    static constexpr qint64 MaxBytesAfterClient = 4 * 1024 * 1024;

    Tap(const Target &target, const QString &user, const QString &secret, std::shared_ptr<TapOutbox> outbox);
    ~Tap() override;
    Q_DISABLE_COPY_MOVE(Tap)

    // "HTTP proxy host:port" or "SOCKS5 proxy host:port"; empty for NoProxy.
    static QString proxyName(const QNetworkProxy &proxy);

    // Called in the tap's thread.
    void start();
    void stop();

Q_SIGNALS:
    void listening(quint16 port);
    void listenFailed(const QString &reason);
    // Records are waiting in the outbox (once per batch).
    void recordsWaiting();
    void tlsEstablished(const TapTls &tls);
    void finished();

private:
    void onNewConnection();
    void onCandidateReadyRead(QTcpSocket *socket);
    bool makeRoom();
    bool isOurTarget(const QByteArray &target) const;
    void handleConnect(QTcpSocket *client, const HttpHead &head);
    void refuse(QTcpSocket *client, const QByteArray &answer, const QString &why);
    void onLookedUp(const QHostInfo &info);
    void connectNext();
    void onUpstreamConnected();
    void onUpstreamEncrypted();
    void onUpstreamError();
    void startRelay();
    void relayFromClient();
    void relayFromServer();
    // hangingUp: also what is unread below the bound, as the tap hangs up on a server that has not closed.
    void recordUnread(bool hangingUp = false);
    void failUpstream(const QByteArray &statusLine, const QString &why, const QByteArray &kind = {});
    QString proxyFailure(QAbstractSocket::SocketError error) const;
    bool proxied() const;
    void onClientGone();
    void onUpstreamGone();
    void record(TapRecord::Type type, const QByteArray &bytes = {}, const QString &text = {});
    void finishIfDone();
    TapTls tlsFacts() const;

    Target m_target;
    QByteArray m_expectedAuthorization;
    qint64 m_epochUsec;
    QElapsedTimer m_clock;

    struct Candidate
    {
        QPointer<QTcpSocket> socket;
        HttpHeadParser parser{HttpHeadParser::Kind::Request};
        bool challenged = false;   // has been sent a 407 already
        // Who makes room first when the tap is full: in this order.
        enum class Standing : quint8 {
            Refused,      // has had its answer
            Idle,         // has sent nothing
            Talking,      // has sent part of a request
            Challenged,   // asked for our target and was sent a 407: kept
        };
        Standing standing = Standing::Idle;
    };
    Candidate *candidateFor(QTcpSocket *socket);

    QTcpServer *m_server = nullptr;
    std::vector<std::unique_ptr<Candidate>> m_candidates;   // connected, not yet through
    QPointer<QTcpSocket> m_client;              // the one authenticated client
    QTcpSocket *m_upstream = nullptr;            // QSslSocket when tls
    QList<QHostAddress> m_addresses;
    int m_nextAddress = 0;
    int m_lookupId = -1;
    QStringList m_tlsErrors;
    bool m_tlsErrorsIgnored = false;
    bool m_relaying = false;
    bool m_serverSpoke = false;   // bytes came from the server
    bool m_clientClosed = false;
    bool m_upstreamClosed = false;
    bool m_finished = false;
    qint64 m_bytesAfterClient = 0;   // recorded from the server after QWebSocket went
    bool m_unreadRecorded = false;
    std::shared_ptr<TapOutbox> m_outbox;
};
