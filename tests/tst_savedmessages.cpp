#include "composer.h"
#include "log/logmodel.h"
#include "log/logview.h"
#include "mainwindow.h"
#include "requesteditor.h"
#include "savedmessages.h"
#include "server/echoserver.h"
#include "settings/settings.h"
#include "workspace/recentmessages.h"
#include "testfiles.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QDialogButtonBox>
#include <QFile>
#include <QFileInfo>
#include <QLineEdit>
#include <QListView>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

class TestSavedMessages : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void modelChangesUnderTheModelTester();
    void paneSearchesSendsAndReorders();
    void dialogChecksWhatIsTyped();
    void recentFileKeepsMessagesPerUrl();
    void windowSavesSendsAndSubscribesOnOpen();
    void settingsOptionsMoveIntoTheRecentCollection();

private:
    static SavedMessage message(const QString &name, const QString &body,
                                SavedMessage::Kind kind = SavedMessage::Kind::Text);
    static QStringList names(const SavedMessageModel *model);
    static QList<QByteArray> sentTexts(MainWindow *window);
};

void TestSavedMessages::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("wsscope-tests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_savedmessages"));
}

void TestSavedMessages::init()
{
    TestFiles::clearRemembered();
}

SavedMessage TestSavedMessages::message(const QString &name, const QString &body, SavedMessage::Kind kind)
{
    SavedMessage m;
    m.id = Collection::newId();
    m.name = name;
    m.body = body;
    m.kind = kind;
    return m;
}

QStringList TestSavedMessages::names(const SavedMessageModel *model)
{
    QStringList out;
    for (const SavedMessage &m : model->messages())
        out << m.name;
    return out;
}

QList<QByteArray> TestSavedMessages::sentTexts(MainWindow *window)
{
    return TestFiles::sentTexts(window->session()->log());
}

void TestSavedMessages::modelChangesUnderTheModelTester()
{
    SavedMessageModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy changed(&model, &SavedMessageModel::changed);
    model.setMessages({message(QStringLiteral("a"), QStringLiteral("1")), message(QStringLiteral("b"), QStringLiteral("2"))});
    QCOMPARE(changed.size(), 0);   // loading is not a change to save
    QCOMPARE(model.append(message(QStringLiteral("c"), QStringLiteral("3"))), 2);
    QCOMPARE(model.duplicate(0), 1);
    QCOMPARE(names(&model), (QStringList{QStringLiteral("a"), QStringLiteral("a (copy)"), QStringLiteral("b"), QStringLiteral("c")}));
    QVERIFY(model.message(0).id != model.message(1).id);
    QVERIFY(model.move(3, -1));
    QVERIFY(model.move(0, +1));
    QVERIFY(!model.move(0, -1));
    QVERIFY(!model.move(3, +1));
    QCOMPARE(names(&model), (QStringList{QStringLiteral("a (copy)"), QStringLiteral("a"), QStringLiteral("c"), QStringLiteral("b")}));
    QVERIFY(model.setData(model.index(2), QStringLiteral("  renamed "), Qt::EditRole));
    QVERIFY(!model.setData(model.index(2), QStringLiteral("   "), Qt::EditRole));   // a name is needed
    QVERIFY(model.setData(model.index(3), Qt::Checked, Qt::CheckStateRole));
    QVERIFY(model.message(3).onOpen);
    QCOMPARE(model.index(3).data(Qt::CheckStateRole).toInt(), int(Qt::Checked));
    QCOMPARE(model.message(2).name, QStringLiteral("renamed"));
    QCOMPARE(model.index(0).data(Qt::DisplayRole).toString(), QStringLiteral("a (copy)"));
    QVERIFY(model.index(0).data(Qt::ToolTipRole).toString().contains(QStringLiteral("Ctrl+1")));
    QCOMPARE(model.index(0).data(Qt::EditRole).toString(), QStringLiteral("a (copy)"));
    SavedMessage edited = message(QStringLiteral("z"), QStringLiteral("<b>not markup</b>"));
    const QString id = model.message(1).id;
    model.replace(1, edited);
    QCOMPARE(model.message(1).id, id);   // the row keeps its identity
    QCOMPARE(model.index(1).data(Qt::ToolTipRole).toString().contains(QStringLiteral("&lt;b&gt;")), true);
    model.removeAt(0);
    model.removeAt(7);   // nothing there: nothing happens
    QCOMPARE(names(&model), (QStringList{QStringLiteral("z"), QStringLiteral("renamed"), QStringLiteral("b")}));
    QCOMPARE(changed.size(), 8);
}

