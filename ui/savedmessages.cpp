#include "savedmessages.h"

#include "log/payloadformat.h"
#include "plaintip.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QJsonDocument>
#include <QKeyEvent>
#include <QJsonParseError>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QMenu>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QShortcut>
#include <QSortFilterProxyModel>
#include <QToolButton>
#include <QVBoxLayout>

namespace {

// Search in the names and the bodies, without case.
class MessageFilter : public QSortFilterProxyModel
{
public:
    using QSortFilterProxyModel::QSortFilterProxyModel;
    void setWanted(const QString &text)
    {
        m_wanted = text;
        invalidateFilter();
    }

protected:
    bool filterAcceptsRow(int row, const QModelIndex &parent) const override
    {
        const QString &wanted = m_wanted;
        if (wanted.isEmpty())
            return true;
        const QModelIndex index = sourceModel()->index(row, 0, parent);
        return index.data(Qt::DisplayRole).toString().contains(wanted, Qt::CaseInsensitive)
            || index.data(SavedMessageModel::BodyRole).toString().contains(wanted, Qt::CaseInsensitive);
    }

private:
    QString m_wanted;
};

QString bodyPreview(const SavedMessage &message)
{
    const QString body = message.body.size() > 400 ? message.body.left(400) + u'…' : message.body;
    return SavedMessageModel::kindName(message.kind) + (message.onOpen ? SavedMessageModel::tr(", sent on open") : QString())
        + QStringLiteral("\n") + body;
}

} // namespace

int SavedMessageModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_messages.size());
}

QVariant SavedMessageModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const SavedMessage &message = m_messages.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case Qt::EditRole:
        return message.name;
    case Qt::ToolTipRole:
        return plainToolTip(bodyPreview(message) + u'\n'
                            + (index.row() < 9 ? tr("Ctrl+%1 sends it. ").arg(index.row() + 1) : QString())
                            + tr("Ticked: sent on every open and reconnect."));
    case Qt::CheckStateRole:
        return message.onOpen ? Qt::Checked : Qt::Unchecked;
    case BodyRole:
        return message.body;
    case KindRole:
        return int(message.kind);
    default:
        return {};
    }
}

bool SavedMessageModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return false;
    SavedMessage &message = m_messages[index.row()];
    if (role == Qt::EditRole) {
        const QString name = value.toString().trimmed();
        if (name.isEmpty() || name == message.name)
            return false;
        message.name = name;
    } else if (role == Qt::CheckStateRole) {
        const bool on = value.toInt() == Qt::Checked;
        if (on == message.onOpen)
            return false;
        message.onOpen = on;
    } else {
        return false;
    }
    Q_EMIT dataChanged(index, index);
    Q_EMIT changed();
    return true;
}

Qt::ItemFlags SavedMessageModel::flags(const QModelIndex &index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    return Qt::ItemIsSelectable | Qt::ItemIsEnabled | Qt::ItemIsEditable | Qt::ItemIsUserCheckable
        | Qt::ItemNeverHasChildren;
}

void SavedMessageModel::setMessages(const QList<SavedMessage> &messages)
{
    beginResetModel();
    m_messages = messages;
    endResetModel();
}

QList<SavedMessage> SavedMessageModel::messages() const
{
    return m_messages;
}

SavedMessage SavedMessageModel::message(int row) const
{
    return m_messages.value(row);
}

int SavedMessageModel::append(const SavedMessage &message)
{
    const int row = int(m_messages.size());
    beginInsertRows({}, row, row);
    m_messages.append(message);
    if (m_messages.last().id.isEmpty())
        m_messages.last().id = Collection::newId();
    endInsertRows();
    Q_EMIT changed();
    return row;
}

void SavedMessageModel::replace(int row, const SavedMessage &message)
{
    if (row < 0 || row >= m_messages.size())
        return;
    const QString id = m_messages.at(row).id;
    m_messages[row] = message;
    m_messages[row].id = id;
    Q_EMIT dataChanged(index(row), index(row));
    Q_EMIT changed();
}

