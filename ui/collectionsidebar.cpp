#include "collectionsidebar.h"

#include "plaintip.h"
#include "variablesdialog.h"
#include "secrets/secretstore.h"

#include <QAction>
#include <QComboBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QToolButton>
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

Collection::Path CollectionModel::pathOf(const QModelIndex &index) const
{
    Collection::Path path;
    for (QModelIndex at = index; at.isValid(); at = at.parent())
        path.prepend(at.row());
    return path;
}

QModelIndex CollectionModel::indexOf(const Collection::Path &path) const
{
    QModelIndex at;
    for (const int row : path) {
        at = index(row, 0, at);
        if (!at.isValid())
            return {};
    }
    return at;
}

CollectionSidebar::CollectionSidebar(QWidget *parent)
    : QWidget(parent)
    , m_model(new CollectionModel(this))
    , m_title(new QLabel(this))
    , m_environment(new QComboBox(this))
    , m_view(new QTreeView(this))
    , m_preview(new QPlainTextEdit(this))
    , m_open(new QPushButton(tr("Open in the window"), this))
    , m_editButton(new QToolButton(this))
    , m_edit(new QMenu(this))
    , m_moveTo(new QMenu(tr("Move &to"), this))
{
    m_variables = m_edit->addAction(tr("&Variables and environments…"), this, &CollectionSidebar::editVariables);
    m_variables->setToolTip(tr("The collection's variables, its environments and the values each one overrides"));
    m_edit->addSeparator();
    m_newFolder = m_edit->addAction(tr("New &folder…"), this, [this] {
        bool ok = false;
        const QString name = QInputDialog::getText(this, tr("New folder"), tr("Name of the folder:"),
                                                   QLineEdit::Normal, QString(), &ok).trimmed();
        QString error;
        if (ok && !name.isEmpty() && !addFolder(name, selectedFolder(), &error))
            QMessageBox::warning(this, tr("New folder"), error);
    });
    m_newProfile = m_edit->addAction(tr("New &profile from the current tab…"), this,
                                     [this] { Q_EMIT newProfileRequested(selectedFolder()); });
    m_newProfile->setToolTip(tr("Keep the URL, request tabs and saved messages of the tab in front as a profile here"));
    m_saveTab = m_edit->addAction(tr("&Save the current tab to this profile"), this, [this] {
        if (!selectedProfile().isEmpty())
            Q_EMIT saveTabRequested(selectedProfile());
    });
    m_saveTab->setToolTip(tr("Replace this profile's URL and request tabs with the tab in front's; fields left as "
                             "the profile's variables gave them keep their {{variables}}"));
    m_edit->addSeparator();
    m_rename = m_edit->addAction(tr("&Rename…"), this, &CollectionSidebar::askRename);
    m_rename->setShortcut(QKeySequence(Qt::Key_F2));
    m_duplicate = m_edit->addAction(tr("Dup&licate"), this, [this] {
        QString error;
        if (!duplicate(selectedPath(), &error))
            QMessageBox::warning(this, tr("Duplicate"), error);
    });
    m_moveUp = m_edit->addAction(tr("Move &up"), this, [this] {
        const Collection::Path path = selectedPath();
        QString error;
        if (!path.isEmpty() && path.last() > 0 && !move(path, path.mid(0, path.size() - 1), path.last() - 1, &error))
            QMessageBox::warning(this, tr("Move"), error);
    });
    m_moveUp->setShortcut(QKeySequence(Qt::ALT | Qt::Key_Up));
    m_moveDown = m_edit->addAction(tr("Move &down"), this, [this] {
        const Collection::Path path = selectedPath();
        QString error;
        if (!path.isEmpty() && !move(path, path.mid(0, path.size() - 1), path.last() + 2, &error))
            QMessageBox::warning(this, tr("Move"), error);
    });
    m_moveDown->setShortcut(QKeySequence(Qt::ALT | Qt::Key_Down));
    m_edit->addMenu(m_moveTo);
    connect(m_moveTo, &QMenu::aboutToShow, this, &CollectionSidebar::fillMoveMenu);
    m_edit->addSeparator();
    m_delete = m_edit->addAction(tr("D&elete…"), this, &CollectionSidebar::askDelete);
    m_delete->setShortcut(QKeySequence::Delete);
    for (QAction *action : {m_rename, m_moveUp, m_moveDown, m_delete}) {
        action->setShortcutContext(Qt::WidgetShortcut);
        m_view->addAction(action);
    }
    m_editButton->setText(tr("&Edit"));
    m_editButton->setToolTip(tr("New folder or profile, rename, duplicate, move or delete"));
    m_editButton->setMenu(m_edit);
    m_editButton->setPopupMode(QToolButton::InstantPopup);
    m_editButton->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_view, &QWidget::customContextMenuRequested, this,
            [this](const QPoint &at) { m_edit->popup(m_view->viewport()->mapToGlobal(at)); });
    connect(m_edit, &QMenu::aboutToShow, this, &CollectionSidebar::updateActions);

    m_title->setTextFormat(Qt::PlainText);
    QFont bold = m_title->font();
    bold.setBold(true);
    m_title->setFont(bold);
    m_view->setModel(m_model);
    m_view->setHeaderHidden(true);
    m_view->setAccessibleName(tr("Collection"));
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_environment->setAccessibleName(tr("Environment"));
    m_environment->setToolTip(tr("The environment whose values override the collection's; choosing another applies "
                                 "it at once to every tab opened from a profile"));
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
    auto *titleRow = new QHBoxLayout;
    titleRow->addWidget(m_title, 1);
    titleRow->addWidget(m_editButton);
    layout->addLayout(titleRow);
    layout->addLayout(row);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_preview);
    layout->addWidget(m_open);

    connect(m_environment, &QComboBox::currentIndexChanged, this, [this] {
        updatePreview();
        Q_EMIT environmentChanged(environment());
    });
    connect(m_view->selectionModel(), &QItemSelectionModel::currentChanged, this, &CollectionSidebar::updatePreview);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentChanged, this, &CollectionSidebar::updateActions);
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
    m_secretValues.clear();
    Collection shown = collection;
    takeSecretValues(&shown);
    m_model->setCollection(shown);
    m_view->expandAll();
    m_title->setText(collection.name.isEmpty() ? QFileInfo(path).fileName() : collection.name);
    m_title->setToolTip(plainToolTip(path));
    fillEnvironments();
    updatePreview();
    updateActions();
    readSecrets();
}

