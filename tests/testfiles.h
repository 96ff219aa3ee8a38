#pragma once

#include "log/messagelog.h"
#include "workspace/recentmessages.h"

#include <QFile>
#include <QJsonDocument>
#include <QSettings>
#include <QVariantList>

// What tests look into after a run: the settings file and the log.
namespace TestFiles {

// A fresh start: no settings, and no Recent collection (the options and
// saved messages remembered per URL).
inline void clearRemembered()
{
    QSettings().clear();
    QFile::remove(RecentMessages::defaultPath());
}

// The Recent collection file's bytes; empty when there is none.
inline QByteArray recentText()
{
    QFile file(RecentMessages::defaultPath());
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// What the window remembers: the settings file as bytes, followed by every
// value in it read afresh and written out as JSON (a QVariantMap is held in
// an encoded form a plain search would miss), then the Recent collection.
inline QByteArray settingsText()
{
    QSettings().sync();
    QByteArray all;
    QFile file(QSettings().fileName());
    if (file.open(QIODevice::ReadOnly))
        all = file.readAll();
    QSettings fresh(QSettings().fileName(), QSettings::IniFormat);
    const QStringList keys = fresh.allKeys();
    for (const QString &key : keys)
        all += '\n' + QJsonDocument::fromVariant(QVariantList{fresh.value(key)}).toJson(QJsonDocument::Compact);
    return all + '\n' + recentText();
}

// The text messages a log shows as sent, in order.
inline QList<QByteArray> sentTexts(const MessageLog *log)
{
    QList<QByteArray> out;
    for (int i = 0; i < log->count(); ++i) {
        if (log->at(i).direction == MessageLog::Direction::Sent && log->at(i).kind == MessageLog::Kind::Text)
            out << log->data(i).toByteArray();
    }
    return out;
}

} // namespace TestFiles
