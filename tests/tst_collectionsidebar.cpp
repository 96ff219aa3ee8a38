#include "collectionsidebar.h"
#include "connectionpane.h"
#include "mainwindow.h"
#include "record/journal.h"
#include "requesteditor.h"
#include "savedmessages.h"
#include "variablesdialog.h"
#include "server/echoserver.h"
#include "testfiles.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QFileInfo>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>
#include <QListWidget>
#include <QMenu>
#include <QTableWidget>

class TestCollectionSidebar : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void treeUnderTheModelTester();
    void previewFollowsTheEnvironment();
    void windowOpensProfilesAndSwitchesEnvironments();
    void importedExportIsNotWritten();
    void eachTabHidesTheSecretsItUsed();
    void treeIsEditedAndWrittenAtOnce();
    void tabSavedToItsProfileKeepsItsVariables();
    void newCollectionFromTheTab();
    void variablesAndEnvironmentsAreEdited();
    void editMenuLettersAreDistinct();

private:
    static Collection example();
    static QList<QByteArray> sentTexts(MainWindow *window);
    static bool writeFile(const QString &path, const QByteArray &bytes);
};

void TestCollectionSidebar::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("wsscope-tests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_collectionsidebar"));
}

void TestCollectionSidebar::init()
{
    TestFiles::clearRemembered();
}

Collection TestCollectionSidebar::example()
{
    Collection collection;
    QString error;
    if (!Collection::readFile(QStringLiteral(WSSCOPE_TEST_DATA "/collection-example.json"), &collection, &error))
        qFatal("%s", qPrintable(error));
    return collection;
}

bool TestCollectionSidebar::writeFile(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size();
}

QList<QByteArray> TestCollectionSidebar::sentTexts(MainWindow *window)
{
    return TestFiles::sentTexts(window->session()->log());
}

void TestCollectionSidebar::treeUnderTheModelTester()
{
    CollectionModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    Collection collection = example();
    // A folder in the folder, and an empty one.
    CollectionItem inner;
    inner.type = CollectionItem::Type::Folder;
    inner.name = QStringLiteral("Inner");
    CollectionItem deep;
    deep.profile.id = QStringLiteral("deep");
    deep.profile.name = QStringLiteral("Deep");
    deep.profile.url = QStringLiteral("ws://127.0.0.1:1/");
    inner.items = {deep};
    collection.items[0].items.append(inner);
    CollectionItem empty;
    empty.type = CollectionItem::Type::Folder;
    empty.name = QStringLiteral("Empty");
    collection.items.append(empty);
    model.setCollection(collection);

    QCOMPARE(model.rowCount(), 3);
    const QModelIndex market = model.index(0, 0);
    QCOMPARE(market.data().toString(), QStringLiteral("Market data"));
    QCOMPARE(model.rowCount(market), 2);
    const QModelIndex ticker = model.index(0, 0, market);
    QCOMPARE(ticker.data().toString(), QStringLiteral("Ticker"));
    QCOMPARE(ticker.parent(), market);
    QCOMPARE(ticker.data(CollectionModel::ProfileIdRole).toString(), QStringLiteral("c4b8e0d2-1a3f-4e57-9c6b-2d0f8a1e7b44"));
    const QModelIndex deepIndex = model.indexOfProfile(QStringLiteral("deep"));
    QCOMPARE(deepIndex.parent().data().toString(), QStringLiteral("Inner"));
    QCOMPARE(deepIndex.parent().parent(), market);
    QCOMPARE(model.rowCount(model.index(2, 0)), 0);
    QVERIFY(model.index(1, 0).data(Qt::ToolTipRole).toString().contains(QStringLiteral("{{host}}/echo")));
    // Loaded again (a message saved): the tester sees a clean reset.
    model.setCollection(example());
    QCOMPARE(model.rowCount(), 2);
}

