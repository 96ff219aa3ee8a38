#include "session.h"

#include "log/plaintext.h"

#include "session/closecodes.h"
#include "session/urlcheck.h"

#include <QDateTime>
#include <QNetworkProxy>
#include <QNetworkRequest>
#include <QScopedValueRollback>
#include <QSslSocket>
#include <QTcpSocket>
#include <QWebSocket>
#include <QWebSocketHandshakeOptions>

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

// Whether a close reason is the one QWebSocket gives when it refuses a
// message or a frame over the limit.
bool refusedAsTooBig(const QString &reason)
{
    return reason == QCoreApplication::translate("QWebSocketDataProcessor", "Received message is too big.")
        || reason == QCoreApplication::translate("QWebSocketFrame", "Maximum framesize exceeded.");
}

} // namespace

Session::Session(QObject *parent)
    : QObject(parent)
{
    m_handshakeTimer.setSingleShot(true);
    m_handshakeTimer.setInterval(DefaultHandshakeTimeoutMs);
    connect(&m_handshakeTimer, &QTimer::timeout, this, &Session::onHandshakeTimeout);
    connect(&m_capture, &WireCapture::handshakeChanged, this, &Session::onCaptureChanged);
    connect(&m_capture, &WireCapture::timelineAdded, this, &Session::shareReceivedPayloads);
    connect(&m_capture, &WireCapture::timelineAdded, this, &Session::logCapturedControlFrames);
    // Nothing more comes from QWebSocket: a ping that waited for it is logged now.
    connect(this, &Session::finished, this, &Session::logCapturedControlFrames);
    // Their row numbers mean nothing once either side is cleared.
    connect(&m_capture, &WireCapture::cleared, this, [this] { m_unshared.clear(); });
    connect(&m_log, &MessageLog::cleared, this, [this] { m_unshared.clear(); });
    // The connection's record follows its handshake; connected first so that
    // it is up to date for every other receiver.
    connect(this, &Session::handshakeChanged, this, [this] {
        if (!m_readOnly && !m_connections.isEmpty() && m_connections.last().id == m_connectionId)
            m_connections.last().handshake = m_handshake;
    });
    // A ring log keeps only its newest rows; the capture behind them is
    // trimmed too, in bulk, once it holds twice as many frames.
    connect(&m_log, &MessageLog::dropped, this, [this] {
        if (m_log.maxRows() > 0 && m_capture.frameCount() > 2 * qMax(m_log.maxRows(), 1000))
            m_capture.dropHistory();
    });
    m_tapWaitTimer.setSingleShot(true);
    connect(&m_tapWaitTimer, &QTimer::timeout, this, [this] {
        if (m_attempt.waitingForTap)
            finishClose();
    });
    m_clock.start();
    m_keepAliveTimer.setTimerType(Qt::PreciseTimer);
    connect(&m_keepAliveTimer, &QTimer::timeout, this, &Session::onKeepAlive);
    m_pongTimer.setSingleShot(true);
    m_pongTimer.setTimerType(Qt::PreciseTimer);
    connect(&m_pongTimer, &QTimer::timeout, this, &Session::onPongTimeout);
}

Session::~Session()
{
    // The socket says goodbye (1001) as it is destroyed; nothing of that may
    // reach this half-destroyed object.
    if (m_socket)
        m_socket->disconnect(this);
    // The tap's last records reach the capture while every member is whole,
    // and nobody outside hears of them: receivers may be half destroyed.
    QObject::disconnect(this, nullptr, nullptr, nullptr);
    m_tap.reset();
}

MessageLog *Session::log()
{
    return &m_log;
}

