#include "tap.h"

#include <QDateTime>
#include <QHostInfo>
#include <QSslCipher>
#include <QSslSocket>
#include <QTcpServer>
#include <QTcpSocket>

#include <algorithm>
#include <chrono>

namespace {

// At most this many local connections may wait to be let in at once, each
// for at most CandidateTimeoutMs. When one more comes, a stranger makes room:
// one that was refused, else the one that has waited longest without saying
// a word, else the one that has sent the least of a request; a connection
// that asked for our target and was challenged for the secret (QWebSocket
// between its two CONNECTs) is never pushed out. With no room at all the
// newcomer is turned away. So idle connections, however many, cannot push out
// QWebSocket, which asks at once and answers the challenge at once.
constexpr int MaxCandidates = 64;
constexpr int CandidateTimeoutMs = 2000;

QByteArray answer(const QByteArray &statusLine, const QByteArray &extraHeaders = {})
{
    return "HTTP/1.1 " + statusLine + "\r\n" + extraHeaders + "Content-Length: 0\r\n\r\n";
}

QString addressText(const QHostAddress &address, quint16 port)
{
    const QString host = address.protocol() == QAbstractSocket::IPv6Protocol
        ? u'[' + address.toString() + u']'
        : address.toString();
    return host + u':' + QString::number(port);
}

} // namespace

bool TapOutbox::put(TapRecord &&record)
{
    const QMutexLocker lock(&m_mutex);
    m_records.append(std::move(record));
    return !std::exchange(m_wakePending, true);
}

QList<TapRecord> TapOutbox::take()
{
    const QMutexLocker lock(&m_mutex);
    m_wakePending = false;
    return std::exchange(m_records, {});
}

Tap::Tap(const Target &target, const QString &user, const QString &secret, std::shared_ptr<TapOutbox> outbox)
    : m_target(target)
    , m_expectedAuthorization("Basic " + (user + u':' + secret).toUtf8().toBase64())
    , m_outbox(std::move(outbox))
{
    using namespace std::chrono;
    m_epochUsec = duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
    m_clock.start();
}

Tap::~Tap()
{
    if (m_lookupId >= 0)
        QHostInfo::abortHostLookup(m_lookupId);
}

QString Tap::proxyName(const QNetworkProxy &proxy)
{
    const QString where = proxy.hostName().contains(u':') ? u'[' + proxy.hostName() + u']' : proxy.hostName();
    switch (proxy.type()) {
    case QNetworkProxy::HttpProxy:
        return tr("HTTP proxy %1:%2").arg(where).arg(proxy.port());
    case QNetworkProxy::Socks5Proxy:
        return tr("SOCKS5 proxy %1:%2").arg(where).arg(proxy.port());
    default:
        return {};
    }
}

bool Tap::proxied() const
{
    return m_target.proxy.type() == QNetworkProxy::HttpProxy || m_target.proxy.type() == QNetworkProxy::Socks5Proxy;
}

void Tap::start()
{
    m_server = new QTcpServer(this);
    connect(m_server, &QTcpServer::newConnection, this, &Tap::onNewConnection);
    if (!m_server->listen(QHostAddress::LocalHost, 0)) {
        Q_EMIT listenFailed(m_server->errorString());
        return;
    }
    Q_EMIT listening(m_server->serverPort());
}

void Tap::stop()
{
    if (m_server)
        m_server->close();
    // What QWebSocket wrote last (a Close frame as the app quits) still goes out.
    if (m_relaying && m_upstream && !m_upstreamClosed) {
        relayFromClient();
        m_upstream->flush();
        recordUnread();
    }
    for (const auto &candidate : m_candidates) {
        if (candidate->socket)
            candidate->socket->abort();
    }
    if (m_client)
        m_client->abort();
    if (m_upstream)
        m_upstream->abort();
}

void Tap::record(TapRecord::Type type, const QByteArray &bytes, const QString &text)
{
    TapRecord entry;
    entry.type = type;
    entry.timeUsec = m_epochUsec + m_clock.nsecsElapsed() / 1000;
    entry.bytes = bytes;
    entry.text = text;
    // No batch timer: a record is there for the reader at once, and a flood
    // still costs the reader one wake-up per batch.
    if (m_outbox->put(std::move(entry)))
        Q_EMIT recordsWaiting();
}

