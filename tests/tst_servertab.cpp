#include "freeport.h"
#include "connectionpane.h"
#include "inspector/handshakeinspector.h"
#include "inspector/handshakestory.h"
#include "inspector/livechart.h"
#include "inspector/timingview.h"
#include "log/logmodel.h"
#include "mainwindow.h"
#include "record/sessionfile.h"
#include "server/echoserver.h"
#include "settings/settings.h"
#include "savedmessages.h"
#include "serverpane.h"
#include "shortcutletters.h"
#include "testfiles.h"
#include "theme.h"
#include "tlsfixture.h"

#include <algorithm>

#include <QApplication>
#include <QClipboard>
#include <QCheckBox>
#include <QComboBox>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMessageBox>
#include <QFileInfo>
#include <QLineEdit>
#include <QProcess>
#include <QSettings>
#include <QRegularExpression>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QMenuBar>
#include <QMultiHash>
#include <QLabel>
#include <QTabBar>
#include <QTest>
#include <QToolButton>
#include <QWebSocket>

// The server tab in the real window, with real clients.
class TestServerTab : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void fitsASmallWindow();
    void shortcutsDoNotClash();
    void tabGoesAlongTheForm();
    void clientsAreListedAndInspected();
    void refusalChosenInTheForm();
    void badSettingsAreExplained();
    void closingTheWindowSaysGoodbye();
    void savedMessagesGreetAndReply();
    void savedMessagesFilledInEachTime();
    void largestMessageChosenInTheForm();
    void formRememberedForTheNextTab();
    void serverTabsComeBackAfterARestart();
    void unsavedClientsAreAskedAbout();
    void clientPingsAreTimed();
};

namespace {

template<typename Widget, typename Test>
Widget *childWhere(QWidget *parent, Test test)
{
    for (Widget *child : parent->findChildren<Widget *>()) {
        if (test(child))
            return child;
    }
    return nullptr;
}

QComboBox *replyBox(ServerPane *server)
{
    return childWhere<QComboBox>(server, [](QComboBox *box) { return box->itemText(0) == QStringLiteral("Echo every message"); });
}

SavedMessage saved(const QString &name, SavedMessage::Kind kind, const QString &body, bool onOpen = false)
{
    SavedMessage message;
    message.name = name;
    message.kind = kind;
    message.body = body;
    message.onOpen = onOpen;
    return message;
}

} // namespace

void TestServerTab::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("wsscope-tests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_servertab"));
}

void TestServerTab::init()
{
    TestFiles::clearRemembered();
}

// At 800×600 the window keeps its size with a server tab in front, in each
// state of the tab: its form (with the all-interfaces warning) scrolls, the
// views of a client fit below the list, the form opened again while it runs.
void TestServerTab::fitsASmallWindow()
{
    EchoServer echo;
    QVERIFY(echo.listen());
    MainWindow window(echo.url());
    window.resize(800, 600);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    ServerPane *server = window.newServerTab();
    const auto fits = [&window](const char *state) {
        QCoreApplication::processEvents();
        const QSize least = window.minimumSizeHint();
        if (least.width() > 800 || least.height() > 600 || window.height() != 600) {
            qWarning("%s: the window needs %d x %d and is %d x %d", state, least.width(), least.height(), window.width(),
                     window.height());
            return false;
        }
        return true;
    };
    QVERIFY(fits("stopped"));
    QComboBox *address = childWhere<QComboBox>(server, [](QComboBox *box) { return box->itemText(0).startsWith(QStringLiteral("127.0.0.1")); });
    address->setCurrentIndex(1);   // the warning's row, not started
    QVERIFY(fits("all interfaces"));
    address->setCurrentIndex(0);
    QVERIFY(server->start());
    QWebSocket client;
    client.open(server->server()->url());
    QTRY_COMPARE(client.state(), QAbstractSocket::ConnectedState);
    QTRY_VERIFY(server->viewer()->isVisible());
    QVERIFY(fits("running, a client shown"));
    QPushButton *settings = childWhere<QPushButton>(server, [](QPushButton *button) { return button->text() == QStringLiteral("Settin&gs"); });
    QVERIFY(settings && !settings->isChecked());
    settings->setChecked(true);
    QVERIFY(fits("running, the form shown"));
}

// Alt+letter goes to one place in a server tab too: its form, its buttons,
// the menus and the views of the client shown below, whichever inspector
// tab is up, with the form shown while the server runs.
void TestServerTab::shortcutsDoNotClash()
{
    EchoServer echo;
    QVERIFY(echo.listen());
    MainWindow window(echo.url());
    window.resize(1100, 720);
    window.show();
    ServerPane *server = window.newServerTab(0, true);
    QWebSocket client;
    client.open(server->server()->url());
    QTRY_COMPARE(client.state(), QAbstractSocket::ConnectedState);
    QTRY_VERIFY(server->viewer()->isVisible());
    childWhere<QPushButton>(server, [](QPushButton *button) { return button->text() == QStringLiteral("Settin&gs"); })->setChecked(true);
    QTabWidget *details = childWhere<QTabWidget>(server->viewer(), [](QTabWidget *tabs) { return tabs->tabText(0) == QStringLiteral("&Message"); });
    QVERIFY(details);
    QStringList clashes;
    const auto check = [&](const QString &state) {
        for (int tab = 0; tab < details->count(); ++tab) {
            details->setCurrentIndex(tab);
            for (const QString &clash : ShortcutLetters::clashes(ShortcutLetters::owners(window, true)))
                clashes << QStringLiteral("%1 %2 on %3").arg(clash, state, details->tabText(tab));
        }
    };
    check(QStringLiteral("while it runs"));
    // Stopped: the form takes letters again, the last client still shown.
    server->stop();
    QTRY_COMPARE(server->server()->client(1).state, InspectServer::ClientState::Closed);
    check(QStringLiteral("stopped"));
    clashes.removeDuplicates();
    QVERIFY2(clashes.isEmpty(), qPrintable(clashes.join(u'\n')));
}

