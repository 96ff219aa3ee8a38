#include "serverpane.h"

#include "connectionpane.h"
#include "savedmessages.h"
#include "log/payloadformat.h"
#include "record/journal.h"
#include "record/secrets.h"
#include "settings/settings.h"
#include "server/echoserver.h"
#include "theme.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDateTime>
#include <QFileDialog>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QSplitter>
#include <QTableWidget>
#include <QTimer>
#include <QVBoxLayout>

namespace {

// The statuses a refusal can be chosen from, in the Answer list.
constexpr int RefusalStatuses[] = {400, 401, 403, 404, 426, 503};
// How often the client list and the selected client's views catch up: the
// views never hear about single messages.
constexpr int RefreshMs = 200;

enum Column { Address, Port, Time, State, UserAgent, Path, Columns };

// The Reply list's entries.
enum class ReplyChoice { Echo, Silent, Text, SavedAll, SavedInTurn };

// Every server tab: they share one list of saved messages.
QList<ServerPane *> &serverPanes()
{
    static QList<ServerPane *> panes;
    return panes;
}

QString stateName(InspectServer::ClientState state)
{
    switch (state) {
    case InspectServer::ClientState::Handshake: return ServerPane::tr("handshake");
    case InspectServer::ClientState::Open: return ServerPane::tr("open");
    case InspectServer::ClientState::Closing: return ServerPane::tr("closing");
    case InspectServer::ClientState::Closed: return ServerPane::tr("closed");
    case InspectServer::ClientState::Refused: return ServerPane::tr("refused");
    }
    return {};
}

} // namespace

