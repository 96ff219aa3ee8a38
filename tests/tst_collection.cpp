#include "i18n/englishplurals.h"
#include "qtpeer.h"
#include "record/secrets.h"
#include "session/reconnector.h"
#include "session/session.h"
#include "workspace/collection.h"
#include "workspace/insomniaimport.h"
#include "workspace/resolvedrequest.h"
#include "workspace/variables.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkRequest>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>
#include <QWebSocket>
#include <QWebSocketServer>

class TestCollection : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void exampleFileRoundTripsByteForByte();
    void builtCollectionSavesAndReopensIdentically();
    void unknownFieldsSurviveARoundTrip();
    void damagedFileSaysWhereAndLoadsNothing_data();
    void damagedFileSaysWhereAndLoadsNothing();
    void secretsNeverReachTheFile();
    void profilesAreFoundByNameFolderOrId();
    void variablesResolveInOrder();
    void dynamicValues();
    void problemsNameTheFieldAndTheVariable();
    void resolvedRequestIsWhatTheServerReceives();
    void onOpenMessagesOnEveryConnectionInOrder();
    void failingOnOpenMessageIsLoggedAndNothingSent();
    void insomniaExportIsImportedWithTheRestListed();
    void secretValuesAreMaskedInAnyHeader();
    void treeIsEditedByPath();
    void profileUpdatedFromATabKeepsItsReferences();

private:
    static Variable var(const QString &name, const QString &value);
    static QByteArray readData(const QString &name);
    static Collection example();
};

Variable TestCollection::var(const QString &name, const QString &value)
{
    Variable variable;
    variable.name = name;
    variable.value = value;
    return variable;
}

QByteArray TestCollection::readData(const QString &name)
{
    QFile file(QStringLiteral(WSSCOPE_TEST_DATA "/") + name);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read test data %s", qPrintable(name));
    return file.readAll();
}

Collection TestCollection::example()
{
    Collection collection;
    QString error;
    if (!Collection::read(readData(QStringLiteral("collection-example.json")), &collection, &error))
        qFatal("the example collection does not load: %s", qPrintable(error));
    return collection;
}

void TestCollection::exampleFileRoundTripsByteForByte()
{
    const QByteArray original = readData(QStringLiteral("collection-example.json"));
    Collection collection;
    QString error;
    QVERIFY2(Collection::read(original, &collection, &error), qPrintable(error));
    QCOMPARE(collection.name, QStringLiteral("Team endpoints"));
    QCOMPARE(collection.environments.size(), 2);
    QCOMPARE(collection.profiles().size(), 2);
    QCOMPARE(collection.profiles().at(0).folder, QStringLiteral("Market data"));
    const Profile *ticker = collection.profiles().at(0).profile;
    QCOMPARE(ticker->messages.size(), 3);
    QCOMPARE(ticker->messages.at(2).kind, SavedMessage::Kind::Hex);
    QCOMPARE(ticker->request.auth, ProfileRequest::Auth::Bearer);
    QCOMPARE(ticker->request.authSecretReference, QStringLiteral("{{token}}"));
    QCOMPARE(ticker->request.pingIntervalMs, 20000);
    QVERIFY(ticker->request.reconnect);
    QCOMPARE(collection.toJson(), original);
}

void TestCollection::builtCollectionSavesAndReopensIdentically()
{
    Collection collection;
    collection.id = Collection::newId();
    collection.name = QStringLiteral("Built ✓ 中文");
    collection.variables = {var(QStringLiteral("zeta"), QStringLiteral("1")), var(QStringLiteral("alpha"), QStringLiteral("2"))};
    CollectionItem folder;
    folder.type = CollectionItem::Type::Folder;
    folder.name = QStringLiteral("Folder");
    CollectionItem item;
    item.profile.id = Collection::newId();
    item.profile.name = QStringLiteral("P");
    item.profile.url = QStringLiteral("ws://127.0.0.1:1/{{zeta}}");
    item.profile.request.headers = {{QStringLiteral("X-A"), QStringLiteral("{{alpha}}"), true}};
    item.profile.request.origin = QStringLiteral("http://example.test");
    item.profile.request.maxMessageBytes = 64 << 20;
    SavedMessage message;
    message.id = Collection::newId();
    message.name = QStringLiteral("empty");
    item.profile.messages = {message};
    folder.items = {item};
    collection.items = {folder};

    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("team.json"));
    QString error;
    QVERIFY2(collection.writeFile(path, &error), qPrintable(error));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray saved = file.readAll();
    // Readable for a diff in git: one key per line, in a fixed order.
    QVERIFY(saved.startsWith("{\n    \""));
    QVERIFY(saved.endsWith("}\n"));
    QVERIFY(saved.indexOf("\"format\": \"wsscope-collection\"") > 0);
    QVERIFY(saved.indexOf("\"version\": 1") > 0);
    QVERIFY(saved.indexOf("\"environments\"") < 0);   // defaults and empty lists are left out
    // The variables keep the order the user gave them.
    QVERIFY(saved.indexOf("\"zeta\"") < saved.indexOf("\"alpha\""));

    Collection reopened;
    QVERIFY2(Collection::readFile(path, &reopened, &error), qPrintable(error));
    QCOMPARE(reopened.toJson(), saved);
    QCOMPARE(reopened.name, collection.name);
    QCOMPARE(reopened.profiles().at(0).profile->request.maxMessageBytes, qint64(64) << 20);
    QCOMPARE(reopened.profiles().at(0).profile->messages.at(0).body, QString());
}

