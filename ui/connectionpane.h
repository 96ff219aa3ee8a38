#pragma once

#include <functional>

#include "icons.h"
#include "inspector/handshakestory.h"
#include "record/journal.h"
#include "record/export.h"
#include "record/sessionfile.h"
#include "workspace/recentmessages.h"
#include "session/reconnector.h"
#include "log/pingstats.h"
#include "session/session.h"

#include <QIcon>
#include <QPointer>
#include <QThread>
#include <QUrl>
#include <QWidget>

#include <atomic>
#include <memory>

class CollectionSidebar;
class Composer;
class FilterBar;
class HandshakeInspector;
class LiveChart;
class LogModel;
class LogView;
class MessageView;
class QComboBox;
class QLabel;
class QPushButton;
class QSplitter;
class QTabWidget;
class QToolButton;
class RecordTable;
class RequestEditor;
class SavedMessagesPane;
class TimingView;
class TlsView;
class WireModel;

// One connection of the window, in a tab of its own: the URL row and the
// request tabs, the log with the composer and the saved messages, and the
// inspector. It owns its Session, so that its log, handshakes, wire and
// journal are its own; the window around it has the menus, the toolbar, the
// tabs and the collection sidebar, and asks the current pane for the rest.
class ConnectionPane : public QWidget
{
    Q_OBJECT

public:
    // echoUrl: the built-in echo server, offered first in the URL list;
    // empty when it is not running. The pane keeps a journal of its session
    // when the settings say so.
    explicit ConnectionPane(const QUrl &echoUrl, QWidget *parent = nullptr);
    ~ConnectionPane() override;
    Q_DISABLE_COPY_MOVE(ConnectionPane)

    void setUrl(const QString &url);
    bool connectToUrl();
    void closeConnection();
    bool closeWith(int code, const QString &reason);
    void chooseCloseCode();
    // A ping with no payload; a refusal is reported on the status line.
    void ping();

    Session *session();
    const Session *session() const;
    LogModel *logModel() const;
    LogView *logView() const;
    Composer *composer() const;
    SavedMessagesPane *savedMessages() const;
    HandshakeInspector *inspector() const;
    TimingView *timingView() const;
    TlsView *tlsView() const;
    RecordTable *wireView() const;
    QTabWidget *detailsTabs() const;
    QComboBox *handshakeHistory() const;
    FilterBar *filterBar() const;
    MessageView *messageView() const;
    QComboBox *urlBox() const;
    LiveChart *liveChart() const;
    RequestEditor *requestEditor() const;
    QPushButton *connectButton() const;
    QPushButton *closeButton() const;
    QToolButton *requestToggle() const;
    // What the status line says about the selected rows (the time between two).
    QLabel *selectionLabel() const;
    QString stateText() const;
    QString urlError() const;
    // Focus for the window's shortcuts.
    void focusUrl();
    void focusComposer();
    void focusFind();
    void showRequestOptions();

    void setInsecure(bool insecure);
    // Credentials masked in every file this pane writes, whatever the setting says.
    void setMaskForced(bool forced);
    bool masksSecrets() const;
    // How this tab's session is saved: Hide credentials, and the values of
    // the secret variables its profiles have used.
    SessionExport::Options exportOptions() const;
    void setCommandLineRequest(const QList<Session::Header> &headers, const QString &passphrase,
                               const QString &proxyPassword);
    void adoptSessionRequest();
    void loadConnectionOptions(const QString &url, bool resetWhenUnknown = false);
    // The collection whose profiles this pane can open.
    void setSidebar(CollectionSidebar *sidebar);
    bool openProfile(const QString &profileId);
    // The tab into the sidebar's collection: its URL, request tabs and saved
    // messages as a new profile named `name` in `folder`, or into the profile
    // `profileId` (its {{variables}} kept where the tab left their values).
    // Either binds the tab to that profile. False, with why on the status
    // line, when it cannot be kept (no URL, a credential in a header, the
    // file not written).
    bool saveAsNewProfile(const QString &name, const Collection::Path &folder);
    bool saveToProfile(const QString &profileId);
    // The profile opened in this pane; empty when none is.
    QString boundProfile() const;
    // Forgets the opened profile (its collection was replaced).
    void unbindProfile();

    // Reads a saved session into this pane, read-only, off the GUI thread; loaded() reports the end.
    void loadHere(const QString &path);
    bool saveTo(const QString &path);
    // What saveTo() and the Save/Export actions write instead of this pane's
    // session (a server tab saves all its clients); none: the session.
    // What Save and Export write instead of this pane's session; the source
    // also says which state of its own the snapshot is (a count of rows),
    // handed back with saved().
    void setSnapshotSource(const std::function<SessionExport::Snapshot(qint64 *revision)> &source);
    // Shows one client of the server mode, read-only, to be followed with
    // Session::appendSavedRecords(), updateSavedConnection() and the log's restore().
    void showServerClient(const Session::Connection &connection, const QList<TapRecord> &records);
    void chooseAndSave(SessionExport::Format format);
    Journal *journal() const;
    // Starts or ends this pane's journal (File > Keep a crash journal).
    void setJournalKept(bool kept);
    QString loadedPath() const;
    SessionFile::Loaded loadedResult() const;