ServerPane::ServerPane(QWidget *parent)
    : QWidget(parent)
    , m_address(new QComboBox(this))
    , m_addressWarning(new QLabel(this))
    , m_port(new QSpinBox(this))
    , m_paths(new QLineEdit(this))
    , m_tlsCert(new QLineEdit(this))
    , m_tlsKey(new QLineEdit(this))
    , m_tlsPassphrase(new QLineEdit(this))
    , m_maxMessage(new QSpinBox(this))
    , m_reply(new QComboBox(this))
    , m_replyText(new QLineEdit(this))
    , m_answer(new QComboBox(this))
    , m_requireHeader(new QLineEdit(this))
    , m_protocols(new QLineEdit(this))
    , m_requireProtocol(new QCheckBox(tr("Requ&ire one"), this))
    , m_delay(new QSpinBox(this))
    , m_dropAfter(new QSpinBox(this))
    , m_startStop(new QPushButton(tr("&Start"), this))
    , m_showSettings(new QPushButton(tr("Settin&gs"), this))
    , m_url(new QLineEdit(this))
    , m_copyUrl(new QPushButton(tr("Copy U&RL"), this))
    , m_clients(new QTableWidget(0, Columns, this))
    , m_viewer(new ConnectionPane(QUrl(), this))
    , m_message(new QLineEdit(this))
    , m_sendText(new QPushButton(tr("Send t&ext"), this))
    , m_sendBinary(new QPushButton(tr("Send hex"), this))
    , m_ping(new QPushButton(tr("P&ing"), this))
    , m_closeCode(new QSpinBox(this))
    , m_closeReason(new QLineEdit(this))
    , m_close(new QPushButton(tr("&Close"), this))
    , m_broadcast(new QPushButton(tr("Send to &all"), this))
    , m_saved(new SavedMessagesPane(this))
    , m_refresh(new QTimer(this))
{
    setAccessibleName(tr("Server"));
    m_address->addItem(tr("127.0.0.1 (this machine only)"), QStringLiteral("127.0.0.1"));
    m_address->addItem(tr("All interfaces (0.0.0.0)"), QStringLiteral("0.0.0.0"));
    m_addressWarning->setTextFormat(Qt::PlainText);
    m_addressWarning->setWordWrap(true);
    m_addressWarning->setText(tr("Any machine that can reach this one can connect and see what the server sends."));
    Theme::setTextRole(m_addressWarning, Theme::Role::Warning);
    m_addressWarning->hide();
    connect(m_address, &QComboBox::currentIndexChanged, this,
            [this](int index) { m_addressWarning->setVisible(index == 1); });
    m_port->setRange(0, 65535);
    m_port->setSpecialValueText(tr("any free port"));
    m_paths->setPlaceholderText(tr("any path; or /chat, /feed"));
    m_paths->setToolTip(tr("The paths answered, separated by commas; any other gets 404 Not Found."));
    m_tlsCert->setPlaceholderText(tr("none: ws://; a PEM or PKCS#12 file: wss://"));
    m_tlsKey->setPlaceholderText(tr("PEM key, unless the certificate's file holds it"));
    auto *certBrowse = new QPushButton(tr("&Browse…"), this);
    auto *keyBrowse = new QPushButton(tr("Browse…"), this);
    connect(certBrowse, &QPushButton::clicked, this, [this] { chooseTlsFile(m_tlsCert, tr("Certificate")); });
    connect(keyBrowse, &QPushButton::clicked, this, [this] { chooseTlsFile(m_tlsKey, tr("Private key")); });
    m_tlsPassphrase->setEchoMode(QLineEdit::Password);
    m_tlsPassphrase->setPlaceholderText(tr("of the PKCS#12 file or an encrypted key; not kept"));
    m_maxMessage->setRange(1, int(InspectServer::MostMessageBytes / (1024 * 1024)));
    m_maxMessage->setValue(int(InspectServer::DefaultMaxMessageBytes / (1024 * 1024)));
    m_maxMessage->setSuffix(tr(" MiB"));
    m_maxMessage->setToolTip(tr("A client's message larger than this is refused with Close 1009."));
    m_reply->addItem(tr("Echo every message"), int(ReplyChoice::Echo));
    m_reply->addItem(tr("Silent"), int(ReplyChoice::Silent));
    m_reply->addItem(tr("Answer with this text:"), int(ReplyChoice::Text));
    m_reply->addItem(tr("Answer with every saved message"), int(ReplyChoice::SavedAll));
    m_reply->addItem(tr("Answer with the saved messages in turn"), int(ReplyChoice::SavedInTurn));
    m_reply->setToolTip(tr("The saved messages answer in their order; those sent on open go to each client as it "
                           "connects, and are not among the replies."));
    m_replyText->setEnabled(false);
    m_replyText->setPlaceholderText(tr("sent in answer to every message"));
    connect(m_reply, &QComboBox::currentIndexChanged, this,
            [this](int) { m_replyText->setEnabled(ReplyChoice(m_reply->currentData().toInt()) == ReplyChoice::Text); });
    m_answer->addItem(tr("Accept: 101 Switching Protocols"), 0);
    for (const int status : RefusalStatuses)
        m_answer->addItem(tr("Refuse: %1 %2").arg(status).arg(QString::fromLatin1(InspectServer::reasonPhrase(status))), status);
    m_requireHeader->setPlaceholderText(tr("Name: value (none: not required)"));
    m_protocols->setPlaceholderText(tr("chat, mqtt (the first one offered is answered)"));
    m_delay->setRange(0, 60000);
    m_delay->setSuffix(tr(" ms"));
    m_dropAfter->setRange(0, 1000000);
    m_dropAfter->setSpecialValueText(tr("never"));
    m_url->setReadOnly(true);
    m_url->setPlaceholderText(tr("Start the server: the URL to give your client appears here."));
    m_url->setAccessibleName(tr("Server URL"));

    auto *settings = new QGroupBox(tr("Server"), this);
    m_settings = settings;
    auto *grid = new QGridLayout(settings);
    int row = 0;
    const auto add = [&](const QString &label, QWidget *field, int column, QWidget *extra = nullptr) {
        auto *name = new QLabel(label, settings);
        name->setBuddy(field);
        grid->addWidget(name, row, column * 3);
        grid->addWidget(field, row, column * 3 + 1, 1, extra ? 1 : 2);
        if (extra)
            grid->addWidget(extra, row, column * 3 + 2);
    };
    add(tr("&Address:"), m_address, 0);
    add(tr("P&ort:"), m_port, 1);
    ++row;
    grid->addWidget(m_addressWarning, row++, 0, 1, 6);
    add(tr("Paths:"), m_paths, 0);
    add(tr("Answer the upgrade:"), m_answer, 1);
    ++row;
    add(tr("&Certificate:"), m_tlsCert, 0, certBrowse);
    add(tr("&Key:"), m_tlsKey, 1, keyBrowse);
    ++row;
    add(tr("R&eply:"), m_reply, 0);
    grid->addWidget(m_replyText, row, 4, 1, 2);
    ++row;
    add(tr("Passphrase:"), m_tlsPassphrase, 0);
    add(tr("Largest message:"), m_maxMessage, 1);
    ++row;
    add(tr("Re&quire header:"), m_requireHeader, 0);
    add(tr("Subp&rotocols:"), m_protocols, 1, m_requireProtocol);
    ++row;
    add(tr("Delay the 101:"), m_delay, 0);
    add(tr("Drop after N messages:"), m_dropAfter, 1);
    grid->setColumnStretch(1, 1);
    grid->setColumnStretch(4, 1);
    // Tab goes along the rows, as they read, each Browse… after its field.
    const QList<QWidget *> formOrder = {m_address, m_port, m_paths, m_answer, m_tlsCert, certBrowse, m_tlsKey,
                                        keyBrowse, m_reply, m_replyText, m_tlsPassphrase, m_maxMessage,
                                        m_requireHeader, m_protocols, m_requireProtocol, m_delay, m_dropAfter};
    for (qsizetype i = 1; i < formOrder.size(); ++i)
        QWidget::setTabOrder(formOrder.at(i - 1), formOrder.at(i));

    auto *urlRow = new QHBoxLayout;
    urlRow->setContentsMargins(6, 0, 6, 0);
    urlRow->addWidget(m_startStop);
    urlRow->addWidget(m_url, 1);
    urlRow->addWidget(m_copyUrl);
    urlRow->addWidget(m_showSettings);
    // The settings take effect at Start: while the server runs they make room for its clients.
    m_showSettings->setCheckable(true);
    m_showSettings->setChecked(true);
    m_showSettings->setToolTip(tr("Show the server's settings; they take effect when it starts"));
    // The form scrolls rather than making the window taller than a small screen.
    auto *settingsArea = new QScrollArea(this);
    settingsArea->setWidget(settings);
    settingsArea->setWidgetResizable(true);
    settingsArea->setFrameShape(QFrame::NoFrame);
    settingsArea->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Maximum);
    settingsArea->setMinimumHeight(fontMetrics().height() * 2);
    connect(m_showSettings, &QPushButton::toggled, settingsArea, &QWidget::setVisible);

    m_clients->setHorizontalHeaderLabels({tr("Address"), tr("Port"), tr("Time"), tr("State"), tr("User agent"), tr("Path")});
    m_clients->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_clients->setSelectionMode(QAbstractItemView::SingleSelection);
    m_clients->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_clients->verticalHeader()->hide();
    m_clients->horizontalHeader()->setStretchLastSection(true);
    m_clients->horizontalHeader()->setSectionResizeMode(UserAgent, QHeaderView::Stretch);
    m_clients->setAccessibleName(tr("Clients"));
    m_clients->setWordWrap(false);
    m_clients->setMinimumHeight(m_clients->horizontalHeader()->sizeHint().height() + fontMetrics().height() * 2);

    m_message->setPlaceholderText(tr("Text, or hex bytes for Send hex, to the selected client"));
    m_closeCode->setRange(1000, 4999);
    m_closeCode->setValue(1000);
    m_closeCode->setToolTip(tr("Close code"));
    m_closeReason->setPlaceholderText(tr("reason"));
    // Two rows, so that the tab fits a small window.
    auto *composer = new QGridLayout;
    composer->addWidget(m_message, 0, 0, 1, 3);
    composer->addWidget(m_sendText, 0, 3);
    composer->addWidget(m_sendBinary, 0, 4);
    composer->addWidget(m_broadcast, 0, 5);
    composer->addWidget(m_ping, 1, 0);
    composer->addWidget(m_closeCode, 1, 1);
    composer->addWidget(m_closeReason, 1, 2);
    composer->addWidget(m_close, 1, 3);
    composer->setColumnStretch(2, 1);

    auto *clientsAndComposer = new QWidget(this);
    auto *clientsLayout = new QVBoxLayout(clientsAndComposer);
    clientsLayout->setContentsMargins(6, 0, 0, 0);
    clientsLayout->addWidget(m_clients, 1);
    clientsLayout->addLayout(composer);
    // The saved messages beside them: sent by hand to the selected client, on
    // open to every client, and as the replies.
    m_saved->setEmptyText(tr("None yet: write one on the left and click Save."));
    m_saved->setToolTip(tr("Double click to send one to the selected client. Those sent on open go to each client as "
                           "it connects; the others can be the replies (Settings, Reply)."));
    m_saved->setMinimumWidth(220);
    auto *top = new QSplitter(Qt::Horizontal, this);
    top->addWidget(clientsAndComposer);
    auto *savedHolder = new QWidget(this);
    auto *savedLayout = new QVBoxLayout(savedHolder);
    savedLayout->setContentsMargins(0, 0, 6, 0);
    savedLayout->addWidget(m_saved);
    top->addWidget(savedHolder);
    top->setStretchFactor(0, 3);
    top->setStretchFactor(1, 1);
    top->setChildrenCollapsible(false);
    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(top);
    // Until a client comes, what to do in its place. One of the two is shown
    // (not a stack: the hidden one's size does not count).
    m_views = new QWidget(this);
    auto *viewsLayout = new QVBoxLayout(m_views);
    viewsLayout->setContentsMargins(0, 0, 0, 0);
    m_waiting = new QLabel(tr("No client yet. Start the server and point your client at its URL: every byte it "
                              "sends is shown here, as in a connection's views."),
                           this);
    m_waiting->setTextFormat(Qt::PlainText);
    m_waiting->setWordWrap(true);
    m_waiting->setAlignment(Qt::AlignCenter);
    m_waiting->setForegroundRole(QPalette::PlaceholderText);
    viewsLayout->addWidget(m_waiting);
    viewsLayout->addWidget(m_viewer);
    m_viewer->hide();
    splitter->addWidget(m_views);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 3);
    // The client's views get the room, as when they are shown: until a
    // client comes only the waiting text is there, which would get little.
    splitter->setSizes({fontMetrics().height() * 14, fontMetrics().height() * 30});

    auto *layout = new QVBoxLayout(this);
    // The views below have their own margins, as in a connection tab.
    layout->setContentsMargins(0, 6, 0, 0);
    auto *settingsRow = new QHBoxLayout;
    settingsRow->setContentsMargins(6, 0, 6, 0);
    settingsRow->addWidget(settingsArea);
    layout->addLayout(settingsRow);
    layout->addLayout(urlRow);
    // Why the last Start failed, where it is seen (the status bar's message goes).
    m_startError = new QLabel(this);
    m_startError->setTextFormat(Qt::PlainText);
    m_startError->setWordWrap(true);
    m_startError->setContentsMargins(6, 0, 6, 0);
    Theme::setTextRole(m_startError, Theme::Role::Warning);
    m_startError->hide();
    layout->addWidget(m_startError);
    layout->addWidget(splitter, 1);

    // The viewer saves and exports the whole server, every client in it.
    m_viewer->setSnapshotSource([this](qint64 *revision) {
        *revision = m_server.log()->count() + m_server.log()->droppedRows();
        return m_server.snapshot();
    });
    // Each save says which rows it holds: one still writing or failed does not count.
    connect(m_viewer, &ConnectionPane::saved, this, [this](const QString &, qint64 rows) { m_savedRows = rows; });
    m_viewer->showServerClient(Session::Connection(), {});
    connect(m_viewer, &ConnectionPane::statusMessage, this, &ServerPane::statusMessage);

    connect(m_startStop, &QPushButton::clicked, this, [this] {
        if (m_server.isListening())
            stop();
        else
            start();
    });
    connect(m_copyUrl, &QPushButton::clicked, this, [this] {
        QApplication::clipboard()->setText(m_url->text());
        Q_EMIT statusMessage(tr("Copied %1").arg(m_url->text()), 5000);
    });
    connect(m_clients, &QTableWidget::itemSelectionChanged, this, [this] {
        const QList<QTableWidgetItem *> selected = m_clients->selectedItems();
        if (!selected.isEmpty())
            showClient(m_clients->item(selected.first()->row(), Address)->data(Qt::UserRole).toInt());
        updateButtons();
    });
    connect(m_sendText, &QPushButton::clicked, this, &ServerPane::sendText);
    connect(m_sendBinary, &QPushButton::clicked, this, &ServerPane::sendBinary);
    connect(m_ping, &QPushButton::clicked, this, &ServerPane::sendPing);
    connect(m_close, &QPushButton::clicked, this, &ServerPane::closeClient);
    connect(m_broadcast, &QPushButton::clicked, this, &ServerPane::broadcast);
    connect(m_message, &QLineEdit::returnPressed, this, &ServerPane::sendText);
    connect(m_saved, &SavedMessagesPane::sendRequested, this, &ServerPane::sendSaved);
    connect(m_saved, &SavedMessagesPane::saveFromComposerRequested, this,
            [this] { m_saved->addWithDialog(m_saved->draft(SavedMessage::Kind::Text, m_message->text())); });
    connect(m_saved->model(), &SavedMessageModel::changed, this, &ServerPane::storeSavedMessages);
    // Read now, before anything can be added and written over them; a
    // problem is told once the window listens to the tab's status messages.
    {
        QString error;
        m_loadingMessages = true;
        m_saved->model()->setMessages(m_recent.messages(savedMessagesKey(), &error, &m_variables));
        m_loadingMessages = false;
        if (!error.isEmpty())
            QTimer::singleShot(0, this, [this, error] {
                Q_EMIT statusMessage(tr("The saved messages cannot be read: %1").arg(error), 10000);
            });
    }
    setForm(QJsonDocument::fromJson(Settings::value(Settings::Id::ServerForm).toString().toUtf8()).object().toVariantMap());
    serverPanes().append(this);
    connect(&m_server, &InspectServer::notice, this, [this](const QString &text) { Q_EMIT statusMessage(text, 10000); });
    m_refresh->setInterval(RefreshMs);
    connect(m_refresh, &QTimer::timeout, this, &ServerPane::refresh);
    updateButtons();
}

