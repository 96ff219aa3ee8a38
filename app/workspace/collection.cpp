#include "collection.h"

#include "log/payloadformat.h"
#include "record/inputfile.h"
#include "record/secrets.h"
#include "session/session.h"
#include "session/urlcheck.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSaveFile>
#include <QUuid>

#include <functional>

namespace {

const QLatin1String FormatName("wsscope-collection");
// A collection is text a person keeps in git; one this large is not one.
constexpr qint64 MaxCollectionBytes = 64 * 1024 * 1024;

// Fields a newer version wrote are kept: what is left of an object once the
// known keys are taken out, with the unknown parts of known sub-objects
// under their keys.
QJsonObject unknownOf(const QJsonObject &object, std::initializer_list<QLatin1String> known)
{
    QJsonObject rest = object;
    for (const QLatin1String &key : known)
        rest.remove(key);
    return rest;
}

// The written object with what was unknown put back; sub-objects merge.
QJsonObject withUnknown(QJsonObject written, const QJsonObject &unknown)
{
    for (auto it = unknown.constBegin(); it != unknown.constEnd(); ++it) {
        const auto existing = written.constFind(it.key());
        if (existing == written.constEnd())
            written.insert(it.key(), it.value());
        else if (existing->isObject() && it.value().isObject())
            written.insert(it.key(), withUnknown(existing->toObject(), it.value().toObject()));
    }
    return written;
}

// Reading with a path to every value, so that an error says where it is:
// items[2].messages[0].kind.
class Reader
{
    Q_DECLARE_TR_FUNCTIONS(Collection)

public:
    QString error;

    bool fail(const QString &path, const QString &message)
    {
        if (error.isEmpty())
            error = path.isEmpty() ? message : tr("%1: %2").arg(path, message);
        return false;
    }

    static QString at(const QString &path, const QString &key) { return path.isEmpty() ? key : path + u'.' + key; }
    static QString at(const QString &path, qsizetype index) { return path + u'[' + QString::number(index) + u']'; }

    bool string(const QJsonObject &object, const QString &path, QLatin1String key, QString *out, bool required = false)
    {
        const QJsonValue value = object.value(key);
        if (value.isUndefined() || value.isNull()) {
            if (required)
                return fail(at(path, key), tr("is missing"));
            return true;
        }
        if (!value.isString())
            return fail(at(path, key), tr("must be a string"));
        *out = value.toString();
        return true;
    }

    bool boolean(const QJsonObject &object, const QString &path, QLatin1String key, bool *out)
    {
        const QJsonValue value = object.value(key);
        if (value.isUndefined() || value.isNull())
            return true;
        if (!value.isBool())
            return fail(at(path, key), tr("must be true or false"));
        *out = value.toBool();
        return true;
    }

    template<typename Int>
    bool integer(const QJsonObject &object, const QString &path, QLatin1String key, Int *out, qint64 max)
    {
        const QJsonValue value = object.value(key);
        if (value.isUndefined() || value.isNull())
            return true;
        const double number = value.toDouble(-1);
        if (!value.isDouble() || number < 0 || number > double(max) || number != double(qint64(number)))
            return fail(at(path, key), tr("must be a whole number from 0 to %1").arg(max));
        *out = Int(qint64(number));
        return true;
    }

    bool object(const QJsonObject &parent, const QString &path, QLatin1String key, QJsonObject *out)
    {
        const QJsonValue value = parent.value(key);
        if (value.isUndefined() || value.isNull())
            return true;
        if (!value.isObject())
            return fail(at(path, key), tr("must be an object"));
        *out = value.toObject();
        return true;
    }

    bool array(const QJsonObject &parent, const QString &path, QLatin1String key, QJsonArray *out)
    {
        const QJsonValue value = parent.value(key);
        if (value.isUndefined() || value.isNull())
            return true;
        if (!value.isArray())
            return fail(at(path, key), tr("must be a list"));
        *out = value.toArray();
        return true;
    }

    bool objectAt(const QJsonArray &array, qsizetype index, const QString &path, QJsonObject *out)
    {
        if (!array.at(index).isObject())
            return fail(at(path, index), tr("must be an object"));
        *out = array.at(index).toObject();
        return true;
    }

    bool variables(const QJsonObject &parent, const QString &path, QList<Variable> *out)
    {
        QJsonArray list;
        if (!array(parent, path, QLatin1String("variables"), &list))
            return false;
        const QString listPath = at(path, QStringLiteral("variables"));
        for (qsizetype i = 0; i < list.size(); ++i) {
            QJsonObject object;
            if (!objectAt(list, i, listPath, &object))
                return false;
            const QString here = at(listPath, i);
            Variable variable;
            if (!string(object, here, QLatin1String("name"), &variable.name, true)
                || !string(object, here, QLatin1String("value"), &variable.value)
                || !boolean(object, here, QLatin1String("secret"), &variable.secret)
                || !boolean(object, here, QLatin1String("enabled"), &variable.enabled))
                return false;
            if (!Variable::isValidName(variable.name))
                return fail(at(here, QStringLiteral("name")),
                            tr("\"%1\" cannot be a variable name: use letters, digits, '_', '-' and '.'")
                                .arg(variable.name));
            for (const Variable &earlier : std::as_const(*out)) {
                if (earlier.name == variable.name)
                    return fail(at(here, QStringLiteral("name")), tr("\"%1\" is defined twice").arg(variable.name));
            }
            variable.unknown = unknownOf(object, {QLatin1String("name"), QLatin1String("value"),
                                                  QLatin1String("secret"), QLatin1String("enabled")});
            out->append(variable);
        }
        return true;
    }

