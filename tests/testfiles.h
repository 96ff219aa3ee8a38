#pragma once

#include "log/messagelog.h"

#include <QFile>
#include <QJsonDocument>
#include <QSettings>
#include <QVariantList>

// What tests look into after a run: the settings file and the log.
namespace TestFiles {

// The settings file as bytes, followed by every value in it read afresh and
// written out as JSON: the options of a URL are a QVariantMap, which the file
// holds in an encoded form a plain search would miss.
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
    return all;
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
