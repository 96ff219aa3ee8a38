#include "session.h"

#include "session/closecodes.h"
#include "session/urlcheck.h"

#include <QNetworkProxy>
#include <QNetworkRequest>
#include <QWebSocket>

namespace {

constexpr int MaxControlPayload = 125;

QString hostAndPort(const QUrl &url)
{
    const int defaultPort = url.scheme() == u"wss" ? 443 : 80;
    const QString host = url.host().contains(u':') ? u'[' + url.host() + u']' : url.host();
    return host + u':' + QString::number(url.port(defaultPort));
}

// QWebSocket prefixes some messages with the name of its private function.
QString cleanedError(const QString &message)
{
    if (!message.startsWith(QStringLiteral("QWebSocketPrivate::")))
        return message;
    const int prefixEnd = message.indexOf(QStringLiteral(": "));
    return prefixEnd < 0 ? message : message.mid(prefixEnd + 2);
}

} // namespace

Session::Session(QObject *parent)
    : QObject(parent)
{
    m_handshakeTimer.setSingleShot(true);
    m_handshakeTimer.setInterval(DefaultHandshakeTimeoutMs);
    connect(&m_handshakeTimer, &QTimer::timeout, this, &Session::onHandshakeTimeout);
}

Session::~Session()
{
    // The socket says goodbye (1001) as it is destroyed; nothing of that may
    // reach this half-destroyed object.
    if (m_socket)
        m_socket->disconnect(this);
}

MessageLog *Session::log()
{
    return &m_log;
}

Session::State Session::state() const
{
    return m_state;
}

QUrl Session::url() const
{
    return m_url;
}

HandshakeInfo Session::handshake() const
{
    return m_handshake;
}

Session::CloseInfo Session::lastClose() const
{
    return m_close;
}

bool Session::wasOpened() const
{
    return m_opened;
}

void Session::setHandshakeTimeout(int msec)
{
    m_handshakeTimer.setInterval(qMax(1, msec));
}

int Session::handshakeTimeout() const
{
    return m_handshakeTimer.interval();
}

QString Session::stateName(State state)
{
    switch (state) {
    case State::Closed: return tr("Closed");
    case State::Connecting: return tr("Connecting");
    case State::Open: return tr("Open");
    case State::Closing: return tr("Closing");
    }
    return {};
}

bool Session::open(const QUrl &url, QString *error)
{
    if (m_state != State::Closed) {
        if (error)
            *error = tr("The connection is %1: close it before opening another.").arg(stateName(m_state).toLower());
        return false;
    }
    const UrlCheck::Result checked = UrlCheck::parse(url.toString());
    if (!checked.ok()) {
        if (error)
            *error = checked.error;
        return false;
    }

    if (m_socket) {
        // open() may be called from a slot of the old socket's signal.
        m_socket->disconnect(this);
        m_socket.release()->deleteLater();
    }
    m_url = checked.url;
    m_close = {};
    m_opened = false;
    m_failed = false;
    m_closingByUs = false;
    m_closeFrameSeen = false;
    m_cancelling = false;

    m_socket = std::make_unique<QWebSocket>();
    // Direct mode: the OS resolver, no proxy from the environment.
    m_socket->setProxy(QNetworkProxy::NoProxy);
    QWebSocket *socket = m_socket.get();
    connect(socket, &QWebSocket::stateChanged, this, &Session::onSocketStateChanged);
    connect(socket, QOverload<QAbstractSocket::SocketError>::of(&QWebSocket::error),
            this, &Session::onSocketError);
    connect(socket, &QWebSocket::disconnected, this, &Session::onDisconnected);
    connect(socket, &QWebSocket::aboutToClose, this, [this] { m_closeFrameSeen = true; });
    connect(socket, &QWebSocket::textMessageReceived, this, [this](const QString &text) {
        m_log.append(MessageLog::Direction::Received, MessageLog::Kind::Text, text.toUtf8());
    });
    connect(socket, &QWebSocket::binaryMessageReceived, this, [this](const QByteArray &data) {
        m_log.append(MessageLog::Direction::Received, MessageLog::Kind::Binary, data);
    });
    connect(socket, &QWebSocket::pong, this, [this](quint64, const QByteArray &payload) {
        m_log.append(MessageLog::Direction::Received, MessageLog::Kind::Pong, payload);
    });

    const QString resource = m_url.path(QUrl::FullyEncoded)
        + (m_url.hasQuery() ? u'?' + m_url.query(QUrl::FullyEncoded) : QString());
    m_handshake = {};
    m_handshake.url = m_url.toString();
    m_handshake.requestLine = "GET " + resource.toLatin1() + " HTTP/1.1";
    const QString host = m_url.toString(QUrl::RemoveScheme | QUrl::RemoveUserInfo | QUrl::RemovePath
                                        | QUrl::RemoveQuery | QUrl::RemoveFragment | QUrl::FullyEncoded)
                             .mid(2);
    m_handshake.requestHeaders = {
        {"Host", host.toLatin1()},
        {"Upgrade", "websocket"},
        {"Connection", "Upgrade"},
        {"Sec-WebSocket-Version", "13"},
    };
    m_handshake.unknown = {
        tr("The Sec-WebSocket-Key is chosen by Qt and not reported on a direct connection."),
        tr("The server's response headers are not reported by Qt on a direct connection."),
    };
    Q_EMIT handshakeChanged();

    setState(State::Connecting);
    m_handshakeTimer.start();
    socket->open(QNetworkRequest(m_url));
    return true;
}

