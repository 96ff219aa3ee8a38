#pragma once

#include <QByteArray>
#include <QObject>
#include <QTimer>

#include <vector>

// Append-only record of one connection's life: every message sent and
// received, every control frame and every local event (open, close, error).
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

    struct Entry
    {
        qint64 timeUsec = 0;   // microseconds since the Unix epoch, UTC
        qint64 size = 0;       // payload size in bytes as it went over the wire
        Direction direction = Direction::Local;
        Kind kind = Kind::Error;
        // Which connection of the session, and the message's place among its
        // direction's data messages (or pings, or pongs): how a row finds its
        // frames in the wire capture. -1 for events.
        qint32 connection = -1;
        qint32 sequence = -1;
        QByteArray data;       // payload bytes (text as UTF-8), or an event's description
    };

    explicit MessageLog(QObject *parent = nullptr);
    ~MessageLog() override;
    Q_DISABLE_COPY_MOVE(MessageLog)

    void append(Direction direction, Kind kind, const QByteArray &data, qint32 connection = -1, qint32 sequence = -1);
    void appendEvent(Kind kind, const QString &description);

    int count() const;
    const Entry &at(int row) const;

    // Rows appended but not yet announced through appended().
    int pendingCount() const;
    // Announces pending rows now instead of at the end of the batch interval.
    void flush();
    void clear();

    void setBatchInterval(int msec);
    int batchInterval() const;

    static qint64 nowUsec();

Q_SIGNALS:
    void appended(int first, int last);
    void cleared();

private:
    std::vector<Entry> m_entries;
    int m_announced = 0;
    QTimer m_batchTimer;
};
