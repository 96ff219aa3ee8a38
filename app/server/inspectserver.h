#pragma once

#include "log/messagelog.h"
#include "record/export.h"
#include "session/session.h"
#include "wire/framedecoder.h"
#include "wire/httphead.h"
#include "wire/taprecord.h"

#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QSslCertificate>
#include <QSslKey>
#include <QStringList>
#include <QUrl>

#include <functional>
#include <memory>
#include <vector>

class QTcpServer;
class QTcpSocket;
class QTimer;

// The server mode: a WebSocket server that owns every client's socket and
// speaks the protocol itself, so that it can record every byte a client sends
// before anything parses it, answer the upgrade as the user chose (a refusal
// with any status, a chosen subprotocol, a delayed 101) and misbehave on
// purpose (stay silent, drop the connection after N messages).
//
// Each client is one Session::Connection (server flag set) with its bytes as
// TapRecords (ClientBytes: what the client sent; ServerBytes: what wsscope
// sent), so that it saves, exports and shows like a connection of wsscope's
// own. Its messages, pings, pongs and events go to one MessageLog for all
// clients, each row with its client's connection id; Received rows are what a
// client sent.
class InspectServer : public QObject
{
    Q_OBJECT

public:
    // Echo: each message back as it came; Silent: no answer; Fixed: every
    // one of `replies`, in order, in answer to each message; InTurn: the
    // first of `replies` to the first message, the second to the second, and
    // so on, from the first again after the last.
    enum class Reply { Echo, Silent, Fixed, InTurn };
    using Header = HandshakeInfo::Header;

    // A reply or a message sent on open: the bytes made once, or, with
    // `make` set, made anew each time it is sent (so that a saved message's
    // {{$timestamp}} or {{$randomUUID}} is new in every reply). When `make`
    // fails, its reason is logged as an error for that client and nothing is
    // sent in its place.
    struct Answer
    {
        Answer() = default;
        Answer(bool binary, const QByteArray &data) : message{binary, data} {}
        Answer(const Session::Outgoing &outgoing) : message(outgoing) {}

        Session::Outgoing message;
        std::function<bool(Session::Outgoing *message, QString *error)> make;
    };

    struct Config
    {
        QHostAddress address = QHostAddress(QHostAddress::LocalHost);
        quint16 port = 0;   // 0: the system chooses
        // The request paths answered; any other gets 404. Empty: any path.
        QStringList paths;
        Reply reply = Reply::Echo;
        // With Reply::Fixed and Reply::InTurn: the answers.
        QList<Answer> replies;
        // Sent to every client as soon as its upgrade is answered with 101, in order.
        QList<Answer> onOpen;
        // Not 0: every upgrade is refused with this status (200 to 599, not
        // 101) and `answerBody`; 401 adds WWW-Authenticate, 503 Retry-After,
        // 426 Upgrade and Sec-WebSocket-Version.
        int answerStatus = 0;
        QByteArray answerBody;
        // A request without each of these (name in any case, value exact) is
        // refused: 401 with WWW-Authenticate for Authorization, else 400.
        QList<Header> requiredHeaders;
        // The subprotocols the server speaks; the first one the client offers
        // is answered. With requireProtocol a client that offers none of them
        // is refused with 400.
        QStringList protocols;
        bool requireProtocol = false;
        // Answered in Sec-WebSocket-Protocol whatever the client offered (a
        // misbehaviour, to see how a client takes it); empty: as above.
        QString forcedProtocol;
        int upgradeDelayMs = 0;      // the 101 waits this long
        int dropAfterMessages = 0;   // the TCP connection is cut after this many messages; 0: never
        // Origins allowed besides the loopback ones (see EchoServer::setAllowedOrigins).
        QStringList allowedOrigins;
        // Keep every byte and every message (to save, to show); otherwise only
        // the connections' handshakes are kept.
        bool record = true;
        // wss: the certificate (its chain after it) and key; none: ws.
        QList<QSslCertificate> certificateChain;
        QSslKey privateKey;
        qint64 maxMessageBytes = DefaultMaxMessageBytes;
        // How long a client has for its TLS handshake and for its whole
        // upgrade request; then it gets 408 (a TLS one is dropped).
        int handshakeTimeoutMs = HandshakeTimeoutMs;
    };

    static constexpr qint64 DefaultMaxMessageBytes = 64 * 1024 * 1024;
    // The most a limit may be: a message is held whole in memory (twice, while it is logged).
    static constexpr qint64 MostMessageBytes = qint64(1024) * 1024 * 1024;
    static constexpr int MaxClients = 32;          // connected at once, handshakes included
    static constexpr int HandshakeTimeoutMs = 10000;
    static constexpr int CloseGraceMs = 1000;
    // Reading from a client stops while this much waits to be written to it,
    // and goes on below ResumeReadingBytes.
    static constexpr qint64 PauseReadingBytes = 8 * 1024 * 1024;
    static constexpr qint64 ResumeReadingBytes = 2 * 1024 * 1024;
    static constexpr qint64 ReadChunkBytes = 1024 * 1024;
    // A client is dropped when what was sent to it has waited this long without it taking a byte.
    static constexpr int StalledClientMs = 10000;
    // What is still read and recorded from a client after its connection was
    // refused, failed or ended by the server; past this it is cut.
    static constexpr qint64 MaxBytesAfterEnd = 4 * 1024 * 1024;
    // This many pings from one client within a second is a ping flood (noted once per client).
    static constexpr int PingFloodPerSecond = 50;