void TestCollection::unknownFieldsSurviveARoundTrip()
{
    QJsonObject root = QJsonDocument::fromJson(readData(QStringLiteral("collection-example.json"))).object();
    root.insert(QStringLiteral("sharedBy"), QStringLiteral("a newer wsscope"));
    QJsonArray environments = root.value(QStringLiteral("environments")).toArray();
    QJsonObject local = environments.at(0).toObject();
    local.insert(QStringLiteral("color"), QStringLiteral("#22aa22"));
    QJsonArray localVariables = local.value(QStringLiteral("variables")).toArray();
    QJsonObject host = localVariables.at(0).toObject();
    host.insert(QStringLiteral("description"), QStringLiteral("where the dev server runs"));
    localVariables[0] = host;
    local.insert(QStringLiteral("variables"), localVariables);
    environments[0] = local;
    root.insert(QStringLiteral("environments"), environments);
    QJsonArray items = root.value(QStringLiteral("items")).toArray();
    QJsonObject folder = items.at(0).toObject();
    folder.insert(QStringLiteral("collapsed"), true);
    QJsonArray inner = folder.value(QStringLiteral("items")).toArray();
    QJsonObject ticker = inner.at(0).toObject();
    ticker.insert(QStringLiteral("notes"), QJsonArray{1, 2, 3});
    QJsonObject request = ticker.value(QStringLiteral("request")).toObject();
    request.insert(QStringLiteral("compression"), QStringLiteral("permessage-deflate"));
    QJsonObject auth = request.value(QStringLiteral("auth")).toObject();
    auth.insert(QStringLiteral("scope"), QStringLiteral("read"));
    request.insert(QStringLiteral("auth"), auth);
    QJsonObject connection = request.value(QStringLiteral("connection")).toObject();
    connection.insert(QStringLiteral("tcpNoDelay"), false);
    request.insert(QStringLiteral("connection"), connection);
    ticker.insert(QStringLiteral("request"), request);
    QJsonArray messages = ticker.value(QStringLiteral("messages")).toArray();
    QJsonObject first = messages.at(0).toObject();
    first.insert(QStringLiteral("delayMs"), 250);
    messages[0] = first;
    ticker.insert(QStringLiteral("messages"), messages);
    inner[0] = ticker;
    folder.insert(QStringLiteral("items"), inner);
    items[0] = folder;
    root.insert(QStringLiteral("items"), items);
    const QByteArray withUnknown = QJsonDocument(root).toJson(QJsonDocument::Indented);

    Collection collection;
    QString error;
    QVERIFY2(Collection::read(withUnknown, &collection, &error), qPrintable(error));
    // What wsscope knows is read as usual...
    QCOMPARE(collection.profiles().at(0).profile->request.auth, ProfileRequest::Auth::Bearer);
    // ...and what it does not know is written back where it was.
    QCOMPARE(collection.toJson(), withUnknown);
}

void TestCollection::damagedFileSaysWhereAndLoadsNothing_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("where");

    const QByteArray good = readData(QStringLiteral("collection-example.json"));
    QByteArray cut = good.left(good.indexOf("\"kind\": \"hex\""));
    QTest::newRow("cut off") << cut << QStringLiteral("line");
    QByteArray comma = good;
    comma.replace("\"name\": \"Echo\",", "\"name\": \"Echo\",,");
    QTest::newRow("stray comma") << comma << QStringLiteral("line 97, column");
    QTest::newRow("not an object") << QByteArray("[1, 2]") << QStringLiteral("object");
    QByteArray otherFormat = good;
    otherFormat.replace("\"wsscope-collection\"", "\"postman-collection\"");
    QTest::newRow("another format") << otherFormat << QStringLiteral("wsscope-collection");
    QByteArray newer = good;
    newer.replace("\"version\": 1", "\"version\": 2");
    QTest::newRow("newer version") << newer << QStringLiteral("2");
    QByteArray kind = good;
    kind.replace("\"kind\": \"hex\"", "\"kind\": \"video\"");
    QTest::newRow("unknown message kind") << kind << QStringLiteral("items[0].items[0].messages[2].kind");
    QByteArray type = good;
    type.replace("\"type\": \"folder\"", "\"type\": \"shelf\"");
    QTest::newRow("unknown item type") << type << QStringLiteral("items[0].type");
    QByteArray variable = good;
    variable.replace("\"name\": \"channel\"", "\"name\": \"chan nel\"");
    QTest::newRow("bad variable name") << variable << QStringLiteral("variables[0].name");
    QByteArray number = good;
    number.replace("\"pingIntervalMs\": 20000", "\"pingIntervalMs\": \"often\"");
    QTest::newRow("text for a number") << number
                                       << QStringLiteral("items[0].items[0].request.connection.pingIntervalMs");
}

void TestCollection::damagedFileSaysWhereAndLoadsNothing()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, where);

    Collection collection = example();
    const QByteArray before = collection.toJson();
    QString error;
    QVERIFY(!Collection::read(json, &collection, &error));
    QVERIFY2(error.contains(where), qPrintable(error));
    // Nothing was loaded half-way: the collection is as it was.
    QCOMPARE(collection.toJson(), before);
}

