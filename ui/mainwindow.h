#pragma once

#include "connectionpane.h"
#include "icons.h"
#include "record/journal.h"
#include "record/sessionfile.h"
#include "secrets/secretstore.h"
#include "session/session.h"
#include "workspace/variables.h"

#include <QMainWindow>
#include <QPointer>
#include <QStringList>
#include <QUrl>

class Composer;
class ServerPane;
class LiveChart;
class RequestEditor;
class QAction;
class QToolBar;
class FilterBar;
class HandshakeInspector;
class MessageView;
class TimingView;
class TlsView;
class QTabWidget;
class RecordTable;
class LogModel;
class LogView;
class QComboBox;
class SavedMessagesPane;
class CollectionSidebar;
class QDockWidget;
class QLabel;
class QMessageBox;
class QPushButton;

// The window: menus, toolbar, the collection sidebar and the tabs, each tab a
// ConnectionPane with a connection of its own. What is asked of the window
// about one connection (its session, its log, its URL bar) is answered by the
// tab in front.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    // echoUrl: the built-in echo server, offered first in the URL list and
    // where a new tab points; empty when it could not start.
    explicit MainWindow(const QUrl &echoUrl, QWidget *parent = nullptr);
    ~MainWindow() override;
    Q_DISABLE_COPY_MOVE(MainWindow)

    // The tabs.
    QTabWidget *tabs() const;
    int paneCount() const;
    ConnectionPane *pane(int index) const;
    QList<ConnectionPane *> panes() const;   // in tab order
    ConnectionPane *currentPane() const;
    // A new tab on the built-in echo server, in front (Ctrl+T).
    ConnectionPane *newTab();
    // A new tab with the URL, request tabs and profile of tab `index`.
    ConnectionPane *duplicateTab(int index);
    // A server tab (the server mode), listening at once when `start`.
    // A port below 0: the one the last server tab started with (none: any free port).
    ServerPane *newServerTab(int port = -1, bool start = false);
    // The server tab at `index`, or null for a connection tab.
    ServerPane *serverPane(int index) const;
    // Quits as close() does, without asking about what was not saved (a
    // signal asked it to; nobody is there to answer).
    void closeWithoutAsking();
    // Closes tab `index` (Ctrl+W). With `ask`, a tab whose connection is open
    // or whose log was not saved asks first; the answer comes later, and false
    // is returned meanwhile. An open connection says goodbye (1001) before
    // its tab goes. The last tab closed leaves a new one.
    bool closeTab(int index, bool ask = true);
    // The tabs that were open when the window last closed: their URLs,
    // profiles and files, none connected.
    void restoreTabs();

    void setUrl(const QString &url);
    // Connects to what the URL bar holds; an invalid URL is shown next to the bar.
    bool connectToUrl();
    void closeConnection();

    Session *session();
    LogModel *logModel() const;
    LogView *logView() const;
    Composer *composer() const;
    SavedMessagesPane *savedMessages() const;
    HandshakeInspector *inspector() const;
    TimingView *timingView() const;
    TlsView *tlsView() const;
    RecordTable *wireView() const;
    // Message, Handshake, Wire, Timing, Live and TLS.
    QTabWidget *detailsTabs() const;
    // Which connection's handshake the Handshake tab shows (hidden with one connection).
    QComboBox *handshakeHistory() const;
    FilterBar *filterBar() const;
    MessageView *messageView() const;
    // What the status line says about the selected rows (the time between two).
    QString selectionText() const;
    // The language the window's texts were made in (Language::install). Help >
    // Language saves another choice and offers to restart in it.
    void setLanguage(const QString &code);
    QString language() const { return m_language; }
    // Closes the window the way its close button does (the connections say
    // goodbye, the journals are finished) and asks main() to start wsscope
    // again, in the language chosen.
    void restartForLanguage();
    bool restartRequested() const { return m_restartRequested; }
    // Accept certificates that do not verify, for every connection (--insecure).
    void setInsecure(bool insecure);
    // --mask-secrets: credentials are masked in every file the window writes
    // (saved sessions, exports, the journal) and kept out of its settings,
    // whatever File > Hide credentials says.
    void setMaskSecrets(bool forced);
    bool masksSecrets() const;
    // Request values given on the command line: used for the connection,
    // never remembered in the settings.
    void setCommandLineRequest(const QList<Session::Header> &headers, const QString &passphrase,
                               const QString &proxyPassword);
    QComboBox *urlBox() const;
    LiveChart *liveChart() const;
    // Params, headers, auth, subprotocols and origin for the next connection.
    RequestEditor *requestEditor() const;
    // Takes headers, subprotocols and origin set on the session (by the
    // command line) into the request editor, which sets them from then on.
    void adoptSessionRequest();
    // Fills the request tabs with what was kept for `url`; when nothing was
    // and `resetWhenUnknown`, empties them.
    void loadConnectionOptions(const QString &url, bool resetWhenUnknown = false);
    // Closes with a code and a reason (checked as Session::close() does).
    bool closeWith(int code, const QString &reason);
    QPushButton *connectButton() const;
    QPushButton *closeButton() const;
    QString stateText() const;
    QString urlError() const;

    // Shows a saved session file, read-only: in the tab in front when it has
    // had no connection yet, else in a new tab. Reading happens off the GUI
    // thread; loaded() reports the end.
    void openSessionFile(const QString &path);
    // A collection (or an Insomnia export) in the sidebar; false and why when
    // it cannot be read. `overrides`: --var values over its own.
    bool openCollection(const QString &path, QString *error, const QList<Variable> &overrides = {});
    CollectionSidebar *collectionSidebar() const;
    // Opens the profile, resolved with the sidebar's environment: in the tab
    // in front when that one has not been used or has this profile, else in
    // a new tab. False (and the status bar says why) when a variable is
    // missing.
    bool openProfile(const QString &profileId);
    // Writes the sidebar's collection to `path` in wsscope's format, without
    // secrets, and keeps it there from then on.
    bool saveCollectionAs(const QString &path, QString *error);
    // An empty collection written to `path` and opened in the sidebar.
    bool newCollection(const QString &path, QString *error);
    // The tab in front into its profile, or (asking for a name) a new one.
    void saveTabToProfile();
    // Saves (File > Save) or exports in the format the name says. Errors are shown.
    bool saveTo(const QString &path);
    // The journal of the tab in front; null when read-only.
    Journal *journal() const;
    // Asks what to do with journals that crashed sessions left behind.
    void offerRecovery(const QList<Journal::Recoverable> &journals);
    // Where the tab in front read its file from, and what reading it said.
    QString loadedPath() const;
    SessionFile::Loaded loadedResult() const;

    QToolBar *toolBar() const;