// Tab walks the form row by row, each Browse… right after its field, then Start.
void TestServerTab::tabGoesAlongTheForm()
{
    EchoServer echo;
    QVERIFY(echo.listen());
    MainWindow window(echo.url());
    window.resize(1100, 720);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    ServerPane *server = window.newServerTab();
    QComboBox *address = childWhere<QComboBox>(server, [](QComboBox *box) { return box->itemText(0).startsWith(QStringLiteral("127.0.0.1")); });
    address->setFocus(Qt::TabFocusReason);
    QTRY_COMPARE(QApplication::focusWidget(), address);
    QStringList order;
    for (int i = 0; i < 16; ++i) {
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
        QWidget *focused = QApplication::focusWidget();
        if (auto *edit = qobject_cast<QLineEdit *>(focused))
            order << QStringLiteral("edit:") + edit->placeholderText().section(u' ', 0, 1);
        else if (auto *button = qobject_cast<QAbstractButton *>(focused))
            order << QStringLiteral("button:") + button->text();
        else if (auto *box = qobject_cast<QComboBox *>(focused))
            order << QStringLiteral("combo:") + box->itemText(0).section(u' ', 0, 1);
        else if (auto *spin = qobject_cast<QSpinBox *>(focused))
            order << QStringLiteral("spin:") + spin->suffix().trimmed() + spin->specialValueText();
        else if (focused && focused->parentWidget() && qobject_cast<QSpinBox *>(focused->parentWidget()))
            order << QStringLiteral("spin:") + qobject_cast<QSpinBox *>(focused->parentWidget())->suffix().trimmed()
                    + qobject_cast<QSpinBox *>(focused->parentWidget())->specialValueText();
        else
            order << QString::fromLatin1(focused ? focused->metaObject()->className() : "none");
    }
    const QStringList expected = {QStringLiteral("spin:any free port"), QStringLiteral("edit:any path;"),
                                  QStringLiteral("combo:Accept: 101"), QStringLiteral("edit:none: ws://;"),
                                  QStringLiteral("button:&Browse…"), QStringLiteral("edit:PEM key,"),
                                  QStringLiteral("button:Browse…"), QStringLiteral("combo:Echo every"),
                                  QStringLiteral("edit:of the"),   // the reply's text is off with Echo
                                  QStringLiteral("spin:MiB"), QStringLiteral("edit:Name: value"),
                                  QStringLiteral("edit:chat, mqtt"), QStringLiteral("button:Requ&ire one"),
                                  QStringLiteral("spin:ms"), QStringLiteral("spin:never"), QStringLiteral("button:&Start")};
    QCOMPARE(order, expected);
}

