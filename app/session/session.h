#pragma once

#include "log/messagelog.h"
#include "session/connectoptions.h"
#include "session/handshakeinfo.h"
#include "wire/taplink.h"
#include "wire/wirecapture.h"

#include <QAbstractSocket>
#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QTimer>
#include <QUrl>

#include <deque>
#include <functional>
#include <memory>

class QTcpSocket;
class QWebSocket;
class QWebSocketHandshakeOptions;
class QNetworkRequest;

// One connection's life: open, send, receive, close. Everything that happens
// is written to log(); the UI reads the log in batches and listens only to
// the few connection-level signals below.
class Session : public QObject
{
    Q_OBJECT

public:
    enum class State { Closed, Connecting, Open, Closing };
    Q_ENUM(State)

    // Us: this session's close() or abort(). Peer: the server's Close frame came
    // first. Client: QWebSocket closed on its own (a protocol error by the
    // server). Unknown: a direct connection cannot tell Peer from Client.
    // Nobody: TCP ended with no Close frame.
    enum class Closer { Nobody, Us, Peer, Client, Unknown };
    Q_ENUM(Closer)

    // Tap: through the in-process wire tap, which sees every byte (default).
    // Direct: QWebSocket connects by itself; the handshake cannot be shown exactly.
    enum class Mode { Tap, Direct };
    Q_ENUM(Mode)

    struct CloseInfo
    {
        Closer closer = Closer::Nobody;
        int code = 1006;           // 1006: the connection ended with no Close frame
        QString reason;
        bool handshakeCompleted = false;   // the other side answered with its own Close
        // From the wire: the code of the other side's Close in answer (-1:
        // none seen, or not known without the tap), and whether the first
        // Close's payload was a single byte, which holds no valid code (it
        // then reads as 1005, and Qt answers 1002).
        int answerCode = -1;
        bool oneByteClose = false;
    };

    using Header = HandshakeInfo::Header;

    // A round trip: one of our pings (sent by hand or by the keep-alive) and
    // the pong that answered it, timed with a monotonic clock.
    struct RttSample
    {
        qint64 timeUsec = 0;        // when the pong arrived, microseconds since the Unix epoch, UTC
        qint64 rttUsec = 0;         // from sending the ping to receiving its pong
        qint32 pongSequence = -1;   // the pong's row: MessageLog::Entry::sequence
    };

    // One attempt to connect, kept for the whole session: what was asked for,
    // the handshake as it ended up, and how it ended. Session files and
    // exports are written from these and the log.
    struct Connection
    {
        int id = 0;                   // MessageLog::Entry::connection
        QString url;
        QStringList subprotocols;
        QList<Header> headers;        // extra request headers, as configured
        QString origin;
        Mode mode = Mode::Tap;
        bool insecure = false;
        int handshakeTimeoutMs = DefaultHandshakeTimeoutMs;
        qint64 startUsec = 0;         // microseconds since the Unix epoch, UTC
        qint64 handshakeUsec = -1;    // the upgrade succeeded or failed; -1 until then
        qint64 endUsec = -1;          // -1 while it lasts
        bool opened = false;          // the upgrade succeeded
        HandshakeInfo handshake;
        CloseInfo close;              // valid once ended
        // Pongs that answered our pings, oldest first; at most MaxRttSamples
        // (the oldest go).
        QList<RttSample> rtts;
        // A client of wsscope's server mode (InspectServer): wsscope was the
        // server. Its Received rows are what the client sent; `peer` is the
        // client's address:port and `url` what it asked for.
        bool server = false;
        QString peer;
    };

    static constexpr int DefaultHandshakeTimeoutMs = 10000;
    // QWebSocket's read buffer between frames on a direct connection; it
    // grows while a larger frame is read (see fitReadBuffer()).
    static constexpr qint64 SocketReadBufferBytes = 256 * 1024;
    // The largest message accepted unless set otherwise: far more than an
    // ordinary server sends, but a hostile one cannot make us allocate
    // without bound (Qt's own limit is 2 GiB).
    static constexpr qint64 DefaultMaxMessageBytes = 256 * 1024 * 1024;
    static constexpr int MaxRttSamples = 100000;

