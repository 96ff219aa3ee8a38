#include "wirecapture.h"

#include <QCryptographicHash>

#include <algorithm>
#include <limits>

namespace {

qint64 span(qint64 from, qint64 to)
{
    return from >= 0 && to >= 0 ? to - from : -1;
}

constexpr quint64 OffsetMask = (quint64(1) << 48) - 1;
constexpr int FindingShift = 48;
constexpr quint64 FromClientBit = quint64(1) << 63;

} // namespace

WireCapture::WireCapture(QObject *parent)
    : QObject(parent)
{
}

WireCapture::~WireCapture() = default;

void WireCapture::addToTimeline(TimelineItem::Type type, int index)
{
    // Consecutive frames (or events) extend the last run instead of adding a row record.
    const bool extends = !m_timeline.empty() && m_timeline.back().type == type
        && (type == TimelineItem::Type::Frame || type == TimelineItem::Type::Event)
        && m_timeline.back().firstIndex + (m_timelineRows - m_timeline.back().firstRow) == index;
    if (!extends)
        m_timeline.push_back({m_timelineRows, type, index});
    ++m_timelineRows;
}

void WireCapture::clear()
{
    Q_EMIT aboutToClear();
    std::vector<Chunk>().swap(m_chunks);
    std::vector<TapRecord>().swap(m_events);
    std::vector<int>().swap(m_eventChunks);
    std::vector<FrameRecord>().swap(m_frames);
    std::vector<quint8>().swap(m_frameHeads);
    m_droppedFrames = 0;
    std::vector<Run>().swap(m_timeline);
    m_timelineRows = 0;
    m_client = {};
    m_server = {};
    m_request.reset();
    m_response.reset();
    m_clientFrames = FrameDecoder(FrameDecoder::Direction::ClientToServer, FrameDecoder::PayloadMode::Skip);
    m_serverFrames = FrameDecoder(FrameDecoder::Direction::ServerToClient, FrameDecoder::PayloadMode::Skip);
    m_body.clear();
    m_bodyTruncated = false;
    m_unownedKept = 0;
    m_bodyDecoder = {};
    m_serverClosed = false;
    m_upgraded = false;
    m_connectTime = m_dnsTime = m_tcpTime = m_tlsTime = m_requestTime = m_responseTime = -1;
    m_serverAddress.clear();
    m_historyDropped = false;
    m_findingCounts.fill(0);
    m_anyReservedBits = false;
    m_findingTexts.fill(QString());
    m_hasTls = false;
    m_tls = {};
    m_upstreamFailure.clear();
    Q_EMIT cleared();
    Q_EMIT handshakeChanged();
}

bool WireCapture::isComplete() const
{
    return !m_historyDropped;
}

void WireCapture::dropHistory()
{
    Q_EMIT aboutToClear();
    m_historyDropped = true;
    std::vector<Chunk>().swap(m_chunks);
    std::vector<TapRecord>().swap(m_events);
    std::vector<int>().swap(m_eventChunks);
    m_droppedFrames += int(m_frames.size());
    std::vector<FrameRecord>().swap(m_frames);
    std::vector<quint8>().swap(m_frameHeads);
    std::vector<Run>().swap(m_timeline);
    m_timelineRows = 0;
    for (Direction *direction : {&m_client, &m_server}) {
        direction->chunkStarts.clear();
        for (Direction::Index &index : direction->counted) {
            index.dropped += index.count;
            index.count = 0;
            index.checkpoints.clear();
        }
        direction->firstClose = -1;
        direction->unrecordedEvent = -1;
    }
    Q_EMIT cleared();
}

