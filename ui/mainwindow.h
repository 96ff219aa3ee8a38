#pragma once

#include "icons.h"
#include "inspector/handshakestory.h"
#include "record/journal.h"
#include "record/sessionfile.h"
#include "secrets/secretstore.h"
#include "workspace/recentmessages.h"
#include "session/reconnector.h"
#include "session/session.h"

#include <QMainWindow>
#include <QPointer>
#include <QThread>
#include <QStringList>
#include <QUrl>

#include <atomic>
#include <memory>

class Composer;
class LiveChart;
class RequestEditor;
class QAction;
class QToolBar;
class QToolButton;
class FilterBar;
class HandshakeInspector;
class MessageView;
class TimingView;
class TlsView;
class WireModel;
class QTabWidget;
class RecordTable;
class LogModel;
class LogView;
class QComboBox;
class SavedMessagesPane;
class CollectionSidebar;
class QDockWidget;
class QLabel;
class QPushButton;
class QSplitter;

class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    // echoUrl: the built-in echo server, offered first in the URL list; empty
    // when it could not start.
    explicit MainWindow(const QUrl &echoUrl, QWidget *parent = nullptr);
    ~MainWindow() override;
    Q_DISABLE_COPY_MOVE(MainWindow)

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
    // Closes the window the way its close button does (the connection says
    // goodbye, the journal is finished) and asks main() to start wsscope
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

    // Shows a saved session file, read-only: in this window when it has had
    // no connection yet, else in a new window. Reading happens off the GUI
    // thread; loaded() reports the end.
    void openSessionFile(const QString &path);
    // A collection (or an Insomnia export) in the sidebar; false and why when
    // it cannot be read. `overrides`: --var values over its own.
    bool openCollection(const QString &path, QString *error, const QList<Variable> &overrides = {});
    CollectionSidebar *collectionSidebar() const;
    // Puts the profile's request, resolved with the sidebar's environment,
    // into the URL bar and the request tabs, and its messages into the
    // saved messages; false (and the status bar says why) when a variable
    // is missing.
    bool openProfile(const QString &profileId);
    // Writes the sidebar's collection to `path` in wsscope's format, without
    // secrets, and keeps it there from then on.
    bool saveCollectionAs(const QString &path, QString *error);
    // Saves (File > Save) or exports in the format the name says. Errors are shown.
    bool saveTo(const QString &path);
    // The journal of this window's live session; null when read-only.
    Journal *journal() const;
    // Asks what to do with journals that crashed sessions left behind.
    void offerRecovery(const QList<Journal::Recoverable> &journals);
    // Where the last file was read from, and what reading it said.
    QString loadedPath() const;
    SessionFile::Loaded loadedResult() const;

    QToolBar *toolBar() const;
Q_SIGNALS:
    void loaded(bool ok);


protected:
    void closeEvent(QCloseEvent *event) override;
    void changeEvent(QEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    void setIcon(QObject *target, Icons::Id id);
    void setTabOrderByLayout();
    void updateEmptyTexts();
    void buildMenus();
    void loadHere(const QString &path);
    void chooseAndSave(SessionExport::Format format);
    void chooseAndOpen();
    void showReadOnly();
    // A warning in a window-modal box and the status bar, as plain text.
    void showProblem(const QString &title, const QString &text);
    void chooseCloseCode();
    void onStateChanged(Session::State state);
    void setStateText(const QString &text);
    void revealWireColumns();
    void showUrlError(const QString &message);
    void sendText(const QString &text);
    void sendBinary(const QByteArray &bytes);
    // A log row's message again (LogView::resendRequested): into the composer, or sent now.
    void resend(int kind, const QByteArray &payload, bool now);
    void restoreSettings();
    void showHandshake();
    HandshakeStory::Progress progressOf(int id) const;
    void updateHandshakeHistory();
    void connectAnyway();
    QList<int> framesOfLogRow(int row) const;
    void followLogSelection();
    void followWireSelection();
    void showSelectedMessage();

    Session m_session;
    QUrl m_echoUrl;
    QComboBox *m_urlBox;
    QPushButton *m_connect;
    QPushButton *m_close;
    QLabel *m_state;   // fixed width: a long state or close reason is elided, whole in its tooltip
    QString m_stateText;
    QLabel *m_urlError;
    LogModel *m_model;
    LogView *m_logView;
    Composer *m_composer;
    SavedMessagesPane *m_saved;
    QSplitter *m_composerSplitter;
    RecentMessages m_recent;
    VariableScope m_recentVariables;   // the Recent collection's, as last read
    QString m_messagesUrl;   // whose saved messages the pane shows
    QDockWidget *m_collectionDock = nullptr;
    CollectionSidebar *m_sidebar = nullptr;
    QString m_boundProfile;   // the profile opened, whose messages the pane shows
    QString m_boundUrl;       // the URL it resolved to
    VariableScope currentVariables() const;
    bool m_loadingMessages = false;
    HandshakeInspector *m_inspector;
    TimingView *m_timing;
    TlsView *m_tls;
    WireModel *m_wireModel;
    RecordTable *m_wireView;
    QLabel *m_wireNote = nullptr;
    QTabWidget *m_details = nullptr;
    FilterBar *m_filterBar;
    MessageView *m_messageView;
    QLabel *m_selectionLabel;
    bool m_syncingSelection = false;
    bool m_insecure = false;
    bool m_maskForced = false;
    QAction *m_maskAction = nullptr;
    QAction *m_plainTextSecretsAction = nullptr;
    QAction *m_saveCollectionAction = nullptr;
    // What the command line gave, so that it is not remembered.
    QList<Session::Header> m_commandLineHeaders;
    QString m_commandLinePassphrase;
    QString m_commandLineProxyPassword;
    QVariantMap rememberable(QVariantMap options) const;
    void rememberOptions(const QString &url, QVariantMap options);
    // The saved messages of `url` into the pane, and the pane's changes back to the file.
    void loadSavedMessages(const QString &url);
    QString savedMessagesKey(const QString &url) const;
    void storeSavedMessages();
    void sendSaved(const SavedMessage &message);
    void saveComposerMessage();
    SavedMessage draftMessage(SavedMessage::Kind kind, const QString &body) const;
    void showSecretStoreStatus(SecretStore::Status status);
    bool m_quitting = false;
    QString m_language = QStringLiteral("en");
    bool m_restartRequested = false;
    void chooseLanguage(const QString &choice);
    static constexpr int QuitGraceMs = 2500;
    int m_tlsShownFor = -1;
    int m_handshakeShownFor = -1;
    QWidget *m_handshakePane = nullptr;
    QSplitter *m_mainSplitter;
    QSplitter *m_logSplitter;
    RequestEditor *m_request = nullptr;
    LiveChart *m_live = nullptr;
    QComboBox *m_handshakes = nullptr;   // which connection's handshake the Handshake tab shows
    std::unique_ptr<Reconnector> m_reconnector;   // while reconnecting is on
    QToolButton *m_requestToggle = nullptr;
    QToolBar *m_toolBar = nullptr;
    QAction *m_pingAction = nullptr;
    QList<QPair<QPointer<QObject>, Icons::Id>> m_icons;
    QString m_optionsUrl;               // the URL whose options the editor shows
    std::unique_ptr<Journal> m_journal;
    QString m_loadedPath;
    SessionFile::Loaded m_loaded;
    bool m_loading = false;
    // Set when the window closes: a file being read stops at its next line.
    std::shared_ptr<std::atomic<bool>> m_cancelReading = std::make_shared<std::atomic<bool>>(false);
    QList<QPointer<QThread>> m_workers;   // reading or saving
};