ServerPane::~ServerPane()
{
    serverPanes().removeAll(this);
    if (m_journal)
        m_journal->finish(false);
}

InspectServer *ServerPane::server()
{
    return &m_server;
}

ConnectionPane *ServerPane::viewer() const
{
    return m_viewer;
}

QTableWidget *ServerPane::clientTable() const
{
    return m_clients;
}

SavedMessagesPane *ServerPane::savedMessages() const
{
    return m_saved;
}

QString ServerPane::savedMessagesKey()
{
    return QStringLiteral("wsscope:server-tab");
}

void ServerPane::storeSavedMessages()
{
    if (m_loadingMessages)
        return;
    QString error;
    if (!m_recent.setMessages(savedMessagesKey(), m_saved->model()->messages(), &error)) {
        Q_EMIT statusMessage(tr("The saved messages were not written: %1").arg(error), 10000);
    } else {
        for (ServerPane *other : std::as_const(serverPanes())) {
            if (other != this)
                other->loadSavedMessages();
        }
    }
    applySavedReplies();
}

void ServerPane::loadSavedMessages()
{
    QString error;
    const QList<SavedMessage> messages = m_recent.messages(savedMessagesKey(), &error, &m_variables);
    if (!error.isEmpty()) {
        Q_EMIT statusMessage(tr("The saved messages cannot be read: %1").arg(error), 10000);
        return;
    }
    m_loadingMessages = true;
    m_saved->model()->setMessages(messages);
    m_loadingMessages = false;
    applySavedReplies();
}