    bool rows(const QJsonObject &parent, const QString &path, QLatin1String key, QList<ProfileRequest::Row> *out)
    {
        QJsonArray list;
        if (!array(parent, path, key, &list))
            return false;
        const QString listPath = at(path, key);
        for (qsizetype i = 0; i < list.size(); ++i) {
            QJsonObject object;
            if (!objectAt(list, i, listPath, &object))
                return false;
            const QString here = at(listPath, i);
            ProfileRequest::Row row;
            if (!string(object, here, QLatin1String("name"), &row.name)
                || !string(object, here, QLatin1String("value"), &row.value)
                || !boolean(object, here, QLatin1String("enabled"), &row.enabled))
                return false;
            out->append(row);
        }
        return true;
    }

    bool request(const QJsonObject &object, const QString &path, ProfileRequest *out)
    {
        ProfileRequest request;
        if (!rows(object, path, QLatin1String("headers"), &request.headers)
            || !rows(object, path, QLatin1String("queryLeftOut"), &request.queryLeftOut)
            || !string(object, path, QLatin1String("subprotocols"), &request.subprotocols)
            || !string(object, path, QLatin1String("origin"), &request.origin)
            || !string(object, path, QLatin1String("proxy"), &request.proxy)
            || !boolean(object, path, QLatin1String("secretsInKeyring"), &request.secretsInKeyring))
            return false;
        QJsonObject auth, connection, reconnect, tls;
        if (!this->object(object, path, QLatin1String("auth"), &auth)
            || !this->object(object, path, QLatin1String("connection"), &connection)
            || !this->object(object, path, QLatin1String("tls"), &tls))
            return false;
        const QString authPath = at(path, QStringLiteral("auth"));
        QString type = QStringLiteral("none");
        if (!string(auth, authPath, QLatin1String("type"), &type)
            || !string(auth, authPath, QLatin1String("user"), &request.authUser)
            || !string(auth, authPath, QLatin1String("secret"), &request.authSecretReference))
            return false;
        if (!ProfileRequest::isOnlyReferences(request.authSecretReference))
            return fail(at(authPath, QStringLiteral("secret")),
                        tr("may only name variables, such as {{token}}: a password or token itself is kept in the "
                           "keyring, not in the file"));
        if (type == QLatin1String("basic"))
            request.auth = ProfileRequest::Auth::Basic;
        else if (type == QLatin1String("bearer"))
            request.auth = ProfileRequest::Auth::Bearer;
        else if (type != QLatin1String("none"))
            return fail(at(authPath, QStringLiteral("type")),
                        tr("\"%1\" is not one of none, basic, bearer").arg(type));
        const QString connectionPath = at(path, QStringLiteral("connection"));
        constexpr qint64 MaxMs = 24LL * 60 * 60 * 1000;
        if (!integer(connection, connectionPath, QLatin1String("pingIntervalMs"), &request.pingIntervalMs, MaxMs)
            || !integer(connection, connectionPath, QLatin1String("pongTimeoutMs"), &request.pongTimeoutMs, MaxMs)
            || !integer(connection, connectionPath, QLatin1String("handshakeTimeoutMs"), &request.handshakeTimeoutMs, MaxMs)
            || !integer(connection, connectionPath, QLatin1String("maxMessageBytes"), &request.maxMessageBytes,
                        qint64(1) << 31)
            || !integer(connection, connectionPath, QLatin1String("closeCode"), &request.closeCode, 4999)
            || !string(connection, connectionPath, QLatin1String("closeReason"), &request.closeReason)
            || !this->object(connection, connectionPath, QLatin1String("reconnect"), &reconnect))
            return false;
        if (connection.contains(QLatin1String("reconnect"))) {
            const QString reconnectPath = at(connectionPath, QStringLiteral("reconnect"));
            request.reconnect = true;
            if (!boolean(reconnect, reconnectPath, QLatin1String("enabled"), &request.reconnect)
                || !integer(reconnect, reconnectPath, QLatin1String("attempts"), &request.reconnectAttempts, 1000000)
                || !integer(reconnect, reconnectPath, QLatin1String("delayMs"), &request.reconnectDelayMs, MaxMs)
                || !integer(reconnect, reconnectPath, QLatin1String("maxDelayMs"), &request.reconnectMaxDelayMs, MaxMs))
                return false;
        }
        const QString tlsPath = at(path, QStringLiteral("tls"));
        if (!string(tls, tlsPath, QLatin1String("caFile"), &request.caFile)
            || !string(tls, tlsPath, QLatin1String("certFile"), &request.certFile)
            || !string(tls, tlsPath, QLatin1String("keyFile"), &request.keyFile))
            return false;
        request.unknown = unknownOf(object, {QLatin1String("headers"), QLatin1String("queryLeftOut"),
                                             QLatin1String("subprotocols"), QLatin1String("origin"),
                                             QLatin1String("proxy"), QLatin1String("auth"),
                                             QLatin1String("connection"), QLatin1String("tls"),
                                             QLatin1String("secretsInKeyring")});
        const auto keep = [&](const char *key, const QJsonObject &sub, std::initializer_list<QLatin1String> known) {
            const QJsonObject rest = unknownOf(sub, known);
            if (!rest.isEmpty())
                request.unknown.insert(QLatin1String(key), rest);
        };
        keep("auth", auth, {QLatin1String("type"), QLatin1String("user"), QLatin1String("secret")});
        QJsonObject connectionRest = unknownOf(connection, {QLatin1String("pingIntervalMs"), QLatin1String("pongTimeoutMs"),
                                                            QLatin1String("handshakeTimeoutMs"),
                                                            QLatin1String("maxMessageBytes"), QLatin1String("reconnect"),
                                                            QLatin1String("closeCode"), QLatin1String("closeReason")});
        const QJsonObject reconnectRest = unknownOf(reconnect, {QLatin1String("enabled"), QLatin1String("attempts"),
                                                                QLatin1String("delayMs"), QLatin1String("maxDelayMs")});
        if (!reconnectRest.isEmpty())
            connectionRest.insert(QLatin1String("reconnect"), reconnectRest);
        if (!connectionRest.isEmpty())
            request.unknown.insert(QLatin1String("connection"), connectionRest);
        keep("tls", tls, {QLatin1String("caFile"), QLatin1String("certFile"), QLatin1String("keyFile")});
        *out = request;
        return true;
    }

