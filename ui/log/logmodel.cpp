#include "logmodel.h"

#include "log/messagelog.h"
#include "log/payloadformat.h"

#include <QDateTime>
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
    // Rows the log already holds are announced with the log's next batch.
    connect(log, &MessageLog::appended, this, &LogModel::onAppended);
    connect(log, &MessageLog::cleared, this, &LogModel::onCleared);
    // A log that goes away first leaves an empty model, never dangling rows.
    connect(log, &QObject::destroyed, this, &LogModel::onCleared);
    log->flush();
}

LogModel::~LogModel() = default;

int LogModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : m_rows;
}

int LogModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant LogModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid) || !m_log)
        return {};
    const MessageLog::Entry &entry = m_log->at(index.row());

    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case TimeColumn:
            return QDateTime::fromMSecsSinceEpoch(entry.timeUsec / 1000).toString(QStringLiteral("HH:mm:ss.zzz"));
        case DirectionColumn:
            return directionText(entry.direction);
        case KindColumn:
            return kindText(entry.kind);
        case SizeColumn:
            return entry.direction == MessageLog::Direction::Local ? QString() : QLocale().toString(entry.size());
        case PreviewColumn:
            return previewText(entry, m_log->data(index.row()));
        }
        break;
    case Qt::TextAlignmentRole:
        if (index.column() == SizeColumn)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        break;
    case Qt::ForegroundRole:
        if (entry.kind == MessageLog::Kind::Error)
            return QColor(0xc0, 0x1c, 0x28);
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
        return m_log->data(index.row()).toByteArray();
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
    if (last < m_rows)
        return;
    beginInsertRows({}, m_rows, last);
    m_rows = last + 1;
    endInsertRows();
}

void LogModel::onCleared()
{
    beginResetModel();
    m_rows = 0;
    endResetModel();
}