void TestServerTab::clientsAreListedAndInspected()
{
    EchoServer echo;
    QVERIFY(echo.listen());
    MainWindow window(echo.url());
    window.show();
    ServerPane *server = window.newServerTab(0, true);
    QVERIFY(server->server()->isListening());
    QCOMPARE(window.tabs()->currentWidget(), server);
    QCOMPARE(window.tabs()->tabText(window.tabs()->currentIndex()), QStringLiteral("Server :%1").arg(server->server()->url().port()));
    // The URL to give a client, copyable.
    const QString shown = server->server()->url().toString();
    QPushButton *copy = nullptr;
    for (QPushButton *button : server->findChildren<QPushButton *>()) {
        if (button->text() == QStringLiteral("Copy U&RL"))
            copy = button;
    }
    QVERIFY(copy);
    copy->click();
    QCOMPARE(QApplication::clipboard()->text(), shown);

    QWebSocket first;
    QStringList got;
    connect(&first, &QWebSocket::textMessageReceived, this, [&](const QString &m) { got << m; });
    first.open(QUrl(shown));
    QTRY_COMPARE(first.state(), QAbstractSocket::ConnectedState);
    first.sendTextMessage(QStringLiteral("from the first"));
    QTRY_COMPARE(got, QStringList{QStringLiteral("from the first")});
    QWebSocket second;
    second.open(QUrl(shown));
    QTRY_COMPARE(second.state(), QAbstractSocket::ConnectedState);

    // Both listed, the first shown in the connection's views.
    QTableWidget *clients = server->clientTable();
    QTRY_COMPARE(clients->rowCount(), 2);
    QTRY_COMPARE(clients->item(0, 3)->text(), QStringLiteral("open"));
    QCOMPARE(server->selectedClient(), 1);
    ConnectionPane *viewer = window.currentPane();
    QCOMPARE(viewer, server->viewer());
    QVERIFY(viewer->isReadOnly());
    QTRY_COMPARE(viewer->logModel()->rowCount(), 3);   // open, received, echoed
    QVERIFY(viewer->session()->connections().last().server);
    QVERIFY(viewer->session()->handshake().accept.matches);
    QVERIFY(viewer->session()->capture()->messageEquals(true, 0, "from the first"));
    QVERIFY(viewer->stateText().contains(QStringLiteral("client of the server")));
    // The story of a client still connected: frames flow, the close is to come.
    HandshakeStory *story = viewer->inspector()->story();
    QTRY_VERIFY(story->steps().size() == 5 && story->steps().at(3).reached);
    QVERIFY2(!story->steps().at(4).reached, qPrintable(story->steps().at(4).details.join(u'\n')));
    QCOMPARE(story->steps().at(3).role, Theme::Role::Good);
    QVERIFY2(viewer->inspector()->summaryText().contains(QStringLiteral("by the server, as its client sent it")),
             qPrintable(viewer->inspector()->summaryText()));

    // The composer sends to the selected client; its rows follow in the views.
    QLineEdit *composer = nullptr;
    for (QLineEdit *edit : server->findChildren<QLineEdit *>()) {
        if (edit->placeholderText().startsWith(QStringLiteral("Text, or hex")))
            composer = edit;
    }
    QVERIFY(composer);
    composer->setText(QStringLiteral("from the server"));
    QTest::keyClick(composer, Qt::Key_Return);
    QTRY_COMPARE(got.size(), 2);
    QCOMPARE(got.last(), QStringLiteral("from the server"));
    QTRY_COMPARE(viewer->logModel()->rowCount(), 4);

    // Selecting the second shows it instead.
    server->selectClient(2);
    QCOMPARE(server->selectedClient(), 2);
    QTRY_COMPARE(viewer->session()->connections().last().id, 2);
    QTRY_COMPARE(viewer->logModel()->rowCount(), 1);

    // Closing from the tab, with a code.
    server->selectClient(1);
    for (QSpinBox *spin : server->findChildren<QSpinBox *>()) {
        if (spin->toolTip() == QStringLiteral("Close code"))
            spin->setValue(4002);
    }
    for (QPushButton *button : server->findChildren<QPushButton *>()) {
        if (button->text() == QStringLiteral("&Close"))
            button->click();
    }
    QTRY_COMPARE(first.state(), QAbstractSocket::UnconnectedState);
    QCOMPARE(int(first.closeCode()), 4002);
    QTRY_COMPARE(clients->item(0, 3)->text(), QStringLiteral("closed"));
    // Then its close, as it went.
    QTRY_VERIFY(story->steps().at(4).reached);
    QVERIFY2(story->steps().at(4).details.join(u'\n').contains(QStringLiteral("wsscope closed it: 4002")),
             qPrintable(story->steps().at(4).details.join(u'\n')));

    // Saving from the window saves every client of the server.
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("server.jsonl"));
    QVERIFY(window.saveTo(path));
    QTRY_VERIFY(QFile::exists(path));
    Session reopened;
    SessionFile::Loaded loaded;
    QString error;
    QTRY_VERIFY(SessionFile::load(path, &reopened, &loaded, &error));
    QCOMPARE(loaded.connections.size(), 2);
    QVERIFY(loaded.connections.at(0).server);
    QCOMPARE(loaded.connections.at(0).close.code, 4002);

    // Closing the tab stops the server.
    const QUrl gone = server->server()->url();
    window.tabs()->setCurrentWidget(server);
    QPointer<ServerPane> guard(server);
    QVERIFY(window.closeTab(window.tabs()->indexOf(server), false));
    QTRY_VERIFY(!guard);
    QTRY_COMPARE(second.state(), QAbstractSocket::UnconnectedState);
    QCOMPARE(int(second.closeCode()), 1001);
    QWebSocket late;
    late.open(gone);
    QTRY_COMPARE(late.state(), QAbstractSocket::UnconnectedState);
}

void TestServerTab::refusalChosenInTheForm()
{
    EchoServer echo;
    QVERIFY(echo.listen());
    MainWindow window(echo.url());
    window.show();
    ServerPane *server = window.newServerTab();
    QVERIFY(!server->server()->isListening());
    QComboBox *answer = nullptr;
    for (QComboBox *box : server->findChildren<QComboBox *>()) {
        if (box->findData(401) >= 0)
            answer = box;
    }
    QVERIFY(answer);
    answer->setCurrentIndex(answer->findData(401));
    QVERIFY(server->start());
    QWebSocket client;
    client.open(server->server()->url());
    QTRY_COMPARE(client.state(), QAbstractSocket::UnconnectedState);
    QTRY_COMPARE(server->clientTable()->rowCount(), 1);
    QTRY_COMPARE(server->clientTable()->item(0, 3)->text(), QStringLiteral("refused (401)"));
    QTRY_COMPARE(server->viewer()->session()->handshake().statusLine, QByteArray("HTTP/1.1 401 Unauthorized"));
}