    bool message(const QJsonObject &object, const QString &path, SavedMessage *out)
    {
        SavedMessage message;
        QString kind = QStringLiteral("text");
        if (!string(object, path, QLatin1String("id"), &message.id)
            || !string(object, path, QLatin1String("name"), &message.name, true)
            || !string(object, path, QLatin1String("kind"), &kind)
            || !string(object, path, QLatin1String("body"), &message.body)
            || !boolean(object, path, QLatin1String("onOpen"), &message.onOpen))
            return false;
        if (!SavedMessage::kindFromKey(kind, &message.kind))
            return fail(at(path, QStringLiteral("kind")), tr("\"%1\" is not one of text, json, hex, file").arg(kind));
        if (message.id.isEmpty())
            message.id = Collection::newId();
        message.unknown = unknownOf(object, {QLatin1String("id"), QLatin1String("name"), QLatin1String("kind"),
                                             QLatin1String("body"), QLatin1String("onOpen")});
        *out = message;
        return true;
    }

    bool profile(const QJsonObject &object, const QString &path, Profile *out)
    {
        Profile profile;
        QJsonObject request;
        QJsonArray messages;
        if (!string(object, path, QLatin1String("id"), &profile.id)
            || !string(object, path, QLatin1String("name"), &profile.name, true)
            || !string(object, path, QLatin1String("url"), &profile.url, true)
            || !this->object(object, path, QLatin1String("request"), &request)
            || !this->request(request, at(path, QStringLiteral("request")), &profile.request)
            || !array(object, path, QLatin1String("messages"), &messages))
            return false;
        const QString messagesPath = at(path, QStringLiteral("messages"));
        for (qsizetype i = 0; i < messages.size(); ++i) {
            QJsonObject entry;
            SavedMessage message;
            if (!objectAt(messages, i, messagesPath, &entry) || !this->message(entry, at(messagesPath, i), &message))
                return false;
            profile.messages.append(message);
        }
        if (profile.id.isEmpty())
            profile.id = Collection::newId();
        profile.unknown = unknownOf(object, {QLatin1String("id"), QLatin1String("name"), QLatin1String("url"),
                                             QLatin1String("request"), QLatin1String("messages"),
                                             QLatin1String("type")});
        *out = profile;
        return true;
    }