Tap::Candidate *Tap::candidateFor(QTcpSocket *socket)
{
    for (const auto &candidate : m_candidates) {
        if (candidate->socket == socket)
            return candidate.get();
    }
    return nullptr;
}

void Tap::onNewConnection()
{
    while (QTcpSocket *socket = m_server->nextPendingConnection()) {
        // Forget candidates that have gone.
        m_candidates.erase(std::remove_if(m_candidates.begin(), m_candidates.end(),
                                          [](const std::unique_ptr<Candidate> &c) { return !c->socket; }),
                           m_candidates.end());
        if (m_client || (int(m_candidates.size()) >= MaxCandidates && !makeRoom())) {
            socket->abort();
            socket->deleteLater();
            continue;
        }
        auto candidate = std::make_unique<Candidate>();
        candidate->socket = socket;
        m_candidates.push_back(std::move(candidate));
        connect(socket, &QTcpSocket::readyRead, this, [this, socket] { onCandidateReadyRead(socket); });
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        QTimer::singleShot(CandidateTimeoutMs, socket, [this, socket] {
            if (socket != m_client)
                socket->abort();
        });
    }
}

bool Tap::makeRoom()
{
    // By standing, then oldest first (the list is in the order they came).
    auto victim = m_candidates.end();
    for (auto it = m_candidates.begin(); it != m_candidates.end(); ++it) {
        if ((*it)->standing == Candidate::Standing::Challenged)
            continue;
        if (victim == m_candidates.end() || (*it)->standing < (*victim)->standing)
            victim = it;
    }
    if (victim == m_candidates.end())
        return false;
    if ((*victim)->socket)
        (*victim)->socket->abort();
    m_candidates.erase(victim);
    return true;
}

void Tap::refuse(QTcpSocket *client, const QByteArray &response, const QString &why)
{
    if (Candidate *candidate = candidateFor(client))
        candidate->standing = Candidate::Standing::Refused;
    record(TapRecord::Type::Refused, {}, why);
    client->write(response);
    client->disconnectFromHost();
    // A refused client has had its answer; it does not keep a place.
    QTimer::singleShot(200, client, &QTcpSocket::abort);
}

void Tap::onCandidateReadyRead(QTcpSocket *socket)
{
    Candidate *candidate = candidateFor(socket);
    if (!candidate || socket == m_client)
        return;
    while (socket->bytesAvailable() > 0) {
        const QByteArray data = socket->peek(socket->bytesAvailable());
        const qsizetype taken = candidate->parser.feed(data);
        socket->skip(taken);
        if (taken > 0 && candidate->standing == Candidate::Standing::Idle)
            candidate->standing = Candidate::Standing::Talking;
        if (candidate->parser.status() == HttpHeadParser::Status::NeedMore)
            return;
        if (candidate->parser.status() == HttpHeadParser::Status::Error) {
            refuse(socket, answer("400 Bad Request"), tr("Not an HTTP request: %1").arg(candidate->parser.errorString()));
            return;
        }
        const HttpHead head = candidate->parser.head();
        candidate->parser.reset();

        if (head.method != "CONNECT") {
            refuse(socket, answer("405 Method Not Allowed"), tr("%1 instead of CONNECT").arg(QString::fromLatin1(head.method)));
            return;
        }
        const QByteArray authorization = head.value("Proxy-Authorization");
        if (authorization != m_expectedAuthorization) {
            if (!authorization.isEmpty() || candidate->challenged) {
                refuse(socket, answer("407 Proxy Authentication Required"), tr("Wrong proxy credentials"));
                return;
            }
            // Qt answers a Basic challenge with the proxy's user and password on this same connection.
            candidate->challenged = true;
            if (isOurTarget(head.target))
                candidate->standing = Candidate::Standing::Challenged;
            socket->write(answer("407 Proxy Authentication Required", "Proxy-Authenticate: Basic realm=\"wsscope\"\r\n"));
            continue;
        }
        handleConnect(socket, head);
        return;
    }
}

