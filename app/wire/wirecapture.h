#pragma once

#include "session/handshakeinfo.h"
#include "wire/framedecoder.h"
#include "wire/httphead.h"
#include "wire/taprecord.h"

#include <QObject>

#include <array>
#include <vector>

// Everything the tap recorded for one connection, decoded: the raw byte
// stream in both directions, the upgrade request and response, the frames,
// the timings and the TLS facts. Fed in batches; announces in batches.
//
// It is built to hold millions of frames: the bytes are kept once, as the
// tap's chunks, and a frame costs 16 bytes (its time and where it starts);
// everything else about it is read back from the bytes when asked for. The
// timeline is kept as runs (a thousand frames in a row are one run), and the
// message index as one entry every MessageStride messages (and every ping and pong).
class WireCapture : public QObject
{
    Q_OBJECT

public:
    struct Chunk
    {
        qint64 timeUsec = 0;
        bool fromClient = false;
        QByteArray bytes;
    };

    struct Frame
    {
        WsFrame frame;
        bool fromClient = false;
    };

    // One row of the connection's life on the wire, in the order it happened.
    struct TimelineItem
    {
        enum class Type : quint8 { Event, Request, Response, Frame };
        Type type = Type::Event;
        int index = 0;          // into events() or frames(); unused for Request/Response
        qint64 timeUsec = 0;
    };

    // Bytes that no message will ever own (the body of an answer that is not
    // 101, what follows an answer that is not HTTP or frames that cannot be
    // decoded, what follows a Close frame) are kept up to this many per
    // connection; the rest is counted, not kept.
    static constexpr qint64 MaxUnownedBytes = 1024 * 1024;

    explicit WireCapture(QObject *parent = nullptr);
    ~WireCapture() override;
    Q_DISABLE_COPY_MOVE(WireCapture)

    void addRecords(const QList<TapRecord> &batch);
    void setTls(const TapTls &tls);
    // Forgets everything, for a new connection.
    void clear();
    // Gives back the memory of what was captured so far but goes on decoding
    // the connection in progress.
    void dropHistory();
    // False once dropHistory() gave bytes of the connection back.
    bool isComplete() const;

    HandshakeInfo handshake() const;
    const std::vector<Chunk> &chunks() const;
    const std::vector<TapRecord> &events() const;
    int frameCount() const;
    // Frames given back by dropHistory(): frame index i is the connection's
    // frame number droppedFrames() + i.
    int droppedFrames() const;
    // A frame's first byte (FIN, RSV bits, opcode), its time (when the tap
    // read its last byte) and direction, without reading its bytes back.
    quint8 frameHead(int index) const;
    qint64 frameTime(int index) const;
    bool frameFromClient(int index) const;
    // The frame with its payload, or its first maxPayload bytes (-1: all).
    Frame frame(int index, qint64 maxPayload = -1) const;
    int timelineCount() const;
    TimelineItem timelineItem(int index) const;
    const HttpHead &requestHead() const;
    const HttpHead &responseHead() const;
    // What a log row can be the n-th of, per direction.
    enum class Counted { DataMessage, Ping, Pong };
    // The first frame of a direction's data message number `sequence` (0 for
    // the connection's first), or -1 when it is not (or no longer) held.
    int messageStart(bool fromClient, int sequence) const;
    // Likewise for any Counted kind: the frame of the sequence-th ping, say.
    int nthFrame(bool fromClient, Counted what, int sequence) const;
    // How many of them the connection has had so far, dropped ones included.
    int countOf(bool fromClient, Counted what) const;
    // How many of them dropHistory() gave back: the first one still held is
    // number droppedCount().
    int droppedCount(bool fromClient, Counted what) const;
    // Whether data message `sequence` is held whole and is exactly `data`.
    bool messageEquals(bool fromClient, int sequence, QByteArrayView data) const;
    // Where event `index` came among the tap's records: after this many
    // chunks. With chunks() and events(), the records as the tap sent them.
    int chunksBeforeEvent(int index) const;
    // The tap's records as they came, to feed another capture (a saved
    // session's, say): equal to what this one was fed while isComplete().
    QList<TapRecord> records() const;
    // Only the records from chunk `fromChunk` and event `fromEvent` on: what
    // came since records up to there were taken.
    QList<TapRecord> records(int fromChunk, int fromEvent) const;
    int chunkCount() const;
    int eventCount() const;
    // Both HTTP heads have been read (or found broken): the bytes that can
    // hold credentials have all arrived.
    bool headsDone() const;
    // Where the payload of a direction's data message number `sequence` is
    // kept, when it lies whole in one chunk: *chunk shares that chunk's bytes
    // and *offset is where the payload starts in them. A message that is not
    // one unmasked frame in one chunk is Apart; one not decoded yet is Later.
    enum class Payload { Found, Later, Apart };
    Payload messagePayload(bool fromClient, int sequence, QByteArray *chunk, qsizetype *offset) const;
    // Frames of the message that starts at frame index `start`.
    QList<int> messageFrames(int start) const;
    // The size of a direction's data message number `sequence` (its frames'
    // payloads together), or -1 when it is not wholly held: not decoded yet,
    // given back, or its last fragment has not come.
    qint64 messageSize(bool fromClient, int sequence) const;
    // Its payload, unmasked, its fragments joined; false as for messageSize().
    bool messageBytes(bool fromClient, int sequence, QByteArray *payload) const;
    // Whether a Close frame was seen in each direction, and the first one's index (-1: none held).
    bool closeFrameFromServer() const;
    bool closeFrameFromClient() const;
    int firstCloseFrame(bool fromClient) const;
    // The server's answer is all in: a 101 head, or a head and its whole
    // body (by its framing), or the server has closed the connection.
    bool responseComplete() const;
    QString upstreamFailure() const;
    // Bytes the server has sent so far, and why its answer is not a usable
    // HTTP response head (empty while it may still become one).
    qint64 serverBytes() const;
    QString responseProblem() const;
    QStringList streamFailures() const;
    // Every kind of protocol finding the connection's frames had, with how
    // many frames had it: "3 frames: A server frame must not be masked."
    // Frames given back by dropHistory() still count.
    QStringList frameFindings() const;
    // Whether any frame of the connection so far had a protocol finding, or
    // RSV bits set: known without reading a frame back.
    bool anyFrameFinding() const;
    bool anyReservedBits() const;