void WireCapture::addRecords(const QList<TapRecord> &batch)
{
    const int timelineBefore = timelineCount();
    bool handshakeTouched = false;
    for (const TapRecord &record : batch) {
        switch (record.type) {
        case TapRecord::Type::ClientBytes:
        case TapRecord::Type::ServerBytes: {
            const bool fromClient = record.type == TapRecord::Type::ClientBytes;
            handshakeTouched |= fromClient ? m_request.status() == HttpHeadParser::Status::NeedMore : !m_upgraded;
            Direction &direction = side(fromClient);
            const qsizetype keep = feed(fromClient, record.bytes, record.timeUsec);
            if (keep > 0) {
                direction.chunkStarts.emplace_back(direction.streamBytes, int(m_chunks.size()));
                direction.streamBytes += keep;
                m_chunks.push_back({record.timeUsec, fromClient,
                                    keep == record.bytes.size() ? record.bytes : record.bytes.first(keep)});
            }
            if (keep < record.bytes.size()) {
                noteUnowned(fromClient, record.bytes.size() - keep, record.timeUsec);
                handshakeTouched = true;   // a finding
            }
            continue;
        }
        case TapRecord::Type::ConnectRequested:
            m_connectTime = record.timeUsec;
            break;
        case TapRecord::Type::DnsResolved:
            m_dnsTime = record.timeUsec;
            break;
        case TapRecord::Type::TcpConnected:
            m_tcpTime = record.timeUsec;
            m_serverAddress = record.text.section(u' ', 0, 0);   // what follows names a proxy
            break;
        case TapRecord::Type::TlsEstablished:
            m_tlsTime = record.timeUsec;
            break;
        case TapRecord::Type::UpstreamFailed:
            m_upstreamFailure = record.text;
            break;
        case TapRecord::Type::ServerClosed:
            m_serverClosed = true;
            m_bodyDecoder.end();
            break;
        case TapRecord::Type::Relaying:
        case TapRecord::Type::Refused:
        case TapRecord::Type::ClientClosed:
        case TapRecord::Type::NotRecorded:
            break;
        }
        m_events.push_back(record);
        m_eventChunks.push_back(int(m_chunks.size()));
        addToTimeline(TimelineItem::Type::Event, int(m_events.size()) - 1);
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

qsizetype WireCapture::feed(bool fromClient, const QByteArray &bytes, qint64 timeUsec)
{
    Direction &direction = side(fromClient);
    HttpHeadParser &head = fromClient ? m_request : m_response;
    QByteArrayView rest(bytes);
    if (head.status() == HttpHeadParser::Status::NeedMore) {
        if (fromClient && m_requestTime < 0)
            m_requestTime = timeUsec;
        const qsizetype taken = head.feed(rest);
        rest = rest.sliced(taken);
        if (head.status() == HttpHeadParser::Status::NeedMore)
            return bytes.size();
        // A head that never ends is a head only up to the parser's limit.
        if (head.status() == HttpHeadParser::Status::Error) {
            const qint64 headPart = qBound<qint64>(0, HttpHeadParser::MaxHeadBytes - direction.streamBytes, taken);
            rest = QByteArrayView(bytes).sliced(qsizetype(headPart));
        }
        direction.frameBase = direction.streamBytes + (bytes.size() - rest.size());
        if (head.status() == HttpHeadParser::Status::Done)
            addToTimeline(fromClient ? TimelineItem::Type::Request : TimelineItem::Type::Response, 0);
        if (!fromClient) {
            m_responseTime = timeUsec;
            m_upgraded = head.status() == HttpHeadParser::Status::Done && head.head().status == 101;
            if (head.status() == HttpHeadParser::Status::Done && !m_upgraded)
                m_bodyDecoder = HttpBodyDecoder(head.head(), HandshakeInfo::MaxBodyBytes);
        }
    }
    if (rest.isEmpty())
        return bytes.size();
    const qsizetype owned = bytes.size() - rest.size();
    if (head.status() == HttpHeadParser::Status::Error)
        return owned + keepUnowned(fromClient, Unowned::NotHttp, rest.size());
    if (!fromClient && !m_upgraded) {
        const qsizetype room = HandshakeInfo::MaxBodyBytes - m_body.size();
        m_body.append(rest.first(qMin(room, rest.size())));
        m_bodyTruncated |= rest.size() > room;
        m_bodyDecoder.feed(rest);
        return owned + keepUnowned(fromClient, Unowned::Body, rest.size());
    }
    FrameDecoder &decoder = fromClient ? m_clientFrames : m_serverFrames;
    if (decoder.hasFailed())
        return owned + keepUnowned(fromClient, Unowned::Undecodable, rest.size());
    if (direction.closeSeen) {
        // Decoded while kept, to show what a peer sent after its Close.
        const qsizetype keep = keepUnowned(fromClient, Unowned::AfterClose, rest.size());
        decoder.feed(rest.first(keep));
        collect(decoder, fromClient, timeUsec);
        return owned + keep;
    }
    decoder.feed(rest);
    collect(decoder, fromClient, timeUsec);
    return bytes.size();
}

qsizetype WireCapture::keepUnowned(bool fromClient, Unowned why, qsizetype size)
{
    const qsizetype keep = qsizetype(qBound<qint64>(0, MaxUnownedBytes - m_unownedKept, size));
    m_unownedKept += keep;
    if (keep < size && side(fromClient).unrecordedEvent < 0)
        side(fromClient).unrecordedWhy = why;
    return keep;
}

// Says in the capture, in one event per direction that counts on, how many
// bytes keepUnowned() left out.
void WireCapture::noteUnowned(bool fromClient, qint64 bytes, qint64 timeUsec)
{
    Direction &direction = side(fromClient);
    direction.unrecorded += bytes;
    QString why;
    switch (direction.unrecordedWhy) {
    case Unowned::Body: why = tr("the body of an answer that is not 101"); break;
    case Unowned::NotHttp: why = tr("what followed an answer that is not HTTP"); break;
    case Unowned::Undecodable: why = tr("what followed frames that cannot be decoded"); break;
    case Unowned::AfterClose: why = tr("what came after its Close frame"); break;
    }
    const QString text = (fromClient ? tr("Not recorded: %L1 bytes from the client that no message owns (%2). "
                                          "A connection keeps the first %L3 bytes of those.")
                                     : tr("Not recorded: %L1 bytes from the server that no message owns (%2). "
                                          "A connection keeps the first %L3 bytes of those."))
                             .arg(direction.unrecorded)
                             .arg(why)
                             .arg(MaxUnownedBytes);
    if (direction.unrecordedEvent >= 0) {
        m_events[size_t(direction.unrecordedEvent)].text = text;
        return;
    }
    TapRecord event;
    event.type = TapRecord::Type::NotRecorded;
    event.timeUsec = timeUsec;
    event.text = text;
    m_events.push_back(event);
    m_eventChunks.push_back(int(m_chunks.size()));
    direction.unrecordedEvent = int(m_events.size()) - 1;
    addToTimeline(TimelineItem::Type::Event, direction.unrecordedEvent);
}

void WireCapture::collect(FrameDecoder &decoder, bool fromClient, qint64 timeUsec)
{
    Direction &direction = side(fromClient);
    for (const WsFrame &frame : decoder.takeFrames()) {
        const int index = int(m_frames.size());
        const quint64 offset = quint64(direction.frameBase + frame.offset) & OffsetMask;
        m_frames.push_back({timeUsec, offset | quint64(frame.findingBits) << FindingShift
                                          | (fromClient ? FromClientBit : 0)});
        m_frameHeads.push_back(quint8((frame.fin ? 0x80 : 0) | (frame.rsv & 0x7) << 4 | (frame.opcode & 0x0F)));
        m_anyReservedBits |= frame.rsv != 0;
        for (int bit = 0; frame.findingBits != 0 && bit < FindingKinds; ++bit) {
            if (!(frame.findingBits & (1 << bit)))
                continue;
            if (m_findingCounts[size_t(bit)]++ == 0) {
                WsFrame alone = frame;
                alone.findingBits = quint16(1 << bit);
                m_findingTexts[size_t(bit)] = alone.findings().value(0);
            }
        }
        addToTimeline(TimelineItem::Type::Frame, index);
        const int counted = (frame.opcode == 0x1 || frame.opcode == 0x2) ? int(Counted::DataMessage)
            : frame.opcode == 0x9                                     ? int(Counted::Ping)
            : frame.opcode == 0xA                                     ? int(Counted::Pong)
                                                                      : -1;
        if (counted >= 0) {
            Direction::Index &kept = direction.counted[counted];
            if (kept.count % strideOf(Counted(counted)) == 0)
                kept.checkpoints.push_back(index);
            ++kept.count;
        }
        if (frame.opcode == 0x8 && !direction.closeSeen) {
            direction.closeSeen = true;
            direction.firstClose = index;
        }
    }
}

// The chunk that holds stream offset `offset`: the last one starting at or
// before it; end() when that part of the stream was dropped.
WireCapture::ChunkStarts::const_iterator WireCapture::chunkHolding(const Direction &direction, qint64 offset)
{
    auto it = std::upper_bound(direction.chunkStarts.begin(), direction.chunkStarts.end(), offset,
                               [](qint64 value, const std::pair<qint64, int> &start) { return value < start.first; });
    return it == direction.chunkStarts.begin() ? direction.chunkStarts.end() : it - 1;
}

QByteArray WireCapture::readStream(bool fromClient, qint64 offset, qint64 length) const
{
    const Direction &direction = side(fromClient);
    QByteArray out;
    if (length <= 0 || direction.chunkStarts.empty())
        return out;
    out.reserve(qsizetype(length));
    auto it = chunkHolding(direction, offset);
    if (it == direction.chunkStarts.end())
        return out;   // that part was dropped
    qint64 at = offset;
    for (; it != direction.chunkStarts.end() && out.size() < length; ++it) {
        const QByteArray &bytes = m_chunks.at(size_t(it->second)).bytes;
        const qint64 inChunk = at - it->first;
        if (inChunk >= bytes.size())
            continue;
        const qint64 take = qMin<qint64>(bytes.size() - inChunk, length - out.size());
        out.append(bytes.constData() + inChunk, qsizetype(take));
        at += take;
    }
    return out;
}

WireCapture::Frame WireCapture::frame(int index, qint64 maxPayload) const
{
    const FrameRecord &record = m_frames.at(size_t(index));
    Frame result;
    result.fromClient = record.packed & FromClientBit;
    WsFrame &frame = result.frame;
    const qint64 offset = qint64(record.packed & OffsetMask);
    frame.offset = offset - side(result.fromClient).frameBase;
    frame.timeUsec = record.timeUsec;
    frame.findingBits = quint16((record.packed >> FindingShift) & 0x7FFF);
    if (!FrameDecoder::decodeHeader(readStream(result.fromClient, offset, 14), &frame))
        return result;
    const qint64 wanted = maxPayload < 0 ? qint64(frame.payloadLength) : qMin<qint64>(qint64(frame.payloadLength), maxPayload);
    frame.payload = readStream(result.fromClient, offset + frame.headerSize, wanted);
    if (frame.masked)
        FrameDecoder::unmask(frame.payload.data(), frame.payload.size(), frame.maskKey, 0);
    if (frame.opcode == 0x8 && frame.payload.size() >= 2)
        frame.closeCode = quint8(frame.payload.at(0)) << 8 | quint8(frame.payload.at(1));
    return result;
}

int WireCapture::frameCount() const
{
    return int(m_frames.size());
}

int WireCapture::droppedFrames() const
{
    return m_droppedFrames;
}

quint8 WireCapture::frameHead(int index) const
{
    return m_frameHeads.at(size_t(index));
}

qint64 WireCapture::frameTime(int index) const
{
    return m_frames.at(size_t(index)).timeUsec;
}

bool WireCapture::frameFromClient(int index) const
{
    return m_frames.at(size_t(index)).packed & FromClientBit;
}

int WireCapture::timelineCount() const
{
    return m_timelineRows;
}

WireCapture::TimelineItem WireCapture::timelineItem(int index) const
{
    const auto run = std::upper_bound(m_timeline.begin(), m_timeline.end(), index,
                                      [](int row, const Run &r) { return row < r.firstRow; })
        - 1;
    TimelineItem item;
    item.type = run->type;
    item.index = run->firstIndex + (index - run->firstRow);
    switch (item.type) {
    case TimelineItem::Type::Event:
        item.timeUsec = m_events.at(size_t(item.index)).timeUsec;
        break;
    case TimelineItem::Type::Request:
        item.timeUsec = m_requestTime;
        break;
    case TimelineItem::Type::Response:
        item.timeUsec = m_responseTime;
        break;
    case TimelineItem::Type::Frame:
        item.timeUsec = m_frames.at(size_t(item.index)).timeUsec;
        break;
    }
    return item;
}

const HttpHead &WireCapture::requestHead() const
{
    return m_request.head();
}

const HttpHead &WireCapture::responseHead() const
{
    return m_response.head();
}

int WireCapture::messageStart(bool fromClient, int sequence) const
{
    return nthFrame(fromClient, Counted::DataMessage, sequence);
}

int WireCapture::nthFrame(bool fromClient, Counted what, int sequence) const
{
    const Direction::Index &kept = side(fromClient).counted[int(what)];
    const int at = sequence - kept.dropped;
    if (at < 0 || at >= kept.count)
        return -1;
    const auto counts = [what](int opcode) {
        switch (what) {
        case Counted::DataMessage: return opcode == 0x1 || opcode == 0x2;
        case Counted::Ping: return opcode == 0x9;
        case Counted::Pong: return opcode == 0xA;
        }
        return false;
    };
    // From the checkpoint before it, count frames of that kind in that direction.
    const int stride = strideOf(what);
    int remaining = at % stride;
    for (int i = kept.checkpoints.at(size_t(at / stride)); i < frameCount(); ++i) {
        const FrameRecord &record = m_frames[size_t(i)];
        if (bool(record.packed & FromClientBit) != fromClient || !counts(m_frameHeads[size_t(i)] & 0x0F))
            continue;
        if (remaining-- == 0)
            return i;
    }
    return -1;
}

int WireCapture::countOf(bool fromClient, Counted what) const
{
    const Direction::Index &kept = side(fromClient).counted[int(what)];
    return kept.dropped + kept.count;
}

int WireCapture::droppedCount(bool fromClient, Counted what) const
{
    return side(fromClient).counted[int(what)].dropped;
}

bool WireCapture::messageEquals(bool fromClient, int sequence, QByteArrayView data) const
{
    if (messageSize(fromClient, sequence) != data.size())
        return false;
    QByteArray chunk;
    qsizetype offset = 0;
    if (messagePayload(fromClient, sequence, &chunk, &offset) == Payload::Found)
        return QByteArrayView(chunk).sliced(offset, data.size()) == data;
    QByteArray payload;
    return messageBytes(fromClient, sequence, &payload) && QByteArrayView(payload) == data;
}

int WireCapture::chunksBeforeEvent(int index) const
{
    return m_eventChunks.at(size_t(index));
}

QList<TapRecord> WireCapture::records() const
{
    return records(0, 0);
}

QList<TapRecord> WireCapture::records(int fromChunk, int fromEvent) const
{
    QList<TapRecord> out;
    const size_t firstChunk = size_t(qMax(0, fromChunk));
    size_t event = size_t(qMax(0, fromEvent));
    out.reserve(qsizetype(m_chunks.size() - qMin(firstChunk, m_chunks.size()) + m_events.size()
                          - qMin(event, m_events.size())));
    for (size_t chunk = firstChunk; chunk <= m_chunks.size(); ++chunk) {
        for (; event < m_events.size() && size_t(m_eventChunks[event]) <= chunk; ++event)
            out.append(m_events[event]);
        if (chunk == m_chunks.size())
            break;
        const Chunk &c = m_chunks[chunk];
        TapRecord record;
        record.type = c.fromClient ? TapRecord::Type::ClientBytes : TapRecord::Type::ServerBytes;
        record.timeUsec = c.timeUsec;
        record.bytes = c.bytes;
        out.append(record);
    }
    return out;
}

int WireCapture::chunkCount() const
{
    return int(m_chunks.size());
}

int WireCapture::eventCount() const
{
    return int(m_events.size());
}

bool WireCapture::headsDone() const
{
    return m_request.status() != HttpHeadParser::Status::NeedMore
        && m_response.status() != HttpHeadParser::Status::NeedMore;
}

WireCapture::Payload WireCapture::messagePayload(bool fromClient, int sequence, QByteArray *chunk, qsizetype *offset) const
{
    const Direction::Index &kept = side(fromClient).counted[int(Counted::DataMessage)];
    if (sequence - kept.dropped >= kept.count)
        return Payload::Later;
    const int index = messageStart(fromClient, sequence);
    if (index < 0)
        return Payload::Apart;
    const Direction &direction = side(fromClient);
    const qint64 start = qint64(m_frames[size_t(index)].packed & OffsetMask);
    WsFrame frame;
    if (!FrameDecoder::decodeHeader(readStream(fromClient, start, 14), &frame) || !frame.fin || frame.masked)
        return Payload::Apart;
    const qint64 from = start + frame.headerSize;
    const qint64 to = from + qint64(frame.payloadLength);
    const auto it = chunkHolding(direction, from);
    if (it == direction.chunkStarts.end())
        return Payload::Apart;
    const QByteArray &bytes = m_chunks[size_t(it->second)].bytes;
    if (to > it->first + bytes.size())
        return Payload::Apart;
    *chunk = bytes;
    *offset = qsizetype(from - it->first);
    return Payload::Found;
}

qint64 WireCapture::messageSize(bool fromClient, int sequence) const
{
    const int start = messageStart(fromClient, sequence);
    if (start < 0)
        return -1;
    qint64 size = 0;
    bool fin = false;
    for (const int index : messageFrames(start)) {
        const Frame part = frame(index, 0);
        size += qint64(part.frame.payloadLength);
        fin = part.frame.fin;
    }
    return fin ? size : -1;
}

bool WireCapture::messageBytes(bool fromClient, int sequence, QByteArray *payload) const
{
    const qint64 size = messageSize(fromClient, sequence);
    if (size < 0 || size > qint64(std::numeric_limits<qsizetype>::max() / 2))
        return false;
    payload->clear();
    payload->reserve(qsizetype(size));
    for (const int index : messageFrames(messageStart(fromClient, sequence)))
        payload->append(frame(index).frame.payload);
    return payload->size() == size;
}

QList<int> WireCapture::messageFrames(int start) const
{
    QList<int> frames{start};
    const Frame first = frame(start, 0);
    if (first.frame.fin)
        return frames;
    for (int i = start + 1; i < frameCount(); ++i) {
        const Frame next = frame(i, 0);
        if (next.fromClient != first.fromClient || next.frame.isControl())
            continue;   // control frames may sit between fragments
        if (next.frame.opcode != 0x0)
            break;
        frames << i;
        if (next.frame.fin)
            break;
    }
    return frames;
}

bool WireCapture::closeFrameFromServer() const
{
    return m_server.closeSeen;
}

bool WireCapture::closeFrameFromClient() const
{
    return m_client.closeSeen;
}

int WireCapture::firstCloseFrame(bool fromClient) const
{
    return side(fromClient).firstClose;
}

bool WireCapture::responseComplete() const
{
    if (m_response.status() == HttpHeadParser::Status::Done && (m_upgraded || m_bodyDecoder.status() != HttpBodyDecoder::Status::NeedMore))
        return true;
    return m_serverClosed;
}

QString WireCapture::upstreamFailure() const
{
    return m_upstreamFailure;
}

qint64 WireCapture::serverBytes() const
{
    return m_server.streamBytes;
}

QString WireCapture::responseProblem() const
{
    if (m_response.status() == HttpHeadParser::Status::Error)
        return m_response.errorString();
    // A head still unfinished may already be no HTTP at all.
    static constexpr QByteArrayView Start = "HTTP/";
    if (m_response.status() == HttpHeadParser::Status::NeedMore && m_server.streamBytes > 0) {
        const QByteArray first = readStream(false, 0, qMin<qint64>(Start.size(), m_server.streamBytes));
        if (!Start.startsWith(first))
            return tr("it does not begin with \"HTTP/\", as every HTTP response does");
    }
    return {};
}

bool WireCapture::anyFrameFinding() const
{
    return std::any_of(m_findingCounts.cbegin(), m_findingCounts.cend(), [](int count) { return count > 0; });
}

bool WireCapture::anyReservedBits() const
{
    return m_anyReservedBits;
}

QStringList WireCapture::frameFindings() const
{
    QStringList out;
    for (size_t bit = 0; bit < m_findingCounts.size(); ++bit) {
        if (m_findingCounts[bit] > 0)
            out << tr("%n frame(s): %1", nullptr, m_findingCounts[bit]).arg(m_findingTexts[bit]);
    }
    return out;
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

const std::vector<WireCapture::Chunk> &WireCapture::chunks() const
{
    return m_chunks;
}

const std::vector<TapRecord> &WireCapture::events() const
{
    return m_events;
}

HandshakeInfo::AcceptCheck WireCapture::acceptCheck(const QByteArray &key, const QByteArray &received)
{
    HandshakeInfo::AcceptCheck check;
    check.available = !key.isEmpty();
    check.key = key;
    const QByteArray digest =
        QCryptographicHash::hash(QByteArray(key + HandshakeInfo::Guid.toByteArray()), QCryptographicHash::Sha1);
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
            if (!head.has("Sec-WebSocket-Accept"))
                info.findings << tr("The 101 has no Sec-WebSocket-Accept header.");
            else if (!info.accept.matches)
                info.findings << tr("Sec-WebSocket-Accept does not match the key that was sent.");
            // What RFC 6455 4.1 asks of the 101, and what Qt 6.4 checks more strictly.
            if (head.version != "HTTP/1.1")
                info.findings << tr("The 101 is %1, not HTTP/1.1.").arg(QString::fromLatin1(head.version.left(20)));
            const QByteArray upgrade = head.value("Upgrade");
            if (!head.has("Upgrade"))
                info.findings << tr("The 101 has no Upgrade header (it must be Upgrade: websocket).");
            else if (upgrade.compare("websocket", Qt::CaseInsensitive) != 0)
                info.findings << tr("The 101 says Upgrade: %1, not websocket.").arg(QString::fromLatin1(upgrade.left(100)));
            const QByteArray connection = head.value("Connection");
            bool listsUpgrade = false;
            for (const QByteArray &token : connection.split(','))
                listsUpgrade |= token.trimmed().compare("upgrade", Qt::CaseInsensitive) == 0;
            if (!head.has("Connection"))
                info.findings << tr("The 101 has no Connection header (it must be Connection: Upgrade).");
            else if (!listsUpgrade)
                info.findings << tr("The 101 says Connection: %1, without Upgrade.").arg(QString::fromLatin1(connection.left(100)));
            else if (connection.compare("upgrade", Qt::CaseInsensitive) != 0)
                info.findings << tr("The 101 says Connection: %1. RFC 6455 allows other tokens beside Upgrade, "
                                    "but Qt 6.4 accepts only exactly \"Upgrade\".")
                                     .arg(QString::fromLatin1(connection.left(100)));
            if (!info.extensions.isEmpty() && !m_request.head().has("Sec-WebSocket-Extensions"))
                info.findings << tr("The server chose the extension %1, but none was offered.").arg(info.extensions);
            // RFC 6455 4.1: the server may only choose one of the subprotocols offered.
            if (!info.subprotocol.isEmpty()) {
                QStringList offered;
                for (const QByteArray &value : m_request.head().values("Sec-WebSocket-Protocol")) {
                    for (const QByteArray &name : value.split(','))
                        offered << QString::fromLatin1(name.trimmed());
                }
                if (!offered.contains(info.subprotocol)) {
                    info.findings << (offered.isEmpty()
                                          ? tr("The server chose the subprotocol %1, but none was offered.").arg(info.subprotocol)
                                          : tr("The server chose the subprotocol %1, which was not offered (offered: %2).")
                                                .arg(info.subprotocol, offered.join(QStringLiteral(", "))));
                }
            }
        }
    } else if (m_response.status() == HttpHeadParser::Status::Error) {
        info.findings << tr("Server answer: %1").arg(m_response.errorString());
        // Show what came back even when it is not HTTP.
        info.responseBody = readStream(false, 0, HandshakeInfo::MaxBodyBytes);
    }
    if (!m_body.isEmpty()) {
        info.responseBody = m_body;
        info.responseBodyTruncated = m_bodyTruncated;
        // The body ends where its framing says, whatever follows it.
        const HttpBodyDecoder::Framing framing = m_bodyDecoder.framing();
        if (framing == HttpBodyDecoder::Framing::Chunked
            || (framing == HttpBodyDecoder::Framing::Length && m_bodyDecoder.status() != HttpBodyDecoder::Status::Error)) {
            info.responseBody = m_bodyDecoder.decoded();
            info.responseBodyTruncated = m_bodyDecoder.truncated();
        }
        if (framing == HttpBodyDecoder::Framing::Chunked)
            info.responseBodyRaw = m_body;
    }
    if (m_response.status() == HttpHeadParser::Status::Done && !m_upgraded
        && m_bodyDecoder.status() == HttpBodyDecoder::Status::Error)
        info.findings << tr("Response body: %1").arg(m_bodyDecoder.errorString());
    info.timing.dns = span(m_connectTime, m_dnsTime);
    info.timing.tcp = span(m_dnsTime, m_tcpTime);
    info.timing.tls = span(m_tcpTime, m_tlsTime);
    info.timing.tunnel = span(m_tlsTime >= 0 ? m_tlsTime : m_tcpTime, m_requestTime);
    info.timing.upgrade = span(m_requestTime, m_responseTime);
    info.timing.total = span(m_connectTime, m_responseTime);
    info.startUsec = m_connectTime;
    info.requestUsec = m_requestTime;
    info.responseUsec = m_responseTime;
    info.serverAddress = m_serverAddress;
    info.hasTls = m_hasTls;
    info.tls = m_tls;
    if (!m_upstreamFailure.isEmpty())
        info.failure = m_upstreamFailure;
    info.findings += streamFailures();
    for (const TapRecord &event : m_events) {
        if (event.type == TapRecord::Type::NotRecorded)
            info.findings << event.text;
    }
    return info;
}
