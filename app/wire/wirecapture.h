#pragma once

#include "session/handshakeinfo.h"
#include "wire/framedecoder.h"
#include "wire/httphead.h"
#include "wire/taprecord.h"

#include <QObject>

#include <vector>

// Everything the tap recorded for one connection, decoded: the raw byte
// stream in both directions, the upgrade request and response, the frames,
// the timings and the TLS facts. Fed in batches; announces frames in batches.
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

    explicit WireCapture(QObject *parent = nullptr);
    ~WireCapture() override;
    Q_DISABLE_COPY_MOVE(WireCapture)

    void addRecords(const QList<TapRecord> &batch);
    void setTls(const TapTls &tls);
    void clear();

    HandshakeInfo handshake() const;
    const std::vector<Chunk> &chunks() const;
    const std::vector<TapRecord> &events() const;
    int frameCount() const;
    const Frame &frame(int index) const;
    int timelineCount() const;
    const TimelineItem &timelineItem(int index) const;
    const HttpHead &requestHead() const;
    const HttpHead &responseHead() const;
    // Index of the first frame of each data message (text or binary), per direction, in order.
    QList<int> messageStarts(bool fromClient) const;
    // Frames of the message that starts at frame index `start`.
    QList<int> messageFrames(int start) const;
    // Whether a Close frame was seen in each direction.
    bool closeFrameFromServer() const;
    bool closeFrameFromClient() const;
    // Index of the first Close frame from that side, or -1.
    int firstCloseFrame(bool fromClient) const;
    QString upstreamFailure() const;
    QStringList streamFailures() const;

    static HandshakeInfo::AcceptCheck acceptCheck(const QByteArray &key, const QByteArray &received);

Q_SIGNALS:
    void handshakeChanged();
    void timelineAdded(int first, int last);
    void cleared();

private:
    void feedClient(const QByteArray &bytes, qint64 timeUsec);
    void feedServer(const QByteArray &bytes, qint64 timeUsec);
    void collect(FrameDecoder &decoder, bool fromClient, qint64 timeUsec);

    std::vector<Chunk> m_chunks;
    std::vector<TapRecord> m_events;
    std::vector<Frame> m_frames;
    std::vector<TimelineItem> m_timeline;
    HttpHeadParser m_request{HttpHeadParser::Kind::Request};
    HttpHeadParser m_response{HttpHeadParser::Kind::Response};
    FrameDecoder m_clientFrames{FrameDecoder::Direction::ClientToServer};
    FrameDecoder m_serverFrames{FrameDecoder::Direction::ServerToClient};
    QByteArray m_body;
    bool m_bodyTruncated = false;
    bool m_upgraded = false;
    qint64 m_connectTime = -1;
    qint64 m_dnsTime = -1;
    qint64 m_tcpTime = -1;
    qint64 m_tlsTime = -1;
    qint64 m_relayTime = -1;
    qint64 m_requestTime = -1;
    qint64 m_responseTime = -1;
    bool m_hasTls = false;
    TapTls m_tls;
    QString m_upstreamFailure;
    bool m_closeFromServer = false;
    bool m_closeFromClient = false;
};