void TestServerTab::badSettingsAreExplained()
{
    EchoServer echo;
    QVERIFY(echo.listen());
    MainWindow window(echo.url());
    window.show();
    ServerPane *server = window.newServerTab();
    QString said;
    connect(server, &ServerPane::statusMessage, this, [&](const QString &text) { said = text; });
    QLineEdit *paths = nullptr;
    QLineEdit *certificate = nullptr;
    for (QLineEdit *edit : server->findChildren<QLineEdit *>()) {
        if (edit->placeholderText().startsWith(QStringLiteral("any path")))
            paths = edit;
        if (edit->placeholderText().startsWith(QStringLiteral("none: ws://")))
            certificate = edit;
    }
    QVERIFY(paths && certificate);
    paths->setText(QStringLiteral("chat"));
    QVERIFY(!server->start());
    QVERIFY2(said.contains(QStringLiteral("starts with /")), qPrintable(said));
    paths->setText(QStringLiteral("/chat"));
    certificate->setText(QStringLiteral("/nonexistent/cert.pem"));
    QVERIFY(!server->start());
    QVERIFY2(said.contains(QStringLiteral("/nonexistent/cert.pem")), qPrintable(said));
    QVERIFY(!server->server()->isListening());
    // Said in the tab too, where it stays after the status bar's message has gone: a port in use.
    QLabel *shown = childWhere<QLabel>(server, [&said](QLabel *label) { return label->text() == said; });
    QVERIFY(shown && shown->isVisibleTo(server));
    certificate->clear();
    QTcpServer busy;
    QVERIFY(busy.listen(QHostAddress::LocalHost));
    server->setPort(busy.serverPort());
    QVERIFY(!server->start());
    QVERIFY2(shown->text().contains(QStringLiteral("Cannot listen")), qPrintable(shown->text()));
    busy.close();
    QVERIFY(server->start());
    QVERIFY(!shown->isVisibleTo(server));
}

void TestServerTab::closingTheWindowSaysGoodbye()
{
    EchoServer echo;
    QVERIFY(echo.listen());
    auto *window = new MainWindow(echo.url());
    window->show();
    ServerPane *server = window->newServerTab(0, true);
    QWebSocket client;
    client.open(server->server()->url());
    QTRY_COMPARE(client.state(), QAbstractSocket::ConnectedState);
    QTRY_COMPARE(server->server()->openClientCount(), 1);
    // Saved, so not asked about: the window waits for the client's answer to its Close, then goes.
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("server.jsonl"));
    QVERIFY(server->viewer()->saveTo(path));
    QTRY_VERIFY(!server->hasUnsavedClients());
    QVERIFY(QFileInfo(path).size() > 0);
    window->close();
    QVERIFY(!window->findChild<QMessageBox *>(QStringLiteral("quitQuestion")));
    QTRY_COMPARE(client.state(), QAbstractSocket::UnconnectedState);
    QCOMPARE(int(client.closeCode()), 1001);
    QTRY_VERIFY(!window->isVisible());
    delete window;
}

// The tab's saved messages: those marked on open greet each client, the
// others answer in turn, a change applies to the running server, one can be
// sent by hand, and they are kept for the next run.
void TestServerTab::savedMessagesGreetAndReply()
{
    EchoServer echo;
    QVERIFY(echo.listen());
    MainWindow window(echo.url());
    window.show();
    ServerPane *server = window.newServerTab();
    QString said;
    connect(server, &ServerPane::statusMessage, this, [&](const QString &text) { said = text; });
    SavedMessageModel *model = server->savedMessages()->model();
    model->append(saved(QStringLiteral("greeting"), SavedMessage::Kind::Text, QStringLiteral("welcome"), true));
    QComboBox *reply = replyBox(server);
    QVERIFY(reply);
    reply->setCurrentIndex(reply->findText(QStringLiteral("Answer with the saved messages in turn")));
    // Only a greeting: nothing to answer with.
    QVERIFY(!server->start());
    QVERIFY2(said.contains(QStringLiteral("No saved message to answer with")), qPrintable(said));
    model->append(saved(QStringLiteral("first"), SavedMessage::Kind::Json, QStringLiteral("{\"n\": 1}")));
    model->append(saved(QStringLiteral("second"), SavedMessage::Kind::Hex, QStringLiteral("0a 0b")));
    QVERIFY(server->start());

    QWebSocket client;
    QStringList got;
    connect(&client, &QWebSocket::textMessageReceived, this, [&](const QString &m) { got << m; });
    connect(&client, &QWebSocket::binaryMessageReceived, this,
            [&](const QByteArray &m) { got << QString::fromLatin1(m.toHex()); });
    client.open(server->server()->url());
    QTRY_COMPARE(got, QStringList{QStringLiteral("welcome")});
    for (int i = 0; i < 3; ++i)
        client.sendTextMessage(QStringLiteral("m%1").arg(i));
    QTRY_COMPARE(got.size(), 4);
    QCOMPARE(got.mid(1), (QStringList{QStringLiteral("{\"n\": 1}"), QStringLiteral("0a0b"), QStringLiteral("{\"n\": 1}")}));

    // Edited while it runs: the next message gets the new list.
    model->removeAt(2);
    model->removeAt(1);
    model->append(saved(QStringLiteral("only"), SavedMessage::Kind::Text, QStringLiteral("only this")));
    client.sendTextMessage(QStringLiteral("m3"));
    QTRY_COMPARE(got.size(), 5);
    QCOMPARE(got.last(), QStringLiteral("only this"));

    // By hand, to the selected client.
    QTRY_COMPARE(server->selectedClient(), 1);
    server->savedMessages()->setCurrentRow(0);
    QTRY_VERIFY(server->savedMessages()->sendButton()->isEnabled());
    server->savedMessages()->sendButton()->click();
    QTRY_COMPARE(got.size(), 6);
    QCOMPARE(got.last(), QStringLiteral("welcome"));
    client.close();

    // Kept in the Recent collection, and there for the next tab.
    QVERIFY(TestFiles::recentText().contains("wsscope:server-tab"));
    ServerPane *next = window.newServerTab();
    QCOMPARE(next->savedMessages()->model()->rowCount(), 2);
    QCOMPARE(next->savedMessages()->model()->message(1).body, QStringLiteral("only this"));
    // One list for every server tab: what one adds, the other has, and nothing is written over.
    next->savedMessages()->model()->append(saved(QStringLiteral("from next"), SavedMessage::Kind::Text, QStringLiteral("n")));
    QCOMPARE(model->rowCount(), 3);
    QCOMPARE(model->message(2).name, QStringLiteral("from next"));
    model->removeAt(0);
    QCOMPARE(next->savedMessages()->model()->rowCount(), 2);
    QCOMPARE(next->savedMessages()->model()->message(1).name, QStringLiteral("from next"));
}

