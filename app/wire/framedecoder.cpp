#include "framedecoder.h"

#include <QCoreApplication>
#include <QStringDecoder>
#include <QtEndian>

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("FrameDecoder", text);
}

constexpr int MaxControlPayload = 125;

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

FrameDecoder::FrameDecoder(Direction direction)
    : m_direction(direction)
{
}

void FrameDecoder::feed(QByteArrayView data)
{
    if (!m_failure.isEmpty() || data.isEmpty())
        return;
    m_buffer.append(data);
    while (decodeOne()) {
    }
    // Keep the buffer small: drop what has been decoded.
    if (m_pos > 0) {
        m_buffer.remove(0, m_pos);
        m_pos = 0;
    }
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

qsizetype FrameDecoder::bufferedBytes() const
{
    return m_buffer.size() - m_pos;
}

qint64 FrameDecoder::streamOffset() const
{
    return m_consumed;
}

bool FrameDecoder::decodeOne()
{
    const qsizetype available = m_buffer.size() - m_pos;
    if (available < 2)
        return false;
    const auto *p = reinterpret_cast<const uchar *>(m_buffer.constData() + m_pos);

    WsFrame frame;
    frame.fin = p[0] & 0x80;
    frame.rsv = quint8((p[0] >> 4) & 0x7);
    frame.opcode = p[0] & 0x0F;
    frame.masked = p[1] & 0x80;
    const quint8 length7 = p[1] & 0x7F;
    qsizetype header = 2;
    if (length7 == 126) {
        header += 2;
        if (available < header)
            return false;
        frame.lengthEncoding = WsFrame::LengthEncoding::Bits16;
        frame.payloadLength = qFromBigEndian<quint16>(p + 2);
    } else if (length7 == 127) {
        header += 8;
        if (available < header)
            return false;
        frame.lengthEncoding = WsFrame::LengthEncoding::Bits64;
        frame.payloadLength = qFromBigEndian<quint64>(p + 2);
        if (frame.payloadLength >> 63) {
            m_failure = tr("Frame at byte %1 has a 64-bit length with the most significant bit set; "
                           "nothing after it can be decoded.").arg(m_consumed);
            return false;
        }
    } else {
        frame.payloadLength = length7;
    }
    if (frame.masked) {
        header += 4;
        if (available < header)
            return false;
        frame.maskKey = qFromBigEndian<quint32>(p + header - 4);
    }
    // Compare without converting an untrusted 63-bit length to a signed size.
    if (quint64(available - header) < frame.payloadLength)
        return false;

    const qsizetype length = qsizetype(frame.payloadLength);
    frame.headerSize = int(header);
    frame.offset = m_consumed;
    frame.payload = m_buffer.mid(m_pos + header, length);
    if (frame.masked) {
        uchar key[4];
        qToBigEndian(frame.maskKey, key);
        char *data = frame.payload.data();
        for (qsizetype i = 0; i < length; ++i)
            data[i] = char(data[i] ^ key[i & 3]);
    }
    m_pos += header + length;
    m_consumed += header + length;
    check(frame);
    m_ready.push_back(std::move(frame));
    return true;
}

void FrameDecoder::check(WsFrame &frame)
{
    const bool fromClient = m_direction == Direction::ClientToServer;
    if (fromClient && !frame.masked)
        frame.findings << tr("A client frame must be masked.");
    if (!fromClient && frame.masked)
        frame.findings << tr("A server frame must not be masked.");
    if (frame.rsv)
        frame.findings << tr("Reserved bits set (RSV %1) with no extension negotiated.").arg(frame.rsv, 3, 2, QLatin1Char('0'));
    const bool reserved = (frame.opcode >= 0x3 && frame.opcode <= 0x7) || frame.opcode >= 0xB;
    if (reserved)
        frame.findings << tr("Reserved opcode 0x%1.").arg(frame.opcode, 1, 16);

    // The minimal length encoding is required (RFC 6455 section 5.2).
    if ((frame.lengthEncoding == WsFrame::LengthEncoding::Bits16 && frame.payloadLength < 126)
        || (frame.lengthEncoding == WsFrame::LengthEncoding::Bits64 && frame.payloadLength <= 0xFFFF))
        frame.findings << tr("Payload length %1 is not in its shortest encoding.").arg(frame.payloadLength);

    if (frame.isControl() && !reserved) {
        if (frame.payloadLength > MaxControlPayload)
            frame.findings << tr("Control frame with %1 bytes of payload; at most 125 are allowed.").arg(frame.payloadLength);
        if (!frame.fin)
            frame.findings << tr("Control frame is fragmented (FIN not set).");
        if (frame.opcode == 0x8) {
            if (frame.payload.size() == 1) {
                frame.findings << tr("Close payload of one byte: a close code needs two.");
            } else if (frame.payload.size() >= 2) {
                frame.closeCode = qFromBigEndian<quint16>(frame.payload.constData());
                frame.closeReason = frame.payload.mid(2);
                if (!isValidCloseCode(frame.closeCode))
                    frame.findings << tr("Close code %1 may not be sent on the wire.").arg(frame.closeCode);
                if (!isValidUtf8(frame.closeReason))
                    frame.findings << tr("Close reason is not valid UTF-8.");
            }
        }
        return;
    }
    if (reserved)
        return;
    if (frame.opcode == 0x0) {
        if (!m_inFragmentedMessage)
            frame.findings << tr("Continuation frame with no message to continue.");
        if (frame.fin)
            m_inFragmentedMessage = false;
    } else {
        if (m_inFragmentedMessage)
            frame.findings << tr("New data frame while a fragmented message is unfinished.");
        m_inFragmentedMessage = !frame.fin;
    }
}
