#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>
#include <QStringList>

#include <vector>

// One RFC 6455 frame as it was on the wire, with its payload unmasked.
struct WsFrame
{
    enum class LengthEncoding : quint8 { Bits7, Bits16, Bits64 };

    bool fin = false;
    quint8 rsv = 0;                  // RSV1..RSV3 as bits 2..0
    quint8 opcode = 0;
    bool masked = false;
    quint32 maskKey = 0;
    LengthEncoding lengthEncoding = LengthEncoding::Bits7;
    quint64 payloadLength = 0;
    int headerSize = 0;
    QByteArray payload;              // unmasked
    int closeCode = -1;              // for Close frames with a payload
    QByteArray closeReason;
    QStringList findings;            // protocol problems seen in this frame
    qint64 timeUsec = 0;             // when its last byte arrived (set by the capture)
    qint64 offset = 0;               // of its first byte in its direction's stream

    bool isControl() const { return opcode & 0x8; }
    static QString opcodeName(quint8 opcode);
};

// Incremental decoder for one direction of a WebSocket stream. Bytes go in in
// pieces of any size; complete frames come out. Malformed frames are decoded
// as far as possible and carry findings; only a length that cannot be real
// (64-bit with the high bit set) stops the decoder, since nothing after it can
// be framed.
class FrameDecoder
{
public:
    enum class Direction { ClientToServer, ServerToClient };

    explicit FrameDecoder(Direction direction);

    void feed(QByteArrayView data);
    // Frames completed since the last call.
    std::vector<WsFrame> takeFrames();
    bool hasFailed() const;
    QString failure() const;
    // Bytes of a frame that has begun but not ended.
    qsizetype bufferedBytes() const;
    qint64 streamOffset() const;

private:
    bool decodeOne();
    void check(WsFrame &frame);

    Direction m_direction;
    QByteArray m_buffer;
    qsizetype m_pos = 0;
    qint64 m_consumed = 0;         // stream offset of m_buffer[m_pos]
    std::vector<WsFrame> m_ready;
    bool m_inFragmentedMessage = false;
    QString m_failure;
};
