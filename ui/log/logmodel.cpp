#include "logmodel.h"
#include "plaintip.h"
#include "theme.h"

#include "log/messagelog.h"
#include "log/payloadformat.h"

#include <QDateTime>

#include <algorithm>
#include <QColor>
#include <QFont>
#include <QLocale>

namespace {

constexpr int HexPreviewBytes = 48;

QString directionText(MessageLog::Direction direction)
{
    switch (direction) {
    case MessageLog::Direction::Sent: return LogModel::tr("\u2191 Sent");
    case MessageLog::Direction::Received: return LogModel::tr("\u2193 Received");
    case MessageLog::Direction::Local: return LogModel::tr("\u2022 Event");
    }
    return {};
}

QString kindText(MessageLog::Kind kind)
{
    switch (kind) {
    case MessageLog::Kind::Text: return LogModel::tr("text");
    case MessageLog::Kind::Binary: return LogModel::tr("binary");
    case MessageLog::Kind::Ping: return LogModel::tr("ping");
    case MessageLog::Kind::Pong: return LogModel::tr("pong");
    case MessageLog::Kind::Open: return LogModel::tr("open");
    case MessageLog::Kind::Close: return LogModel::tr("close");
    case MessageLog::Kind::Error: return LogModel::tr("error");
    }
    return {};
}

QString previewText(const MessageLog::Entry &entry, QByteArrayView data)
{
    switch (entry.kind) {
    case MessageLog::Kind::Binary:
        return PayloadFormat::hexPreview(data, HexPreviewBytes);
    case MessageLog::Kind::Ping:
    case MessageLog::Kind::Pong:
        return data.isEmpty() ? LogModel::tr("(no payload)") : PayloadFormat::textPreview(data, LogModel::PreviewChars);
    default:
        return PayloadFormat::textPreview(data, LogModel::PreviewChars);
    }
}

} // namespace

LogModel::LogModel(MessageLog *log, QObject *parent)
    : QAbstractTableModel(parent)
    , m_log(log)
{
    m_scanTimer.setInterval(0);
    connect(&m_scanTimer, &QTimer::timeout, this, &LogModel::scanSlice);
    // Rows the log already holds are announced with the log's next batch.
    connect(log, &MessageLog::appended, this, &LogModel::onAppended);
    connect(log, &MessageLog::cleared, this, &LogModel::onCleared);
    connect(log, &MessageLog::aboutToDrop, this, &LogModel::onAboutToDrop);
    connect(log, &MessageLog::dropped, this, &LogModel::onDropped);
    // A log that goes away first leaves an empty model, never dangling rows.
    connect(log, &QObject::destroyed, this, &LogModel::onCleared);
    log->flush();
}

LogModel::~LogModel() = default;

int LogModel::rowCount(const QModelIndex &parent) const
{
    if (parent.isValid())
        return 0;
    return m_filtered ? int(m_visible.size()) : m_rows;
}

int LogModel::logRow(int row) const
{
    return m_filtered ? int(m_visible.at(size_t(row)) - m_base) : row;
}

int LogModel::rowOfLogRow(int logRow) const
{
    if (!m_filtered)
        return logRow < m_rows ? logRow : -1;
    const qint64 key = logRow + m_base;
    const auto it = std::lower_bound(m_visible.begin(), m_visible.end(), key);
    return it != m_visible.end() && *it == key ? int(it - m_visible.begin()) : -1;
}

void LogModel::setFilter(const LogFilter &filter)
{
    if (filter == m_filter)
        return;
    beginResetModel();
    m_filter = filter;
    m_filtered = filter.isActive();
    std::vector<qint64>().swap(m_visible);
    m_base = 0;
    m_scanned = 0;
    endResetModel();
    if (m_filtered && filter.isValid() && m_scanned < m_rows)
        m_scanTimer.start();
    else
        m_scanTimer.stop();
    Q_EMIT searchProgress(m_scanned, m_rows, int(m_visible.size()));
}

