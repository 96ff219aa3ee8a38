#include "bench/floodserver.h"
#include "connectionpane.h"
#include "inspector/handshakeinspector.h"
#include "log/logmodel.h"
#include "log/logview.h"
#include "mainwindow.h"
#include "nodepeer.h"
#include "requesteditor.h"
#include "server/echoserver.h"
#include "settings/settings.h"
#include "testfiles.h"

#include <QAbstractButton>
#include <QComboBox>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QStandardPaths>
#include <QTabBar>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

// The window's tabs: each one a connection of its own, against real peers.
class TestTabs : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void threeTabsThreePeers();
    void closingAnOpenTabAsks();
    void keysAndDuplicate();
    void tabsComeBackAfterARestart();
    void floodInOneTabLeavesTheOtherResponsive();

private:
    static QList<QByteArray> receivedTexts(const NodePeer &peer);
};

void TestTabs::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("wsscope-tests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_tabs"));
}

void TestTabs::init()
{
    TestFiles::clearRemembered();
}

QList<QByteArray> TestTabs::receivedTexts(const NodePeer &peer)
{
    QList<QByteArray> texts;
    for (const QJsonObject &line : peer.lines(QStringLiteral("received"))) {
        if (line.value(QStringLiteral("type")).toString() == u"text")
            texts << QByteArray::fromHex(line.value(QStringLiteral("data")).toString().toLatin1());
    }
    return texts;
}

void TestTabs::threeTabsThreePeers()
{
    NodePeer peers[3];
    for (NodePeer &peer : peers)
        QVERIFY(peer.waitUntilListening());
    EchoServer echo;
    QVERIFY(echo.listen());
    MainWindow window(echo.url());
    window.show();
    QCOMPARE(window.paneCount(), 1);
    window.newTab();
    window.newTab();
    QCOMPARE(window.paneCount(), 3);
    QCOMPARE(window.currentPane(), window.pane(2));
    // A new tab points at the built-in echo server.
    QCOMPARE(window.pane(2)->urlBox()->currentText(), echo.url().toString());
    QCOMPARE(window.tabs()->tabText(2), QStringLiteral("Echo server"));

    for (int i = 0; i < 3; ++i) {
        ConnectionPane *pane = window.pane(i);
        pane->setUrl(peers[i].url().toString());
        QVERIFY(pane->connectToUrl());
    }
    for (int i = 0; i < 3; ++i)
        QTRY_COMPARE(window.pane(i)->session()->state(), Session::State::Open);
    for (int i = 0; i < 3; ++i) {
        QString error;
        QVERIFY2(window.pane(i)->session()->sendText(QStringLiteral("hello from tab %1").arg(i), &error),
                 qPrintable(error));
    }
    for (int i = 0; i < 3; ++i) {
        ConnectionPane *pane = window.pane(i);
        const QByteArray hello = QStringLiteral("hello from tab %1").arg(i).toUtf8();
        // The peer got this tab's message and no other's.
        QTRY_COMPARE(receivedTexts(peers[i]), QList<QByteArray>{hello});
        // The tab's log has its own message and the echo of it.
        QTRY_COMPARE(pane->logModel()->rowCount(), 3);   // opened, sent, echoed
        QCOMPARE(TestFiles::sentTexts(pane->session()->log()), QList<QByteArray>{hello});
        // Its handshake was with its own peer.
        const HandshakeInfo handshake = pane->session()->handshake();
        QVERIFY(handshake.statusLine.startsWith("HTTP/1.1 101"));
        QVERIFY(handshake.responseHeaders.contains({QByteArrayLiteral("X-Wsscope-Test"), QByteArrayLiteral("yes")}));
        QCOMPARE(pane->session()->url().port(), peers[i].url().port());
        // The title says where it is connected, and the tab's icon its state.
        QCOMPARE(window.tabs()->tabText(i), QStringLiteral("127.0.0.1:%1").arg(peers[i].url().port()));
        QVERIFY(!window.tabs()->tabIcon(i).isNull());
    }
    // One journal each.
    QStringList journals;
    for (int i = 0; i < 3; ++i) {
        Journal *journal = window.pane(i)->journal();
        QVERIFY(journal && journal->isOpen());
        journals << journal->path();
    }
    journals.removeDuplicates();
    QCOMPARE(journals.size(), 3);
    // The window's accessors answer for the tab in front.
    window.tabs()->setCurrentIndex(1);
    QCOMPARE(window.session(), window.pane(1)->session());
    QVERIFY(window.windowTitle().contains(QString::number(peers[1].url().port())));

    // Closing the middle tab says goodbye to its peer only.
    ConnectionPane *first = window.pane(0);
    ConnectionPane *last = window.pane(2);
    const QString closedJournal = journals.at(1);
    QVERIFY(window.closeTab(1, false));
    QCOMPARE(window.paneCount(), 2);
    QTRY_VERIFY([&] {
        for (const QJsonObject &line : peers[1].lines(QStringLiteral("received"))) {
            if (line.value(QStringLiteral("type")).toString() == u"close")
                return line.value(QStringLiteral("code")).toInt() == 1001;
        }
        return false;
    }());
    // Its journal goes with it: it ended cleanly.
    QTRY_VERIFY(!QFileInfo::exists(closedJournal));
    for (ConnectionPane *pane : {first, last}) {
        QCOMPARE(pane->session()->state(), Session::State::Open);
        QCOMPARE(pane->logModel()->rowCount(), 3);
        QVERIFY(QFileInfo::exists(pane->journal()->path()));
    }
    QString error;
    QVERIFY(last->session()->sendText(QStringLiteral("still here"), &error));
    QTRY_COMPARE(receivedTexts(peers[2]).size(), 2);
    for (const NodePeer *peer : {&peers[0], &peers[2]}) {
        for (const QJsonObject &line : peer->lines(QStringLiteral("received")))
            QVERIFY(line.value(QStringLiteral("type")).toString() != u"close");
    }
    for (int i = 0; i < window.paneCount(); ++i)
        window.pane(i)->session()->abort();
}

