#pragma once

#include "log/messagelog.h"
#include "session/handshakeinfo.h"

#include <QAbstractSocket>
#include <QObject>
#include <QTimer>
#include <QUrl>

#include <memory>

class QWebSocket;

// One connection's life: open, send, receive, close. Everything that happens
// is written to log(); the UI reads the log in batches and listens only to
// the few connection-level signals below.
class Session : public QObject
{
    Q_OBJECT

public:
    enum class State { Closed, Connecting, Open, Closing };
    Q_ENUM(State)

    enum class Closer { Nobody, Us, Peer };
    Q_ENUM(Closer)

    struct CloseInfo
    {
        Closer closer = Closer::Nobody;
        int code = 1006;           // 1006: the connection ended with no Close frame
        QString reason;
    };

    static constexpr int DefaultHandshakeTimeoutMs = 10000;

    explicit Session(QObject *parent = nullptr);
    ~Session() override;
    Q_DISABLE_COPY_MOVE(Session)

    MessageLog *log();
    State state() const;
    QUrl url() const;
    HandshakeInfo handshake() const;
    CloseInfo lastClose() const;
    bool wasOpened() const;

    void setHandshakeTimeout(int msec);
    int handshakeTimeout() const;

    // Each returns false with a message in *error when the call cannot be
    // carried out; nothing is sent or opened then.
    bool open(const QUrl &url, QString *error = nullptr);
    bool sendText(const QString &text, QString *error = nullptr);
    bool sendBinary(const QByteArray &data, QString *error = nullptr);
    bool ping(const QByteArray &payload = {}, QString *error = nullptr);
    bool close(int code = 1000, const QString &reason = {}, QString *error = nullptr);
    void abort();

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
    void onDisconnected();
    void setState(State state);
    void fail(const QString &message);
    bool checkOpen(QString *error) const;

    MessageLog m_log;
    // A new QWebSocket per attempt: in Qt 6.4 errorString() keeps the first
    // handshake error forever and closeCode() keeps the last connection's code,
    // so a reused socket would report stale facts about a new connection.
    std::unique_ptr<QWebSocket> m_socket;
    QTimer m_handshakeTimer;
    QUrl m_url;
    HandshakeInfo m_handshake;
    CloseInfo m_close;
    State m_state = State::Closed;
    bool m_opened = false;
    bool m_failed = false;
    bool m_closingByUs = false;
    bool m_closeFrameSeen = false;
    bool m_cancelling = false;
};
