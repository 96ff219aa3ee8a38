#include "resolvedrequest.h"

#include "record/secrets.h"
#include "session/urlcheck.h"

#include <QRegularExpression>

namespace {

bool latin1(const QString &text)
{
    return std::all_of(text.cbegin(), text.cend(), [](QChar c) { return c.unicode() <= 0xff; });
}

QString masked(QString text, const QStringList &secrets)
{
    for (const QString &secret : secrets)
        text.replace(secret, QString(secret.size(), u'*'));
    return text;
}

} // namespace

QString ResolvedRequest::problemText() const
{
    QStringList lines;
    for (const VariableScope::Problem &problem : problems)
        lines.append(problem.message());
    lines += errors;
    return lines.join(u'\n');
}

ResolvedRequest ResolvedRequest::resolve(const Profile &profile, const ProfileSecrets &secrets,
                                         const VariableScope &variables)
{
    ResolvedRequest resolved;
    const ProfileRequest &request = profile.request;
    resolved.request = request;
    QList<VariableScope::Problem> &problems = resolved.problems;

    const QString url = variables.resolve(profile.url, tr("URL"), &problems);
    if (problems.isEmpty()) {
        const UrlCheck::Result checked = UrlCheck::parse(url);
        if (checked.ok())
            resolved.url = checked.url;
        else if (problems.isEmpty())
            resolved.errors.append(tr("URL: %1").arg(checked.error));
    }

    bool manualAuthorization = false;
    for (qsizetype i = 0; i < request.headers.size(); ++i) {
        const ProfileRequest::Row &row = request.headers.at(i);
        if (!row.enabled || (row.name.trimmed().isEmpty() && row.value.trimmed().isEmpty()))
            continue;
        const int before = int(problems.size());
        const QString name = variables.resolve(row.name, tr("Header %1 name").arg(i + 1), &problems).trimmed();
        const QString value = variables
                                  .resolve(row.value, tr("Header %1 (%2) value").arg(i + 1).arg(row.name.trimmed()),
                                           &problems)
                                  .trimmed();
        if (problems.size() > before)
            continue;
        if (!latin1(name) || !latin1(value)) {
            resolved.errors.append(tr("Header %1 (%2): only Latin-1 characters can be sent in a header.")
                                       .arg(i + 1)
                                       .arg(name));
            continue;
        }
        const Session::Header header{name.toLatin1(), value.toLatin1()};
        if (const QString problem = Session::checkHeader(header.first, header.second); !problem.isEmpty()) {
            resolved.errors.append(tr("Header %1: %2").arg(i + 1).arg(problem));
            continue;
        }
        manualAuthorization |= header.first.compare("Authorization", Qt::CaseInsensitive) == 0;
        resolved.headers.append(header);
    }
    if (request.auth != ProfileRequest::Auth::None) {
        const QString user = variables.resolve(request.authUser, tr("Auth user"), &problems);
        const QString secret = variables.resolve(secrets.authSecret.isEmpty() ? request.authSecretReference
                                                                               : secrets.authSecret,
                                                 request.auth == ProfileRequest::Auth::Bearer ? tr("Auth token")
                                                                                               : tr("Auth password"),
                                                 &problems);
        if (manualAuthorization)
            resolved.errors.append(tr("Authorization is set twice: in the headers and in the auth helper."));
        else if (request.auth == ProfileRequest::Auth::Bearer && secret.isEmpty())
            resolved.errors.append(tr("Auth: the profile asks for a bearer token, and the token is empty."));
        else if (request.auth == ProfileRequest::Auth::Bearer)
            resolved.headers.append({"Authorization", "Bearer " + secret.toUtf8()});
        else
            resolved.headers.append({"Authorization", "Basic " + (user + u':' + secret).toUtf8().toBase64()});
    }
    if (const QString problem = Session::checkHeaders(resolved.headers); !problem.isEmpty() && resolved.errors.isEmpty())
        resolved.errors.append(problem);

    const QString protocols = variables.resolve(request.subprotocols, tr("Subprotocols"), &problems);
    resolved.subprotocols = protocols.split(QRegularExpression(QStringLiteral("[,\\s]+")), Qt::SkipEmptyParts);
    for (const QString &protocol : std::as_const(resolved.subprotocols)) {
        if (!Session::isToken(protocol))
            resolved.errors.append(tr("Subprotocols: \"%1\" cannot be a subprotocol: use letters, digits and "
                                      "!#$%&'*+-.^_`|~ only.").arg(protocol));
    }
    resolved.origin = variables.resolve(request.origin, tr("Origin"), &problems).trimmed();
    for (const QChar c : std::as_const(resolved.origin)) {
        if (c.unicode() < 0x20 || c.unicode() == 0x7f || c.unicode() > 0xff) {
            resolved.errors.append(tr("Origin: only printable Latin-1 characters can be sent."));
            break;
        }
    }

    resolved.tlsFiles.caFile = variables.resolve(request.caFile, tr("CA file"), &problems);
    resolved.tlsFiles.certificateFile = variables.resolve(request.certFile, tr("Client certificate"), &problems);
    resolved.tlsFiles.keyFile = variables.resolve(request.keyFile, tr("Client key"), &problems);
    resolved.tlsFiles.passphrase = variables.resolve(secrets.passphrase, tr("Passphrase"), &problems);
    if (!request.proxy.trimmed().isEmpty()) {
        QString error;
        const QString proxy = variables.resolve(request.proxy, tr("Proxy"), &problems);
        if (!ProxySetting::parse(proxy, &resolved.proxy, &error)) {
            resolved.errors.append(tr("Proxy: %1").arg(error));
        } else {
            resolved.proxyGiven = true;
            if (!secrets.proxyPassword.isEmpty())
                resolved.proxy.password = variables.resolve(secrets.proxyPassword, tr("Proxy password"), &problems);
        }
    }
    return resolved;
}

