#pragma once

#include "log/messagelog.h"

#include <QByteArray>
#include <QList>

#include <deque>

// The pings and pongs of one connection, each way: how many pings, how far
// apart they came, and how soon a pong answered each. Fed the connection's
// log rows in order, a batch at a time, so that it costs nothing per message
// and nothing is looked at twice. A pong answers the newest ping still
// waiting with the same payload, and with it every ping before it (RFC 6455
// 5.5.3 lets a peer answer only the last of several); its latency is measured
// from that newest ping. A pong that matches none is unsolicited.
class PingStats
{
public:
    struct Side
    {
        int pings = 0;
        int answered = 0;
        int unsolicitedPongs = 0;   // pongs coming back with no ping of this side waiting
        // Between one ping and the next, in microseconds; -1 while fewer than two.
        qint64 intervalMin = -1;
        qint64 intervalMax = -1;
        qint64 intervalSum = 0;
        int intervals = 0;
        qint64 lastIntervalUsec = -1;
        // From a ping to the pong that answered it (the pings a pong answered
        // along with a later one have no latency of their own).
        qint64 latencyMin = -1;
        qint64 latencyMax = -1;
        qint64 latencySum = 0;
        int latencies = 0;

        qint64 intervalMean() const { return intervals > 0 ? intervalSum / intervals : -1; }
        qint64 latencyMean() const { return latencies > 0 ? latencySum / latencies : -1; }

    private:
        friend class PingStats;
        qint64 lastPingUsec = -1;
        struct Waiting
        {
            qint64 timeUsec;
            QByteArray payload;
        };
        std::deque<Waiting> waiting;
    };

    // Pings waiting for a pong that are kept; older ones count as unanswered.
    static constexpr int MaxWaiting = 1000;

    // Only rows of this connection count (-1: every row).
    explicit PingStats(int connection = -1);

    void reset(int connection);
    int connection() const;
    // Takes in one row of the log (any kind; only pings and pongs count).
    void feed(const MessageLog::Entry &entry, QByteArrayView payload);
    // The rows of `log` from `first` up to `end` (-1: every row).
    void feed(const MessageLog &log, int first = 0, int end = -1);

    // Pings wsscope sent and the peer's pongs to them.
    const Side &sent() const { return m_sent; }
    // Pings the peer sent and wsscope's pongs to them.
    const Side &received() const { return m_received; }

private:
    static void ping(Side *side, qint64 timeUsec, QByteArrayView payload);
    static void pong(Side *side, qint64 timeUsec, QByteArrayView payload);

    int m_connection = -1;
    Side m_sent;
    Side m_received;
};
