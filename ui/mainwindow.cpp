#include "mainwindow.h"
#include "serverpane.h"

#include "collectionsidebar.h"
#include "composer.h"
#include "i18n/language.h"
#include "icons.h"
#include "inspector/handshakeinspector.h"
#include "inspector/livechart.h"
#include "inspector/messageview.h"
#include "inspector/timingview.h"
#include "inspector/tlsview.h"
#include "log/filterbar.h"
#include "log/logmodel.h"
#include "log/logview.h"
#include "record/inputfile.h"
#include "recordtable.h"
#include "requesteditor.h"
#include "savedmessages.h"
#include "secrets/secretstore.h"
#include "settings/settings.h"
#include "theme.h"
#include "workspace/insomniaimport.h"

#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QInputDialog>
#include <QGuiApplication>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QPushButton>
#include <QScreen>
#include <QStatusBar>
#include <QTabBar>
#include <QTabWidget>
#include <QTimer>
#include <QToolBar>
#include <QToolButton>

#include <algorithm>

MainWindow::MainWindow(const QUrl &echoUrl, QWidget *parent)
    : QMainWindow(parent)
    , m_echoUrl(echoUrl)
    , m_tabs(new QTabWidget(this))
{
    setWindowTitle(tr("wsscope"));
    setWindowIcon(Icons::application());
    m_tabs->setDocumentMode(true);
    m_tabs->setMovable(true);
    m_tabs->setTabsClosable(true);
    m_tabs->setElideMode(Qt::ElideRight);
    m_tabs->setAccessibleName(tr("Connections"));
    QTabBar *bar = m_tabs->tabBar();
    bar->setExpanding(false);
    // Ctrl+Tab and Ctrl+Shift+Tab go round the tabs; Tab itself goes from
    // the URL bar on, as in a window with one connection.
    bar->setFocusPolicy(Qt::NoFocus);
    bar->setContextMenuPolicy(Qt::CustomContextMenu);
    bar->setToolTip(tr("Each tab is one connection. Ctrl+T: new tab, Ctrl+W: close it, Ctrl+Tab and Ctrl+Shift+Tab: "
                       "the next and the previous one; drag a tab to move it."));
    setCentralWidget(m_tabs);
    connect(m_tabs, &QTabWidget::tabCloseRequested, this, [this](int index) { closeTab(index); });
    connect(m_tabs, &QTabWidget::currentChanged, this, &MainWindow::showCurrentPane);
    connect(bar, &QWidget::customContextMenuRequested, this, &MainWindow::showTabMenu);
    addPane(true);

    if (m_echoUrl.isValid())
        statusBar()->showMessage(tr("Built-in echo server: %1").arg(m_echoUrl.toString()));
    else
        statusBar()->showMessage(tr("The built-in echo server is not running."));
    setAcceptDrops(true);

    const Theme::Colours colours = Theme::coloursFromName(Settings::value(Settings::Id::Colours).toString());
    if (colours != Theme::Colours::System)
        Theme::applyColours(colours);
    buildMenus();
    // A button for a new tab at the end of the bar, as browsers have.
    auto *plus = new QToolButton(m_tabs);
    plus->setAutoRaise(true);
    plus->setToolTip(tr("New tab (Ctrl+T)"));
    plus->setAccessibleName(tr("New tab"));
    plus->setFocusPolicy(Qt::NoFocus);
    setIcon(plus, Icons::Id::NewTab);
    connect(plus, &QToolButton::clicked, this, [this] { newTab(); });
    m_tabs->setCornerWidget(plus, Qt::TopRightCorner);
    restoreSettings();
    showCurrentPane();
}

MainWindow::~MainWindow()
{
    returnStatusLabels();
}

// The status bar holds the labels of the tab in front; they go back to their
// pane when another tab comes in front, so that each dies with its own pane.
void MainWindow::returnStatusLabels()
{
    if (!m_shown)
        return;
    for (QWidget *label : {static_cast<QWidget *>(m_shown->selectionLabel()),
                           static_cast<QWidget *>(m_shown->filterBar()->statusLabel())}) {
        statusBar()->removeWidget(label);
        label->setParent(m_shown);
        label->hide();
    }
    m_shown = nullptr;
}

QTabWidget *MainWindow::tabs() const
{
    return m_tabs;
}

int MainWindow::paneCount() const
{
    return m_tabs->count();
}

// A server tab's pane is the one that shows its selected client: what the
// menus act on there (read-only, it saves the whole server).
ConnectionPane *MainWindow::pane(int index) const
{
    if (auto *server = qobject_cast<ServerPane *>(m_tabs->widget(index)))
        return server->viewer();
    return qobject_cast<ConnectionPane *>(m_tabs->widget(index));
}

// The connection tabs; server tabs are not among them.
QList<ConnectionPane *> MainWindow::panes() const
{
    QList<ConnectionPane *> all;
    for (int i = 0; i < m_tabs->count(); ++i) {
        if (auto *each = qobject_cast<ConnectionPane *>(m_tabs->widget(i)))
            all.append(each);
    }
    return all;
}

ConnectionPane *MainWindow::currentPane() const
{
    return pane(m_tabs->currentIndex());
}

ServerPane *MainWindow::serverPane(int index) const
{
    return qobject_cast<ServerPane *>(m_tabs->widget(index));
}

ServerPane *MainWindow::newServerTab(int port, bool start)
{
    auto *server = new ServerPane(m_tabs);
    if (port >= 0) {
        server->setPort(quint16(port));
    } else {
        // The remembered port is another server tab's already: this one takes any free port.
        for (int i = 0; i < m_tabs->count() && server->port() != 0; ++i) {
            if (ServerPane *other = serverPane(i); other && other->port() == server->port())
                server->setPort(0);
        }
    }
    connect(server, &ServerPane::statusMessage, this, [this, server](const QString &text, int timeoutMs) {
        if (server == m_tabs->currentWidget())
            statusBar()->showMessage(text, timeoutMs);
    });
    const auto title = [this, server] {
        const int index = m_tabs->indexOf(server);
        if (index < 0)
            return;
        m_tabs->setTabText(index, server->title());
        m_tabs->setTabToolTip(index, server->server()->url().toString());
        if (server == m_tabs->currentWidget())
            setWindowTitle(tr("%1 — wsscope").arg(server->title()));
    };
    connect(server, &ServerPane::titleChanged, this, title);
    m_tabs->setCurrentIndex(m_tabs->addTab(server, QString()));
    title();
    if (start)
        server->start();
    return server;
}