void TestSavedMessages::paneSearchesSendsAndReorders()
{
    SavedMessagesPane pane;
    pane.resize(260, 300);
    pane.show();
    QVERIFY(QTest::qWaitForWindowExposed(&pane));
    pane.model()->setMessages({message(QStringLiteral("subscribe"), QStringLiteral("{\"op\":\"sub\"}"), SavedMessage::Kind::Json),
                               message(QStringLiteral("ping"), QStringLiteral("{\"op\":\"ping\"}"), SavedMessage::Kind::Json),
                               message(QStringLiteral("raw"), QStringLiteral("01 02"), SavedMessage::Kind::Hex)});
    QSignalSpy sent(&pane, &SavedMessagesPane::sendRequested);

    // Search finds names and bodies, without case.
    pane.searchField()->setText(QStringLiteral("OP\":\"P"));
    QCOMPARE(pane.view()->model()->rowCount(), 1);
    pane.searchField()->setText(QStringLiteral("RAW"));
    QCOMPARE(pane.view()->model()->rowCount(), 1);
    pane.view()->setCurrentIndex(pane.view()->model()->index(0, 0));
    QCOMPARE(pane.currentRow(), 2);   // in the model's numbering

    // Not sent while there is no open connection.
    QVERIFY(!pane.sendButton()->isEnabled());
    QTest::keyClick(pane.view(), Qt::Key_Return);
    QCOMPARE(sent.size(), 0);
    pane.setSendingAllowed(true);
    QVERIFY(pane.sendButton()->isEnabled());
    QTest::keyClick(pane.view(), Qt::Key_Return);
    QCOMPARE(sent.size(), 1);
    QCOMPARE(sent.at(0).at(0).value<SavedMessage>().name, QStringLiteral("raw"));
    const QRect rect = pane.view()->visualRect(pane.view()->model()->index(0, 0));
    QTest::mouseClick(pane.view()->viewport(), Qt::LeftButton, {}, rect.center());
    QTest::mouseDClick(pane.view()->viewport(), Qt::LeftButton, {}, rect.center());
    QCOMPARE(sent.size(), 2);
    // Ctrl+2: the second message, whatever the search shows.
    QTest::keyClick(pane.view(), Qt::Key_2, Qt::ControlModifier);
    QCOMPARE(sent.size(), 3);
    QCOMPARE(sent.at(2).at(0).value<SavedMessage>().name, QStringLiteral("ping"));

    // Reordering and deleting from the row menu.
    pane.searchField()->clear();
    pane.setCurrentRow(2);
    const QList<QAction *> actions = pane.rowActions();   // edit, duplicate, delete, up, down
    actions.at(3)->trigger();
    QCOMPARE(names(pane.model()), (QStringList{QStringLiteral("subscribe"), QStringLiteral("raw"), QStringLiteral("ping")}));
    QCOMPARE(pane.currentRow(), 1);
    actions.at(2)->trigger();
    QCOMPARE(names(pane.model()), (QStringList{QStringLiteral("subscribe"), QStringLiteral("ping")}));
    QCOMPARE(pane.currentRow(), 1);
    actions.at(1)->trigger();
    QCOMPARE(names(pane.model()), (QStringList{QStringLiteral("subscribe"), QStringLiteral("ping"), QStringLiteral("ping (copy)")}));
}

void TestSavedMessages::dialogChecksWhatIsTyped()
{
    SavedMessageDialog dialog;
    auto *ok = dialog.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
    SavedMessage draft = message(QString(), QStringLiteral("hello"));
    dialog.setMessage(draft);
    QVERIFY(!ok->isEnabled());
    QVERIFY(dialog.problem().contains(QStringLiteral("name")));
    draft.name = QStringLiteral("greeting");
    draft.kind = SavedMessage::Kind::Hex;
    draft.body = QStringLiteral("01 0g");
    dialog.setMessage(draft);
    QVERIFY(!ok->isEnabled());
    QVERIFY2(dialog.problem().contains(QStringLiteral("0g")) || dialog.problem().contains(QStringLiteral("g")),
             qPrintable(dialog.problem()));
    draft.body = QStringLiteral("01 {{suffix}}");   // filled in when sent
    dialog.setMessage(draft);
    QVERIFY(ok->isEnabled());
    draft.kind = SavedMessage::Kind::Json;
    draft.body = QStringLiteral("{\"a\": ");
    dialog.setMessage(draft);
    QVERIFY(ok->isEnabled());   // invalid JSON is said, and still sent as written
    QCOMPARE(dialog.message().body, draft.body);
    QCOMPARE(dialog.message().id, draft.id);
}