const MessageLog *Session::log() const
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
    return m_attempt.opened;
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
    if (m_readOnly) {
        if (error)
            *error = tr("This is a saved session: it is read-only. Open a new window to connect.");
        return false;
    }
    if (m_state != State::Closed) {
        if (error)
            *error = tr("The connection is %1: close it before opening another.").arg(stateName(m_state).toLower());
        return false;
    }
    const UrlCheck::Result checked = UrlCheck::parse(url.toString(QUrl::FullyEncoded));
    if (!checked.ok()) {
        if (error)
            *error = checked.error;
        return false;
    }
    if (const QString problem = checkHeaders(m_requestHeaders); !problem.isEmpty()) {
        if (error)
            *error = problem;
        return false;
    }
    // Certificates and keys are read now: a file that cannot be used stops
    // the attempt before anything connects.
    QSslConfiguration tlsConfiguration = QSslConfiguration::defaultConfiguration();
    if (!m_tlsFiles.isEmpty()) {
        TlsFiles::Loaded loaded;
        if (!m_tlsFiles.load(&loaded, error))
            return false;
        TlsFiles::apply(loaded, &tlsConfiguration);
    }
    const bool wss = checked.url.scheme() == u"wss";
    const QNetworkProxy proxy = m_proxy.resolve(checked.url.host(), quint16(checked.url.port(wss ? 443 : 80)), wss);
    m_activeProxy = Tap::proxyName(proxy);

    if (m_socket) {
        // open() may be called from a slot of the old socket's signal.
        m_socket->disconnect(this);
        m_socket.release()->deleteLater();
    }
    m_tap.reset();
    // A new id first: clearing the capture announces an empty handshake,
    // which must not land in the previous connection's record.
    ++m_connectionId;
    m_capture.clear();
    m_attempt = {};
    m_url = checked.url;
    m_close = {};
    m_tapWaitTimer.stop();

    m_socket = std::make_unique<QWebSocket>(m_origin);
    QWebSocket *socket = m_socket.get();
    connect(socket, &QWebSocket::stateChanged, this, &Session::onSocketStateChanged);
    connect(socket, QOverload<QAbstractSocket::SocketError>::of(&QWebSocket::error),
            this, &Session::onSocketError);
    connect(socket, &QWebSocket::disconnected, this, &Session::onDisconnected);
    connect(socket, &QWebSocket::aboutToClose, this, [this] { m_attempt.closeFrameSeen = true; });
    connect(socket, &QWebSocket::textMessageReceived, this,
            [this](const QString &text) { received(MessageLog::Kind::Text, text.toUtf8()); });
    connect(socket, &QWebSocket::binaryMessageReceived, this,
            [this](const QByteArray &data) { received(MessageLog::Kind::Binary, data); });
    connect(socket, &QWebSocket::pong, this, [this](quint64, const QByteArray &payload) { onPong(payload); });
    socket->setMaxAllowedIncomingMessageSize(quint64(acceptedMessageSize()));
    socket->setMaxAllowedIncomingFrameSize(quint64(acceptedMessageSize()));

    m_activeMode = m_mode;   // a change of mode applies to the next connection, not this one
    m_handshake = m_activeMode == Mode::Tap ? HandshakeInfo{} : reconstructedHandshake(m_url);
    m_handshake.url = m_url.toString(QUrl::FullyEncoded);
    Connection record;
    record.id = m_connectionId;
    record.url = m_handshake.url;
    record.subprotocols = m_subprotocols;
    record.headers = m_requestHeaders;
    record.origin = m_origin;
    record.mode = m_activeMode;
    record.insecure = m_ignoreTlsErrors;
    record.handshakeTimeoutMs = m_handshakeTimer.interval();
    record.startUsec = MessageLog::nowUsec();
    record.handshake = m_handshake;
    m_connections.append(record);
    Q_EMIT connectionStarted(m_connectionId);
    Q_EMIT handshakeChanged();
    setState(State::Connecting);
    m_handshakeTimer.start();

    if (m_activeMode == Mode::Direct) {
        m_attempt.socketOpened = true;
        socket->setProxy(proxy);   // NoProxy unless one is set: none from the environment
        // QWebSocket decodes everything it has buffered before it returns to
        // the event loop, and its socket reads all the kernel holds: a bounded
        // buffer keeps each turn short during a flood. (Through the tap it is
        // bounded already: Qt's proxy socket engine reads at most 64 KiB at a
        // time, and a limit of our own there can stall for good, with the
        // rest of a frame left in the engine and no notification to come; the
        // same goes for a direct connection through a proxy.)
        if (proxy.type() == QNetworkProxy::NoProxy)
            socket->setReadBufferSize(SocketReadBufferBytes);
        if (wss && !m_tlsFiles.isEmpty())
            socket->setSslConfiguration(tlsConfiguration);
        if (m_ignoreTlsErrors)
            connect(socket, &QWebSocket::sslErrors, socket, [socket] { socket->ignoreSslErrors(); });
        socket->open(request(m_url), handshakeOptions());
        fitReadBuffer(socket, acceptedMessageSize());
        return true;
    }

    // Through the tap, QWebSocket speaks plain ws:// to the same host and port
    // as typed (so its request is byte for byte what it would send for wss://)
    // and the tap does the TLS. See DESIGN.md.
    const bool tls = m_url.scheme() == u"wss";
    QUrl plain = m_url;
    plain.setScheme(QStringLiteral("ws"));
    Tap::Target target;
    target.host = m_url.host();
    target.connectPort = quint16(plain.port(80));
    target.upstreamPort = quint16(m_url.port(tls ? 443 : 80));
    target.tls = tls;
    target.ignoreTlsErrors = m_ignoreTlsErrors;
    target.tlsConfiguration = tlsConfiguration;
    target.proxy = proxy;
    m_tap = std::make_unique<TapLink>(target);
    TapLink *tap = m_tap.get();
    connect(tap, &TapLink::records, &m_capture, &WireCapture::addRecords);
    connect(tap->tap(), &Tap::finished, this, [this] {
        m_attempt.tapFinished = true;
        if (m_attempt.waitingForTap)
            finishClose();
    });
    connect(tap->tap(), &Tap::tlsEstablished, &m_capture, &WireCapture::setTls);
    connect(tap->tap(), &Tap::listenFailed, this, [this](const QString &reason) {
        fail(tr("The wire tap could not listen on 127.0.0.1: %1").arg(reason));
        endAttempt();
    });
    connect(tap->tap(), &Tap::listening, this, [this, tap, plain](quint16 port) {
        if (m_state != State::Connecting || m_tap.get() != tap || m_attempt.failed || m_attempt.cancelling)
            return;
        m_attempt.socketOpened = true;
        m_socket->setProxy(QNetworkProxy(QNetworkProxy::HttpProxy, QStringLiteral("127.0.0.1"), port,
                                         tap->user(), tap->secret()));
        m_socket->open(request(plain), handshakeOptions());
    });
    tap->start();
    return true;
}

void Session::fitReadBuffer(QWebSocket *webSocket, qint64 largestFrame)
{
    // QWebSocket makes its TCP (or TLS) socket in open(), as its own child,
    // and connects to its readyRead first: this slot runs once QWebSocket has
    // decoded all it could.
    auto *tcp = webSocket->findChild<QTcpSocket *>(QString(), Qt::FindDirectChildrenOnly);
    if (!tcp)
        return;
    const qint64 base = tcp->readBufferSize();
    if (base <= 0)
        return;   // no limit: nothing can stall
    const qint64 most = qMax(base, largestFrame);
    connect(tcp, &QIODevice::readyRead, tcp, [tcp, base, most] {
        const qint64 limit = tcp->readBufferSize();
        const qint64 buffered = tcp->bytesAvailable();
        if (buffered >= limit && limit < most) {
            // A full buffer that QWebSocket left as it was holds the start of
            // a frame larger than the buffer (it has already read the frame's
            // header, which it accepted as within the limit): make room.
            // Raising the limit turns reading back on.
            tcp->setReadBufferSize(qMin(2 * limit, most));
            // TLS may hold decrypted bytes back for the old limit with nothing
            // left on the wire to wake it: have it look again.
            if (auto *tls = qobject_cast<QSslSocket *>(tcp))
                QMetaObject::invokeMethod(tls, [tls] { tls->flush(); }, Qt::QueuedConnection);
        } else if (limit > base && buffered < base) {
            // The large frame is through: back to short turns for small ones.
            tcp->setReadBufferSize(base);
        }
    });
}

QNetworkRequest Session::request(const QUrl &url) const
{
    QNetworkRequest request(url);
    for (const Header &header : m_requestHeaders)
        request.setRawHeader(header.first, header.second);
    return request;
}

