#include "settings.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSettings>
#include <QStringList>
#include <QUrl>

namespace Settings {

namespace {

struct Entry
{
    Id id;
    const char *key;
    QVariant defaultValue;
};

const Entry &entry(Id id)
{
    static const Entry table[] = {
        {Id::RecentUrls, "connection/recentUrls", QStringList()},
        {Id::LastUrl, "connection/lastUrl", QString()},
        {Id::EchoPort, "echoServer/port", 0},
        {Id::EchoAllowedOrigins, "echoServer/allowedOrigins", QStringList()},
        {Id::WindowGeometry, "window/v1/geometry", QByteArray()},
        {Id::WindowState, "window/v1/state", QByteArray()},
        {Id::MainSplitter, "window/v1/mainSplitter", QByteArray()},
        {Id::LogSplitter, "window/v1/logSplitter", QByteArray()},
        {Id::ComposerSplitter, "window/v1/composerSplitter", QByteArray()},
        {Id::HandshakeTimeoutMs, "connection/handshakeTimeoutMs", 10000},
        {Id::UseTap, "connection/useTap", true},
        {Id::MaskSecrets, "export/maskSecrets", false},
        {Id::KeepJournal, "journal/enabled", true},
        {Id::MaxLogRows, "log/maxRows", 0},
        {Id::SaveFolder, "export/folder", QString()},
        {Id::ComposerHistory, "composer/history", QVariantList()},
        {Id::Colours, "view/colours", QStringLiteral("system")},
        {Id::Language, "view/language", QString()},
        {Id::AllowPlainTextSecrets, "secrets/allowPlainText", false},
        {Id::OpenTabs, "window/v1/tabs", QVariantList()},
        {Id::CurrentTab, "window/v1/currentTab", 0},
        {Id::OpenCollection, "window/v1/collection", QString()},
        {Id::ServerForm, "serverTab/v1/form", QString()},
    };
    for (const Entry &e : table) {
        if (e.id == id)
            return e;
    }
    Q_UNREACHABLE();
}

// The settings can hold what the user typed into the request tabs: only
// the user may read them. The folder is made 0700 and the file 0600 before
// the first write (QSettings writes through QSaveFile, which keeps the
// permissions of the file it replaces).
void makePrivate()
{
    static QString made;   // the file last made private (tests change the folder)
    const QString path = QSettings().fileName();
    if (path == made)
        return;
    made = path;
    const QFileInfo info(path);
    QDir().mkpath(info.absolutePath());
    QFile::setPermissions(info.absolutePath(), QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    QFile file(path);
    if (!file.exists())
        file.open(QIODevice::WriteOnly, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
}

} // namespace

QString key(Id id)
{
    return QString::fromLatin1(entry(id).key);
}

QVariant value(Id id)
{
    const Entry &e = entry(id);
    return QSettings().value(QString::fromLatin1(e.key), e.defaultValue);
}

void setValue(Id id, const QVariant &value)
{
    makePrivate();
    QSettings().setValue(key(id), value);
}

namespace {


} // namespace

QString connectionKey(const QString &url)
{
    QUrl parsed(url);
    parsed.setQuery(QString());
    parsed.setFragment(QString());
    // One QSettings key, not a path of groups.
    return QStringLiteral("connections/")
        + QString::fromLatin1(QUrl::toPercentEncoding(parsed.toString(QUrl::FullyEncoded)));
}

QVariantMap connectionOptions(const QString &url)
{
    return QSettings().value(connectionKey(url)).toMap();
}

void setConnectionOptions(const QString &url, const QVariantMap &options)
{
    makePrivate();
    QSettings().setValue(connectionKey(url), options);
}

void removeConnectionOptions(const QString &url)
{
    QSettings settings;
    if (settings.contains(connectionKey(url)))
        settings.remove(connectionKey(url));
}

void rememberUrl(const QString &url)
{
    QStringList recent = value(Id::RecentUrls).toStringList();
    recent.removeAll(url);
    recent.prepend(url);
    while (recent.size() > MaxRecentUrls)
        recent.removeLast();
    setValue(Id::RecentUrls, recent);
    setValue(Id::LastUrl, url);
}

} // namespace Settings