    enum class ClientState { Handshake, Open, Closing, Closed, Refused };
    struct ClientInfo
    {
        int id = 0;
        QString address;
        quint16 port = 0;
        qint64 startUsec = 0;
        ClientState state = ClientState::Handshake;
        QString userAgent;
        QString path;
        int status = 0;   // what the upgrade was answered with; 0 until then
    };

    explicit InspectServer(QObject *parent = nullptr);
    ~InspectServer() override;
    Q_DISABLE_COPY_MOVE(InspectServer)

    // Loads a certificate and key for wss: PEM files (the key may be in the
    // certificate's file: give the same path, or an empty keyPath), or a
    // PKCS#12 file (.p12, .pfx) with keyPath empty. False with the reason.
    static bool loadTlsFiles(const QString &certificatePath, const QString &keyPath, const QByteArray &passphrase,
                             Config *config, QString *error);
    // Why a status cannot be answered, or an empty string.
    static QString statusProblem(int status);
    static QByteArray reasonPhrase(int status);

    bool start(const Config &config, QString *error = nullptr);
    // Stops listening and closes every client: an open one with 1001 (going
    // away), cut if it has not answered within CloseGraceMs.
    void stop();
    bool isListening() const;
    const Config &config() const;
    // Changes how the server answers, from the next message (and the next
    // client's open) on, while it runs.
    void setReplies(Reply reply, const QList<Answer> &replies, const QList<Answer> &onOpen);
    QUrl url() const;

    QList<ClientInfo> clients() const;
    ClientInfo client(int id) const;
    int openClientCount() const;

    bool sendText(int client, const QString &text, QString *error = nullptr);
    bool sendBinary(int client, const QByteArray &data, QString *error = nullptr);
    bool ping(int client, const QByteArray &payload = {}, QString *error = nullptr);
    bool close(int client, int code = 1000, const QString &reason = {}, QString *error = nullptr);
    // To every open client; how many it went to.
    int broadcastText(const QString &text);
    int broadcastBinary(const QByteArray &data);

    MessageLog *log();
    const MessageLog *log() const;
    const QList<Session::Connection> &connections() const;
    // Every client's records, by connection id, as they crossed its socket.
    QHash<int, QList<TapRecord>> wire() const;
    QList<TapRecord> wire(int client) const;
    // What to save: every client, as a read-only session would hold it.
    SessionExport::Snapshot snapshot();

    // One line about a client's handshake: "127.0.0.1:40312 GET /chat → 101
    // Switching Protocols (chat)". What came from the client is escaped.
    QString handshakeSummary(int client) const;

Q_SIGNALS:
    void clientConnected(int id);
    // The upgrade was answered (101 or a refusal).
    void clientAnswered(int id);
    void clientFinished(int id);
    // Something about the server itself (a client turned away before it was
    // one, a listening problem); what came from a client is escaped.
    void notice(const QString &message);

private:
    struct Client;

    void onNewConnection();
    void onReadable(Client *client);
    void onWritten(Client *client);
    void onDisconnected(Client *client);
    void handleRequest(Client *client);
    void refuse(Client *client, int status, const QByteArray &body, const QString &why);
    void accept(Client *client, const QString &subprotocol);
    void handleFrames(Client *client);
    void handleFrame(Client *client, const WsFrame &frame);
    void deliver(Client *client, quint8 opcode, const QByteArray &payload);
    void failProtocol(Client *client, int code, const QString &why);
    // Close 1009: the client's message is over the limit.
    void refuseTooLarge(Client *client);
    void sendFrame(Client *client, quint8 opcode, const QByteArray &payload);
    // One whole message in one frame, and its row.
    void sendMessage(Client *client, const Session::Outgoing &message);
    void sendAnswer(Client *client, const Answer &answer);
    void sendClose(Client *client, int code, const QString &reason);
    void endTcp(Client *client);
    // Resets the connection at once.
    void cut(Client *client);
    void record(Client *client, TapRecord::Type type, const QByteArray &bytes = {}, const QString &text = {});
    void logRow(Client *client, MessageLog::Direction direction, MessageLog::Kind kind, const QByteArray &data);
    void logEvent(Client *client, MessageLog::Kind kind, const QString &text);
    void finish(Client *client);
    Client *find(int id) const;
    Client *sendable(int id, QString *error) const;
    Session::Connection &connectionOf(Client *client);
    void updateHandshake(Client *client);
    bool originAllowed(const QByteArray &origin) const;

    Config m_config;
    QTcpServer *m_server = nullptr;
    std::vector<std::unique_ptr<Client>> m_clients;
    QList<Session::Connection> m_connections;
    MessageLog m_log;
    int m_nextId = 1;
};