void ServerPane::applySavedReplies()
{
    // A running server answers with them from its next message on.
    if (!m_server.isListening())
        return;
    InspectServer::Config config;
    QString error;
    if (repliesFromForm(&config, &error))
        m_server.setReplies(config.reply, config.replies, config.onOpen);
    else
        Q_EMIT statusMessage(tr("The server goes on answering as before: %1").arg(error), 10000);
}

void ServerPane::sendSaved(const SavedMessage &message)
{
    SavedMessage::Frame frame;
    QString error;
    const bool sent = message.frame(m_variables, &frame, &error)
        && (frame.binary ? m_server.sendBinary(m_shownClient, frame.data, &error)
                         : m_server.sendText(m_shownClient, QString::fromUtf8(frame.data), &error));
    if (!sent)
        Q_EMIT statusMessage(error, 10000);
    refresh();
}

QString ServerPane::title() const
{
    return m_server.isListening() ? tr("Server :%1").arg(m_server.url().port()) : tr("Server");
}

void ServerPane::setPort(quint16 port)
{
    m_port->setValue(port);
}

quint16 ServerPane::port() const
{
    return quint16(m_port->value());
}

namespace {

constexpr std::pair<ReplyChoice, const char *> ReplyKeys[] = {
    {ReplyChoice::Echo, "echo"},
    {ReplyChoice::Silent, "silent"},
    {ReplyChoice::Text, "text"},
    {ReplyChoice::SavedAll, "all"},
    {ReplyChoice::SavedInTurn, "turn"},
};

} // namespace