    bool items(const QJsonObject &parent, const QString &path, QList<CollectionItem> *out, int depth)
    {
        QJsonArray list;
        if (!array(parent, path, QLatin1String("items"), &list))
            return false;
        const QString listPath = at(path, QStringLiteral("items"));
        if (depth > 32)
            return fail(listPath, tr("folders are nested too deeply"));
        for (qsizetype i = 0; i < list.size(); ++i) {
            QJsonObject object;
            if (!objectAt(list, i, listPath, &object))
                return false;
            const QString here = at(listPath, i);
            QString type;
            if (!string(object, here, QLatin1String("type"), &type, true))
                return false;
            CollectionItem item;
            if (type == QLatin1String("folder")) {
                item.type = CollectionItem::Type::Folder;
                if (!string(object, here, QLatin1String("name"), &item.name, true)
                    || !items(object, here, &item.items, depth + 1))
                    return false;
                item.unknown = unknownOf(object, {QLatin1String("type"), QLatin1String("name"), QLatin1String("items")});
            } else if (type == QLatin1String("profile")) {
                item.type = CollectionItem::Type::Profile;
                if (!profile(object, here, &item.profile))
                    return false;
            } else {
                return fail(at(here, QStringLiteral("type")), tr("\"%1\" is not one of folder, profile").arg(type));
            }
            out->append(item);
        }
        return true;
    }
};

QJsonArray variablesJson(const QList<Variable> &variables)
{
    QJsonArray list;
    for (const Variable &variable : variables) {
        QJsonObject object{{QStringLiteral("name"), variable.name}};
        // A secret's value is kept in the keyring or given with --var: never here.
        if (variable.secret)
            object.insert(QStringLiteral("secret"), true);
        else
            object.insert(QStringLiteral("value"), variable.value);
        if (!variable.enabled)
            object.insert(QStringLiteral("enabled"), false);
        list.append(withUnknown(object, variable.unknown));
    }
    return list;
}

QJsonArray rowsJson(const QList<ProfileRequest::Row> &rows)
{
    QJsonArray list;
    for (const ProfileRequest::Row &row : rows) {
        QJsonObject object{{QStringLiteral("name"), row.name}, {QStringLiteral("value"), row.value}};
        if (!row.enabled)
            object.insert(QStringLiteral("enabled"), false);
        list.append(object);
    }
    return list;
}

// Only what differs from a new profile's request, so that a file says what
// was chosen and a change is one line.
QJsonObject requestJson(const ProfileRequest &request)
{
    const ProfileRequest defaults;
    QJsonObject object;
    if (!request.headers.isEmpty())
        object.insert(QStringLiteral("headers"), rowsJson(request.headers));
    if (!request.queryLeftOut.isEmpty())
        object.insert(QStringLiteral("queryLeftOut"), rowsJson(request.queryLeftOut));
    if (request.auth != ProfileRequest::Auth::None || !request.authUser.isEmpty()
        || !request.authSecretReference.isEmpty()) {
        QJsonObject auth;
        auth.insert(QStringLiteral("type"), request.auth == ProfileRequest::Auth::Basic    ? QStringLiteral("basic")
                                            : request.auth == ProfileRequest::Auth::Bearer ? QStringLiteral("bearer")
                                                                                            : QStringLiteral("none"));
        if (!request.authUser.isEmpty())
            auth.insert(QStringLiteral("user"), request.authUser);
        if (!request.authSecretReference.isEmpty() && ProfileRequest::isOnlyReferences(request.authSecretReference))
            auth.insert(QStringLiteral("secret"), request.authSecretReference);
        object.insert(QStringLiteral("auth"), auth);
    }
    if (!request.subprotocols.isEmpty())
        object.insert(QStringLiteral("subprotocols"), request.subprotocols);
    if (!request.origin.isEmpty())
        object.insert(QStringLiteral("origin"), request.origin);
    QJsonObject connection;
    if (request.pingIntervalMs)
        connection.insert(QStringLiteral("pingIntervalMs"), request.pingIntervalMs);
    if (request.pongTimeoutMs)
        connection.insert(QStringLiteral("pongTimeoutMs"), request.pongTimeoutMs);
    if (request.handshakeTimeoutMs)
        connection.insert(QStringLiteral("handshakeTimeoutMs"), request.handshakeTimeoutMs);
    if (request.maxMessageBytes)
        connection.insert(QStringLiteral("maxMessageBytes"), request.maxMessageBytes);
    if (request.closeCode)
        connection.insert(QStringLiteral("closeCode"), request.closeCode);
    if (!request.closeReason.isEmpty())
        connection.insert(QStringLiteral("closeReason"), request.closeReason);
    if (request.reconnect || request.reconnectAttempts != defaults.reconnectAttempts
        || request.reconnectDelayMs != defaults.reconnectDelayMs
        || request.reconnectMaxDelayMs != defaults.reconnectMaxDelayMs) {
        connection.insert(QStringLiteral("reconnect"),
                          QJsonObject{{QStringLiteral("enabled"), request.reconnect},
                                      {QStringLiteral("attempts"), request.reconnectAttempts},
                                      {QStringLiteral("delayMs"), request.reconnectDelayMs},
                                      {QStringLiteral("maxDelayMs"), request.reconnectMaxDelayMs}});
    }
    if (!connection.isEmpty())
        object.insert(QStringLiteral("connection"), connection);
    QJsonObject tls;
    if (!request.caFile.isEmpty())
        tls.insert(QStringLiteral("caFile"), request.caFile);
    if (!request.certFile.isEmpty())
        tls.insert(QStringLiteral("certFile"), request.certFile);
    if (!request.keyFile.isEmpty())
        tls.insert(QStringLiteral("keyFile"), request.keyFile);
    if (!tls.isEmpty())
        object.insert(QStringLiteral("tls"), tls);
    if (!request.proxy.isEmpty())
        object.insert(QStringLiteral("proxy"), ProfileRequest::proxyWithoutPassword(request.proxy, nullptr));
    if (request.secretsInKeyring)
        object.insert(QStringLiteral("secretsInKeyring"), true);
    return withUnknown(object, request.unknown);
}

QJsonArray itemsJson(const QList<CollectionItem> &items)
{
    QJsonArray list;
    for (const CollectionItem &item : items) {
        if (item.type == CollectionItem::Type::Folder) {
            list.append(withUnknown(QJsonObject{{QStringLiteral("type"), QStringLiteral("folder")},
                                                {QStringLiteral("name"), item.name},
                                                {QStringLiteral("items"), itemsJson(item.items)}},
                                    item.unknown));
            continue;
        }
        const Profile &profile = item.profile;
        QJsonObject object{{QStringLiteral("type"), QStringLiteral("profile")},
                           {QStringLiteral("id"), profile.id},
                           {QStringLiteral("name"), profile.name},
                           {QStringLiteral("url"), profile.url}};
        const QJsonObject request = requestJson(profile.request);
        if (!request.isEmpty())
            object.insert(QStringLiteral("request"), request);
        if (!profile.messages.isEmpty()) {
            QJsonArray messages;
            for (const SavedMessage &message : profile.messages) {
                QJsonObject entry{{QStringLiteral("id"), message.id},
                                  {QStringLiteral("name"), message.name},
                                  {QStringLiteral("kind"), SavedMessage::kindKey(message.kind)},
                                  {QStringLiteral("body"), message.body}};
                if (message.onOpen)
                    entry.insert(QStringLiteral("onOpen"), true);
                messages.append(withUnknown(entry, message.unknown));
            }
            object.insert(QStringLiteral("messages"), messages);
        }
        list.append(withUnknown(object, profile.unknown));
    }
    return list;
}

// The line and column of a byte offset, counted as an editor does.
QString position(const QByteArray &json, int offset)
{
    int line = 1, column = 1;
    for (int i = 0; i < offset && i < json.size(); ++i) {
        if (json.at(i) == '\n') {
            ++line;
            column = 1;
        } else if ((json.at(i) & 0xc0) != 0x80) {
            ++column;
        }
    }
    return Collection::tr("line %1, column %2").arg(line).arg(column);
}

void collectProfiles(const QList<CollectionItem> &items, const QString &folder, QList<Collection::Found> *out)
{
    for (const CollectionItem &item : items) {
        if (item.type == CollectionItem::Type::Folder)
            collectProfiles(item.items, folder.isEmpty() ? item.name : folder + u'/' + item.name, out);
        else
            out->append({&item.profile, folder});
    }
}

} // namespace

QString SavedMessage::kindKey(Kind kind)
{
    switch (kind) {
    case Kind::Text:
        return QStringLiteral("text");
    case Kind::Json:
        return QStringLiteral("json");
    case Kind::Hex:
        return QStringLiteral("hex");
    case Kind::File:
        return QStringLiteral("file");
    }
    return QStringLiteral("text");
}

bool SavedMessage::kindFromKey(const QString &key, Kind *kind)
{
    for (const Kind k : {Kind::Text, Kind::Json, Kind::Hex, Kind::File}) {
        if (key == kindKey(k)) {
            *kind = k;
            return true;
        }
    }
    return false;
}