bool Session::checkOpen(QString *error) const
{
    if (m_state == State::Open)
        return true;
    if (error)
        *error = tr("Cannot send: the connection is %1.").arg(stateName(m_state).toLower());
    return false;
}

bool Session::sendText(const QString &text, QString *error)
{
    if (!checkOpen(error))
        return false;
    m_socket->sendTextMessage(text);
    m_log.append(MessageLog::Direction::Sent, MessageLog::Kind::Text, text.toUtf8());
    return true;
}

bool Session::sendBinary(const QByteArray &data, QString *error)
{
    if (!checkOpen(error))
        return false;
    m_socket->sendBinaryMessage(data);
    m_log.append(MessageLog::Direction::Sent, MessageLog::Kind::Binary, data);
    return true;
}

bool Session::ping(const QByteArray &payload, QString *error)
{
    if (!checkOpen(error))
        return false;
    if (payload.size() > MaxControlPayload) {
        if (error)
            *error = tr("A ping payload holds at most %1 bytes; this one has %2.")
                         .arg(MaxControlPayload).arg(payload.size());
        return false;
    }
    m_socket->ping(payload);
    m_log.append(MessageLog::Direction::Sent, MessageLog::Kind::Ping, payload);
    return true;
}

bool Session::close(int code, const QString &reason, QString *error)
{
    const auto refuse = [error](const QString &message) {
        if (error)
            *error = message;
        return false;
    };
    switch (m_state) {
    case State::Closed:
        return refuse(tr("There is no connection to close."));
    case State::Closing:
        return true;
    case State::Connecting:
        // A Close frame now would be written over plain HTTP: just cancel.
        abort();
        return true;
    case State::Open:
        break;
    }
    if (!CloseCodes::isSendable(code))
        return refuse(tr("%1 cannot be sent as a close code: use 1000-1003, 1007-1014 or 3000-4999.").arg(code));
    const int reasonBytes = int(reason.toUtf8().size());
    if (reasonBytes > CloseCodes::MaxReasonBytes)
        return refuse(tr("The close reason is %1 bytes of UTF-8; at most %2 fit in a Close frame.")
                          .arg(reasonBytes).arg(CloseCodes::MaxReasonBytes));

    m_closingByUs = true;
    m_close = {Closer::Us, code, reason};
    setState(State::Closing);
    m_socket->close(QWebSocketProtocol::CloseCode(code), reason);
    return true;
}

void Session::abort()
{
    if (!m_socket || m_state == State::Closed)
        return;
    if (!m_opened)
        m_cancelling = true;
    m_socket->abort();
}