void TestCollectionSidebar::previewFollowsTheEnvironment()
{
    CollectionSidebar sidebar;
    QSignalSpy changed(&sidebar, &CollectionSidebar::environmentChanged);
    QSignalSpy open(&sidebar, &CollectionSidebar::openRequested);
    sidebar.setCollection(example(), {}, QStringLiteral("/x/team.json"), true);
    QCOMPARE(sidebar.environmentBox()->count(), 3);   // none, local, staging
    sidebar.selectProfile(QStringLiteral("c4b8e0d2-1a3f-4e57-9c6b-2d0f8a1e7b44"));
    // The token is defined nowhere: said, with the field.
    QVERIFY2(sidebar.previewText().contains(QStringLiteral("Auth token: {{token}} is not defined")),
             qPrintable(sidebar.previewText()));
    Variable token;
    token.name = QStringLiteral("token");
    token.value = QStringLiteral("tok-preview-77");
    token.secret = true;
    sidebar.setOverrides({token});
    QVERIFY2(sidebar.previewText().startsWith(QStringLiteral("GET wss://localhost:8080/ticker?symbols=EURUSD\n")),
             qPrintable(sidebar.previewText()));
    QVERIFY(!sidebar.previewText().contains(QStringLiteral("tok-preview-77")));   // credentials masked
    QVERIFY(sidebar.setEnvironment(QStringLiteral("local")));
    QCOMPARE(changed.size(), 1);
    QCOMPARE(changed.at(0).at(0).toString(), QStringLiteral("local"));
    QVERIFY(sidebar.previewText().startsWith(QStringLiteral("GET ws://127.0.0.1:8080/ticker")));
    QVERIFY(!sidebar.setEnvironment(QStringLiteral("production")));
    // Enter on a profile opens it; on a folder nothing.
    sidebar.show();
    QVERIFY(QTest::qWaitForWindowExposed(&sidebar));
    QTest::keyClick(sidebar.view(), Qt::Key_Return);
    QCOMPARE(open.size(), 1);
    sidebar.view()->setCurrentIndex(sidebar.model()->index(0, 0));
    QTest::keyClick(sidebar.view(), Qt::Key_Return);
    QCOMPARE(open.size(), 1);
}

void TestCollectionSidebar::windowOpensProfilesAndSwitchesEnvironments()
{
    EchoServer echo;
    QVERIFY(echo.listen());
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("team.json"));
    const QByteArray collectionJson = QStringLiteral(R"({"format": "wsscope-collection", "version": 1, "name": "Team",
            "variables": [{"name": "host", "value": "%1"}, {"name": "who", "value": "default", "secret": true}],
            "environments": [{"name": "other", "variables": [{"name": "who", "value": "other"}]},
                             {"name": "broken", "variables": [{"name": "host", "value": "{{nope}}"}]}],
            "items": [{"type": "profile", "id": "echo", "name": "Echo", "url": "ws://{{host}}/",
                       "request": {"headers": [{"name": "X-Who", "value": "{{who}}"}]},
                       "messages": [{"id": "m1", "name": "hello", "kind": "text", "body": "hello {{who}}", "onOpen": true}]}]})")
                       .arg(echo.url().authority())
                       .toUtf8();
    QVERIFY(writeFile(path, collectionJson));
    MainWindow window(echo.url());
    QString error;
    QVERIFY2(window.openCollection(path, &error), qPrintable(error));
    CollectionSidebar *sidebar = window.collectionSidebar();
    QVERIFY(sidebar);
    QVERIFY(window.openProfile(QStringLiteral("echo")));
    QCOMPARE(window.urlBox()->currentText(), QStringLiteral("ws://%1/").arg(echo.url().authority()));
    QCOMPARE(window.savedMessages()->model()->rowCount(), 1);
    QList<Session::Header> headers;
    QVERIFY(window.requestEditor()->requestHeaders(&headers, &error));
    QCOMPARE(headers, (QList<Session::Header>{{"X-Who", "default"}}));

    QVERIFY(window.connectToUrl());
    QTRY_COMPARE(window.session()->state(), Session::State::Open);
    QTRY_COMPARE(sentTexts(&window).size(), 1);
    QCOMPARE(sentTexts(&window).at(0), QByteArray("hello default"));
    QCOMPARE(window.session()->handshake().requestHeaders.contains({"X-Who", "default"}), true);
    window.session()->close(1000, {});
    QTRY_COMPARE(window.session()->state(), Session::State::Closed);

    // With credentials hidden, a secret variable's value is in no saved header.
    {
        const QString savePath = dir.filePath(QStringLiteral("masked.txt"));
        QSettings().setValue(QStringLiteral("export/maskSecrets"), true);
        QVERIFY(window.saveTo(savePath));
        QSettings().setValue(QStringLiteral("export/maskSecrets"), false);
        QFile saved(savePath);
        QTRY_VERIFY(saved.exists() && saved.size() > 0);
        QVERIFY(saved.open(QIODevice::ReadOnly));
        const QByteArray text = saved.readAll();
        QVERIFY2(text.contains("X-Who: *******"), text.constData());
        QVERIFY(!text.contains("X-Who: default"));
    }

    // One click on another environment: the request and the messages follow.
    sidebar->setEnvironment(QStringLiteral("other"));
    QVERIFY(window.requestEditor()->requestHeaders(&headers, &error));
    QCOMPARE(headers, (QList<Session::Header>{{"X-Who", "other"}}));
    QVERIFY(window.connectToUrl());
    QTRY_COMPARE(window.session()->state(), Session::State::Open);
    QTRY_COMPARE(sentTexts(&window).size(), 2);
    QCOMPARE(sentTexts(&window).at(1), QByteArray("hello other"));
    window.session()->close(1000, {});
    QTRY_COMPARE(window.session()->state(), Session::State::Closed);

    // An environment that leaves a name undefined opens nothing, and says why.
    sidebar->setEnvironment(QStringLiteral("broken"));
    QVERIFY(!window.openProfile(QStringLiteral("echo")));
    QVERIFY2(window.statusBar()->currentMessage().contains(QStringLiteral("URL: {{nope}} is not defined")),
             qPrintable(window.statusBar()->currentMessage()));
    QCOMPARE(window.urlBox()->currentText(), QStringLiteral("ws://%1/").arg(echo.url().authority()));

    // A message saved in the pane goes into the collection file.
    sidebar->setEnvironment(QString());
    QVERIFY(window.openProfile(QStringLiteral("echo")));
    SavedMessage ping;
    ping.name = QStringLiteral("ping them");
    ping.body = QStringLiteral("{\"op\":\"ping\"}");
    window.savedMessages()->model()->append(ping);
    Collection written;
    QVERIFY2(Collection::readFile(path, &written, &error), qPrintable(error));
    QCOMPARE(written.findProfile(QStringLiteral("echo"), &error)->messages.size(), 2);
    QCOMPARE(written.findProfile(QStringLiteral("echo"), &error)->messages.at(1).name, QStringLiteral("ping them"));
    // Its variables stay as written: the file has {{who}}, not a value.
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QVERIFY(file.readAll().contains("hello {{who}}"));
}

