#include "recentmessages.h"

#include "secrets/secretstore.h"

#include <QDir>
#include <QFile>
#include <QSettings>
#include <QFileInfo>
#include <QStandardPaths>
#include <QUrl>

RecentMessages::RecentMessages(const QString &path)
    : m_path(path)
{
}

QString RecentMessages::defaultPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation)
        + QStringLiteral("/collections/recent.json");
}

QString RecentMessages::path() const
{
    return m_path;
}

QString RecentMessages::urlKey(const QString &url)
{
    QUrl parsed(url);
    parsed.setQuery(QString());
    parsed.setFragment(QString());
    return parsed.toString(QUrl::FullyEncoded);
}

bool RecentMessages::load(Collection *collection, QString *error) const
{
    if (!QFileInfo::exists(m_path)) {
        collection->id = Collection::newId();
        collection->name = tr("Recent");
        return true;
    }
    return Collection::readFile(m_path, collection, error);
}

QList<SavedMessage> RecentMessages::messages(const QString &url, QString *error, VariableScope *variables) const
{
    Collection collection;
    QString why;
    if (!load(&collection, &why)) {
        if (error)
            *error = why;
        return {};
    }
    if (variables)
        *variables = collection.scope(nullptr);
    const QString key = urlKey(url);
    for (const Collection::Found &found : collection.profiles()) {
        if (found.folder.isEmpty() && found.profile->url == key)
            return found.profile->messages;
    }
    return {};
}

namespace {

// The top-level profile kept for `key`; made when `create`, else null.
CollectionItem *profileFor(Collection *collection, const QString &key, bool create)
{
    for (CollectionItem &item : collection->items) {
        if (item.type == CollectionItem::Type::Profile && item.profile.url == key)
            return &item;
    }
    if (!create)
        return nullptr;
    CollectionItem item;
    item.profile.id = Collection::newId();
    const QUrl parsed(key);
    item.profile.name = parsed.host() + (parsed.port() > 0 ? u':' + QString::number(parsed.port()) : QString())
        + parsed.path();
    if (parsed.host().isEmpty())
        item.profile.name = key;
    item.profile.url = key;
    collection->items.append(item);
    return &collection->items.last();
}

bool hasOptions(const ProfileRequest &request)
{
    return request.toEditorState() != ProfileRequest().toEditorState() || !request.unknown.isEmpty();
}

} // namespace

bool RecentMessages::save(const Collection &collection, QString *error) const
{
    const QString folder = QFileInfo(m_path).absolutePath();
    if (!QDir().mkpath(folder)) {
        *error = tr("Cannot make the folder \"%1\".").arg(folder);
        return false;
    }
    // Only its owner may read it, as the settings file: it holds what was
    // typed for each URL (header values, messages).
    QFile::setPermissions(folder, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    if (!collection.writeFile(m_path, error))
        return false;
    QFile::setPermissions(m_path, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    return true;
}

bool RecentMessages::setMessages(const QString &url, const QList<SavedMessage> &messages, QString *error)
{
    Collection collection;
    if (!load(&collection, error))
        return false;
    CollectionItem *item = profileFor(&collection, urlKey(url), !messages.isEmpty());
    if (!item)
        return true;
    item->profile.messages = messages;
    // A URL with neither messages nor options left goes.
    if (messages.isEmpty() && !hasOptions(item->profile.request))
        collection.items.removeAt(item - collection.items.data());
    return save(collection, error);
}

QVariantMap RecentMessages::options(const QString &url, QString *error) const
{
    Collection collection;
    QString why;
    if (!load(&collection, &why)) {
        if (error)
            *error = why;
        return {};
    }
    const CollectionItem *item = profileFor(&collection, urlKey(url), false);
    if (!item || !hasOptions(item->profile.request))
        return {};
    return item->profile.request.toEditorState();
}

bool RecentMessages::setOptions(const QString &url, const QVariantMap &options, QString *error)
{
    Collection collection;
    if (!load(&collection, error))
        return false;
    CollectionItem *item = profileFor(&collection, urlKey(url), true);
    const QJsonObject unknown = item->profile.request.unknown;
    item->profile.request = ProfileRequest::fromEditorState(options);
    item->profile.request.unknown = unknown;
    return save(collection, error);
}

int RecentMessages::migrateSettings(QSettings *settings, QString *error)
{
    settings->beginGroup(QStringLiteral("connections"));
    const QStringList keys = settings->childKeys();
    settings->endGroup();
    if (keys.isEmpty())
        return 0;
    Collection collection;
    if (!load(&collection, error))
        return -1;
    QStringList moved;
    for (const QString &key : keys) {
        const QString full = QStringLiteral("connections/") + key;
        QVariantMap options = settings->value(full).toMap();
        // Secrets still in the file wait for the keyring to take them (SecretStore::migrateSettings).
        if (!SecretStore::takeSecrets(&options).isEmpty())
            continue;
        const QString url = QUrl::fromPercentEncoding(key.toLatin1());
        CollectionItem *item = profileFor(&collection, urlKey(url), true);
        // What this version wrote since is newer than the old file's.
        if (!hasOptions(item->profile.request))
            item->profile.request = ProfileRequest::fromEditorState(options);
        moved.append(full);
    }
    if (moved.isEmpty())
        return 0;
    if (!save(collection, error))
        return -1;
    // Out of the settings only once the collection file has them.
    for (const QString &key : std::as_const(moved))
        settings->remove(key);
    return int(moved.size());
}