ConnectionPane *MainWindow::addPane(bool front)
{
    auto *pane = new ConnectionPane(m_echoUrl, m_tabs);
    pane->setInsecure(m_insecure);
    pane->setMaskForced(m_maskForced);
    pane->setCommandLineRequest(m_commandLineHeaders, m_commandLinePassphrase, m_commandLineProxyPassword);
    pane->setSidebar(m_sidebar);
    pane->session()->log()->setMaxRows(qMax(0, Settings::value(Settings::Id::MaxLogRows).toInt()));
    // A tab behind the others says nothing on the status line: what it says
    // is about a connection that is not in view.
    connect(pane, &ConnectionPane::statusMessage, this, [this, pane](const QString &text, int timeoutMs) {
        if (pane == currentPane())
            statusBar()->showMessage(text, timeoutMs);
    });
    connect(pane, &ConnectionPane::titleChanged, this, [this, pane] { updateTab(pane); });
    connect(pane, &ConnectionPane::loaded, this, &MainWindow::loaded);
    connect(pane->session(), &Session::stateChanged, this, [this, pane](Session::State state) {
        if (pane == currentPane() && m_pingAction)
            m_pingAction->setEnabled(state == Session::State::Open);
    });
    connect(pane->filterBar()->kindBox(), &QComboBox::currentIndexChanged, this, [this, pane] {
        if (pane == currentPane() && m_controlAction) {
            const QSignalBlocker blocker(m_controlAction);
            m_controlAction->setChecked(pane->filterBar()->controlFramesShown());
        }
    });
    const int index = m_tabs->addTab(pane, QString());
    updateTab(pane);
    if (front)
        m_tabs->setCurrentIndex(index);
    return pane;
}

ConnectionPane *MainWindow::newTab()
{
    ConnectionPane *pane = addPane(true);
    pane->loadConnectionOptions(pane->urlBox()->currentText());
    pane->focusUrl();
    return pane;
}

ConnectionPane *MainWindow::duplicateTab(int index)
{
    if (serverPane(index))
        return nullptr;   // a server listens once
    ConnectionPane *source = pane(index);
    if (!source)
        return nullptr;
    ConnectionPane *copy = addPane(false);
    m_tabs->tabBar()->moveTab(m_tabs->indexOf(copy), index + 1);
    if (!source->loadedPath().isEmpty())
        copy->loadHere(source->loadedPath());
    else
        copy->copySetupFrom(source);
    m_tabs->setCurrentWidget(copy);
    return copy;
}

bool MainWindow::closeTab(int index, bool ask)
{
    if (ServerPane *server = serverPane(index)) {
        const bool running = server->server()->isListening() || server->server()->openClientCount() > 0;
        if (ask && (running || server->hasUnsavedClients())) {
            auto *box = new QMessageBox(
                QMessageBox::Question, tr("Close tab"),
                running ? tr("The server of \"%1\" is running; closing the tab stops it and discards what it recorded.")
                              .arg(server->title())
                        : tr("What the server of \"%1\" recorded has not been saved; closing the tab discards it.")
                              .arg(server->title()),
                QMessageBox::Close | QMessageBox::Cancel, this);
            box->setObjectName(QStringLiteral("closeTabQuestion"));
            box->setTextFormat(Qt::PlainText);
            box->setDefaultButton(QMessageBox::Cancel);
            box->setAttribute(Qt::WA_DeleteOnClose);
            const QPointer<ServerPane> target = server;
            connect(box, &QMessageBox::finished, this, [this, target](int result) {
                if (result == QMessageBox::Close && target)
                    closeTab(m_tabs->indexOf(target), false);
            });
            box->open();
            return false;
        }
        if (m_shown == server->viewer())
            returnStatusLabels();
        m_tabs->removeTab(m_tabs->indexOf(server));
        server->stop();
        server->deleteLater();
        if (m_tabs->count() == 0)
            newTab();
        return true;
    }
    ConnectionPane *closing = pane(index);
    if (!closing)
        return false;
    const bool open = closing->session()->state() != Session::State::Closed;
    if (ask && (open || closing->hasUnsavedRows())) {
        auto *box = new QMessageBox(QMessageBox::Question, tr("Close tab"),
                                    open ? tr("The connection of \"%1\" is open.").arg(closing->title())
                                         : tr("The log of \"%1\" has not been saved.").arg(closing->title()),
                                    QMessageBox::NoButton, this);
        box->setObjectName(QStringLiteral("closeTabQuestion"));
        box->setTextFormat(Qt::PlainText);
        box->setInformativeText(open ? tr("Closing the tab closes the connection (1001) and discards its log.")
                                     : tr("Closing the tab discards its log."));
        QPushButton *close = box->addButton(tr("&Close tab"), QMessageBox::DestructiveRole);
        box->addButton(QMessageBox::Cancel);
        box->setDefaultButton(close);
        box->setAttribute(Qt::WA_DeleteOnClose);
        const QPointer<ConnectionPane> target = closing;
        connect(box, &QMessageBox::buttonClicked, this, [this, close, target](QAbstractButton *button) {
            if (button == close && target)
                closeTab(m_tabs->indexOf(target), false);
        });
        box->open();
        return false;
    }
    removePane(closing);
    return true;
}

void MainWindow::removePane(ConnectionPane *pane)
{
    if (m_shown == pane)
        returnStatusLabels();
    m_tabs->removeTab(m_tabs->indexOf(pane));
    pane->hide();
    pane->setParent(this);
    // The server is told goodbye; the pane (its session, its journal) goes
    // when the close handshake ends, or after a moment.
    Session *session = pane->session();
    if (session->state() != Session::State::Closed)
        session->close(1001, QStringLiteral("tab closed"));   // not translated: sent to the server
    if (session->state() == Session::State::Closed) {
        pane->deleteLater();
    } else {
        m_closing.append(pane);
        connect(session, &Session::finished, pane, &QObject::deleteLater);
        QTimer::singleShot(QuitGraceMs, pane, [pane] {
            pane->session()->abort();
            pane->deleteLater();
        });
    }
    if (m_tabs->count() == 0)
        newTab();
}

// The status bar's labels, the window title and the actions that depend on
// the connection follow the tab in front.
void MainWindow::showCurrentPane()
{
    ConnectionPane *pane = currentPane();
    if (!pane)
        return;
    if (m_shown != pane) {
        returnStatusLabels();
        statusBar()->addPermanentWidget(pane->selectionLabel());
        statusBar()->addPermanentWidget(pane->filterBar()->statusLabel());
        pane->selectionLabel()->show();
        pane->filterBar()->statusLabel()->show();
        m_shown = pane;
        statusBar()->clearMessage();
    }
    if (m_pingAction)
        m_pingAction->setEnabled(pane->session()->state() == Session::State::Open);
    if (m_controlAction) {
        const QSignalBlocker blocker(m_controlAction);
        m_controlAction->setChecked(pane->filterBar()->controlFramesShown());
    }
    if (m_relativeAction) {
        const QSignalBlocker blocker(m_relativeAction);
        m_relativeAction->setChecked(pane->logModel()->relativeTimes());
    }
    updateTab(pane);
}