// Two tabs, two profiles, two secret variables: each tab's saved files and
// journal hide the secret its own connections sent, whatever the other tab
// opened since.
void TestCollectionSidebar::eachTabHidesTheSecretsItUsed()
{
    EchoServer echo;
    QVERIFY(echo.listen());
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("two.json"));
    const QByteArray collectionJson = QStringLiteral(R"({"format": "wsscope-collection", "version": 1, "name": "Two",
            "variables": [{"name": "keyA", "value": "alpha-secret-1", "secret": true},
                          {"name": "keyB", "value": "bravo-secret-2", "secret": true}],
            "items": [{"type": "profile", "id": "a", "name": "A", "url": "%1",
                       "request": {"headers": [{"name": "X-Key", "value": "{{keyA}}"}]}},
                      {"type": "profile", "id": "b", "name": "B", "url": "%1",
                       "request": {"headers": [{"name": "X-Key", "value": "{{keyB}}"}]}}]})")
                       .arg(echo.url().toString())
                       .toUtf8();
    QVERIFY(writeFile(path, collectionJson));
    QSettings().setValue(QStringLiteral("export/maskSecrets"), true);
    MainWindow window(echo.url());
    QString error;
    QVERIFY2(window.openCollection(path, &error), qPrintable(error));
    QVERIFY(window.openProfile(QStringLiteral("a")));
    ConnectionPane *first = window.currentPane();
    QVERIFY(first->connectToUrl());
    QTRY_COMPARE(first->session()->state(), Session::State::Open);
    QVERIFY(first->session()->handshake().requestRaw.contains("X-Key: alpha-secret-1\r\n"));
    QVERIFY(first->journal());
    const QString journalPath = first->journal()->path();

    ConnectionPane *second = window.newTab();
    QVERIFY(window.openProfile(QStringLiteral("b")));
    QCOMPARE(window.currentPane(), second);
    QVERIFY(second->connectToUrl());
    QTRY_COMPARE(second->session()->state(), Session::State::Open);
    QVERIFY(second->session()->handshake().requestRaw.contains("X-Key: bravo-secret-2\r\n"));

    for (ConnectionPane *pane : {first, second}) {
        pane->closeConnection();
        QTRY_COMPARE(pane->session()->state(), Session::State::Closed);
    }
    const auto read = [](const QString &file) {
        QFile saved(file);
        return saved.open(QIODevice::ReadOnly) ? saved.readAll() : QByteArray();
    };
    for (const QString &suffix : {QStringLiteral("jsonl"), QStringLiteral("har"), QStringLiteral("txt")}) {
        const QString firstFile = dir.filePath(QStringLiteral("first.") + suffix);
        const QString secondFile = dir.filePath(QStringLiteral("second.") + suffix);
        QVERIFY(first->saveTo(firstFile));
        QVERIFY(second->saveTo(secondFile));
        QTRY_VERIFY(!read(firstFile).isEmpty() && !read(secondFile).isEmpty());
        QVERIFY2(!read(firstFile).contains("alpha-secret"), qPrintable(firstFile));
        QVERIFY2(!read(secondFile).contains("bravo-secret"), qPrintable(secondFile));
        if (suffix == QLatin1String("txt"))
            QVERIFY2(read(firstFile).contains("X-Key: **************"), read(firstFile).constData());
    }
    // The journal the first tab kept while it ran, written before the second tab existed.
    QVERIFY(QFileInfo::exists(journalPath));
    QTRY_VERIFY(read(journalPath).contains("X-Key"));
    QVERIFY(!read(journalPath).contains("alpha-secret"));
    QSettings().setValue(QStringLiteral("export/maskSecrets"), false);

    // The tab of profile A kept as a new profile: its header keeps {{keyA}},
    // and the secret it resolved to reaches no file.
    window.tabs()->setCurrentWidget(first);
    QVERIFY(first->saveAsNewProfile(QStringLiteral("A again"), {}));
    Collection written;
    QString why;
    QVERIFY2(Collection::readFile(path, &written, &why), qPrintable(why));
    const Profile *again = written.findProfile(QStringLiteral("A again"), &why);
    QVERIFY2(again, qPrintable(why));
    QCOMPARE(again->request.headers.at(0).value, QStringLiteral("{{keyA}}"));
    QVERIFY(!read(path).contains("alpha-secret"));
    // A secret's value typed into a field is refused, and the file stays.
    const QByteArray before = read(path);
    QVariantMap state = first->requestEditor()->state();
    state.insert(QStringLiteral("origin"), QStringLiteral("https://alpha-secret-1.example"));
    first->requestEditor()->setState(state);
    QVERIFY(!first->saveToProfile(QStringLiteral("a")));
    QVERIFY2(window.statusBar()->currentMessage().contains(QStringLiteral("secret variable")),
             qPrintable(window.statusBar()->currentMessage()));
    QCOMPARE(read(path), before);
}

