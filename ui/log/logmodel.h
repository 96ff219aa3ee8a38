#pragma once

#include <QAbstractTableModel>
#include <QPointer>

class MessageLog;

// Table over a MessageLog. Rows arrive in the log's batches: one
// beginInsertRows per batch, whatever the number of messages in it.
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

private:
    void onAppended(int first, int last);
    void onCleared();

    QPointer<MessageLog> m_log;
    int m_rows = 0;
};