void MainWindow::updateTab(ConnectionPane *pane)
{
    const int index = m_tabs->indexOf(pane);
    if (index < 0)
        return;
    const QString title = pane->title();
    // A tab's text takes & as a mnemonic: a name with one shows it as written.
    m_tabs->setTabText(index, QString(title).replace(u'&', QStringLiteral("&&")));
    m_tabs->setTabIcon(index, pane->stateIcon());
    m_tabs->setTabToolTip(index, pane->urlBox()->currentText() + u'\n' + pane->stateText());
    if (pane == currentPane())
        setWindowTitle(tr("%1 — wsscope").arg(title));
}

void MainWindow::showTabMenu(const QPoint &at)
{
    const int index = m_tabs->tabBar()->tabAt(at);
    QMenu menu(this);
    menu.addAction(tr("New &tab"), this, [this] { newTab(); });
    if (index >= 0) {
        menu.addAction(tr("&Duplicate tab"), this, [this, index] { duplicateTab(index); });
        menu.addAction(tr("Close ta&b"), this, [this, index] { closeTab(index); });
    }
    menu.exec(m_tabs->tabBar()->mapToGlobal(at));
}

bool MainWindow::anyConnected() const
{
    const QList<ConnectionPane *> all = panes();
    return std::any_of(all.cbegin(), all.cend(),
                       [](ConnectionPane *each) { return each->session()->state() != Session::State::Closed; });
}

// A client of a server tab whose connection has not ended yet.
bool MainWindow::anyServerClient() const
{
    for (int i = 0; i < m_tabs->count(); ++i) {
        if (ServerPane *server = serverPane(i)) {
            for (const InspectServer::ClientInfo &client : server->server()->clients()) {
                if (client.state != InspectServer::ClientState::Closed && client.state != InspectServer::ClientState::Refused)
                    return true;
            }
        }
    }
    return false;
}

void MainWindow::saveTabs() const
{
    // In their order, server tabs among them, so that the one in front is found again.
    QVariantList tabs;
    for (int i = 0; i < m_tabs->count(); ++i) {
        if (serverPane(i))
            tabs.append(QVariantMap{{QStringLiteral("server"), true}});
        else if (const auto *each = qobject_cast<const ConnectionPane *>(m_tabs->widget(i)))
            tabs.append(each->tabState());
    }
    Settings::setValue(Settings::Id::OpenTabs, tabs);
    Settings::setValue(Settings::Id::CurrentTab, m_tabs->currentIndex());
    Settings::setValue(Settings::Id::OpenCollection, m_sidebar ? m_sidebar->path() : QString());
}

void MainWindow::restoreTabs()
{
    const QVariantList tabs = Settings::value(Settings::Id::OpenTabs).toList();
    const QString collection = Settings::value(Settings::Id::OpenCollection).toString();
    if (!m_sidebar && !collection.isEmpty() && QFileInfo::exists(collection)) {
        QString error;
        if (!openCollection(collection, &error))
            statusBar()->showMessage(error, 10000);
    }
    // The tab the window opened with takes the first connection tab, in its place.
    ConnectionPane *spare = currentPane()->isUnused() ? currentPane() : nullptr;
    for (const QVariant &entry : tabs) {
        const QVariantMap tab = entry.toMap();
        // A server tab comes back with the settings it last started with, not listening.
        if (tab.value(QStringLiteral("server")).toBool()) {
            newServerTab();
            continue;
        }
        const QString file = tab.value(QStringLiteral("file")).toString();
        QString url = tab.value(QStringLiteral("url")).toString();
        const QString profile = tab.value(QStringLiteral("profile")).toString();
        if (!file.isEmpty() && !QFileInfo::exists(file))
            continue;   // gone since: nothing to show
        if (url == ConnectionPane::echoServerKey())
            url = m_echoUrl.toString();
        if (file.isEmpty() && url.isEmpty() && profile.isEmpty())
            continue;
        ConnectionPane *target = spare ? std::exchange(spare, nullptr) : addPane(false);
        m_tabs->tabBar()->moveTab(m_tabs->indexOf(target), m_tabs->count() - 1);
        if (!file.isEmpty()) {
            target->loadHere(file);
            continue;
        }
        if (!profile.isEmpty() && m_sidebar && target->openProfile(profile))
            continue;
        target->setUrl(url);
        target->loadConnectionOptions(url, true);
    }
    // Only server tabs came back: the empty one is not wanted.
    if (spare && m_tabs->count() > 1)
        removePane(spare);
    m_tabs->setCurrentIndex(qBound(0, Settings::value(Settings::Id::CurrentTab).toInt(), m_tabs->count() - 1));
}

void MainWindow::setIcon(QObject *target, Icons::Id id)
{
    m_icons.set(target, id, palette());
}

void MainWindow::changeEvent(QEvent *event)
{
    QMainWindow::changeEvent(event);
    if (event->type() != QEvent::PaletteChange)
        return;
    m_icons.reink(palette());
    for (ConnectionPane *each : panes())
        updateTab(each);
}

void MainWindow::restoreSettings()
{
    ConnectionPane *first = currentPane();
    const QString last = Settings::value(Settings::Id::LastUrl).toString();
    if (!last.isEmpty())
        first->setUrl(last);
    first->loadConnectionOptions(first->urlBox()->currentText());

    if (!restoreGeometry(Settings::value(Settings::Id::WindowGeometry).toByteArray())) {
        // 1100×720, or less on a small screen: a 1366×768 laptop keeps room
        // for its panel and the title bar.
        QSize size(1100, 720);
        if (const QScreen *screen = QGuiApplication::primaryScreen())
            size = size.boundedTo(screen->availableSize() - QSize(40, 60));
        resize(size.expandedTo(minimumSizeHint()));
    }
    restoreState(Settings::value(Settings::Id::WindowState).toByteArray());
}

void MainWindow::closeWithoutAsking()
{
    // A signal ends wsscope; a restart the question was holding is not made.
    m_restartRequested = false;
    m_quitConfirmed = true;
    if (m_quitQuestion)
        m_quitQuestion->close();
    close();
}