// A saved message's dynamic values are made anew for every reply and every
// client's greeting, as a connection makes them at each sending.
void TestServerTab::savedMessagesFilledInEachTime()
{
    EchoServer echo;
    QVERIFY(echo.listen());
    MainWindow window(echo.url());
    window.show();
    ServerPane *server = window.newServerTab();
    SavedMessageModel *model = server->savedMessages()->model();
    model->append(saved(QStringLiteral("hello"), SavedMessage::Kind::Text, QStringLiteral("hello {{$randomUUID}}"), true));
    model->append(saved(QStringLiteral("ack"), SavedMessage::Kind::Json,
                        QStringLiteral("{\"id\": \"{{$randomUUID}}\", \"fixed\": 1}")));
    QComboBox *reply = replyBox(server);
    reply->setCurrentIndex(reply->findText(QStringLiteral("Answer with every saved message")));
    QVERIFY(server->start());

    const QRegularExpression uuid(QStringLiteral("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"));
    QStringList got;
    QWebSocket client;
    connect(&client, &QWebSocket::textMessageReceived, this, [&](const QString &m) { got << m; });
    client.open(server->server()->url());
    QTRY_COMPARE(got.size(), 1);
    client.sendTextMessage(QStringLiteral("one"));
    client.sendTextMessage(QStringLiteral("two"));
    QTRY_COMPARE(got.size(), 3);
    QVERIFY2(got.at(0).startsWith(QStringLiteral("hello ")) && uuid.match(got.at(0)).hasMatch(), qPrintable(got.at(0)));
    for (const QString &answer : got.mid(1)) {
        const QJsonObject object = QJsonDocument::fromJson(answer.toUtf8()).object();
        QVERIFY2(uuid.match(object.value(QStringLiteral("id")).toString()).hasMatch(), qPrintable(answer));
        QCOMPARE(object.value(QStringLiteral("fixed")).toInt(), 1);
    }
    QVERIFY2(got.at(1) != got.at(2), qPrintable(got.at(1)));

    QStringList secondGot;
    QWebSocket second;
    connect(&second, &QWebSocket::textMessageReceived, this, [&](const QString &m) { secondGot << m; });
    second.open(server->server()->url());
    QTRY_COMPARE(secondGot.size(), 1);
    QVERIFY(uuid.match(secondGot.first()).hasMatch());
    QVERIFY2(secondGot.first() != got.first(), qPrintable(secondGot.first()));
}

void TestServerTab::largestMessageChosenInTheForm()
{
    EchoServer echo;
    QVERIFY(echo.listen());
    MainWindow window(echo.url());
    window.show();
    ServerPane *server = window.newServerTab();
    QSpinBox *largest = childWhere<QSpinBox>(server, [](QSpinBox *spin) { return spin->suffix() == QStringLiteral(" MiB"); });
    QVERIFY(largest);
    QCOMPARE(largest->value(), 64);
    largest->setValue(1);
    // A passphrase typed for a certificate that is not there: refused, and written nowhere.
    QLineEdit *passphrase = childWhere<QLineEdit>(server, [](QLineEdit *edit) { return edit->echoMode() == QLineEdit::Password; });
    QLineEdit *certificate = childWhere<QLineEdit>(server, [](QLineEdit *edit) {
        return edit->placeholderText().startsWith(QStringLiteral("none: ws://"));
    });
    QVERIFY(passphrase && certificate);
    passphrase->setText(QStringLiteral("hunter2-passphrase"));
    certificate->setText(QStringLiteral("/nonexistent/server.p12"));
    QVERIFY(!server->start());
    certificate->clear();
    QVERIFY(server->start());
    QVERIFY(!TestFiles::settingsText().contains("hunter2-passphrase"));
    QWebSocket client;
    client.open(server->server()->url());
    QTRY_COMPARE(client.state(), QAbstractSocket::ConnectedState);
    client.sendBinaryMessage(QByteArray(1024 * 1024 + 1, 'x'));
    QTRY_COMPARE_WITH_TIMEOUT(client.state(), QAbstractSocket::UnconnectedState, 10000);
    QCOMPARE(int(client.closeCode()), 1009);
}