void TestCollectionSidebar::importedExportIsNotWritten()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("insomnia.json"));
    QVERIFY(QFile::copy(QStringLiteral(WSSCOPE_TEST_DATA "/insomnia-export.json"), path));
    QFile original(path);
    QVERIFY(original.open(QIODevice::ReadOnly));
    const QByteArray before = original.readAll();
    original.close();
    MainWindow window(QUrl{});
    QString error;
    QVERIFY2(window.openCollection(path, &error), qPrintable(error));
    QVERIFY(!window.collectionSidebar()->isWritable());
    QVERIFY(window.statusBar()->currentMessage().contains(QStringLiteral("not taken over")));
    QVERIFY(window.collectionSidebar()->setEnvironment(QStringLiteral("My keys")));
    const QString quotes = window.collectionSidebar()->collection().profiles().at(0).profile->id;
    QVERIFY(window.openProfile(quotes));
    QCOMPARE(window.urlBox()->currentText(), QStringLiteral("ws://127.0.0.1:9000/v2/quotes?symbols=EURUSD"));
    QCOMPARE(window.requestEditor()->state().value(QStringLiteral("authSecret")).toString(), QStringLiteral("tok-1234"));
    SavedMessage extra;
    extra.name = QStringLiteral("extra");
    extra.body = QStringLiteral("x");
    window.savedMessages()->model()->append(extra);
    QVERIFY(window.statusBar()->currentMessage().contains(QStringLiteral("imported file")));
    // Saved back into its profile: in the window only, and said.
    window.saveTabToProfile();
    QVERIFY2(window.statusBar()->currentMessage().contains(QStringLiteral("Changed in the window only")),
             qPrintable(window.statusBar()->currentMessage()));
    QVERIFY(original.open(QIODevice::ReadOnly));
    QCOMPARE(original.readAll(), before);
    // Exported as a wsscope collection: the same profiles, no token, and
    // read back like any collection.
    const QString converted = dir.filePath(QStringLiteral("trading.json"));
    QVERIFY2(window.saveCollectionAs(converted, &error), qPrintable(error));
    QVERIFY(window.collectionSidebar()->isWritable());
    QFile written(converted);
    QVERIFY(written.open(QIODevice::ReadOnly));
    const QByteArray bytes = written.readAll();
    QVERIFY(!bytes.contains("tok-1234"));
    QVERIFY(bytes.contains("\"secret\": true"));
    QVERIFY(bytes.contains("\"secret\": \"{{token}}\""));   // the Bearer token's reference kept
    Collection reread;
    QVERIFY2(Collection::read(bytes, &reread, &error), qPrintable(error));
    QCOMPARE(reread.profiles().size(), 2);
    QCOMPARE(reread.profiles().at(0).profile->messages.size(), 2);   // with the one added here
    MainWindow other(QUrl{});
    QVERIFY2(other.openCollection(converted, &error), qPrintable(error));
    QCOMPARE(other.collectionSidebar()->collection().toJson(), bytes);
    // Not a collection at all: said, and nothing opened.
    QVERIFY(!window.openCollection(QStringLiteral(WSSCOPE_TEST_DATA "/../CMakeLists.txt"), &error));
    QVERIFY2(error.contains(QStringLiteral("Not valid JSON")), qPrintable(error));
}