void TestCollection::secretsNeverReachTheFile()
{
    const QString token = QStringLiteral("tok-7f3a9c-SECRET");
    const QString proxyPassword = QStringLiteral("proxy-pw-8812");
    const QString variableSecret = QStringLiteral("var-secret-5521");

    // What the request editor holds after the user typed a token, a proxy
    // with a password and a key passphrase.
    QVariantMap state;
    state.insert(QStringLiteral("authKind"), 2);
    state.insert(QStringLiteral("authSecret"), token);
    state.insert(QStringLiteral("proxy"), QStringLiteral("http://alice:%1@127.0.0.1:3128").arg(proxyPassword));
    state.insert(QStringLiteral("passphrase"), QStringLiteral("key-pass-1177"));
    state.insert(QStringLiteral("headers"), QVariantList{QVariant(QVariantList{true, QStringLiteral("X-A"),
                                                                                QStringLiteral("1")})});

    Collection collection;
    collection.id = Collection::newId();
    collection.name = QStringLiteral("Secrets");
    Variable secret = var(QStringLiteral("apiKey"), variableSecret);
    secret.secret = true;
    collection.variables = {secret};
    Environment staging{Collection::newId(), QStringLiteral("staging"), {secret}, {}};
    collection.environments = {staging};
    CollectionItem item;
    item.profile.id = Collection::newId();
    item.profile.name = QStringLiteral("typed");
    item.profile.url = QStringLiteral("ws://127.0.0.1:1/");
    item.profile.request = ProfileRequest::fromEditorState(state);
    CollectionItem referencing = item;
    referencing.profile.id = Collection::newId();
    referencing.profile.name = QStringLiteral("referencing");
    state.insert(QStringLiteral("authSecret"), QStringLiteral("{{apiKey}}"));
    referencing.profile.request = ProfileRequest::fromEditorState(state);
    collection.items = {item, referencing};

    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("secrets.json"));
    QString error;
    QVERIFY2(collection.writeFile(path, &error), qPrintable(error));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray saved = file.readAll();
    for (const QString &secretText : {token, proxyPassword, variableSecret, QStringLiteral("key-pass-1177")})
        QVERIFY2(!saved.contains(secretText.toUtf8()), qPrintable(secretText));
    // What is not secret is kept: the user name of the proxy, the
    // reference to the variable, and that the variable is a secret.
    QVERIFY(saved.contains("http://alice@127.0.0.1:3128"));
    QVERIFY(saved.contains("\"secret\": \"{{apiKey}}\""));
    QVERIFY(saved.contains("\"secret\": true"));

    Collection reopened;
    QVERIFY2(Collection::readFile(path, &reopened, &error), qPrintable(error));
    QVERIFY(reopened.variables.at(0).secret);
    QVERIFY(reopened.variables.at(0).value.isEmpty());
}

void TestCollection::profilesAreFoundByNameFolderOrId()
{
    Collection collection = example();
    CollectionItem twin;
    twin.profile.id = Collection::newId();
    twin.profile.name = QStringLiteral("Ticker");
    twin.profile.url = QStringLiteral("ws://127.0.0.1:1/");
    CollectionItem archive;
    archive.type = CollectionItem::Type::Folder;
    archive.name = QStringLiteral("Archive");
    archive.items = {twin};
    collection.items.append(archive);

    QString error;
    QVERIFY(!collection.findProfile(QStringLiteral("Ticker"), &error));
    QVERIFY2(error.contains(QStringLiteral("Market data/Ticker")), qPrintable(error));
    const Profile *inFolder = collection.findProfile(QStringLiteral("Market data/Ticker"), &error);
    QVERIFY2(inFolder, qPrintable(error));
    QCOMPARE(inFolder->id, QStringLiteral("c4b8e0d2-1a3f-4e57-9c6b-2d0f8a1e7b44"));
    QCOMPARE(collection.findProfile(twin.profile.id, &error)->id, twin.profile.id);
    QVERIFY(collection.findProfile(QStringLiteral("Echo"), &error));
    QVERIFY(!collection.findProfile(QStringLiteral("echo"), &error));   // names are exact, as in a script
    QVERIFY2(error.contains(QStringLiteral("Echo")), qPrintable(error));   // the choices are listed
    QVERIFY(collection.findEnvironment(QStringLiteral("staging")));
    QVERIFY(!collection.findEnvironment(QStringLiteral("production")));
}

void TestCollection::variablesResolveInOrder()
{
    const Collection collection = example();
    const Environment *local = collection.findEnvironment(QStringLiteral("local"));
    QVERIFY(local);
    QList<VariableScope::Problem> problems;
    const QString url = QStringLiteral("{{scheme}}://{{host}}/{{channel}}");

    // The collection's defaults alone...
    QCOMPARE(collection.scope(nullptr).resolve(url, QStringLiteral("URL"), &problems),
             QStringLiteral("wss://localhost:8080/prices"));
    // ...an environment overrides them where it defines a name...
    QCOMPARE(collection.scope(local).resolve(url, QStringLiteral("URL"), &problems),
             QStringLiteral("ws://127.0.0.1:8080/prices"));
    // ...and a value given on the command line overrides both.
    const QList<Variable> overrides{var(QStringLiteral("host"), QStringLiteral("10.0.0.7:81")),
                                    var(QStringLiteral("channel"), QStringLiteral("{{scheme}}-feed"))};
    QCOMPARE(collection.scope(local, overrides).resolve(url, QStringLiteral("URL"), &problems),
             QStringLiteral("ws://10.0.0.7:81/ws-feed"));
    QVERIFY(problems.isEmpty());

    // A disabled variable is as good as absent.
    Collection disabled = collection;
    disabled.environments[0].variables[1].enabled = false;   // local's scheme
    QCOMPARE(disabled.scope(disabled.findEnvironment(QStringLiteral("local")))
                 .resolve(url, QStringLiteral("URL"), &problems),
             QStringLiteral("wss://127.0.0.1:8080/prices"));
    // Text that only looks like a reference is left as it is.
    QCOMPARE(collection.scope(local).resolve(QStringLiteral("{ {host}} {{ }} {{host"), QStringLiteral("x"), &problems),
             QStringLiteral("{ {host}} {{ }} {{host"));
    QVERIFY(problems.isEmpty());
}