bool SavedMessage::frame(const VariableScope &variables, Frame *frame, QString *error) const
{
    QList<VariableScope::Problem> problems;
    const QString field = tr("Message \"%1\"").arg(name);
    switch (kind) {
    case Kind::Text:
    case Kind::Json: {
        const QString text = variables.resolve(body, field, &problems);
        if (!problems.isEmpty()) {
            *error = problems.constFirst().message();
            return false;
        }
        frame->binary = false;
        frame->data = text.toUtf8();
        return true;
    }
    case Kind::Hex: {
        const QString text = variables.resolve(body, field, &problems);
        if (!problems.isEmpty()) {
            *error = problems.constFirst().message();
            return false;
        }
        const PayloadFormat::HexResult hex = PayloadFormat::parseHex(text);
        if (!hex.ok()) {
            *error = tr("Message \"%1\": %2").arg(name, hex.error);
            return false;
        }
        frame->binary = true;
        frame->data = hex.bytes;
        return true;
    }
    case Kind::File: {
        const QString path = variables.resolve(body, field, &problems);
        if (!problems.isEmpty()) {
            *error = problems.constFirst().message();
            return false;
        }
        QString why;
        bool tooLarge = false;
        QByteArray data;
        if (!InputFile::readAll(path, Session::DefaultMaxMessageBytes, &data, &why, &tooLarge)) {
            *error = tr("Message \"%1\": cannot read \"%2\": %3").arg(name, path, why);
            return false;
        }
        frame->binary = true;
        frame->data = data;
        return true;
    }
    }
    return false;
}

QString ProfileRequest::proxyWithoutPassword(const QString &text, QString *password)
{
    if (password)
        password->clear();
    const qsizetype scheme = text.indexOf(QLatin1String("://"));
    const qsizetype userStart = scheme < 0 ? 0 : scheme + 3;
    const qsizetype at = text.lastIndexOf(u'@');
    if (at < userStart)
        return text;
    const qsizetype colon = text.indexOf(u':', userStart);
    if (colon < 0 || colon > at)
        return text;
    if (password)
        *password = QUrl::fromPercentEncoding(text.mid(colon + 1, at - colon - 1).toUtf8());
    return text.left(colon) + text.mid(at);
}

bool ProfileRequest::isOnlyReferences(const QString &text)
{
    QString rest = text;
    static const QRegularExpression reference(QStringLiteral("\\{\\{[^{}]*\\}\\}"));
    rest.remove(reference);
    return rest.trimmed().isEmpty();
}

ProfileRequest ProfileRequest::fromEditorState(const QVariantMap &state)
{
    ProfileRequest request;
    const auto rows = [&](const char *key) {
        QList<Row> out;
        const QVariantList list = state.value(QLatin1String(key)).toList();
        for (const QVariant &entry : list) {
            const QVariantList fields = entry.toList();
            out.append({fields.value(1).toString(), fields.value(2).toString(), fields.value(0).toBool()});
        }
        return out;
    };
    request.headers = rows("headers");
    request.queryLeftOut = rows("queryLeftOut");
    for (Row &row : request.queryLeftOut)
        row.enabled = false;
    const int auth = state.value(QStringLiteral("authKind")).toInt();
    request.auth = auth == 1 ? Auth::Basic : auth == 2 ? Auth::Bearer : Auth::None;
    request.authUser = state.value(QStringLiteral("authUser")).toString();
    if (const QString secret = state.value(QStringLiteral("authSecret")).toString(); isOnlyReferences(secret))
        request.authSecretReference = secret;
    request.subprotocols = state.value(QStringLiteral("protocols")).toString();
    request.origin = state.value(QStringLiteral("origin")).toString();
    request.pingIntervalMs = state.value(QStringLiteral("pingIntervalMs")).toInt();
    request.pongTimeoutMs = state.value(QStringLiteral("pongTimeoutMs")).toInt();
    request.reconnect = state.value(QStringLiteral("reconnect")).toBool();
    request.reconnectAttempts = state.value(QStringLiteral("reconnectAttempts"), 0).toInt();
    request.reconnectDelayMs = state.value(QStringLiteral("reconnectDelayMs"), 1000).toInt();
    request.reconnectMaxDelayMs = state.value(QStringLiteral("reconnectMaxDelayMs"), 30000).toInt();
    const int handshake = state.value(QStringLiteral("handshakeTimeoutMs")).toInt();
    request.handshakeTimeoutMs = handshake == Session::DefaultHandshakeTimeoutMs ? 0 : handshake;
    const qint64 maxBytes = state.value(QStringLiteral("maxMessageBytes")).toLongLong();
    request.maxMessageBytes = maxBytes == Session::DefaultMaxMessageBytes ? 0 : maxBytes;
    request.caFile = state.value(QStringLiteral("caFile")).toString();
    request.certFile = state.value(QStringLiteral("certFile")).toString();
    request.keyFile = state.value(QStringLiteral("keyFile")).toString();
    request.proxy = proxyWithoutPassword(state.value(QStringLiteral("proxy")).toString(), nullptr);
    request.closeCode = state.value(QStringLiteral("closeCode")).toInt();
    request.closeReason = state.value(QStringLiteral("closeReason")).toString();
    request.secretsInKeyring = state.value(QStringLiteral("secretsStored")).toBool();
    return request;
}