QWebSocketHandshakeOptions Session::handshakeOptions() const
{
    QWebSocketHandshakeOptions options;
    options.setSubprotocols(m_subprotocols);
    return options;
}

HandshakeInfo Session::reconstructedHandshake(const QUrl &url) const
{
    HandshakeInfo info;
    const QString resource = url.path(QUrl::FullyEncoded)
        + (url.hasQuery() ? u'?' + url.query(QUrl::FullyEncoded) : QString());
    info.requestLine = "GET " + resource.toLatin1() + " HTTP/1.1";
    const QString host = url.toString(QUrl::RemoveScheme | QUrl::RemoveUserInfo | QUrl::RemovePath
                                      | QUrl::RemoveQuery | QUrl::RemoveFragment | QUrl::FullyEncoded)
                             .mid(2);
    info.requestHeaders = {
        {"Host", host.toLatin1()},
        {"Upgrade", "websocket"},
        {"Connection", "Upgrade"},
        {"Sec-WebSocket-Version", "13"},
    };
    if (!m_origin.isEmpty())
        info.requestHeaders.insert(3, {"Origin", m_origin.toUtf8()});
    if (!m_subprotocols.isEmpty())
        info.requestHeaders.append({"Sec-WebSocket-Protocol", m_subprotocols.join(QStringLiteral(", ")).toLatin1()});
    info.requestHeaders.append(m_requestHeaders);
    info.unknown = {
        tr("Direct connection: the request above is what Qt is known to send, not a capture."),
        tr("The Sec-WebSocket-Key is chosen by Qt and not reported on a direct connection."),
        tr("The server's response headers, timings and TLS details are not reported by Qt on a direct connection."),
        tr("Pings from the server and the pongs Qt answers them with are not reported by Qt on a direct "
           "connection: they are not in the log."),
    };
    return info;
}

void Session::received(MessageLog::Kind kind, const QByteArray &payload)
{
    const qint32 sequence = m_attempt.receivedData++;
    const qint64 wireUsec = m_activeMode == Mode::Tap ? scanWire(WireRow::DataMessage, sequence) : 0;
    m_log.append(MessageLog::Direction::Received, kind, payload, m_connectionId, sequence, wireUsec);
    if (m_activeMode == Mode::Tap && payload.size() > MessageLog::SharedAbove) {
        m_unshared.push_back({sequence, m_log.droppedRows() + m_log.count() - 1});
        shareReceivedPayloads();
    }
    logCapturedControlFrames();
}

// Through the tap, rows follow the wire. A received message's row takes the
// time the tap read the last byte of its last frame (QWebSocket hands it over
// later), and the rows only the tap knows of (a server's ping, the pong
// QWebSocket 6.4 answers it with by itself and tells nobody about) are
// logged where their frames came, between the messages around them. The
// capture is always ahead of QWebSocket: the tap records bytes before it
// relays them, and TapLink::drain() hands them over first. A direct
// connection has no tap: its rows take the time QWebSocket delivers, and its
// server pings cannot be known.
qint64 Session::scanWire(WireRow target, qint32 sequence)
{
    if (m_readOnly || m_activeMode != Mode::Tap || m_scanningWire)
        return 0;
    // Draining feeds the capture, whose signal calls here again: that call
    // must not take the frame this one is looking for.
    const QScopedValueRollback<bool> scanning(m_scanningWire, true);
    if (m_tap)
        m_tap->drain();
    // QWebSocket may still deliver messages and pongs until the attempt ends
    // (frames that came with the 101 reach the capture before QWebSocket has
    // even read the 101).
    const bool waitForSocket = m_state != State::Closed;
    int index = m_attempt.wireFrame - m_capture.droppedFrames();
    if (index < 0) {
        // The capture gave those frames back (a ring log, Clear): the rows
        // only it knew of are lost, and the count goes on from the first
        // frame it still holds; a message whose start went with them is not
        // one of those still to come.
        using Counted = WireCapture::Counted;
        index = 0;
        m_attempt.receivedPings = qMax(m_attempt.receivedPings, m_capture.droppedCount(false, Counted::Ping));
        m_attempt.sentPongs = qMax(m_attempt.sentPongs, m_capture.droppedCount(true, Counted::Pong));
        m_attempt.wireMessages = qMax(m_attempt.wireMessages, m_capture.droppedCount(false, Counted::DataMessage));
        m_attempt.wirePongs = qMax(m_attempt.wirePongs, m_capture.droppedCount(false, Counted::Pong));
        m_attempt.wireInMessage = false;
    }
    qint64 found = 0;
    for (; index < m_capture.frameCount() && found == 0; ++index) {
        const quint8 head = m_capture.frameHead(index);
        const int opcode = head & 0x0F;
        const bool fin = head & 0x80;
        if (m_capture.frameFromClient(index)) {
            if (opcode == 0xA) {
                const WsFrame frame = m_capture.frame(index).frame;
                m_log.append(MessageLog::Direction::Sent, MessageLog::Kind::Pong, frame.payload, m_connectionId,
                             m_attempt.sentPongs++, frame.timeUsec);
            }
            continue;
        }
        if (opcode == 0x0 && fin && !m_attempt.wireInMessage)
            continue;   // the end of a message whose start was given back
        if ((opcode <= 0x2 && fin) || opcode == 0xA) {
            // The end of a data message, or a pong: QWebSocket's to deliver.
            const bool message = opcode != 0xA;
            qint32 &seen = message ? m_attempt.wireMessages : m_attempt.wirePongs;
            const qint32 delivered = message ? m_attempt.receivedData : m_attempt.receivedPongs;
            if (seen >= delivered && waitForSocket)
                break;   // not yet: the rows after it wait for it
            if (target == (message ? WireRow::DataMessage : WireRow::Pong) && seen == sequence)
                found = m_capture.frameTime(index);
            ++seen;
            if (message)
                m_attempt.wireInMessage = false;
        } else if (opcode == 0x1 || opcode == 0x2) {
            m_attempt.wireInMessage = true;   // the first fragment of a message
        } else if (opcode == 0x9) {
            const WsFrame frame = m_capture.frame(index).frame;
            m_log.append(MessageLog::Direction::Received, MessageLog::Kind::Ping, frame.payload, m_connectionId,
                         m_attempt.receivedPings++, frame.timeUsec);
        }
    }
    m_attempt.wireFrame = m_capture.droppedFrames() + index;
    return found;
}

