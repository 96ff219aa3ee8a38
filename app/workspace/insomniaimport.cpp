#include "insomniaimport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QUrlQuery>

#include <algorithm>
#include <functional>

namespace {

struct Context
{
    QStringList *unmapped;
    QString where;   // "Request \"Echo\""
};

// Insomnia's Nunjucks templates in wsscope's terms: {{ _.name }} and
// {{ name }} become {{name}}; a filter or a {% tag %} cannot be run, so it
// becomes a reference to a variable named after it, which stops the
// connection until the user defines it, and is listed; except the tags that
// mean one of wsscope's dynamic values ({% uuid %}, {% now 'unix' %} and
// {% now 'iso-8601' %}).
QString convertTemplate(const QString &text, const QString &field, const Context &context)
{
    static const QRegularExpression tag(QStringLiteral("\\{%-?\\s*([A-Za-z0-9_]+)[^%]*%\\}"));
    static const QRegularExpression variable(QStringLiteral("\\{\\{-?\\s*([^}]*?)\\s*-?\\}\\}"));
    QString result = text;
    QRegularExpressionMatchIterator tags = tag.globalMatch(text);
    while (tags.hasNext()) {
        const QRegularExpressionMatch match = tags.next();
        // The tags that have a dynamic value of the same meaning.
        const QString name = match.captured(1);
        const QString arguments = match.captured(0);
        QString dynamic;
        if (name == QLatin1String("uuid"))
            dynamic = QStringLiteral("$randomUUID");
        else if (name == QLatin1String("now") && arguments.contains(QLatin1String("iso-8601")))
            dynamic = QStringLiteral("$isoTimestamp");
        else if (name == QLatin1String("now") && arguments.contains(QLatin1String("unix")))
            dynamic = QStringLiteral("$timestamp");
        if (!dynamic.isEmpty()) {
            result.replace(arguments, QStringLiteral("{{") + dynamic + QStringLiteral("}}"));
            continue;
        }
        context.unmapped->append(InsomniaImport::tr("%1, %2: the template tag %3 cannot be run here; it became "
                                                    "{{%4}}, to be defined before connecting.")
                                     .arg(context.where, field, match.captured(0), match.captured(1)));
        result.replace(match.captured(0), QStringLiteral("{{") + match.captured(1) + QStringLiteral("}}"));
    }
    QString converted;
    qsizetype done = 0;
    QRegularExpressionMatchIterator variables = variable.globalMatch(result);
    while (variables.hasNext()) {
        const QRegularExpressionMatch match = variables.next();
        converted += QStringView(result).mid(done, match.capturedStart() - done);
        done = match.capturedEnd();
        QString inside = match.captured(1);
        if (const qsizetype pipe = inside.indexOf(u'|'); pipe >= 0) {
            context.unmapped->append(InsomniaImport::tr("%1, %2: the filter in %3 is left out.")
                                         .arg(context.where, field, match.captured(0)));
            inside = inside.left(pipe).trimmed();
        }
        if (inside.startsWith(QLatin1String("_.")))
            inside = inside.mid(2);
        converted += QStringLiteral("{{") + inside + QStringLiteral("}}");
    }
    converted += QStringView(result).mid(done);
    return converted;
}

QString scalarText(const QJsonValue &value)
{
    if (value.isString())
        return value.toString();
    if (value.isBool())
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    if (value.isDouble())
        return QString::number(value.toDouble(), 'g', 17);
    if (value.isNull())
        return {};
    return QString::fromUtf8(value.isArray() ? QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact)
                                             : QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact));
}

// An environment's data, nested objects as dotted names (Insomnia's
// {{ _.admin.name }}), every value as its text.
// The keys in the order the user gave them: Insomnia keeps it beside the
// data, in dataPropertyOrder ("&" for the top, "&~|admin" for data.admin),
// as a JSON object does not.
QStringList orderedKeys(const QJsonObject &data, const QJsonObject &order, const QString &prefix)
{
    QString path = QStringLiteral("&");
    if (!prefix.isEmpty())
        path += QStringLiteral("~|") + QString(prefix).replace(u'.', QStringLiteral("~|"));
    QStringList keys;
    const QJsonArray listed = order.value(path).toArray();
    for (const QJsonValue &key : listed) {
        if (data.contains(key.toString()) && !keys.contains(key.toString()))
            keys.append(key.toString());
    }
    const QStringList all = data.keys();
    for (const QString &key : all) {
        if (!keys.contains(key))
            keys.append(key);
    }
    return keys;
}