void Session::onSocketStateChanged(QAbstractSocket::SocketState socketState)
{
    switch (socketState) {
    case QAbstractSocket::ConnectedState: {
        m_handshakeTimer.stop();
        m_opened = true;
        m_handshake.statusLine = "HTTP/1.1 101 Switching Protocols";
        m_handshake.subprotocol = m_socket->subprotocol();
        Q_EMIT handshakeChanged();
        const QString opened = m_handshake.subprotocol.isEmpty()
            ? tr("Connected to %1").arg(m_url.toString())
            : tr("Connected to %1 with subprotocol %2").arg(m_url.toString(), m_handshake.subprotocol);
        m_log.appendEvent(MessageLog::Kind::Open, opened);
        setState(State::Open);
        break;
    }
    case QAbstractSocket::ClosingState:
        if (m_state == State::Open)
            setState(State::Closing);
        break;
    default:
        break;
    }
}

void Session::onSocketError(QAbstractSocket::SocketError socketError)
{
    if (!m_opened) {
        if (!m_failed && !m_cancelling)
            fail(tr("Could not connect to %1: %2").arg(hostAndPort(m_url), cleanedError(m_socket->errorString())));
        // Qt 6.4.2 leaves a failed handshake in Connecting with TCP still open;
        // close() would write a Close frame over HTTP, so abort once Qt has
        // returned from the handshake code that reported the error.
        if (m_state == State::Connecting)
            QMetaObject::invokeMethod(m_socket.get(), &QWebSocket::abort, Qt::QueuedConnection);
        return;
    }
    if (socketError == QAbstractSocket::RemoteHostClosedError && (m_closeFrameSeen || m_closingByUs))
        return;   // the ordinary end of a close handshake
    if (socketError == QAbstractSocket::RemoteHostClosedError) {
        m_log.appendEvent(MessageLog::Kind::Error, tr("The server closed the TCP connection without a Close frame."));
        return;
    }
    m_log.appendEvent(MessageLog::Kind::Error, cleanedError(m_socket->errorString()));
}

void Session::onHandshakeTimeout()
{
    if (m_state != State::Connecting)
        return;
    fail(tr("No WebSocket handshake from %1 within %2 ms: the server did not answer the upgrade request.")
             .arg(hostAndPort(m_url))
             .arg(m_handshakeTimer.interval()));
    m_socket->abort();
}

void Session::fail(const QString &message)
{
    m_failed = true;
    m_handshakeTimer.stop();
    m_handshake.failure = message;
    m_log.appendEvent(MessageLog::Kind::Error, message);
    Q_EMIT handshakeChanged();
}

void Session::onDisconnected()
{
    m_handshakeTimer.stop();
    if (m_opened) {
        if (!m_closingByUs) {
            if (m_closeFrameSeen)
                m_close = {Closer::Peer, m_socket->closeCode(), m_socket->closeReason()};
            else
                m_close = {Closer::Nobody, 1006, {}};
        }
        const QString codeText = QStringLiteral("%1 (%2)").arg(m_close.code).arg(CloseCodes::name(m_close.code));
        QString text;
        switch (m_close.closer) {
        case Closer::Us:
            text = tr("Closed by you: %1").arg(codeText);
            break;
        case Closer::Peer:
            text = tr("Closed by the server: %1").arg(codeText);
            break;
        case Closer::Nobody:
            text = tr("Connection lost without a close handshake: %1").arg(codeText);
            break;
        }
        if (!m_close.reason.isEmpty())
            text += tr(", reason: %1").arg(m_close.reason);
        m_log.appendEvent(MessageLog::Kind::Close, text);
    } else if (m_cancelling) {
        m_log.appendEvent(MessageLog::Kind::Close, tr("Connection attempt to %1 cancelled").arg(hostAndPort(m_url)));
    } else if (!m_failed) {
        // Qt may report the end of a refused attempt before its error.
        fail(tr("Could not connect to %1: %2").arg(hostAndPort(m_url), cleanedError(m_socket->errorString())));
    }
    setState(State::Closed);
    Q_EMIT finished();
}

void Session::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    Q_EMIT stateChanged(state);
}