void Session::logCapturedControlFrames()
{
    scanWire(WireRow::None, -1);
}

// A large received message would be kept twice: as QWebSocket handed it over
// and in the chunk of wire bytes the capture keeps. Once the capture has
// decoded the message's frame, the row reads its payload from that chunk and
// QWebSocket's copy goes back to the allocator, so a flood of large messages
// costs its size once. The capture may be behind the socket (the tap sends
// its records in batches) or ahead of it; whichever comes second does this.
void Session::shareReceivedPayloads()
{
    while (!m_unshared.empty()) {
        const Unshared next = m_unshared.front();
        const qint64 row = next.row - m_log.droppedRows();
        QByteArray chunk;
        qsizetype offset = 0;
        if (row >= 0) {
            const WireCapture::Payload found = m_capture.messagePayload(false, next.sequence, &chunk, &offset);
            if (found == WireCapture::Payload::Later)
                return;
            if (found == WireCapture::Payload::Found)
                m_log.sharePayload(int(row), chunk, offset);
        }
        m_unshared.pop_front();
    }
}

void Session::onCaptureChanged()
{
    if (m_readOnly)
        return;   // a saved handshake is kept as it was saved
    // Keep what only the session knows; take the rest from the wire.
    const QString url = m_handshake.url;
    const QString failure = m_handshake.failure;
    m_handshake = m_capture.handshake();
    m_handshake.url = url;
    if (!failure.isEmpty())
        m_handshake.failure = failure;
    Q_EMIT handshakeChanged();
    // A refused attempt ends as soon as the server's whole answer is in,
    // even when the server keeps the connection open. Not from inside the
    // capture's signal: its other receivers see this batch first.
    if (m_attempt.waitingForTap && !m_attempt.opened && m_capture.responseComplete()) {
        const int id = m_connectionId;
        QMetaObject::invokeMethod(this, [this, id] {
            if (m_connectionId == id && m_attempt.waitingForTap)
                finishClose();
        }, Qt::QueuedConnection);
    }
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
    m_log.append(MessageLog::Direction::Sent, MessageLog::Kind::Text, text.toUtf8(), m_connectionId, m_attempt.sentData++);
    return true;
}

bool Session::sendBinary(const QByteArray &data, QString *error)
{
    if (!checkOpen(error))
        return false;
    m_socket->sendBinaryMessage(data);
    m_log.append(MessageLog::Direction::Sent, MessageLog::Kind::Binary, data, m_connectionId, m_attempt.sentData++);
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
    sendPing(payload);
    return true;
}

void Session::sendPing(const QByteArray &payload)
{
    m_attempt.pendingPings.append({payload, m_clock.nsecsElapsed(), MessageLog::nowUsec()});
    m_socket->ping(payload);
    m_log.append(MessageLog::Direction::Sent, MessageLog::Kind::Ping, payload, m_connectionId, m_attempt.sentPings++);
    if (!m_pongTimer.isActive())
        armPongTimer();
}

void Session::onKeepAlive()
{
    if (m_state != State::Open)
        return;
    // A payload of its own, so that its pong is told apart from the others'.
    sendPing("keep-alive " + QByteArray::number(m_attempt.sentPings));
}

void Session::onPong(const QByteArray &payload)
{
    const qint64 arrivedNsec = m_clock.nsecsElapsed();
    const qint32 sequence = m_attempt.receivedPongs++;
    const qint64 wireUsec = scanWire(WireRow::Pong, sequence);
    m_log.append(MessageLog::Direction::Received, MessageLog::Kind::Pong, payload, m_connectionId, sequence, wireUsec);
    logCapturedControlFrames();
    // A pong answers the oldest waiting ping with its payload; a peer may
    // answer only the latest of several pings, so earlier ones count as
    // answered too. A pong that matches none (unsolicited) answers nothing.
    qsizetype answered = -1;
    for (qsizetype i = 0; i < m_attempt.pendingPings.size(); ++i) {
        if (m_attempt.pendingPings.at(i).payload == payload) {
            answered = i;
            break;
        }
    }
    if (answered < 0)
        return;
    // Through the tap, the round trip is the wire's: from the tap's write of
    // the ping to its read of the pong. Directly, what QWebSocket saw.
    qint64 rttUsec = (arrivedNsec - m_attempt.pendingPings.at(answered).sentNsec) / 1000;
    if (wireUsec > 0) {
        const qint32 ping = m_attempt.sentPings - qint32(m_attempt.pendingPings.size()) + qint32(answered);
        const int frame = m_capture.nthFrame(true, WireCapture::Counted::Ping, ping);
        if (frame >= 0)
            rttUsec = wireUsec - m_capture.frameTime(frame);
    }
    m_attempt.pendingPings.remove(0, answered + 1);
    armPongTimer();
    if (!m_connections.isEmpty() && m_connections.last().id == m_connectionId) {
        QList<RttSample> &samples = m_connections.last().rtts;
        if (samples.size() >= MaxRttSamples)
            samples.remove(0, MaxRttSamples / 10);   // in bulk, not one by one
        samples.append({wireUsec > 0 ? wireUsec : MessageLog::nowUsec(), rttUsec, sequence});
    }
    Q_EMIT rttMeasured(rttUsec);
}

void Session::armPongTimer()
{
    m_pongTimer.stop();
    if (m_pongTimeoutMs <= 0 || m_attempt.pendingPings.isEmpty() || m_state != State::Open)
        return;
    const qint64 dueNsec = m_attempt.pendingPings.first().sentNsec + qint64(m_pongTimeoutMs) * 1000000;
    const qint64 leftNsec = dueNsec - m_clock.nsecsElapsed();
    // Rounded up: the timer must not fire before the timeout has passed.
    m_pongTimer.start(int(qMax<qint64>(0, (leftNsec + 999999) / 1000000)));
}