QVariantMap ProfileRequest::toEditorState() const
{
    QVariantMap state;
    const auto rows = [](const QList<Row> &list) {
        QVariantList out;
        for (const Row &row : list)
            out.append(QVariant(QVariantList{row.enabled, row.name, row.value}));
        return out;
    };
    state.insert(QStringLiteral("headers"), rows(headers));
    state.insert(QStringLiteral("queryLeftOut"), rows(queryLeftOut));
    state.insert(QStringLiteral("authKind"), auth == Auth::Basic ? 1 : auth == Auth::Bearer ? 2 : 0);
    state.insert(QStringLiteral("authUser"), authUser);
    state.insert(QStringLiteral("authSecret"), authSecretReference);
    state.insert(QStringLiteral("protocols"), subprotocols);
    state.insert(QStringLiteral("origin"), origin);
    state.insert(QStringLiteral("pingIntervalMs"), pingIntervalMs);
    state.insert(QStringLiteral("pongTimeoutMs"), pongTimeoutMs);
    state.insert(QStringLiteral("reconnect"), reconnect);
    state.insert(QStringLiteral("reconnectAttempts"), reconnectAttempts);
    state.insert(QStringLiteral("reconnectDelayMs"), reconnectDelayMs);
    state.insert(QStringLiteral("reconnectMaxDelayMs"), reconnectMaxDelayMs);
    state.insert(QStringLiteral("handshakeTimeoutMs"),
                 handshakeTimeoutMs ? handshakeTimeoutMs : Session::DefaultHandshakeTimeoutMs);
    state.insert(QStringLiteral("maxMessageBytes"), maxMessageBytes ? maxMessageBytes : Session::DefaultMaxMessageBytes);
    state.insert(QStringLiteral("caFile"), caFile);
    state.insert(QStringLiteral("certFile"), certFile);
    state.insert(QStringLiteral("keyFile"), keyFile);
    state.insert(QStringLiteral("proxy"), proxy);
    if (closeCode)
        state.insert(QStringLiteral("closeCode"), closeCode);
    if (!closeReason.isEmpty())
        state.insert(QStringLiteral("closeReason"), closeReason);
    if (secretsInKeyring)
        state.insert(QStringLiteral("secretsStored"), true);
    return state;
}

bool Collection::read(const QByteArray &json, Collection *collection, QString *error)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        *error = tr("Not valid JSON at %1: %2").arg(position(json, parseError.offset), parseError.errorString());
        return false;
    }
    if (!document.isObject()) {
        *error = tr("A collection is a JSON object; this file holds something else.");
        return false;
    }
    const QJsonObject root = document.object();
    if (root.value(QLatin1String("format")).toString() != FormatName) {
        *error = tr("This is not a wsscope collection: it has no \"format\": \"%1\".").arg(FormatName);
        return false;
    }
    const QJsonValue version = root.value(QLatin1String("version"));
    if (!version.isDouble() || version.toDouble() < 1 || version.toDouble() != double(version.toInt())) {
        *error = tr("version: must be a whole number from 1 up");
        return false;
    }
    if (version.toInt() > FormatVersion) {
        *error = tr("This collection was written in format version %1; this wsscope reads up to version %2.")
                     .arg(version.toInt())
                     .arg(FormatVersion);
        return false;
    }
    Reader reader;
    Collection read;
    QJsonArray environments;
    bool ok = reader.string(root, {}, QLatin1String("id"), &read.id)
        && reader.string(root, {}, QLatin1String("name"), &read.name, true)
        && reader.variables(root, {}, &read.variables)
        && reader.array(root, {}, QLatin1String("environments"), &environments)
        && reader.items(root, {}, &read.items, 0);
    for (qsizetype i = 0; ok && i < environments.size(); ++i) {
        const QString path = Reader::at(QStringLiteral("environments"), i);
        QJsonObject object;
        Environment environment;
        ok = reader.objectAt(environments, i, QStringLiteral("environments"), &object)
            && reader.string(object, path, QLatin1String("id"), &environment.id)
            && reader.string(object, path, QLatin1String("name"), &environment.name, true)
            && reader.variables(object, path, &environment.variables);
        if (!ok)
            break;
        if (read.findEnvironment(environment.name)) {
            ok = reader.fail(Reader::at(path, QStringLiteral("name")),
                             tr("\"%1\" is the name of an earlier environment").arg(environment.name));
            break;
        }
        if (environment.id.isEmpty())
            environment.id = newId();
        environment.unknown = unknownOf(object, {QLatin1String("id"), QLatin1String("name"), QLatin1String("variables")});
        read.environments.append(environment);
    }
    if (!ok) {
        *error = reader.error;
        return false;
    }
    if (read.id.isEmpty())
        read.id = newId();
    read.unknown = unknownOf(root, {QLatin1String("format"), QLatin1String("version"), QLatin1String("id"),
                                    QLatin1String("name"), QLatin1String("variables"),
                                    QLatin1String("environments"), QLatin1String("items")});
    *collection = read;
    return true;
}

bool Collection::readFile(const QString &path, Collection *collection, QString *error)
{
    QByteArray json;
    QString why;
    bool tooLarge = false;
    if (!InputFile::readAll(path, MaxCollectionBytes, &json, &why, &tooLarge)) {
        *error = tr("Cannot read \"%1\": %2.").arg(path, why);
        return false;
    }
    QString problem;
    if (!read(json, collection, &problem)) {
        *error = tr("Cannot read the collection \"%1\": %2").arg(path, problem);
        return false;
    }
    return true;
}

QByteArray Collection::toJson() const
{
    QJsonObject root{{QStringLiteral("format"), FormatName},
                     {QStringLiteral("version"), FormatVersion},
                     {QStringLiteral("id"), id},
                     {QStringLiteral("name"), name}};
    if (!variables.isEmpty())
        root.insert(QStringLiteral("variables"), variablesJson(variables));
    if (!environments.isEmpty()) {
        QJsonArray list;
        for (const Environment &environment : environments) {
            list.append(withUnknown(QJsonObject{{QStringLiteral("id"), environment.id},
                                                {QStringLiteral("name"), environment.name},
                                                {QStringLiteral("variables"), variablesJson(environment.variables)}},
                                    environment.unknown));
        }
        root.insert(QStringLiteral("environments"), list);
    }
    root.insert(QStringLiteral("items"), itemsJson(items));
    return QJsonDocument(withUnknown(root, unknown)).toJson(QJsonDocument::Indented);
}

