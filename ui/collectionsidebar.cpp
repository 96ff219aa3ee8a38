#include "collectionsidebar.h"

#include "plaintip.h"

#include <QComboBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTreeView>
#include <QVBoxLayout>

#include <functional>

void CollectionModel::setCollection(const Collection &collection)
{
    beginResetModel();
    m_collection = collection;
    m_parents.clear();
    m_rows.clear();
    std::function<void(const QList<CollectionItem> &, const CollectionItem *)> walk;
    walk = [&](const QList<CollectionItem> &items, const CollectionItem *parent) {
        for (qsizetype i = 0; i < items.size(); ++i) {
            m_parents.insert(&items.at(i), parent);
            m_rows.insert(&items.at(i), int(i));
            walk(items.at(i).items, &items.at(i));
        }
    };
    walk(std::as_const(m_collection).items, nullptr);
    endResetModel();
}

const Collection &CollectionModel::collection() const
{
    return m_collection;
}

const QList<CollectionItem> &CollectionModel::childrenOf(const CollectionItem *item) const
{
    return item ? item->items : m_collection.items;
}

QModelIndex CollectionModel::index(int row, int column, const QModelIndex &parent) const
{
    if (column != 0 || row < 0)
        return {};
    const auto *item = static_cast<const CollectionItem *>(parent.internalPointer());
    if (parent.isValid() && item->type != CollectionItem::Type::Folder)
        return {};
    const QList<CollectionItem> &children = childrenOf(parent.isValid() ? item : nullptr);
    if (row >= children.size())
        return {};
    return createIndex(row, 0, const_cast<CollectionItem *>(&children.at(row)));
}

QModelIndex CollectionModel::parent(const QModelIndex &child) const
{
    if (!child.isValid())
        return {};
    const CollectionItem *parent = m_parents.value(static_cast<const CollectionItem *>(child.internalPointer()));
    if (!parent)
        return {};
    return createIndex(m_rows.value(parent), 0, const_cast<CollectionItem *>(parent));
}

int CollectionModel::rowCount(const QModelIndex &parent) const
{
    if (parent.column() > 0)
        return 0;
    if (!parent.isValid())
        return int(m_collection.items.size());
    const auto *item = static_cast<const CollectionItem *>(parent.internalPointer());
    return item->type == CollectionItem::Type::Folder ? int(item->items.size()) : 0;
}

int CollectionModel::columnCount(const QModelIndex &) const
{
    return 1;
}

QVariant CollectionModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const auto *item = static_cast<const CollectionItem *>(index.internalPointer());
    const bool folder = item->type == CollectionItem::Type::Folder;
    switch (role) {
    case Qt::DisplayRole:
        return folder ? item->name : item->profile.name;
    case Qt::ToolTipRole:
        return folder ? QVariant() : QVariant(plainToolTip(item->profile.url));
    case ProfileIdRole:
        return folder ? QVariant() : QVariant(item->profile.id);
    default:
        return {};
    }
}

Qt::ItemFlags CollectionModel::flags(const QModelIndex &index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    const auto *item = static_cast<const CollectionItem *>(index.internalPointer());
    Qt::ItemFlags flags = Qt::ItemIsEnabled | Qt::ItemIsSelectable;
    if (item->type != CollectionItem::Type::Folder)
        flags |= Qt::ItemNeverHasChildren;
    return flags;
}

QModelIndex CollectionModel::indexOfProfile(const QString &id) const
{
    for (auto it = m_rows.constBegin(); it != m_rows.constEnd(); ++it) {
        if (it.key()->type == CollectionItem::Type::Profile && it.key()->profile.id == id)
            return createIndex(it.value(), 0, const_cast<CollectionItem *>(it.key()));
    }
    return {};
}