    explicit Session(QObject *parent = nullptr);
    ~Session() override;
    Q_DISABLE_COPY_MOVE(Session)

    MessageLog *log();
    const MessageLog *log() const;
    State state() const;
    QUrl url() const;
    HandshakeInfo handshake() const;
    CloseInfo lastClose() const;
    bool wasOpened() const;
    // Why the last attempt did not open, in a few plain words for the state
    // ("Refused by the server: 401 Unauthorized", "No server at host:port",
    // "Certificate not trusted", "The server speaks ws://, not wss://"), or
    // empty when it opened, is still going, or the reason has no short form.
    QString failureSummary() const;
    // The last attempt did not open because the server answered it with an
    // HTTP status other than 101 (its status line is in handshake()).
    bool refusedByServer() const;

    void setHandshakeTimeout(int msec);
    int handshakeTimeout() const;

    // Messages sent each time a connection opens, before anyone is told it
    // is open (so ahead of a script's own): the subscriptions a server wants
    // again after every reconnect. The source makes them anew for each
    // connection; when it fails, its reason is logged as an error and none
    // of them is sent. An empty source sends nothing.
    struct Outgoing
    {
        bool binary = false;
        QByteArray data;
    };
    using OpenMessages = std::function<bool(QList<Outgoing> *messages, QString *error)>;
    void setOpenMessages(const OpenMessages &source);
    // Both take effect with the next open().
    void setMode(Mode mode);
    Mode mode() const;
    // Connect even when the server's certificate does not verify.
    void setIgnoreTlsErrors(bool ignore);
    bool ignoreTlsErrors() const;
    // Extra CAs and a client certificate for mutual TLS. Read by each open(),
    // which fails with the reason when a file cannot be used.
    void setTlsFiles(const TlsFiles &files);
    TlsFiles tlsFiles() const;
    // The proxy the connection goes through (none by default), through the tap and directly.
    void setProxy(const ProxySetting &proxy);
    ProxySetting proxy() const;
    const WireCapture *capture() const;
    // Counts up with every open(); log entries carry it (MessageLog::Entry::connection).
    int connectionId() const;
    // Offered in Sec-WebSocket-Protocol, in this order.
    void setSubprotocols(const QStringList &protocols);
    QStringList subprotocols() const;
    // Sent with the upgrade request, in this order. checkHeaders() says what is wrong.
    void setRequestHeaders(const QList<Header> &headers);
    QList<Header> requestHeaders() const;
    // The Origin header; none when empty.
    void setOrigin(const QString &origin);
    QString origin() const;
    // Why a header cannot be sent (a CR or LF, a name that is not an HTTP
    // token, a header the handshake itself sets), or an empty string.
    static QString checkHeader(const QByteArray &name, const QByteArray &value);
    // checkHeader() for each, and a name given twice (any case): Qt 6.4's
    // QNetworkRequest keeps one raw header per name, so QWebSocket would send
    // only the last. What open() refuses, or an empty string.
    static QString checkHeaders(const QList<Header> &headers);
    // The same name given twice, as Qt sees names: why it is refused.
    static QString duplicateHeaderProblem(const QByteArray &first, const QByteArray &second);
    // Whether `text` is an HTTP token (RFC 9110 5.6.2): what header names and
    // subprotocols (RFC 6455 4.1) are made of. Empty text is not a token.
    static bool isToken(QStringView text);

