#include "connectionpane.h"

#include "plaintip.h"
#include "icons.h"
#include "theme.h"
#include "record/secrets.h"
#include "cli/shellcommand.h"

#include "recordtable.h"
#include "composer.h"
#include "inspector/handshakeinspector.h"
#include "inspector/livechart.h"
#include "inspector/messageview.h"
#include "log/filterbar.h"
#include "inspector/timingview.h"
#include "inspector/tlsview.h"
#include "inspector/wiremodel.h"
#include "log/logmodel.h"
#include "log/logview.h"
#include "session/closecodes.h"
#include "session/urlcheck.h"
#include "closedialog.h"
#include "requesteditor.h"
#include "savedmessages.h"
#include "collectionsidebar.h"
#include "secrets/secretstore.h"
#include "settings/settings.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QThread>
#include <QToolButton>
#include <QComboBox>
#include <QCompleter>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QTabWidget>
#include <QHeaderView>
#include <QTabBar>
#include <QTimer>
#include <QVBoxLayout>
#include <QPainter>
#include <QPixmap>

namespace {

Theme::Role stateRole(Session::State state)
{
    switch (state) {
    case Session::State::Open: return Theme::Role::Good;
    case Session::State::Connecting:
    case Session::State::Closing: return Theme::Role::Warning;
    case Session::State::Closed: break;
    }
    return Theme::Role::Muted;
}

} // namespace

namespace {
QString connectionCommandLine(const Session &session, int logRow, const SessionExport::Options &mask);
} // namespace
namespace {

// websocat and wscat commands for the connection a log row belongs to (an
// event row: the connection before it), or for what is set up now.
QString connectionCommandLine(const Session &session, int logRow, const SessionExport::Options &mask)
{
    const MessageLog *log = session.log();
    int id = -1;
    for (int row = qMin(logRow, log->count() - 1); row >= 0 && id < 0; --row)
        id = log->at(row).connection;
    const Session::Connection *connection = nullptr;
    for (const Session::Connection &c : session.connections()) {
        if (c.id == id || (id < 0 && &c == &session.connections().constLast()))
            connection = &c;
    }
    ShellCommand::Request request;
    if (connection) {
        request.url = connection->url;
        request.headers = connection->headers;
        request.subprotocols = connection->subprotocols;
        request.origin = connection->origin;
        request.insecure = connection->insecure;
    } else {
        request.url = session.url().toString();
        request.headers = session.requestHeaders();
        request.subprotocols = session.subprotocols();
        request.origin = session.origin();
        request.insecure = session.ignoreTlsErrors();
    }
    if (request.url.isEmpty())
        return QString();
    request.maskedValues = mask.maskedValues;
    return ShellCommand::websocat(request, mask.maskSecrets) + u'\n' + ShellCommand::wscat(request, mask.maskSecrets);
}

} // namespace