QStringList MainWindow::unsavedTabs() const
{
    QStringList titles;
    for (int i = 0; i < m_tabs->count(); ++i) {
        // The titles themselves: the tab bar's text has its & doubled.
        const ServerPane *server = serverPane(i);
        const ConnectionPane *connection = server ? nullptr : pane(i);
        if (server && server->hasUnsavedClients())
            titles << server->title();
        else if (connection && connection->hasUnsavedRows())
            titles << connection->title();
    }
    return titles;
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    // What was recorded and not saved is asked about once, whatever the tabs.
    if (!m_quitting && !m_quitConfirmed) {
        const QStringList unsaved = unsavedTabs();
        if (!unsaved.isEmpty()) {
            event->ignore();
            if (m_quitQuestion)
                return;
            auto *box = new QMessageBox(QMessageBox::Question, tr("Quit wsscope"),
                                        tr("What %n tab(s) recorded was not saved: %1", nullptr, int(unsaved.size()))
                                            .arg(unsaved.join(tr(", "))),
                                        QMessageBox::NoButton, this);
            box->setObjectName(QStringLiteral("quitQuestion"));
            box->setTextFormat(Qt::PlainText);
            box->setInformativeText(tr("Quitting closes every connection (1001), stops every server and discards "
                                       "their logs."));
            QPushButton *quit = box->addButton(tr("&Quit"), QMessageBox::DestructiveRole);
            box->addButton(QMessageBox::Cancel);
            box->setDefaultButton(QMessageBox::Cancel);
            box->setAttribute(Qt::WA_DeleteOnClose);
            m_quitQuestion = box;
            // However the box is left (a button, Escape, its title bar's ×): only Quit quits.
            connect(box, &QMessageBox::finished, this, [this, box, quit] {
                if (box->clickedButton() == quit) {
                    m_quitConfirmed = true;
                    close();
                } else {
                    m_restartRequested = false;
                }
            });
            box->open();
            return;
        }
    }
    Settings::setValue(Settings::Id::WindowGeometry, saveGeometry());
    Settings::setValue(Settings::Id::WindowState, saveState());
    currentPane()->saveLayout();
    saveTabs();
    // Say goodbye properly: send 1001 and let the close handshakes finish (or
    // give up after a moment) before the window, the taps and the sockets go.
    // Server tabs stop: their open clients get 1001 too.
    for (int i = 0; i < m_tabs->count(); ++i) {
        if (ServerPane *server = serverPane(i))
            server->stop();
    }
    if (!m_quitting && (anyConnected() || anyServerClient())) {
        m_quitting = true;
        if (anyServerClient()) {
            auto *poll = new QTimer(this);
            connect(poll, &QTimer::timeout, this, [this, poll] {
                if (!anyConnected() && !anyServerClient()) {
                    poll->stop();
                    close();
                }
            });
            poll->start(20);
        }
        for (ConnectionPane *each : panes()) {
            Session *session = each->session();
            if (session->state() == Session::State::Closed)
                continue;
            // What goes on the wire does not depend on the window's language.
            session->close(1001, QStringLiteral("wsscope is closing"));   // not translated: sent to the server
            connect(session, &Session::finished, this, [this] {
                if (!anyConnected() && !anyServerClient())
                    close();
            });
        }
        if (anyConnected() || anyServerClient()) {
            QTimer::singleShot(QuitGraceMs, this, [this] {
                for (ConnectionPane *each : panes())
                    each->session()->abort();
                close();
            });
            event->ignore();
            return;
        }
    }
    // A clean end: the journals are not needed to recover anything.
    for (ConnectionPane *each : panes())
        each->setJournalKept(false);
    event->accept();
}

void MainWindow::openSessionFile(const QString &path)
{
    // A tab that has not connected yet shows the file itself; otherwise the
    // live session stays where it is and the file gets a tab of its own.
    ConnectionPane *target = currentPane();
    if (!target->isUnused())
        target = addPane(true);
    target->loadHere(path);
}

bool MainWindow::openProfile(const QString &profileId)
{
    ConnectionPane *target = currentPane();
    const bool reuse = target->boundProfile() == profileId || target->isUnused();
    if (reuse)
        return target->openProfile(profileId);
    target = addPane(true);
    if (target->openProfile(profileId))
        return true;
    // What it says stays on the status line; the tab it would have had goes.
    const QString why = statusBar()->currentMessage();
    removePane(target);
    statusBar()->showMessage(why, 15000);
    return false;
}