// The chooser lists the collection's environments as they are now.
void CollectionSidebar::fillEnvironments()
{
    const QSignalBlocker blocker(m_environment);
    m_environment->clear();
    m_environment->addItem(tr("No environment"), QString());
    m_environment->setItemData(0, tr("The collection's own values, without an environment's"), Qt::ToolTipRole);
    for (const Environment &environment : collection().environments)
        m_environment->addItem(environment.name, environment.name);
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
    const Collection filled = withSecretValues();
    return filled.scope(filled.findEnvironment(environment()), m_overrides);
}

QString CollectionSidebar::layerKey(const Environment *environment)
{
    if (!environment)
        return QStringLiteral("defaults");
    return QStringLiteral("environment/") + (environment->id.isEmpty() ? environment->name : environment->id);
}

// Secret values written into the file by hand are taken out of the tree the
// window keeps: it writes the file without them, and the keyring keeps them.
void CollectionSidebar::takeSecretValues(Collection *collection)
{
    const auto take = [this](QList<Variable> &variables, const QString &layer) {
        for (Variable &variable : variables) {
            if (variable.secret && !variable.value.isEmpty()) {
                m_secretValues[layer].insert(variable.name, variable.value);
                variable.value.clear();
            }
        }
    };
    take(collection->variables, layerKey(nullptr));
    for (Environment &environment : collection->environments)
        take(environment.variables, layerKey(&environment));
}