    // Keep-alive: a ping every `msec` while Open (0: none, the default).
    // Takes effect at once.
    void setPingInterval(int msec);
    int pingInterval() const;
    // A ping of ours (keep-alive or by hand) with no pong within `msec`
    // (0: no limit, the default) means the connection is dead: an Error row
    // says so and the connection is aborted (1006, closed by us). A pong
    // answers its ping and every earlier one still waiting.
    void setPongTimeout(int msec);
    int pongTimeout() const;
    // The largest message (and frame) accepted from the server, in bytes;
    // a larger one is refused with a Close of 1009 (Message too big) and an
    // Error row that says why. DefaultMaxMessageBytes unless set; 0: Qt's
    // own limit (2 GiB). Takes effect with the next open().
    void setMaxMessageSize(qint64 bytes);
    qint64 maxMessageSize() const;
    // The limit in force: maxMessageSize(), or Qt's own for 0.
    qint64 acceptedMessageSize() const;
    // Lets the read buffer of the socket `webSocket` has opened grow while a
    // frame larger than the buffer is read, and shrink back after it: Qt 6.4
    // waits for a whole frame payload to be buffered, so a fixed buffer
    // smaller than a frame stalls the connection for good. Call right after
    // webSocket->open(); `largestFrame` bounds the growth.
    static void fitReadBuffer(QWebSocket *webSocket, qint64 largestFrame);
    // Round trips measured on connection `id` (0: the current one), oldest first.
    QList<RttSample> rtts(int id = 0) const;
    // The round trip that the pong with this row sequence of connection `id`
    // answered, in microseconds, or -1 when it answered none of our pings.
    qint64 rttOfPong(int id, int sequence) const;
    // Whether the last attempt was ended by close() or abort() (not by a
    // failure, the server, a drop or the pong timeout).
    bool endedByUser() const;
    // Whether the last attempt was aborted because a pong did not come.
    bool pongTimedOut() const;

    // Every connection of this session, oldest first.
    const QList<Connection> &connections() const;
    // Shows a saved session: its connections and log replace this one's, and
    // nothing can be opened or sent any more. Only while closed.
    // `wire` is the last connection's byte stream, for the Wire tab; when
    // `exactWire` it is the bytes as they were captured (a snapshot of a live
    // session), not a rebuild.
    void loadSaved(const QList<Connection> &connections, const QList<TapRecord> &wire = {}, bool exactWire = false);
    bool isReadOnly() const;
    // A read-only session that follows a connection held elsewhere (a client
    // of the server mode) as it goes on: more of its records, and its facts
    // (handshake, close) as they are now. Rows go to log() with restore().
    void appendSavedRecords(const QList<TapRecord> &records);
    void updateSavedConnection(const Connection &connection);
    // A saved session's captured records of its other connections (a journal
    // keeps every connection's), by connection id; empty for a live session.
    void setSavedWire(const QHash<int, QList<TapRecord>> &wire);
    const QHash<int, QList<TapRecord>> &savedWire() const;
    // Whether capture() holds every byte of connection `id` as it crossed the wire.
    bool captureHolds(int id) const;

    // Each returns false with a message in *error when the call cannot be
    // carried out; nothing is sent or opened then.
    bool open(const QUrl &url, QString *error = nullptr);
    bool sendText(const QString &text, QString *error = nullptr);
    bool sendBinary(const QByteArray &data, QString *error = nullptr);
    bool ping(const QByteArray &payload = {}, QString *error = nullptr);
    bool close(int code = 1000, const QString &reason = {}, QString *error = nullptr);
    void abort();
    // Forgets the log and the wire capture, and gives their memory back.
    void clear();

    static QString stateName(State state);

    // What the wire adds to a close's code: a one-byte Close, and the code
    // the other side answered with when it differs. Empty when nothing.
    static QString closeAnswerText(const CloseInfo &close);

Q_SIGNALS:
    void stateChanged(Session::State state);
    void handshakeChanged();
    // Emitted once per attempt that ends: after a close, a drop or a failed open.
    void finished();
    // A new entry at the end of connections().
    void connectionStarted(int id);
    // A pong answered one of our pings (rare: once per pong).
    void rttMeasured(qint64 rttUsec);
    // No pong came within the pong timeout; the connection is being aborted.
    void connectionDead();

private:
    void onSocketStateChanged(QAbstractSocket::SocketState socketState);
    void onSocketError(QAbstractSocket::SocketError socketError);
    void onHandshakeTimeout();
    void onCaptureChanged();
    void received(MessageLog::Kind kind, const QByteArray &payload);
    void shareReceivedPayloads();
    void logCapturedControlFrames();
    enum class WireRow { None, DataMessage, Pong };
    qint64 scanWire(WireRow target, qint32 sequence);
    QString connectFailure() const;
    QString stalledStep() const;
    HandshakeInfo reconstructedHandshake(const QUrl &url) const;
    QWebSocketHandshakeOptions handshakeOptions() const;
    QNetworkRequest request(const QUrl &url) const;
    void onDisconnected();
    void finishClose();
    CloseInfo closeFromWire() const;
    CloseInfo closeFromQt() const;
    QString closeDescription(const CloseInfo &close) const;
    void setState(State state);
    void fail(const QString &message);
    void endAttempt();
    bool checkOpen(QString *error) const;
    void sendPing(const QByteArray &payload);
    void onPong(const QByteArray &payload);
    void armPongTimer();
    void onPongTimeout();
    void onKeepAlive();