// Every edit in the sidebar is in the file at once, and the tree stays a
// valid model throughout.
void TestCollectionSidebar::treeIsEditedAndWrittenAtOnce()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("team.json"));
    QVERIFY(QFile::copy(QStringLiteral(WSSCOPE_TEST_DATA "/collection-example.json"), path));
    QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner);   // the copy keeps the source's modes
    CollectionSidebar sidebar;
    QAbstractItemModelTester tester(sidebar.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    sidebar.setCollection(example(), {}, path, true);
    const auto reread = [&path] {
        Collection collection;
        QString why;
        if (!Collection::readFile(path, &collection, &why))
            qWarning("%s", qPrintable(why));
        return collection;
    };
    const QString ticker = QStringLiteral("c4b8e0d2-1a3f-4e57-9c6b-2d0f8a1e7b44");
    const QString echo = QStringLiteral("d5a4b3c2-8b7c-4d6f-9a5b-4c3d2e1f0a88");
    QString error;

    QVERIFY2(sidebar.addFolder(QStringLiteral("Staging"), {0}, &error), qPrintable(error));
    QCOMPARE(sidebar.selectedPath(), (Collection::Path{0, 1}));
    QCOMPARE(reread().folders().at(1).second, QStringLiteral("Market data/Staging"));
    QVERIFY(sidebar.rename({0, 1}, QStringLiteral("  Prod  "), &error));
    QCOMPARE(reread().item({0, 1})->name, QStringLiteral("Prod"));
    QVERIFY(!sidebar.rename({0, 1}, QStringLiteral("   "), &error));
    QVERIFY(error.contains(QStringLiteral("empty")));

    // The echo profile into the new folder, then up above the ticker's folder.
    QVERIFY(sidebar.move({1}, {0, 1}, -1, &error));
    QCOMPARE(reread().pathOfProfile(echo), (Collection::Path{0, 1, 0}));
    QCOMPARE(sidebar.selectedProfile(), echo);
    QVERIFY(!sidebar.move({0}, {0, 1}, -1, &error));   // a folder into itself
    QCOMPARE(reread().pathOfProfile(echo), (Collection::Path{0, 1, 0}));
    QVERIFY(sidebar.move({0, 1, 0}, {}, 0, &error));
    QCOMPARE(reread().pathOfProfile(echo), (Collection::Path{0}));

    // A duplicate has its own id and keeps the messages.
    QVERIFY(sidebar.duplicate({0}, &error));
    const Collection afterCopy = reread();
    QCOMPARE(afterCopy.profiles().size(), 3);
    const Profile *copy = &afterCopy.item({1})->profile;
    QCOMPARE(copy->name, QStringLiteral("Echo copy"));
    QVERIFY(copy->id != echo);
    QCOMPARE(copy->messages.size(), afterCopy.item({0})->profile.messages.size());
    QCOMPARE(sidebar.selectedPath(), (Collection::Path{1}));

    // Deleting a folder removes its profiles and says which.
    QSignalSpy removed(&sidebar, &CollectionSidebar::profilesRemoved);
    QVERIFY(sidebar.remove({2}, &error));
    QCOMPARE(removed.size(), 1);
    QCOMPARE(removed.at(0).at(0).toStringList(), QStringList{ticker});
    QCOMPARE(reread().profiles().size(), 2);
    QCOMPARE(reread().folders().size(), 0);
    QVERIFY(!sidebar.remove({7}, &error));

    // A file that can no longer be written (its folder is gone): the tree
    // stays as it was, and says why.
    QDir(dir.path()).mkdir(QStringLiteral("gone"));
    const QString gonePath = dir.filePath(QStringLiteral("gone/team.json"));
    QVERIFY(QFile::copy(path, gonePath));
    CollectionSidebar gone;
    gone.setCollection(reread(), {}, gonePath, true);
    QVERIFY(QDir(dir.filePath(QStringLiteral("gone"))).removeRecursively());
    QVERIFY(!gone.addFolder(QStringLiteral("Never"), {}, &error));
    QVERIFY2(error.contains(QStringLiteral("Cannot write")), qPrintable(error));
    QCOMPARE(gone.model()->rowCount(), 2);
}