void TestSavedMessages::recentFileKeepsMessagesPerUrl()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("collections/recent.json"));
    RecentMessages recent(path);
    QString error;
    QVERIFY(recent.messages(QStringLiteral("ws://a.example/feed"), &error).isEmpty());
    QVERIFY(error.isEmpty());
    QVERIFY2(recent.setMessages(QStringLiteral("ws://a.example/feed?x=1"),
                                {message(QStringLiteral("one"), QStringLiteral("1"))}, &error), qPrintable(error));
    QVERIFY2(recent.setMessages(QStringLiteral("wss://b.example:8443/"),
                                {message(QStringLiteral("two"), QStringLiteral("2")),
                                 message(QStringLiteral("three"), QStringLiteral("03"), SavedMessage::Kind::Hex)},
                                &error), qPrintable(error));
    // Another instance (another window) reads the same file; the query does not matter.
    RecentMessages other(path);
    QCOMPARE(other.messages(QStringLiteral("ws://a.example/feed?y=2")).size(), 1);
    QCOMPARE(other.messages(QStringLiteral("wss://b.example:8443/")).at(1).kind, SavedMessage::Kind::Hex);
    // It is a collection like any other, with one profile per URL.
    Collection collection;
    QVERIFY2(Collection::readFile(path, &collection, &error), qPrintable(error));
    QCOMPARE(collection.profiles().size(), 2);
    QCOMPARE(collection.profiles().at(1).profile->name, QStringLiteral("b.example:8443/"));
    QVERIFY(recent.setMessages(QStringLiteral("ws://a.example/feed"), {}, &error));
    QVERIFY(Collection::readFile(path, &collection, &error));
    QCOMPARE(collection.profiles().size(), 1);

    // A damaged file is not overwritten.
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write("{ not json");
    file.close();
    QVERIFY(!recent.setMessages(QStringLiteral("ws://a.example/feed"), {message(QStringLiteral("x"), QStringLiteral("x"))},
                                &error));
    QVERIFY2(error.contains(QStringLiteral("line 1")), qPrintable(error));
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), QByteArray("{ not json"));
}

