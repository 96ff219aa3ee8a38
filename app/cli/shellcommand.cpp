#include "shellcommand.h"

#include "record/secrets.h"

namespace ShellCommand {

QString quote(const QString &text)
{
    if (text.isEmpty())
        return QStringLiteral("''");
    bool plain = true;
    for (const QChar c : text) {
        const bool safe = (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || (c >= u'0' && c <= u'9')
            || QStringView(u"_@%+=:,./-").contains(c);
        if (!safe) {
            plain = false;
            break;
        }
    }
    if (plain)
        return text;
    QString quoted = text;
    quoted.replace(u'\'', QStringLiteral("'\\''"));
    return u'\'' + quoted + u'\'';
}

namespace {

QStringList headerWords(const Request &request, bool maskSecrets)
{
    QStringList words;
    const auto headers = maskSecrets ? Secrets::masked(request.headers, request.maskedValues) : request.headers;
    for (const auto &header : headers) {
        words << QStringLiteral("-H")
              << quote(QString::fromLatin1(header.first) + QStringLiteral(": ") + QString::fromLatin1(header.second));
    }
    return words;
}

} // namespace

QString websocat(const Request &request, bool maskSecrets)
{
    QStringList words{QStringLiteral("websocat")};
    if (request.insecure)
        words << QStringLiteral("-k");
    words << headerWords(request, maskSecrets);
    if (!request.subprotocols.isEmpty())
        words << QStringLiteral("--protocol") << quote(request.subprotocols.join(QStringLiteral(", ")));
    if (!request.origin.isEmpty())
        words << QStringLiteral("--origin") << quote(request.origin);
    words << quote(request.url);
    return words.join(u' ');
}

QString wscat(const Request &request, bool maskSecrets)
{
    QStringList words{QStringLiteral("wscat"), QStringLiteral("-c"), quote(request.url)};
    if (request.insecure)
        words << QStringLiteral("-n");
    words << headerWords(request, maskSecrets);
    for (const QString &protocol : request.subprotocols)
        words << QStringLiteral("-s") << quote(protocol);
    if (!request.origin.isEmpty())
        words << QStringLiteral("-o") << quote(request.origin);
    return words.join(u' ');
}

} // namespace ShellCommand