QVariantMap ServerPane::form() const
{
    QVariantMap form;
    form.insert(QStringLiteral("port"), port());
    form.insert(QStringLiteral("paths"), m_paths->text());
    form.insert(QStringLiteral("certificate"), m_tlsCert->text());
    form.insert(QStringLiteral("key"), m_tlsKey->text());
    form.insert(QStringLiteral("maxMessageMiB"), m_maxMessage->value());
    for (const auto &[choice, key] : ReplyKeys) {
        if (int(choice) == m_reply->currentData().toInt())
            form.insert(QStringLiteral("reply"), QString::fromLatin1(key));
    }
    form.insert(QStringLiteral("replyText"), m_replyText->text());
    form.insert(QStringLiteral("answer"), m_answer->currentData().toInt());
    // A credential the client must send is a secret: it stays in this tab.
    const QString header = m_requireHeader->text().trimmed();
    if (!Secrets::isSecret(header.left(header.indexOf(u':')).trimmed().toLatin1()))
        form.insert(QStringLiteral("requireHeader"), header);
    form.insert(QStringLiteral("protocols"), m_protocols->text());
    form.insert(QStringLiteral("requireProtocol"), m_requireProtocol->isChecked());
    form.insert(QStringLiteral("delayMs"), m_delay->value());
    form.insert(QStringLiteral("dropAfter"), m_dropAfter->value());
    return form;
}