void TestCollection::dynamicValues()
{
    const VariableScope scope;
    QList<VariableScope::Problem> problems;
    const qint64 before = QDateTime::currentSecsSinceEpoch();
    const QString timestamp = scope.resolve(QStringLiteral("{{$timestamp}}"), QStringLiteral("t"), &problems);
    const qint64 after = QDateTime::currentSecsSinceEpoch();
    QVERIFY(QRegularExpression(QStringLiteral("^\\d{10}$")).match(timestamp).hasMatch());
    QVERIFY(timestamp.toLongLong() >= before && timestamp.toLongLong() <= after);

    const QString iso = scope.resolve(QStringLiteral("{{$isoTimestamp}}"), QStringLiteral("t"), &problems);
    QVERIFY2(QRegularExpression(QStringLiteral("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z$"))
                 .match(iso).hasMatch(), qPrintable(iso));
    QVERIFY(qAbs(QDateTime::fromString(iso, Qt::ISODateWithMs).toSecsSinceEpoch() - before) <= 2);

    const QString twoUuids = scope.resolve(QStringLiteral("{{$randomUUID}} {{$randomUUID}}"), QStringLiteral("u"),
                                           &problems);
    const QStringList uuids = twoUuids.split(u' ');
    QCOMPARE(uuids.size(), 2);
    QCOMPARE(QUuid::fromString(uuids.at(0)).version(), QUuid::Random);
    QVERIFY(uuids.at(0) != uuids.at(1));   // each reference is a value of its own

    bool varied = false;
    QString first;
    for (int i = 0; i < 50; ++i) {
        bool ok = false;
        const QString value = scope.resolve(QStringLiteral("{{$randomInt}}"), QStringLiteral("i"), &problems);
        const int n = value.toInt(&ok);
        QVERIFY(ok && n >= 0 && n <= 1000);
        varied |= i > 0 && value != first;
        if (i == 0)
            first = value;
    }
    QVERIFY(varied);
    QVERIFY(problems.isEmpty());

    // A dynamic value inside a variable's value is made when it is used.
    VariableScope nested;
    nested.addLayer({var(QStringLiteral("nonce"), QStringLiteral("n-{{$randomInt}}"))});
    QVERIFY(QRegularExpression(QStringLiteral("^n-\\d+$"))
                .match(nested.resolve(QStringLiteral("{{nonce}}"), QStringLiteral("n"), &problems))
                .hasMatch());
}

void TestCollection::problemsNameTheFieldAndTheVariable()
{
    Collection collection = example();
    const Environment *staging = collection.findEnvironment(QStringLiteral("staging"));
    const Profile *ticker = collection.findProfile(QStringLiteral("Ticker"), nullptr);
    QVERIFY(staging && ticker);

    // staging's token is a secret without a value in the file.
    ResolvedRequest resolved = ResolvedRequest::resolve(*ticker, {}, collection.scope(staging));
    QVERIFY(!resolved.ok());
    QCOMPARE(resolved.problems.size(), 1);
    QCOMPARE(resolved.problems.at(0).name, QStringLiteral("token"));
    QCOMPARE(resolved.problems.at(0).field, QStringLiteral("Auth token"));
    QVERIFY2(resolved.problemText().contains(QStringLiteral("--var")), qPrintable(resolved.problemText()));

    // An undefined name, in the URL and in a header.
    Profile broken = *ticker;
    broken.url = QStringLiteral("ws://{{hots}}/x");
    broken.request.headers[0].value = QStringLiteral("{{client}}");
    resolved = ResolvedRequest::resolve(broken, {}, collection.scope(staging, {var(QStringLiteral("token"),
                                                                                    QStringLiteral("t"))}));
    QCOMPARE(resolved.problems.size(), 2);
    QCOMPARE(resolved.problems.at(0).field, QStringLiteral("URL"));
    QCOMPARE(resolved.problems.at(0).name, QStringLiteral("hots"));
    QCOMPARE(resolved.problems.at(1).field, QStringLiteral("Header 1 (X-Client) value"));
    QCOMPARE(resolved.problems.at(1).message(), QStringLiteral("Header 1 (X-Client) value: {{client}} is not defined"));
    QVERIFY(resolved.url.isEmpty());   // nothing half-resolved to connect to

    // A loop, and a dynamic name that does not exist.
    VariableScope loop;
    loop.addLayer({var(QStringLiteral("a"), QStringLiteral("x{{b}}")), var(QStringLiteral("b"), QStringLiteral("{{a}}"))});
    QList<VariableScope::Problem> problems;
    loop.resolve(QStringLiteral("{{a}}"), QStringLiteral("Origin"), &problems);
    QVERIFY(!problems.isEmpty());
    QCOMPARE(problems.at(0).field, QStringLiteral("Origin"));
    QVERIFY2(problems.at(0).message().contains(QStringLiteral("itself")), qPrintable(problems.at(0).message()));
    problems.clear();
    loop.resolve(QStringLiteral("{{$now}}"), QStringLiteral("Origin"), &problems);
    QCOMPARE(problems.size(), 1);
    QVERIFY(problems.at(0).message().contains(QStringLiteral("$randomUUID")));

    // A saved message with an undefined name is not sent at all.
    SavedMessage message;
    message.name = QStringLiteral("hello");
    message.body = QStringLiteral("hi {{who}}");
    SavedMessage::Frame frame;
    QString error;
    QVERIFY(!message.frame(VariableScope(), &frame, &error));
    QCOMPARE(error, QStringLiteral("Message \"hello\": {{who}} is not defined"));
    message.kind = SavedMessage::Kind::Hex;
    message.body = QStringLiteral("01 0g");
    QVERIFY(!message.frame(VariableScope(), &frame, &error));
    QVERIFY2(error.startsWith(QStringLiteral("Message \"hello\": ")), qPrintable(error));
}

