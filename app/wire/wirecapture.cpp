#include "wirecapture.h"

#include <QCryptographicHash>

namespace {

qint64 span(qint64 from, qint64 to)
{
    return from >= 0 && to >= 0 ? to - from : -1;
}

} // namespace

WireCapture::WireCapture(QObject *parent)
    : QObject(parent)
{
}

WireCapture::~WireCapture() = default;

void WireCapture::clear()
{
    m_chunks.clear();
    m_events.clear();
    m_frames.clear();
    m_timeline.clear();
    m_request.reset();
    m_response.reset();
    m_clientFrames = FrameDecoder(FrameDecoder::Direction::ClientToServer);
    m_serverFrames = FrameDecoder(FrameDecoder::Direction::ServerToClient);
    m_body.clear();
    m_bodyTruncated = false;
    m_upgraded = false;
    m_connectTime = m_dnsTime = m_tcpTime = m_tlsTime = m_relayTime = m_requestTime = m_responseTime = -1;
    m_hasTls = false;
    m_tls = {};
    m_upstreamFailure.clear();
    m_closeFromServer = m_closeFromClient = false;
    Q_EMIT cleared();
    Q_EMIT handshakeChanged();
}

void WireCapture::addRecords(const QList<TapRecord> &batch)
{
    const int timelineBefore = timelineCount();
    bool handshakeTouched = false;
    for (const TapRecord &record : batch) {
        switch (record.type) {
        case TapRecord::Type::ClientBytes:
            m_chunks.push_back({record.timeUsec, true, record.bytes});
            feedClient(record.bytes, record.timeUsec);
            handshakeTouched |= m_responseTime < 0;
            continue;
        case TapRecord::Type::ServerBytes:
            m_chunks.push_back({record.timeUsec, false, record.bytes});
            feedServer(record.bytes, record.timeUsec);
            handshakeTouched |= !m_upgraded;
            continue;
        case TapRecord::Type::ConnectRequested:
            m_connectTime = record.timeUsec;
            break;
        case TapRecord::Type::DnsResolved:
            m_dnsTime = record.timeUsec;
            break;
        case TapRecord::Type::TcpConnected:
            m_tcpTime = record.timeUsec;
            break;
        case TapRecord::Type::TlsEstablished:
            m_tlsTime = record.timeUsec;
            break;
        case TapRecord::Type::Relaying:
            m_relayTime = record.timeUsec;
            break;
        case TapRecord::Type::UpstreamFailed:
            m_upstreamFailure = record.text;
            break;
        case TapRecord::Type::Refused:
        case TapRecord::Type::ServerClosed:
        case TapRecord::Type::ClientClosed:
            break;
        }
        m_events.push_back(record);
        m_timeline.push_back({TimelineItem::Type::Event, int(m_events.size()) - 1, record.timeUsec});
        handshakeTouched = true;
    }
    if (handshakeTouched)
        Q_EMIT handshakeChanged();
    if (timelineCount() > timelineBefore)
        Q_EMIT timelineAdded(timelineBefore, timelineCount() - 1);
}

void WireCapture::setTls(const TapTls &tls)
{
    m_hasTls = true;
    m_tls = tls;
    Q_EMIT handshakeChanged();
}

void WireCapture::feedClient(const QByteArray &bytes, qint64 timeUsec)
{
    QByteArrayView rest(bytes);
    if (m_request.status() == HttpHeadParser::Status::NeedMore) {
        if (m_requestTime < 0)
            m_requestTime = timeUsec;
        rest = rest.sliced(m_request.feed(rest));
        if (m_request.status() != HttpHeadParser::Status::Done)
            return;
        m_timeline.push_back({TimelineItem::Type::Request, 0, timeUsec});
    }
    if (m_request.status() == HttpHeadParser::Status::Error || rest.isEmpty())
        return;
    m_clientFrames.feed(rest);
    collect(m_clientFrames, true, timeUsec);
}

void WireCapture::feedServer(const QByteArray &bytes, qint64 timeUsec)
{
    QByteArrayView rest(bytes);
    if (m_response.status() == HttpHeadParser::Status::NeedMore) {
        rest = rest.sliced(m_response.feed(rest));
        if (m_response.status() == HttpHeadParser::Status::NeedMore)
            return;
        m_responseTime = timeUsec;
        if (m_response.status() == HttpHeadParser::Status::Done)
            m_timeline.push_back({TimelineItem::Type::Response, 0, timeUsec});
        m_upgraded = m_response.status() == HttpHeadParser::Status::Done && m_response.head().status == 101;
    }
    if (m_response.status() == HttpHeadParser::Status::Error || rest.isEmpty())
        return;
    if (!m_upgraded) {
        const qsizetype room = HandshakeInfo::MaxBodyBytes - m_body.size();
        m_body.append(rest.first(qMin(room, rest.size())));
        m_bodyTruncated |= rest.size() > room;
        return;
    }
    m_serverFrames.feed(rest);
    collect(m_serverFrames, false, timeUsec);
}

void WireCapture::collect(FrameDecoder &decoder, bool fromClient, qint64 timeUsec)
{
    for (WsFrame &frame : decoder.takeFrames()) {
        frame.timeUsec = timeUsec;
        if (frame.opcode == 0x8)
            (fromClient ? m_closeFromClient : m_closeFromServer) = true;
        m_frames.push_back({std::move(frame), fromClient});
        m_timeline.push_back({TimelineItem::Type::Frame, int(m_frames.size()) - 1, timeUsec});
    }
}