void TestTabs::closingAnOpenTabAsks()
{
    EchoServer echo;
    QVERIFY(echo.listen());
    MainWindow window(echo.url());
    window.show();
    // A tab that has done nothing closes at once; the last one leaves a new one.
    window.newTab();
    QVERIFY(window.closeTab(1));
    QCOMPARE(window.paneCount(), 1);
    QVERIFY(window.closeTab(0));
    QCOMPARE(window.paneCount(), 1);

    QVERIFY(window.connectToUrl());
    QTRY_COMPARE(window.session()->state(), Session::State::Open);
    ConnectionPane *open = window.currentPane();
    const auto question = [&window] { return window.findChild<QMessageBox *>(QStringLiteral("closeTabQuestion")); };
    QVERIFY(!window.closeTab(0));
    QTRY_VERIFY(question() && question()->isVisible());
    QVERIFY(question()->text().contains(QStringLiteral("is open")));
    question()->button(QMessageBox::Cancel)->click();
    QTRY_VERIFY(!question());
    QCOMPARE(window.currentPane(), open);
    QCOMPARE(open->session()->state(), Session::State::Open);

    // Closed but not saved: asked too; saved: not asked.
    open->closeConnection();
    QTRY_COMPARE(open->session()->state(), Session::State::Closed);
    QVERIFY(open->hasUnsavedRows());
    QVERIFY(!window.closeTab(0));
    QTRY_VERIFY(question() && question()->isVisible());
    QVERIFY(question()->text().contains(QStringLiteral("not been saved")));
    question()->button(QMessageBox::Cancel)->click();
    QTRY_VERIFY(!question());
    QTemporaryDir dir;
    QVERIFY(open->saveTo(dir.filePath(QStringLiteral("s.jsonl"))));
    QTRY_VERIFY(!open->hasUnsavedRows());
    const QPointer<ConnectionPane> gone = open;
    QVERIFY(window.closeTab(0));
    QTRY_VERIFY(!gone);
    QCOMPARE(window.paneCount(), 1);
    QVERIFY(window.currentPane()->isUnused());
}

void TestTabs::keysAndDuplicate()
{
    EchoServer echo;
    QVERIFY(echo.listen());
    MainWindow window(echo.url());
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    window.activateWindow();
    QTRY_VERIFY(window.isActiveWindow());
    window.currentPane()->urlBox()->setFocus();
    QTest::keyClick(&window, Qt::Key_T, Qt::ControlModifier);
    QCOMPARE(window.paneCount(), 2);
    QCOMPARE(window.tabs()->currentIndex(), 1);
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab, Qt::ControlModifier);
    QCOMPARE(window.tabs()->currentIndex(), 0);
    QTest::keyClick(QApplication::focusWidget() ? QApplication::focusWidget() : &window, Qt::Key_Backtab,
                    Qt::ControlModifier | Qt::ShiftModifier);
    QCOMPARE(window.tabs()->currentIndex(), 1);
    QTest::keyClick(&window, Qt::Key_W, Qt::ControlModifier);   // unused: closes without asking
    QCOMPARE(window.paneCount(), 1);

    // A duplicate has the URL and the request tabs of the original.
    ConnectionPane *original = window.currentPane();
    original->setUrl(QStringLiteral("ws://127.0.0.1:9/feed"));
    QVariantMap state = original->requestEditor()->state();
    state.insert(QStringLiteral("headers"),
                 QVariantList{QVariant(QVariantList{true, QStringLiteral("X-Team"), QStringLiteral("blue")})});
    original->requestEditor()->setState(state);
    ConnectionPane *copy = window.duplicateTab(0);
    QVERIFY(copy && copy != original);
    QCOMPARE(window.paneCount(), 2);
    QCOMPARE(window.pane(1), copy);
    QCOMPARE(copy->urlBox()->currentText(), QStringLiteral("ws://127.0.0.1:9/feed"));
    QCOMPARE(copy->requestEditor()->state().value(QStringLiteral("headers")),
             original->requestEditor()->state().value(QStringLiteral("headers")));
    QCOMPARE(window.tabs()->tabText(1), QStringLiteral("127.0.0.1:9/feed"));
    // Tabs can be dragged into another order.
    QVERIFY(window.tabs()->isMovable());
    window.tabs()->tabBar()->moveTab(1, 0);
    QCOMPARE(window.pane(0), copy);
}