void ServerPane::setForm(const QVariantMap &form)
{
    // What is missing or not understood (a file of another version) stays as it is.
    const auto number = [&form](const char *key, QSpinBox *box) {
        bool ok = false;
        const int value = form.value(QLatin1String(key)).toInt(&ok);
        if (ok && value >= box->minimum() && value <= box->maximum())
            box->setValue(value);
    };
    const auto text = [&form](const char *key, QLineEdit *field) {
        if (form.contains(QLatin1String(key)))
            field->setText(form.value(QLatin1String(key)).toString());
    };
    number("port", m_port);
    text("paths", m_paths);
    text("certificate", m_tlsCert);
    text("key", m_tlsKey);
    number("maxMessageMiB", m_maxMessage);
    const QString reply = form.value(QStringLiteral("reply")).toString();
    for (const auto &[choice, key] : ReplyKeys) {
        if (reply == QLatin1String(key))
            m_reply->setCurrentIndex(m_reply->findData(int(choice)));
    }
    text("replyText", m_replyText);
    const int answer = m_answer->findData(form.value(QStringLiteral("answer"), 0).toInt());
    if (answer >= 0)
        m_answer->setCurrentIndex(answer);
    text("requireHeader", m_requireHeader);
    text("protocols", m_protocols);
    m_requireProtocol->setChecked(form.value(QStringLiteral("requireProtocol"), false).toBool());
    number("delayMs", m_delay);
    number("dropAfter", m_dropAfter);
}

void ServerPane::chooseTlsFile(QLineEdit *target, const QString &title)
{
    const QString path = QFileDialog::getOpenFileName(this, title, target->text(),
                                                      tr("Certificates and keys (*.pem *.crt *.key *.p12 *.pfx);;All files (*)"));
    if (!path.isEmpty())
        target->setText(path);
}

bool ServerPane::repliesFromForm(InspectServer::Config *config, QString *error) const
{
    // The saved messages: on open, and as the replies when chosen. Each is
    // filled in now, so that one that cannot be sent stops the start with its
    // reason; one with variables is filled in again at each sending, as a
    // connection's saved messages are (its {{$timestamp}} is new every time).
    // A file is read once.
    const ReplyChoice choice = ReplyChoice(m_reply->currentData().toInt());
    const bool savedReplies = choice == ReplyChoice::SavedAll || choice == ReplyChoice::SavedInTurn;
    for (const SavedMessage &message : m_saved->model()->messages()) {
        if (!message.onOpen && !savedReplies)
            continue;
        SavedMessage::Frame frame;
        QString why;
        if (!message.frame(m_variables, &frame, &why)) {
            *error = tr("The saved message \"%1\" cannot be sent: %2").arg(message.name, why);
            return false;
        }
        InspectServer::Answer answer(frame.binary, frame.data);
        if (message.kind != SavedMessage::Kind::File && !VariableScope::references(message.body).isEmpty()) {
            answer.make = [message, variables = m_variables](Session::Outgoing *made, QString *problem) {
                SavedMessage::Frame again;
                if (!message.frame(variables, &again, problem))
                    return false;
                *made = {again.binary, again.data};
                return true;
            };
        }
        (message.onOpen ? config->onOpen : config->replies) << answer;
    }
    switch (choice) {
    case ReplyChoice::Echo: config->reply = InspectServer::Reply::Echo; break;
    case ReplyChoice::Silent: config->reply = InspectServer::Reply::Silent; break;
    case ReplyChoice::Text:
        config->reply = InspectServer::Reply::Fixed;
        config->replies = {{false, m_replyText->text().toUtf8()}};
        break;
    case ReplyChoice::SavedAll:
    case ReplyChoice::SavedInTurn:
        if (config->replies.isEmpty()) {
            *error = tr("No saved message to answer with: save one that is not sent on open, or choose another "
                        "reply.");
            return false;
        }
        config->reply = choice == ReplyChoice::SavedAll ? InspectServer::Reply::Fixed : InspectServer::Reply::InTurn;
        break;
    }
    return true;
}

