#pragma once

#include "log/messagelog.h"
#include "session/handshakeinfo.h"
#include "wire/taplink.h"
#include "wire/wirecapture.h"

#include <QAbstractSocket>
#include <QObject>
#include <QTimer>
#include <QUrl>

#include <memory>

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
    };

    using Header = HandshakeInfo::Header;

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
    };

    static constexpr int DefaultHandshakeTimeoutMs = 10000;
    static constexpr qint64 SocketReadBufferBytes = 256 * 1024;

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

    void setHandshakeTimeout(int msec);
    int handshakeTimeout() const;
    // Both take effect with the next open().
    void setMode(Mode mode);
    Mode mode() const;
    // Connect even when the server's certificate does not verify.
    void setIgnoreTlsErrors(bool ignore);
    bool ignoreTlsErrors() const;
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

    // Every connection of this session, oldest first.
    const QList<Connection> &connections() const;
    // Shows a saved session: its connections and log replace this one's, and
    // nothing can be opened or sent any more. Only while closed.
    // `wire` is the last connection's byte stream, for the Wire tab; when
    // `exactWire` it is the bytes as they were captured (a snapshot of a live
    // session), not a rebuild.
    void loadSaved(const QList<Connection> &connections, const QList<TapRecord> &wire = {}, bool exactWire = false);
    bool isReadOnly() const;
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

Q_SIGNALS:
    void stateChanged(Session::State state);
    void handshakeChanged();
    // Emitted once per attempt that ends: after a close, a drop or a failed open.
    void finished();
    // A new entry at the end of connections().
    void connectionStarted(int id);

private:
    void onSocketStateChanged(QAbstractSocket::SocketState socketState);
    void onSocketError(QAbstractSocket::SocketError socketError);
    void onHandshakeTimeout();
    void onCaptureChanged();
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
    QStringList m_subprotocols;
    QList<Header> m_requestHeaders;
    QString m_origin;
    QList<Connection> m_connections;
    bool m_readOnly = false;
    bool m_exactWire = false;   // read-only: capture() holds the last connection as captured
    int m_connectionId = 0;
    // What one attempt has been through; open() starts each with a fresh one.
    struct Attempt
    {
        qint32 sentData = 0;         // counts that number the log's rows
        qint32 receivedData = 0;
        qint32 sentPings = 0;
        qint32 receivedPongs = 0;
        bool opened = false;
        bool failed = false;
        bool closingByUs = false;
        bool closeFrameSeen = false;
        bool cancelling = false;
        bool socketOpened = false;   // QWebSocket::open() has been called
        bool abortedByUs = false;
        bool tapFinished = false;
        bool waitingForTap = false;
    } m_attempt;
    QTimer m_tapWaitTimer;
};
