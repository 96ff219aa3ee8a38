#include "recentmessages.h"

#include <QDir>
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

bool RecentMessages::setMessages(const QString &url, const QList<SavedMessage> &messages, QString *error)
{
    Collection collection;
    if (!load(&collection, error))
        return false;
    const QString key = urlKey(url);
    auto it = std::find_if(collection.items.begin(), collection.items.end(), [&](const CollectionItem &item) {
        return item.type == CollectionItem::Type::Profile && item.profile.url == key;
    });
    if (messages.isEmpty()) {
        if (it == collection.items.end())
            return true;
        collection.items.erase(it);
    } else {
        if (it == collection.items.end()) {
            CollectionItem item;
            item.profile.id = Collection::newId();
            const QUrl parsed(key);
            item.profile.name = parsed.host() + (parsed.port() > 0 ? u':' + QString::number(parsed.port()) : QString())
                + parsed.path();
            if (parsed.host().isEmpty())
                item.profile.name = key;
            item.profile.url = key;
            collection.items.append(item);
            it = collection.items.end() - 1;
        }
        it->profile.messages = messages;
    }
    if (!QDir().mkpath(QFileInfo(m_path).absolutePath())) {
        *error = tr("Cannot make the folder \"%1\".").arg(QFileInfo(m_path).absolutePath());
        return false;
    }
    return collection.writeFile(m_path, error);
}