bool Tap::isOurTarget(const QByteArray &target) const
{
    // Qt sends IPv6 targets unbracketed ("::1:8080"): the port follows the last colon.
    const qsizetype colon = target.lastIndexOf(':');
    QByteArray host = colon > 0 ? target.left(colon) : QByteArray();
    if (host.startsWith('[') && host.endsWith(']'))
        host = host.mid(1, host.size() - 2);
    bool portOk = false;
    const uint port = colon > 0 ? target.mid(colon + 1).toUInt(&portOk) : 0;
    return portOk && QString::fromUtf8(host).compare(m_target.host, Qt::CaseInsensitive) == 0
        && port == m_target.connectPort;
}

void Tap::handleConnect(QTcpSocket *client, const HttpHead &head)
{
    if (!isOurTarget(head.target)) {
        refuse(client, answer("403 Forbidden"),
               tr("CONNECT to %1 refused: this tap only connects to %2:%3")
                   .arg(QString::fromLatin1(head.target), m_target.host)
                   .arg(m_target.connectPort));
        return;
    }

    // This is the one client: nobody else gets in.
    m_client = client;
    m_server->close();
    for (const auto &candidate : m_candidates) {
        if (candidate->socket && candidate->socket != client)
            candidate->socket->abort();
    }
    m_candidates.clear();
    disconnect(client, nullptr, this, nullptr);
    connect(client, &QTcpSocket::readyRead, this, &Tap::relayFromClient);
    connect(client, &QTcpSocket::bytesWritten, this, &Tap::relayFromServer);
    client->setReadBufferSize(ReadBufferBytes);
    // No Nagle: a small frame (a ping, a pong) goes on at once instead of
    // waiting for the peer's delayed ACK, about 40 ms.
    client->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    connect(client, &QTcpSocket::disconnected, this, &Tap::onClientGone);

    record(TapRecord::Type::ConnectRequested, {}, QStringLiteral("%1:%2").arg(m_target.host).arg(m_target.upstreamPort));
    if (proxied()) {
        // The proxy is given the name and looks it up itself.
        record(TapRecord::Type::DnsResolved, {}, tr("Left to the %1").arg(proxyName(m_target.proxy)));
        connectNext();
        return;
    }
    m_lookupId = QHostInfo::lookupHost(m_target.host, this, &Tap::onLookedUp);
}

void Tap::onLookedUp(const QHostInfo &info)
{
    m_lookupId = -1;
    if (info.error() != QHostInfo::NoError || info.addresses().isEmpty()) {
        failUpstream("404 Not Found", tr("Host %1 not found: %2").arg(m_target.host, info.errorString()), HostNotFound);
        return;
    }
    m_addresses = info.addresses();
    QStringList texts;
    for (const QHostAddress &address : std::as_const(m_addresses))
        texts << address.toString();
    record(TapRecord::Type::DnsResolved, {}, texts.join(QStringLiteral(", ")));
    connectNext();
}

void Tap::connectNext()
{
    if (m_upstream) {
        m_upstream->disconnect(this);
        m_upstream->deleteLater();
        m_upstream = nullptr;
    }
    const QHostAddress address = proxied() ? QHostAddress() : m_addresses.at(m_nextAddress++);
    if (m_target.tls) {
        auto *ssl = new QSslSocket(this);
        ssl->setSslConfiguration(m_target.tlsConfiguration);
        connect(ssl, &QSslSocket::encrypted, this, &Tap::onUpstreamEncrypted);
        connect(ssl, &QSslSocket::sslErrors, this, [this, ssl](const QList<QSslError> &errors) {
            m_tlsErrors.clear();
            for (const QSslError &error : errors)
                m_tlsErrors << error.errorString();
            if (m_target.ignoreTlsErrors) {
                m_tlsErrorsIgnored = true;
                ssl->ignoreSslErrors();
            }
        });
        m_upstream = ssl;
    } else {
        m_upstream = new QTcpSocket(this);
    }
    // Bytes from the server can only flow after relaying starts; read them all from there on.
    connect(m_upstream, &QTcpSocket::connected, this, &Tap::onUpstreamConnected);
    connect(m_upstream, &QTcpSocket::errorOccurred, this, &Tap::onUpstreamError);
    connect(m_upstream, &QTcpSocket::readyRead, this, &Tap::relayFromServer);
    connect(m_upstream, &QTcpSocket::bytesWritten, this, &Tap::relayFromClient);
    m_upstream->setReadBufferSize(ReadBufferBytes);
    connect(m_upstream, &QTcpSocket::disconnected, this, &Tap::onUpstreamGone);
    m_upstream->setProxy(m_target.proxy);

    if (proxied()) {
        if (auto *ssl = qobject_cast<QSslSocket *>(m_upstream))
            ssl->connectToHostEncrypted(m_target.host, m_target.upstreamPort);
        else
            m_upstream->connectToHost(m_target.host, m_target.upstreamPort);
    } else if (auto *ssl = qobject_cast<QSslSocket *>(m_upstream)) {
        // Connect to the address we resolved, but verify and send SNI for the name typed.
        ssl->connectToHostEncrypted(address.toString(), m_target.upstreamPort, m_target.host);
    } else {
        m_upstream->connectToHost(address, m_target.upstreamPort);
    }
}