void TestCollection::resolvedRequestIsWhatTheServerReceives()
{
    QtPeer server;
    QVERIFY(server.isListening());
    Collection collection = example();
    const Environment *staging = collection.findEnvironment(QStringLiteral("staging"));
    const QList<Variable> overrides{var(QStringLiteral("host"), server.url().authority()),
                                    var(QStringLiteral("scheme"), QStringLiteral("ws")),
                                    var(QStringLiteral("token"), QStringLiteral("tok-42"))};
    const VariableScope scope = collection.scope(staging, overrides);
    Profile ticker = *collection.findProfile(QStringLiteral("Ticker"), nullptr);
    ticker.request.origin = QStringLiteral("http://{{host}}");
    const ResolvedRequest resolved = ResolvedRequest::resolve(ticker, {}, scope);
    QVERIFY2(resolved.ok(), qPrintable(resolved.problemText()));

    const QString preview = resolved.preview(scope, false);
    const QString expectedUrl = QStringLiteral("ws://%1/ticker?symbols=EURUSD").arg(server.url().authority());
    QCOMPARE(preview, QStringLiteral("GET %1\nX-Client: wsscope\nAuthorization: Bearer tok-42\n"
                                     "Sec-WebSocket-Protocol: ticker.v1\nOrigin: http://%2\n")
                          .arg(expectedUrl, server.url().authority()));
    // Masked, neither the header nor the secret variable shows the token.
    const QString masked = resolved.preview(scope, true);
    QVERIFY2(!masked.contains(QStringLiteral("tok-42")) && masked.contains(QStringLiteral("Authorization: *")),
             qPrintable(masked));

    Session session;
    resolved.configure(&session);
    QVERIFY(session.open(resolved.url));
    QTRY_VERIFY(server.peer());
    const QNetworkRequest received = server.peer()->request();
    QCOMPARE(received.url().toString(QUrl::FullyEncoded), expectedUrl);
    QCOMPARE(received.rawHeader("X-Client"), QByteArray("wsscope"));
    QCOMPARE(received.rawHeader("Authorization"), QByteArray("Bearer tok-42"));
    QVERIFY(!received.hasRawHeader("X-Debug"));   // switched off in the profile
    QCOMPARE(received.rawHeader("Origin"), QStringLiteral("http://%1").arg(server.url().authority()).toLatin1());
    QCOMPARE(received.rawHeader("Sec-WebSocket-Protocol"), QByteArray("ticker.v1"));
    QCOMPARE(session.pingInterval(), 20000);
    session.abort();
}

void TestCollection::onOpenMessagesOnEveryConnectionInOrder()
{
    // The server's side hears every message from the first byte on: the
    // handlers are attached as each client arrives.
    QWebSocketServer server(QStringLiteral("subscriptions"), QWebSocketServer::NonSecureMode);
    QVERIFY(server.listen(QHostAddress::LocalHost));
    QStringList received;
    QPointer<QWebSocket> current;
    int clients = 0;
    connect(&server, &QWebSocketServer::newConnection, this, [&] {
        while (QWebSocket *socket = server.nextPendingConnection()) {
            socket->setParent(&server);
            current = socket;
            ++clients;
            connect(socket, &QWebSocket::textMessageReceived, this, [&](const QString &text) { received.append(text); });
            connect(socket, &QWebSocket::binaryMessageReceived, this,
                    [&](const QByteArray &data) { received.append(QString::fromLatin1(data.toHex())); });
        }
    });

    Collection collection = example();
    const VariableScope scope = collection.scope(nullptr);
    Profile ticker = *collection.findProfile(QStringLiteral("Ticker"), nullptr);
    ticker.messages[1].onOpen = true;   // ping, with a timestamp made for each connection
    ticker.messages[2].onOpen = true;   // raw bytes, binary

    Session session;
    session.setOpenMessages([&](QList<Session::Outgoing> *messages, QString *error) {
        QList<SavedMessage::Frame> frames;
        if (!ResolvedRequest::onOpenFrames(ticker, scope, &frames, error))
            return false;
        for (const SavedMessage::Frame &frame : std::as_const(frames))
            messages->append({frame.binary, frame.data});
        return true;
    });
    // What a script would send once it hears the connection is open.
    connect(&session, &Session::stateChanged, this, [&](Session::State state) {
        if (state == Session::State::Open)
            session.sendText(QStringLiteral("from the script"));
    });
    Reconnector reconnector(&session, {3, 50, 200, 60000});

    QVERIFY(session.open(server.serverUrl()));
    QTRY_COMPARE(received.size(), 4);
    QCOMPARE(received.at(0), QStringLiteral("{\"op\": \"subscribe\", \"channel\": \"prices\"}"));
    QVERIFY2(QRegularExpression(QStringLiteral("^\\{\"op\": \"ping\", \"at\": \\d{10}\\}$"))
                 .match(received.at(1)).hasMatch(), qPrintable(received.at(1)));
    QCOMPARE(received.at(2), QStringLiteral("0102ff"));
    QCOMPARE(received.at(3), QStringLiteral("from the script"));

    // The server drops the connection; the reconnect subscribes again, in
    // the same order, before the script's own message.
    current->abort();
    QTRY_COMPARE_WITH_TIMEOUT(clients, 2, 10000);
    QTRY_COMPARE(received.size(), 8);
    QCOMPARE(received.at(4), received.at(0));
    QVERIFY(received.at(5).startsWith(QStringLiteral("{\"op\": \"ping\"")));
    QCOMPARE(received.at(6), QStringLiteral("0102ff"));
    QCOMPARE(received.at(7), QStringLiteral("from the script"));
    QCOMPARE(session.connections().size(), 2);

    // The log shows them as sent, like any message.
    int sentText = 0;
    for (int i = 0; i < session.log()->count(); ++i)
        sentText += session.log()->at(i).direction == MessageLog::Direction::Sent
            && session.log()->at(i).kind == MessageLog::Kind::Text;
    QCOMPARE(sentText, 6);
    reconnector.cancel();
    session.close(1000, QString());
    QTRY_COMPARE(session.state(), Session::State::Closed);
}