// A server tab whose clients were not saved: its own close and the window's
// ask first; Cancel leaves the server running.
// The next server tab, in this window or the next, begins with the settings
// the last one started with: its port among them, so a client pointed at it
// finds it again. The passphrase, a credential the client must send and the
// address (all interfaces is chosen again each time) are not kept.
void TestServerTab::formRememberedForTheNextTab()
{
    const quint16 port = freeLoopbackPort();
    QVERIFY(port != 0);
    QString keyPath;
    TlsFixture tls;
    QVERIFY2(tls.create(), qPrintable(tls.error()));
    {
        EchoServer echo;
        QVERIFY(echo.listen());
        MainWindow window(echo.url());
        ServerPane *first = window.newServerTab();
        const auto field = [first](const QString &placeholderStart) {
            return childWhere<QLineEdit>(first, [&](QLineEdit *edit) { return edit->placeholderText().startsWith(placeholderStart); });
        };
        first->setPort(port);
        field(QStringLiteral("any path"))->setText(QStringLiteral("/chat, /feed"));
        field(QStringLiteral("none: ws://"))->setText(tls.certPath());
        field(QStringLiteral("PEM key"))->setText(tls.keyPath());
        field(QStringLiteral("of the PKCS#12 file"))->setText(QStringLiteral("pass-word-not-needed"));
        field(QStringLiteral("Name: value"))->setText(QStringLiteral("Authorization: Bearer s3cret-token"));
        field(QStringLiteral("chat, mqtt"))->setText(QStringLiteral("chat"));
        QComboBox *reply = replyBox(first);
        reply->setCurrentIndex(reply->findText(QStringLiteral("Answer with this text:")));
        field(QStringLiteral("sent in answer"))->setText(QStringLiteral("ack"));
        QComboBox *answer = childWhere<QComboBox>(first, [](QComboBox *box) { return box->itemText(0).startsWith(QStringLiteral("Accept: 101")); });
        answer->setCurrentIndex(answer->findData(503));
        childWhere<QSpinBox>(first, [](QSpinBox *box) { return box->suffix() == QStringLiteral(" ms"); })->setValue(250);
        childWhere<QSpinBox>(first, [](QSpinBox *box) { return box->specialValueText() == QStringLiteral("never"); })->setValue(3);
        childWhere<QSpinBox>(first, [](QSpinBox *box) { return box->suffix() == QStringLiteral(" MiB"); })->setValue(5);
        childWhere<QCheckBox>(first, [](QCheckBox *box) { return box->text() == QStringLiteral("Requ&ire one"); })->setChecked(true);
        QVERIFY(first->start());
        QCOMPARE(first->server()->url().port(), int(port));
        QCOMPARE(first->server()->url().scheme(), QStringLiteral("wss"));
        first->stop();
        // Not saved until a start: what the next tab changes without starting is not kept.
        ServerPane *unstarted = window.newServerTab();
        unstarted->setPort(quint16(port + 1));
    }
    QSettings().sync();
    QFile settingsFile(QSettings().fileName());
    QVERIFY(settingsFile.open(QIODevice::ReadOnly));
    const QByteArray written = settingsFile.readAll();
    // Kept as readable JSON text; the secrets are nowhere in it.
    QVERIFY2(written.contains("/chat") && written.contains("/feed"), written.constData());
    QVERIFY(!written.contains("s3cret"));
    QVERIFY(!written.contains("pass-word"));
    const QJsonObject kept = QJsonDocument::fromJson(Settings::value(Settings::Id::ServerForm).toString().toUtf8()).object();
    QCOMPARE(kept.value(QStringLiteral("paths")).toString(), QStringLiteral("/chat, /feed"));
    QVERIFY(!kept.contains(QStringLiteral("requireHeader")));

    EchoServer echo;
    QVERIFY(echo.listen());
    MainWindow window(echo.url());
    ServerPane *next = window.newServerTab();
    const auto field = [next](const QString &placeholderStart) {
        return childWhere<QLineEdit>(next, [&](QLineEdit *edit) { return edit->placeholderText().startsWith(placeholderStart); });
    };
    QCOMPARE(field(QStringLiteral("any path"))->text(), QStringLiteral("/chat, /feed"));
    QCOMPARE(field(QStringLiteral("none: ws://"))->text(), tls.certPath());
    QCOMPARE(field(QStringLiteral("PEM key"))->text(), tls.keyPath());
    QCOMPARE(field(QStringLiteral("of the PKCS#12 file"))->text(), QString());
    QCOMPARE(field(QStringLiteral("Name: value"))->text(), QString());
    QCOMPARE(field(QStringLiteral("chat, mqtt"))->text(), QStringLiteral("chat"));
    QCOMPARE(replyBox(next)->currentText(), QStringLiteral("Answer with this text:"));
    QVERIFY(field(QStringLiteral("sent in answer"))->isEnabled());
    QCOMPARE(field(QStringLiteral("sent in answer"))->text(), QStringLiteral("ack"));
    QCOMPARE(childWhere<QComboBox>(next, [](QComboBox *box) { return box->itemText(0).startsWith(QStringLiteral("Accept: 101")); })->currentData().toInt(), 503);
    QCOMPARE(childWhere<QSpinBox>(next, [](QSpinBox *box) { return box->suffix() == QStringLiteral(" ms"); })->value(), 250);
    QCOMPARE(childWhere<QSpinBox>(next, [](QSpinBox *box) { return box->specialValueText() == QStringLiteral("never"); })->value(), 3);
    QCOMPARE(childWhere<QSpinBox>(next, [](QSpinBox *box) { return box->suffix() == QStringLiteral(" MiB"); })->value(), 5);
    QVERIFY(childWhere<QCheckBox>(next, [](QCheckBox *box) { return box->text() == QStringLiteral("Requ&ire one"); })->isChecked());
    QCOMPARE(childWhere<QComboBox>(next, [](QComboBox *box) { return box->itemText(0).startsWith(QStringLiteral("127.0.0.1")); })->currentIndex(), 0);
    // The port it listened on, where the client was pointed.
    QVERIFY(next->start());
    QCOMPARE(next->server()->url().port(), int(port));
    QCOMPARE(next->server()->config().answerStatus, 503);
    next->stop();

    // A header that is not a credential is kept; a port given (--listen PORT) wins.
    field(QStringLiteral("Name: value"))->setText(QStringLiteral("X-Team: blue"));
    QVERIFY(next->start());
    next->stop();
    ServerPane *third = window.newServerTab(0);
    QCOMPARE(childWhere<QLineEdit>(third, [](QLineEdit *edit) { return edit->placeholderText().startsWith(QStringLiteral("Name: value")); })->text(),
             QStringLiteral("X-Team: blue"));
    QCOMPARE(childWhere<QSpinBox>(third, [](QSpinBox *box) { return box->specialValueText() == QStringLiteral("any free port"); })->value(), 0);
    // Another tab beside one that has the remembered port takes any free port, not a port in use.
    ServerPane *fourth = window.newServerTab();
    QCOMPARE(childWhere<QSpinBox>(fourth, [](QSpinBox *box) { return box->specialValueText() == QStringLiteral("any free port"); })->value(), 0);
    QCOMPARE(childWhere<QComboBox>(fourth, [](QComboBox *box) { return box->itemText(0).startsWith(QStringLiteral("Accept: 101")); })->currentData().toInt(), 503);
}

