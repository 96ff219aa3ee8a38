#include "logview.h"

#include "log/logmodel.h"
#include "log/messagelog.h"

#include <QAction>
#include <QClipboard>
#include <QContextMenuEvent>
#include <QDateTime>
#include <QDir>
#include <QFileDialog>
#include <QGuiApplication>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMenu>
#include <QMessageBox>
#include <QSaveFile>
#include <QScrollBar>
#include <QStringDecoder>

namespace {

bool isEvent(const QModelIndex &row)
{
    return row.data(LogModel::DirectionRole).toInt() == int(MessageLog::Direction::Local);
}

MessageLog::Kind kindOf(const QModelIndex &row)
{
    return MessageLog::Kind(row.data(LogModel::KindRole).toInt());
}

bool isUtf8(const QByteArray &bytes)
{
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    (void)QString(decoder.decode(bytes));
    return !decoder.hasError();
}

// Rows whose payload reads as text: text messages, events, and pings and
// pongs whose payload is UTF-8.
bool readsAsText(const QModelIndex &row)
{
    const MessageLog::Kind kind = kindOf(row);
    if (kind == MessageLog::Kind::Binary)
        return false;
    if (kind == MessageLog::Kind::Ping || kind == MessageLog::Kind::Pong)
        return isUtf8(row.data(LogModel::PayloadRole).toByteArray());
    return true;
}

QString timeText(qint64 usec)
{
    const QDateTime time = QDateTime::fromMSecsSinceEpoch(usec / 1000, Qt::UTC);
    return time.toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss.")) + QStringLiteral("%1Z").arg(int(usec % 1000000), 6, 10, QLatin1Char('0'));
}

QString directionName(int direction)
{
    switch (MessageLog::Direction(direction)) {
    case MessageLog::Direction::Sent: return QStringLiteral("sent");
    case MessageLog::Direction::Received: return QStringLiteral("received");
    case MessageLog::Direction::Local: break;
    }
    return QStringLiteral("event");
}

QString kindName(MessageLog::Kind kind)
{
    switch (kind) {
    case MessageLog::Kind::Text: return QStringLiteral("text");
    case MessageLog::Kind::Binary: return QStringLiteral("binary");
    case MessageLog::Kind::Ping: return QStringLiteral("ping");
    case MessageLog::Kind::Pong: return QStringLiteral("pong");
    case MessageLog::Kind::Open: return QStringLiteral("open");
    case MessageLog::Kind::Close: return QStringLiteral("close");
    case MessageLog::Kind::Error: break;
    }
    return QStringLiteral("error");
}

QJsonObject rowObject(const QModelIndex &row)
{
    const QByteArray payload = row.data(LogModel::PayloadRole).toByteArray();
    QJsonObject object{
        {QStringLiteral("time"), timeText(row.data(LogModel::TimeUsecRole).toLongLong())},
        {QStringLiteral("direction"), directionName(row.data(LogModel::DirectionRole).toInt())},
        {QStringLiteral("kind"), kindName(kindOf(row))},
        {QStringLiteral("size"), row.data(LogModel::SizeRole).toLongLong()},
    };
    if (readsAsText(row))
        object.insert(QStringLiteral("text"), QString::fromUtf8(payload));
    else
        object.insert(QStringLiteral("base64"), QString::fromLatin1(payload.toBase64()));
    return object;
}

} // namespace