bool ServerPane::configFromForm(InspectServer::Config *config, QString *error) const
{
    config->address = QHostAddress(m_address->currentData().toString());
    config->port = quint16(m_port->value());
    for (const QString &path : m_paths->text().split(u',', Qt::SkipEmptyParts)) {
        const QString trimmed = path.trimmed();
        if (!trimmed.startsWith(u'/')) {
            *error = tr("A path starts with /: \"%1\".").arg(trimmed);
            return false;
        }
        config->paths << trimmed;
    }
    if (!repliesFromForm(config, error))
        return false;
    config->maxMessageBytes = qint64(m_maxMessage->value()) * 1024 * 1024;
    config->answerStatus = m_answer->currentData().toInt();
    const QString header = m_requireHeader->text().trimmed();
    if (!header.isEmpty()) {
        const qsizetype colon = header.indexOf(u':');
        const QString name = header.left(colon).trimmed();
        if (colon <= 0 || !Session::isToken(name)) {
            *error = tr("Write the required header as \"Name: value\".");
            return false;
        }
        config->requiredHeaders = {{name.toLatin1(), header.mid(colon + 1).trimmed().toUtf8()}};
    }
    for (const QString &protocol : m_protocols->text().split(u',', Qt::SkipEmptyParts)) {
        if (!Session::isToken(protocol.trimmed())) {
            *error = tr("\"%1\" is not a subprotocol name: one word, no spaces.").arg(protocol.trimmed());
            return false;
        }
        config->protocols << protocol.trimmed();
    }
    config->requireProtocol = m_requireProtocol->isChecked();
    config->upgradeDelayMs = m_delay->value();
    config->dropAfterMessages = m_dropAfter->value();
    if (!m_tlsCert->text().trimmed().isEmpty()
        && !InspectServer::loadTlsFiles(m_tlsCert->text().trimmed(), m_tlsKey->text().trimmed(),
                                        m_tlsPassphrase->text().toUtf8(), config, error))
        return false;
    return true;
}

bool ServerPane::start()
{
    InspectServer::Config config;
    QString error;
    if (!configFromForm(&config, &error) || !m_server.start(config, &error)) {
        Q_EMIT statusMessage(error, 15000);
        m_url->clear();
        m_url->setPlaceholderText(tr("Not started."));
        m_startError->setText(error);
        m_startError->show();
        return false;
    }
    m_startError->hide();
    // Every client goes to the crash journal as it goes on, as a connection tab's session does.
    if (!m_journal && Settings::value(Settings::Id::KeepJournal).toBool()) {
        m_journal = std::make_unique<Journal>(&m_server, Journal::defaultDirectory(), m_viewer->exportOptions());
        if (!m_journal->isOpen())
            Q_EMIT statusMessage(tr("No session journal: %1").arg(m_journal->errorString()), 15000);
        connect(m_journal.get(), &Journal::failed, this, [this](const QString &message) { Q_EMIT statusMessage(message, 15000); });
    }
    Settings::setValue(Settings::Id::ServerForm,
                       QString::fromUtf8(QJsonDocument(QJsonObject::fromVariantMap(form())).toJson(QJsonDocument::Compact)));
    m_url->setText(m_server.url().toString());
    m_startStop->setText(tr("&Stop"));
    m_showSettings->setChecked(false);
    m_settings->setEnabled(false);
    m_refresh->start();
    Q_EMIT titleChanged();
    Q_EMIT statusMessage(tr("Listening at %1").arg(m_url->text()), 10000);
    updateButtons();
    return true;
}

void ServerPane::stop()
{
    m_server.stop();
    m_startStop->setText(tr("&Start"));
    m_settings->setEnabled(true);
    m_showSettings->setChecked(true);
    m_url->clear();
    m_url->setPlaceholderText(tr("Stopped. Start the server again to get a new URL."));
    Q_EMIT titleChanged();
    updateButtons();
    // The clients' closes still come in for a moment.
    QTimer::singleShot(2 * InspectServer::CloseGraceMs, this, &ServerPane::refresh);
}

void ServerPane::refresh()
{
    const QList<InspectServer::ClientInfo> clients = m_server.clients();
    // The list: rows are only added, and changed where a client's state did.
    for (int i = 0; i < clients.size(); ++i) {
        const InspectServer::ClientInfo &client = clients.at(i);
        if (i >= m_clients->rowCount()) {
            m_clients->insertRow(i);
            const auto cell = [&](int column, const QString &text) {
                auto *item = new QTableWidgetItem(text);
                item->setToolTip(text);
                m_clients->setItem(i, column, item);
            };
            cell(Address, client.address);
            m_clients->item(i, Address)->setData(Qt::UserRole, client.id);
            cell(Port, QString::number(client.port));
            cell(Time, QDateTime::fromMSecsSinceEpoch(client.startUsec / 1000).toString(QStringLiteral("HH:mm:ss.zzz")));
            cell(State, QString());
            cell(UserAgent, QString());
            cell(Path, QString());
        }
        // What a client sent is shown as plain text, its control characters escaped.
        const QString state = client.status > 0 && client.status != 101
            ? tr("%1 (%2)").arg(stateName(client.state)).arg(client.status)
            : stateName(client.state);
        if (m_clients->item(i, State)->text() != state)
            m_clients->item(i, State)->setText(state);
        const QString agent = EchoServer::escaped(client.userAgent);
        if (m_clients->item(i, UserAgent)->text() != agent) {
            m_clients->item(i, UserAgent)->setText(agent);
            m_clients->item(i, UserAgent)->setToolTip(agent);
        }
        const QString path = EchoServer::escaped(client.path);
        if (m_clients->item(i, Path)->text() != path)
            m_clients->item(i, Path)->setText(path);
    }
    if (m_clients->rowCount() > 0 && m_clients->selectedItems().isEmpty())
        m_clients->selectRow(0);
    followSelected();
    updateButtons();
    if (!m_server.isListening() && m_server.openClientCount() == 0)
        m_refresh->stop();
}

