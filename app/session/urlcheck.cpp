#include "urlcheck.h"

#include <QCoreApplication>

namespace UrlCheck {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("UrlCheck", text);
}

Result failure(const QString &message)
{
    Result result;
    result.error = message;
    return result;
}

} // namespace

Result parse(const QString &typed)
{
    const QString text = typed.trimmed();
    if (text.isEmpty())
        return failure(tr("Enter a ws:// or wss:// URL."));

    for (int i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (c == u'\n' || c == u'\r')
            return failure(tr("The URL contains a line break at position %1.").arg(i + 1));
        if (c.isSpace())
            return failure(tr("The URL contains a space at position %1; encode spaces in a path before connecting.")
                               .arg(i + 1));
        if (c.category() == QChar::Other_Control)
            return failure(tr("The URL contains a control character at position %1.").arg(i + 1));
    }

    if (!text.contains(QStringLiteral("://")))
        return failure(tr("The URL has no scheme: start it with ws:// or wss:// (for TLS)."));

    QUrl url(text, QUrl::StrictMode);
    if (!url.isValid())
        return failure(tr("This is not a valid URL: %1.").arg(url.errorString()));

    const QString scheme = url.scheme().toLower();
    if (scheme == u"http" || scheme == u"https")
        return failure(tr("%1:// is not a WebSocket scheme: use %2:// instead.")
                           .arg(scheme, scheme == u"https" ? QStringLiteral("wss") : QStringLiteral("ws")));
    if (scheme != u"ws" && scheme != u"wss")
        return failure(tr("The scheme \"%1\" is not supported: use ws:// or wss:// (for TLS).").arg(url.scheme()));
    url.setScheme(scheme);

    if (url.host().isEmpty())
        return failure(tr("The URL has no host name or address."));
    if (url.port() == 0)
        return failure(tr("Port 0 cannot be connected to: use a port from 1 to 65535."));
    if (!url.userInfo().isEmpty())
        return failure(tr("WebSocket clients do not send credentials from the URL: remove \"%1@\" and send an "
                          "Authorization header instead.").arg(url.userInfo()));
    if (url.hasFragment())
        return failure(tr("A WebSocket URL cannot have a fragment (the part after #)."));

    // Qt 6.4 sends "GET ?x=1 HTTP/1.1" for ws://host?x=1: the request line needs a path.
    if (url.path().isEmpty())
        url.setPath(QStringLiteral("/"));

    Result result;
    result.url = url;
    return result;
}

} // namespace UrlCheck