    // Nothing happened here yet: no connection, no row, no file.
    bool isUnused() const;
    bool isReadOnly() const;
    // Rows that came since the last save, in a live session.
    bool hasUnsavedRows() const;
    // The tab's text: the profile's name, the file's name, or host and path.
    QString title() const;
    QIcon stateIcon() const;
    // Copies the URL, the request tabs and the opened profile of `other`.
    void copySetupFrom(ConnectionPane *other);
    // What brings this tab back after a restart: its URL, profile or file.
    QVariantMap tabState() const;
    // How the built-in echo server, whose port changes from run to run, is
    // named where a URL is kept (its saved messages, the tabs of the last run).
    static QString echoServerKey();

    // The splitters as the settings keep them.
    void restoreLayout();
    void saveLayout() const;

Q_SIGNALS:
    void loaded(bool ok);
    // For the window's status bar; 0: until the next one.
    void statusMessage(const QString &text, int timeoutMs);
    // The title or the state icon changed.
    void titleChanged();
    // A Save or an export was written; `revision`: the log's rows (or the
    // snapshot source's own count) when its snapshot was taken.
    void saved(const QString &path, qint64 revision);

protected:
    void changeEvent(QEvent *event) override;

private:
    std::function<SessionExport::Snapshot(qint64 *revision)> m_snapshotSource;
    void setIcon(QObject *target, Icons::Id id);
    void setTabOrderByLayout();
    void updateEmptyTexts();
    void showReadOnly();
    void showProblem(const QString &title, const QString &text);
    void showStatus(const QString &text, int timeoutMs = 0);
    void onStateChanged(Session::State state);
    void setStateText(const QString &text);
    void revealWireColumns();
    void showUrlError(const QString &message);
    void sendText(const QString &text);
    void sendBinary(const QByteArray &bytes);
    void resend(int kind, const QByteArray &payload, bool now);
    void showHandshake();
    HandshakeStory::Progress progressOf(int id) const;
    void updateHandshakeHistory();
    void connectAnyway();
    QList<int> framesOfLogRow(int row) const;
    void followLogSelection();
    void followWireSelection();
    void showSelectedMessage();
    QVariantMap rememberable(QVariantMap options) const;
    void rememberOptions(const QString &url, QVariantMap options);
    void loadSavedMessages(const QString &url);
    QString savedMessagesKey(const QString &url) const;
    void storeSavedMessages();
    void addSecretTexts(const QStringList &texts);
    QString secretIn(const Profile &profile) const;
    // The options last used with a URL, in the Recent collection.
    QVariantMap rememberedOptions(const QString &url);
    void storeOptions(const QString &url, const QVariantMap &options);
    void sendSaved(const SavedMessage &message);
    void saveComposerMessage();
    VariableScope currentVariables() const;

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
    QString m_messagesUrl;             // whose saved messages the pane shows
    QPointer<CollectionSidebar> m_sidebar;
    QString m_boundProfile;   // the profile opened, whose messages the pane shows
    QString m_boundUrl;       // the URL it resolved to
    QString m_boundName;      // its name, for the tab
    bool m_loadingMessages = false;
    HandshakeInspector *m_inspector;
    TimingView *m_timing;
    // The pings and pongs of the connection the Timing tab shows.
    PingStats m_pings{0};
    bool m_pingsServer = false;
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
    QStringList m_secretTexts;
    QList<Session::Header> m_commandLineHeaders;
    QString m_commandLinePassphrase;
    QString m_commandLineProxyPassword;
    int m_tlsShownFor = -1;
    int m_handshakeShownFor = -1;
    QWidget *m_handshakePane = nullptr;
    QSplitter *m_mainSplitter;
    QSplitter *m_logSplitter;
    RequestEditor *m_request = nullptr;
    LiveChart *m_live = nullptr;
    QComboBox *m_handshakes = nullptr;
    std::unique_ptr<Reconnector> m_reconnector;
    QToolButton *m_requestToggle = nullptr;
    InkedIcons m_icons;
    QString m_optionsUrl;   // the URL whose options the editor shows
    std::unique_ptr<Journal> m_journal;
    QString m_loadedPath;
    SessionFile::Loaded m_loaded;
    bool m_loading = false;
    qint64 m_savedRows = 0;   // the log's row count at the last save
    std::shared_ptr<std::atomic<bool>> m_cancelReading = std::make_shared<std::atomic<bool>>(false);
    QList<QPointer<QThread>> m_workers;   // reading or saving
};