void flatten(const QJsonObject &data, const QJsonObject &order, const QString &prefix, bool secret,
             QList<Variable> *out, QStringList *unmapped, const QString &where)
{
    const QStringList keys = orderedKeys(data, order, prefix);
    for (const QString &key : keys) {
        const QJsonValue value = data.value(key);
        const QString name = prefix.isEmpty() ? key : prefix + u'.' + key;
        if (value.isObject()) {
            flatten(value.toObject(), order, name, secret, out, unmapped, where);
            continue;
        }
        if (!Variable::isValidName(name)) {
            unmapped->append(InsomniaImport::tr("%1: the variable \"%2\" has a name wsscope cannot use, so it was "
                                                "left out.").arg(where, name));
            continue;
        }
        Variable variable;
        variable.name = name;
        variable.value = scalarText(value);
        variable.secret = secret;
        out->append(variable);
    }
}

struct Resource
{
    QJsonObject object;
    QString id;
    QString type;
    QString parent;
    double sortKey = 0;
};

} // namespace

bool InsomniaImport::isInsomniaExport(const QByteArray &json)
{
    const QJsonDocument document = QJsonDocument::fromJson(json);
    return document.isObject() && document.object().value(QLatin1String("_type")).toString() == QLatin1String("export")
        && document.object().contains(QLatin1String("resources"));
}