void MainWindow::buildMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *newTabAction = file->addAction(tr("New &tab"), QKeySequence(Qt::CTRL | Qt::Key_T), this, [this] { newTab(); });
    newTabAction->setToolTip(tr("A new connection in a tab of its own, on the built-in echo server (Ctrl+T)"));
    file->addAction(tr("&Duplicate tab"), this, [this] { duplicateTab(m_tabs->currentIndex()); });
    file->addAction(tr("New ser&ver tab"), this, [this] { newServerTab(); })
        ->setToolTip(tr("A WebSocket server in a tab of its own, to see what your own client sends"));
    file->addAction(tr("Close ta&b"), QKeySequence(Qt::CTRL | Qt::Key_W), this,
                    [this] { closeTab(m_tabs->currentIndex()); });
    // Ctrl+Tab goes round the tabs wherever the focus is (a text field
    // would otherwise keep it).
    const auto step = [this](int by) {
        if (m_tabs->count() > 1)
            m_tabs->setCurrentIndex((m_tabs->currentIndex() + by + m_tabs->count()) % m_tabs->count());
    };
    auto *nextTab = new QAction(tr("Next tab"), this);
    nextTab->setShortcuts({QKeySequence(Qt::CTRL | Qt::Key_Tab), QKeySequence(Qt::CTRL | Qt::Key_PageDown)});
    connect(nextTab, &QAction::triggered, this, [step] { step(1); });
    auto *previousTab = new QAction(tr("Previous tab"), this);
    previousTab->setShortcuts({QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Backtab),
                               QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Tab), QKeySequence(Qt::CTRL | Qt::Key_PageUp)});
    connect(previousTab, &QAction::triggered, this, [step] { step(-1); });
    addAction(nextTab);
    addAction(previousTab);
    for (QAction *action : {nextTab, previousTab})
        action->setShortcutContext(Qt::WindowShortcut);
    file->addSeparator();
    QAction *open = file->addAction(tr("&Open session…"), QKeySequence::Open, this, &MainWindow::chooseAndOpen);
    open->setIconText(tr("Open"));
    open->setToolTip(tr("Open a saved session, read-only (Ctrl+O)"));
    setIcon(open, Icons::Id::Open);
    file->addAction(tr("&New collection…"), this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("New collection"),
                                                          Settings::value(Settings::Id::SaveFolder).toString(),
                                                          tr("Collections (*.json)"));
        if (path.isEmpty())
            return;
        QString error;
        if (!newCollection(path, &error))
            QMessageBox::warning(this, tr("New collection"), error);
    })->setToolTip(tr("Start an empty collection file, to keep profiles in (File > Save tab to profile)"));
    file->addAction(tr("Open co&llection…"), this, [this] {
        const QString path = QFileDialog::getOpenFileName(
            this, tr("Open a collection"), Settings::value(Settings::Id::SaveFolder).toString(),
            tr("Collections and Insomnia exports (*.json);;All files (*)"));
        if (path.isEmpty())
            return;
        QString error;
        if (!openCollection(path, &error))
            QMessageBox::warning(this, tr("Open a collection"), error);
    });
    m_saveCollectionAction = file->addAction(tr("Save collection &as…"), this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Save the collection"),
                                                          Settings::value(Settings::Id::SaveFolder).toString(),
                                                          tr("Collections (*.json)"));
        if (path.isEmpty())
            return;
        QString error;
        if (!saveCollectionAs(path, &error))
            QMessageBox::warning(this, tr("Save the collection"), error);
    });
    m_saveCollectionAction->setEnabled(false);
    m_saveProfileAction = file->addAction(tr("Save tab to p&rofile"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S),
                                          this, [this] { saveTabToProfile(); });
    m_saveProfileAction->setEnabled(false);
    m_saveProfileAction->setToolTip(tr("Keep the tab's URL, request tabs and saved messages in its profile, or as a "
                                       "new profile in the collection (Ctrl+Shift+S)"));
    m_saveCollectionAction->setToolTip(tr("Write the collection in the sidebar to a wsscope collection file, "
                                          "without its secrets (an Insomnia export becomes a collection)"));
    QAction *save = file->addAction(tr("&Save session as…"), QKeySequence::Save, this,
                                    [this] { currentPane()->chooseAndSave(SessionExport::Format::SessionFile); });
    save->setIconText(tr("Save"));
    save->setToolTip(tr("Save the session: the log, the handshakes and the wire (Ctrl+S)"));
    setIcon(save, Icons::Id::Save);
    QMenu *exportMenu = file->addMenu(tr("&Export"));
    exportMenu->addAction(tr("&HAR (HTTP Archive)…"), this, [this] { currentPane()->chooseAndSave(SessionExport::Format::Har); });
    exportMenu->addAction(tr("&pcapng (Wireshark)…"), this, [this] { currentPane()->chooseAndSave(SessionExport::Format::Pcapng); });
    exportMenu->addAction(tr("&Text…"), this, [this] { currentPane()->chooseAndSave(SessionExport::Format::Text); });
    QAction *mask = file->addAction(tr("&Hide credentials in saved files"));
    m_maskAction = mask;
    mask->setCheckable(true);
    mask->setChecked(Settings::value(Settings::Id::MaskSecrets).toBool());
    mask->setToolTip(tr("Authorization, Cookie, Set-Cookie and Proxy-Authorization values are written as asterisks "
                        "in saved files, exports and the crash journal, and no credential is remembered in the "
                        "settings."));
    connect(mask, &QAction::toggled, this, [this](bool on) {
        if (!m_maskForced)
            Settings::setValue(Settings::Id::MaskSecrets, on);
        for (ConnectionPane *each : panes())
            each->setMaskForced(m_maskForced);   // the journals follow
    });
    // Where secrets are kept: the keyring, or with none, this session only
    // unless plain text in the settings file is allowed.
    QAction *plainText = file->addAction(tr("Keep secrets in the settings file &without a keyring"));
    plainText->setCheckable(true);
    m_plainTextSecretsAction = plainText;
    connect(plainText, &QAction::toggled, this, [](bool on) { SecretStore::shared()->setPlainTextAllowed(on); });
    connect(SecretStore::shared(), &SecretStore::statusChanged, this, &MainWindow::showSecretStoreStatus);
    connect(SecretStore::shared(), &SecretStore::migrated, this, [this](int moved, int left, const QString &error) {
        if (moved > 0)
            statusBar()->showMessage(tr("The passwords and tokens of %n connection(s) were moved from the settings "
                                        "file into the system keyring.", nullptr, moved), 10000);
        else if (left > 0 && !error.isEmpty())
            statusBar()->showMessage(tr("The passwords and tokens of %n connection(s) stay in the settings file: the "
                                        "keyring did not take them (%1).", nullptr, left).arg(error), 10000);
    });
    showSecretStoreStatus(SecretStore::shared()->status());
    QMenu *colours = file->addMenu(tr("&Colours"));
    auto *colourGroup = new QActionGroup(colours);
    const Theme::Colours chosen = Theme::coloursFromName(Settings::value(Settings::Id::Colours).toString());
    const QList<QPair<Theme::Colours, QString>> colourChoices = {
        {Theme::Colours::System, tr("&System (the desktop's)")},
        {Theme::Colours::Light, tr("&Light")},
        {Theme::Colours::Dark, tr("&Dark")},
    };
    for (const auto &[choice, label] : colourChoices) {
        QAction *action = colours->addAction(label);
        action->setCheckable(true);
        action->setChecked(choice == chosen);
        action->setData(Theme::coloursName(choice));
        colourGroup->addAction(action);
        connect(action, &QAction::triggered, this, [choice] {
            Settings::setValue(Settings::Id::Colours, Theme::coloursName(choice));
            Theme::applyColours(choice);
        });
    }
    QAction *journal = file->addAction(tr("&Keep a crash journal"));
    journal->setCheckable(true);
    journal->setChecked(Settings::value(Settings::Id::KeepJournal).toBool());
    journal->setToolTip(tr("Write the session to disk as it runs, so that a crash loses at most a second of it."));
    connect(journal, &QAction::toggled, this, [this](bool on) {
        Settings::setValue(Settings::Id::KeepJournal, on);
        if (!on) {
            for (ConnectionPane *each : panes())
                each->setJournalKept(false);
        }
        statusBar()->showMessage(on ? tr("The journal starts with the next start of wsscope.")
                                    : tr("No journal is kept; the journal of this session is deleted."),
                                 5000);
    });
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);

    QMenu *connection = menuBar()->addMenu(tr("Co&nnection"));
    connection->addAction(tr("Go to &URL bar"), QKeySequence(Qt::CTRL | Qt::Key_L), this, [this] {
        currentPane()->focusUrl();
    });
    setIcon(connection->addAction(tr("&Connect"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O), this,
                                  &MainWindow::connectToUrl),
            Icons::Id::Connect);
    setIcon(connection->addAction(tr("C&lose"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_W), this,
                                  &MainWindow::closeConnection),
            Icons::Id::Disconnect);
    connection->addAction(tr("Close with a co&de…"), QKeySequence(Qt::CTRL | Qt::ALT | Qt::Key_W), this,
                          [this] { currentPane()->chooseCloseCode(); });
    setIcon(connection->addAction(tr("Re&quest options"), QKeySequence(Qt::CTRL | Qt::Key_R), this,
                                  [this] { currentPane()->showRequestOptions(); }),
            Icons::Id::Request);
    QAction *ping = connection->addAction(tr("&Ping"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_P), this,
                                          [this] { currentPane()->ping(); });
    ping->setToolTip(tr("Send a ping; its pong and the round trip appear in the log (Ctrl+Shift+P)"));
    ping->setIconText(tr("Ping", "the toolbar's button: send a ping"));
    m_pingAction = ping;
    ping->setEnabled(currentPane()->session()->state() == Session::State::Open);
    setIcon(ping, Icons::Id::Ping);
    connection->addSeparator();
    QAction *tap = connection->addAction(tr("Capture the &wire (through the local tap)"));
    tap->setCheckable(true);
    tap->setChecked(currentPane()->session()->mode() == Session::Mode::Tap);
    tap->setToolTip(tr("Off: QWebSocket connects by itself, and the inspector can show only what Qt reports."));
    connect(tap, &QAction::toggled, this, [this](bool on) {
        // Every tab's next connection; a tab opened later reads the setting.
        for (ConnectionPane *each : panes())
            each->session()->setMode(on ? Session::Mode::Tap : Session::Mode::Direct);
        Settings::setValue(Settings::Id::UseTap, on);
        statusBar()->showMessage(on ? tr("The next connection is captured on the wire.")
                                    : tr("The next connection is direct: no capture, timings or TLS details."),
                                 5000);
    });
    connection->addAction(tr("Use the &built-in echo server"), this, [this] {
        if (m_echoUrl.isValid())
            setUrl(m_echoUrl.toString());
    })->setEnabled(m_echoUrl.isValid());

    QMenu *log = menuBar()->addMenu(tr("&Log"));
    log->addAction(tr("&Find in messages"), QKeySequence::Find, this, [this] {
        currentPane()->focusFind();
    });
    QAction *control = log->addAction(tr("Show &pings and pongs"));
    control->setCheckable(true);
    control->setChecked(true);
    control->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_G));
    m_controlAction = control;
    connect(control, &QAction::toggled, this, [this](bool on) { currentPane()->filterBar()->setControlFramesShown(on); });
    QAction *relative = log->addAction(tr("Times &relative to the connection"));
    relative->setCheckable(true);
    m_relativeAction = relative;
    connect(relative, &QAction::toggled, this, [this](bool on) { currentPane()->logModel()->setRelativeTimes(on); });
    QAction *clear = log->addAction(tr("&Clear"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_K), this,
                                    [this] { currentPane()->session()->log()->clear(); });
    clear->setIconText(tr("Clear log"));
    clear->setToolTip(tr("Clear the log and the Message tab (Ctrl+Shift+K)"));
    setIcon(clear, Icons::Id::Clear);

    // The actions used most, a click away; the URL row has Connect and Close.
    m_toolBar = new QToolBar(tr("Toolbar"), this);
    m_toolBar->setObjectName(QStringLiteral("mainToolBar"));   // for saveState()
    m_toolBar->setMovable(false);
    m_toolBar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_toolBar->setIconSize(QSize(20, 20));
    m_toolBar->addAction(newTabAction);
    newTabAction->setIconText(tr("New tab"));
    setIcon(newTabAction, Icons::Id::NewTab);
    m_toolBar->addAction(open);
    m_toolBar->addAction(save);
    m_toolBar->addSeparator();
    m_toolBar->addAction(ping);
    m_toolBar->addAction(clear);
    addToolBar(Qt::TopToolBarArea, m_toolBar);
    // A feed that never ends can be kept as a ring: the newest rows only.
    QMenu *keep = log->addMenu(tr("&Keep"));
    auto *keepGroup = new QActionGroup(keep);
    const int limit = qMax(0, Settings::value(Settings::Id::MaxLogRows).toInt());
    for (ConnectionPane *each : panes())
        each->session()->log()->setMaxRows(limit);
    for (const int rows : {0, 10000, 100000, 1000000, 10000000}) {
        QAction *choice = keep->addAction(rows == 0 ? tr("&Every row") : tr("The newest %1 rows").arg(QLocale().toString(rows)));
        choice->setCheckable(true);
        choice->setChecked(rows == limit);
        choice->setData(rows);
        keepGroup->addAction(choice);
        connect(choice, &QAction::triggered, this, [this, rows] {
            Settings::setValue(Settings::Id::MaxLogRows, rows);
            for (ConnectionPane *each : panes())
                each->session()->log()->setMaxRows(rows);
        });
    }
    log->addAction(tr("Go to &message editor"), QKeySequence(Qt::CTRL | Qt::Key_M), this, [this] {
        currentPane()->focusComposer();
    });

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    // Each language named in its own words; the first follows the system.
    QMenu *languages = help->addMenu(tr("&Language"));
    languages->setObjectName(QStringLiteral("languageMenu"));
    auto *languageGroup = new QActionGroup(languages);
    const QString savedLanguage = Language::normalise(Settings::value(Settings::Id::Language).toString());
    QStringList languageChoices = {QString()};
    languageChoices << Language::available();
    for (const QString &code : std::as_const(languageChoices)) {
        QAction *action = languages->addAction(
            code.isEmpty() ? tr("System (%1)").arg(Language::nativeName(Language::systemChoice()))
                           : Language::nativeName(code));
        action->setCheckable(true);
        action->setChecked(code == savedLanguage);
        action->setData(code);
        languageGroup->addAction(action);
        connect(action, &QAction::triggered, this, [this, code] { chooseLanguage(code); });
    }
    help->addAction(tr("&About wsscope"), this, [this] {
        QMessageBox::about(this, tr("About wsscope"),
                           tr("wsscope %1\nA WebSocket tester that shows the handshake, every message and the close.\n"
                              "Built with Qt %2.").arg(QCoreApplication::applicationVersion(), QString::fromLatin1(qVersion())));
    });
}

