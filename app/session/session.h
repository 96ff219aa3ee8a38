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

private:
    void onSocketStateChanged(QAbstractSocket::SocketState socketState);
    void onSocketError(QAbstractSocket::SocketError socketError);
    void onHandshakeTimeout();
    void onCaptureChanged();
    QString connectFailure() const;
    QString stalledStep() const;
    HandshakeInfo reconstructedHandshake(const QUrl &url) const;
    QWebSocketHandshakeOptions handshakeOptions() const;
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
