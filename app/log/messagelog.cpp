#include "messagelog.h"

#include <chrono>
#include <cstring>
#include <limits>

#ifdef __GLIBC__
#include <malloc.h>
#endif

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

int MessageLog::opcodeOf(Kind kind)
{
    switch (kind) {
    case Kind::Text: return 1;
    case Kind::Binary: return 2;
    case Kind::Ping: return 9;
    case Kind::Pong: return 10;
    case Kind::Open:
    case Kind::Close:
    case Kind::Error: break;
    }
    return 0;
}

qint64 MessageLog::nowUsec()
{
    using namespace std::chrono;
    return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

void MessageLog::store(Entry &entry, const QByteArray &data)
{
    const qsizetype length = data.size();
    entry.length = quint32(length);
    m_payloadBytes += length;
    if (length > SharedAbove) {
        entry.block = SharedFlag | quint32(m_shared.size());
        entry.offset = 0;
        m_shared.push_back(data);
        return;
    }
    if (m_smallBlock == size_t(-1) || m_blocks[m_smallBlock].capacity - m_blocks[m_smallBlock].used < length) {
        Block block;
        block.capacity = BlockBytes;
        block.bytes.reset(new char[size_t(BlockBytes)], std::default_delete<char[]>());
        m_blocks.push_back(std::move(block));
        m_blockLastEntry.push_back(m_entries.size());
        m_smallBlock = m_blocks.size() - 1;
    }
    Block &block = m_blocks[m_smallBlock];
    m_blockLastEntry[m_smallBlock] = m_entries.size();   // the entry is pushed next
    entry.block = quint32(m_smallBlock);
    entry.offset = quint32(block.used);
    if (length > 0)
        memcpy(block.bytes.get() + block.used, data.constData(), size_t(length));
    block.used += length;
}

void MessageLog::append(Direction direction, Kind kind, const QByteArray &data, qint32 connection, qint32 sequence,
                        qint64 timeUsec)
{
    Entry entry;
    entry.timeUsec = timeUsec > 0 ? timeUsec : nowUsec();
    entry.connection = connection;
    entry.sequence = sequence;
    entry.direction = direction;
    entry.kind = kind;
    store(entry, data);
    m_entries.push_back(entry);
    if (!m_batchTimer.isActive())
        m_batchTimer.start();
}

void MessageLog::restore(const Entry &row, const QByteArray &data)
{
    Entry entry = row;
    store(entry, data);
    m_entries.push_back(entry);
}

void MessageLog::adopt(MessageLog &other)
{
    Q_ASSERT(count() == 0);
    m_entries.swap(other.m_entries);
    std::swap(m_first, other.m_first);
    m_blocks.swap(other.m_blocks);
    m_blockLastEntry.swap(other.m_blockLastEntry);
    std::swap(m_firstBlock, other.m_firstBlock);
    m_shared.swap(other.m_shared);
    std::swap(m_smallBlock, other.m_smallBlock);
    std::swap(m_payloadBytes, other.m_payloadBytes);
    m_announced = 0;
    other.m_announced = 0;
    flush();
}

MessageLog::Rows MessageLog::rows() const
{
    if (m_first == 0)
        return {m_entries, m_blocks, m_shared, m_payloadBytes};
    return rows(0, count() - 1);
}

MessageLog::Rows MessageLog::rows(int first, int last) const
{
    Rows slice;
    if (first > last)
        return slice;
    slice.entries.assign(m_entries.begin() + qsizetype(m_first) + first, m_entries.begin() + qsizetype(m_first) + last + 1);
    slice.blocks = m_blocks;   // shared, not copied
    // Large payloads: only this slice's, renumbered.
    for (Entry &entry : slice.entries) {
        slice.payloadBytes += entry.length;
        if (entry.block & SharedFlag) {
            slice.shared.push_back(m_shared[entry.block & ~SharedFlag]);
            entry.block = SharedFlag | quint32(slice.shared.size() - 1);
        }
    }
    return slice;
}

QByteArrayView MessageLog::data(const Rows &rows, const Entry &entry)
{
    if (entry.length == 0)
        return {};
    if (entry.block & SharedFlag)
        return QByteArrayView(rows.shared[entry.block & ~SharedFlag]).sliced(entry.offset, entry.length);
    return QByteArrayView(rows.blocks[entry.block].bytes.get() + entry.offset, entry.length);
}

void MessageLog::adoptRows(Rows rows)
{
    Q_ASSERT(count() == 0);
    m_entries = std::move(rows.entries);
    m_first = 0;
    m_blocks = std::move(rows.blocks);
    // Every block may hold payloads up to the last entry.
    m_blockLastEntry.assign(m_blocks.size(), m_entries.empty() ? 0 : m_entries.size() - 1);
    m_firstBlock = 0;
    m_shared = std::move(rows.shared);
    m_payloadBytes = rows.payloadBytes;
    // Never write into a block a snapshot shares: small payloads start a new one.
    m_smallBlock = size_t(-1);
    m_announced = 0;
    flush();
}

void MessageLog::appendEvent(Kind kind, const QString &description)
{
    append(Direction::Local, kind, description.toUtf8());
}

QByteArrayView MessageLog::data(int row) const
{
    const Entry &entry = m_entries.at(m_first + size_t(row));
    if (entry.length == 0)
        return {};
    if (entry.block & SharedFlag)
        return QByteArrayView(m_shared[entry.block & ~SharedFlag]).sliced(entry.offset, entry.length);
    return QByteArrayView(m_blocks[entry.block].bytes.get() + entry.offset, entry.length);
}

bool MessageLog::sharePayload(int row, const QByteArray &holder, qsizetype offset)
{
    if (row < 0 || row >= count())
        return false;
    Entry &entry = m_entries[m_first + size_t(row)];
    if (!(entry.block & SharedFlag) || offset < 0 || offset > holder.size() - qsizetype(entry.length)
        || offset > qsizetype(std::numeric_limits<quint32>::max()))
        return false;
    const QByteArrayView bytes(holder.constData() + offset, entry.length);
    if (bytes != data(row))
        return false;
    m_shared[entry.block & ~SharedFlag] = holder;
    entry.offset = quint32(offset);
    return true;
}

qint64 MessageLog::payloadBytes() const
{
    return m_payloadBytes;
}

int MessageLog::count() const
{
    return int(m_entries.size() - m_first);
}

const MessageLog::Entry &MessageLog::at(int row) const
{
    return m_entries.at(m_first + size_t(row));
}

int MessageLog::pendingCount() const
{
    return count() - m_announced;
}

void MessageLog::flush()
{
    m_batchTimer.stop();
    const int total = count();
    if (total != m_announced) {
        const int first = m_announced;
        m_announced = total;
        Q_EMIT appended(first, total - 1);
    }
    // A ring drops rows only after everyone has seen them.
    if (m_maxRows > 0 && count() > m_maxRows && m_announced == count()) {
        const int n = count() - m_maxRows;
        Q_EMIT aboutToDrop(n);
        dropFront(n);
        m_announced -= n;
        Q_EMIT dropped(n);
    }
}

void MessageLog::setMaxRows(int rows)
{
    m_maxRows = qMax(0, rows);
    if (m_maxRows > 0 && count() > m_maxRows)
        flush();
}

int MessageLog::maxRows() const
{
    return m_maxRows;
}

qint64 MessageLog::droppedRows() const
{
    return m_droppedRows;
}

void MessageLog::dropFront(int n)
{
    const size_t end = m_first + size_t(n);
    for (size_t i = m_first; i < end; ++i) {
        const Entry &entry = m_entries[i];
        m_payloadBytes -= entry.length;
        if (entry.block & SharedFlag)
            m_shared[entry.block & ~SharedFlag] = QByteArray();
    }
    m_first = end;
    m_droppedRows += n;
    // Small payloads fill the blocks in row order: a block whose last payload
    // is gone is not needed any more (a snapshot may still share it).
    while (m_firstBlock < m_blocks.size() && m_firstBlock != m_smallBlock
           && m_blockLastEntry[m_firstBlock] < m_first) {
        m_blocks[m_firstBlock] = Block{};
        ++m_firstBlock;
    }
    if (m_first >= 4096 && m_first * 2 >= m_entries.size())
        compact();
}

// Forgets the dropped rows' slots and renumbers the rest, so that a ring
// running for days holds only its live rows.
void MessageLog::compact()
{
    const size_t rowShift = m_first;
    m_entries.erase(m_entries.begin(), m_entries.begin() + qsizetype(rowShift));
    m_first = 0;
    quint32 sharedShift = quint32(m_shared.size());
    for (const Entry &entry : m_entries) {
        if (entry.block & SharedFlag) {
            sharedShift = entry.block & ~SharedFlag;   // the first one left: indices only grow
            break;
        }
    }
    const auto blockShift = quint32(m_firstBlock);
    for (Entry &entry : m_entries) {
        if (entry.block & SharedFlag)
            entry.block = SharedFlag | ((entry.block & ~SharedFlag) - sharedShift);
        else if (entry.length > 0)
            entry.block -= blockShift;
        else
            entry.block = 0;   // no payload: the block is never read
    }
    m_shared.erase(m_shared.begin(), m_shared.begin() + qsizetype(sharedShift));
    m_blocks.erase(m_blocks.begin(), m_blocks.begin() + qsizetype(blockShift));
    m_blockLastEntry.erase(m_blockLastEntry.begin(), m_blockLastEntry.begin() + qsizetype(blockShift));
    for (size_t &last : m_blockLastEntry)
        last = last >= rowShift ? last - rowShift : 0;
    if (m_smallBlock != size_t(-1))
        m_smallBlock -= blockShift;
    m_firstBlock = 0;
}

void MessageLog::clear()
{
    m_batchTimer.stop();
    // swap() with an empty vector releases the capacity too, not just the rows.
    std::vector<Entry>().swap(m_entries);
    std::vector<Block>().swap(m_blocks);
    std::vector<size_t>().swap(m_blockLastEntry);
    std::vector<QByteArray>().swap(m_shared);
    m_first = 0;
    m_firstBlock = 0;
    m_droppedRows = 0;
    m_smallBlock = size_t(-1);
    m_payloadBytes = 0;
    m_announced = 0;
#ifdef __GLIBC__
    // Hand freed heap pages back to the system, so that Clear shows in the
    // process's memory and not only inside the allocator.
    malloc_trim(0);
#endif
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