LogView::LogView(QWidget *parent)
    : RecordTable(parent)
{
    setAlternatingRowColors(true);

    connect(verticalScrollBar(), &QScrollBar::valueChanged, this, [this](int value) {
        m_follow = value >= verticalScrollBar()->maximum();
    });
    // The maximum grows as rows arrive; stay at the bottom if we were there.
    connect(verticalScrollBar(), &QScrollBar::rangeChanged, this, [this](int, int max) {
        if (m_follow)
            verticalScrollBar()->setValue(max);
    });

    const auto add = [this](const QString &text, const QString &tip) {
        auto *action = new QAction(text, this);
        action->setToolTip(tip);
        m_actions.append(action);
        return action;
    };
    const auto copy = [this](Action format) {
        return [this, format] { QGuiApplication::clipboard()->setText(selectionAs(format)); };
    };
    connect(add(tr("Copy as &text"), tr("The payloads as text, one row a line")), &QAction::triggered, this,
            copy(Action::CopyText));
    connect(add(tr("Copy as &hex"), tr("The payloads' bytes in hex, one row a line")), &QAction::triggered, this,
            copy(Action::CopyHex));
    connect(add(tr("Copy as &base64"), tr("The payloads' bytes in base64, one row a line")), &QAction::triggered, this,
            copy(Action::CopyBase64));
    connect(add(tr("Copy as &JSON"), tr("Each row as a JSON object: time, direction, kind, size, and text or base64")),
            &QAction::triggered, this, copy(Action::CopyJson));
    connect(add(tr("&Resend"), tr("Put the message into the composer, with its kind")), &QAction::triggered, this,
            [this] { resend(false); });
    connect(add(tr("Resend &now"), tr("Send the message again at once")), &QAction::triggered, this,
            [this] { resend(true); });
    connect(add(tr("Save as a saved &message…"), tr("Keep the message among the saved messages, under a name")),
            &QAction::triggered, this, [this] {
                const QModelIndexList rows = selectedLogRows();
                if (rows.size() == 1 && !isEvent(rows.first()))
                    Q_EMIT saveAsMessageRequested(int(kindOf(rows.first())),
                                                  rows.first().data(LogModel::PayloadRole).toByteArray());
            });
    connect(add(tr("&Save payload to a file…"), tr("Write the payload's exact bytes to a file")), &QAction::triggered,
            this, &LogView::chooseAndSavePayload);
    connect(add(tr("Copy connection as a &command line"),
                tr("websocat and wscat commands for the row's connection, with its headers and subprotocols")),
            &QAction::triggered, this, [this] { QGuiApplication::clipboard()->setText(selectionAs(Action::CopyCommandLine)); });
    updateActions();
}

LogView::~LogView() = default;

void LogView::setModel(QAbstractItemModel *model)
{
    RecordTable::setModel(model);
    fitColumn(LogModel::TimeColumn, QStringLiteral("00:00:00.000"));
    fitColumn(LogModel::DirectionColumn, LogModel::tr("\u2193 Received"));
    fitColumn(LogModel::KindColumn, LogModel::tr("binary"));
    fitColumn(LogModel::SizeColumn, QStringLiteral("9,999,999"));
    if (selectionModel())
        connect(selectionModel(), &QItemSelectionModel::selectionChanged, this, &LogView::updateActions);
    updateActions();
}

bool LogView::isFollowingTail() const
{
    return m_follow;
}

QAction *LogView::action(Action which) const
{
    return m_actions.value(int(which));
}

void LogView::setSendingAllowed(bool allowed)
{
    m_sendingAllowed = allowed;
    updateActions();
}

void LogView::setCommandLineSource(const std::function<QString(int logRow)> &source)
{
    m_commandLine = source;
    updateActions();
}

QModelIndexList LogView::selectedLogRows() const
{
    if (!selectionModel())
        return {};
    QModelIndexList rows = selectionModel()->selectedRows();
    std::sort(rows.begin(), rows.end(), [](const QModelIndex &a, const QModelIndex &b) { return a.row() < b.row(); });
    return rows;
}