// Server tabs are among the tabs a restart brings back, in their places,
// with the settings the last one started with, and not listening until
// started; a window of server tabs alone has no empty connection tab.
void TestServerTab::serverTabsComeBackAfterARestart()
{
    EchoServer echo;
    QVERIFY(echo.listen());
    const quint16 port = freeLoopbackPort();
    QVERIFY(port != 0);
    {
        MainWindow window(echo.url());
        window.show();
        window.currentPane()->setUrl(echo.url().toString() + QStringLiteral("?first"));
        ServerPane *server = window.newServerTab(port, true);
        QVERIFY(server->server()->isListening());
        window.newTab()->setUrl(QStringLiteral("ws://127.0.0.1:1/third"));
        window.tabs()->setCurrentIndex(1);
        window.close();
        QTRY_VERIFY(!window.isVisible());
    }
    {
        MainWindow window(echo.url());
        window.restoreTabs();
        QCOMPARE(window.paneCount(), 3);
        QCOMPARE(window.pane(0)->urlBox()->currentText(), echo.url().toString() + QStringLiteral("?first"));
        auto *server = qobject_cast<ServerPane *>(window.tabs()->widget(1));
        QVERIFY(server);
        QVERIFY(!server->server()->isListening());
        QCOMPARE(window.pane(2)->urlBox()->currentText(), QStringLiteral("ws://127.0.0.1:1/third"));
        QCOMPARE(window.tabs()->currentIndex(), 1);
        // Started, it listens where the client was pointed before.
        QSpinBox *portBox = childWhere<QSpinBox>(server, [](QSpinBox *box) { return box->specialValueText() == QStringLiteral("any free port"); });
        QCOMPARE(portBox->value(), int(port));
        QVERIFY(server->start());
        QCOMPARE(server->server()->url().port(), int(port));
        server->stop();
        // Only the server tab left.
        window.show();
        QVERIFY(window.closeTab(2, false));
        QVERIFY(window.closeTab(0, false));
        QCOMPARE(window.paneCount(), 1);
        window.close();
        QTRY_VERIFY(!window.isVisible());
    }
    MainWindow window(echo.url());
    window.restoreTabs();
    QCOMPARE(window.paneCount(), 1);
    QVERIFY(qobject_cast<ServerPane *>(window.tabs()->widget(0)));
}

