#pragma once

#include "log/logfilter.h"

#include <QAbstractTableModel>
#include <QElapsedTimer>
#include <QPointer>
#include <QTimer>

#include <functional>
#include <vector>

class MessageLog;

// Table over a MessageLog. Rows arrive in the log's batches: one
// beginInsertRows per batch, whatever the number of messages in it.
//
// With a filter, the rows that match are found in slices of a few
// milliseconds on the GUI thread, so a search over a million rows never
// freezes the window or holds up arrivals; rows that arrive while a filter
// is on are tested in the same slices and appear when they match.
class LogModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { TimeColumn, DirectionColumn, KindColumn, SizeColumn, PreviewColumn, ColumnCount };
    enum Role {
        DirectionRole = Qt::UserRole,   // MessageLog::Direction as int
        KindRole,                       // MessageLog::Kind as int
        SizeRole,                       // qint64
        PayloadRole,                    // QByteArray, as received
        TimeUsecRole,                   // qint64, microseconds since the epoch
    };

    explicit LogModel(MessageLog *log, QObject *parent = nullptr);
    ~LogModel() override;
    Q_DISABLE_COPY_MOVE(LogModel)

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    static constexpr int PreviewChars = 160;
    // An error row's tool tip holds this much of its text.
    static constexpr int ToolTipChars = 4000;
    static constexpr int SliceMs = 8;

    void setFilter(const LogFilter &filter);
    LogFilter filter() const;
    // Whether the filter is still being applied to rows already held.
    bool isSearching() const;
    // Rows tested so far and rows to test, for a progress display.
    int searchedRows() const;
    int totalRows() const;
    // The log row shown at a model row, and the other way round (-1: not shown).
    int logRow(int row) const;
    int rowOfLogRow(int logRow) const;

    // Where a pong row finds the round trip of the ping it answered
    // (connection, pong sequence -> microseconds, -1: none); shown after its preview.
    void setRoundTrips(const std::function<qint64(int connection, int sequence)> &lookup);

    // Times in the time column: wall-clock, or since the row's connection opened.
    void setRelativeTimes(bool relative);
    bool relativeTimes() const;

Q_SIGNALS:
    void searchProgress(int searched, int total, int matches);

private:
    void scanSlice();
    qint64 connectionStartUsec(int logRow) const;
    void onAppended(int first, int last);
    void onAboutToDrop(int n);
    void onDropped(int n);
    void onCleared();

    QPointer<MessageLog> m_log;
    int m_rows = 0;                 // log rows announced to this model
    LogFilter m_filter;
    bool m_filtered = false;
    // Log rows that match, ascending, each plus m_base: rows that a ring
    // log drops move every row down, and m_base moves instead of each entry.
    std::vector<qint64> m_visible;
    qint64 m_base = 0;
    int m_removing = 0;             // model rows between beginRemoveRows() and endRemoveRows()
    int m_scanned = 0;              // log rows tested so far
    QTimer m_scanTimer;
    bool m_relative = false;
    std::function<qint64(int, int)> m_roundTrips;
    // Log rows of Open events and their times, ascending. When a ring log
    // drops an Open row its time stays, at row -1, for the rows after it.
    std::vector<std::pair<int, qint64>> m_openRows;
};
