#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QCoreApplication>
#include <QString>
#include <QStringList>

#include <vector>

// One RFC 6455 frame as it was on the wire.
struct WsFrame
{
    enum class LengthEncoding : quint8 { Bits7, Bits16, Bits64 };

    // Protocol problems, as bits so that a capture of millions of frames stays small.
    enum Finding : quint16 {
        UnmaskedClientFrame = 1 << 0,
        MaskedServerFrame = 1 << 1,
        ReservedBits = 1 << 2,
        ReservedOpcode = 1 << 3,
        LongLengthEncoding = 1 << 4,
        ControlTooLong = 1 << 5,
        ControlFragmented = 1 << 6,
        CloseOneByte = 1 << 7,
        CloseCodeNotAllowed = 1 << 8,
        CloseReasonNotUtf8 = 1 << 9,
        OrphanContinuation = 1 << 10,
        InterleavedDataFrame = 1 << 11,
    };

    qint64 offset = 0;               // of its first byte in its direction's stream
    qint64 timeUsec = 0;             // when its last byte arrived (set by the capture)
    quint64 payloadLength = 0;
    quint32 maskKey = 0;
    int closeCode = -1;              // for Close frames with a payload
    quint16 findingBits = 0;
    quint8 opcode = 0;
    quint8 rsv = 0;                  // RSV1..RSV3 as bits 2..0
    quint8 headerSize = 0;
    LengthEncoding lengthEncoding = LengthEncoding::Bits7;
    bool fin = false;
    bool masked = false;
    // Unmasked. With PayloadMode::Keep every payload; with Skip only those of
    // control frames (at most 125 bytes are kept).
    QByteArray payload;

    bool isControl() const { return opcode & 0x8; }
    QByteArray closeReason() const;
    QStringList findings() const;
    static QString opcodeName(quint8 opcode);

    Q_DECLARE_TR_FUNCTIONS(WsFrame)   // last: it ends in private:
};

// Incremental decoder for one direction of a WebSocket stream. Bytes go in in
// pieces of any size; complete frames come out. It buffers only a header
// (at most 14 bytes) and, when asked to keep payloads, the payload of the
// frame in progress. Malformed frames are decoded as far as possible and
// carry findings; only a length that cannot be real (64-bit with the high bit
// set) stops the decoder, since nothing after it can be framed.
class FrameDecoder
{
public:
    enum class Direction { ClientToServer, ServerToClient };
    enum class PayloadMode { Keep, Skip };

    explicit FrameDecoder(Direction direction, PayloadMode mode = PayloadMode::Keep);

    void feed(QByteArrayView data);
    // Frames completed since the last call.
    std::vector<WsFrame> takeFrames();
    bool hasFailed() const;
    QString failure() const;
    // Bytes of a frame that has begun but not ended.
    qint64 bufferedBytes() const;
    // The payload length the frame in progress announced, once its header is
    // in; 0 otherwise. What a reader can refuse before the payload comes.
    quint64 announcedPayload() const;
    qint64 streamOffset() const;

    static constexpr int MaxControlPayload = 125;

    // Reads a frame header from the start of bytes into *frame (all fields
    // but offset, payload and findings). False when bytes hold less than the
    // whole header.
    static bool decodeHeader(QByteArrayView bytes, WsFrame *frame);
    // XORs a piece of payload that starts `position` bytes into the payload.
    static void unmask(char *data, qsizetype length, quint32 key, quint64 position);

private:
    bool parseHeader();
    void finishFrame();
    void check(WsFrame &frame);

    Direction m_direction;
    PayloadMode m_mode;
    char m_header[14];               // bytes of the header in progress
    int m_headerBytes = 0;
    WsFrame m_frame;                 // the frame in progress, once its header is known
    bool m_inPayload = false;
    quint64 m_payloadSeen = 0;
    qint64 m_consumed = 0;           // stream bytes fed so far
    qint64 m_frameStart = 0;         // where the frame in progress began
    std::vector<WsFrame> m_ready;
    bool m_inFragmentedMessage = false;
    QString m_failure;
};
