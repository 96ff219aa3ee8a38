#pragma once

#include "scriptpeer.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QProcess>
#include <QProcessEnvironment>
#include <QTest>
#include <QUrl>

// Node's `ws` server from tests/peers/ws_server.js, started on loopback, with
// every line it reports kept as a JSON object.
class NodePeer : public ScriptPeer
{
public:
    explicit NodePeer(const QStringList &arguments = {})
        : ScriptPeer(QStringLiteral("node"), QStringLiteral("ws_server.js"), arguments)
    {
    }

    // Lines with the given "dir" ("sent" or "received"), in order.
    QList<QJsonObject> lines(const QString &dir) const
    {
        QList<QJsonObject> result;
        for (const QJsonObject &line : ScriptPeer::lines()) {
            if (line.value(QStringLiteral("dir")).toString() == dir)
                result << line;
        }
        return result;
    }
    QList<QJsonObject> all() const { return ScriptPeer::lines(); }
};