QToolBar *MainWindow::toolBar() const
{
    return m_toolBar;
}

void MainWindow::setLanguage(const QString &code)
{
    m_language = code;
}

void MainWindow::chooseLanguage(const QString &choice)
{
    Settings::setValue(Settings::Id::Language, choice);
    const QString wanted = choice.isEmpty() ? Language::systemChoice() : choice;
    if (wanted == m_language) {
        statusBar()->showMessage(tr("wsscope already speaks %1.").arg(Language::nativeName(wanted)), 5000);
        return;
    }
    auto *box = new QMessageBox(QMessageBox::Question, tr("Language"),
                                tr("wsscope will speak %1 once it restarts.").arg(Language::nativeName(wanted)),
                                QMessageBox::NoButton, this);
    box->setObjectName(QStringLiteral("languageRestart"));
    box->setTextFormat(Qt::PlainText);
    box->setInformativeText(!anyConnected()
                                ? tr("The log is not kept across the restart unless it is saved.")
                                : tr("The connection is closed (1001) and the log is not kept across the restart "
                                     "unless it is saved."));
    QPushButton *restart = box->addButton(tr("&Restart now"), QMessageBox::AcceptRole);
    box->addButton(tr("&Later"), QMessageBox::RejectRole);
    box->setDefaultButton(restart);
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::buttonClicked, this, [this, restart, wanted](QAbstractButton *button) {
        if (button == restart)
            restartForLanguage();
        else
            statusBar()->showMessage(tr("wsscope speaks %1 from its next start.").arg(Language::nativeName(wanted)),
                                     5000);
    });
    box->open();
}