ConnectionPane::ConnectionPane(const QUrl &echoUrl, QWidget *parent)
    : QWidget(parent)
    , m_echoUrl(echoUrl)
    , m_urlBox(new QComboBox(this))
    , m_connect(new QPushButton(tr("&Connect"), this))
    , m_close(new QPushButton(tr("Cl&ose"), this))
    , m_state(new QLabel(this))
    , m_urlError(new QLabel(this))
    , m_model(new LogModel(m_session.log(), this))
    , m_logView(new LogView(this))
    , m_composer(new Composer(this))
    , m_saved(new SavedMessagesPane(this))
    , m_composerSplitter(new AdaptiveSplitter(this))
    , m_inspector(new HandshakeInspector(this))
    , m_timing(new TimingView(this))
    , m_tls(new TlsView(this))
    , m_wireModel(new WireModel(m_session.capture(), this))
    , m_wireView(new RecordTable(this))
    , m_filterBar(new FilterBar(this))
    , m_messageView(new MessageView(this))
    , m_selectionLabel(new QLabel(this))
    , m_mainSplitter(new QSplitter(Qt::Horizontal, this))
    , m_logSplitter(new QSplitter(Qt::Vertical, this))
{
    const int handshakeTimeout = Settings::value(Settings::Id::HandshakeTimeoutMs).toInt();
    // A setting edited by hand to nonsense must not make every connection fail at once.
    m_session.setHandshakeTimeout(handshakeTimeout >= 100 ? handshakeTimeout : Session::DefaultHandshakeTimeoutMs);
    m_session.setMode(Settings::value(Settings::Id::UseTap).toBool() ? Session::Mode::Tap : Session::Mode::Direct);

    m_urlBox->setEditable(true);
    m_urlBox->setInsertPolicy(QComboBox::NoInsert);
    // The editable combo box completes inline by default: typing the start of
    // a recent URL filled in the rest (a stale ?token=…), and Enter connected
    // to that. A popup offers the recent URLs; only one picked from it
    // replaces what was typed.
    m_urlBox->completer()->setCompletionMode(QCompleter::PopupCompletion);
    m_urlBox->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    m_urlBox->setMinimumContentsLength(20);
    m_urlBox->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_urlBox->lineEdit()->setPlaceholderText(tr("ws://host:port/path or wss://…"));
    m_urlBox->setAccessibleName(tr("URL"));
    m_urlBox->setToolTip(tr("WebSocket URL (Ctrl+L). Enter connects."));
    auto *urlLabel = new QLabel(tr("&URL"), this);
    urlLabel->setBuddy(m_urlBox);
    m_connect->setDefault(true);
    m_connect->setToolTip(tr("Open the connection (Enter in the URL bar)"));
    m_close->setToolTip(tr("Close the connection with 1000 (Normal closure), or cancel an attempt. Ctrl+Alt+W closes with a code and a reason."));
    m_state->setTextFormat(Qt::PlainText);
    // The state never takes its room from the URL bar: a fixed width that
    // holds the usual texts; a longer one (a server's close reason) is
    // elided here and shown whole in the tooltip and the status bar.
    m_state->setFixedWidth(m_state->fontMetrics().horizontalAdvance(u'\u25CF' + QStringLiteral(" ")
                                                                    + tr("Closed \u00B7 1006 Abnormal closure"))
                           + 12);
    m_state->setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Preferred);
    m_urlError->setTextFormat(Qt::PlainText);
    m_urlError->setWordWrap(true);
    Theme::setTextRole(m_urlError, Theme::Role::Error);
    m_urlError->hide();

    // Params, headers, auth and subprotocols: out of the way until wanted.
    m_request = new RequestEditor(this);
    m_request->hide();
    RequestEditor::Timing timing;
    timing.handshakeTimeoutMs = m_session.handshakeTimeout();
    m_request->setTiming(timing);
    m_request->setMaximumHeight(m_request->fontMetrics().height() * 12);
    m_requestToggle = new QToolButton(this);
    m_requestToggle->setText(tr("Re&quest"));
    m_requestToggle->setCheckable(true);
    m_requestToggle->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    setIcon(m_requestToggle, Icons::Id::Request);
    setIcon(m_connect, Icons::Id::Connect);
    setIcon(m_close, Icons::Id::Disconnect);
    m_requestToggle->setToolTip(tr("Query parameters, headers, authorization, subprotocols and origin (Ctrl+R)"));
    connect(m_requestToggle, &QToolButton::toggled, m_request, &QWidget::setVisible);

    auto *urlRow = new QHBoxLayout;
    urlRow->addWidget(urlLabel);
    urlRow->addWidget(m_urlBox, 1);
    urlRow->addWidget(m_requestToggle);
    urlRow->addWidget(m_connect);
    urlRow->addWidget(m_close);
    urlRow->addWidget(m_state);

    m_logView->setModel(m_model);
    m_model->setRoundTrips([this](int connection, int sequence) { return m_session.rttOfPong(connection, sequence); });
    m_logView->setAccessibleName(tr("Message log"));
    auto *logPane = new QWidget(this);
    auto *logLayout = new QVBoxLayout(logPane);
    logLayout->setContentsMargins(0, 0, 0, 0);
    logLayout->addWidget(m_filterBar);
    logLayout->addWidget(m_logView, 1);
    m_logSplitter->addWidget(logPane);
    // The saved messages beside the composer; the pane can be folded away.
    m_composerSplitter->addWidget(m_composer);
    m_composerSplitter->addWidget(m_saved);
    m_composerSplitter->setStretchFactor(0, 3);
    m_composerSplitter->setStretchFactor(1, 2);
    m_composerSplitter->setCollapsible(0, false);
    m_logSplitter->addWidget(m_composerSplitter);
    m_logSplitter->setStretchFactor(0, 4);
    m_logSplitter->setStretchFactor(1, 1);
    m_logSplitter->setChildrenCollapsible(false);
    m_wireView->setModel(m_wireModel);
    m_wireView->setAccessibleName(tr("Wire timeline"));
    m_wireView->fitColumn(WireModel::TimeColumn, QStringLiteral("00:00:00.000000"));
    m_wireView->fitColumn(WireModel::DirectionColumn, WireModel::tr("\u2190 to client"));
    m_wireView->fitColumn(WireModel::WhatColumn, WireModel::tr("HTTP response"));
    m_wireView->fitColumn(WireModel::FinColumn, WireModel::tr("more"));
    m_wireView->fitColumn(WireModel::RsvColumn, QStringLiteral("000"));
    m_wireView->fitColumn(WireModel::MaskColumn, QStringLiteral("00000000"));
    // The usual length; a 16- or 64-bit one is elided, whole in its tooltip.
    m_wireView->fitColumn(WireModel::LengthColumn, QStringLiteral("125 (7-bit)"));
    m_wireView->fitColumn(WireModel::FindingsColumn, WireModel::tr("Protocol findings"));
    // RSV bits and findings come only from a broken peer: their columns
    // appear with the first frame that has them.
    m_wireView->setColumnHidden(WireModel::RsvColumn, true);
    m_wireView->setColumnHidden(WireModel::FindingsColumn, true);
    connect(m_wireModel, &QAbstractItemModel::modelReset, this, [this] {
        m_wireView->setColumnHidden(WireModel::RsvColumn, true);
        m_wireView->setColumnHidden(WireModel::FindingsColumn, true);
        revealWireColumns();
    });
    connect(m_wireModel, &QAbstractItemModel::rowsInserted, this, &ConnectionPane::revealWireColumns);
    // The payload, the widest cell, comes last and takes the rest of the width.
    m_wireView->horizontalHeader()->moveSection(WireModel::FindingsColumn, WireModel::PayloadColumn);
    m_details = new QTabWidget(this);
    m_details->addTab(m_messageView, tr("&Message"));
    // Every connection's handshake stays: the newest is shown unless another is picked.
    m_handshakes = new QComboBox(this);
    m_handshakes->setAccessibleName(tr("Handshake of connection"));
    m_handshakes->setToolTip(tr("Each connection of this session keeps its handshake (reconnects included)."));
    auto *handshakePane = new QWidget(this);
    auto *handshakeLayout = new QVBoxLayout(handshakePane);
    handshakeLayout->setContentsMargins(0, 0, 0, 0);
    handshakeLayout->addWidget(m_handshakes);
    handshakeLayout->addWidget(m_inspector, 1);
    m_handshakes->hide();
    connect(m_handshakes, &QComboBox::activated, this, [this] { showHandshake(); });
    m_details->addTab(handshakePane, tr("Han&dshake"));
    m_handshakePane = handshakePane;
    // Says, for a reopened session, that its frames are rebuilt, not captured.
    m_wireNote = new QLabel(this);
    m_wireNote->setTextFormat(Qt::PlainText);
    m_wireNote->setWordWrap(true);
    m_wireNote->hide();
    auto *wirePane = new QWidget(this);
    auto *wireLayout = new QVBoxLayout(wirePane);
    wireLayout->setContentsMargins(0, 0, 0, 0);
    wireLayout->addWidget(m_wireNote);
    wireLayout->addWidget(m_wireView, 1);
    m_details->addTab(wirePane, tr("&Wire"));
    // Scrolled, so that its figures never make the window taller than a small screen.
    auto *timingScroll = new QScrollArea(this);
    timingScroll->setWidget(m_timing);
    timingScroll->setWidgetResizable(true);
    timingScroll->setFrameShape(QFrame::NoFrame);
    m_details->addTab(timingScroll, tr("&Timing"));
    m_live = new LiveChart(this);
    m_live->setSession(&m_session);
    m_details->addTab(m_live, tr("Li&ve"));
    m_details->addTab(m_tls, tr("TLS"));
    m_details->setDocumentMode(true);
    // No scroll arrows hiding a tab: the bar asks for the room of all its
    // tabs, and the splitter leaves the inspector at least that.
    m_details->tabBar()->setUsesScrollButtons(false);
    m_details->tabBar()->setElideMode(Qt::ElideNone);
    QTabWidget *details = m_details;
    m_mainSplitter->addWidget(m_logSplitter);
    m_mainSplitter->addWidget(details);
    m_mainSplitter->setStretchFactor(0, 3);
    m_mainSplitter->setStretchFactor(1, 2);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(urlRow);
    layout->addWidget(m_urlError);
    layout->addWidget(m_request);
    layout->addWidget(m_mainSplitter, 1);

    setTabOrderByLayout();

    connect(m_connect, &QPushButton::clicked, this, &ConnectionPane::connectToUrl);
    connect(m_close, &QPushButton::clicked, this, &ConnectionPane::closeConnection);
    connect(m_urlBox->lineEdit(), &QLineEdit::returnPressed, this, &ConnectionPane::connectToUrl);
    connect(m_urlBox, &QComboBox::editTextChanged, this, [this](const QString &text) {
        showUrlError({});
        m_request->setUrl(text);
    });
    connect(m_request, &RequestEditor::urlEdited, this, [this](const QString &url) {
        const QSignalBlocker blocker(m_urlBox);
        m_urlBox->setEditText(url);
    });
    // Coming back to a URL brings back what was set up for it.
    connect(m_urlBox, &QComboBox::textActivated, this, [this](const QString &url) { loadConnectionOptions(url); });
    connect(&m_session, &Session::stateChanged, this, &ConnectionPane::onStateChanged);
    connect(&m_session, &Session::handshakeChanged, this, &ConnectionPane::showHandshake);
    connect(m_tls, &TlsView::connectAnywayRequested, this, &ConnectionPane::connectAnyway);
    connect(m_logView->selectionModel(), &QItemSelectionModel::selectionChanged, this, &ConnectionPane::followLogSelection);
    connect(m_wireView->selectionModel(), &QItemSelectionModel::selectionChanged, this, &ConnectionPane::followWireSelection);
    connect(m_logView->selectionModel(), &QItemSelectionModel::selectionChanged, this, &ConnectionPane::showSelectedMessage);
    // Log > Clear takes the rows away without a selection change: the
    // Message tab must not keep showing one of them.
    connect(m_session.log(), &MessageLog::cleared, this, [this] {
        m_messageView->clear();
        m_selectionLabel->clear();
        m_pings.reset(m_pings.connection());
        m_timing->setKeepAlive(m_pings, m_pingsServer);
    });
    // The keep-alive figures follow the log a batch at a time.
    connect(m_session.log(), &MessageLog::appended, this, [this](int first, int last) {
        bool pingOrPong = false;
        for (int row = first; row <= last && row < m_session.log()->count(); ++row) {
            const MessageLog::Entry &entry = m_session.log()->at(row);
            if (entry.kind == MessageLog::Kind::Ping || entry.kind == MessageLog::Kind::Pong) {
                m_pings.feed(entry, m_session.log()->data(row));
                pingOrPong = true;
            }
        }
        if (pingOrPong)
            m_timing->setKeepAlive(m_pings, m_pingsServer);
    });
    connect(m_filterBar, &FilterBar::filterChanged, m_model, &LogModel::setFilter);
    connect(m_filterBar, &FilterBar::filterChanged, this, &ConnectionPane::updateEmptyTexts);
    connect(m_urlBox, &QComboBox::editTextChanged, this, &ConnectionPane::updateEmptyTexts);
    connect(m_urlBox, &QComboBox::editTextChanged, this, &ConnectionPane::titleChanged);
    connect(m_model, &LogModel::searchProgress, this, [this](int searched, int total, int matches) {
        m_filterBar->setProgress(searched, total, matches, m_model->filter().isActive());
    });
    connect(m_model, &QAbstractItemModel::rowsInserted, this, [this] {
        if (!m_model->filter().isActive())
            m_filterBar->setProgress(m_model->totalRows(), m_model->totalRows(), 0, false);
    });
    m_selectionLabel->setTextFormat(Qt::PlainText);
    connect(m_composer, &Composer::textSubmitted, this, &ConnectionPane::sendText);
    connect(m_composer, &Composer::binarySubmitted, this, &ConnectionPane::sendBinary);
    connect(m_composer, &Composer::pingSubmitted, this, [this](const QByteArray &payload) {
        QString error;
        if (!m_session.ping(payload, &error))
            m_composer->showError(error);
    });
    connect(m_saved, &SavedMessagesPane::sendRequested, this, &ConnectionPane::sendSaved);
    connect(m_saved, &SavedMessagesPane::saveFromComposerRequested, this, &ConnectionPane::saveComposerMessage);
    connect(m_saved->model(), &SavedMessageModel::changed, this, &ConnectionPane::storeSavedMessages);
    // Those marked "on open" go first on every connection, reconnects too.
    m_session.setOpenMessages([this](QList<Session::Outgoing> *out, QString *error) {
        const VariableScope variables = currentVariables();
        for (const SavedMessage &message : m_saved->model()->messages()) {
            if (!message.onOpen)
                continue;
            SavedMessage::Frame frame;
            if (!message.frame(variables, &frame, error))
                return false;
            out->append({frame.binary, frame.data});
        }
        return true;
    });
    // The log's context menu: a row's message again, into the composer or
    // at once, and its connection as a command line.
    connect(m_logView, &LogView::resendRequested, this, &ConnectionPane::resend);
    connect(m_logView, &LogView::saveAsMessageRequested, this, [this](int kind, const QByteArray &payload) {
        m_saved->addWithDialog(m_saved->draft(MessageLog::Kind(kind) == MessageLog::Kind::Binary
                                                ? SavedMessage::Kind::Hex
                                                : SavedMessage::Kind::Text,
                                            MessageLog::Kind(kind) == MessageLog::Kind::Binary
                                                ? QString::fromLatin1(payload.toHex(' '))
                                                : QString::fromUtf8(payload)));
    });
    connect(&m_session, &Session::stateChanged, m_logView, [this](Session::State state) {
        m_logView->setSendingAllowed(state == Session::State::Open && !m_session.isReadOnly());
    });
    m_logView->setCommandLineSource(
        [this](int logRow) { return connectionCommandLine(m_session, logRow, exportOptions()); });

    setJournalKept(Settings::value(Settings::Id::KeepJournal).toBool());
    connect(&m_session, &Session::stateChanged, this, &ConnectionPane::titleChanged);
    // The Recent URLs, newest first, after the built-in server.
    const QStringList recent = Settings::value(Settings::Id::RecentUrls).toStringList();
    if (m_echoUrl.isValid())
        m_urlBox->addItem(m_echoUrl.toString());
    for (const QString &url : recent) {
        if (m_urlBox->findText(url) < 0)
            m_urlBox->addItem(url);
    }
    setUrl(m_echoUrl.toString());
    restoreLayout();
    onStateChanged(m_session.state());
}