void LogView::updateActions()
{
    const QModelIndexList rows = selectedLogRows();
    bool text = !rows.isEmpty();
    bool payload = !rows.isEmpty();
    for (const QModelIndex &row : rows) {
        text = text && readsAsText(row);
        payload = payload && !isEvent(row);
    }
    bool resendable = false;
    if (rows.size() == 1 && !isEvent(rows.first())) {
        const MessageLog::Kind kind = kindOf(rows.first());
        resendable = kind == MessageLog::Kind::Text || kind == MessageLog::Kind::Binary
            || (kind == MessageLog::Kind::Ping && readsAsText(rows.first()));
    }
    action(Action::CopyText)->setEnabled(text);
    action(Action::CopyHex)->setEnabled(payload);
    action(Action::CopyBase64)->setEnabled(payload);
    action(Action::CopyJson)->setEnabled(!rows.isEmpty());
    action(Action::Resend)->setEnabled(resendable);
    action(Action::ResendNow)->setEnabled(resendable && m_sendingAllowed);
    action(Action::SaveAsMessage)->setEnabled(rows.size() == 1 && !isEvent(rows.first())
                                              && (kindOf(rows.first()) == MessageLog::Kind::Text
                                                  || kindOf(rows.first()) == MessageLog::Kind::Binary));
    action(Action::SavePayload)->setEnabled(rows.size() == 1 && payload);
    action(Action::CopyCommandLine)->setEnabled(rows.size() == 1 && m_commandLine);
}

QString LogView::selectionAs(Action format) const
{
    const QModelIndexList rows = selectedLogRows();
    if (format == Action::CopyJson) {
        if (rows.size() == 1)
            return QString::fromUtf8(QJsonDocument(rowObject(rows.first())).toJson(QJsonDocument::Indented));
        QJsonArray array;
        for (const QModelIndex &row : rows)
            array.append(rowObject(row));
        return QString::fromUtf8(QJsonDocument(array).toJson(QJsonDocument::Indented));
    }
    if (format == Action::CopyCommandLine) {
        const auto *logModel = qobject_cast<const LogModel *>(model());
        if (rows.size() != 1 || !m_commandLine || !logModel)
            return QString();
        return m_commandLine(logModel->logRow(rows.first().row()));
    }
    QStringList lines;
    for (const QModelIndex &row : rows) {
        const QByteArray payload = row.data(LogModel::PayloadRole).toByteArray();
        switch (format) {
        case Action::CopyText:
            lines.append(QString::fromUtf8(payload));
            break;
        case Action::CopyHex:
            lines.append(QString::fromLatin1(payload.toHex(' ')));
            break;
        case Action::CopyBase64:
            lines.append(QString::fromLatin1(payload.toBase64()));
            break;
        default:
            break;
        }
    }
    return lines.join(u'\n');
}

void LogView::resend(bool now)
{
    const QModelIndexList rows = selectedLogRows();
    if (rows.size() != 1 || isEvent(rows.first()) || (now && !m_sendingAllowed))
        return;
    Q_EMIT resendRequested(int(kindOf(rows.first())), rows.first().data(LogModel::PayloadRole).toByteArray(), now);
}

bool LogView::savePayload(const QString &path, QString *error)
{
    const QModelIndexList rows = selectedLogRows();
    if (rows.size() != 1 || isEvent(rows.first())) {
        *error = tr("Select one message.");
        return false;
    }
    const QByteArray payload = rows.first().data(LogModel::PayloadRole).toByteArray();
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(payload) != payload.size() || !file.commit()) {
        *error = file.errorString();
        return false;
    }
    return true;
}

void LogView::chooseAndSavePayload()
{
    if (!action(Action::SavePayload)->isEnabled())
        return;
    const QString path = QFileDialog::getSaveFileName(this, tr("Save payload"));
    if (path.isEmpty())
        return;
    QString error;
    if (savePayload(path, &error))
        return;
    QMessageBox box(QMessageBox::Warning, tr("Save payload"),
                    tr("%1 was not saved: %2").arg(QDir::toNativeSeparators(path), error), QMessageBox::Ok, this);
    box.setTextFormat(Qt::PlainText);
    box.exec();
}

void LogView::contextMenuEvent(QContextMenuEvent *event)
{
    updateActions();
    QMenu menu(this);
    for (int i = 0; i < m_actions.size(); ++i) {
        if (i == int(Action::Resend) || i == int(Action::SavePayload) || i == int(Action::CopyCommandLine))
            menu.addSeparator();
        menu.addAction(m_actions.at(i));
    }
    menu.exec(event->globalPos());
}