void Session::onPongTimeout()
{
    if (m_state != State::Open || m_attempt.pendingPings.isEmpty() || m_pongTimeoutMs <= 0)
        return;
    const Attempt::Ping &oldest = m_attempt.pendingPings.first();
    if (m_clock.nsecsElapsed() - oldest.sentNsec < qint64(m_pongTimeoutMs) * 1000000) {
        armPongTimer();
        return;
    }
    const QString sentAt = QDateTime::fromMSecsSinceEpoch(oldest.sentUsec / 1000).toString(QStringLiteral("HH:mm:ss.zzz"));
    m_log.appendEvent(MessageLog::Kind::Error, tr("No pong within %1 s of the ping sent at %2: the connection is dead")
                                                   .arg(QString::number(m_pongTimeoutMs / 1000.0), sentAt));
    m_attempt.pongTimedOut = true;
    m_attempt.abortedByUs = true;
    Q_EMIT connectionDead();
    if (m_state == State::Open)
        endAttempt();
}

void Session::setPingInterval(int msec)
{
    m_keepAliveTimer.setInterval(qMax(0, msec));
    if (msec > 0 && m_state == State::Open)
        m_keepAliveTimer.start();
    else if (msec <= 0)
        m_keepAliveTimer.stop();
}

int Session::pingInterval() const
{
    return m_keepAliveTimer.interval();
}

void Session::setPongTimeout(int msec)
{
    m_pongTimeoutMs = qMax(0, msec);
    armPongTimer();
}

int Session::pongTimeout() const
{
    return m_pongTimeoutMs;
}

void Session::setMaxMessageSize(qint64 bytes)
{
    m_maxMessageSize = qMax<qint64>(0, bytes);
}

qint64 Session::maxMessageSize() const
{
    return m_maxMessageSize;
}

qint64 Session::acceptedMessageSize() const
{
    return m_maxMessageSize > 0 ? m_maxMessageSize : qint64(QWebSocket::maxIncomingMessageSize());
}

QList<Session::RttSample> Session::rtts(int id) const
{
    if (id == 0)
        id = m_connectionId;
    for (const Connection &connection : m_connections) {
        if (connection.id == id)
            return connection.rtts;
    }
    return {};
}

qint64 Session::rttOfPong(int id, int sequence) const
{
    for (auto connection = m_connections.crbegin(); connection != m_connections.crend(); ++connection) {
        if (connection->id != id)
            continue;
        const QList<RttSample> &samples = connection->rtts;
        const auto found = std::lower_bound(samples.cbegin(), samples.cend(), sequence,
                                            [](const RttSample &sample, int s) { return sample.pongSequence < s; });
        return found != samples.cend() && found->pongSequence == sequence ? found->rttUsec : -1;
    }
    return -1;
}

bool Session::endedByUser() const
{
    return m_attempt.endedByUser;
}

bool Session::pongTimedOut() const
{
    return m_attempt.pongTimedOut;
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

    m_attempt.closingByUs = true;
    m_attempt.endedByUser = true;
    m_close = {Closer::Us, code, reason, false};
    setState(State::Closing);
    m_socket->close(QWebSocketProtocol::CloseCode(code), reason);
    return true;
}

void Session::abort()
{
    if (!m_socket || m_state == State::Closed)
        return;
    m_attempt.endedByUser = true;
    if (m_attempt.waitingForTap && !m_attempt.opened) {
        // QWebSocket has ended already; only the rest of the answer was awaited.
        finishClose();
        return;
    }
    if (!m_attempt.opened)
        m_attempt.cancelling = true;
    else
        m_attempt.abortedByUs = true;
    endAttempt();
}

void Session::endAttempt()
{
    if (m_attempt.socketOpened) {
        m_socket->abort();   // QWebSocket reports the end: onDisconnected()
        return;
    }
    // The tap was not listening yet: QWebSocket has nothing to abort and
    // would never report an end, so end the attempt here.
    m_tap.reset();
    finishClose();
}