QString Collection::credentialInHeaders() const
{
    for (const Found &found : profiles()) {
        for (const ProfileRequest::Row &row : found.profile->request.headers) {
            if (Secrets::isSecret(row.name.toLatin1()) && !ProfileRequest::isOnlyReferences(row.value))
                return tr("The profile \"%1\" has a credential in its %2 header; a collection file holds none: put it "
                          "in a secret variable ({{token}}) or in the Auth tab.")
                    .arg(found.profile->name, row.name.trimmed());
        }
    }
    return {};
}

bool Collection::writeFile(const QString &path, QString *error) const
{
    if (const QString problem = credentialInHeaders(); !problem.isEmpty()) {
        *error = problem;
        return false;
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        *error = tr("Cannot write \"%1\": %2").arg(path, file.errorString());
        return false;
    }
    const QByteArray json = toJson();
    if (file.write(json) != json.size() || !file.commit()) {
        *error = tr("Cannot write \"%1\": %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

QList<Collection::Found> Collection::profiles() const
{
    QList<Found> found;
    collectProfiles(items, {}, &found);
    return found;
}

const Profile *Collection::findProfile(const QString &wanted, QString *error) const
{
    const QList<Found> all = profiles();
    QList<Found> matches;
    for (const Found &found : all) {
        const QString path = found.folder.isEmpty() ? found.profile->name : found.folder + u'/' + found.profile->name;
        if (found.profile->id == wanted || path == wanted)
            return found.profile;
        if (found.profile->name == wanted)
            matches.append(found);
    }
    if (matches.size() == 1)
        return matches.constFirst().profile;
    if (!error)
        return nullptr;
    if (matches.isEmpty()) {
        QStringList names;
        for (const Found &found : all)
            names.append(found.folder.isEmpty() ? found.profile->name : found.folder + u'/' + found.profile->name);
        *error = names.isEmpty() ? tr("The collection has no profile \"%1\"; it has no profiles at all.").arg(wanted)
                                 : tr("The collection has no profile \"%1\"; it has: %2.")
                                       .arg(wanted, names.join(QStringLiteral(", ")));
        return nullptr;
    }
    QStringList paths;
    for (const Found &found : std::as_const(matches))
        paths.append(found.folder + u'/' + found.profile->name);
    *error = tr("Several profiles are named \"%1\"; name one with its folder: %2.")
                 .arg(wanted, paths.join(QStringLiteral(", ")));
    return nullptr;
}

const Environment *Collection::findEnvironment(const QString &wanted) const
{
    for (const Environment &environment : environments) {
        if (environment.name == wanted || environment.id == wanted)
            return &environment;
    }
    return nullptr;
}

VariableScope Collection::scope(const Environment *environment, const QList<Variable> &overrides) const
{
    VariableScope scope;
    scope.addLayer(variables);
    if (environment)
        scope.addLayer(environment->variables);
    scope.addLayer(overrides);
    return scope;
}

QString Collection::newId()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

CollectionItem *Collection::item(const Path &path)
{
    return const_cast<CollectionItem *>(std::as_const(*this).item(path));
}

const CollectionItem *Collection::item(const Path &path) const
{
    const QList<CollectionItem> *level = &items;
    const CollectionItem *found = nullptr;
    for (const int row : path) {
        if (!level || row < 0 || row >= level->size())
            return nullptr;
        found = &level->at(row);
        level = found->type == CollectionItem::Type::Folder ? &found->items : nullptr;
    }
    return found;
}

QList<CollectionItem> *Collection::itemsOf(const Path &folder)
{
    if (folder.isEmpty())
        return &items;
    CollectionItem *found = item(folder);
    return found && found->type == CollectionItem::Type::Folder ? &found->items : nullptr;
}

Collection::Path Collection::pathOfProfile(const QString &profileId) const
{
    Path path;
    std::function<bool(const QList<CollectionItem> &)> search = [&](const QList<CollectionItem> &level) {
        for (qsizetype i = 0; i < level.size(); ++i) {
            path.append(int(i));
            const CollectionItem &each = level.at(i);
            if ((each.type == CollectionItem::Type::Profile && each.profile.id == profileId)
                || (each.type == CollectionItem::Type::Folder && search(each.items)))
                return true;
            path.removeLast();
        }
        return false;
    };
    return search(items) ? path : Path();
}

Profile *Collection::profile(const QString &profileId)
{
    const Path path = pathOfProfile(profileId);
    CollectionItem *found = path.isEmpty() ? nullptr : item(path);
    return found ? &found->profile : nullptr;
}

bool Collection::move(const Path &from, const Path &folder, int row, Path *moved)
{
    if (from.isEmpty() || !item(from) || !itemsOf(folder))
        return false;
    if (folder.size() >= from.size() && folder.mid(0, from.size()) == from)
        return false;   // into itself
    const Path fromFolder = from.mid(0, from.size() - 1);
    const int fromRow = from.last();
    int target = row < 0 ? int(itemsOf(folder)->size()) : row;
    if (target > itemsOf(folder)->size())
        return false;
    // The folder's path after the item leaves its place.
    Path to = folder;
    if (to.size() > fromFolder.size() && to.mid(0, fromFolder.size()) == fromFolder
        && to.at(fromFolder.size()) > fromRow)
        --to[fromFolder.size()];
    if (to == fromFolder && target > fromRow)
        --target;
    const CollectionItem taken = itemsOf(fromFolder)->takeAt(fromRow);
    QList<CollectionItem> *destination = itemsOf(to);
    destination->insert(qMin<qsizetype>(target, destination->size()), taken);
    if (moved)
        *moved = to << int(qMin<qsizetype>(target, destination->size() - 1));
    return true;
}

bool Collection::remove(const Path &path, QStringList *removed)
{
    const CollectionItem *found = path.isEmpty() ? nullptr : item(path);
    if (!found)
        return false;
    if (removed) {
        std::function<void(const CollectionItem &)> collect = [&](const CollectionItem &each) {
            if (each.type == CollectionItem::Type::Profile)
                removed->append(each.profile.id);
            for (const CollectionItem &child : each.items)
                collect(child);
        };
        collect(*found);
    }
    itemsOf(path.mid(0, path.size() - 1))->removeAt(path.last());
    return true;
}

bool Collection::duplicate(const Path &path, Path *copy)
{
    const CollectionItem *found = path.isEmpty() ? nullptr : item(path);
    if (!found)
        return false;
    CollectionItem twin = *found;
    std::function<void(CollectionItem &)> renew = [&](CollectionItem &each) {
        if (each.type == CollectionItem::Type::Profile) {
            each.profile.id = newId();
            for (SavedMessage &message : each.profile.messages)
                message.id = newId();
        }
        for (CollectionItem &child : each.items)
            renew(child);
    };
    renew(twin);
    QString &twinName = twin.type == CollectionItem::Type::Folder ? twin.name : twin.profile.name;
    twinName = tr("%1 copy").arg(twinName);
    itemsOf(path.mid(0, path.size() - 1))->insert(path.last() + 1, twin);
    if (copy)
        *copy = path.mid(0, path.size() - 1) << path.last() + 1;
    return true;
}

QList<QPair<Collection::Path, QString>> Collection::folders() const
{
    QList<QPair<Path, QString>> found;
    std::function<void(const QList<CollectionItem> &, const Path &, const QString &)> walk =
        [&](const QList<CollectionItem> &level, const Path &at, const QString &prefix) {
            for (qsizetype i = 0; i < level.size(); ++i) {
                const CollectionItem &each = level.at(i);
                if (each.type != CollectionItem::Type::Folder)
                    continue;
                const Path here = Path(at) << int(i);
                const QString named = prefix.isEmpty() ? each.name : prefix + u'/' + each.name;
                found.append({here, named});
                walk(each.items, here, named);
            }
        };
    walk(items, {}, {});
    return found;
}

namespace {

QString kept(const QString &raw, const QString &now, const VariableScope &scope)
{
    return scope.resolvesTo(raw, now) ? raw : now;
}

// Rows of the tab matched with the profile's rows they were resolved from,
// in the tab's order; a row the tab added or changed is taken as it is.
QList<ProfileRequest::Row> keptRows(const QList<ProfileRequest::Row> &raw, const QList<ProfileRequest::Row> &now,
                                    const VariableScope &scope)
{
    QList<ProfileRequest::Row> result;
    QList<bool> used(raw.size(), false);
    for (const ProfileRequest::Row &row : now) {
        ProfileRequest::Row out = row;
        for (qsizetype i = 0; i < raw.size(); ++i) {
            if (!used.at(i) && scope.resolvesTo(raw.at(i).name, row.name)
                && scope.resolvesTo(raw.at(i).value, row.value)) {
                used[i] = true;
                out.name = raw.at(i).name;
                out.value = raw.at(i).value;
                break;
            }
        }
        result.append(out);
    }
    return result;
}

} // namespace

Profile Profile::updated(const ProfileSecrets &secrets, const VariableScope &scope, const QString &tabUrl,
                         const QVariantMap &editorState, ProfileSecrets *newSecrets) const
{
    Profile result = *this;
    const ProfileRequest &before = request;
    ProfileRequest now = ProfileRequest::fromEditorState(editorState);
    // The URL bar holds the URL as it was parsed: compared in that form too.
    QList<VariableScope::Problem> problems;
    const UrlCheck::Result resolvedBefore = UrlCheck::parse(scope.resolve(url, QString(), &problems));
    const UrlCheck::Result tab = UrlCheck::parse(tabUrl);
    const bool sameUrl = scope.resolvesTo(url, tabUrl)
        || (problems.isEmpty() && resolvedBefore.ok() && tab.ok()
            && resolvedBefore.url.toString(QUrl::FullyEncoded) == tab.url.toString(QUrl::FullyEncoded));
    result.url = sameUrl ? url : tabUrl;

    now.headers = keptRows(before.headers, now.headers, scope);
    now.queryLeftOut = keptRows(before.queryLeftOut, now.queryLeftOut, scope);
    now.authUser = kept(before.authUser, now.authUser, scope);
    now.subprotocols = kept(before.subprotocols, now.subprotocols, scope);
    now.origin = kept(before.origin, now.origin, scope);
    now.caFile = kept(before.caFile, now.caFile, scope);
    now.certFile = kept(before.certFile, now.certFile, scope);
    now.keyFile = kept(before.keyFile, now.keyFile, scope);
    now.proxy = kept(before.proxy, now.proxy, scope);
    // What the request tabs do not hold stays as the profile had it.
    now.closeCode = before.closeCode;
    now.closeReason = before.closeReason;
    now.secretsInKeyring = before.secretsInKeyring;
    now.unknown = before.unknown;

    *newSecrets = {};
    const QString authNow = editorState.value(QStringLiteral("authSecret")).toString();
    const QString authBefore = secrets.authSecret.isEmpty() ? before.authSecretReference : secrets.authSecret;
    const QString auth = now.auth == ProfileRequest::Auth::None ? QString() : kept(authBefore, authNow, scope);
    now.authSecretReference.clear();
    if (ProfileRequest::isOnlyReferences(auth))
        now.authSecretReference = auth;
    else
        newSecrets->authSecret = auth;
    newSecrets->passphrase = kept(secrets.passphrase, editorState.value(QStringLiteral("passphrase")).toString(), scope);
    QString proxyPassword;
    ProfileRequest::proxyWithoutPassword(editorState.value(QStringLiteral("proxy")).toString(), &proxyPassword);
    newSecrets->proxyPassword = kept(secrets.proxyPassword, proxyPassword, scope);
    result.request = now;
    return result;
}
