#include "messagelog.h"

#include <chrono>

namespace {
// 20 flushes a second keep a flood cheap for views while rows still appear promptly.
constexpr int DefaultBatchIntervalMs = 50;
}

MessageLog::MessageLog(QObject *parent)
    : QObject(parent)
{
    m_batchTimer.setSingleShot(true);
    m_batchTimer.setInterval(DefaultBatchIntervalMs);
    connect(&m_batchTimer, &QTimer::timeout, this, &MessageLog::flush);
}

MessageLog::~MessageLog() = default;

qint64 MessageLog::nowUsec()
{
    using namespace std::chrono;
    return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

void MessageLog::append(Direction direction, Kind kind, const QByteArray &data, qint32 connection, qint32 sequence)
{
    Entry entry;
    entry.connection = connection;
    entry.sequence = sequence;
    entry.timeUsec = nowUsec();
    entry.size = data.size();
    entry.direction = direction;
    entry.kind = kind;
    entry.data = data;
    m_entries.push_back(std::move(entry));
    if (!m_batchTimer.isActive())
        m_batchTimer.start();
}

void MessageLog::appendEvent(Kind kind, const QString &description)
{
    append(Direction::Local, kind, description.toUtf8());
    // Events describe the connection, not payload: they have no wire size.
    m_entries.back().size = 0;
}

int MessageLog::count() const
{
    return int(m_entries.size());
}

const MessageLog::Entry &MessageLog::at(int row) const
{
    return m_entries.at(size_t(row));
}

int MessageLog::pendingCount() const
{
    return count() - m_announced;
}

void MessageLog::flush()
{
    m_batchTimer.stop();
    const int total = count();
    if (total == m_announced)
        return;
    const int first = m_announced;
    m_announced = total;
    Q_EMIT appended(first, total - 1);
}

void MessageLog::clear()
{
    m_batchTimer.stop();
    // swap() with an empty vector releases the capacity too, not just the rows.
    std::vector<Entry>().swap(m_entries);
    m_announced = 0;
    Q_EMIT cleared();
}

void MessageLog::setBatchInterval(int msec)
{
    m_batchTimer.setInterval(qMax(0, msec));
}

int MessageLog::batchInterval() const
{
    return m_batchTimer.interval();
}
