#pragma once

#include <QVariant>

// Every persisted setting in one table: its key, its default, and (by the key's
// prefix) its scope. State blobs carry a version segment so that a layout from
// an older build is ignored rather than misapplied.
namespace Settings {

enum class Id {
    RecentUrls,        // QStringList, newest first
    LastUrl,           // QString
    EchoPort,          // int: 0 lets the OS choose
    EchoAllowedOrigins, // QStringList: web origins the built-in echo server accepts besides loopback ones; "*": any
    WindowGeometry,    // QByteArray
    WindowState,       // QByteArray
    MainSplitter,      // QByteArray
    LogSplitter,       // QByteArray
    ComposerSplitter,  // QByteArray: the composer and the saved messages beside it
    HandshakeTimeoutMs, // int
    UseTap,            // bool: capture through the wire tap (default) or connect directly
    MaskSecrets,       // bool: hide credentials in saved files, exports and the journal
    KeepJournal,       // bool: journal the live session for recovery after a crash
    MaxLogRows,        // int: the log keeps at most this many rows; 0: all
    SaveFolder,        // QString: where the last file was saved or opened
    ComposerHistory,   // QVariantList of {kind: text|hex|ping, text}: messages sent from the composer, oldest first
    Colours,           // QString: system (the desktop's palette), light or dark
    Language,          // QString: empty (the system's), en or zh_CN
    AllowPlainTextSecrets, // bool: with no system keyring, keep secrets in this file (plainTextSecrets/) rather than for the session only
    OpenTabs,          // QVariantList of {url, profile} or {file}: the window's tabs when it last closed
    CurrentTab,        // int: the one in front among them
    OpenCollection,    // QString: the collection file in the sidebar when the window last closed
    ServerForm         // QString, a JSON object: a server tab's settings when it last started (no address, passphrase or credential)
};

QVariant value(Id id);
void setValue(Id id, const QVariant &value);
QString key(Id id);

constexpr int MaxRecentUrls = 15;
// Puts url first in the recent list, without duplicates, capped at MaxRecentUrls.
void rememberUrl(const QString &url);

// What older versions kept in the settings file for a connection (headers,
// auth, subprotocols, …), per URL without its query (connections/<key>).
// Now kept in the Recent collection (RecentMessages); the settings file keeps
// an entry only while a secret in it waits for the keyring. Empty when none.
QVariantMap connectionOptions(const QString &url);
// The key of a URL's options, which also names its secrets in the keyring.
QString connectionKey(const QString &url);
void setConnectionOptions(const QString &url, const QVariantMap &options);
void removeConnectionOptions(const QString &url);

} // namespace Settings