LogFilter LogModel::filter() const
{
    return m_filter;
}

bool LogModel::isSearching() const
{
    return m_scanTimer.isActive();
}

int LogModel::searchedRows() const
{
    return m_filtered ? m_scanned : m_rows;
}

int LogModel::totalRows() const
{
    return m_rows;
}

void LogModel::scanSlice()
{
    if (!m_log || !m_filtered || !m_filter.isValid()) {
        m_scanTimer.stop();
        return;
    }
    QElapsedTimer clock;
    clock.start();
    std::vector<qint64> found;
    // Check the clock every 256 rows: reading it costs more than testing a row.
    while (m_scanned < m_rows) {
        const int end = qMin(m_rows, m_scanned + 256);
        for (int row = m_scanned; row < end; ++row) {
            if (m_filter.matches(*m_log, row))
                found.push_back(row + m_base);
        }
        m_scanned = end;
        if (clock.elapsed() >= SliceMs)
            break;
    }
    if (!found.empty()) {
        const int first = int(m_visible.size());
        beginInsertRows({}, first, first + int(found.size()) - 1);
        m_visible.insert(m_visible.end(), found.begin(), found.end());
        endInsertRows();
    }
    if (m_scanned >= m_rows)
        m_scanTimer.stop();
    Q_EMIT searchProgress(m_scanned, m_rows, int(m_visible.size()));
}

void LogModel::setRelativeTimes(bool relative)
{
    if (m_relative == relative)
        return;
    m_relative = relative;
    if (rowCount() > 0)
        Q_EMIT dataChanged(index(0, TimeColumn), index(rowCount() - 1, TimeColumn), {Qt::DisplayRole});
}

void LogModel::setRoundTrips(const std::function<qint64(int, int)> &lookup)
{
    m_roundTrips = lookup;
}

bool LogModel::relativeTimes() const
{
    return m_relative;
}

qint64 LogModel::connectionStartUsec(int logRow) const
{
    const auto it = std::upper_bound(m_openRows.begin(), m_openRows.end(), logRow,
                                     [](int row, const std::pair<int, qint64> &open) { return row < open.first; });
    if (it == m_openRows.begin())
        return -1;
    return (it - 1)->second;
}

int LogModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant LogModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid) || !m_log)
        return {};
    const int row = logRow(index.row());
    const MessageLog::Entry &entry = m_log->at(row);

    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case TimeColumn: {
            const qint64 start = m_relative ? connectionStartUsec(row) : -1;
            if (start >= 0)
                return tr("+%1 s").arg(double(entry.timeUsec - start) / 1e6, 0, 'f', 6);
            return QDateTime::fromMSecsSinceEpoch(entry.timeUsec / 1000).toString(QStringLiteral("HH:mm:ss.zzz"));
        }
        case DirectionColumn:
            return directionText(entry.direction);
        case KindColumn:
            return kindText(entry.kind);
        case SizeColumn:
            return entry.direction == MessageLog::Direction::Local ? QString() : QLocale().toString(entry.size());
        case PreviewColumn: {
            QString preview = previewText(entry, m_log->data(row));
            if (entry.kind == MessageLog::Kind::Pong && entry.direction == MessageLog::Direction::Received
                && m_roundTrips) {
                const qint64 rtt = m_roundTrips(entry.connection, entry.sequence);
                if (rtt >= 0)
                    preview += tr("  \u00B7 round trip %1 ms").arg(double(rtt) / 1000.0, 0, 'f', 2);
            }
            return preview;
        }
        }
        break;
    case Qt::ToolTipRole:
        // An error or an event of the connection may be longer than its cell:
        // its whole text, shown as written. Messages get no tip.
        if (index.column() == PreviewColumn
            && (entry.kind == MessageLog::Kind::Error || entry.direction == MessageLog::Direction::Local))
            return plainToolTip(PayloadFormat::textPreview(m_log->data(row), ToolTipChars));
        break;
    case Qt::TextAlignmentRole:
        if (index.column() == SizeColumn)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        break;
    case Qt::ForegroundRole:
        if (entry.kind == MessageLog::Kind::Error)
            return Theme::color(Theme::Role::Error);
        break;
    case Qt::FontRole:
        if (entry.direction == MessageLog::Direction::Local) {
            QFont font;
            font.setItalic(true);   // events are about the connection, not messages
            return font;
        }
        break;
    case DirectionRole:
        return int(entry.direction);
    case KindRole:
        return int(entry.kind);
    case SizeRole:
        return entry.size();
    case PayloadRole:
        return m_log->data(row).toByteArray();
    case TimeUsecRole:
        return entry.timeUsec;
    default:
        break;
    }
    return {};
}