QString ResolvedRequest::preview(const VariableScope &variables, bool maskSecrets) const
{
    QStringList secretValues = maskSecrets ? variables.secretValues() : QStringList();
    QString text = QStringLiteral("GET ") + url.toString(QUrl::FullyEncoded) + u'\n';
    const QList<Session::Header> shown = maskSecrets ? Secrets::masked(headers, {}) : headers;
    for (const Session::Header &header : shown)
        text += QString::fromLatin1(header.first) + QStringLiteral(": ") + QString::fromLatin1(header.second) + u'\n';
    if (!subprotocols.isEmpty())
        text += QStringLiteral("Sec-WebSocket-Protocol: ") + subprotocols.join(QStringLiteral(", ")) + u'\n';
    if (!origin.isEmpty())
        text += QStringLiteral("Origin: ") + origin + u'\n';
    return masked(text, secretValues);
}

void ResolvedRequest::configure(Session *session) const
{
    session->setRequestHeaders(headers);
    session->setSubprotocols(subprotocols);
    session->setOrigin(origin);
    session->setTlsFiles(tlsFiles);
    if (proxyGiven)
        session->setProxy(proxy);
    session->setPingInterval(request.pingIntervalMs);
    session->setPongTimeout(request.pongTimeoutMs);
    session->setHandshakeTimeout(request.handshakeTimeoutMs > 0 ? request.handshakeTimeoutMs
                                                                : Session::DefaultHandshakeTimeoutMs);
    session->setMaxMessageSize(request.maxMessageBytes > 0 ? request.maxMessageBytes : Session::DefaultMaxMessageBytes);
}

bool ResolvedRequest::onOpenFrames(const Profile &profile, const VariableScope &variables,
                                   QList<SavedMessage::Frame> *frames, QString *error)
{
    frames->clear();
    for (const SavedMessage &message : profile.messages) {
        if (!message.onOpen)
            continue;
        SavedMessage::Frame frame;
        if (!message.frame(variables, &frame, error))
            return false;
        frames->append(frame);
    }
    return true;
}
