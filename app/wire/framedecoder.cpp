#include "framedecoder.h"

#include <QCoreApplication>
#include <QStringDecoder>
#include <QtEndian>

#include <cstring>

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("FrameDecoder", text);
}

bool isValidUtf8(QByteArrayView bytes)
{
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    const QString text = decoder.decode(bytes);
    return !decoder.hasError();
}

bool isValidCloseCode(int code)
{
    return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
}

} // namespace

void FrameDecoder::unmask(char *data, qsizetype length, quint32 key, quint64 position)
{
    uchar bytes[4];
    qToBigEndian(key, bytes);
    for (qsizetype i = 0; i < length; ++i)
        data[i] = char(data[i] ^ bytes[(position + quint64(i)) & 3]);
}

QByteArray WsFrame::closeReason() const
{
    return opcode == 0x8 && payload.size() > 2 ? payload.mid(2) : QByteArray();
}

QStringList WsFrame::findings() const
{
    QStringList out;
    if (findingBits & UnmaskedClientFrame)
        out << tr("A client frame must be masked.");
    if (findingBits & MaskedServerFrame)
        out << tr("A server frame must not be masked.");
    if (findingBits & ReservedBits)
        out << tr("Reserved bits set (RSV %1) with no extension negotiated.").arg(rsv, 3, 2, QLatin1Char('0'));
    if (findingBits & ReservedOpcode)
        out << tr("Reserved opcode 0x%1.").arg(opcode, 1, 16);
    if (findingBits & LongLengthEncoding)
        out << tr("Payload length %1 is not in its shortest encoding.").arg(payloadLength);
    if (findingBits & ControlTooLong)
        out << tr("Control frame with %1 bytes of payload; at most 125 are allowed.").arg(payloadLength);
    if (findingBits & ControlFragmented)
        out << tr("Control frame is fragmented (FIN not set).");
    if (findingBits & CloseOneByte)
        out << tr("Close payload of one byte: a close code needs two.");
    if (findingBits & CloseCodeNotAllowed)
        out << tr("Close code %1 may not be sent on the wire.").arg(closeCode);
    if (findingBits & CloseReasonNotUtf8)
        out << tr("Close reason is not valid UTF-8.");
    if (findingBits & OrphanContinuation)
        out << tr("Continuation frame with no message to continue.");
    if (findingBits & InterleavedDataFrame)
        out << tr("New data frame while a fragmented message is unfinished.");
    return out;
}

QString WsFrame::opcodeName(quint8 opcode)
{
    switch (opcode) {
    case 0x0: return QStringLiteral("continuation");
    case 0x1: return QStringLiteral("text");
    case 0x2: return QStringLiteral("binary");
    case 0x8: return QStringLiteral("close");
    case 0x9: return QStringLiteral("ping");
    case 0xA: return QStringLiteral("pong");
    default: return QStringLiteral("reserved 0x%1").arg(opcode, 1, 16);
    }
}

FrameDecoder::FrameDecoder(Direction direction, PayloadMode mode)
    : m_direction(direction)
    , m_mode(mode)
{
}

void FrameDecoder::feed(QByteArrayView data)
{
    while (!data.isEmpty() && m_failure.isEmpty()) {
        if (!m_inPayload) {
            // Take header bytes one piece at a time: at most what a header can need.
            if (m_headerBytes == 0)
                m_frameStart = m_consumed;
            const qsizetype want = qMin<qsizetype>(data.size(), qsizetype(sizeof m_header) - m_headerBytes);
            const qsizetype before = m_headerBytes;
            memcpy(m_header + m_headerBytes, data.data(), size_t(want));
            m_headerBytes += int(want);
            if (!parseHeader()) {
                if (!m_failure.isEmpty())
                    return;
                m_consumed += want;
                data = data.sliced(want);
                continue;
            }
            // parseHeader() knows the header size: give back what belongs to the payload.
            const qsizetype used = m_frame.headerSize - before;
            m_consumed += used;
            data = data.sliced(used);
            m_headerBytes = 0;
            m_inPayload = true;
            m_payloadSeen = 0;
            if (m_frame.payloadLength == 0) {
                finishFrame();
                continue;
            }
        }
        const quint64 remaining = m_frame.payloadLength - m_payloadSeen;
        const qsizetype take = qsizetype(qMin<quint64>(remaining, quint64(data.size())));
        const bool keep = m_mode == PayloadMode::Keep
            || (m_frame.isControl() && m_payloadSeen < quint64(MaxControlPayload));
        if (keep) {
            const qsizetype room = m_mode == PayloadMode::Keep
                ? take
                : qMin<qsizetype>(take, qsizetype(MaxControlPayload - m_payloadSeen));
            const qsizetype at = m_frame.payload.size();
            m_frame.payload.append(data.first(room));
            if (m_frame.masked)
                unmask(m_frame.payload.data() + at, room, m_frame.maskKey, m_payloadSeen);
        }
        m_payloadSeen += quint64(take);
        m_consumed += take;
        data = data.sliced(take);
        if (m_payloadSeen == m_frame.payloadLength)
            finishFrame();
    }
}