ConnectionPane::~ConnectionPane()
{
    // The session goes before the views: what it flushes on the way out must
    // not reach slots of this window that ask it about its capture.
    m_wireModel->disconnect(this);
    m_model->disconnect(this);
    // A save in progress is finished rather than cut (QSaveFile would leave
    // no file at all); a read in progress is told to stop, which it does
    // within a line, and waited for.
    m_cancelReading->store(true);
    for (const QPointer<QThread> &worker : std::as_const(m_workers)) {
        if (worker) {
            worker->wait();
            delete worker.data();
        }
    }
}

// Tab goes as the eye reads the window: the URL row left to right, the
// request tabs under it when open, then the left column top to bottom
// (filter bar, log, composer), then the inspector. Inside each part the
// order its widgets were made in stays.
void ConnectionPane::setTabOrderByLayout()
{
    QList<QWidget *> chain;
    for (QWidget *widget = nextInFocusChain(); widget != this; widget = widget->nextInFocusChain()) {
        if (widget->focusPolicy() & Qt::TabFocus)
            chain.append(widget);
    }
    const auto stopsIn = [&chain](QWidget *part) {
        QList<QWidget *> stops;
        for (QWidget *widget : std::as_const(chain)) {
            if (widget == part || part->isAncestorOf(widget))
                stops.append(widget);
        }
        return stops;
    };
    QList<QWidget *> order = {m_urlBox, m_requestToggle, m_connect, m_close};
    for (QWidget *part : {static_cast<QWidget *>(m_request), static_cast<QWidget *>(m_filterBar),
                          static_cast<QWidget *>(m_logView), static_cast<QWidget *>(m_composer),
                          static_cast<QWidget *>(m_saved), static_cast<QWidget *>(m_details)}) {
        for (QWidget *stop : stopsIn(part)) {
            // A widget that hands its focus to a child (a tab widget to its
            // tab bar) moves with all of its own: Qt keeps that block
            // together, so its children are not ordered one by one.
            const bool inBlock = std::any_of(order.cbegin(), order.cend(), [stop](const QWidget *block) {
                return block->focusProxy() && block->isAncestorOf(block->focusProxy()) && block->isAncestorOf(stop);
            });
            if (!inBlock && !order.contains(stop))
                order.append(stop);
        }
    }
    for (qsizetype i = 1; i < order.size(); ++i)
        QWidget::setTabOrder(order.at(i - 1), order.at(i));
}

// What the log and the Wire tab say while they have no rows: what to do next.
void ConnectionPane::updateEmptyTexts()
{
    const Session::State state = m_session.state();
    QString log;
    if (m_model->filter().isActive())
        log = tr("No message matches the filter.");
    else if (m_session.isReadOnly() || m_loading)
        log = tr("This session has no messages.");
    else if (state == Session::State::Open)
        log = tr("Connected. Type a message below and press Ctrl+Enter to send it.");
    else if (state == Session::State::Closed)
        log = m_echoUrl.isValid() && m_urlBox->currentText().trimmed() == m_echoUrl.toString()
            ? tr("Click Connect to talk to the built-in echo server, or type the URL of your own server "
                 "(ws:// or wss://).")
            : tr("Click Connect (or press Enter in the URL bar) to open the connection.");
    m_logView->setEmptyText(log);
    m_wireView->setEmptyText(m_session.mode() == Session::Mode::Direct && !m_session.isReadOnly()
                                 ? tr("A direct connection has no capture: turn on Connection \u2192 Capture the wire "
                                      "to see every frame.")
                                 : tr("Every frame that crosses the wire appears here, both ways, with its mask and "
                                      "length."));
}

void ConnectionPane::setIcon(QObject *target, Icons::Id id)
{
    m_icons.set(target, id, palette());
}

void ConnectionPane::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() != QEvent::PaletteChange)
        return;
    m_icons.reink(palette());
}

// The list of connections, newest first, follows the session as it grows:
// a new connection adds one entry and only the newest entry's text can still
// change (its answer comes in), so a thousand reconnects cost no more each
// than the first. It is built anew only when the session is another one.
void ConnectionPane::updateHandshakeHistory()
{
    const QList<Session::Connection> &connections = m_session.connections();
    const auto entryText = [this](const Session::Connection &connection) {
        const QString when = QDateTime::fromMSecsSinceEpoch(connection.startUsec / 1000).toString(QStringLiteral("HH:mm:ss"));
        const QString status = connection.handshake.statusLine.isEmpty()
            ? tr("no answer")
            : QString::fromLatin1(connection.handshake.statusLine.mid(9, 3));
        return tr("Connection %1, %2: %3").arg(connection.id).arg(when, status);
    };
    const QSignalBlocker blocker(m_handshakes);
    int count = m_handshakes->count();
    const bool following = m_handshakes->currentIndex() <= 0;
    const bool continues = count <= connections.size()
        && (count == 0
            || (m_handshakes->itemData(count - 1).toInt() == connections.first().id
                && m_handshakes->itemData(0).toInt() == connections.at(count - 1).id));
    if (!continues) {
        m_handshakes->clear();
        count = 0;
    }
    for (qsizetype i = count; i < connections.size(); ++i)
        m_handshakes->insertItem(0, entryText(connections.at(i)), connections.at(i).id);
    if (!connections.isEmpty())
        m_handshakes->setItemText(0, entryText(connections.last()));
    m_handshakes->setVisible(connections.size() > 1);
    // The first entry follows whatever connection is current; an earlier one
    // picked stays picked.
    if (following || !continues)
        m_handshakes->setCurrentIndex(0);
}

// How far connection `id` (-1: the newest) got, for the handshake's story.
HandshakeStory::Progress ConnectionPane::progressOf(int id) const
{
    using Stage = HandshakeStory::Progress::Stage;
    HandshakeStory::Progress progress;
    const QList<Session::Connection> &connections = m_session.connections();
    if (connections.isEmpty())
        return progress;
    const Session::Connection *connection = &connections.last();
    for (const Session::Connection &candidate : connections) {
        if (candidate.id == id)
            connection = &candidate;
    }
    const bool newest = connection == &connections.last();
    progress.opened = connection->opened;
    progress.close = connection->close;
    if (connection->server)
        progress.peer = connection->peer;
    if (connection->server && m_loadedPath.isEmpty()) {
        // A server tab's client, followed as it goes on: its own record
        // says how far it got (the viewer is read-only, the client is not over).
        if (connection->endUsec >= 0)
            progress.stage = Stage::Ended;
        else if (!connection->opened)
            progress.stage = Stage::Connecting;
        else if (connection->close.closer != Session::Closer::Nobody)
            progress.stage = Stage::Closing;
        else
            progress.stage = Stage::Open;
    } else if (connection->endUsec >= 0 || !newest || m_session.isReadOnly()) {
        progress.stage = Stage::Ended;
    } else {
        switch (m_session.state()) {
        case Session::State::Connecting: progress.stage = Stage::Connecting; break;
        case Session::State::Open: progress.stage = Stage::Open; break;
        case Session::State::Closing: progress.stage = Stage::Closing; break;
        case Session::State::Closed: progress.stage = Stage::Ended; break;
        }
    }
    if (newest && !connection->opened && !m_session.isReadOnly())
        progress.failure = m_session.failureSummary();
    return progress;
}

void ConnectionPane::showHandshake()
{
    HandshakeInfo info = m_session.handshake();
    if (m_handshakes->count() != m_session.connections().size() || m_handshakes->currentIndex() <= 0)
        updateHandshakeHistory();
    // An earlier connection picked in the list: its handshake as it was kept.
    const int picked = m_handshakes->currentIndex() > 0 ? m_handshakes->currentData().toInt() : -1;
    for (const Session::Connection &connection : m_session.connections()) {
        if (connection.id == picked)
            info = connection.handshake;
    }
    m_inspector->setHandshake(info, progressOf(picked));
    // The connection shown: the one picked, else the newest.
    const int shown = picked > 0 ? picked : m_session.connectionId();
    bool server = false;
    for (const Session::Connection &connection : m_session.connections()) {
        if (connection.id == shown)
            server = connection.server;
    }
    m_timing->setTiming(info.timing, info.captured, server);
    if (m_pings.connection() != shown || m_pingsServer != server) {
        m_pings.reset(shown);
        m_pingsServer = server;
        // The rows announced so far; the rest come with their batch.
        m_pings.feed(*m_session.log(), 0, m_session.log()->count() - m_session.log()->pendingCount());
        m_timing->setKeepAlive(m_pings, server);
    }
    if (info.hasTls) {
        m_tls->setTls(info.tls);
        // A refused certificate is why the connection failed: show it, once.
        if (!info.tls.errors.isEmpty() && !info.tls.errorsIgnored && m_tlsShownFor != m_session.connectionId()) {
            m_tlsShownFor = m_session.connectionId();
            m_details->setCurrentWidget(m_tls);
        }
    }
    else if (!info.captured)
        m_tls->clear(tr("TLS details are known only through the tap, not on a direct connection."));
    else
        m_tls->clear(m_session.url().scheme() == u"wss" ? tr("The TLS handshake has not completed.")
                                                          : tr("No TLS: this is a ws:// connection."));
}