void MainWindow::restartForLanguage()
{
    m_restartRequested = true;
    // Quitting waits for the close handshake; the restart follows the end
    // of the event loop, in main().
    if (!close() && !m_quitting && !m_quitQuestion)
        m_restartRequested = false;
}

void MainWindow::dragEnterEvent(QDragEnterEvent *event)
{
    const QList<QUrl> urls = event->mimeData()->urls();
    for (const QUrl &url : urls) {
        if (url.isLocalFile()) {
            event->acceptProposedAction();
            return;
        }
    }
}

void MainWindow::dropEvent(QDropEvent *event)
{
    const QList<QUrl> urls = event->mimeData()->urls();
    for (const QUrl &url : urls) {
        if (url.isLocalFile())
            openSessionFile(url.toLocalFile());
    }
    event->acceptProposedAction();
}

void MainWindow::chooseAndOpen()
{
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Open a saved session"), Settings::value(Settings::Id::SaveFolder).toString(),
        SessionExport::fileFilter(SessionExport::Format::SessionFile) + QStringLiteral(";;") + tr("All files (*)"));
    if (path.isEmpty())
        return;
    Settings::setValue(Settings::Id::SaveFolder, QFileInfo(path).absolutePath());
    openSessionFile(path);
}

void MainWindow::offerRecovery(const QList<Journal::Recoverable> &journals)
{
    if (journals.isEmpty())
        return;
    QString list;
    for (const Journal::Recoverable &journal : journals) {
        list += u'\n'
            + tr("%1 — %2, %3", "a journal: its file name, when it was last written, its size")
                  .arg(QFileInfo(journal.path).fileName(), QLocale().toString(journal.modified, QLocale::ShortFormat),
                       QLocale().formattedDataSize(journal.bytes));
    }
    auto *box = new QMessageBox(QMessageBox::Question, tr("Recover sessions"),
                                tr("wsscope did not close cleanly last time. %n session(s) can be recovered from "
                                   "the journal:", nullptr, int(journals.size())) + list,
                                QMessageBox::NoButton, this);
    box->setTextFormat(Qt::PlainText);
    QPushButton *open = box->addButton(tr("&Open"), QMessageBox::AcceptRole);
    QPushButton *discard = box->addButton(tr("&Discard"), QMessageBox::DestructiveRole);
    box->addButton(tr("&Later"), QMessageBox::RejectRole);
    box->setDefaultButton(open);
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::buttonClicked, this, [this, journals, open, discard](QAbstractButton *button) {
        const QString recovered = Journal::defaultDirectory() + QStringLiteral("/recovered");
        for (const Journal::Recoverable &journal : journals) {
            if (button == discard) {
                QFile::remove(journal.path);
                QFile::remove(journal.path + QStringLiteral(".lock"));
            } else if (button == open) {
                // Moved aside so that it is offered only once; it stays on disk until deleted.
                QDir().mkpath(recovered);
                const QString target = recovered + u'/' + QFileInfo(journal.path).fileName();
                const QString shown = QFile::rename(journal.path, target) ? target : journal.path;
                QFile::remove(journal.path + QStringLiteral(".lock"));
                openSessionFile(shown);
            }
        }
    });
    box->open();
}

CollectionSidebar *MainWindow::collectionSidebar() const
{
    return m_sidebar;
}

bool MainWindow::openCollection(const QString &path, QString *error, const QList<Variable> &overrides)
{
    QByteArray json;
    QString why;
    if (!InputFile::readAll(path, 64 * 1024 * 1024, &json, &why)) {
        *error = tr("Cannot read \"%1\": %2.").arg(path, why);
        return false;
    }
    Collection collection;
    QHash<QString, ProfileSecrets> secrets;
    bool writable = true;
    QStringList unmapped;
    if (InsomniaImport::isInsomniaExport(json)) {
        InsomniaImport import;
        if (!InsomniaImport::read(json, &import, &why)) {
            *error = tr("Cannot read the Insomnia export \"%1\": %2").arg(path, why);
            return false;
        }
        collection = import.collection;
        secrets = import.secrets;
        unmapped = import.unmapped;
        writable = false;
    } else if (!Collection::read(json, &collection, &why)) {
        *error = tr("Cannot read the collection \"%1\": %2").arg(path, why);
        return false;
    }
    if (!m_sidebar) {
        m_sidebar = new CollectionSidebar(this);
        m_collectionDock = new QDockWidget(tr("Collection"), this);
        m_collectionDock->setObjectName(QStringLiteral("collectionDock"));
        m_collectionDock->setWidget(m_sidebar);
        addDockWidget(Qt::LeftDockWidgetArea, m_collectionDock);
        connect(m_sidebar, &CollectionSidebar::openRequested, this, &MainWindow::openProfile);
        connect(m_sidebar, &CollectionSidebar::newProfileRequested, this,
                [this](const Collection::Path &folder) { saveTabAsProfile(folder); });
        connect(m_sidebar, &CollectionSidebar::saveTabRequested, this,
                [this](const QString &id) { currentPane()->saveToProfile(id); });
        connect(m_sidebar, &CollectionSidebar::profilesRemoved, this, [this](const QStringList &ids) {
            for (ConnectionPane *each : panes()) {
                if (ids.contains(each->boundProfile()))
                    each->unbindProfile();
            }
        });
        connect(m_sidebar, &CollectionSidebar::message, this,
                [this](const QString &text) { statusBar()->showMessage(text, 15000); });
        // One click on another environment: every tab's profile again, with its values.
        connect(m_sidebar, &CollectionSidebar::environmentChanged, this, [this] {
            for (ConnectionPane *each : panes()) {
                if (!each->boundProfile().isEmpty())
                    each->openProfile(each->boundProfile());
            }
        });
        for (ConnectionPane *each : panes())
            each->setSidebar(m_sidebar);
    }
    for (ConnectionPane *each : panes())
        each->unbindProfile();
    m_sidebar->setOverrides(overrides);
    m_sidebar->setCollection(collection, secrets, path, writable);
    m_saveCollectionAction->setEnabled(true);
    m_saveProfileAction->setEnabled(true);
    m_collectionDock->show();
    // Docked, the window needs more room than a small screen has: then the
    // sidebar floats beside it.
    if (const QScreen *screen = this->screen();
        screen && minimumSizeHint().width() > screen->availableSize().width()) {
        m_collectionDock->setFloating(true);
        // Over the window's left edge, below its toolbar, where it is seen,
        // and above the window (a floating dock left where Qt puts it sits
        // behind a maximised window).
        const QRect frame = geometry();
        const int width = qMin(m_collectionDock->sizeHint().width(), frame.width() / 2);
        m_collectionDock->setGeometry(frame.x(), frame.y() + frame.height() / 8, qMax(width, 240),
                                      frame.height() * 3 / 4);
        m_collectionDock->raise();
        // Opened before the window is shown (--collection), it would end up
        // behind it: shown again once the window is there.
        if (!isVisible()) {
            m_collectionDock->hide();
            QTimer::singleShot(0, m_collectionDock, [dock = m_collectionDock] {
                dock->show();
                dock->raise();
            });
        }
    }
    if (!unmapped.isEmpty())
        statusBar()->showMessage(tr("Imported; not taken over: %1").arg(unmapped.join(QStringLiteral("; "))), 15000);
    return true;
}

