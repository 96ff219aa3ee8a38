#pragma once

#include "workspace/collection.h"

#include <QCoreApplication>
#include <QList>
#include <QString>
#include <QVariantMap>

class QSettings;

// The window's memory per URL (without its query; or a name of the window's
// own, such as the built-in server's): the request options last used with
// it and its saved messages, kept in a collection file of their own,
// "Recent", in the application's data folder: one profile for each URL. Its
// secrets are not in it: they are in the keyring under the URL's name
// (Settings::connectionKey). Each change reads the file afresh and writes it
// whole, so that two windows keep each other's URLs.
class RecentMessages
{
    Q_DECLARE_TR_FUNCTIONS(RecentMessages)

public:
    explicit RecentMessages(const QString &path = defaultPath());

    static QString defaultPath();
    QString path() const;

    // The messages kept for `url`; empty when there are none or the file
    // cannot be read (then `error` says why). `variables`, when given, gets
    // the collection's own variables from the same reading.
    QList<SavedMessage> messages(const QString &url, QString *error = nullptr,
                                 VariableScope *variables = nullptr) const;
    // Replaces the messages of `url`; no messages: its profile goes.
    bool setMessages(const QString &url, const QList<SavedMessage> &messages, QString *error);

    // The request tabs' state last used with `url` (RequestEditor::state(),
    // without secrets, with the close code and reason); empty when none.
    QVariantMap options(const QString &url, QString *error = nullptr) const;
    bool setOptions(const QString &url, const QVariantMap &options, QString *error);

    // Takes in the per-URL options older versions kept in the settings file
    // (connections/…), each removed from there once the collection file has
    // it; one that still holds a secret stays until the keyring has taken
    // that (SecretStore::migrateSettings). How many moved; -1 and why in
    // *error when the collection could not be read or written.
    int migrateSettings(QSettings *settings, QString *error);

    static QString urlKey(const QString &url);

private:
    bool load(Collection *collection, QString *error) const;
    bool save(const Collection &collection, QString *error) const;
    QString m_path;
};
