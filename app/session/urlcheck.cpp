#include "urlcheck.h"

#include <algorithm>

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

    // An IPv6 zone ([fe80::1%25eth0]) names a network interface: as typed,
    // "%25" and then letters, digits and . _ ~ - only. Anything else in it
    // (more percent-encoding, other characters) would not come back the same.
    const qsizetype authorityStart = text.indexOf(QLatin1String("://")) + 3;
    qsizetype authorityEnd = text.size();
    for (const QChar end : {u'/', u'?', u'#'}) {
        const qsizetype at = authorityStart >= 3 ? text.indexOf(end, authorityStart) : -1;
        if (at >= 0)
            authorityEnd = qMin(authorityEnd, at);
    }
    if (const qsizetype open = authorityStart >= 3 ? text.indexOf(u'[', authorityStart) : -1;
        open >= 0 && open < authorityEnd) {
        const qsizetype close = text.indexOf(u']', open);
        const QString literal = text.mid(open + 1, close > open ? close - open - 1 : -1);
        if (const qsizetype zone = literal.indexOf(u'%'); zone >= 0) {
            const QString name = literal.mid(zone + 3);
            const bool plain = literal.mid(zone, 3) == u"%25" && !name.isEmpty()
                && std::all_of(name.cbegin(), name.cend(), [](QChar c) {
                       return (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || (c >= u'0' && c <= u'9')
                           || c == u'.' || c == u'_' || c == u'~' || c == u'-';
                   });
            if (!plain)
                return failure(tr("The IPv6 zone \"%1\" is not the name of a network interface.").arg(literal.mid(zone)));
        }
    }

    if (!text.contains(QStringLiteral("://")))
        return failure(tr("The URL has no scheme: start it with ws:// or wss:// (for TLS)."));

    QUrl url(text, QUrl::StrictMode);
    if (!url.isValid()) {
        // QUrl's message goes on with its internals ("; source was …;
        // scheme = …"): its first part is the reason.
        QString reason = url.errorString();
        const qsizetype internals = reason.indexOf(QLatin1String("; source was"));
        if (internals > 0)
            reason.truncate(internals);
        return failure(tr("This is not a valid URL: %1.").arg(reason));
    }

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

    // What goes out is the encoded form: it must read back as the same URL,
    // or what is shown and what is sent could differ.
    const QUrl encoded(url.toString(QUrl::FullyEncoded), QUrl::StrictMode);
    if (!encoded.isValid() || encoded != url)
        return failure(tr("This URL does not read back the same once encoded for sending (%1): check its special "
                          "characters.")
                           .arg(url.toString(QUrl::FullyEncoded)));

    Result result;
    result.url = url;
    return result;
}

} // namespace UrlCheck