void SavedMessageModel::removeAt(int row)
{
    if (row < 0 || row >= m_messages.size())
        return;
    beginRemoveRows({}, row, row);
    m_messages.removeAt(row);
    endRemoveRows();
    Q_EMIT changed();
}

int SavedMessageModel::duplicate(int row)
{
    if (row < 0 || row >= m_messages.size())
        return -1;
    SavedMessage copy = m_messages.at(row);
    copy.id = Collection::newId();
    copy.name = tr("%1 (copy)").arg(copy.name);
    beginInsertRows({}, row + 1, row + 1);
    m_messages.insert(row + 1, copy);
    endInsertRows();
    Q_EMIT changed();
    return row + 1;
}

bool SavedMessageModel::move(int row, int step)
{
    const int to = row + step;
    if (row < 0 || row >= m_messages.size() || to < 0 || to >= m_messages.size() || step == 0)
        return false;
    // beginMoveRows names the row it goes before.
    if (!beginMoveRows({}, row, row, {}, step > 0 ? to + 1 : to))
        return false;
    m_messages.move(row, to);
    endMoveRows();
    Q_EMIT changed();
    return true;
}

QString SavedMessageModel::kindName(SavedMessage::Kind kind)
{
    switch (kind) {
    case SavedMessage::Kind::Text:
        return tr("Text");
    case SavedMessage::Kind::Json:
        return tr("JSON");
    case SavedMessage::Kind::Hex:
        return tr("Binary (hex)");
    case SavedMessage::Kind::File:
        return tr("File (binary)");
    }
    return {};
}

SavedMessageDialog::SavedMessageDialog(QWidget *parent)
    : QDialog(parent)
    , m_name(new QLineEdit(this))
    , m_kind(new QComboBox(this))
    , m_body(new QPlainTextEdit(this))
    , m_onOpen(new QCheckBox(tr("Send on &open, on every connection and reconnect"), this))
    , m_problem(new QLabel(this))
{
    setWindowTitle(tr("Saved message"));
    for (const SavedMessage::Kind kind :
         {SavedMessage::Kind::Text, SavedMessage::Kind::Json, SavedMessage::Kind::Hex, SavedMessage::Kind::File})
        m_kind->addItem(SavedMessageModel::kindName(kind), int(kind));
    m_body->setTabChangesFocus(true);
    m_body->setPlaceholderText(tr("The message; {{variables}} and {{$timestamp}}, {{$randomUUID}} are filled in "
                                  "when it is sent. For a file: its path."));
    m_problem->setTextFormat(Qt::PlainText);
    m_problem->setWordWrap(true);
    m_problem->setProperty("role", QStringLiteral("error"));
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_ok = buttons->button(QDialogButtonBox::Ok);
    auto *form = new QFormLayout;
    form->addRow(tr("&Name"), m_name);
    form->addRow(tr("&Kind"), m_kind);
    form->addRow(tr("&Body"), m_body);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_onOpen);
    layout->addWidget(m_problem);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_name, &QLineEdit::textChanged, this, &SavedMessageDialog::update);
    connect(m_kind, &QComboBox::currentIndexChanged, this, &SavedMessageDialog::update);
    connect(m_body, &QPlainTextEdit::textChanged, this, &SavedMessageDialog::update);
    resize(520, 360);
    update();
}

void SavedMessageDialog::setMessage(const SavedMessage &message)
{
    m_message = message;
    m_name->setText(message.name);
    m_kind->setCurrentIndex(qMax(0, m_kind->findData(int(message.kind))));
    m_body->setPlainText(message.body);
    m_onOpen->setChecked(message.onOpen);
    update();
}

