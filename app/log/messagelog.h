#pragma once

#include <QByteArray>
#include <QObject>
#include <QTimer>

#include <memory>
#include <vector>

// Append-only record of a session: every message sent and received, pings
// and pongs, and every local event (open, close, error). Rows are small and
// fixed-size; payloads are packed one after another into 1 MiB blocks, so a
// million 64-byte messages cost about 96 MB, not a million heap blocks.
// Views never hear about single rows: appended() reports whole batches, at
// most once per batch interval, so a flood costs a view a few inserts a second.
class MessageLog : public QObject
{
    Q_OBJECT

public:
    enum class Direction : quint8 { Sent, Received, Local };
    Q_ENUM(Direction)

    enum class Kind : quint8 { Text, Binary, Ping, Pong, Open, Close, Error };
    Q_ENUM(Kind)

    // 32 bytes a row; the payload lives in the log's blocks, not in the row.
    struct Entry
    {
        qint64 timeUsec = 0;   // microseconds since the Unix epoch, UTC
        quint32 block = 0;     // where the payload is kept
        quint32 offset = 0;    // in the block, or in a shared payload's holder
        quint32 length = 0;    // payload bytes (text as UTF-8), or an event's description
        // Which connection of the session, and the message's place among its
        // direction's data messages (or pings, or pongs): how a row finds its
        // frames in the wire capture. -1 for events.
        qint32 connection = -1;
        qint32 sequence = -1;
        Direction direction = Direction::Local;
        Kind kind = Kind::Error;

        // Bytes the message had on the wire; events have none.
        qint64 size() const { return direction == Direction::Local ? 0 : length; }
    };

    explicit MessageLog(QObject *parent = nullptr);
    ~MessageLog() override;
    Q_DISABLE_COPY_MOVE(MessageLog)

    // Payloads up to this size are copied into the blocks; a larger one is
    // kept as the QByteArray it came in, shared, not copied.
    static constexpr qsizetype SharedAbove = 4096;
    // The row's time is now, or timeUsec when it is given (> 0): when the
    // message was on the wire, say.
    void append(Direction direction, Kind kind, const QByteArray &data, qint32 connection = -1, qint32 sequence = -1,
                qint64 timeUsec = 0);
    void appendEvent(Kind kind, const QString &description);
    // Appends a row as it was saved: its time, connection and sequence are
    // kept; its block, offset and length are the log's own. Announced only
    // by the next flush(), so a log filled on another thread starts no timer.
    void restore(const Entry &row, const QByteArray &data);
    // Takes every row of `other` (this log must be empty), announces them,
    // and leaves `other` empty. How a file read on a worker thread arrives.
    void adopt(MessageLog &other);

    // Lets a large row read its payload from `holder`, from `offset` on,
    // and gives back the bytes it was appended with: how a received message
    // shares the bytes the wire capture keeps instead of being held twice.
    // False, and nothing changes, unless the row's payload is a shared one
    // and those bytes are the same.
    bool sharePayload(int row, const QByteArray &holder, qsizetype offset);

    int count() const;
    const Entry &at(int row) const;
    // The row's payload. Valid until the log is cleared.
    QByteArrayView data(int row) const;
    // Bytes held for payloads, for the curious and for tests.
    qint64 payloadBytes() const;

    // Rows appended but not yet announced through appended().
    int pendingCount() const;
    // Announces pending rows now instead of at the end of the batch interval.
    void flush();
    void clear();

    void setBatchInterval(int msec);
    int batchInterval() const;

    // Keeps at most `rows` rows (0: every row, the default). Older rows go,
    // oldest first, when a batch is announced, and their payload memory is
    // given back: the log becomes a ring.
    void setMaxRows(int rows);
    int maxRows() const;
    // Rows that went this way since the log was made or cleared.
    qint64 droppedRows() const;

    static qint64 nowUsec();
    // The WebSocket opcode a row's kind travels as (1 text, 2 binary, 9 ping,
    // 10 pong), or 0 for events.
    static int opcodeOf(Kind kind);

Q_SIGNALS:
    void appended(int first, int last);
    void cleared();
    // The first n rows are about to go (setMaxRows): read them now if need be.
    void aboutToDrop(int n);
    // The first n rows are gone; every row moved down by n.
    void dropped(int n);

private:
    void store(Entry &entry, const QByteArray &data);
    void dropFront(int n);
    void compact();

    static constexpr qsizetype BlockBytes = 1024 * 1024;
    static constexpr quint32 SharedFlag = 0x80000000u;   // in Entry::block: an index into m_shared
    struct Block
    {
        // Shared with snapshots (see Rows): bytes below `used` never change.
        std::shared_ptr<char[]> bytes;
        qsizetype capacity = 0;
        qsizetype used = 0;
    };

public:
    // Every row so far, taken in a moment: the rows are copied, the payload
    // blocks shared. Bytes already written to a block never change, so
    // another thread may read a snapshot while this log goes on growing.
    struct Rows
    {
        std::vector<Entry> entries;
        std::vector<Block> blocks;
        std::vector<QByteArray> shared;
        qint64 payloadBytes = 0;
    };
    Rows rows() const;
    // Rows first to last only (the journal takes each new batch this way).
    Rows rows(int first, int last) const;
    // A snapshot row's payload; valid while the snapshot lives.
    static QByteArrayView data(const Rows &rows, const Entry &entry);
    // Takes the rows of a snapshot (this log must be empty) and announces them.
    void adoptRows(Rows rows);

private:
    std::vector<Entry> m_entries;       // row r is m_entries[m_first + r]
    size_t m_first = 0;
    std::vector<Block> m_blocks;
    std::vector<size_t> m_blockLastEntry;   // per block: the last entry with a payload in it
    size_t m_firstBlock = 0;            // blocks before it are given back
    std::vector<QByteArray> m_shared;
    int m_maxRows = 0;
    qint64 m_droppedRows = 0;
    size_t m_smallBlock = size_t(-1);   // the block small payloads go into
    qint64 m_payloadBytes = 0;
    int m_announced = 0;
    QTimer m_batchTimer;
};
