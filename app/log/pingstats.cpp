#include "pingstats.h"

#include <algorithm>

PingStats::PingStats(int connection)
    : m_connection(connection)
{
}

void PingStats::reset(int connection)
{
    m_connection = connection;
    m_sent = {};
    m_received = {};
}

int PingStats::connection() const
{
    return m_connection;
}

void PingStats::feed(const MessageLog::Entry &entry, QByteArrayView payload)
{
    if (m_connection != -1 && entry.connection != m_connection)
        return;
    const bool sent = entry.direction == MessageLog::Direction::Sent;
    if (entry.direction == MessageLog::Direction::Local)
        return;
    if (entry.kind == MessageLog::Kind::Ping)
        ping(sent ? &m_sent : &m_received, entry.timeUsec, payload);
    else if (entry.kind == MessageLog::Kind::Pong)
        // A pong that goes out answers the peer's ping, and the other way round.
        pong(sent ? &m_received : &m_sent, entry.timeUsec, payload);
}

void PingStats::feed(const MessageLog &log, int first, int end)
{
    const int last = end < 0 ? log.count() : std::min(end, log.count());
    for (int row = std::max(0, first); row < last; ++row)
        feed(log.at(row), log.data(row));
}

void PingStats::ping(Side *side, qint64 timeUsec, QByteArrayView payload)
{
    ++side->pings;
    if (side->lastPingUsec >= 0) {
        const qint64 interval = std::max<qint64>(0, timeUsec - side->lastPingUsec);
        side->intervalMin = side->intervalMin < 0 ? interval : std::min(side->intervalMin, interval);
        side->intervalMax = std::max(side->intervalMax, interval);
        side->intervalSum += interval;
        ++side->intervals;
        side->lastIntervalUsec = interval;
    }
    side->lastPingUsec = timeUsec;
    side->waiting.push_back({timeUsec, payload.toByteArray()});
    if (side->waiting.size() > size_t(MaxWaiting))
        side->waiting.pop_front();
}

void PingStats::pong(Side *side, qint64 timeUsec, QByteArrayView payload)
{
    const auto newest = std::find_if(side->waiting.rbegin(), side->waiting.rend(),
                                     [payload](const Side::Waiting &w) { return w.payload == payload; });
    if (newest == side->waiting.rend()) {
        ++side->unsolicitedPongs;
        return;
    }
    const qint64 latency = std::max<qint64>(0, timeUsec - newest->timeUsec);
    const auto through = newest.base();   // one past the matched ping
    side->answered += int(through - side->waiting.begin());
    side->waiting.erase(side->waiting.begin(), through);
    ++side->latencies;
    side->latencyMin = side->latencyMin < 0 ? latency : std::min(side->latencyMin, latency);
    side->latencyMax = std::max(side->latencyMax, latency);
    side->latencySum += latency;
}