void ConnectionPane::connectAnyway()
{
    if (m_session.state() != Session::State::Closed)
        return;
    // For this connection only: the next one verifies again.
    m_session.setIgnoreTlsErrors(true);
    const bool started = connectToUrl();
    m_session.setIgnoreTlsErrors(m_insecure);
    if (started)
        m_details->setCurrentWidget(m_tls);
}

void ConnectionPane::setInsecure(bool insecure)
{
    m_insecure = insecure;
    m_session.setIgnoreTlsErrors(insecure);
}

// The frames on the wire of the log row at `row`, by the row's place among
// its connection's messages; none for rows of an earlier connection.
QList<int> ConnectionPane::framesOfLogRow(int row) const
{
    const MessageLog::Entry &entry = m_session.log()->at(row);
    const WireCapture *capture = m_session.capture();
    if (entry.connection != m_session.connectionId() || entry.sequence < 0)
        return {};
    // wsscope was the client, unless this is a client of its server mode.
    const bool server = !m_session.connections().isEmpty() && m_session.connections().last().server;
    const bool fromClient = (entry.direction == MessageLog::Direction::Sent) != server;
    if (entry.kind == MessageLog::Kind::Text || entry.kind == MessageLog::Kind::Binary) {
        const int start = capture->messageStart(fromClient, entry.sequence);
        return start >= 0 ? capture->messageFrames(start) : QList<int>();
    }
    const int frame = capture->nthFrame(fromClient,
                                        entry.kind == MessageLog::Kind::Ping ? WireCapture::Counted::Ping
                                                                             : WireCapture::Counted::Pong,
                                        entry.sequence);
    return frame >= 0 ? QList<int>{frame} : QList<int>();
}

void ConnectionPane::followLogSelection()
{
    if (m_syncingSelection)
        return;
    const QModelIndex current = m_logView->currentIndex();
    if (!current.isValid())
        return;
    QItemSelection selection;
    m_wireModel->flush();   // the row's frames may still wait for the model's batch
    for (int frame : framesOfLogRow(m_model->logRow(current.row()))) {
        const int row = m_wireModel->rowOfFrame(frame);
        if (row >= 0)
            selection.select(m_wireModel->index(row, 0), m_wireModel->index(row, WireModel::ColumnCount - 1));
    }
    if (selection.isEmpty())
        return;
    m_syncingSelection = true;
    m_wireView->selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect);
    m_wireView->scrollTo(selection.indexes().first());
    m_syncingSelection = false;
}