Collection CollectionSidebar::withSecretValues() const
{
    Collection filled = collection();
    const auto fill = [this](QList<Variable> &variables, const QString &layer) {
        const QHash<QString, QString> values = m_secretValues.value(layer);
        for (Variable &variable : variables) {
            if (variable.secret && variable.value.isEmpty())
                variable.value = values.value(variable.name);
        }
    };
    fill(filled.variables, layerKey(nullptr));
    for (Environment &environment : filled.environments)
        fill(environment.variables, layerKey(&environment));
    return filled;
}

void CollectionSidebar::storeSecretValues(const QString &layer)
{
    if (!m_writable || collection().id.isEmpty())
        return;
    const QString key = QStringLiteral("collection/%1/variables/%2").arg(collection().id, layer);
    const QHash<QString, QString> values = m_secretValues.value(layer);
    SecretStore *store = SecretStore::shared();
    if (values.isEmpty()) {
        store->remove(key);
        return;
    }
    QVariantMap map;
    for (auto it = values.cbegin(); it != values.cend(); ++it)
        map.insert(it.key(), it.value());
    if (store->status() == SecretStore::Status::SessionOnly)
        Q_EMIT message(tr("No system keyring answered: the secret variables' values are kept for this session only."));
    store->write(key, SecretStore::encode(map), this, [this](bool ok, const QString &why) {
        if (!ok)
            Q_EMIT message(tr("The keyring did not take the secret variables' values (%1); they are kept for this "
                              "session only.").arg(why));
    });
}

bool CollectionSidebar::setVariables(const Collection &edited, QString *error)
{
    Collection changed = collection();
    changed.variables = edited.variables;
    changed.environments = edited.environments;
    // Every layer's secret values as typed now: a value cleared is gone.
    QHash<QString, QHash<QString, QString>> values;
    const auto take = [&values](QList<Variable> &variables, const QString &layer) {
        for (Variable &variable : variables) {
            if (variable.secret && !variable.value.isEmpty())
                values[layer].insert(variable.name, variable.value);
            if (variable.secret)
                variable.value.clear();
        }
    };
    QStringList layers{layerKey(nullptr)};
    take(changed.variables, layerKey(nullptr));
    for (Environment &environment : changed.environments) {
        layers.append(layerKey(&environment));
        take(environment.variables, layerKey(&environment));
    }
    const QString chosen = environment();
    if (!apply(changed, selectedPath(), error))
        return false;
    QStringList touched = layers;
    for (auto it = m_secretValues.cbegin(); it != m_secretValues.cend(); ++it) {
        if (!touched.contains(it.key()))
            touched.append(it.key());   // an environment removed: its values go too
    }
    m_secretValues = values;
    for (const QString &layer : std::as_const(touched))
        storeSecretValues(layer);
    fillEnvironments();
    if (!setEnvironment(chosen))
        m_environment->setCurrentIndex(0);
    updatePreview();
    Q_EMIT environmentChanged(environment());
    return true;
}