void TestCollection::failingOnOpenMessageIsLoggedAndNothingSent()
{
    QtPeer server;
    Profile profile;
    SavedMessage good;
    good.name = QStringLiteral("good");
    good.body = QStringLiteral("fine");
    good.onOpen = true;
    SavedMessage bad = good;
    bad.name = QStringLiteral("bad");
    bad.body = QStringLiteral("{{missing}}");
    profile.messages = {good, bad};

    Session session;
    session.setOpenMessages([&](QList<Session::Outgoing> *messages, QString *error) {
        QList<SavedMessage::Frame> frames;
        if (!ResolvedRequest::onOpenFrames(profile, VariableScope(), &frames, error))
            return false;
        for (const SavedMessage::Frame &frame : std::as_const(frames))
            messages->append({frame.binary, frame.data});
        return true;
    });
    QVERIFY(session.open(server.url()));
    QTRY_COMPARE(session.state(), Session::State::Open);
    QString errorRow;
    for (int i = 0; i < session.log()->count(); ++i) {
        if (session.log()->at(i).kind == MessageLog::Kind::Error)
            errorRow = QString::fromUtf8(session.log()->data(i));
        QVERIFY(session.log()->at(i).direction != MessageLog::Direction::Sent
                || session.log()->at(i).kind != MessageLog::Kind::Text);
    }
    QVERIFY2(errorRow.contains(QStringLiteral("Message \"bad\": {{missing}} is not defined")), qPrintable(errorRow));
    session.abort();
}

void TestCollection::insomniaExportIsImportedWithTheRestListed()
{
    EnglishPlurals plurals;
    QCoreApplication::installTranslator(&plurals);
    const QByteArray json = readData(QStringLiteral("insomnia-export.json"));
    QVERIFY(InsomniaImport::isInsomniaExport(json));
    QVERIFY(!InsomniaImport::isInsomniaExport(readData(QStringLiteral("collection-example.json"))));
    InsomniaImport import;
    QString error;
    QVERIFY2(InsomniaImport::read(json, &import, &error), qPrintable(error));
    const Collection &collection = import.collection;
    QCOMPARE(collection.name, QStringLiteral("Trading API"));

    // The base environment gives the defaults, nested data as dotted names.
    QCOMPARE(collection.variables.size(), 2);
    QCOMPARE(collection.variables.at(0).name, QStringLiteral("base_url"));
    QCOMPARE(collection.variables.at(1).name, QStringLiteral("api.version"));
    QCOMPARE(collection.environments.size(), 2);
    QCOMPARE(collection.environments.at(0).name, QStringLiteral("Development"));
    const Environment *keys = collection.findEnvironment(QStringLiteral("My keys"));
    QVERIFY(keys);
    QVERIFY(keys->variables.at(0).secret);   // a private environment's values are secrets
    QCOMPARE(keys->variables.at(0).value, QStringLiteral("tok-1234"));

    // Folders, and the requests in Insomnia's order.
    const QList<Collection::Found> profiles = collection.profiles();
    QCOMPARE(profiles.size(), 2);
    QCOMPARE(profiles.at(0).folder, QStringLiteral("Streams"));
    const Profile &quotes = *profiles.at(0).profile;
    QCOMPARE(quotes.name, QStringLiteral("Quotes"));
    QCOMPARE(quotes.url, QStringLiteral("{{base_url}}/{{api.version}}/quotes?symbols=EURUSD"));
    QCOMPARE(quotes.request.queryLeftOut.size(), 1);
    QCOMPARE(quotes.request.queryLeftOut.at(0).name, QStringLiteral("depth"));
    QCOMPARE(quotes.request.headers.size(), 2);
    QVERIFY(!quotes.request.headers.at(1).enabled);
    QCOMPARE(quotes.request.auth, ProfileRequest::Auth::Bearer);
    // The token names a variable: a reference the collection keeps, not a secret.
    QCOMPARE(quotes.request.authSecretReference, QStringLiteral("{{token}}"));
    QVERIFY(!import.secrets.contains(quotes.id));
    QCOMPARE(quotes.messages.size(), 1);
    QCOMPARE(quotes.messages.at(0).kind, SavedMessage::Kind::Json);
    QVERIFY(quotes.messages.at(0).onOpen);
    QCOMPARE(quotes.messages.at(0).body, QStringLiteral("{\"subscribe\": \"quotes\", \"nonce\": \"{{$randomUUID}}\"}"));

    // It resolves and connects like a profile of wsscope's own.
    const VariableScope scope = collection.scope(keys);
    const ResolvedRequest resolved = ResolvedRequest::resolve(quotes, import.secrets.value(quotes.id), scope);
    QVERIFY2(resolved.ok(), qPrintable(resolved.problemText()));
    QCOMPARE(resolved.url.toString(), QStringLiteral("ws://127.0.0.1:9000/v2/quotes?symbols=EURUSD"));
    QCOMPARE(resolved.headers.last(), Session::Header("Authorization", "Bearer tok-1234"));

    // What could not be taken over is listed, one line each.
    const QString unmapped = import.unmapped.join(u'\n');
    QVERIFY2(unmapped.contains(QStringLiteral("Request \"Status\": the authentication \"oauth2\"")),
             qPrintable(unmapped));
    QVERIFY2(unmapped.contains(QStringLiteral("the template tag {% response")), qPrintable(unmapped));
    QVERIFY2(unmapped.contains(QStringLiteral("became {{response}}")), qPrintable(unmapped));
    QVERIFY2(unmapped.contains(QStringLiteral("the filter in {{ _.user | upper }}")), qPrintable(unmapped));
    QVERIFY2(unmapped.contains(QStringLiteral("1 HTTP request left out")), qPrintable(unmapped));
    QVERIFY2(unmapped.contains(QStringLiteral("1 other resource left out (grpc_request)")), qPrintable(unmapped));
    QVERIFY2(!unmapped.contains(QStringLiteral("cookie")), qPrintable(unmapped));
    QCOMPARE(import.unmapped.size(), 5);

    // Saved as a wsscope collection, the private token stays out of the file.
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("imported.json"));
    QVERIFY2(collection.writeFile(path, &error), qPrintable(error));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QVERIFY(!file.readAll().contains("tok-1234"));

    // Not an export, and a format wsscope does not read.
    QVERIFY(!InsomniaImport::read("{\"_type\": \"export\", \"__export_format\": 3, \"resources\": []}", &import,
                                  &error));
    QVERIFY2(error.contains(QStringLiteral("format 3")), qPrintable(error));
    QVERIFY(!InsomniaImport::read("{\"_type\": \"export\", \"__export_format\": 4, \"resources\": []}", &import,
                                  &error));
    QVERIFY2(error.contains(QStringLiteral("no workspace")), qPrintable(error));
}