SavedMessage SavedMessageDialog::message() const
{
    SavedMessage message = m_message;
    message.name = m_name->text().trimmed();
    message.kind = SavedMessage::Kind(m_kind->currentData().toInt());
    message.body = m_body->toPlainText();
    message.onOpen = m_onOpen->isChecked();
    return message;
}

QString SavedMessageDialog::problem() const
{
    const SavedMessage current = message();
    if (current.name.isEmpty())
        return tr("Give the message a name.");
    // Hex is checked as typed, unless a variable fills part of it in.
    if (current.kind == SavedMessage::Kind::Hex && !current.body.contains(QLatin1String("{{"))) {
        const PayloadFormat::HexResult hex = PayloadFormat::parseHex(current.body);
        if (!hex.ok())
            return hex.error;
    }
    if (current.kind == SavedMessage::Kind::File && current.body.trimmed().isEmpty())
        return tr("Give the path of the file to send.");
    return {};
}

void SavedMessageDialog::update()
{
    const QString problem = this->problem();
    QString note = problem;
    // JSON that does not parse is still sent as written; it is only said.
    const SavedMessage current = message();
    if (note.isEmpty() && current.kind == SavedMessage::Kind::Json && !current.body.contains(QLatin1String("{{"))
        && !current.body.trimmed().isEmpty()) {
        QJsonParseError error;
        QJsonDocument::fromJson(current.body.toUtf8(), &error);
        if (error.error != QJsonParseError::NoError)
            note = tr("Not valid JSON (%1); it is sent as written.").arg(error.errorString());
    }
    m_problem->setText(note);
    m_problem->setVisible(!note.isEmpty());
    m_ok->setEnabled(problem.isEmpty());
}