Q_SIGNALS:
    // A file opened with openSessionFile() was read (or not).
    void loaded(bool ok);

protected:
    void closeEvent(QCloseEvent *event) override;
    void changeEvent(QEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    bool saveTabAsProfile(const Collection::Path &folder);
    ConnectionPane *addPane(bool front);
    void removePane(ConnectionPane *pane);
    void showCurrentPane();
    void returnStatusLabels();
    void updateTab(ConnectionPane *pane);
    void setIcon(QObject *target, Icons::Id id);
    void buildMenus();
    void chooseAndOpen();
    void restoreSettings();
    void saveTabs() const;
    void showSecretStoreStatus(SecretStore::Status status);
    void chooseLanguage(const QString &choice);
    bool anyConnected() const;
    bool anyServerClient() const;
    // The titles of the tabs whose log (or server's clients) was not saved.
    QStringList unsavedTabs() const;
    void showTabMenu(const QPoint &at);

    QUrl m_echoUrl;
    QTabWidget *m_tabs;
    QPointer<ConnectionPane> m_shown;   // whose labels the status bar holds
    QDockWidget *m_collectionDock = nullptr;
    CollectionSidebar *m_sidebar = nullptr;
    bool m_insecure = false;
    bool m_maskForced = false;
    QAction *m_maskAction = nullptr;
    QAction *m_plainTextSecretsAction = nullptr;
    QAction *m_saveCollectionAction = nullptr;
    QAction *m_saveProfileAction = nullptr;
    QAction *m_pingAction = nullptr;
    QAction *m_controlAction = nullptr;
    QAction *m_relativeAction = nullptr;
    QList<Session::Header> m_commandLineHeaders;
    QString m_commandLinePassphrase;
    QString m_commandLineProxyPassword;
    bool m_quitting = false;
    // The question about unsaved tabs was answered with Quit.
    bool m_quitConfirmed = false;
    QPointer<QMessageBox> m_quitQuestion;
    QString m_language = QStringLiteral("en");
    bool m_restartRequested = false;
    static constexpr int QuitGraceMs = 2500;
    QToolBar *m_toolBar = nullptr;
    InkedIcons m_icons;
    // Tabs closed while their connection said goodbye; deleted once it ended.
    QList<QPointer<ConnectionPane>> m_closing;
};