// Opened, changed in the tab and saved back: what the tab changed is new,
// what it left keeps its {{variables}}, and a typed token never reaches the
// file.
void TestCollectionSidebar::tabSavedToItsProfileKeepsItsVariables()
{
    EchoServer echo;
    echo.setAllowedOrigins({QStringLiteral("https://app.example")});
    QVERIFY(echo.listen());
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("team.json"));
    const QByteArray collectionJson = QStringLiteral(R"({"format": "wsscope-collection", "version": 1, "name": "Team", "id": "team-1",
            "variables": [{"name": "host", "value": "%1"}, {"name": "env", "value": "local"}],
            "items": [{"type": "profile", "id": "echo", "name": "Echo", "url": "ws://{{host}}/echo",
                       "request": {"headers": [{"name": "X-Env", "value": "{{env}}"}]},
                       "messages": [{"id": "m1", "name": "hello", "kind": "text", "body": "hello {{env}}"}]}]})")
                       .arg(echo.url().authority())
                       .toUtf8();
    QVERIFY(writeFile(path, collectionJson));
    MainWindow window(echo.url());
    QString error;
    QVERIFY2(window.openCollection(path, &error), qPrintable(error));
    QVERIFY(window.openProfile(QStringLiteral("echo")));
    QVariantMap state = window.requestEditor()->state();
    QCOMPARE(state.value(QStringLiteral("origin")).toString(), QString());
    state.insert(QStringLiteral("origin"), QStringLiteral("https://app.example"));
    state.insert(QStringLiteral("authKind"), 2);
    state.insert(QStringLiteral("authSecret"), QStringLiteral("typed-token-31"));
    window.requestEditor()->setState(state);
    window.saveTabToProfile();
    QVERIFY2(window.statusBar()->currentMessage().contains(QStringLiteral("Saved to the profile")),
             qPrintable(window.statusBar()->currentMessage()));
    QCOMPARE(window.collectionSidebar()->secrets(QStringLiteral("echo")).authSecret, QStringLiteral("typed-token-31"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray json = file.readAll();
    file.close();
    QVERIFY2(json.contains("\"url\": \"ws://{{host}}/echo\""), json.constData());
    QVERIFY(json.contains("\"value\": \"{{env}}\""));
    QVERIFY(json.contains("\"origin\": \"https://app.example\""));
    QVERIFY(json.contains("\"body\": \"hello {{env}}\""));
    QVERIFY(!json.contains("typed-token-31"));
    // The token comes back from the secret store in another window, and is sent.
    {
        MainWindow other(echo.url());
        QVERIFY2(other.openCollection(path, &error), qPrintable(error));
        QTRY_COMPARE(other.collectionSidebar()->secrets(QStringLiteral("echo")).authSecret, QStringLiteral("typed-token-31"));
        QVERIFY(other.openProfile(QStringLiteral("echo")));
        QVERIFY(other.connectToUrl());
        QTRY_COMPARE(other.session()->state(), Session::State::Open);
        const QByteArray request = other.session()->handshake().requestRaw;
        QVERIFY2(request.contains("Authorization: Bearer typed-token-31\r\n"), request.constData());
        QVERIFY(request.contains("X-Env: local\r\n"));
        QVERIFY(request.contains("Origin: https://app.example\r\n"));
        other.session()->close(1000, {});
        QTRY_COMPARE(other.session()->state(), Session::State::Closed);
    }
    // A credential typed into a header is refused, and the file stays as it was.
    state = window.requestEditor()->state();
    QVariantList headers = state.value(QStringLiteral("headers")).toList();
    headers.append(QVariant(QVariantList{true, QStringLiteral("Cookie"), QStringLiteral("session=abc123")}));
    state.insert(QStringLiteral("headers"), headers);
    state.insert(QStringLiteral("authKind"), 0);
    window.requestEditor()->setState(state);
    window.saveTabToProfile();
    QVERIFY2(window.statusBar()->currentMessage().contains(QStringLiteral("Cookie header")),
             qPrintable(window.statusBar()->currentMessage()));
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), json);
    // Deleting the profile unbinds the tab.
    QCOMPARE(window.currentPane()->boundProfile(), QStringLiteral("echo"));
    QVERIFY(window.collectionSidebar()->remove({0}, &error));
    QVERIFY(window.currentPane()->boundProfile().isEmpty());
}