void CollectionSidebar::editVariables()
{
    auto *dialog = new VariablesDialog(withSecretValues(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        QString error;
        if (!setVariables(dialog->result(), &error))
            QMessageBox::warning(this, tr("Variables and environments"), error);
    });
    dialog->open();
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

Collection::Path CollectionSidebar::selectedPath() const
{
    return m_model->pathOf(m_view->currentIndex());
}

Collection::Path CollectionSidebar::selectedFolder() const
{
    Collection::Path path = selectedPath();
    const CollectionItem *item = path.isEmpty() ? nullptr : collection().item(path);
    if (item && item->type != CollectionItem::Type::Folder)
        path.removeLast();
    return path;
}

QMenu *CollectionSidebar::editMenu() const
{
    return m_edit;
}

void CollectionSidebar::updateActions()
{
    const Collection::Path path = selectedPath();
    const bool any = !path.isEmpty();
    const bool profile = !selectedProfile().isEmpty();
    m_saveTab->setEnabled(profile);
    for (QAction *action : {m_rename, m_duplicate, m_delete})
        action->setEnabled(any);
    m_moveTo->setEnabled(any);
    m_moveUp->setEnabled(any && path.last() > 0);
    const CollectionItem *parent = path.size() > 1 ? collection().item(path.mid(0, path.size() - 1)) : nullptr;
    const qsizetype siblings = parent ? parent->items.size() : collection().items.size();
    m_moveDown->setEnabled(any && path.last() + 1 < siblings);
}

// The change goes to the file first: when that fails, nothing changes here.
bool CollectionSidebar::apply(const Collection &edited, const Collection::Path &select, QString *error)
{
    // The keyring names a collection's secrets by its id: one written by
    // hand without an id gets one.
    Collection changed = edited;
    if (changed.id.isEmpty())
        changed.id = Collection::newId();
    if (m_writable && !changed.writeFile(m_path, error))
        return false;
    const QString chosen = environment();
    m_model->setCollection(changed);
    m_view->expandAll();
    m_view->setCurrentIndex(m_model->indexOf(select));
    setEnvironment(chosen);
    updatePreview();
    updateActions();
    if (!m_writable)
        Q_EMIT message(tr("Changed in the window only: this collection was imported; File > Save collection as… "
                          "keeps it."));
    return true;
}

QString CollectionSidebar::secretKey(const QString &profileId) const
{
    return QStringLiteral("collection/%1/%2").arg(collection().id, profileId);
}

void CollectionSidebar::storeSecrets(const QString &profileId, const ProfileSecrets &secrets)
{
    const ProfileSecrets before = m_secrets.value(profileId);
    m_secrets.insert(profileId, secrets);
    // An imported file's secrets live as long as the window shows it.
    if (!m_writable)
        return;
    QVariantMap map;
    if (!secrets.authSecret.isEmpty())
        map.insert(QStringLiteral("authSecret"), secrets.authSecret);
    if (!secrets.passphrase.isEmpty())
        map.insert(QStringLiteral("passphrase"), secrets.passphrase);
    if (!secrets.proxyPassword.isEmpty())
        map.insert(QStringLiteral("proxyPassword"), secrets.proxyPassword);
    SecretStore *store = SecretStore::shared();
    if (map.isEmpty()) {
        if (!before.authSecret.isEmpty() || !before.passphrase.isEmpty() || !before.proxyPassword.isEmpty())
            store->remove(secretKey(profileId));
        return;
    }
    if (store->status() == SecretStore::Status::SessionOnly)
        Q_EMIT message(tr("No system keyring answered: this profile's password or token is kept for this session "
                          "only."));
    store->write(secretKey(profileId), SecretStore::encode(map), this, [this](bool ok, const QString &why) {
        if (!ok)
            Q_EMIT message(tr("The keyring did not take the profile's secrets (%1); they are kept for this session "
                              "only.").arg(why));
    });
}

// A collection file holds no secrets: those typed for its profiles come from
// the keyring a moment after it opens.
void CollectionSidebar::readSecrets()
{
    if (!m_writable || collection().id.isEmpty())
        return;
    const QString path = m_path;
    QStringList layers{layerKey(nullptr)};
    for (const Environment &environment : collection().environments)
        layers.append(layerKey(&environment));
    for (const QString &layer : std::as_const(layers)) {
        const QString key = QStringLiteral("collection/%1/variables/%2").arg(collection().id, layer);
        SecretStore::shared()->read(key, this, [this, layer, path](bool stored, const QString &value) {
            if (path != m_path)
                return;
            const bool fromFile = m_secretValues.contains(layer);
            if (stored) {
                const QVariantMap map = SecretStore::decode(value);
                QHash<QString, QString> &values = m_secretValues[layer];
                // A value written into the file by hand is the newer one.
                for (auto it = map.cbegin(); it != map.cend(); ++it) {
                    if (!values.contains(it.key()))
                        values.insert(it.key(), it.value().toString());
                }
            }
            // The file's own values are in the keyring from now on.
            if (fromFile)
                storeSecretValues(layer);
            updatePreview();
        });
    }
    for (const Collection::Found &found : collection().profiles()) {
        const QString id = found.profile->id;
        SecretStore::shared()->read(secretKey(id), this, [this, id, path](bool stored, const QString &value) {
            if (!stored || path != m_path || m_secrets.contains(id))
                return;
            const QVariantMap map = SecretStore::decode(value);
            ProfileSecrets secrets;
            secrets.authSecret = map.value(QStringLiteral("authSecret")).toString();
            secrets.passphrase = map.value(QStringLiteral("passphrase")).toString();
            secrets.proxyPassword = map.value(QStringLiteral("proxyPassword")).toString();
            m_secrets.insert(id, secrets);
            updatePreview();
        });
    }
}

bool CollectionSidebar::addFolder(const QString &name, const Collection::Path &parent, QString *error)
{
    Collection changed = collection();
    QList<CollectionItem> *items = changed.itemsOf(parent);
    if (!items) {
        *error = tr("That folder is no longer there.");
        return false;
    }
    CollectionItem folder;
    folder.type = CollectionItem::Type::Folder;
    folder.name = name;
    items->append(folder);
    return apply(changed, Collection::Path(parent) << int(items->size() - 1), error);
}

bool CollectionSidebar::addProfile(const Profile &profile, const ProfileSecrets &secrets,
                                   const Collection::Path &folder, QString *error)
{
    Collection changed = collection();
    QList<CollectionItem> *items = changed.itemsOf(folder);
    if (!items) {
        *error = tr("That folder is no longer there.");
        return false;
    }
    CollectionItem item;
    item.profile = profile;
    items->append(item);
    if (!apply(changed, Collection::Path(folder) << int(items->size() - 1), error))
        return false;
    storeSecrets(profile.id, secrets);
    updatePreview();
    return true;
}

bool CollectionSidebar::replaceProfile(const Profile &profile, const ProfileSecrets &secrets, QString *error)
{
    Collection changed = collection();
    Profile *kept = changed.profile(profile.id);
    if (!kept) {
        *error = tr("The profile is no longer in the collection.");
        return false;
    }
    *kept = profile;
    if (!apply(changed, changed.pathOfProfile(profile.id), error))
        return false;
    storeSecrets(profile.id, secrets);
    updatePreview();
    return true;
}

bool CollectionSidebar::rename(const Collection::Path &path, const QString &name, QString *error)
{
    Collection changed = collection();
    CollectionItem *item = path.isEmpty() ? nullptr : changed.item(path);
    if (!item || name.trimmed().isEmpty()) {
        *error = item ? tr("A name cannot be empty.") : tr("That item is no longer there.");
        return false;
    }
    (item->type == CollectionItem::Type::Folder ? item->name : item->profile.name) = name.trimmed();
    return apply(changed, path, error);
}

bool CollectionSidebar::duplicate(const Collection::Path &path, QString *error)
{
    Collection changed = collection();
    Collection::Path copy;
    if (!changed.duplicate(path, &copy)) {
        *error = tr("That item is no longer there.");
        return false;
    }
    if (!apply(changed, copy, error))
        return false;
    // The copies' secrets are the originals', under their own names.
    std::function<void(const CollectionItem &, const CollectionItem &)> pair = [&](const CollectionItem &from,
                                                                                    const CollectionItem &to) {
        if (from.type == CollectionItem::Type::Profile && m_secrets.contains(from.profile.id))
            storeSecrets(to.profile.id, m_secrets.value(from.profile.id));
        for (qsizetype i = 0; i < from.items.size() && i < to.items.size(); ++i)
            pair(from.items.at(i), to.items.at(i));
    };
    pair(*collection().item(path), *collection().item(copy));
    return true;
}

bool CollectionSidebar::move(const Collection::Path &from, const Collection::Path &folder, int row, QString *error)
{
    Collection changed = collection();
    Collection::Path moved;
    if (!changed.move(from, folder, row, &moved)) {
        *error = tr("It cannot go there.");
        return false;
    }
    return apply(changed, moved, error);
}

bool CollectionSidebar::remove(const Collection::Path &path, QString *error)
{
    Collection changed = collection();
    QStringList removed;
    if (!changed.remove(path, &removed)) {
        *error = tr("That item is no longer there.");
        return false;
    }
    Collection::Path next = path;
    QList<CollectionItem> *siblings = changed.itemsOf(path.mid(0, path.size() - 1));
    if (siblings && next.last() >= siblings->size())
        --next.last();
    if (next.last() < 0)
        next.removeLast();
    if (!apply(changed, next, error))
        return false;
    for (const QString &id : std::as_const(removed))
        storeSecrets(id, {});
    for (const QString &id : std::as_const(removed))
        m_secrets.remove(id);
    Q_EMIT profilesRemoved(removed);
    return true;
}

void CollectionSidebar::askRename()
{
    const Collection::Path path = selectedPath();
    const CollectionItem *item = path.isEmpty() ? nullptr : collection().item(path);
    if (!item)
        return;
    const bool folder = item->type == CollectionItem::Type::Folder;
    bool ok = false;
    const QString name = QInputDialog::getText(this, tr("Rename"), folder ? tr("Name of the folder:") : tr("Name of the profile:"),
                                               QLineEdit::Normal, folder ? item->name : item->profile.name, &ok);
    QString error;
    if (ok && !rename(path, name, &error))
        QMessageBox::warning(this, tr("Rename"), error);
}

void CollectionSidebar::askDelete()
{
    const Collection::Path path = selectedPath();
    const CollectionItem *item = path.isEmpty() ? nullptr : collection().item(path);
    if (!item)
        return;
    const bool folder = item->type == CollectionItem::Type::Folder;
    int profiles = 0;
    std::function<void(const CollectionItem &)> count = [&](const CollectionItem &each) {
        profiles += each.type == CollectionItem::Type::Profile ? 1 : 0;
        for (const CollectionItem &child : each.items)
            count(child);
    };
    count(*item);
    const QString question = folder ? tr("Delete the folder \"%1\" and the %n profile(s) in it?", nullptr, profiles)
                                          .arg(item->name)
                                    : tr("Delete the profile \"%1\" and its saved messages?").arg(item->profile.name);
    if (QMessageBox::question(this, tr("Delete"), question, QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel)
        != QMessageBox::Yes)
        return;
    QString error;
    if (!remove(path, &error))
        QMessageBox::warning(this, tr("Delete"), error);
}

void CollectionSidebar::fillMoveMenu()
{
    m_moveTo->clear();
    const Collection::Path from = selectedPath();
    const auto add = [&](const QString &text, const Collection::Path &folder) {
        QAction *action = m_moveTo->addAction(text, this, [this, from, folder] {
            QString error;
            if (!move(from, folder, -1, &error))
                QMessageBox::warning(this, tr("Move"), error);
        });
        // Not into itself or a folder inside it, and not where it is already.
        const bool inside = folder.size() >= from.size() && folder.mid(0, from.size()) == from;
        action->setEnabled(!from.isEmpty() && !inside && folder != from.mid(0, from.size() - 1));
    };
    add(tr("The top of the collection"), {});
    for (const auto &[folder, name] : collection().folders())
        add(name, folder);
}