void TestTabs::tabsComeBackAfterARestart()
{
    NodePeer peer;
    QVERIFY(peer.waitUntilListening());
    EchoServer echo;
    QVERIFY(echo.listen());
    QTemporaryDir dir;
    QString savedFile;
    {
        MainWindow window(echo.url());
        window.show();
        window.setUrl(peer.url().toString() + QStringLiteral("first"));
        QVERIFY(window.connectToUrl());
        QTRY_COMPARE(window.session()->state(), Session::State::Open);
        QString error;
        QVERIFY(window.session()->sendText(QStringLiteral("keep me"), &error));
        QTRY_COMPARE(window.logModel()->rowCount(), 3);
        savedFile = dir.filePath(QStringLiteral("first.jsonl"));
        QVERIFY(window.saveTo(savedFile));
        QTRY_VERIFY(QFileInfo(savedFile).size() > 0);
        window.newTab();   // on the echo server
        ConnectionPane *third = window.newTab();
        third->setUrl(peer.url().toString() + QStringLiteral("third"));
        // From a tab that was used: a fourth tab, read-only (an unused tab
        // would show the file itself).
        window.tabs()->setCurrentIndex(0);
        window.openSessionFile(savedFile);
        QTRY_COMPARE(window.paneCount(), 4);
        QTRY_VERIFY(window.pane(3)->session()->isReadOnly());
        window.tabs()->setCurrentIndex(2);
        window.close();   // says goodbye to the peer, then closes
        QTRY_VERIFY(!window.isVisible());
    }
    // The echo server's port changed between the two runs.
    EchoServer echoAgain;
    QVERIFY(echoAgain.listen());
    MainWindow window(echoAgain.url());
    window.restoreTabs();
    QCOMPARE(window.paneCount(), 4);
    QCOMPARE(window.pane(0)->urlBox()->currentText(), peer.url().toString() + QStringLiteral("first"));
    QCOMPARE(window.pane(1)->urlBox()->currentText(), echoAgain.url().toString());
    QCOMPARE(window.pane(2)->urlBox()->currentText(), peer.url().toString() + QStringLiteral("third"));
    QTRY_VERIFY(window.pane(3)->session()->isReadOnly());
    QCOMPARE(window.pane(3)->loadedPath(), savedFile);
    QTRY_COMPARE(window.pane(3)->logModel()->rowCount(), 3);
    QCOMPARE(window.tabs()->currentIndex(), 2);
    // Nothing was connected again.
    for (int i = 0; i < 4; ++i)
        QCOMPARE(window.pane(i)->session()->state(), Session::State::Closed);
    QVERIFY(window.pane(0)->session()->connections().isEmpty());
}

// A feed floods the tab behind while the tab in front repaints and takes a
// click. The worst gap between two turns of the event loop is reported.
void TestTabs::floodInOneTabLeavesTheOtherResponsive()
{
    constexpr int Messages = 200000;
    FloodServer flood(Messages, 64, false);
    QVERIFY(flood.listen(QHostAddress::LocalHost));
    EchoServer echo;
    QVERIFY(echo.listen());
    MainWindow window(echo.url());
    window.resize(1100, 720);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    ConnectionPane *front = window.currentPane();
    ConnectionPane *behind = window.newTab();
    behind->setUrl(QStringLiteral("ws://127.0.0.1:%1/").arg(flood.serverPort()));
    window.tabs()->setCurrentWidget(front);

    QElapsedTimer clock;
    qint64 last = 0;
    qint64 worst = 0;
    QTimer ticker;
    ticker.setInterval(5);
    connect(&ticker, &QTimer::timeout, this, [&] {
        const qint64 now = clock.elapsed();
        worst = qMax(worst, now - last);
        last = now;
        front->logView()->viewport()->update();
    });
    clock.start();
    ticker.start();
    QVERIFY(behind->connectToUrl());
    QTRY_VERIFY_WITH_TIMEOUT(behind->session()->log()->count() > Messages / 10, 30000);
    // The front tab takes a click and a connection in the middle of it.
    QTest::mouseClick(front->connectButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(front->session()->state(), Session::State::Open, 20000);
    QString error;
    QVERIFY(front->session()->sendText(QStringLiteral("ping from the front"), &error));
    QTRY_COMPARE_WITH_TIMEOUT(front->logModel()->rowCount(), 3, 20000);
    QTRY_COMPARE_WITH_TIMEOUT(behind->session()->log()->count(), Messages + 2, 60000);   // open, messages, close
    ticker.stop();
    qInfo("worst stall of the front tab during a %d-message flood in the tab behind: %lld ms", Messages, worst);
    // Nothing was lost behind, and nothing from there reached the front tab.
    QTRY_COMPARE_WITH_TIMEOUT(behind->logModel()->rowCount(), Messages + 2, 30000);
    QCOMPARE(front->session()->log()->count(), 3);
    front->session()->abort();
}

QTEST_MAIN(TestTabs)
#include "tst_tabs.moc"