bool InsomniaImport::read(const QByteArray &json, InsomniaImport *result, QString *error)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        *error = tr("Not valid JSON (at byte %1): %2").arg(parseError.offset).arg(parseError.errorString());
        return false;
    }
    const QJsonObject root = document.object();
    if (root.value(QLatin1String("_type")).toString() != QLatin1String("export")) {
        *error = tr("This is not an Insomnia export: it has no \"_type\": \"export\".");
        return false;
    }
    const int format = root.value(QLatin1String("__export_format")).toInt();
    if (format != 4) {
        *error = tr("This Insomnia export is in format %1; wsscope reads format 4 (Insomnia's JSON export).")
                     .arg(format);
        return false;
    }

    QList<Resource> resources;
    const QJsonArray list = root.value(QLatin1String("resources")).toArray();
    for (const QJsonValue &value : list) {
        const QJsonObject object = value.toObject();
        resources.append({object, object.value(QLatin1String("_id")).toString(),
                          object.value(QLatin1String("_type")).toString(),
                          object.value(QLatin1String("parentId")).toString(),
                          object.value(QLatin1String("metaSortKey")).toDouble()});
    }
    std::stable_sort(resources.begin(), resources.end(),
                     [](const Resource &a, const Resource &b) { return a.sortKey < b.sortKey; });
    const auto workspace = std::find_if(resources.cbegin(), resources.cend(),
                                        [](const Resource &r) { return r.type == QLatin1String("workspace"); });
    if (workspace == resources.cend()) {
        *error = tr("This Insomnia export holds no workspace.");
        return false;
    }

    InsomniaImport import;
    Collection &collection = import.collection;
    collection.id = Collection::newId();
    collection.name = workspace->object.value(QLatin1String("name")).toString();
    if (std::count_if(resources.cbegin(), resources.cend(),
                      [](const Resource &r) { return r.type == QLatin1String("workspace"); }) > 1)
        import.unmapped.append(tr("The export holds several workspaces; their requests are all in this one collection."));

    // Environments: the base one (a workspace's child) gives the defaults,
    // each of its children an environment. A private one is not shared by
    // Insomnia, so its values are taken as secrets.
    QStringList baseIds;
    for (const Resource &resource : std::as_const(resources)) {
        if (resource.type != QLatin1String("environment"))
            continue;
        const bool base = std::any_of(resources.cbegin(), resources.cend(), [&](const Resource &r) {
            return r.id == resource.parent && r.type == QLatin1String("workspace");
        });
        const QString name = resource.object.value(QLatin1String("name")).toString();
        const bool secret = resource.object.value(QLatin1String("isPrivate")).toBool();
        const QString where = tr("Environment \"%1\"").arg(name);
        if (base) {
            baseIds.append(resource.id);
            QList<Variable> defaults;
            flatten(resource.object.value(QLatin1String("data")).toObject(),
                    resource.object.value(QLatin1String("dataPropertyOrder")).toObject(), {}, secret, &defaults, &import.unmapped,
                    where);
            for (const Variable &variable : std::as_const(defaults)) {
                if (std::none_of(collection.variables.cbegin(), collection.variables.cend(),
                                 [&](const Variable &v) { return v.name == variable.name; }))
                    collection.variables.append(variable);
            }
        }
    }
    for (const Resource &resource : std::as_const(resources)) {
        if (resource.type != QLatin1String("environment") || baseIds.contains(resource.id))
            continue;
        Environment environment;
        environment.id = Collection::newId();
        environment.name = resource.object.value(QLatin1String("name")).toString();
        if (environment.name.isEmpty() || collection.findEnvironment(environment.name))
            environment.name = tr("Environment %1").arg(collection.environments.size() + 1);
        const QString where = tr("Environment \"%1\"").arg(environment.name);
        if (!baseIds.contains(resource.parent))
            import.unmapped.append(tr("%1 belongs to a folder in Insomnia; here it is one of the collection's "
                                      "environments.").arg(where));
        flatten(resource.object.value(QLatin1String("data")).toObject(),
                resource.object.value(QLatin1String("dataPropertyOrder")).toObject(), {},
                resource.object.value(QLatin1String("isPrivate")).toBool(), &environment.variables, &import.unmapped,
                where);
        collection.environments.append(environment);
    }

    // The tree: folders and WebSocket requests under the workspace, in
    // Insomnia's order.
    int skippedHttp = 0, skippedOther = 0;
    QStringList otherKinds;
    std::function<void(const QString &, QList<CollectionItem> *, int)> build;
    build = [&](const QString &parent, QList<CollectionItem> *items, int depth) {
        if (depth > 32)
            return;
        for (const Resource &resource : std::as_const(resources)) {
            if (resource.parent != parent)
                continue;
            const QString name = resource.object.value(QLatin1String("name")).toString();
            if (resource.type == QLatin1String("request_group")) {
                CollectionItem folder;
                folder.type = CollectionItem::Type::Folder;
                folder.name = name;
                if (!resource.object.value(QLatin1String("environment")).toObject().isEmpty())
                    import.unmapped.append(tr("Folder \"%1\": its own variables are not taken over; define them in "
                                              "an environment.").arg(name));
                build(resource.id, &folder.items, depth + 1);
                items->append(folder);
            } else if (resource.type == QLatin1String("websocket_request")) {
                const Context context{&import.unmapped, tr("Request \"%1\"").arg(name)};
                CollectionItem item;
                Profile &profile = item.profile;
                profile.id = Collection::newId();
                profile.name = name.isEmpty() ? tr("WebSocket request") : name;
                QString url = convertTemplate(resource.object.value(QLatin1String("url")).toString(), tr("URL"),
                                              context);
                // Query parameters: Insomnia adds the enabled ones to the URL when it connects.
                const QJsonArray parameters = resource.object.value(QLatin1String("parameters")).toArray();
                QStringList query;
                for (const QJsonValue &value : parameters) {
                    const QJsonObject parameter = value.toObject();
                    const QString key = convertTemplate(parameter.value(QLatin1String("name")).toString(),
                                                        tr("query parameter"), context);
                    const QString val = convertTemplate(parameter.value(QLatin1String("value")).toString(),
                                                        tr("query parameter"), context);
                    if (parameter.value(QLatin1String("disabled")).toBool())
                        profile.request.queryLeftOut.append({key, val, false});
                    else
                        query.append(QString::fromLatin1(QUrl::toPercentEncoding(key, "{}")) + u'='
                                     + QString::fromLatin1(QUrl::toPercentEncoding(val, "{}")));
                }
                if (!query.isEmpty())
                    url += (url.contains(u'?') ? u'&' : u'?') + query.join(u'&');
                profile.url = url;
                const QJsonArray headers = resource.object.value(QLatin1String("headers")).toArray();
                for (const QJsonValue &value : headers) {
                    const QJsonObject header = value.toObject();
                    profile.request.headers.append(
                        {convertTemplate(header.value(QLatin1String("name")).toString(), tr("header name"), context),
                         convertTemplate(header.value(QLatin1String("value")).toString(), tr("header value"), context),
                         !header.value(QLatin1String("disabled")).toBool()});
                }
                const QJsonObject auth = resource.object.value(QLatin1String("authentication")).toObject();
                const QString authType = auth.value(QLatin1String("type")).toString();
                ProfileSecrets secrets;
                if (auth.value(QLatin1String("disabled")).toBool() || authType.isEmpty()
                    || authType == QLatin1String("none")) {
                    // nothing to send
                } else if (authType == QLatin1String("bearer")) {
                    const QString prefix = auth.value(QLatin1String("prefix")).toString();
                    if (!prefix.isEmpty() && prefix != QLatin1String("Bearer"))
                        import.unmapped.append(tr("%1: the bearer prefix \"%2\" is not taken over; wsscope sends "
                                                  "\"Bearer\".").arg(context.where, prefix));
                    profile.request.auth = ProfileRequest::Auth::Bearer;
                    secrets.authSecret = convertTemplate(auth.value(QLatin1String("token")).toString(), tr("token"),
                                                         context);
                } else if (authType == QLatin1String("basic")) {
                    profile.request.auth = ProfileRequest::Auth::Basic;
                    profile.request.authUser = convertTemplate(auth.value(QLatin1String("username")).toString(),
                                                               tr("user"), context);
                    secrets.authSecret = convertTemplate(auth.value(QLatin1String("password")).toString(),
                                                         tr("password"), context);
                    if (auth.value(QLatin1String("useISO88591")).toBool())
                        import.unmapped.append(tr("%1: Basic auth is sent in UTF-8, not ISO 8859-1.")
                                                   .arg(context.where));
                } else {
                    import.unmapped.append(tr("%1: the authentication \"%2\" is not one wsscope has (Basic, Bearer); "
                                              "it was left out.").arg(context.where, authType));
                }
                // A token that only names variables is a reference the
                // collection may keep; one written out is a secret it may not.
                if (ProfileRequest::isOnlyReferences(secrets.authSecret)) {
                    profile.request.authSecretReference = secrets.authSecret;
                    secrets.authSecret.clear();
                }
                if (!secrets.authSecret.isEmpty())
                    import.secrets.insert(profile.id, secrets);
                // Its payload: what Insomnia's composer held, sent on open.
                for (const Resource &payload : std::as_const(resources)) {
                    if (payload.parent != resource.id || payload.type != QLatin1String("websocket_payload"))
                        continue;
                    SavedMessage message;
                    message.id = Collection::newId();
                    message.name = payload.object.value(QLatin1String("name")).toString();
                    if (message.name.isEmpty())
                        message.name = tr("Payload");
                    message.kind = payload.object.value(QLatin1String("mode")).toString() == QLatin1String("application/json")
                        ? SavedMessage::Kind::Json
                        : SavedMessage::Kind::Text;
                    message.body = convertTemplate(payload.object.value(QLatin1String("value")).toString(),
                                                   tr("payload"), context);
                    message.onOpen = true;
                    if (!message.body.isEmpty())
                        profile.messages.append(message);
                }
                const QString encode = QStringLiteral("settingEncodeUrl");
                if (resource.object.contains(encode) && !resource.object.value(encode).toBool())
                    import.unmapped.append(tr("%1: \"do not encode the URL\" is not taken over; wsscope sends the "
                                              "URL encoded.").arg(context.where));
                items->append(item);
            } else if (resource.type == QLatin1String("request")) {
                ++skippedHttp;
            } else if (resource.type != QLatin1String("websocket_payload") && resource.type != QLatin1String("environment")
                       && resource.type != QLatin1String("cookie_jar") && !resource.type.isEmpty()) {
                ++skippedOther;
                if (!otherKinds.contains(resource.type))
                    otherKinds.append(resource.type);
            }
        }
    };
    for (const Resource &resource : std::as_const(resources)) {
        if (resource.type == QLatin1String("workspace"))
            build(resource.id, &collection.items, 0);
    }
    if (skippedHttp > 0)
        import.unmapped.append(tr("%n HTTP request(s) left out: wsscope connects WebSockets.", nullptr, skippedHttp));
    if (skippedOther > 0)
        import.unmapped.append(tr("%n other resource(s) left out (%1).", nullptr, skippedOther)
                                   .arg(otherKinds.join(QStringLiteral(", "))));
    if (collection.profiles().isEmpty())
        import.unmapped.append(tr("The export holds no WebSocket request."));
    *result = import;
    return true;
}