void TestCollection::secretValuesAreMaskedInAnyHeader()
{
    // Too short, and a repeat: left out; a value with a space also in its percent-encoded form.
    const QList<QByteArray> values = Secrets::valueForms(
        {QStringLiteral("sk-7f3a"), QStringLiteral("abc"), QStringLiteral("sk-7f3a"), QStringLiteral("a b\u00e9c")});
    QCOMPARE(values, (QList<QByteArray>{"a%20b%C3%A9c", "sk-7f3a", "a b\xc3\xa9" "c", "a b\xe9" "c"}));
    const QList<HandshakeInfo::Header> headers{{"X-Api-Key", "key=sk-7f3a;again=sk-7f3a"}, {"X-Other", "abc"},
                                               {"Authorization", "Bearer t"}};
    const QList<HandshakeInfo::Header> masked = Secrets::masked(headers, values);
    QCOMPARE(masked.at(0).second, QByteArray("key=*******;again=*******"));
    QCOMPARE(masked.at(1).second, QByteArray("abc"));
    QCOMPARE(masked.at(2).second, QByteArray("********"));
    const QByteArray head = "GET /?k=sk-7f3a HTTP/1.1\r\nX-Api-Key: sk-7f3a\r\nHost: h\r\n\r\n";
    const QByteArray maskedHead = Secrets::maskedHead(head, values);
    QCOMPARE(maskedHead.size(), head.size());   // offsets in a byte stream stay
    // In the request line too (a secret in the query), the method and version kept.
    QCOMPARE(maskedHead, QByteArray("GET /?k=******* HTTP/1.1\r\nX-Api-Key: *******\r\nHost: h\r\n\r\n"));
    QCOMPARE(Secrets::maskedPayload("{\"t\": \"sk-7f3a\"}", values), QByteArray("{\"t\": \"*******\"}"));
    QCOMPARE(Secrets::maskedText(QStringLiteral("ws://h/?k=sk-7f3a"), values), QStringLiteral("ws://h/?k=*******"));
    // Values belong to the session being saved: another one's are not hidden.
    QCOMPARE(Secrets::masked(headers, {}).at(0).second, headers.at(0).second);
    QCOMPARE(Secrets::masked(headers, {}).at(2).second, QByteArray("********"));
}

void TestCollection::treeIsEditedByPath()
{
    Collection collection = example();
    const QString ticker = QStringLiteral("c4b8e0d2-1a3f-4e57-9c6b-2d0f8a1e7b44");
    const QString echo = QStringLiteral("d5a4b3c2-8b7c-4d6f-9a5b-4c3d2e1f0a88");
    QCOMPARE(collection.pathOfProfile(ticker), (Collection::Path{0, 0}));
    QCOMPARE(collection.pathOfProfile(echo), (Collection::Path{1}));
    QVERIFY(collection.pathOfProfile(QStringLiteral("nope")).isEmpty());
    QVERIFY(!collection.item({5}));
    QVERIFY(!collection.item({1, 0}));        // a profile has no items
    QVERIFY(!collection.itemsOf({1}));

    // Into the folder, before the ticker; then back to the top, at the end.
    Collection::Path moved;
    QVERIFY(collection.move({1}, {0}, 0, &moved));
    QCOMPARE(moved, (Collection::Path{0, 0}));
    QCOMPARE(collection.pathOfProfile(echo), (Collection::Path{0, 0}));
    QCOMPARE(collection.pathOfProfile(ticker), (Collection::Path{0, 1}));
    QCOMPARE(collection.items.size(), 1);
    QVERIFY(collection.move({0, 0}, {}, -1, &moved));
    QCOMPARE(moved, (Collection::Path{1}));
    // Down one place in its own folder: the row it is asked for counts the item itself.
    QVERIFY(collection.move({0}, {}, 2, &moved));
    QCOMPARE(moved, (Collection::Path{1}));
    QCOMPARE(collection.items.at(0).profile.id, echo);
    QVERIFY(collection.move({1}, {}, 0, &moved));
    QCOMPARE(collection.items.at(0).type, CollectionItem::Type::Folder);
    // Not into itself, not past the end, not from nowhere.
    QVERIFY(!collection.move({0}, {0}, 0));
    QVERIFY(!collection.move({1}, {0}, 5));
    QVERIFY(!collection.move({7}, {}, 0));

    // A copy has ids of its own, for the profile and each message.
    Collection::Path copy;
    QVERIFY(collection.duplicate({0}, &copy));
    QCOMPARE(copy, (Collection::Path{1}));
    const CollectionItem &twin = *collection.item(copy);
    QCOMPARE(twin.name, QStringLiteral("Market data copy"));
    QCOMPARE(twin.items.size(), 1);
    QVERIFY(twin.items.at(0).profile.id != ticker);
    QCOMPARE(twin.items.at(0).profile.url, collection.item({0, 0})->profile.url);
    for (qsizetype i = 0; i < twin.items.at(0).profile.messages.size(); ++i)
        QVERIFY(twin.items.at(0).profile.messages.at(i).id != collection.item({0, 0})->profile.messages.at(i).id);
    QCOMPARE(collection.folders().size(), 2);
    QCOMPARE(collection.folders().at(1).second, QStringLiteral("Market data copy"));

    const QString twinProfile = twin.items.at(0).profile.id;
    QStringList removed;
    QVERIFY(collection.remove({1}, &removed));
    QCOMPARE(removed, QStringList{twinProfile});
    QVERIFY(collection.remove({0}, &removed));
    QCOMPARE(removed.last(), ticker);
    QVERIFY(!collection.remove({5}));
    // What is left still writes and reads back the same.
    Collection reread;
    QString error;
    QVERIFY2(Collection::read(collection.toJson(), &reread, &error), qPrintable(error));
    QCOMPARE(reread.toJson(), collection.toJson());
    QCOMPARE(reread.profiles().size(), 1);
}