void TestCollectionSidebar::newCollectionFromTheTab()
{
    EchoServer echo;
    QVERIFY(echo.listen());
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("mine.json"));
    MainWindow window(echo.url());
    window.setUrl(echo.url().toString() + QStringLiteral("chat"));
    SavedMessage hello;
    hello.name = QStringLiteral("hello");
    hello.body = QStringLiteral("hi {{$timestamp}}");
    hello.onOpen = true;
    window.savedMessages()->model()->append(hello);
    QString error;
    QVERIFY2(window.newCollection(path, &error), qPrintable(error));
    QCOMPARE(window.collectionSidebar()->model()->rowCount(), 0);
    QVERIFY(window.collectionSidebar()->addFolder(QStringLiteral("Local"), {}, &error));
    QVERIFY(window.currentPane()->saveAsNewProfile(QStringLiteral("Chat"), {0}));
    Collection written;
    QVERIFY2(Collection::readFile(path, &written, &error), qPrintable(error));
    QCOMPARE(written.name, QStringLiteral("mine"));
    QVERIFY(!written.id.isEmpty());
    const Profile *chat = written.findProfile(QStringLiteral("Local/Chat"), &error);
    QVERIFY2(chat, qPrintable(error));
    QCOMPARE(chat->url, echo.url().toString() + QStringLiteral("chat"));
    QCOMPARE(chat->messages.size(), 1);
    QCOMPARE(chat->messages.at(0).body, QStringLiteral("hi {{$timestamp}}"));
    QCOMPARE(window.currentPane()->boundProfile(), chat->id);
    // Connected as the profile: its on-open message goes first.
    QVERIFY(window.connectToUrl());
    QTRY_COMPARE(sentTexts(&window).size(), 1);
    QVERIFY(sentTexts(&window).at(0).startsWith("hi 1"));
}