void Session::onSocketStateChanged(QAbstractSocket::SocketState socketState)
{
    switch (socketState) {
    case QAbstractSocket::ConnectedState: {
        m_handshakeTimer.stop();
        m_attempt.opened = true;
        if (m_activeMode == Mode::Direct)
            m_handshake.statusLine = "HTTP/1.1 101 Switching Protocols";
        m_handshake.subprotocol = m_socket->subprotocol();
        Q_EMIT handshakeChanged();
        const QString opened = m_handshake.subprotocol.isEmpty()
            ? tr("Connected to %1").arg(m_url.toString(QUrl::FullyEncoded))
            : tr("Connected to %1 with subprotocol %2").arg(m_url.toString(QUrl::FullyEncoded), m_handshake.subprotocol);
        m_log.appendEvent(MessageLog::Kind::Open, opened);
        if (!m_connections.isEmpty() && m_connections.last().id == m_connectionId) {
            m_connections.last().opened = true;
            m_connections.last().handshakeUsec = MessageLog::nowUsec();
        }
        setState(State::Open);
        if (m_keepAliveTimer.interval() > 0)
            m_keepAliveTimer.start();
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
    if (m_tap)
        m_tap->drain();   // the answer the error is about
    if (!m_attempt.opened) {
        if (!m_attempt.failed && !m_attempt.cancelling) {
            m_attempt.refused = true;
            fail(connectFailure());
        }
        // Qt 6.4.2 leaves a failed handshake in Connecting with TCP still open;
        // close() would write a Close frame over HTTP, so abort once Qt has
        // returned from the handshake code that reported the error.
        if (m_state == State::Connecting)
            QMetaObject::invokeMethod(m_socket.get(), &QWebSocket::abort, Qt::QueuedConnection);
        return;
    }
    if (socketError == QAbstractSocket::RemoteHostClosedError && (m_attempt.closeFrameSeen || m_attempt.closingByUs))
        return;   // the ordinary end of a close handshake
    if (socketError == QAbstractSocket::RemoteHostClosedError) {
        m_log.appendEvent(MessageLog::Kind::Error, tr("The server closed the TCP connection without a Close frame."));
        return;
    }
    m_log.appendEvent(MessageLog::Kind::Error, cleanedError(m_socket->errorString()));
}

bool Session::refusedByServer() const
{
    if (m_state != State::Closed || m_connections.isEmpty() || m_connections.last().opened)
        return false;
    const QByteArray &status = m_connections.last().handshake.statusLine;
    return status.size() > 9 && !status.startsWith("HTTP/1.1 101");
}

QString Session::failureSummary() const
{
    if (m_state != State::Closed || m_connections.isEmpty() || m_connections.last().opened)
        return {};
    const HandshakeInfo &info = m_connections.last().handshake;
    if (refusedByServer()) {
        // "HTTP/1.1 401 Unauthorized" from the server: its code and phrase,
        // made safe and kept short.
        QString said = PlainText::oneLine(QString::fromLatin1(info.statusLine.mid(9)));
        if (said.size() > 60)
            said = said.left(59) + QChar(0x2026);
        return tr("Refused by the server: %1").arg(said);
    }
    if (m_activeMode == Mode::Tap) {
        const std::vector<TapRecord> &events = m_capture.events();
        for (auto it = events.rbegin(); it != events.rend(); ++it) {
            if (it->type != TapRecord::Type::UpstreamFailed)
                continue;
            if (it->bytes == Tap::HostNotFound)
                return tr("Host %1 not found").arg(m_url.host());
            if (it->bytes == Tap::NothingListening)
                return tr("No server at %1").arg(hostAndPort(m_url));
            if (it->bytes == Tap::Untrusted)
                return tr("Certificate not trusted");
            if (it->bytes == Tap::PlainServer)
                return tr("The server speaks ws://, not wss://");
            break;
        }
    }
    return {};
}

QString Session::connectFailure() const
{
    // Through the tap, the tap knows the real reason (DNS, TCP, TLS); Qt only
    // sees the proxy's status code.
    QString upstream = m_capture.upstreamFailure();
    const QString where = hostAndPort(m_url);
    if (upstream.startsWith(where + QStringLiteral(": ")))
        upstream = upstream.mid(where.size() + 2);   // said once is enough
    if (upstream.isEmpty() && !m_activeProxy.isEmpty())
        return tr("Could not connect to %1 through the %2: %3")
            .arg(where, m_activeProxy, cleanedError(m_socket->errorString()));
    return tr("Could not connect to %1: %2")
        .arg(where, upstream.isEmpty() ? cleanedError(m_socket->errorString()) : upstream);
}

void Session::onHandshakeTimeout()
{
    if (m_state != State::Connecting)
        return;
    fail(tr("No WebSocket handshake from %1 within %2 ms: %3")
             .arg(hostAndPort(m_url))
             .arg(m_handshakeTimer.interval())
             .arg(stalledStep()));
    endAttempt();
}

QString Session::stalledStep() const
{
    if (m_activeMode == Mode::Direct)
        return tr("the connection or the upgrade did not complete.");
    bool connectSeen = false, dnsSeen = false, tcpSeen = false, tlsSeen = false;
    for (const TapRecord &event : m_capture.events()) {
        connectSeen |= event.type == TapRecord::Type::ConnectRequested;
        dnsSeen |= event.type == TapRecord::Type::DnsResolved;
        tcpSeen |= event.type == TapRecord::Type::TcpConnected;
        tlsSeen |= event.type == TapRecord::Type::TlsEstablished;
    }
    if (!connectSeen)
        return tr("the connection did not reach the local tap.");
    if (!dnsSeen)
        return tr("the DNS lookup of %1 did not finish.").arg(m_url.host());
    if (!tcpSeen)
        return tr("the TCP connection was not accepted.");
    if (m_url.scheme() == u"wss" && !tlsSeen)
        return tr("the TLS handshake did not finish.");
    if (const qint64 answered = m_capture.serverBytes(); answered > 0) {
        const QString problem = m_capture.responseProblem();
        if (!problem.isEmpty())
            return tr("the server answered with %1 bytes that are not a usable HTTP response: %2")
                .arg(answered)
                .arg(problem);
        return tr("the server sent %1 bytes, but no complete HTTP response head.").arg(answered);
    }
    return tr("the server did not answer the upgrade request.");
}

void Session::fail(const QString &message)
{
    m_attempt.failed = true;
    m_handshakeTimer.stop();
    m_handshake.failure = message;
    m_log.appendEvent(MessageLog::Kind::Error, message);
    Q_EMIT handshakeChanged();
}

void Session::onDisconnected()
{
    m_handshakeTimer.stop();
    if (m_tap)
        m_tap->drain();   // what the tap has read so far, before deciding to wait for more
    // Through the tap, who closed and with what is read from the frames on the
    // wire; they arrive once the tap has seen both sides of the TCP connection
    // end (the server gets a moment to answer our Close).
    //
    // When QWebSocket refuses the server's answer (a non-101, a 101 it does
    // not accept, garbage), what the tap read is still on its way, and the
    // server may still be sending the body. The attempt ends once the answer
    // is complete (WireCapture::responseComplete()) or the tap has seen both
    // sides close (it hangs up on the server CloseGraceMs after QWebSocket
    // went), so that the capture, the views and the saved files have all of it.
    // Qt may report the end before the error: an attempt that has not failed
    // yet is awaited too; a cancelled or timed-out one is not.
    const bool answerAwaited = !m_attempt.opened && !m_attempt.cancelling && (m_attempt.refused || !m_attempt.failed)
        && !m_capture.responseComplete();
    if ((m_attempt.opened || answerAwaited) && m_activeMode == Mode::Tap && m_tap && !m_attempt.tapFinished) {
        m_attempt.waitingForTap = true;
        if (m_state == State::Open)
            setState(State::Closing);
        m_tapWaitTimer.start(Tap::CloseGraceMs + 1000);
        return;
    }
    finishClose();
}

void Session::finishClose()
{
    m_handshakeTimer.stop();
    if (m_tap)
        m_tap->drain();
    m_attempt.waitingForTap = false;
    m_tapWaitTimer.stop();
    if (m_attempt.opened) {
        m_close = m_activeMode == Mode::Tap ? closeFromWire() : closeFromQt();
        // Qt refuses a message or frame over the limit with a Close of 1009
        // and says nothing else. Directly, its own reason tells it from a
        // server's 1009.
        const bool refusedByQt = m_close.closer == Closer::Client
            || (m_close.closer == Closer::Unknown && refusedAsTooBig(m_close.reason));
        if (refusedByQt && m_close.code == 1009) {
            m_log.appendEvent(MessageLog::Kind::Error,
                              tr("A message of more than %1 bytes arrived: closed with 1009. That is the largest "
                                 "message accepted (Connection tab, --max-message-size).")
                                  .arg(acceptedMessageSize()));
        }
        m_log.appendEvent(MessageLog::Kind::Close, closeDescription(m_close));
    } else if (m_attempt.cancelling) {
        m_log.appendEvent(MessageLog::Kind::Close, tr("Connection attempt to %1 cancelled").arg(hostAndPort(m_url)));
    } else if (!m_attempt.failed) {
        // Qt may report the end of a refused attempt before its error.
        fail(connectFailure());
    }
    if (!m_connections.isEmpty() && m_connections.last().id == m_connectionId) {
        Connection &record = m_connections.last();
        record.endUsec = MessageLog::nowUsec();
        if (record.handshakeUsec < 0)
            record.handshakeUsec = record.endUsec;
        record.opened = m_attempt.opened;
        if (m_attempt.opened)
            record.close = m_close;
    }
    setState(State::Closed);
    Q_EMIT finished();
}

Session::CloseInfo Session::closeFromWire() const
{
    const int fromServer = m_capture.firstCloseFrame(false);
    const int fromClient = m_capture.firstCloseFrame(true);
    const auto info = [this](Closer closer, int index) {
        const WsFrame frame = m_capture.frame(index).frame;
        CloseInfo close{closer, frame.closeCode < 0 ? 1005 : frame.closeCode, QString::fromUtf8(frame.closeReason())};
        const int answer = m_capture.firstCloseFrame(closer == Closer::Peer);
        close.handshakeCompleted = answer >= 0;
        close.oneByteClose = frame.findingBits & WsFrame::CloseOneByte;
        if (answer >= 0) {
            const int code = m_capture.frame(answer).frame.closeCode;
            close.answerCode = code < 0 ? 1005 : code;
        }
        return close;
    };
    const bool serverFirst = fromServer >= 0 && (fromClient < 0 || fromServer < fromClient);
    if (serverFirst)
        return info(Closer::Peer, fromServer);
    if (m_attempt.abortedByUs)
        return {Closer::Us, 1006, {}, false};
    if (fromClient >= 0)
        return info(m_attempt.closingByUs ? Closer::Us : Closer::Client, fromClient);
    return {Closer::Nobody, 1006, {}, false};
}

Session::CloseInfo Session::closeFromQt() const
{
    if (m_attempt.abortedByUs)
        return {Closer::Us, 1006, {}, false};
    if (m_attempt.closingByUs)
        return m_close;
    // Qt says the same thing after the server's Close and after one it sent
    // itself on a protocol error; only the tap can tell them apart.
    if (m_attempt.closeFrameSeen)
        return {Closer::Unknown, m_socket->closeCode(), m_socket->closeReason(), false};
    return {Closer::Nobody, 1006, {}, false};
}

QString Session::closeAnswerText(const CloseInfo &close)
{
    QString text;
    if (close.oneByteClose)
        text += tr(" (its Close payload was one byte, which holds no valid code)");
    if (close.answerCode >= 0 && close.answerCode != close.code)
        text += tr("; answered with %1 (%2)").arg(close.answerCode).arg(CloseCodes::name(close.answerCode));
    return text;
}

QString Session::closeDescription(const CloseInfo &close) const
{
    const QString code = QStringLiteral("%1 (%2)").arg(close.code).arg(CloseCodes::name(close.code));
    QString text;
    switch (close.closer) {
    case Closer::Us:
        text = m_attempt.pongTimedOut ? tr("Aborted because no pong came, without a close handshake: %1").arg(code)
            : m_attempt.abortedByUs   ? tr("Aborted by you, without a close handshake")
                                      : tr("Closed by you: %1").arg(code);
        break;
    case Closer::Peer:
        text = tr("Closed by the server: %1").arg(code);
        break;
    case Closer::Client:
        text = tr("Closed by Qt's WebSocket client: %1").arg(code);
        break;
    case Closer::Unknown:
        text = tr("Closed: %1 (a direct connection cannot tell who started the close)").arg(code);
        break;
    case Closer::Nobody:
        text = tr("Connection lost without a close handshake: %1").arg(code);
        break;
    }
    if (!close.reason.isEmpty())
        text += tr(", reason: %1").arg(close.reason);
    text += closeAnswerText(close);
    if (m_activeMode == Mode::Tap && m_attempt.opened && (close.closer == Closer::Us || close.closer == Closer::Client)
        && !m_attempt.abortedByUs && !close.handshakeCompleted)
        text += tr("; the server sent no Close frame back");
    return text;
}

void Session::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    if (state != State::Open) {
        m_keepAliveTimer.stop();
        m_pongTimer.stop();
    }
    if (state == State::Open)
        sendOpenMessages();
    Q_EMIT stateChanged(state);
}

void Session::setOpenMessages(const OpenMessages &source)
{
    m_openMessages = source;
}

void Session::sendOpenMessages()
{
    if (!m_openMessages)
        return;
    QList<Outgoing> messages;
    QString error;
    if (!m_openMessages(&messages, &error)) {
        m_log.appendEvent(MessageLog::Kind::Error, tr("The messages to send on open were not sent: %1").arg(error));
        return;
    }
    for (const Outgoing &message : std::as_const(messages)) {
        const bool sent = message.binary ? sendBinary(message.data, &error)
                                         : sendText(QString::fromUtf8(message.data), &error);
        if (!sent) {
            m_log.appendEvent(MessageLog::Kind::Error, tr("A message to send on open was not sent: %1").arg(error));
            return;
        }
    }
}

void Session::setMode(Mode mode)
{
    m_mode = mode;
}

Session::Mode Session::mode() const
{
    return m_mode;
}

void Session::setIgnoreTlsErrors(bool ignore)
{
    m_ignoreTlsErrors = ignore;
}

bool Session::ignoreTlsErrors() const
{
    return m_ignoreTlsErrors;
}

void Session::setTlsFiles(const TlsFiles &files)
{
    m_tlsFiles = files;
}

TlsFiles Session::tlsFiles() const
{
    return m_tlsFiles;
}

void Session::setProxy(const ProxySetting &proxy)
{
    m_proxy = proxy;
}

ProxySetting Session::proxy() const
{
    return m_proxy;
}

const WireCapture *Session::capture() const
{
    return &m_capture;
}

void Session::setSubprotocols(const QStringList &protocols)
{
    m_subprotocols = protocols;
}

QStringList Session::subprotocols() const
{
    return m_subprotocols;
}

void Session::setRequestHeaders(const QList<Header> &headers)
{
    m_requestHeaders = headers;
}

QList<Session::Header> Session::requestHeaders() const
{
    return m_requestHeaders;
}

void Session::setOrigin(const QString &origin)
{
    m_origin = origin;
}

QString Session::origin() const
{
    return m_origin;
}

bool Session::isToken(QStringView text)
{
    static constexpr QStringView punctuation = u"!#$%&'*+-.^_`|~";
    for (const QChar c : text) {
        const bool alnum = (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || (c >= u'0' && c <= u'9');
        if (!alnum && !punctuation.contains(c))
            return false;
    }
    return !text.isEmpty();
}

QString Session::checkHeader(const QByteArray &name, const QByteArray &value)
{
    if (name.isEmpty())
        return tr("A header needs a name.");
    if (!isToken(QString::fromLatin1(name)))
        return tr("The header name \"%1\" may only hold letters, digits and !#$%&'*+-.^_`|~.")
            .arg(QString::fromLatin1(name));
    if (value.contains('\r') || value.contains('\n') || value.contains('\0'))
        return tr("The value of %1 holds a line break or a NUL byte, which would split the request.")
            .arg(QString::fromLatin1(name));
    // RFC 9110: a field value is visible characters, spaces and tabs (and
    // bytes from 0x80 up); another control character would go out raw.
    for (qsizetype i = 0; i < value.size(); ++i) {
        const uchar c = uchar(value.at(i));
        if ((c < 0x20 && c != '\t') || c == 0x7F)
            return tr("The value of %1 holds the control character 0x%2 at position %3: a header value may hold "
                      "only visible characters, spaces and tabs.")
                .arg(QString::fromLatin1(name))
                .arg(int(c), 2, 16, QLatin1Char('0'))
                .arg(i + 1);
    }
    const QByteArray lower = name.toLower();
    if (lower == "origin")
        return tr("Set the origin in its own field, not as a header: Qt would send it twice.");
    if (lower == "sec-websocket-protocol")
        return tr("List subprotocols in their own field, not as a header.");
    static constexpr QByteArrayView handshakeOwn[] = {"host", "upgrade", "connection", "sec-websocket-key",
                                                      "sec-websocket-version"};
    for (const QByteArrayView own : handshakeOwn) {
        if (lower == own)
            return tr("%1 is set by the WebSocket handshake itself and cannot be replaced.")
                .arg(QString::fromLatin1(name));
    }
    return {};
}

QString Session::checkHeaders(const QList<Header> &headers)
{
    for (qsizetype i = 0; i < headers.size(); ++i) {
        if (const QString problem = checkHeader(headers.at(i).first, headers.at(i).second); !problem.isEmpty())
            return problem;
        for (qsizetype j = 0; j < i; ++j) {
            if (headers.at(j).first.compare(headers.at(i).first, Qt::CaseInsensitive) == 0)
                return duplicateHeaderProblem(headers.at(j).first, headers.at(i).first);
        }
    }
    return {};
}

QString Session::duplicateHeaderProblem(const QByteArray &first, const QByteArray &second)
{
    if (first == second)
        return tr("The header %1 is given twice: Qt's WebSocket client sends one line per header name, so only the "
                  "last value would go out. To send both values, join them with \", \" in one header.")
            .arg(QString::fromLatin1(second));
    return tr("The header %1 is given twice (as %2 and %1; names have no case): Qt's WebSocket client sends one "
              "line per header name, so only the last value would go out. To send both values, join them with "
              "\", \" in one header.")
        .arg(QString::fromLatin1(second), QString::fromLatin1(first));
}

const QList<Session::Connection> &Session::connections() const
{
    return m_connections;
}

void Session::loadSaved(const QList<Connection> &connections, const QList<TapRecord> &wire, bool exactWire)
{
    Q_ASSERT(m_state == State::Closed);
    m_readOnly = true;
    m_exactWire = exactWire && !wire.isEmpty();
    m_savedWire.clear();
    m_connections = connections;
    m_capture.clear();
    m_connectionId = 0;
    m_handshake = {};
    m_close = {};
    if (!connections.isEmpty()) {
        const Connection &last = connections.last();
        m_connectionId = last.id;
        m_url = QUrl(last.url);
        m_handshake = last.handshake;
        m_close = last.close;
        m_capture.addRecords(wire);
    }
    Q_EMIT handshakeChanged();
}

void Session::appendSavedRecords(const QList<TapRecord> &records)
{
    Q_ASSERT(m_readOnly);
    if (records.isEmpty())
        return;
    m_exactWire = true;
    m_capture.addRecords(records);
}

void Session::updateSavedConnection(const Connection &connection)
{
    Q_ASSERT(m_readOnly);
    if (m_connections.isEmpty() || m_connections.last().id != connection.id)
        return;
    m_connections.last() = connection;
    m_handshake = connection.handshake;
    m_close = connection.close;
    Q_EMIT handshakeChanged();
}

void Session::setSavedWire(const QHash<int, QList<TapRecord>> &wire)
{
    m_savedWire = wire;
}

const QHash<int, QList<TapRecord>> &Session::savedWire() const
{
    return m_savedWire;
}

bool Session::isReadOnly() const
{
    return m_readOnly;
}

bool Session::captureHolds(int id) const
{
    if (m_connections.isEmpty() || m_connections.last().id != id || id != m_connectionId || !m_capture.isComplete())
        return false;
    if (m_readOnly)
        return m_exactWire;
    return m_connections.last().mode == Mode::Tap;
}

int Session::connectionId() const
{
    return m_connectionId;
}

void Session::clear()
{
    m_log.clear();
    // A connection in progress goes on being decoded; only its history goes.
    if (m_state == State::Closed)
        m_capture.clear();
    else
        m_capture.dropHistory();
}