void TestServerTab::unsavedClientsAreAskedAbout()
{
    EchoServer echo;
    QVERIFY(echo.listen());
    auto *window = new MainWindow(echo.url());
    window->show();
    ServerPane *server = window->newServerTab(0, true);
    QWebSocket client;
    client.open(server->server()->url());
    QTRY_COMPARE(client.state(), QAbstractSocket::ConnectedState);
    QTRY_VERIFY(server->hasUnsavedClients());
    const int index = window->tabs()->indexOf(server);
    QVERIFY(!window->closeTab(index, true));
    QMessageBox *question = nullptr;
    QTRY_VERIFY((question = window->findChild<QMessageBox *>(QStringLiteral("closeTabQuestion"))));
    question->button(QMessageBox::Cancel)->click();
    QTRY_VERIFY(!window->findChild<QMessageBox *>(QStringLiteral("closeTabQuestion")));
    QVERIFY(server->server()->isListening());

    window->close();
    QTRY_VERIFY((question = window->findChild<QMessageBox *>(QStringLiteral("quitQuestion"))));
    QVERIFY2(question->text().contains(window->tabs()->tabText(index)), qPrintable(question->text()));
    question->button(QMessageBox::Cancel)->click();
    QTRY_VERIFY(!window->findChild<QMessageBox *>(QStringLiteral("quitQuestion")));
    QVERIFY(window->isVisible());
    QVERIFY(server->server()->isListening());
    QCOMPARE(client.state(), QAbstractSocket::ConnectedState);

    // The client goes; what it did stays unsaved, so the tab's close still asks, and Close closes.
    client.close();
    QTRY_COMPARE(server->server()->openClientCount(), 0);
    server->stop();
    QVERIFY(!window->closeTab(index, true));
    QTRY_VERIFY((question = window->findChild<QMessageBox *>(QStringLiteral("closeTabQuestion"))));
    QVERIFY2(question->text().contains(QStringLiteral("not been saved")), qPrintable(question->text()));
    question->button(QMessageBox::Close)->click();
    QTRY_COMPARE(window->tabs()->indexOf(server), -1);
    window->close();
    QTRY_VERIFY(!window->isVisible());
    delete window;
}

// websocket-client's run_forever(ping_interval=1): the Timing tab of its
// client says a ping came every second, each answered by wsscope's pong, and
// the Live tab plots the seconds between them.
void TestServerTab::clientPingsAreTimed()
{
    EchoServer echo;
    QVERIFY(echo.listen());
    MainWindow window(echo.url());
    window.show();
    ServerPane *server = window.newServerTab(0, true);
    QProcess python;
    python.setProcessChannelMode(QProcess::MergedChannels);
    python.start(QStringLiteral(WSSCOPE_PYTHON),
                 {QStringLiteral("-c"),
                  QStringLiteral("import sys,threading,websocket\n"
                                 "ws=websocket.WebSocketApp(sys.argv[1])\n"
                                 "threading.Timer(3.6, ws.close).start()\n"
                                 "ws.run_forever(ping_interval=1, ping_timeout=0.5)"),
                  server->server()->url().toString()});
    QVERIFY(python.waitForStarted());
    QVERIFY(QTest::qWaitFor([&] { return python.state() == QProcess::NotRunning; }, 20000));
    QCOMPARE(python.exitCode(), 0);
    QTRY_COMPARE(server->selectedClient(), 1);
    QTRY_COMPARE(server->server()->openClientCount(), 0);
    const QRegularExpression every(QStringLiteral("Pings from the client +(\\d+), every (\\d+\\.\\d+) s"));
    QRegularExpressionMatch match;
    QTRY_VERIFY2((match = every.match(server->viewer()->timingView()->text())).hasMatch(),
                 qPrintable(server->viewer()->timingView()->text()));
    QVERIFY2(match.captured(1).toInt() >= 3, qPrintable(match.captured(0)));
    QVERIFY2(qAbs(match.captured(2).toDouble() - 1.0) < 0.25, qPrintable(match.captured(0)));
    const QString text = server->viewer()->timingView()->text();
    QVERIFY2(QRegularExpression(QStringLiteral("wsscope's pongs to them +%1 of %1, in ").arg(match.captured(1)))
                 .match(text)
                 .hasMatch(),
             qPrintable(text));
    QVERIFY(text.contains(QStringLiteral("The client, as the server saw it")));
    // The Live tab: the seconds between its pings.
    LiveChart *chart = server->viewer()->liveChart();
    chart->sample();
    QVERIFY(chart->roundTrips().size() >= 2);
    QList<double> seconds;
    for (const LiveChart::RttPoint &point : chart->roundTrips())
        seconds << point.milliseconds;
    std::sort(seconds.begin(), seconds.end());
    const double median = seconds.at(seconds.size() / 2);
    QVERIFY2(qAbs(median - 1.0) < 0.25, qPrintable(QString::number(median)));
}

QTEST_MAIN(TestServerTab)
#include "tst_servertab.moc"