void TestCollection::profileUpdatedFromATabKeepsItsReferences()
{
    Profile profile;
    profile.id = QStringLiteral("p");
    profile.name = QStringLiteral("Feed");
    profile.url = QStringLiteral("ws://{{host}}/feed?since={{$timestamp}}");
    profile.request.headers = {{QStringLiteral("X-Env"), QStringLiteral("{{env}}"), true},
                               {QStringLiteral("X-Trace"), QStringLiteral("t-{{$randomUUID}}"), true},
                               {QStringLiteral("X-Fixed"), QStringLiteral("one"), true}};
    profile.request.auth = ProfileRequest::Auth::Bearer;
    profile.request.authSecretReference = QStringLiteral("{{token}}");
    profile.request.origin = QStringLiteral("https://{{host}}");
    profile.request.unknown.insert(QStringLiteral("future"), 1);
    profile.request.closeCode = 4001;
    profile.request.closeReason = QStringLiteral("bye");
    VariableScope scope;
    scope.addLayer({var(QStringLiteral("host"), QStringLiteral("127.0.0.1:9000")),
                    var(QStringLiteral("env"), QStringLiteral("local")),
                    var(QStringLiteral("token"), QStringLiteral("tok-secret-1"))});
    QVERIFY(scope.resolvesTo(profile.url, QStringLiteral("ws://127.0.0.1:9000/feed?since=1764870000")));
    QVERIFY(!scope.resolvesTo(profile.url, QStringLiteral("ws://127.0.0.1:9001/feed?since=1")));
    QVERIFY(!scope.resolvesTo(QStringLiteral("{{undefined}}"), QStringLiteral("{{undefined}}")));

    // What the tab shows after opening the profile, left as it was (the
    // request tabs have no close code).
    QVariantMap state = profile.request.toEditorState();
    state.remove(QStringLiteral("closeCode"));
    state.remove(QStringLiteral("closeReason"));
    state.insert(QStringLiteral("headers"),
                 QVariantList{QVariant(QVariantList{true, QStringLiteral("X-Env"), QStringLiteral("local")}),
                              QVariant(QVariantList{true, QStringLiteral("X-Trace"),
                                                    QStringLiteral("t-0b6f8c1e-5d2a-4c8e-9f3b-7a1d2e3f4a5b")}),
                              QVariant(QVariantList{true, QStringLiteral("X-Fixed"), QStringLiteral("one")})});
    state.insert(QStringLiteral("authSecret"), QStringLiteral("tok-secret-1"));
    state.insert(QStringLiteral("origin"), QStringLiteral("https://127.0.0.1:9000"));
    const QString url = QStringLiteral("ws://127.0.0.1:9000/feed?since=1764870000");
    ProfileSecrets secrets;
    Profile same = profile.updated({}, scope, url, state, &secrets);
    QCOMPARE(same.url, profile.url);
    QCOMPARE(same.request.headers.at(0).value, QStringLiteral("{{env}}"));
    QCOMPARE(same.request.headers.at(1).value, QStringLiteral("t-{{$randomUUID}}"));
    QCOMPARE(same.request.authSecretReference, QStringLiteral("{{token}}"));
    QCOMPARE(same.request.origin, QStringLiteral("https://{{host}}"));
    QCOMPARE(same.request.unknown, profile.request.unknown);
    QCOMPARE(same.request.closeCode, 4001);   // not in the request tabs: kept
    QCOMPARE(same.request.closeReason, QStringLiteral("bye"));
    QVERIFY(secrets.authSecret.isEmpty());
    QVERIFY(same.request.unknown == profile.request.unknown);

    // Changed in the tab: a header's value, a new header, the port, a typed token.
    state.insert(QStringLiteral("headers"),
                 QVariantList{QVariant(QVariantList{true, QStringLiteral("X-Fixed"), QStringLiteral("one")}),
                              QVariant(QVariantList{false, QStringLiteral("X-Env"), QStringLiteral("local")}),
                              QVariant(QVariantList{true, QStringLiteral("X-New"), QStringLiteral("{{env}}-2")})});
    state.insert(QStringLiteral("authSecret"), QStringLiteral("typed-token-9"));
    Profile changed = profile.updated({}, scope, QStringLiteral("ws://127.0.0.1:9001/feed"), state, &secrets);
    QCOMPARE(changed.url, QStringLiteral("ws://127.0.0.1:9001/feed"));
    QCOMPARE(changed.request.headers.size(), 3);
    QCOMPARE(changed.request.headers.at(0).value, QStringLiteral("one"));
    QCOMPARE(changed.request.headers.at(1).value, QStringLiteral("{{env}}"));   // moved and switched off, still {{env}}
    QCOMPARE(changed.request.headers.at(1).enabled, false);
    QCOMPARE(changed.request.headers.at(2).value, QStringLiteral("{{env}}-2"));
    // The typed token goes to the keyring's share, never into the profile or its file.
    QVERIFY(changed.request.authSecretReference.isEmpty());
    QCOMPARE(secrets.authSecret, QStringLiteral("typed-token-9"));
    Collection collection;
    collection.id = QStringLiteral("c");
    CollectionItem item;
    item.profile = changed;
    collection.items.append(item);
    QVERIFY(!collection.toJson().contains("typed-token-9"));
    QVERIFY(!collection.toJson().contains("tok-secret-1"));
}

QTEST_GUILESS_MAIN(TestCollection)
#include "tst_collection.moc"