void TestSavedMessages::windowSavesSendsAndSubscribesOnOpen()
{
    EchoServer echo;
    QVERIFY(echo.listen());
    {
        MainWindow window(echo.url());
        window.resize(1100, 720);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(window.connectToUrl());
        QTRY_COMPARE(window.session()->state(), Session::State::Open);

        // Save what the composer holds: JSON is recognised.
        window.composer()->setMessage(Composer::Format::Text, QStringLiteral("{\"op\": \"subscribe\"}"));
        window.savedMessages()->saveButton()->click();
        SavedMessageDialog *dialog = nullptr;
        QTRY_VERIFY((dialog = window.findChild<SavedMessageDialog *>()));
        QCOMPARE(dialog->message().kind, SavedMessage::Kind::Json);
        QCOMPARE(dialog->message().name, QStringLiteral("{\"op\": \"subscribe\"}"));
        dialog->accept();
        QTRY_VERIFY(!window.findChild<SavedMessageDialog *>());
        QCOMPARE(window.savedMessages()->model()->rowCount(), 1);

        // Sent by a double click; the echo comes back.
        QListView *view = window.savedMessages()->view();
        const QPoint centre = view->visualRect(view->model()->index(0, 0)).center();
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, centre);
        QTest::mouseDClick(view->viewport(), Qt::LeftButton, {}, centre);
        QTRY_COMPARE(sentTexts(&window).size(), 1);
        QCOMPARE(sentTexts(&window).at(0), QByteArray("{\"op\": \"subscribe\"}"));

        // From a log row: the received echo, as JSON, under a name to change.
        QTRY_COMPARE(window.session()->log()->count(), 3);   // open, sent, received
        LogView *log = window.logView();
        // The view takes rows in batches: the received one must be in it to be chosen.
        QTRY_COMPARE(log->model()->rowCount(), 3);
        log->selectRow(2);
        QAction *saveRow = log->action(LogView::Action::SaveAsMessage);
        QVERIFY(saveRow->isEnabled());
        saveRow->trigger();
        QTRY_VERIFY((dialog = window.findChild<SavedMessageDialog *>()));
        QCOMPARE(dialog->message().kind, SavedMessage::Kind::Json);
        QCOMPARE(dialog->message().body, QStringLiteral("{\"op\": \"subscribe\"}"));
        dialog->reject();
        QTRY_VERIFY(!window.findChild<SavedMessageDialog *>());
        QCOMPARE(window.savedMessages()->model()->rowCount(), 1);
        log->selectRow(0);   // an event has nothing to save
        QVERIFY(!saveRow->isEnabled());

        // A second one with a dynamic value, marked to be sent on open.
        SavedMessage hello = message(QStringLiteral("hello"), QStringLiteral("hello at {{$timestamp}}"));
        hello.onOpen = true;
        window.savedMessages()->model()->append(hello);
        window.savedMessages()->model()->setData(window.savedMessages()->model()->index(0), Qt::Checked,
                                                 Qt::CheckStateRole);
        window.session()->close(1000, {});
        QTRY_COMPARE(window.session()->state(), Session::State::Closed);
    }
    // The next window has them (the built-in server's port changed or not),
    // and sends the on-open ones first, in order, as soon as it connects.
    EchoServer again;
    QVERIFY(again.listen());
    MainWindow window(again.url());
    QCOMPARE(window.savedMessages()->model()->rowCount(), 2);
    QVERIFY(window.connectToUrl());
    QTRY_COMPARE(window.session()->state(), Session::State::Open);
    QTRY_COMPARE(sentTexts(&window).size(), 2);
    QCOMPARE(sentTexts(&window).at(0), QByteArray("{\"op\": \"subscribe\"}"));
    QVERIFY2(QRegularExpression(QStringLiteral("^hello at \\d{10}$")).match(QString::fromUtf8(sentTexts(&window).at(1))).hasMatch(),
             sentTexts(&window).at(1).constData());
    // And on the next connection again.
    window.session()->close(1000, {});
    QTRY_COMPARE(window.session()->state(), Session::State::Closed);
    QVERIFY(window.connectToUrl());
    QTRY_COMPARE(sentTexts(&window).size(), 4);
    QCOMPARE(sentTexts(&window).at(2), QByteArray("{\"op\": \"subscribe\"}"));
    window.session()->close(1000, {});
    QTRY_COMPARE(window.session()->state(), Session::State::Closed);
}