CollectionSidebar::CollectionSidebar(QWidget *parent)
    : QWidget(parent)
    , m_model(new CollectionModel(this))
    , m_title(new QLabel(this))
    , m_environment(new QComboBox(this))
    , m_view(new QTreeView(this))
    , m_preview(new QPlainTextEdit(this))
    , m_open(new QPushButton(tr("Open in the window"), this))
{
    m_title->setTextFormat(Qt::PlainText);
    QFont bold = m_title->font();
    bold.setBold(true);
    m_title->setFont(bold);
    m_view->setModel(m_model);
    m_view->setHeaderHidden(true);
    m_view->setAccessibleName(tr("Collection"));
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_environment->setAccessibleName(tr("Environment"));
    m_environment->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_environment->setMinimumContentsLength(8);
    m_preview->setReadOnly(true);
    m_preview->setAccessibleName(tr("Resolved request"));
    m_preview->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_preview->setPlaceholderText(tr("Select a profile to see the request it sends."));
    m_preview->setMaximumHeight(160);
    auto *environmentLabel = new QLabel(tr("Environment:"), this);
    environmentLabel->setBuddy(m_environment);
    auto *row = new QHBoxLayout;
    row->addWidget(environmentLabel);
    row->addWidget(m_environment, 1);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_title);
    layout->addLayout(row);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_preview);
    layout->addWidget(m_open);

    connect(m_environment, &QComboBox::currentIndexChanged, this, [this] {
        updatePreview();
        Q_EMIT environmentChanged(environment());
    });
    connect(m_view->selectionModel(), &QItemSelectionModel::currentChanged, this, &CollectionSidebar::updatePreview);
    connect(m_model, &QAbstractItemModel::modelReset, this, &CollectionSidebar::updatePreview);
    connect(m_view, &QTreeView::activated, this, [this](const QModelIndex &index) {
        const QString id = index.data(CollectionModel::ProfileIdRole).toString();
        if (!id.isEmpty())
            Q_EMIT openRequested(id);
    });
    connect(m_open, &QPushButton::clicked, this, [this] {
        if (!selectedProfile().isEmpty())
            Q_EMIT openRequested(selectedProfile());
    });
    updatePreview();
}

void CollectionSidebar::setCollection(const Collection &collection, const QHash<QString, ProfileSecrets> &secrets,
                                      const QString &path, bool writable)
{
    m_secrets = secrets;
    m_path = path;
    m_writable = writable;
    m_model->setCollection(collection);
    m_view->expandAll();
    m_title->setText(collection.name.isEmpty() ? QFileInfo(path).fileName() : collection.name);
    m_title->setToolTip(plainToolTip(path));
    const QSignalBlocker blocker(m_environment);
    m_environment->clear();
    m_environment->addItem(tr("No environment (the collection's values)"), QString());
    for (const Environment &environment : collection.environments)
        m_environment->addItem(environment.name, environment.name);
    updatePreview();
}

const Collection &CollectionSidebar::collection() const
{
    return m_model->collection();
}

QString CollectionSidebar::path() const
{
    return m_path;
}

bool CollectionSidebar::isWritable() const
{
    return m_writable;
}

ProfileSecrets CollectionSidebar::secrets(const QString &profileId) const
{
    return m_secrets.value(profileId);
}

QString CollectionSidebar::environment() const
{
    return m_environment->currentData().toString();
}

bool CollectionSidebar::setEnvironment(const QString &name)
{
    const int index = m_environment->findData(name);
    if (index < 0)
        return false;
    m_environment->setCurrentIndex(index);
    return true;
}

VariableScope CollectionSidebar::variables() const
{
    return collection().scope(collection().findEnvironment(environment()), m_overrides);
}

void CollectionSidebar::setOverrides(const QList<Variable> &overrides)
{
    m_overrides = overrides;
    updatePreview();
}

QString CollectionSidebar::selectedProfile() const
{
    return m_view->currentIndex().data(CollectionModel::ProfileIdRole).toString();
}

void CollectionSidebar::selectProfile(const QString &id)
{
    m_view->setCurrentIndex(m_model->indexOfProfile(id));
}

CollectionModel *CollectionSidebar::model() const
{
    return m_model;
}

QTreeView *CollectionSidebar::view() const
{
    return m_view;
}

QComboBox *CollectionSidebar::environmentBox() const
{
    return m_environment;
}

QString CollectionSidebar::previewText() const
{
    return m_preview->toPlainText();
}

void CollectionSidebar::setMessages(const QString &profileId, const QList<SavedMessage> &messages)
{
    Collection changed = collection();
    std::function<bool(QList<CollectionItem> &)> put = [&](QList<CollectionItem> &items) {
        for (CollectionItem &item : items) {
            if (item.type == CollectionItem::Type::Profile && item.profile.id == profileId) {
                item.profile.messages = messages;
                return true;
            }
            if (put(item.items))
                return true;
        }
        return false;
    };
    if (!put(changed.items))
        return;
    const QString selected = selectedProfile();
    const QString chosen = environment();
    m_model->setCollection(changed);
    m_view->expandAll();
    selectProfile(selected);
    setEnvironment(chosen);
}

void CollectionSidebar::updatePreview()
{
    const QString id = selectedProfile();
    m_open->setEnabled(!id.isEmpty());
    QString error;
    const Profile *profile = id.isEmpty() ? nullptr : collection().findProfile(id, &error);
    if (!profile) {
        m_preview->clear();
        return;
    }
    const VariableScope scope = variables();
    const ResolvedRequest resolved = ResolvedRequest::resolve(*profile, secrets(id), scope);
    m_preview->setPlainText(resolved.ok() ? resolved.preview(scope, true)
                                          : tr("Cannot be sent as it is:\n%1").arg(resolved.problemText()));
}