// Relaying reads from one side only as fast as the other side drains: no
// more than RelayWindow bytes wait to be written, and each socket buffers at
// most ReadBufferBytes of what the kernel holds. A flood then slows the
// server down through TCP flow control instead of filling memory.
void Tap::relayFromClient()
{
    // Nothing may pass before the upstream is ready.
    if (!m_relaying || !m_client || m_client->bytesAvailable() == 0)
        return;
    const qint64 room = m_upstreamClosed ? m_client->bytesAvailable() : RelayWindow - m_upstream->bytesToWrite();
    if (room <= 0)
        return;   // bytesWritten on the upstream calls again
    // Ask for what is there, so the chunk kept in the capture is no bigger than its bytes.
    const QByteArray data = m_client->read(qMin(room, m_client->bytesAvailable()));
    record(TapRecord::Type::ClientBytes, data);
    if (!m_upstreamClosed)
        m_upstream->write(data);
}

void Tap::relayFromServer()
{
    if (!m_relaying || m_upstream->bytesAvailable() == 0)
        return;
    if (!m_client || m_clientClosed) {
        // Nobody reads these any more: record the server's Close and what was
        // on its way, up to a bound, then stop reading. The server is held
        // back by TCP flow control until the tap hangs up.
        const qint64 room = MaxBytesAfterClient - m_bytesAfterClient;
        if (room <= 0)
            return;
        const QByteArray data = m_upstream->read(qMin(room, m_upstream->bytesAvailable()));
        m_bytesAfterClient += data.size();
        m_serverSpoke = true;
        record(TapRecord::Type::ServerBytes, data);
        return;
    }
    // Once the server has gone, what it sent last is read whole.
    const qint64 room = m_upstream->state() != QAbstractSocket::ConnectedState
        ? m_upstream->bytesAvailable()
        : RelayWindow - m_client->bytesToWrite();
    if (room <= 0)
        return;   // bytesWritten on the client calls again
    const QByteArray data = m_upstream->read(qMin(room, m_upstream->bytesAvailable()));
    m_serverSpoke = true;
    record(TapRecord::Type::ServerBytes, data);
    m_client->write(data);
}

void Tap::recordUnread(bool hangingUp)
{
    const bool bounded = m_bytesAfterClient >= MaxBytesAfterClient;
    if (!m_upstream || (!bounded && !hangingUp) || m_unreadRecorded)
        return;
    // What came in past the bound, or as the tap hung up, and was never
    // read: the least the server sent more.
    const qint64 unread = m_upstream->bytesAvailable();
    if (unread == 0)
        return;
    m_upstream->skip(unread);
    m_unreadRecorded = true;
    if (bounded) {
        record(TapRecord::Type::NotRecorded, {},
               tr("Not recorded: at least %L1 more bytes from the server after QWebSocket had closed. The tap keeps "
                  "%L2 bytes of what the server sends after that, then stops reading it.")
                   .arg(unread)
                   .arg(MaxBytesAfterClient));
    } else {
        record(TapRecord::Type::NotRecorded, {},
               tr("Not recorded: at least %L1 more bytes from the server, on their way when the tap hung up on it "
                  "%L2 ms after QWebSocket had closed.")
                   .arg(unread)
                   .arg(CloseGraceMs));
    }
}

void Tap::onUpstreamConnected()
{
    // As on the client's side (a QSslSocket passes it to its TCP socket).
    m_upstream->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    if (proxied()) {
        const QString host = m_target.host.contains(u':') ? u'[' + m_target.host + u']' : m_target.host;
        record(TapRecord::Type::TcpConnected, {},
               tr("%1:%2 through the %3").arg(host).arg(m_target.upstreamPort).arg(proxyName(m_target.proxy)));
    } else {
        record(TapRecord::Type::TcpConnected, {}, addressText(m_upstream->peerAddress(), m_upstream->peerPort()));
    }
    if (!m_target.tls)
        startRelay();
}