// What older versions remembered per URL in the settings file moves into the
// Recent collection, next to the URL's saved messages; an entry holding a
// secret waits until the keyring has taken that secret.
void TestSavedMessages::settingsOptionsMoveIntoTheRecentCollection()
{
    EchoServer echo;
    QVERIFY(echo.listen());
    const QString feed = echo.url().toString() + QStringLiteral("feed");
    const QString other = QStringLiteral("ws://127.0.0.1:1/other");
    QVariantMap old;
    old.insert(QStringLiteral("headers"), QVariantList{QVariant(QVariantList{true, QStringLiteral("X-Old"), QStringLiteral("kept-1")})});
    old.insert(QStringLiteral("protocols"), QStringLiteral("chat.v2"));
    old.insert(QStringLiteral("pingIntervalMs"), 5000);
    old.insert(QStringLiteral("closeCode"), 4001);
    old.insert(QStringLiteral("closeReason"), QStringLiteral("bye now"));
    Settings::setConnectionOptions(feed + QStringLiteral("?page=2"), old);
    QVariantMap secret;
    secret.insert(QStringLiteral("authKind"), 2);
    secret.insert(QStringLiteral("authSecret"), QStringLiteral("plain-tok-4242"));
    secret.insert(QStringLiteral("origin"), QStringLiteral("http://app.example"));
    Settings::setConnectionOptions(other, secret);
    RecentMessages recent;
    QString error;
    QVERIFY2(recent.setMessages(feed, {message(QStringLiteral("hello"), QStringLiteral("hi"))}, &error), qPrintable(error));

    // A Recent file that cannot be read: nothing moves, nothing is lost.
    const QByteArray before = TestFiles::recentText();
    {
        QFile broken(RecentMessages::defaultPath());
        QVERIFY(broken.open(QIODevice::WriteOnly));
        broken.write("{\"format\": \"wsscope-collection\", \"version\": 1, \"items\": [");
    }
    QSettings settings;
    QCOMPARE(recent.migrateSettings(&settings, &error), -1);
    QVERIFY(!error.isEmpty());
    QCOMPARE(Settings::connectionOptions(feed), old);
    {
        QFile fixed(RecentMessages::defaultPath());
        QVERIFY(fixed.open(QIODevice::WriteOnly));
        fixed.write(before);
    }

    QCOMPARE(recent.migrateSettings(&settings, &error), 1);
    QVERIFY(Settings::connectionOptions(feed).isEmpty());
    // The Recent file is its owner's alone, as the settings file was (0600 in a 0700 folder).
    const QFileDevice::Permissions others = QFileDevice::ReadGroup | QFileDevice::WriteGroup | QFileDevice::ExeGroup
        | QFileDevice::ReadOther | QFileDevice::WriteOther | QFileDevice::ExeOther;
    QCOMPARE(QFile::permissions(RecentMessages::defaultPath()) & others, QFileDevice::Permissions());
    QCOMPARE(QFile::permissions(QFileInfo(RecentMessages::defaultPath()).absolutePath()) & others,
             QFileDevice::Permissions());
    QCOMPARE(Settings::connectionOptions(other), secret);   // waits for the keyring
    const QByteArray file = TestFiles::recentText();
    QVERIFY(!file.contains("plain-tok-4242"));
    const QVariantMap moved = recent.options(feed);
    QCOMPARE(moved.value(QStringLiteral("protocols")).toString(), QStringLiteral("chat.v2"));
    QCOMPARE(moved.value(QStringLiteral("pingIntervalMs")).toInt(), 5000);
    QCOMPARE(moved.value(QStringLiteral("closeCode")).toInt(), 4001);
    QCOMPARE(moved.value(QStringLiteral("closeReason")).toString(), QStringLiteral("bye now"));
    QCOMPARE(moved.value(QStringLiteral("headers")).toList().at(0).toList().at(2).toString(), QStringLiteral("kept-1"));
    QCOMPARE(recent.messages(feed).size(), 1);   // the messages stay with it
    QCOMPARE(recent.migrateSettings(&settings, &error), 0);   // once

    // The keyring took the secret: the rest follows, marked as having secrets there.
    secret.remove(QStringLiteral("authSecret"));
    secret.insert(QStringLiteral("secretsStored"), true);
    Settings::setConnectionOptions(other, secret);
    QCOMPARE(recent.migrateSettings(&settings, &error), 1);
    QVERIFY(Settings::connectionOptions(other).isEmpty());
    QCOMPARE(recent.options(other).value(QStringLiteral("secretsStored")).toBool(), true);
    QCOMPARE(recent.options(other).value(QStringLiteral("origin")).toString(), QStringLiteral("http://app.example"));

    // The window brings the moved options back for the URL, and keeps new ones there.
    MainWindow window(echo.url());
    window.setUrl(feed);
    window.loadConnectionOptions(feed, true);
    QCOMPARE(window.requestEditor()->state().value(QStringLiteral("protocols")).toString(), QStringLiteral("chat.v2"));
    QVariantMap state = window.requestEditor()->state();
    state.insert(QStringLiteral("protocols"), QString());
    state.insert(QStringLiteral("origin"), QStringLiteral("http://%1").arg(echo.url().authority()));
    window.requestEditor()->setState(state);
    QVERIFY(window.connectToUrl());
    QTRY_COMPARE(window.session()->state(), Session::State::Open);
    QCOMPARE(recent.options(feed).value(QStringLiteral("origin")).toString(),
             QStringLiteral("http://%1").arg(echo.url().authority()));
    QCOMPARE(recent.options(feed).value(QStringLiteral("closeCode")).toInt(), 4001);   // not asked for again: kept
    QVERIFY(Settings::connectionOptions(feed).isEmpty());   // nothing goes back into the settings file
    window.session()->close(1000, {});
    QTRY_COMPARE(window.session()->state(), Session::State::Closed);
}

QTEST_MAIN(TestSavedMessages)
#include "tst_savedmessages.moc"
