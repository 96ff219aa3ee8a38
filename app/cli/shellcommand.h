#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

// The same connection as a command for the websocat and wscat clients, for
// pasting into a POSIX shell. Pure functions: what was asked for in, text out.
namespace ShellCommand {

struct Request
{
    QString url;
    QList<QPair<QByteArray, QByteArray>> headers;   // extra request headers, in order
    QStringList subprotocols;
    QString origin;
    bool insecure = false;                          // certificate checks off
    QList<QByteArray> maskedValues;                 // with maskSecrets, hidden too (Secrets::valueForms)
};

// `text` as one shell word: as it is when it holds only characters no shell
// treats specially, otherwise in single quotes ('\'' for a quote inside).
QString quote(const QString &text);

// With maskSecrets, Authorization, Cookie and Proxy-Authorization values
// and request.maskedValues become asterisks, as in saved files.
QString websocat(const Request &request, bool maskSecrets);
QString wscat(const Request &request, bool maskSecrets);

} // namespace ShellCommand
