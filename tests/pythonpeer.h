#pragma once

#include "scriptpeer.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QProcess>
#include <QTest>
#include <QUrl>

// A peer from tests/peers/*.py run by Debian's python3 on loopback.
class PythonPeer : public ScriptPeer
{
public:
    explicit PythonPeer(const QString &script, const QStringList &arguments = {})
        : ScriptPeer(QStringLiteral(WSSCOPE_PYTHON), script, arguments)
    {
    }
};