HandshakeInfo::AcceptCheck WireCapture::acceptCheck(const QByteArray &key, const QByteArray &received)
{
    HandshakeInfo::AcceptCheck check;
    check.available = !key.isEmpty();
    check.key = key;
    const QByteArray digest = QCryptographicHash::hash(QByteArray(key + HandshakeInfo::Guid.toByteArray()), QCryptographicHash::Sha1);
    check.sha1Hex = digest.toHex(' ');
    check.expected = digest.toBase64();
    check.received = received;
    check.matches = check.available && received == check.expected;
    return check;
}

HandshakeInfo WireCapture::handshake() const
{
    HandshakeInfo info;
    info.captured = true;
    if (m_request.status() == HttpHeadParser::Status::Done) {
        const HttpHead &head = m_request.head();
        info.requestLine = head.startLine;
        info.requestHeaders = head.headers;
        info.requestRaw = head.raw;
    } else if (m_request.status() == HttpHeadParser::Status::Error) {
        info.findings << tr("Upgrade request: %1").arg(m_request.errorString());
    }
    if (m_response.status() == HttpHeadParser::Status::Done) {
        const HttpHead &head = m_response.head();
        info.statusLine = head.startLine;
        info.responseHeaders = head.headers;
        info.responseRaw = head.raw;
        info.subprotocol = QString::fromLatin1(head.value("Sec-WebSocket-Protocol"));
        info.extensions = QString::fromLatin1(head.value("Sec-WebSocket-Extensions"));
        if (head.status == 101) {
            info.accept = acceptCheck(m_request.head().value("Sec-WebSocket-Key"), head.value("Sec-WebSocket-Accept"));
            if (!info.accept.matches)
                info.findings << tr("Sec-WebSocket-Accept does not match the key that was sent.");
        }
    } else if (m_response.status() == HttpHeadParser::Status::Error) {
        info.findings << tr("Server answer: %1").arg(m_response.errorString());
        // Show what came back even when it is not HTTP.
        for (const Chunk &chunk : m_chunks) {
            if (!chunk.fromClient && info.responseBody.size() < HandshakeInfo::MaxBodyBytes)
                info.responseBody += chunk.bytes.left(HandshakeInfo::MaxBodyBytes - info.responseBody.size());
        }
    }
    if (!m_body.isEmpty()) {
        info.responseBody = m_body;
        info.responseBodyTruncated = m_bodyTruncated;
    }
    info.timing.dns = span(m_connectTime, m_dnsTime);
    info.timing.tcp = span(m_dnsTime, m_tcpTime);
    info.timing.tls = span(m_tcpTime, m_tlsTime);
    info.timing.tunnel = span(m_tlsTime >= 0 ? m_tlsTime : m_tcpTime, m_requestTime);
    info.timing.upgrade = span(m_requestTime, m_responseTime);
    info.timing.total = span(m_connectTime, m_responseTime);
    info.hasTls = m_hasTls;
    info.tls = m_tls;
    if (!m_upstreamFailure.isEmpty())
        info.failure = m_upstreamFailure;
    return info;
}

const std::vector<WireCapture::Chunk> &WireCapture::chunks() const
{
    return m_chunks;
}

const std::vector<TapRecord> &WireCapture::events() const
{
    return m_events;
}

int WireCapture::frameCount() const
{
    return int(m_frames.size());
}

const WireCapture::Frame &WireCapture::frame(int index) const
{
    return m_frames.at(size_t(index));
}

bool WireCapture::closeFrameFromServer() const
{
    return m_closeFromServer;
}

bool WireCapture::closeFrameFromClient() const
{
    return m_closeFromClient;
}

QString WireCapture::upstreamFailure() const
{
    return m_upstreamFailure;
}

QStringList WireCapture::streamFailures() const
{
    QStringList failures;
    if (m_clientFrames.hasFailed())
        failures << tr("Client frames: %1").arg(m_clientFrames.failure());
    if (m_serverFrames.hasFailed())
        failures << tr("Server frames: %1").arg(m_serverFrames.failure());
    return failures;
}

int WireCapture::firstCloseFrame(bool fromClient) const
{
    for (size_t i = 0; i < m_frames.size(); ++i) {
        if (m_frames[i].fromClient == fromClient && m_frames[i].frame.opcode == 0x8)
            return int(i);
    }
    return -1;
}

int WireCapture::timelineCount() const
{
    return int(m_timeline.size());
}

const WireCapture::TimelineItem &WireCapture::timelineItem(int index) const
{
    return m_timeline.at(size_t(index));
}

const HttpHead &WireCapture::requestHead() const
{
    return m_request.head();
}

const HttpHead &WireCapture::responseHead() const
{
    return m_response.head();
}

QList<int> WireCapture::messageStarts(bool fromClient) const
{
    QList<int> starts;
    for (size_t i = 0; i < m_frames.size(); ++i) {
        const Frame &f = m_frames[i];
        if (f.fromClient == fromClient && (f.frame.opcode == 0x1 || f.frame.opcode == 0x2))
            starts << int(i);
    }
    return starts;
}

QList<int> WireCapture::messageFrames(int start) const
{
    QList<int> frames{start};
    const Frame &first = m_frames.at(size_t(start));
    if (first.frame.fin)
        return frames;
    for (size_t i = size_t(start) + 1; i < m_frames.size(); ++i) {
        const Frame &f = m_frames[i];
        if (f.fromClient != first.fromClient || f.frame.isControl())
            continue;   // control frames may sit between fragments
        if (f.frame.opcode != 0x0)
            break;
        frames << int(i);
        if (f.frame.fin)
            break;
    }
    return frames;
}