bool MainWindow::newCollection(const QString &path, QString *error)
{
    Collection collection;
    collection.id = Collection::newId();
    collection.name = QFileInfo(path).completeBaseName();
    if (!collection.writeFile(path, error))
        return false;
    return openCollection(path, error);
}

void MainWindow::saveTabToProfile()
{
    if (!m_sidebar)
        return;
    ConnectionPane *pane = currentPane();
    if (!pane->boundProfile().isEmpty())
        pane->saveToProfile(pane->boundProfile());
    else
        saveTabAsProfile(m_sidebar->selectedFolder());
}

bool MainWindow::saveTabAsProfile(const Collection::Path &folder)
{
    ConnectionPane *pane = currentPane();
    bool ok = false;
    const QString name = QInputDialog::getText(this, tr("New profile"), tr("Name of the profile:"), QLineEdit::Normal,
                                               pane->title(), &ok)
                             .trimmed();
    if (!ok || name.isEmpty())
        return false;
    return pane->saveAsNewProfile(name, folder);
}

bool MainWindow::saveCollectionAs(const QString &path, QString *error)
{
    if (!m_sidebar) {
        *error = tr("No collection is open.");
        return false;
    }
    // What the file format keeps: the secrets (an imported token) stay out.
    if (!m_sidebar->collection().writeFile(path, error))
        return false;
    // From now on the profiles' messages are saved there, and the secret
    // variables' values go to the keyring under its name.
    m_sidebar->setCollection(m_sidebar->withSecretValues(), {}, path, true);
    statusBar()->showMessage(tr("Collection saved to %1").arg(path), 10000);
    return true;
}

void MainWindow::showSecretStoreStatus(SecretStore::Status status)
{
    SecretStore *store = SecretStore::shared();
    const QSignalBlocker blocker(m_plainTextSecretsAction);
    m_plainTextSecretsAction->setChecked(store->plainTextAllowed());
    m_plainTextSecretsAction->setEnabled(status == SecretStore::Status::SessionOnly
                                         || status == SecretStore::Status::PlainText);
    QString tip = store->statusText();
    if (status == SecretStore::Status::SessionOnly || status == SecretStore::Status::PlainText)
        tip += u' ' + tr("Allowed, what you type is written in plain text to the settings file, readable by anyone "
                         "who can read your files.");
    m_plainTextSecretsAction->setToolTip(tip);
    m_plainTextSecretsAction->setStatusTip(store->statusText());
}

void MainWindow::setUrl(const QString &url)
{
    currentPane()->setUrl(url);
}

bool MainWindow::connectToUrl()
{
    return currentPane()->connectToUrl();
}

void MainWindow::closeConnection()
{
    currentPane()->closeConnection();
}

bool MainWindow::closeWith(int code, const QString &reason)
{
    return currentPane()->closeWith(code, reason);
}

Session *MainWindow::session()
{
    return currentPane()->session();
}

void MainWindow::setInsecure(bool insecure)
{
    m_insecure = insecure;
    for (ConnectionPane *each : panes())
        each->setInsecure(insecure);
}

void MainWindow::setMaskSecrets(bool forced)
{
    m_maskForced = forced;
    if (m_maskAction) {
        const QSignalBlocker blocker(m_maskAction);
        m_maskAction->setChecked(masksSecrets());
        m_maskAction->setEnabled(!forced);
    }
    for (ConnectionPane *each : panes())
        each->setMaskForced(forced);
}

bool MainWindow::masksSecrets() const
{
    return m_maskForced || Settings::value(Settings::Id::MaskSecrets).toBool();
}

void MainWindow::setCommandLineRequest(const QList<Session::Header> &headers, const QString &passphrase,
                                       const QString &proxyPassword)
{
    m_commandLineHeaders = headers;
    m_commandLinePassphrase = passphrase;
    m_commandLineProxyPassword = proxyPassword;
    for (ConnectionPane *each : panes())
        each->setCommandLineRequest(headers, passphrase, proxyPassword);
}

void MainWindow::adoptSessionRequest()
{
    currentPane()->adoptSessionRequest();
}

void MainWindow::loadConnectionOptions(const QString &url, bool resetWhenUnknown)
{
    currentPane()->loadConnectionOptions(url, resetWhenUnknown);
}

bool MainWindow::saveTo(const QString &path)
{
    return currentPane()->saveTo(path);
}

Journal *MainWindow::journal() const
{
    return currentPane()->journal();
}

QString MainWindow::loadedPath() const
{
    return currentPane()->loadedPath();
}

SessionFile::Loaded MainWindow::loadedResult() const
{
    return currentPane()->loadedResult();
}

QString MainWindow::selectionText() const
{
    return currentPane()->selectionLabel()->text();
}

QString MainWindow::stateText() const
{
    return currentPane()->stateText();
}

QString MainWindow::urlError() const
{
    return currentPane()->urlError();
}

LogModel *MainWindow::logModel() const
{
    return currentPane()->logModel();
}

LogView *MainWindow::logView() const
{
    return currentPane()->logView();
}

Composer *MainWindow::composer() const
{
    return currentPane()->composer();
}

SavedMessagesPane *MainWindow::savedMessages() const
{
    return currentPane()->savedMessages();
}

HandshakeInspector *MainWindow::inspector() const
{
    return currentPane()->inspector();
}

TimingView *MainWindow::timingView() const
{
    return currentPane()->timingView();
}

TlsView *MainWindow::tlsView() const
{
    return currentPane()->tlsView();
}

RecordTable *MainWindow::wireView() const
{
    return currentPane()->wireView();
}

QTabWidget *MainWindow::detailsTabs() const
{
    return currentPane()->detailsTabs();
}

QComboBox *MainWindow::handshakeHistory() const
{
    return currentPane()->handshakeHistory();
}

FilterBar *MainWindow::filterBar() const
{
    return currentPane()->filterBar();
}

MessageView *MainWindow::messageView() const
{
    return currentPane()->messageView();
}

QComboBox *MainWindow::urlBox() const
{
    return currentPane()->urlBox();
}

LiveChart *MainWindow::liveChart() const
{
    return currentPane()->liveChart();
}

RequestEditor *MainWindow::requestEditor() const
{
    return currentPane()->requestEditor();
}

QPushButton *MainWindow::connectButton() const
{
    return currentPane()->connectButton();
}

QPushButton *MainWindow::closeButton() const
{
    return currentPane()->closeButton();
}