void ConnectionPane::followWireSelection()
{
    if (m_syncingSelection)
        return;
    const int frameIndex = m_wireView->currentIndex().data(WireModel::FrameIndexRole).toInt();
    if (!m_wireView->currentIndex().isValid() || frameIndex < 0)
        return;
    const MessageLog *log = m_session.log();
    // Search the newest rows first: the current connection is at the end.
    for (int row = m_model->totalRows() - 1; row >= 0; --row) {
        const MessageLog::Entry &entry = log->at(row);
        if (entry.connection < 0)
            continue;   // an event, such as the close after the last message
        if (entry.connection != m_session.connectionId())
            break;
        if (framesOfLogRow(row).contains(frameIndex)) {
            const int shown = m_model->rowOfLogRow(row);
            if (shown < 0)
                return;   // filtered out
            m_syncingSelection = true;
            const QModelIndex index = m_model->index(shown, 0);
            m_logView->selectionModel()->select(index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
            m_logView->scrollTo(index);
            m_syncingSelection = false;
            return;
        }
    }
}

void ConnectionPane::showSelectedMessage()
{
    const QModelIndexList rows = m_logView->selectionModel()->selectedRows();
    QString selection;
    if (rows.size() == 2) {
        const qint64 a = rows.at(0).data(LogModel::TimeUsecRole).toLongLong();
        const qint64 b = rows.at(1).data(LogModel::TimeUsecRole).toLongLong();
        selection = tr("%1 ms between the selected rows").arg(double(qAbs(b - a)) / 1000.0, 0, 'f', 3);
    } else if (rows.size() > 2) {
        selection = tr("%n row(s) selected", nullptr, int(rows.size()));
    }
    m_selectionLabel->setText(selection);

    const QModelIndex current = m_logView->currentIndex();
    if (!current.isValid()) {
        m_messageView->clear();
        return;
    }
    const int row = m_model->logRow(current.row());
    const MessageLog::Entry &entry = m_session.log()->at(row);
    const QString caption = tr("%1 %2, %n byte(s)", nullptr, int(entry.length))
                                .arg(current.siblingAtColumn(LogModel::DirectionColumn).data().toString(),
                                     current.siblingAtColumn(LogModel::KindColumn).data().toString());
    m_messageView->setMessage(m_session.log()->data(row).toByteArray(), entry.kind == MessageLog::Kind::Binary, caption);
}

Journal *ConnectionPane::journal() const
{
    return m_journal.get();
}

QString ConnectionPane::loadedPath() const
{
    return m_loadedPath;
}

SessionFile::Loaded ConnectionPane::loadedResult() const
{
    return m_loaded;
}

void ConnectionPane::loadHere(const QString &path)
{
    m_loading = true;
    // This window becomes a viewer: it will never have a live session to journal.
    if (m_journal) {
        m_journal->finish(false);
        m_journal.reset();
    }
    m_loadedPath = path;
    Q_EMIT titleChanged();
    showStatus(tr("Reading %1…").arg(QDir::toNativeSeparators(path)));
    onStateChanged(m_session.state());

    // Read on a worker thread into a log nobody else touches; adopt it here.
    struct Reading
    {
        MessageLog rows;
        SessionFile::Loaded loaded;
        QList<TapRecord> wire;
        bool exactWire = false;
        QString error;
    };
    auto reading = std::make_shared<Reading>();
    m_cancelReading->store(false);
    QThread *thread = QThread::create([path, reading, cancel = m_cancelReading] {
        QFile file;
        if (!SessionFile::openFile(&file, path, &reading->error))
            return;
        reading->loaded = SessionFile::read(&file, &reading->rows, cancel.get());
        if (reading->loaded.valid && !cancel->load())
            reading->wire = SessionFile::wireOf(reading->loaded, reading->rows, &reading->exactWire);
    });
    m_workers.append(thread);
    connect(thread, &QThread::finished, this, [this, thread, reading, path] {
        thread->deleteLater();
        m_loading = false;
        if (m_cancelReading->load())
            return;   // the window was closed meanwhile
        m_loaded = reading->loaded;
        const auto warn = [this](const QString &text) { showProblem(tr("Open session"), text); };
        if (!reading->error.isEmpty() || !reading->loaded.valid) {
            warn(reading->error.isEmpty()
                     ? tr("%1 cannot be opened: %2").arg(QDir::toNativeSeparators(path), reading->loaded.problem)
                     : reading->error);
            showReadOnly();
            Q_EMIT loaded(false);
            return;
        }
        m_session.log()->clear();
        m_session.log()->adopt(reading->rows);
        SessionFile::show(reading->loaded, reading->wire, reading->exactWire, &m_session);
        showReadOnly();
        if (!reading->loaded.problem.isEmpty())
            warn(tr("%1 was read only in part. %2").arg(QFileInfo(path).fileName(), reading->loaded.problem));
        else
            showStatus(tr("%n row(s) read from %1", nullptr, reading->loaded.rows)
                                         .arg(QDir::toNativeSeparators(path)));
        Q_EMIT loaded(true);
    });
    thread->start();
}

void ConnectionPane::showProblem(const QString &title, const QString &text)
{
    // Not modal to the event loop: the session goes on while it is shown.
    auto *box = new QMessageBox(QMessageBox::Warning, title, text, QMessageBox::Ok, this);
    box->setTextFormat(Qt::PlainText);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
    showStatus(text);
}

void ConnectionPane::showReadOnly()
{
    const QList<Session::Connection> &connections = m_session.connections();
    if (!connections.isEmpty())
        setUrl(connections.last().url);
    // Nothing can be sent from a saved session: the log gets the room.
    m_composer->hide();
    m_saved->hide();
    m_requestToggle->setChecked(false);
    m_requestToggle->hide();
    m_wireNote->setText(tr("A saved session keeps messages, not frames: these frames are rebuilt from the log, "
                           "one per message, with made-up masks."));
    m_wireNote->setVisible(!connections.isEmpty());
    onStateChanged(m_session.state());
}

void ConnectionPane::chooseAndSave(SessionExport::Format format)
{
    QString folder = Settings::value(Settings::Id::SaveFolder).toString();
    if (folder.isEmpty())
        folder = QDir::homePath();
    const QString name = m_loadedPath.isEmpty()
        ? QStringLiteral("wsscope-") + QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss"))
        : QFileInfo(m_loadedPath).fileName().section(u'.', 0, 0);
    QString path = QFileDialog::getSaveFileName(this, tr("Save as"), QDir(folder).filePath(name + SessionExport::suffix(format)),
                                                SessionExport::fileFilter(format));
    if (path.isEmpty())
        return;
    if (SessionExport::formatForPath(path) != format)
        path += SessionExport::suffix(format);
    Settings::setValue(Settings::Id::SaveFolder, QFileInfo(path).absolutePath());
    saveTo(path);
}

bool ConnectionPane::saveTo(const QString &path)
{
    if (SessionExport::formatForPath(path) == SessionExport::Format::Unknown) {
        showStatus(tr("%1: the name must end in .jsonl, .har, .pcapng or .txt.").arg(path));
        return false;
    }
    // The snapshot is taken now, in a moment; the writing happens on a
    // worker thread while the session goes on.
    qint64 rows = m_session.log()->count() + m_session.log()->droppedRows();
    qint64 revision = rows;
    auto snapshot = std::make_shared<SessionExport::Snapshot>(m_snapshotSource ? m_snapshotSource(&revision)
                                                                               : SessionExport::snapshot(m_session));
    const SessionExport::Options options = exportOptions();
    auto error = std::make_shared<QString>();
    auto ok = std::make_shared<bool>(false);
    showStatus(tr("Saving %1…").arg(QDir::toNativeSeparators(path)));
    QThread *thread = QThread::create([snapshot, path, options, error, ok] {
        *ok = SessionExport::saveSnapshot(*snapshot, path, options, error.get());
    });
    m_workers.append(thread);
    connect(thread, &QThread::finished, this, [this, thread, path, error, ok, rows, revision] {
        thread->deleteLater();
        if (*ok) {
            m_savedRows = rows;
            showStatus(tr("Saved %1").arg(QDir::toNativeSeparators(path)), 10000);
            Q_EMIT saved(path, revision);
            return;
        }
        showProblem(tr("Save"), *error);
    });
    thread->start();
    return true;
}

void ConnectionPane::setSnapshotSource(const std::function<SessionExport::Snapshot(qint64 *revision)> &source)
{
    m_snapshotSource = source;
}

void ConnectionPane::showServerClient(const Session::Connection &connection, const QList<TapRecord> &records)
{
    if (m_journal) {
        m_journal->finish(false);
        m_journal.reset();
    }
    m_session.log()->clear();
    // Id 0: no client yet.
    m_session.loadSaved(connection.id != 0 ? QList<Session::Connection>{connection} : QList<Session::Connection>{}, records,
                        true);
    showReadOnly();
    m_wireNote->hide();   // the frames are those that crossed the client's socket
    // wsscope does not connect to a server's client: nothing to connect or close here.
    m_connect->hide();
    m_close->hide();
}

void ConnectionPane::setUrl(const QString &url)
{
    m_urlBox->setEditText(url);
    // The saved messages follow the URL set (not each key typed).
    if (!m_session.isReadOnly() && UrlCheck::parse(url).ok())
        loadSavedMessages(url);
}

bool ConnectionPane::connectToUrl()
{
    if (m_session.state() != Session::State::Closed)
        return false;
    const UrlCheck::Result checked = UrlCheck::parse(m_urlBox->currentText());
    if (!checked.ok()) {
        showUrlError(checked.error);
        m_urlBox->setFocus(Qt::OtherFocusReason);
        return false;
    }
    showUrlError({});
    // What the Request tabs say goes with this connection.
    QList<Session::Header> headers;
    QStringList protocols;
    QString origin;
    QString error;
    if (!m_request->requestHeaders(&headers, &error) || !m_request->subprotocols(&protocols, &error)
        || !m_request->origin(&origin, &error)) {
        showUrlError(error);
        m_requestToggle->setChecked(true);
        return false;
    }
    ProxySetting proxy;
    if (!m_request->proxy(&proxy, &error)) {
        showUrlError(error);
        m_requestToggle->setChecked(true);
        return false;
    }
    m_session.setRequestHeaders(headers);
    m_session.setSubprotocols(protocols);
    m_session.setOrigin(origin);
    m_session.setProxy(proxy);
    m_session.setTlsFiles(m_request->tlsFiles());
    const RequestEditor::Timing timing = m_request->timing();
    m_session.setPingInterval(timing.pingIntervalMs);
    m_session.setPongTimeout(timing.pongTimeoutMs);
    m_session.setHandshakeTimeout(timing.handshakeTimeoutMs);
    m_session.setMaxMessageSize(timing.maxMessageBytes);
    if (!timing.reconnect) {
        m_reconnector.reset();
    } else if (m_reconnector) {
        m_reconnector->setPolicy(timing.reconnectPolicy);
    } else {
        m_reconnector = std::make_unique<Reconnector>(&m_session, timing.reconnectPolicy);
        connect(m_reconnector.get(), &Reconnector::reconnecting, this, [this](int attempt, int delayMs) {
            setStateText(u'\u25CF' + QStringLiteral(" ")
                         + tr("Reconnecting in %1 s (attempt %2)").arg(delayMs / 1000.0, 0, 'f', 1).arg(attempt));
            m_close->setEnabled(true);   // Close stops the waiting
        });
    }
    if (!m_session.open(checked.url, &error)) {
        showUrlError(error);
        return false;
    }
    const QString url = checked.url.toString(QUrl::FullyEncoded);
    setUrl(url);
    // Remembered for this URL, so that coming back to it brings them back.
    QVariantMap options = rememberedOptions(url);   // keeps the close code and reason
    options.insert(m_request->state());
    rememberOptions(url, rememberable(options));
    m_optionsUrl = url;
    // The built-in server's port changes between runs: remembering it would only go stale.
    if (checked.url != m_echoUrl) {
        Settings::rememberUrl(url);
        if (m_urlBox->findText(url) < 0)
            m_urlBox->insertItem(m_echoUrl.isValid() ? 1 : 0, url);
    }
    return true;
}

void ConnectionPane::setMaskForced(bool forced)
{
    m_maskForced = forced;
    if (m_journal)
        m_journal->setMaskSecrets(masksSecrets());
}

bool ConnectionPane::masksSecrets() const
{
    return m_maskForced || Settings::value(Settings::Id::MaskSecrets).toBool();
}

SessionExport::Options ConnectionPane::exportOptions() const
{
    SessionExport::Options options;
    options.maskSecrets = masksSecrets();
    options.maskedValues = Secrets::valueForms(m_secretTexts);
    return options;
}

void ConnectionPane::addSecretTexts(const QStringList &texts)
{
    // Kept for the life of the session: its earlier connections may have
    // sent a value that the profile now in the tab no longer has.
    bool added = false;
    for (const QString &text : texts) {
        if (!m_secretTexts.contains(text)) {
            m_secretTexts.append(text);
            added = true;
        }
    }
    if (added && m_journal)
        m_journal->setMaskedValues(Secrets::valueForms(m_secretTexts));
}

void ConnectionPane::setCommandLineRequest(const QList<Session::Header> &headers, const QString &passphrase,
                                           const QString &proxyPassword)
{
    m_commandLineHeaders = headers;
    m_commandLinePassphrase = passphrase;
    m_commandLineProxyPassword = proxyPassword;
}

// What of a connection's options may go into the settings: nothing that the
// command line gave, and no credential while credentials are masked.
QVariantMap ConnectionPane::rememberable(QVariantMap options) const
{
    const bool mask = masksSecrets();
    QVariantList headers;
    const QVariantList rows = options.value(QStringLiteral("headers")).toList();
    for (const QVariant &row : rows) {
        QVariantList fields = row.toList();
        const QByteArray name = fields.value(1).toString().toLatin1();
        const QByteArray value = fields.value(2).toString().toLatin1();
        const bool given = std::any_of(m_commandLineHeaders.cbegin(), m_commandLineHeaders.cend(), [&](const auto &header) {
            return header.first.compare(name, Qt::CaseInsensitive) == 0 && header.second == value;
        });
        if (given)
            continue;
        if (mask && Secrets::isSecret(name) && fields.size() > 2)
            fields[2] = QString();
        headers << QVariant(fields);
    }
    options.insert(QStringLiteral("headers"), headers);
    const QString passphrase = options.value(QStringLiteral("passphrase")).toString();
    if (mask || (!passphrase.isEmpty() && passphrase == m_commandLinePassphrase))
        options.insert(QStringLiteral("passphrase"), QString());
    if (mask)
        options.insert(QStringLiteral("authSecret"), QString());
    const QString proxy = options.value(QStringLiteral("proxy")).toString();
    if (!proxy.isEmpty()) {
        QUrl url(proxy);
        if (url.isValid() && !url.password().isEmpty()
            && (mask || url.password() == m_commandLineProxyPassword)) {
            url.setPassword(QString());
            options.insert(QStringLiteral("proxy"), url.toString());
        }
    }
    return options;
}

// The options go to the settings file; their secrets (a password, a token,
// a passphrase, a credential header's value) to the secret store, which keeps
// them in the keyring, for the session only, or in plain text when allowed.
void ConnectionPane::rememberOptions(const QString &url, QVariantMap options)
{
    const QVariantMap secrets = SecretStore::takeSecrets(&options);
    const QString key = Settings::connectionKey(url);
    const bool stored = options.value(QStringLiteral("secretsStored")).toBool();
    options.remove(QStringLiteral("secretsStored"));
    SecretStore *store = SecretStore::shared();
    if (!secrets.isEmpty()) {
        if (store->status() == SecretStore::Status::SessionOnly)
            showStatus(tr("No system keyring answered: the passwords and tokens of this connection are "
                                        "kept for this session only (File menu: keep secrets in the settings file)."),
                                     10000);
        options.insert(QStringLiteral("secretsStored"), true);
        store->write(key, SecretStore::encode(secrets), this, [this](bool ok, const QString &error) {
            if (!ok)
                showStatus(tr("The keyring did not take the secrets of this connection (%1); they are "
                                            "kept for this session only.").arg(error), 10000);
        });
    } else if (stored) {
        store->remove(key);
    }
    storeOptions(url, options);
}

QVariantMap ConnectionPane::rememberedOptions(const QString &url)
{
    QString error;
    QVariantMap options = m_recent.options(savedMessagesKey(url), &error);
    if (!error.isEmpty())
        showStatus(tr("The Recent collection cannot be read: %1").arg(error), 10000);
    return options;
}

void ConnectionPane::storeOptions(const QString &url, const QVariantMap &options)
{
    QString error;
    if (!m_recent.setOptions(savedMessagesKey(url), options, &error)) {
        showStatus(tr("The options of this URL were not kept: %1").arg(error), 10000);
        return;
    }
    // An older version's copy in the settings file is now out of date.
    Settings::removeConnectionOptions(url);
}

QString ConnectionPane::savedMessagesKey(const QString &url) const
{
    // The built-in server's port changes from run to run: its messages are
    // kept under one name of its own.
    if (m_echoUrl.isValid() && RecentMessages::urlKey(url) == RecentMessages::urlKey(m_echoUrl.toString()))
        return echoServerKey();
    return RecentMessages::urlKey(url);
}

void ConnectionPane::loadSavedMessages(const QString &url)
{
    // An opened profile keeps its messages while its URL is the one used.
    if (!m_boundProfile.isEmpty()) {
        if (RecentMessages::urlKey(url) == m_boundUrl)
            return;
        m_boundProfile.clear();
        m_boundName.clear();
        m_messagesUrl.clear();
        Q_EMIT titleChanged();
    }
    const QString key = savedMessagesKey(url);
    if (key == m_messagesUrl)
        return;
    m_messagesUrl = key;
    QString error;
    const QList<SavedMessage> messages = m_recent.messages(key, &error, &m_recentVariables);
    if (!error.isEmpty())
        showStatus(tr("The saved messages cannot be read: %1").arg(error), 10000);
    m_loadingMessages = true;
    m_saved->model()->setMessages(messages);
    m_loadingMessages = false;
}

void ConnectionPane::storeSavedMessages()
{
    if (m_loadingMessages)
        return;
    if (!m_boundProfile.isEmpty() && m_sidebar) {
        // Back into the collection file, the team's: only a wsscope
        // collection is written, never an imported file.
        m_sidebar->setMessages(m_boundProfile, m_saved->model()->messages());
        QString error;
        if (!m_sidebar->isWritable())
            showStatus(tr("This profile comes from an imported file: its messages are not saved."), 10000);
        else if (!m_sidebar->collection().writeFile(m_sidebar->path(), &error))
            showStatus(tr("The collection was not written: %1").arg(error), 10000);
        return;
    }
    if (m_messagesUrl.isEmpty()) {
        // Saved before any URL was used: they belong to the one in the URL bar.
        const UrlCheck::Result checked = UrlCheck::parse(m_urlBox->currentText());
        if (!checked.ok()) {
            showStatus(tr("The saved messages belong to a URL: type one first."), 10000);
            return;
        }
        m_messagesUrl = savedMessagesKey(checked.url.toString(QUrl::FullyEncoded));
    }
    QString error;
    if (!m_recent.setMessages(m_messagesUrl, m_saved->model()->messages(), &error))
        showStatus(tr("The saved messages were not written: %1").arg(error), 10000);
}

void ConnectionPane::sendSaved(const SavedMessage &message)
{
    SavedMessage::Frame frame;
    QString error;
    if (!message.frame(currentVariables(), &frame, &error)) {
        m_composer->showError(error);
        return;
    }
    const bool sent = frame.binary ? m_session.sendBinary(frame.data, &error)
                                   : m_session.sendText(QString::fromUtf8(frame.data), &error);
    if (!sent)
        m_composer->showError(error);
}

void ConnectionPane::saveComposerMessage()
{
    const QString text = m_composer->editor()->toPlainText();
    if (m_composer->format() == Composer::Format::Ping) {
        m_composer->showError(tr("A ping is not kept among the saved messages; choose Text or Binary (hex)."));
        return;
    }
    m_saved->addWithDialog(m_saved->draft(
        m_composer->format() == Composer::Format::Hex ? SavedMessage::Kind::Hex : SavedMessage::Kind::Text, text));
}

SavedMessagesPane *ConnectionPane::savedMessages() const
{
    return m_saved;
}

VariableScope ConnectionPane::currentVariables() const
{
    if (!m_boundProfile.isEmpty() && m_sidebar)
        return m_sidebar->variables();
    // Read with the messages, not again for each message sent.
    return m_recentVariables;
}

bool ConnectionPane::openProfile(const QString &id)
{
    const QString profileId = id;   // a copy: `id` may be m_boundProfile itself, which is cleared below
    if (!m_sidebar || m_session.isReadOnly())
        return false;
    QString why;
    const Profile *found = m_sidebar->collection().findProfile(profileId, &why);
    if (!found) {
        showStatus(why, 10000);
        return false;
    }
    const Profile profile = *found;
    const ProfileSecrets secrets = m_sidebar->secrets(profileId);
    const VariableScope scope = m_sidebar->variables();
    const ResolvedRequest resolved = ResolvedRequest::resolve(profile, secrets, scope);
    if (!resolved.ok()) {
        showStatus(tr("The profile \"%1\" cannot be sent: %2")
                                     .arg(profile.name, resolved.problemText().replace(u'\n', QStringLiteral("; "))),
                                 15000);
        return false;
    }
    // The request tabs get the values as they will be sent.
    QVariantMap state = profile.request.toEditorState();
    // A row switched off may name what is not defined: it is kept as written.
    const auto fill = [&](const QString &text) {
        QList<VariableScope::Problem> problems;
        const QString value = scope.resolve(text, QString(), &problems);
        return problems.isEmpty() ? value : text;
    };
    QVariantList rows;
    for (const QVariant &row : state.value(QStringLiteral("headers")).toList()) {
        QVariantList fields = row.toList();
        fields[1] = fill(fields.value(1).toString());
        fields[2] = fill(fields.value(2).toString());
        rows.append(QVariant(fields));
    }
    state.insert(QStringLiteral("headers"), rows);
    for (const char *key : {"authUser", "protocols", "origin", "caFile", "certFile", "keyFile"})
        state.insert(QLatin1String(key), fill(state.value(QLatin1String(key)).toString()));
    state.insert(QStringLiteral("authSecret"),
                 fill(secrets.authSecret.isEmpty() ? profile.request.authSecretReference : secrets.authSecret));
    state.insert(QStringLiteral("passphrase"), fill(secrets.passphrase));
    QString proxy = fill(profile.request.proxy);
    if (!secrets.proxyPassword.isEmpty()) {
        QUrl proxyUrl(proxy);
        proxyUrl.setPassword(fill(secrets.proxyPassword));
        proxy = proxyUrl.toString();
    }
    state.insert(QStringLiteral("proxy"), proxy);
    const QString url = resolved.url.toString(QUrl::FullyEncoded);
    m_boundProfile.clear();
    setUrl(url);
    m_optionsUrl = url;
    m_request->setUrl(url);
    m_request->setState(state);
    m_boundProfile = profileId;
    m_boundName = profile.name;
    Q_EMIT titleChanged();
    m_boundUrl = RecentMessages::urlKey(url);
    // Hide credentials hides the values of its secret variables too, in any
    // header of what this tab saves (other tabs have their own).
    addSecretTexts(scope.secretValues());
    m_messagesUrl = QStringLiteral("profile:") + profileId;
    m_loadingMessages = true;
    m_saved->model()->setMessages(profile.messages);
    m_loadingMessages = false;
    m_sidebar->selectProfile(profileId);
    const QString environment = m_sidebar->environment();
    showStatus(environment.isEmpty() ? tr("Profile \"%1\"").arg(profile.name)
                                                   : tr("Profile \"%1\" with the environment \"%2\"")
                                                         .arg(profile.name, environment),
                             10000);
    return true;
}

// A secret variable's value that the profile would write into the file (a
// tab opened from a profile holds its variables resolved); empty when none.
QString ConnectionPane::secretIn(const Profile &profile) const
{
    Collection alone;
    CollectionItem item;
    item.profile = profile;
    alone.items.append(item);
    const QByteArray json = alone.toJson();
    QStringList secrets = m_secretTexts;
    if (m_sidebar)
        secrets += m_sidebar->variables().secretValues();
    for (const QString &secret : std::as_const(secrets)) {
        if (secret.size() >= Secrets::MinMaskedValue && json.contains(secret.toUtf8()))
            return secret;
    }
    return {};
}

bool ConnectionPane::saveAsNewProfile(const QString &name, const Collection::Path &folder)
{
    if (!m_sidebar)
        return false;
    const QString url = m_urlBox->currentText().trimmed();
    if (url.isEmpty()) {
        showStatus(tr("A profile needs a URL: type one first."), 10000);
        return false;
    }
    // A tab opened from a profile starts from that profile, so that what
    // the tab left as its variables gave it keeps their {{references}}.
    QString error;
    const Profile *bound = m_boundProfile.isEmpty() ? nullptr : m_sidebar->collection().findProfile(m_boundProfile, &error);
    ProfileSecrets secrets;
    Profile profile = bound ? bound->updated(m_sidebar->secrets(m_boundProfile), m_sidebar->variables(), url,
                                             m_request->state(), &secrets)
                            : Profile().updated({}, VariableScope(), url, m_request->state(), &secrets);
    profile.id = Collection::newId();
    profile.name = name;
    profile.messages = m_saved->model()->messages();
    for (SavedMessage &message : profile.messages)
        message.id = Collection::newId();
    if (!secretIn(profile).isEmpty()) {
        showStatus(tr("The profile was not kept: a field holds the value of a secret variable; put the variable "
                      "({{name}}) there instead."),
                   15000);
        return false;
    }
    if (!m_sidebar->addProfile(profile, secrets, folder, &error)) {
        showStatus(tr("The profile was not kept: %1").arg(error), 15000);
        return false;
    }
    openProfile(profile.id);
    return true;
}

bool ConnectionPane::saveToProfile(const QString &profileId)
{
    if (!m_sidebar)
        return false;
    QString error;
    const Profile *found = m_sidebar->collection().findProfile(profileId, &error);
    if (!found) {
        showStatus(error, 10000);
        return false;
    }
    const QString url = m_urlBox->currentText().trimmed();
    if (url.isEmpty()) {
        showStatus(tr("A profile needs a URL: type one first."), 10000);
        return false;
    }
    // The values the tab was opened with are those of the environment chosen now.
    ProfileSecrets secrets;
    Profile profile = found->updated(m_sidebar->secrets(profileId), m_sidebar->variables(), url, m_request->state(),
                                     &secrets);
    if (m_boundProfile == profileId)
        profile.messages = m_saved->model()->messages();
    if (!secretIn(profile).isEmpty()) {
        showStatus(tr("The profile was not saved: a field holds the value of a secret variable; put the variable "
                      "({{name}}) there instead."),
                   15000);
        return false;
    }
    if (!m_sidebar->replaceProfile(profile, secrets, &error)) {
        showStatus(tr("The profile was not saved: %1").arg(error), 15000);
        return false;
    }
    // The tab now is that profile; what it sent stays in its log.
    if (m_boundProfile != profileId)
        openProfile(profileId);
    // An imported file is not written: the sidebar's own message says so.
    if (m_sidebar->isWritable())
        showStatus(tr("Saved to the profile \"%1\"").arg(profile.name), 10000);
    return true;
}

void ConnectionPane::closeConnection()
{
    if (m_reconnector && m_reconnector->isWaiting()) {
        m_reconnector->cancel();
        onStateChanged(m_session.state());
        showStatus(tr("No more reconnecting."), 5000);
        return;
    }
    closeWith(1000, {});
}

bool ConnectionPane::closeWith(int code, const QString &reason)
{
    QString error;
    if (m_session.close(code, reason, &error))
        return true;
    showStatus(error, 5000);
    return false;
}

void ConnectionPane::chooseCloseCode()
{
    if (m_session.state() != Session::State::Open) {
        showStatus(tr("There is no open connection to close."), 5000);
        return;
    }
    // The code and reason last used for this URL come back.
    const QString url = m_session.url().toString(QUrl::FullyEncoded);
    const QVariantMap options = rememberedOptions(url);
    auto *dialog = new CloseDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setCode(options.value(QStringLiteral("closeCode"), 1000).toInt());
    dialog->setReason(options.value(QStringLiteral("closeReason")).toString());
    connect(dialog, &QDialog::accepted, this, [this, dialog, url] {
        QVariantMap kept = rememberedOptions(url);
        kept.insert(QStringLiteral("closeCode"), dialog->code());
        kept.insert(QStringLiteral("closeReason"), dialog->reason());
        storeOptions(url, kept);
        closeWith(dialog->code(), dialog->reason());
    });
    dialog->open();
}

QComboBox *ConnectionPane::handshakeHistory() const
{
    return m_handshakes;
}

LiveChart *ConnectionPane::liveChart() const
{
    return m_live;
}

RequestEditor *ConnectionPane::requestEditor() const
{
    return m_request;
}

void ConnectionPane::adoptSessionRequest()
{
    m_request->setFromSession(m_session);
    if (m_session.pingInterval() > 0 || !m_session.tlsFiles().isEmpty()
        || m_session.proxy().kind != ProxySetting::Kind::None)
        m_requestToggle->setChecked(true);
    if (!m_session.requestHeaders().isEmpty() || !m_session.subprotocols().isEmpty() || !m_session.origin().isEmpty())
        m_requestToggle->setChecked(true);
}

void ConnectionPane::loadConnectionOptions(const QString &url, bool resetWhenUnknown)
{
    loadSavedMessages(url);
    QVariantMap options = rememberedOptions(url);
    // Options of an older version that still hold a secret wait in the
    // settings file for the keyring; until then they are read from there.
    if (const QVariantMap waiting = Settings::connectionOptions(url); !waiting.isEmpty())
        options = waiting;
    m_optionsUrl = url;
    if (options.isEmpty() && !resetWhenUnknown)
        return;
    if (options.isEmpty())
        options.insert(QStringLiteral("handshakeTimeoutMs"), m_session.handshakeTimeout());
    m_request->setUrl(url);
    m_request->setState(options);
    if (!options.value(QStringLiteral("secretsStored")).toBool())
        return;
    // Its secrets come from the store a moment later, into the fields that
    // are still blank, if the URL is still this one.
    SecretStore::shared()->read(Settings::connectionKey(url), this, [this, url](bool found, const QString &value) {
        if (!found || m_optionsUrl != url)
            return;
        QVariantMap state = m_request->state();
        const QVariantMap before = state;
        SecretStore::putSecrets(&state, SecretStore::decode(value));
        if (state != before)
            m_request->setState(state);
    });
}

void ConnectionPane::showUrlError(const QString &message)
{
    m_urlError->setText(message);
    m_urlError->setVisible(!message.isEmpty());
}

void ConnectionPane::resend(int kind, const QByteArray &payload, bool now)
{
    const auto what = MessageLog::Kind(kind);
    if (!now) {
        if (what == MessageLog::Kind::Binary)
            m_composer->setMessage(Composer::Format::Hex, QString::fromLatin1(payload.toHex(' ')));
        else
            m_composer->setMessage(what == MessageLog::Kind::Ping ? Composer::Format::Ping : Composer::Format::Text,
                                   QString::fromUtf8(payload));
        m_composer->editor()->setFocus(Qt::OtherFocusReason);
        return;
    }
    if (what == MessageLog::Kind::Text) {
        sendText(QString::fromUtf8(payload));
    } else if (what == MessageLog::Kind::Binary) {
        sendBinary(payload);
    } else if (what == MessageLog::Kind::Ping) {
        QString error;
        if (!m_session.ping(payload, &error))
            m_composer->showError(error);
    }
}

void ConnectionPane::sendText(const QString &text)
{
    QString error;
    if (!m_session.sendText(text, &error))
        m_composer->showError(error);
}

void ConnectionPane::sendBinary(const QByteArray &bytes)
{
    QString error;
    if (!m_session.sendBinary(bytes, &error))
        m_composer->showError(error);
}

void ConnectionPane::onStateChanged(Session::State state)
{
    if (m_session.isReadOnly() || m_loading) {
        m_connect->setEnabled(false);
        m_close->setEnabled(false);
        m_urlBox->setEnabled(false);
        m_composer->setSendingAllowed(false);
        setStateText(m_loading                                                              ? tr("Reading…")
                     : !m_session.connections().isEmpty() && m_session.connections().last().server ? tr("A client of the server \u00B7 read-only")
                                                                                                     : tr("Saved session \u00B7 read-only"));
        return;
    }
    const bool closed = state == Session::State::Closed;
    m_connect->setEnabled(closed);
    m_close->setEnabled(state == Session::State::Open || state == Session::State::Connecting);
    m_urlBox->setEnabled(closed);
    m_composer->setSendingAllowed(state == Session::State::Open);
    m_saved->setSendingAllowed(state == Session::State::Open);
    m_composer->setMaxFileBytes(m_session.acceptedMessageSize());

    QString text = Session::stateName(state);
    if (state == Session::State::Connecting || state == Session::State::Closing)
        text += QChar(0x2026);
    if (state == Session::State::Open && !m_session.handshake().subprotocol.isEmpty())
        text += QStringLiteral(" \u00B7 ") + m_session.handshake().subprotocol;
    if (closed && m_session.wasOpened()) {
        const Session::CloseInfo info = m_session.lastClose();
        text = tr("Closed \u00B7 %1 %2").arg(info.code).arg(CloseCodes::name(info.code));
        if (!info.reason.isEmpty())
            text += QStringLiteral(": ") + info.reason;
    } else if (closed) {
        // Why it did not open, in plain words; a server's refusal is told
        // in full by the Handshake tab, which comes forward once.
        const QString why = m_session.failureSummary();
        if (!why.isEmpty())
            text = why;
        if (m_session.refusedByServer() && m_handshakeShownFor != m_session.connectionId()) {
            m_handshakeShownFor = m_session.connectionId();
            m_details->setCurrentWidget(m_handshakePane);
        }
    }
    setStateText(u'\u25CF' + QStringLiteral(" ") + text);
    Theme::setTextRole(m_state, stateRole(state));
    if (m_handshakes->currentIndex() <= 0)
        m_inspector->setProgress(progressOf(-1));
    updateEmptyTexts();

}

Session *ConnectionPane::session()
{
    return &m_session;
}

LogModel *ConnectionPane::logModel() const
{
    return m_model;
}

LogView *ConnectionPane::logView() const
{
    return m_logView;
}

Composer *ConnectionPane::composer() const
{
    return m_composer;
}

HandshakeInspector *ConnectionPane::inspector() const
{
    return m_inspector;
}

TimingView *ConnectionPane::timingView() const
{
    return m_timing;
}

TlsView *ConnectionPane::tlsView() const
{
    return m_tls;
}

RecordTable *ConnectionPane::wireView() const
{
    return m_wireView;
}

// The RSV and findings columns come into view once a frame needs them. The
// capture keeps that as two facts, so a flood's batches cost nothing here.
void ConnectionPane::revealWireColumns()
{
    const WireCapture *capture = m_session.capture();
    if (m_wireView->isColumnHidden(WireModel::RsvColumn) && capture->anyReservedBits())
        m_wireView->setColumnHidden(WireModel::RsvColumn, false);
    if (m_wireView->isColumnHidden(WireModel::FindingsColumn) && capture->anyFrameFinding())
        m_wireView->setColumnHidden(WireModel::FindingsColumn, false);
}

QTabWidget *ConnectionPane::detailsTabs() const
{
    return m_details;
}

FilterBar *ConnectionPane::filterBar() const
{
    return m_filterBar;
}

MessageView *ConnectionPane::messageView() const
{
    return m_messageView;
}

QComboBox *ConnectionPane::urlBox() const
{
    return m_urlBox;
}

QPushButton *ConnectionPane::connectButton() const
{
    return m_connect;
}

QPushButton *ConnectionPane::closeButton() const
{
    return m_close;
}

void ConnectionPane::setStateText(const QString &text)
{
    m_stateText = text;
    const QString shown = m_state->fontMetrics().elidedText(text, Qt::ElideRight, m_state->contentsRect().width());
    m_state->setText(shown);
    m_state->setToolTip(plainToolTip(text));
    m_state->setAccessibleName(text);
    if (shown != text)
        showStatus(text);
}

QString ConnectionPane::stateText() const
{
    return m_stateText;
}

QString ConnectionPane::urlError() const
{
    return m_urlError->text();
}

void ConnectionPane::showStatus(const QString &text, int timeoutMs)
{
    Q_EMIT statusMessage(text, timeoutMs);
}

void ConnectionPane::ping()
{
    QString error;
    if (!m_session.ping({}, &error))
        showStatus(error, 5000);
}

const Session *ConnectionPane::session() const
{
    return &m_session;
}

QToolButton *ConnectionPane::requestToggle() const
{
    return m_requestToggle;
}

QLabel *ConnectionPane::selectionLabel() const
{
    return m_selectionLabel;
}

void ConnectionPane::focusUrl()
{
    m_urlBox->setFocus(Qt::ShortcutFocusReason);
    m_urlBox->lineEdit()->selectAll();
}

void ConnectionPane::focusComposer()
{
    m_composer->editor()->setFocus(Qt::ShortcutFocusReason);
}

void ConnectionPane::focusFind()
{
    m_filterBar->searchEdit()->setFocus(Qt::ShortcutFocusReason);
    m_filterBar->searchEdit()->selectAll();
}

void ConnectionPane::showRequestOptions()
{
    if (!m_requestToggle->isVisible())
        return;   // a saved session has no request to edit
    m_requestToggle->setChecked(true);
    m_request->setFocus(Qt::ShortcutFocusReason);
}

void ConnectionPane::setSidebar(CollectionSidebar *sidebar)
{
    m_sidebar = sidebar;
}

QString ConnectionPane::boundProfile() const
{
    return m_boundProfile;
}

void ConnectionPane::unbindProfile()
{
    if (m_boundProfile.isEmpty())
        return;
    m_boundProfile.clear();
    m_boundName.clear();
    m_messagesUrl.clear();
    loadSavedMessages(m_urlBox->currentText());
    Q_EMIT titleChanged();
}

void ConnectionPane::setJournalKept(bool kept)
{
    if (!kept) {
        if (m_journal) {
            m_journal->finish(false);
            m_journal.reset();
        }
        return;
    }
    // A viewer of a saved file never has a live session to journal.
    if (m_journal || m_session.isReadOnly() || m_loading)
        return;
    m_journal = std::make_unique<Journal>(&m_session, Journal::defaultDirectory(), exportOptions());
    if (!m_journal->isOpen())
        showStatus(tr("No session journal: %1").arg(m_journal->errorString()));
    connect(m_journal.get(), &Journal::failed, this, [this](const QString &message) { showStatus(message); });
}

bool ConnectionPane::isUnused() const
{
    return !m_loading && !m_session.isReadOnly() && m_session.connections().isEmpty()
        && m_session.state() == Session::State::Closed && m_session.log()->count() == 0;
}

bool ConnectionPane::isReadOnly() const
{
    return m_loading || m_session.isReadOnly();
}

bool ConnectionPane::hasUnsavedRows() const
{
    const MessageLog *log = m_session.log();
    return !isReadOnly() && log->count() > 0 && log->count() + log->droppedRows() != m_savedRows;
}

QString ConnectionPane::title() const
{
    if (!m_loadedPath.isEmpty())
        return QFileInfo(m_loadedPath).fileName();
    if (!m_boundName.isEmpty())
        return m_boundName;
    const QString text = m_session.state() == Session::State::Closed ? m_urlBox->currentText().trimmed()
                                                                      : m_session.url().toString();
    const QUrl url(text);
    if (m_echoUrl.isValid() && url == m_echoUrl)
        return tr("Echo server");
    if (!url.isValid() || url.host().isEmpty())
        return tr("New connection");
    QString host = url.host();
    if (url.port() >= 0)
        host += u':' + QString::number(url.port());
    const QString path = url.path();
    return path.isEmpty() || path == u"/" ? host : host + path;
}

// A dot in the colour of the state, as the state line has it; a saved
// session has the Open icon.
QIcon ConnectionPane::stateIcon() const
{
    if (isReadOnly())
        return Icons::icon(Icons::Id::Open, palette());
    const int size = 16;
    const qreal ratio = devicePixelRatioF();
    QPixmap pixmap(QSize(size, size) * ratio);
    pixmap.setDevicePixelRatio(ratio);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(Qt::NoPen);
    painter.setBrush(Theme::color(stateRole(m_session.state()), palette()));
    painter.drawEllipse(QRectF(3.5, 3.5, 9, 9));
    return QIcon(pixmap);
}

void ConnectionPane::copySetupFrom(ConnectionPane *other)
{
    const QString url = other->m_urlBox->currentText();
    m_commandLineHeaders = other->m_commandLineHeaders;
    m_commandLinePassphrase = other->m_commandLinePassphrase;
    m_commandLineProxyPassword = other->m_commandLineProxyPassword;
    m_insecure = other->m_insecure;
    m_session.setIgnoreTlsErrors(m_insecure);
    m_maskForced = other->m_maskForced;
    addSecretTexts(other->m_secretTexts);
    m_session.setMode(other->m_session.mode());
    m_session.log()->setMaxRows(other->m_session.log()->maxRows());
    m_sidebar = other->m_sidebar;
    if (!other->m_boundProfile.isEmpty() && openProfile(other->m_boundProfile)) {
        m_request->setState(other->m_request->state());
        return;
    }
    setUrl(url);
    m_optionsUrl = other->m_optionsUrl;
    m_request->setUrl(url);
    m_request->setState(other->m_request->state());
    m_requestToggle->setChecked(other->m_requestToggle->isChecked());
    Q_EMIT titleChanged();
}

QVariantMap ConnectionPane::tabState() const
{
    QVariantMap state;
    if (!m_loadedPath.isEmpty()) {
        state.insert(QStringLiteral("file"), m_loadedPath);
        return state;
    }
    if (!m_boundProfile.isEmpty())
        state.insert(QStringLiteral("profile"), m_boundProfile);
    // The built-in server's port changes from run to run: it is named, not kept.
    const QString url = m_urlBox->currentText().trimmed();
    const bool echo = m_echoUrl.isValid() && QUrl(url) == m_echoUrl;
    state.insert(QStringLiteral("url"), echo ? echoServerKey() : url);
    return state;
}

void ConnectionPane::restoreLayout()
{
    // The inspector gets a little more than half: the Wire tab's columns
    // are all in view at the default size.
    if (!m_mainSplitter->restoreState(Settings::value(Settings::Id::MainSplitter).toByteArray()))
        m_mainSplitter->setSizes({480, 620});
    if (!m_logSplitter->restoreState(Settings::value(Settings::Id::LogSplitter).toByteArray()))
        m_logSplitter->setSizes({480, 160});
    if (!m_composerSplitter->restoreState(Settings::value(Settings::Id::ComposerSplitter).toByteArray()))
        m_composerSplitter->setSizes({300, 180});
}

void ConnectionPane::saveLayout() const
{
    Settings::setValue(Settings::Id::MainSplitter, m_mainSplitter->saveState());
    Settings::setValue(Settings::Id::LogSplitter, m_logSplitter->saveState());
    Settings::setValue(Settings::Id::ComposerSplitter, m_composerSplitter->saveState());
}

QString ConnectionPane::echoServerKey()
{
    return QStringLiteral("wsscope:echo-server");
}