void Tap::onUpstreamEncrypted()
{
    const TapTls facts = tlsFacts();
    record(TapRecord::Type::TlsEstablished, {}, facts.protocol + QStringLiteral(", ") + facts.cipher);
    Q_EMIT tlsEstablished(facts);
    startRelay();
}

TapTls Tap::tlsFacts() const
{
    TapTls facts;
    auto *ssl = qobject_cast<QSslSocket *>(m_upstream);
    if (!ssl)
        return facts;
    const QSslCipher cipher = ssl->sessionCipher();
    switch (ssl->sessionProtocol()) {
    case QSsl::TlsV1_2: facts.protocol = QStringLiteral("TLS 1.2"); break;
    case QSsl::TlsV1_3: facts.protocol = QStringLiteral("TLS 1.3"); break;
    default: facts.protocol = cipher.protocolString(); break;
    }
    facts.cipher = cipher.name();
    facts.chain = ssl->peerCertificateChain();
    facts.errors = m_tlsErrors;
    facts.errorsIgnored = m_tlsErrorsIgnored;
    facts.clientCertificate = ssl->localCertificate();
    return facts;
}

void Tap::startRelay()
{
    if (!m_client) {
        m_upstream->abort();
        return;
    }
    m_relaying = true;
    m_client->write("HTTP/1.1 200 Connection established\r\n\r\n");
    record(TapRecord::Type::Relaying);
    // Anything already waiting on either side goes through now.
    relayFromClient();
    relayFromServer();
}

void Tap::onUpstreamError()
{
    const QAbstractSocket::SocketError error = m_upstream->error();
    if (m_relaying) {
        // The end of a relayed connection is handled by onUpstreamGone. But a
        // server that ends TLS before it says a word (in TLS 1.3, refusing
        // the client's certificate comes after the handshake) has a reason.
        if (!m_serverSpoke && error != QAbstractSocket::RemoteHostClosedError && m_target.tls) {
            const QString offered = m_target.tlsConfiguration.localCertificate().isNull()
                ? tr(" (no client certificate was offered)")
                : QString();
            record(TapRecord::Type::UpstreamFailed, {},
                   tr("%1:%2: the server ended TLS before answering: %3%4")
                       .arg(m_target.host)
                       .arg(m_target.upstreamPort)
                       .arg(m_upstream->errorString(), offered));
        }
        return;
    }
    const bool moreAddresses = m_nextAddress < m_addresses.size();
    const bool certificateRefused = !m_tlsErrors.isEmpty() && !m_target.ignoreTlsErrors;
    if (!certificateRefused && moreAddresses
        && (error == QAbstractSocket::ConnectionRefusedError || error == QAbstractSocket::NetworkError
            || error == QAbstractSocket::SocketTimeoutError)) {
        QMetaObject::invokeMethod(this, &Tap::connectNext, Qt::QueuedConnection);
        return;
    }
    const QString where = QStringLiteral("%1:%2").arg(m_target.host).arg(m_target.upstreamPort);
    if (!m_tlsErrors.isEmpty() && !m_target.ignoreTlsErrors) {
        failUpstream("502 Bad Gateway",
                     tr("The certificate of %1 is not trusted: %2").arg(where, m_tlsErrors.join(QStringLiteral("; "))),
                     Untrusted);
        return;
    }
    const QByteArray status = error == QAbstractSocket::ConnectionRefusedError ? QByteArray("503 Service Unavailable")
                                                                               : QByteArray("502 Bad Gateway");
    if (proxied()) {
        failUpstream(status, tr("%1: %2").arg(where, proxyFailure(error)));
        return;
    }
    // OpenSSL's words first in plain ones: a TLS client hello answered by a
    // server that speaks plain HTTP, or a port where nothing listens.
    const QString qtSays = m_upstream->errorString();
    if (error == QAbstractSocket::ConnectionRefusedError) {
        failUpstream(status, tr("%1: nothing is listening there (%2)").arg(where, qtSays), NothingListening);
        return;
    }
    if (m_target.tls && error == QAbstractSocket::SslHandshakeFailedError
        && qtSays.contains(QLatin1String("wrong version number"), Qt::CaseInsensitive)) {
        failUpstream(status,
                     tr("%1: the server answered in plain text, not TLS: it speaks ws://, not wss:// (%2)")
                         .arg(where, qtSays),
                     PlainServer);
        return;
    }
    failUpstream(status, tr("%1: %2").arg(where, qtSays));
}

