#pragma once

#include "workspace/collection.h"
#include "workspace/resolvedrequest.h"

#include <QAbstractItemModel>
#include <QHash>
#include <QWidget>

class QComboBox;
class QLabel;
class QPlainTextEdit;
class QPushButton;
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

private:
    const QList<CollectionItem> &childrenOf(const CollectionItem *item) const;

    Collection m_collection;
    QHash<const CollectionItem *, const CollectionItem *> m_parents;   // null: at the top
    QHash<const CollectionItem *, int> m_rows;
};

// The sidebar of an opened collection: its name, the environment to fill
// the variables from, the tree, and for the selected profile the request it
// resolves to (credentials masked) or what stops it.
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

Q_SIGNALS:
    void openRequested(const QString &profileId);
    void environmentChanged(const QString &name);

private:
    void updatePreview();

    CollectionModel *m_model;
    QHash<QString, ProfileSecrets> m_secrets;
    QList<Variable> m_overrides;
    QString m_path;
    bool m_writable = false;
    QLabel *m_title;
    QComboBox *m_environment;
    QTreeView *m_view;
    QPlainTextEdit *m_preview;
    QPushButton *m_open;
};