SavedMessagesPane::SavedMessagesPane(QWidget *parent)
    : QWidget(parent)
    , m_model(new SavedMessageModel(this))
    , m_filter(new MessageFilter(this))
    , m_search(new QLineEdit(this))
    , m_view(new QListView(this))
    , m_save(new QToolButton(this))
    , m_send(new QToolButton(this))
    , m_more(new QToolButton(this))
    , m_edit(new QAction(tr("&Edit…"), this))
    , m_duplicate(new QAction(tr("D&uplicate"), this))
    , m_delete(new QAction(tr("&Delete"), this))
    , m_up(new QAction(tr("Move u&p"), this))
    , m_down(new QAction(tr("Move do&wn"), this))
    , m_empty(new QLabel(this))
{
    m_filter->setSourceModel(m_model);
    m_view->setModel(m_filter);
    m_view->setEditTriggers(QAbstractItemView::EditKeyPressed);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setUniformItemSizes(true);
    m_view->setMinimumHeight(fontMetrics().height() * 2 + 2 * m_view->frameWidth());   // it scrolls in a small window
    m_view->installEventFilter(this);
    m_search->setPlaceholderText(tr("Search saved messages"));
    m_search->setAccessibleName(tr("Search saved messages"));
    m_view->setAccessibleName(tr("Saved messages"));
    m_search->setClearButtonEnabled(true);
    m_empty->setTextFormat(Qt::PlainText);
    m_empty->setWordWrap(true);
    m_empty->setText(tr("No saved messages for this URL. Write one in the composer and click Save."));
    m_empty->setEnabled(false);

    m_save->setText(tr("Save"));
    m_save->setToolTip(tr("Save the composer's message under a name"));
    m_send->setText(tr("Send"));
    m_send->setToolTip(tr("Send the selected message (Enter, a double click, or Ctrl+1 to Ctrl+9)"));
    m_more->setText(tr("More"));
    m_more->setToolTip(tr("Edit, duplicate, delete or move the selected message"));
    m_more->setPopupMode(QToolButton::InstantPopup);
    auto *menu = new QMenu(m_more);
    m_delete->setShortcut(QKeySequence::Delete);
    m_delete->setShortcutContext(Qt::WidgetShortcut);
    for (QAction *action : {m_edit, m_duplicate, m_delete, m_up, m_down}) {
        menu->addAction(action);
        m_view->addAction(action);
    }
    m_more->setMenu(menu);
    m_view->setContextMenuPolicy(Qt::ActionsContextMenu);
    auto *row1 = new QHBoxLayout;
    for (QToolButton *button : {m_save, m_send, m_more}) {
        button->setAutoRaise(true);
        row1->addWidget(button);
    }
    row1->addStretch();
    auto *title = new QLabel(tr("Saved messages"), this);
    QFont bold = title->font();
    bold.setBold(true);
    title->setFont(bold);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addWidget(title);
    layout->addWidget(m_search);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_empty);
    layout->addLayout(row1);

    connect(m_search, &QLineEdit::textChanged, this, [this](const QString &text) {
        static_cast<MessageFilter *>(m_filter)->setWanted(text);
        updateButtons();
    });
    connect(m_view, &QListView::doubleClicked, this,
            [this](const QModelIndex &index) { sendRow(m_filter->mapToSource(index).row()); });
    connect(m_view->selectionModel(), &QItemSelectionModel::currentChanged, this, &SavedMessagesPane::updateButtons);
    connect(m_model, &QAbstractItemModel::rowsInserted, this, &SavedMessagesPane::updateButtons);
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, &SavedMessagesPane::updateButtons);
    connect(m_model, &QAbstractItemModel::modelReset, this, &SavedMessagesPane::updateButtons);
    connect(m_save, &QToolButton::clicked, this, &SavedMessagesPane::saveFromComposerRequested);
    connect(m_send, &QToolButton::clicked, this, [this] { sendRow(currentRow()); });
    connect(m_edit, &QAction::triggered, this, [this] { editRow(currentRow()); });
    connect(m_duplicate, &QAction::triggered, this, [this] { setCurrentRow(m_model->duplicate(currentRow())); });
    connect(m_delete, &QAction::triggered, this, [this] {
        const int row = currentRow();
        m_model->removeAt(row);
        setCurrentRow(qMin(row, m_model->rowCount() - 1));
    });
    connect(m_up, &QAction::triggered, this, [this] {
        const int row = currentRow();
        if (m_model->move(row, -1))
            setCurrentRow(row - 1);
    });
    connect(m_down, &QAction::triggered, this, [this] {
        const int row = currentRow();
        if (m_model->move(row, +1))
            setCurrentRow(row + 1);
    });
    // Ctrl+1 … Ctrl+9: the first nine messages, wherever the focus is in the window.
    for (int i = 0; i < 9; ++i) {
        auto *shortcut = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + i)), this);
        shortcut->setContext(Qt::WindowShortcut);
        connect(shortcut, &QShortcut::activated, this, [this, i] { sendRow(i); });
    }
    updateButtons();
}

SavedMessageModel *SavedMessagesPane::model() const
{
    return m_model;
}

QListView *SavedMessagesPane::view() const
{
    return m_view;
}

QLineEdit *SavedMessagesPane::searchField() const
{
    return m_search;
}

int SavedMessagesPane::currentRow() const
{
    const QModelIndex index = m_filter->mapToSource(m_view->currentIndex());
    return index.isValid() ? index.row() : -1;
}

void SavedMessagesPane::setCurrentRow(int row)
{
    const QModelIndex index = m_filter->mapFromSource(m_model->index(row));
    m_view->setCurrentIndex(index);
    updateButtons();
}

SavedMessage SavedMessagesPane::draft(SavedMessage::Kind kind, const QString &body) const
{
    SavedMessage message;
    message.kind = kind;
    message.body = body;
    if (kind == SavedMessage::Kind::Text) {
        QJsonParseError parsed;
        const QJsonDocument document = QJsonDocument::fromJson(body.toUtf8(), &parsed);
        if (parsed.error == QJsonParseError::NoError && (document.isObject() || document.isArray()))
            message.kind = SavedMessage::Kind::Json;
    }
    const QString name = body.simplified().left(32);
    message.name = name.isEmpty() ? tr("Message %1").arg(m_model->rowCount() + 1) : name;
    return message;
}

