#pragma once

#include "workspace/collection.h"

#include <QCoreApplication>
#include <QList>
#include <QString>

// The window's saved messages, per URL (without its query; or a name of the
// window's own, such as the built-in server's), kept in a
// collection file of their own, "Recent", in the application's data folder:
// one profile for each URL that has messages. Each change reads the file
// afresh and writes it whole, so that two windows keep each other's URLs.
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

    static QString urlKey(const QString &url);

private:
    bool load(Collection *collection, QString *error) const;
    QString m_path;
};