QVariant LogModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation == Qt::Horizontal && role == Qt::TextAlignmentRole && section == SizeColumn)
        return int(Qt::AlignRight | Qt::AlignVCenter);
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case TimeColumn: return tr("Time");
    case DirectionColumn: return tr("Direction");
    case KindColumn: return tr("Kind");
    case SizeColumn: return tr("Bytes");
    case PreviewColumn: return tr("Preview");
    }
    return {};
}

void LogModel::onAppended(int first, int last)
{
    Q_ASSERT(first == m_rows);
    Q_UNUSED(first)
    if (last < m_rows || !m_log)
        return;
    for (int row = m_rows; row <= last; ++row) {
        if (m_log->at(row).kind == MessageLog::Kind::Open)
            m_openRows.emplace_back(row, m_log->at(row).timeUsec);
    }
    if (m_filtered) {
        // New rows wait their turn in the scan, like the rows already held.
        m_rows = last + 1;
        if (m_filter.isValid() && !m_scanTimer.isActive())
            m_scanTimer.start();
        return;
    }
    beginInsertRows({}, m_rows, last);
    m_rows = last + 1;
    endInsertRows();
}

void LogModel::onAboutToDrop(int n)
{
    // Views must see the rows as they are until endRemoveRows(): begin here,
    // while the log still holds them, and end once they are gone.
    n = qMin(n, m_rows);
    m_removing = 0;
    if (n <= 0)
        return;
    if (!m_filtered) {
        m_removing = n;
    } else {
        const auto firstKept = std::lower_bound(m_visible.begin(), m_visible.end(), m_base + n);
        m_removing = int(firstKept - m_visible.begin());
    }
    if (m_removing > 0)
        beginRemoveRows({}, 0, m_removing - 1);
}

void LogModel::onDropped(int n)
{
    n = qMin(n, m_rows);
    if (n <= 0)
        return;
    // Open rows move down; of those that went, the newest stays at -1.
    auto kept = std::upper_bound(m_openRows.begin(), m_openRows.end(), n - 1,
                                 [](int row, const std::pair<int, qint64> &open) { return row < open.first; });
    if (kept != m_openRows.begin())
        --kept;
    m_openRows.erase(m_openRows.begin(), kept);
    for (auto &open : m_openRows)
        open.first = qMax(-1, open.first - n);

    m_rows -= n;
    if (m_filtered) {
        m_visible.erase(m_visible.begin(), m_visible.begin() + m_removing);
        m_base += n;
        m_scanned = qMax(0, m_scanned - n);
    }
    if (m_removing > 0)
        endRemoveRows();
    m_removing = 0;
    if (m_filtered)
        Q_EMIT searchProgress(m_scanned, m_rows, int(m_visible.size()));
}

void LogModel::onCleared()
{
    beginResetModel();
    m_rows = 0;
    m_scanned = 0;
    m_base = 0;
    std::vector<qint64>().swap(m_visible);
    std::vector<std::pair<int, qint64>>().swap(m_openRows);
    m_scanTimer.stop();
    endResetModel();
    Q_EMIT searchProgress(0, 0, 0);
}