    MessageLog m_log;
    WireCapture m_capture;
    // Declared after the capture so that it is destroyed first.
    std::unique_ptr<TapLink> m_tap;
    // A new QWebSocket per attempt: in Qt 6.4 errorString() keeps the first
    // handshake error forever and closeCode() keeps the last connection's code,
    // so a reused socket would report stale facts about a new connection.
    std::unique_ptr<QWebSocket> m_socket;
    QTimer m_handshakeTimer;
    QUrl m_url;
    HandshakeInfo m_handshake;
    CloseInfo m_close;
    State m_state = State::Closed;
    Mode m_mode = Mode::Tap;
    Mode m_activeMode = Mode::Tap;   // the mode of the connection in progress
    bool m_ignoreTlsErrors = false;
    OpenMessages m_openMessages;
    void sendOpenMessages();
    TlsFiles m_tlsFiles;
    ProxySetting m_proxy;
    QString m_activeProxy;   // Tap::proxyName() of the connection in progress; empty: none
    QStringList m_subprotocols;
    QList<Header> m_requestHeaders;
    QString m_origin;
    QList<Connection> m_connections;
    bool m_readOnly = false;
    QHash<int, QList<TapRecord>> m_savedWire;
    bool m_exactWire = false;   // read-only: capture() holds the last connection as captured
    int m_connectionId = 0;
    // What one attempt has been through; open() starts each with a fresh one.
    struct Attempt
    {
        qint32 sentData = 0;         // counts that number the log's rows
        qint32 receivedData = 0;
        qint32 sentPings = 0;
        qint32 receivedPongs = 0;
        qint32 receivedPings = 0;    // seen only by the tap: QWebSocket answers them by itself
        qint32 sentPongs = 0;        // those answers
        // How far scanWire() has read the capture: the connection's frame
        // number, and the received messages and pongs it has passed.
        int wireFrame = 0;
        qint32 wireMessages = 0;
        qint32 wirePongs = 0;
        bool wireInMessage = false;   // the scan is between a message's fragments
        bool opened = false;
        bool failed = false;
        bool closingByUs = false;
        bool closeFrameSeen = false;
        bool cancelling = false;
        bool socketOpened = false;   // QWebSocket::open() has been called
        bool abortedByUs = false;
        bool tapFinished = false;
        bool waitingForTap = false;
        bool refused = false;        // QWebSocket gave up on the server's answer
        bool endedByUser = false;    // close() or abort() was called
        bool pongTimedOut = false;
        struct Ping
        {
            QByteArray payload;
            qint64 sentNsec = 0;     // m_clock
            qint64 sentUsec = 0;     // since the Unix epoch
        };
        QList<Ping> pendingPings;    // our pings with no pong yet, oldest first
    } m_attempt;
    QElapsedTimer m_clock;           // monotonic, for round trips
    // Large received messages of this connection whose rows still hold
    // QWebSocket's copy of the payload: their sequence and their row counted
    // from the log's start (dropped rows included). See shareReceivedPayloads().
    struct Unshared
    {
        qint32 sequence;
        qint64 row;
    };
    std::deque<Unshared> m_unshared;
    bool m_scanningWire = false;
    QTimer m_keepAliveTimer;
    QTimer m_pongTimer;
    int m_pongTimeoutMs = 0;
    qint64 m_maxMessageSize = DefaultMaxMessageBytes;
    QTimer m_tapWaitTimer;
};
