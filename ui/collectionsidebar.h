#pragma once

#include "workspace/collection.h"
#include "workspace/resolvedrequest.h"

#include <QAbstractItemModel>
#include <QHash>
#include <QWidget>

class QAction;
class QComboBox;
class QLabel;
class QMenu;
class QPlainTextEdit;
class QPushButton;
class QToolButton;
class QTreeView;

// A collection's tree, read-only: folders, and in them connection profiles.
class CollectionModel : public QAbstractItemModel
{
    Q_OBJECT

public:
    enum Role { ProfileIdRole = Qt::UserRole + 1 };

    using QAbstractItemModel::QAbstractItemModel;

    void setCollection(const Collection &collection);
    const Collection &collection() const;

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;

    QModelIndex indexOfProfile(const QString &id) const;
    Collection::Path pathOf(const QModelIndex &index) const;
    QModelIndex indexOf(const Collection::Path &path) const;

private:
    const QList<CollectionItem> &childrenOf(const CollectionItem *item) const;

    Collection m_collection;
    QHash<const CollectionItem *, const CollectionItem *> m_parents;   // null: at the top
    QHash<const CollectionItem *, int> m_rows;
};

// The sidebar of an opened collection: its name, the environment to fill
// the variables from, the tree, and for the selected profile the request it
// resolves to (credentials masked) or what stops it. The tree is edited
// here (folders, rename, duplicate, move, delete); each change is written to
// the collection file at once, or, for an imported file, kept until Save
// collection as. A profile's typed secrets go to the keyring, under the
// collection's and the profile's ids.
class CollectionSidebar : public QWidget
{
    Q_OBJECT

public:
    explicit CollectionSidebar(QWidget *parent = nullptr);

    void setCollection(const Collection &collection, const QHash<QString, ProfileSecrets> &secrets,
                       const QString &path, bool writable);
    const Collection &collection() const;
    QString path() const;
    bool isWritable() const;
    ProfileSecrets secrets(const QString &profileId) const;

    // The environment chosen ("": none), and the variables it gives.
    QString environment() const;
    bool setEnvironment(const QString &name);
    VariableScope variables() const;
    // Values that override the collection's and the environment's (--var).
    void setOverrides(const QList<Variable> &overrides);

    QString selectedProfile() const;
    void selectProfile(const QString &id);

    CollectionModel *model() const;
    QTreeView *view() const;
    QComboBox *environmentBox() const;
    QString previewText() const;
    // Takes a profile's new saved messages, as the window stores them.
    void setMessages(const QString &profileId, const QList<SavedMessage> &messages);

    // Edits; false with why in *error (the file could not be written, the
    // item is gone). Each selects what it made or moved.
    bool addFolder(const QString &name, const Collection::Path &parent, QString *error);
    bool addProfile(const Profile &profile, const ProfileSecrets &secrets, const Collection::Path &folder,
                    QString *error);
    bool replaceProfile(const Profile &profile, const ProfileSecrets &secrets, QString *error);
    bool rename(const Collection::Path &path, const QString &name, QString *error);
    bool duplicate(const Collection::Path &path, QString *error);
    bool move(const Collection::Path &from, const Collection::Path &folder, int row, QString *error);
    bool remove(const Collection::Path &path, QString *error);
    // The selected item's path; its folder (itself, when it is one).
    Collection::Path selectedPath() const;
    Collection::Path selectedFolder() const;
    // The keyring's name for a profile's secrets.
    QString secretKey(const QString &profileId) const;
    // The variables and environments replaced by `edited`'s: the values of
    // secret variables go to the keyring, the rest to the file.
    bool setVariables(const Collection &edited, QString *error);
    // The collection with the secret variables' values filled in, from the
    // file where it had them, else from the keyring.
    Collection withSecretValues() const;
    void editVariables();
    QMenu *editMenu() const;

Q_SIGNALS:
    void openRequested(const QString &profileId);
    void environmentChanged(const QString &name);
    // The current tab, as a new profile in `folder`, or into a profile.
    void newProfileRequested(const Collection::Path &folder);
    void saveTabRequested(const QString &profileId);
    // Profiles that are gone (deleted, or in a deleted folder).
    void profilesRemoved(const QStringList &ids);
    void message(const QString &text);

private:
    void updatePreview();
    void updateActions();
    void fillEnvironments();
    bool apply(const Collection &changed, const Collection::Path &select, QString *error);
    void storeSecrets(const QString &profileId, const ProfileSecrets &secrets);
    void readSecrets();
    void askRename();
    void askDelete();
    void fillMoveMenu();
    static QString layerKey(const Environment *environment);
    void takeSecretValues(Collection *collection);
    void storeSecretValues(const QString &layer);

    CollectionModel *m_model;
    QHash<QString, ProfileSecrets> m_secrets;
    // Secret variables' values, per layer (layerKey()), name to value.
    QHash<QString, QHash<QString, QString>> m_secretValues;
    QList<Variable> m_overrides;
    QString m_path;
    bool m_writable = false;
    QLabel *m_title;
    QComboBox *m_environment;
    QTreeView *m_view;
    QPlainTextEdit *m_preview;
    QPushButton *m_open;
    QToolButton *m_editButton;
    QMenu *m_edit;
    QMenu *m_moveTo;
    QAction *m_variables;
    QAction *m_newFolder;
    QAction *m_newProfile;
    QAction *m_saveTab;
    QAction *m_rename;
    QAction *m_duplicate;
    QAction *m_moveUp;
    QAction *m_moveDown;
    QAction *m_delete;
};