bool FrameDecoder::decodeHeader(QByteArrayView bytes, WsFrame *frame)
{
    const qsizetype available = bytes.size();
    if (available < 2)
        return false;
    const auto *p = reinterpret_cast<const uchar *>(bytes.data());
    frame->fin = p[0] & 0x80;
    frame->rsv = quint8((p[0] >> 4) & 0x7);
    frame->opcode = p[0] & 0x0F;
    frame->masked = p[1] & 0x80;
    const quint8 length7 = p[1] & 0x7F;
    qsizetype header = 2;
    if (length7 == 126) {
        header += 2;
        if (available < header)
            return false;
        frame->lengthEncoding = WsFrame::LengthEncoding::Bits16;
        frame->payloadLength = qFromBigEndian<quint16>(p + 2);
    } else if (length7 == 127) {
        header += 8;
        if (available < header)
            return false;
        frame->lengthEncoding = WsFrame::LengthEncoding::Bits64;
        frame->payloadLength = qFromBigEndian<quint64>(p + 2);
    } else {
        frame->lengthEncoding = WsFrame::LengthEncoding::Bits7;
        frame->payloadLength = length7;
    }
    if (frame->masked) {
        header += 4;
        if (available < header)
            return false;
        frame->maskKey = qFromBigEndian<quint32>(p + header - 4);
    }
    frame->headerSize = quint8(header);
    return true;
}

bool FrameDecoder::parseHeader()
{
    WsFrame frame;
    if (!decodeHeader(QByteArrayView(m_header, m_headerBytes), &frame))
        return false;
    if (frame.payloadLength >> 63) {
        m_failure = tr("Frame at byte %1 has a 64-bit length with the most significant bit set; "
                       "nothing after it can be decoded.").arg(m_frameStart);
        return false;
    }
    frame.offset = m_frameStart;
    m_frame = std::move(frame);
    return true;
}

void FrameDecoder::finishFrame()
{
    check(m_frame);
    m_ready.push_back(std::move(m_frame));
    m_frame = WsFrame();
    m_inPayload = false;
}

std::vector<WsFrame> FrameDecoder::takeFrames()
{
    return std::exchange(m_ready, {});
}

bool FrameDecoder::hasFailed() const
{
    return !m_failure.isEmpty();
}

QString FrameDecoder::failure() const
{
    return m_failure;
}

qint64 FrameDecoder::bufferedBytes() const
{
    return m_inPayload ? qint64(m_frame.headerSize) + qint64(m_payloadSeen) : m_headerBytes;
}

quint64 FrameDecoder::announcedPayload() const
{
    return m_inPayload ? m_frame.payloadLength : 0;
}

qint64 FrameDecoder::streamOffset() const
{
    return m_consumed;
}

void FrameDecoder::check(WsFrame &frame)
{
    quint16 &bits = frame.findingBits;
    const bool fromClient = m_direction == Direction::ClientToServer;
    if (fromClient && !frame.masked)
        bits |= WsFrame::UnmaskedClientFrame;
    if (!fromClient && frame.masked)
        bits |= WsFrame::MaskedServerFrame;
    if (frame.rsv)
        bits |= WsFrame::ReservedBits;
    const bool reserved = (frame.opcode >= 0x3 && frame.opcode <= 0x7) || frame.opcode >= 0xB;
    if (reserved)
        bits |= WsFrame::ReservedOpcode;
    // The minimal length encoding is required (RFC 6455 section 5.2).
    if ((frame.lengthEncoding == WsFrame::LengthEncoding::Bits16 && frame.payloadLength < 126)
        || (frame.lengthEncoding == WsFrame::LengthEncoding::Bits64 && frame.payloadLength <= 0xFFFF))
        bits |= WsFrame::LongLengthEncoding;

    if (frame.isControl() && !reserved) {
        if (frame.payloadLength > quint64(MaxControlPayload))
            bits |= WsFrame::ControlTooLong;
        if (!frame.fin)
            bits |= WsFrame::ControlFragmented;
        if (frame.opcode == 0x8) {
            if (frame.payloadLength == 1) {
                bits |= WsFrame::CloseOneByte;
            } else if (frame.payload.size() >= 2) {
                frame.closeCode = qFromBigEndian<quint16>(frame.payload.constData());
                if (!isValidCloseCode(frame.closeCode))
                    bits |= WsFrame::CloseCodeNotAllowed;
                if (!isValidUtf8(QByteArrayView(frame.payload).sliced(2)))
                    bits |= WsFrame::CloseReasonNotUtf8;
            }
        }
        return;
    }
    if (reserved)
        return;
    if (frame.opcode == 0x0) {
        if (!m_inFragmentedMessage)
            bits |= WsFrame::OrphanContinuation;
        if (frame.fin)
            m_inFragmentedMessage = false;
    } else {
        if (m_inFragmentedMessage)
            bits |= WsFrame::InterleavedDataFrame;
        m_inFragmentedMessage = !frame.fin;
    }
}