void ServerPane::selectClient(int id)
{
    for (int row = 0; row < m_clients->rowCount(); ++row) {
        if (m_clients->item(row, Address)->data(Qt::UserRole).toInt() == id)
            m_clients->selectRow(row);
    }
}

bool ServerPane::hasUnsavedClients() const
{
    const qint64 rows = m_server.log()->count() + m_server.log()->droppedRows();
    return rows > 0 && rows != m_savedRows;
}

int ServerPane::selectedClient() const
{
    return m_shownClient;
}

void ServerPane::showClient(int id)
{
    if (id == m_shownClient)
        return;
    m_shownClient = id;
    m_shownRows = 0;
    m_shownRecords = 0;
    m_shownEnd = -2;
    m_shownHandshake = -2;
    for (const Session::Connection &connection : m_server.connections()) {
        if (connection.id == id) {
            const QList<TapRecord> records = m_server.wire(id);
            m_viewer->showServerClient(connection, records);
            m_waiting->hide();
            m_viewer->show();
            m_shownRecords = int(records.size());
            m_shownEnd = connection.endUsec;
            m_shownHandshake = connection.handshakeUsec;
        }
    }
    followSelected();
}

void ServerPane::followSelected()
{
    if (m_shownClient == 0)
        return;
    Session *session = m_viewer->session();
    // The rows of this client since the last look, as a batch.
    const MessageLog *log = m_server.log();
    const int count = log->count();
    for (; m_shownRows < count; ++m_shownRows) {
        const MessageLog::Entry &entry = log->at(m_shownRows);
        if (entry.connection == m_shownClient)
            session->log()->restore(entry, log->data(m_shownRows).toByteArray());
    }
    session->log()->flush();
    const QList<TapRecord> records = m_server.wire(m_shownClient);
    if (records.size() > m_shownRecords) {
        session->appendSavedRecords(records.mid(m_shownRecords));
        m_shownRecords = int(records.size());
    }
    for (const Session::Connection &connection : m_server.connections()) {
        if (connection.id == m_shownClient
            && (connection.endUsec != m_shownEnd || connection.handshakeUsec != m_shownHandshake)) {
            session->updateSavedConnection(connection);
            m_shownEnd = connection.endUsec;
            m_shownHandshake = connection.handshakeUsec;
        }
    }
}

void ServerPane::updateButtons()
{
    const bool open = m_server.client(m_shownClient).state == InspectServer::ClientState::Open;
    m_saved->setSendingAllowed(open);
    for (QWidget *button : {static_cast<QWidget *>(m_sendText), static_cast<QWidget *>(m_sendBinary),
                            static_cast<QWidget *>(m_ping), static_cast<QWidget *>(m_close)})
        button->setEnabled(open);
    m_broadcast->setEnabled(m_server.openClientCount() > 0);
    m_copyUrl->setEnabled(!m_url->text().isEmpty());
}

void ServerPane::sendText()
{
    QString error;
    if (!m_server.sendText(m_shownClient, m_message->text(), &error))
        Q_EMIT statusMessage(error, 10000);
    refresh();
}

void ServerPane::sendBinary()
{
    const PayloadFormat::HexResult hex = PayloadFormat::parseHex(m_message->text());
    if (!hex.ok()) {
        Q_EMIT statusMessage(hex.error, 10000);
        return;
    }
    QString error;
    if (!m_server.sendBinary(m_shownClient, hex.bytes, &error))
        Q_EMIT statusMessage(error, 10000);
    refresh();
}

void ServerPane::sendPing()
{
    QString error;
    if (!m_server.ping(m_shownClient, m_message->text().toUtf8(), &error))
        Q_EMIT statusMessage(error, 10000);
    refresh();
}

void ServerPane::closeClient()
{
    QString error;
    if (!m_server.close(m_shownClient, m_closeCode->value(), m_closeReason->text(), &error))
        Q_EMIT statusMessage(error, 10000);
    refresh();
}

void ServerPane::broadcast()
{
    const int count = m_server.broadcastText(m_message->text());
    Q_EMIT statusMessage(tr("Sent to %n client(s)", nullptr, count), 5000);
    refresh();
}