    static HandshakeInfo::AcceptCheck acceptCheck(const QByteArray &key, const QByteArray &received);

Q_SIGNALS:
    // clear() or dropHistory() is about to forget what was captured: read it now if need be.
    void aboutToClear();
    void handshakeChanged();
    void timelineAdded(int first, int last);
    void cleared();

private:
    // Why bytes belong to no message.
    enum class Unowned : quint8 { Body, NotHttp, Undecodable, AfterClose };
    struct FrameRecord
    {
        qint64 timeUsec;
        // Stream offset of the frame (48 bits), its finding bits (12) and direction (top bit).
        quint64 packed;
    };
    using ChunkStarts = std::vector<std::pair<qint64, int>>;
    struct Direction
    {
        ChunkStarts chunkStarts;                           // stream offset -> chunk index
        qint64 streamBytes = 0;
        qint64 frameBase = -1;                             // stream offset where frames begin
        struct Index
        {
            std::vector<int> checkpoints;   // frame index of item 0, Stride, 2 * Stride, …
            int count = 0;
            int dropped = 0;
        };
        Index counted[3];                   // by Counted
        int firstClose = -1;
        bool closeSeen = false;
        qint64 unrecorded = 0;                             // bytes past MaxUnownedBytes
        int unrecordedEvent = -1;                          // the event that counts them
        Unowned unrecordedWhy = Unowned::Body;
        bool inFragmentedMessage = false;
    };

    // Decodes bytes of one direction; returns how many of them to keep (the
    // rest is past MaxUnownedBytes).
    qsizetype feed(bool fromClient, const QByteArray &bytes, qint64 timeUsec);
    qsizetype keepUnowned(bool fromClient, Unowned why, qsizetype size);
    void noteUnowned(bool fromClient, qint64 bytes, qint64 timeUsec);
    void collect(FrameDecoder &decoder, bool fromClient, qint64 timeUsec);
    QByteArray readStream(bool fromClient, qint64 offset, qint64 length) const;
    static ChunkStarts::const_iterator chunkHolding(const Direction &direction, qint64 offset);
    Direction &side(bool fromClient) { return fromClient ? m_client : m_server; }
    const Direction &side(bool fromClient) const { return fromClient ? m_client : m_server; }


    std::vector<Chunk> m_chunks;
    std::vector<TapRecord> m_events;
    std::vector<int> m_eventChunks;   // per event: chunks before it
    std::vector<FrameRecord> m_frames;
    std::vector<quint8> m_frameHeads;   // per frame: its first byte
    int m_droppedFrames = 0;
    struct Run
    {
        int firstRow;
        TimelineItem::Type type;
        int firstIndex;
    };
    void addToTimeline(TimelineItem::Type type, int index);
    std::vector<Run> m_timeline;
    int m_timelineRows = 0;
    static constexpr int MessageStride = 16;
    // Pings and pongs are few beside data but are looked up as they come (a
    // server's ping becomes a row): each has its entry, so finding one never
    // walks the data frames between them.
    static constexpr int strideOf(Counted what) { return what == Counted::DataMessage ? MessageStride : 1; }
    Direction m_client;
    Direction m_server;
    HttpHeadParser m_request{HttpHeadParser::Kind::Request};
    HttpHeadParser m_response{HttpHeadParser::Kind::Response};
    FrameDecoder m_clientFrames{FrameDecoder::Direction::ClientToServer, FrameDecoder::PayloadMode::Skip};
    FrameDecoder m_serverFrames{FrameDecoder::Direction::ServerToClient, FrameDecoder::PayloadMode::Skip};
    QByteArray m_body;              // after a non-101 head, as on the wire
    bool m_bodyTruncated = false;
    qint64 m_unownedKept = 0;       // of MaxUnownedBytes, both directions
    HttpBodyDecoder m_bodyDecoder;
    bool m_serverClosed = false;
    bool m_upgraded = false;
    qint64 m_connectTime = -1;
    qint64 m_dnsTime = -1;
    qint64 m_tcpTime = -1;
    qint64 m_tlsTime = -1;
    qint64 m_requestTime = -1;
    qint64 m_responseTime = -1;
    bool m_hasTls = false;
    TapTls m_tls;
    QString m_upstreamFailure;
    QString m_serverAddress;
    bool m_historyDropped = false;
    // Per finding bit: how many frames had it, and the first one's text.
    static constexpr int FindingKinds = 12;
    std::array<int, FindingKinds> m_findingCounts{};
    std::array<QString, FindingKinds> m_findingTexts;
    bool m_anyReservedBits = false;
};