void SavedMessagesPane::setEmptyText(const QString &text)
{
    m_empty->setText(text);
}

void SavedMessagesPane::setSendingAllowed(bool allowed)
{
    m_sendingAllowed = allowed;
    updateButtons();
}

void SavedMessagesPane::addWithDialog(const SavedMessage &draft)
{
    auto *dialog = new SavedMessageDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setMessage(draft);
    connect(dialog, &QDialog::accepted, this, [this, dialog] { setCurrentRow(m_model->append(dialog->message())); });
    dialog->open();
}

void SavedMessagesPane::editRow(int row)
{
    if (row < 0 || row >= m_model->rowCount())
        return;
    auto *dialog = new SavedMessageDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setMessage(m_model->message(row));
    const QString id = m_model->message(row).id;
    connect(dialog, &QDialog::accepted, this, [this, dialog, id] {
        // The row may have moved meanwhile: found again by its id.
        const QList<SavedMessage> messages = m_model->messages();
        for (int i = 0; i < messages.size(); ++i) {
            if (messages.at(i).id == id)
                m_model->replace(i, dialog->message());
        }
    });
    dialog->open();
}

void SavedMessagesPane::sendRow(int row)
{
    if (row < 0 || row >= m_model->rowCount() || !m_sendingAllowed)
        return;
    Q_EMIT sendRequested(m_model->message(row));
}

void SavedMessagesPane::updateButtons()
{
    const bool selected = currentRow() >= 0;
    const int row = currentRow();
    m_send->setEnabled(selected && m_sendingAllowed);
    m_edit->setEnabled(selected);
    m_duplicate->setEnabled(selected);
    m_delete->setEnabled(selected);
    m_up->setEnabled(selected && row > 0);
    m_down->setEnabled(selected && row < m_model->rowCount() - 1);
    m_more->setEnabled(selected);
    m_empty->setVisible(m_model->rowCount() == 0);
}

QToolButton *SavedMessagesPane::saveButton() const
{
    return m_save;
}

QToolButton *SavedMessagesPane::sendButton() const
{
    return m_send;
}

QList<QAction *> SavedMessagesPane::rowActions() const
{
    return {m_edit, m_duplicate, m_delete, m_up, m_down};
}

bool SavedMessagesPane::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_view && event->type() == QEvent::KeyPress) {
        const auto *key = static_cast<QKeyEvent *>(event);
        if ((key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter)) {
            sendRow(currentRow());
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

AdaptiveSplitter::AdaptiveSplitter(QWidget *parent)
    : QSplitter(Qt::Horizontal, parent)
{
}

int AdaptiveSplitter::sideBySideWidth() const
{
    int width = 0;
    for (int i = 0; i < count(); ++i) {
        if (!widget(i)->isHidden())
            width += widget(i)->minimumSizeHint().width() + handleWidth();
    }
    return width;
}

QSize AdaptiveSplitter::minimumSizeHint() const
{
    // As narrow as the widest pane: below that they go one above the other.
    // One above the other, the heights add up.
    int width = 0;
    int height = 0;
    for (int i = 0; i < count(); ++i) {
        if (widget(i)->isHidden())
            continue;
        const QSize hint = widget(i)->minimumSizeHint();
        width = qMax(width, hint.width());
        height = orientation() == Qt::Horizontal ? qMax(height, hint.height()) : height + hint.height() + handleWidth();
    }
    return {width, height};
}

void AdaptiveSplitter::resizeEvent(QResizeEvent *event)
{
    const Qt::Orientation wanted = width() >= sideBySideWidth() ? Qt::Horizontal : Qt::Vertical;
    if (wanted != orientation()) {
        setOrientation(wanted);
        updateGeometry();
    }
    QSplitter::resizeEvent(event);
}