// Variables and environments typed in the window: plain values in the file,
// secret ones in the keyring, and the request sent is filled from both.
void TestCollectionSidebar::variablesAndEnvironmentsAreEdited()
{
    EchoServer echo;
    QVERIFY(echo.listen());
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("team.json"));
    const QByteArray collectionJson = R"({"format": "wsscope-collection", "version": 1, "name": "Team",
            "variables": [{"name": "legacy", "value": "hand-secret-9", "secret": true}],
            "items": [{"type": "profile", "id": "api", "name": "API", "url": "ws://{{host}}/api",
                       "request": {"headers": [{"name": "X-Key", "value": "{{apiKey}}"},
                                               {"name": "X-Legacy", "value": "{{legacy}}"}]}}]})";
    QVERIFY(writeFile(path, collectionJson));
    MainWindow window(echo.url());
    QString error;
    QVERIFY2(window.openCollection(path, &error), qPrintable(error));
    CollectionSidebar *sidebar = window.collectionSidebar();
    QCOMPARE(sidebar->variables().value(QStringLiteral("legacy")), QStringLiteral("hand-secret-9"));

    VariablesDialog dialog(sidebar->withSecretValues());
    QCOMPARE(dialog.layers()->count(), 1);
    QCOMPARE(dialog.table()->rowCount(), 1);   // legacy, its value shown to edit
    Variable host;
    host.name = QStringLiteral("host");
    host.value = echo.url().authority();
    dialog.addVariable(host);
    dialog.addEnvironment(QStringLiteral("staging"));
    Variable bad;
    bad.name = QStringLiteral("api key");
    dialog.addVariable(bad);
    QVERIFY(!dialog.check(&error));
    QVERIFY2(error.contains(QStringLiteral("staging, row 1")), qPrintable(error));
    dialog.table()->removeRow(0);
    Variable key;
    key.name = QStringLiteral("apiKey");
    key.value = QStringLiteral("sk-staging-123");
    key.secret = true;
    dialog.addVariable(key);
    dialog.addVariable(key);
    QVERIFY(!dialog.check(&error));
    QVERIFY2(error.contains(QStringLiteral("twice")), qPrintable(error));
    dialog.table()->removeRow(1);
    QVERIFY2(dialog.check(&error), qPrintable(error));
    QVERIFY2(sidebar->setVariables(dialog.result(), &error), qPrintable(error));

    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray json = file.readAll();
    file.close();
    QVERIFY(json.contains(echo.url().authority().toUtf8()));
    QVERIFY(json.contains("\"name\": \"staging\""));
    QVERIFY(json.contains("\"name\": \"apiKey\""));
    QVERIFY(!json.contains("sk-staging-123"));
    QVERIFY(!json.contains("hand-secret-9"));   // the hand-written secret moved to the keyring
    QCOMPARE(sidebar->environmentBox()->count(), 2);
    // Without the environment the key is not defined: said before connecting.
    QVERIFY(!window.openProfile(QStringLiteral("api")));
    QVERIFY2(window.statusBar()->currentMessage().contains(QStringLiteral("{{apiKey}} is not defined")),
             qPrintable(window.statusBar()->currentMessage()));
    QVERIFY(sidebar->setEnvironment(QStringLiteral("staging")));
    sidebar->selectProfile(QStringLiteral("api"));
    QVERIFY(!sidebar->previewText().contains(QStringLiteral("sk-staging-123")));
    QVERIFY(window.openProfile(QStringLiteral("api")));
    QVERIFY(window.connectToUrl());
    QTRY_COMPARE(window.session()->state(), Session::State::Open);
    const QByteArray request = window.session()->handshake().requestRaw;
    QVERIFY2(request.contains("X-Key: sk-staging-123\r\n"), request.constData());
    QVERIFY(request.contains("X-Legacy: hand-secret-9\r\n"));
    window.session()->close(1000, {});
    QTRY_COMPARE(window.session()->state(), Session::State::Closed);

    // Another window on the same file gets the secret values from the keyring.
    MainWindow other(echo.url());
    QVERIFY2(other.openCollection(path, &error), qPrintable(error));
    QVERIFY(other.collectionSidebar()->setEnvironment(QStringLiteral("staging")));
    QTRY_COMPARE(other.collectionSidebar()->variables().value(QStringLiteral("apiKey")), QStringLiteral("sk-staging-123"));
    QTRY_COMPARE(other.collectionSidebar()->variables().value(QStringLiteral("legacy")), QStringLiteral("hand-secret-9"));

    // An environment removed takes its values with it.
    VariablesDialog fewer(sidebar->withSecretValues());
    fewer.layers()->setCurrentRow(1);
    QVERIFY(fewer.check(&error));
    Collection edited = fewer.result();
    edited.environments.clear();
    QVERIFY(sidebar->setVariables(edited, &error));
    QCOMPARE(sidebar->environmentBox()->count(), 1);
    QVERIFY(!sidebar->variables().contains(QStringLiteral("apiKey")));
}

// Each item of the Edit menu has a letter of its own (Duplicate and Move up
// once shared U, Delete and Move down D).
void TestCollectionSidebar::editMenuLettersAreDistinct()
{
    CollectionSidebar sidebar;
    QStringList letters;
    for (const QAction *action : sidebar.editMenu()->actions()) {
        if (action->isSeparator())
            continue;
        const QString text = action->text();
        const qsizetype at = text.indexOf(u'&');
        QVERIFY2(at >= 0 && at + 1 < text.size(), qPrintable(text));
        const QString letter = text.mid(at + 1, 1).toLower();
        QVERIFY2(!letters.contains(letter), qPrintable(QStringLiteral("%1 shares %2").arg(text, letter)));
        letters.append(letter);
    }
    QCOMPARE(letters.size(), 10);
}

QTEST_MAIN(TestCollectionSidebar)
#include "tst_collectionsidebar.moc"