QString Tap::proxyFailure(QAbstractSocket::SocketError error) const
{
    const QString proxy = proxyName(m_target.proxy);
    const QString qtSays = m_upstream->errorString();
    const bool hasCredentials = !m_target.proxy.user().isEmpty() || !m_target.proxy.password().isEmpty();
    switch (error) {
    case QAbstractSocket::ProxyAuthenticationRequiredError:
        return hasCredentials ? tr("the %1 refused the user name and password given (%2)").arg(proxy, qtSays)
                              : tr("the %1 asks for a user name and password (%2)").arg(proxy, qtSays);
    case QAbstractSocket::SocketAccessError:
        // Qt's answer to a 403 or 405 from an HTTP proxy.
        return tr("the %1 refused to connect there (%2)").arg(proxy, qtSays);
    case QAbstractSocket::ProxyConnectionRefusedError:
    case QAbstractSocket::ProxyNotFoundError:
    case QAbstractSocket::ProxyConnectionTimeoutError:
        return tr("the %1 cannot be reached (%2)").arg(proxy, qtSays);
    case QAbstractSocket::ProxyConnectionClosedError:
    case QAbstractSocket::ProxyProtocolError:
        return tr("the %1 failed (%2)").arg(proxy, qtSays);
    default:
        return tr("through the %1: %2").arg(proxy, qtSays);
    }
}

void Tap::failUpstream(const QByteArray &statusLine, const QString &why, const QByteArray &kind)
{
    record(TapRecord::Type::UpstreamFailed, kind, why);
    if (m_target.tls) {
        if (auto *ssl = qobject_cast<QSslSocket *>(m_upstream); ssl && !ssl->peerCertificateChain().isEmpty())
            Q_EMIT tlsEstablished(tlsFacts());   // the chain of a refused certificate is worth seeing too
    }
    if (m_upstream) {
        m_upstream->disconnect(this);
        m_upstream->abort();
    }
    m_upstreamClosed = true;
    if (m_client) {
        m_client->write(answer(statusLine));
        m_client->disconnectFromHost();
    }
}

void Tap::onClientGone()
{
    if (m_clientClosed)
        return;
    m_clientClosed = true;
    record(TapRecord::Type::ClientClosed);
    if (!m_relaying && !m_upstreamClosed) {
        // Gone before the upstream was ready (a timeout, a cancel): stop trying.
        if (m_lookupId >= 0) {
            QHostInfo::abortHostLookup(m_lookupId);
            m_lookupId = -1;
        }
        if (m_upstream) {
            m_upstream->disconnect(this);
            m_upstream->abort();
        }
        m_upstreamClosed = true;
    } else if (m_upstream && !m_upstreamClosed) {
        // QWebSocket closes TCP right after its Close frame. Give the server a
        // moment to answer with its own Close, so the capture shows whether
        // the close handshake completed, then hang up.
        QTimer::singleShot(CloseGraceMs, m_upstream, [this] {
            if (m_upstreamClosed)
                return;
            // What is on its way now is taken in (a look, not a wait), so
            // that what the hang-up cuts off is counted, not dropped unsaid.
            m_upstream->waitForReadyRead(0);
            if (m_upstreamClosed)
                return;   // it was the server's own end
            relayFromServer();
            recordUnread(true);
            m_upstream->disconnectFromHost();
        });
    }
    finishIfDone();
}

void Tap::onUpstreamGone()
{
    if (m_upstreamClosed)
        return;
    // Read what arrived with the FIN before saying goodbye.
    relayFromServer();
    recordUnread();
    m_upstreamClosed = true;
    record(TapRecord::Type::ServerClosed);
    if (m_client && !m_clientClosed)
        m_client->disconnectFromHost();
    finishIfDone();
}

void Tap::finishIfDone()
{
    if (m_finished || !m_clientClosed || !m_upstreamClosed)
        return;
    m_finished = true;
    Q_EMIT finished();
}
