#include "requesteditor.h"
#include "theme.h"

#include <QAction>
#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QSpinBox>
#include <QComboBox>
#include <QFormLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QTableWidget>
#include <QUrl>
#include <QUrlQuery>
#include <QVBoxLayout>

#include <algorithm>
#include <functional>

namespace {

enum Column { EnabledColumn, NameColumn, ValueColumn };

QString cellText(const QTableWidget *table, int row, int column)
{
    const QTableWidgetItem *item = table->item(row, column);
    return item ? item->text() : QString();
}

bool rowEnabled(const QTableWidget *table, int row)
{
    const QTableWidgetItem *item = table->item(row, EnabledColumn);
    return item && item->checkState() == Qt::Checked;
}

bool rowEmpty(const QTableWidget *table, int row)
{
    return cellText(table, row, NameColumn).isEmpty() && cellText(table, row, ValueColumn).isEmpty();
}

QTableWidget *makeTable(QWidget *parent, const QString &name)
{
    auto *table = new QTableWidget(0, 3, parent);
    table->setHorizontalHeaderLabels({QString(), RequestEditor::tr("Name"), RequestEditor::tr("Value")});
    table->horizontalHeader()->setSectionResizeMode(EnabledColumn, QHeaderView::ResizeToContents);
    table->horizontalHeader()->setSectionResizeMode(NameColumn, QHeaderView::Interactive);
    table->horizontalHeader()->setStretchLastSection(true);
    table->horizontalHeader()->resizeSection(NameColumn, 180);
    table->verticalHeader()->hide();
    table->verticalHeader()->setDefaultSectionSize(table->fontMetrics().height() + 8);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setAccessibleName(name);
    // Delete removes the selected rows (the empty last row stays for typing).
    auto *remove = new QAction(RequestEditor::tr("Remove row"), table);
    remove->setShortcut(QKeySequence::Delete);
    remove->setShortcutContext(Qt::WidgetShortcut);
    QObject::connect(remove, &QAction::triggered, table, [table] {
        QList<int> rows;
        for (const QModelIndex &index : table->selectionModel()->selectedRows())
            rows << index.row();
        std::sort(rows.begin(), rows.end(), std::greater<int>());
        for (const int row : rows) {
            if (row < table->rowCount() - 1)
                table->removeRow(row);
        }
    });
    table->addAction(remove);
    return table;
}

// Why a header row (as it will be sent: trimmed) cannot be sent, or empty.
QString headerProblem(const QString &name, const QString &value)
{
    const QString problem = Session::checkHeader(name.toLatin1(), value.toLatin1());
    if (!problem.isEmpty())
        return problem;
    // Latin-1 is what HTTP carries; anything beyond it cannot be sent as typed.
    if (!std::all_of(value.cbegin(), value.cend(), [](QChar c) { return c.unicode() < 256; }))
        return RequestEditor::tr("Header values are Latin-1 on the wire; this one has other characters.");
    return {};
}

QByteArray authorizationValue(RequestEditor::AuthKind kind, const QString &user, const QString &secret)
{
    switch (kind) {
    case RequestEditor::AuthKind::Basic:
        return "Basic " + (user + u':' + secret).toUtf8().toBase64();
    case RequestEditor::AuthKind::Bearer:
        return "Bearer " + secret.toUtf8();
    case RequestEditor::AuthKind::None:
        break;
    }
    return {};
}

QVariantList rowsOf(const QTableWidget *table, bool onlyDisabled)
{
    QVariantList rows;
    for (int row = 0; row < table->rowCount(); ++row) {
        if (rowEmpty(table, row) || (onlyDisabled && rowEnabled(table, row)))
            continue;
        rows << QVariant(QVariantList{rowEnabled(table, row), cellText(table, row, NameColumn),
                                      cellText(table, row, ValueColumn)});
    }
    return rows;
}

} // namespace

RequestEditor::RequestEditor(QWidget *parent)
    : QTabWidget(parent)
    , m_query(makeTable(this, tr("Query parameters")))
    , m_headers(makeTable(this, tr("Request headers")))
    , m_authKind(new QComboBox(this))
    , m_authUser(new QLineEdit(this))
    , m_authSecret(new QLineEdit(this))
    , m_authPreview(new QLabel(this))
    , m_protocols(new QLineEdit(this))
    , m_origin(new QLineEdit(this))
    , m_protocolsError(new QLabel(this))
    , m_pingInterval(new QDoubleSpinBox(this))
    , m_pongTimeout(new QDoubleSpinBox(this))
    , m_reconnect(new QCheckBox(tr("Reconnect when the connection ends without you closing it"), this))
    , m_reconnectAttempts(new QSpinBox(this))
    , m_reconnectDelay(new QDoubleSpinBox(this))
    , m_reconnectMaxDelay(new QDoubleSpinBox(this))
    , m_handshakeTimeout(new QDoubleSpinBox(this))
    , m_maxMessageKiB(new QSpinBox(this))
    , m_caFile(new QLineEdit(this))
    , m_certFile(new QLineEdit(this))
    , m_keyFile(new QLineEdit(this))
    , m_passphrase(new QLineEdit(this))
    , m_proxy(new QLineEdit(this))
{
    setDocumentMode(true);
    addRow(m_query, {}, {}, true);
    addRow(m_headers, {}, {}, true);
    m_query->setToolTip(tr("Kept in step with the URL. Unticked rows are left out of it."));
    m_headers->setToolTip(tr("Sent with the upgrade request, in this order. Unticked rows are not sent."));
    addTab(m_query, tr("&Params"));
    addTab(m_headers, tr("Hea&ders"));

    auto *auth = new QWidget(this);
    auto *authForm = new QFormLayout(auth);
    m_authKind->addItem(tr("No Authorization header"), int(AuthKind::None));
    m_authKind->addItem(tr("Basic (user and password)"), int(AuthKind::Basic));
    m_authKind->addItem(tr("Bearer token"), int(AuthKind::Bearer));
    m_authSecret->setEchoMode(QLineEdit::PasswordEchoOnEdit);
    m_authPreview->setTextFormat(Qt::PlainText);
    m_authPreview->setWordWrap(true);
    authForm->addRow(tr("&Type"), m_authKind);
    authForm->addRow(tr("&User"), m_authUser);
    authForm->addRow(tr("Pass&word"), m_authSecret);
    authForm->addRow(m_authPreview);
    addTab(auth, tr("&Auth"));

    auto *protocols = new QWidget(this);
    auto *protocolsForm = new QFormLayout(protocols);
    m_protocols->setPlaceholderText(tr("chat.v2, json (in order of preference)"));
    m_protocols->setToolTip(tr("Offered in Sec-WebSocket-Protocol; the server picks one or none."));
    m_origin->setPlaceholderText(tr("https://example.com (none when empty)"));
    m_protocolsError->setTextFormat(Qt::PlainText);
    m_protocolsError->setWordWrap(true);
    Theme::setTextRole(m_protocolsError, Theme::Role::Error);
    m_protocolsError->hide();
    protocolsForm->addRow(tr("Sub&protocols"), m_protocols);
    protocolsForm->addRow(tr("&Origin"), m_origin);
    protocolsForm->addRow(m_protocolsError);
    addTab(protocols, tr("P&rotocols"));

    // Keep-alive, reconnect and limits.
    const auto seconds = [](QDoubleSpinBox *box, double max, const QString &zero) {
        box->setRange(0, max);
        box->setDecimals(1);
        box->setSingleStep(1);
        box->setSuffix(tr(" s"));
        box->setSpecialValueText(zero);
    };
    seconds(m_pingInterval, 3600, tr("no pings"));
    seconds(m_pongTimeout, 3600, tr("no limit"));
    seconds(m_reconnectDelay, 3600, QString());
    seconds(m_reconnectMaxDelay, 3600, QString());
    seconds(m_handshakeTimeout, 3600, QString());
    m_reconnectDelay->setMinimum(0.1);
    m_reconnectMaxDelay->setMinimum(0.1);
    m_handshakeTimeout->setMinimum(0.1);
    m_reconnectAttempts->setRange(0, 100000);
    m_reconnectAttempts->setSpecialValueText(tr("no limit"));
    m_maxMessageKiB->setRange(0, 2 * 1024 * 1024);
    m_maxMessageKiB->setSuffix(tr(" KiB"));
    m_maxMessageKiB->setSpecialValueText(tr("Qt's limit (2 GiB)"));
    m_pingInterval->setToolTip(tr("A ping every so often while open; each pong's round trip is logged."));
    m_pongTimeout->setToolTip(tr("A ping with no pong in this time marks the connection dead: it is aborted."));
    m_maxMessageKiB->setToolTip(tr("A larger message from the server closes the connection with 1009."));
    auto *connection = new QWidget(this);
    auto *connectionForm = new QFormLayout(connection);
    auto *keepAlive = new QHBoxLayout;
    keepAlive->addWidget(new QLabel(tr("Ping every"), this));
    keepAlive->addWidget(m_pingInterval);
    keepAlive->addWidget(new QLabel(tr("pong within"), this));
    keepAlive->addWidget(m_pongTimeout);
    keepAlive->addStretch(1);
    connectionForm->addRow(tr("Keep-alive"), keepAlive);
    connectionForm->addRow(m_reconnect);
    auto *backoff = new QHBoxLayout;
    backoff->addWidget(new QLabel(tr("first after"), this));
    backoff->addWidget(m_reconnectDelay);
    backoff->addWidget(new QLabel(tr("doubling up to"), this));
    backoff->addWidget(m_reconnectMaxDelay);
    backoff->addWidget(new QLabel(tr("attempts"), this));
    backoff->addWidget(m_reconnectAttempts);
    backoff->addStretch(1);
    connectionForm->addRow(tr("Backoff"), backoff);
    auto *limits = new QHBoxLayout;
    limits->addWidget(new QLabel(tr("Handshake within"), this));
    limits->addWidget(m_handshakeTimeout);
    limits->addWidget(new QLabel(tr("largest message"), this));
    limits->addWidget(m_maxMessageKiB);
    limits->addStretch(1);
    connectionForm->addRow(tr("Limits"), limits);
    addTab(connection, tr("Co&nnection"));
    setTiming({});
    connect(m_reconnect, &QCheckBox::toggled, this, [this](bool on) {
        m_reconnectAttempts->setEnabled(on);
        m_reconnectDelay->setEnabled(on);
        m_reconnectMaxDelay->setEnabled(on);
    });
    m_reconnect->toggled(false);

    // TLS files and the proxy.
    auto *tls = new QWidget(this);
    auto *tlsForm = new QFormLayout(tls);
    const auto fileRow = [this, tlsForm](const QString &label, QLineEdit *edit, const QString &filter) {
        auto *row = new QHBoxLayout;
        row->addWidget(edit, 1);
        auto *browse = new QPushButton(tr("Browse…"), this);
        row->addWidget(browse);
        connect(browse, &QPushButton::clicked, this, [this, edit, filter] {
            const QString path = QFileDialog::getOpenFileName(this, tr("Choose a file"), edit->text(), filter);
            if (!path.isEmpty())
                edit->setText(path);
        });
        // A label of its own with the field as buddy, so its & shortcut works.
        auto *name = new QLabel(label, this);
        name->setBuddy(edit);
        tlsForm->addRow(name, row);
    };
    m_caFile->setPlaceholderText(tr("PEM file of extra certificate authorities (the system's are trusted too)"));
    m_certFile->setPlaceholderText(tr("client certificate: PEM, or PKCS#12 (.p12, .pfx) with its key"));
    m_keyFile->setPlaceholderText(tr("PEM key of a PEM client certificate"));
    m_passphrase->setEchoMode(QLineEdit::PasswordEchoOnEdit);
    m_passphrase->setPlaceholderText(tr("of the PKCS#12 file or of an encrypted key"));
    m_proxy->setPlaceholderText(tr("none, system, http://user:password@host:port or socks5://host:port"));
    fileRow(tr("&CA file"), m_caFile, tr("Certificates (*.pem *.crt *.cer);;All files (*)"));
    fileRow(tr("Client c&ertificate"), m_certFile, tr("Certificates (*.pem *.crt *.p12 *.pfx);;All files (*)"));
    fileRow(tr("Client &key"), m_keyFile, tr("Keys (*.pem *.key);;All files (*)"));
    tlsForm->addRow(tr("Pa&ssphrase"), m_passphrase);
    tlsForm->addRow(tr("Pro&xy"), m_proxy);
    addTab(tls, tr("&TLS && proxy"));

    connect(m_headers, &QTableWidget::itemChanged, this, &RequestEditor::onHeadersChanged);
    connect(m_query, &QTableWidget::itemChanged, this, &RequestEditor::onQueryChanged);
    connect(m_headers->model(), &QAbstractItemModel::rowsRemoved, this, &RequestEditor::onHeadersChanged);
    connect(m_query->model(), &QAbstractItemModel::rowsRemoved, this, &RequestEditor::onQueryChanged);
    connect(m_authKind, &QComboBox::currentIndexChanged, this, &RequestEditor::updateAuthFields);
    connect(m_authUser, &QLineEdit::textChanged, this, &RequestEditor::updateAuthFields);
    connect(m_authSecret, &QLineEdit::textChanged, this, &RequestEditor::updateAuthFields);
    const auto checkProtocols = [this] {
        QStringList list;
        QString error;
        QString originText;
        const bool ok = subprotocols(&list, &error) && origin(&originText, &error);
        m_protocolsError->setText(error);
        m_protocolsError->setVisible(!ok);
        updateTabTitles();
    };
    connect(m_protocols, &QLineEdit::textChanged, this, checkProtocols);
    connect(m_origin, &QLineEdit::textChanged, this, checkProtocols);
    updateAuthFields();
    updateTabTitles();
}

RequestEditor::~RequestEditor() = default;

void RequestEditor::addRow(QTableWidget *table, const QString &name, const QString &value, bool enabled)
{
    const QSignalBlocker blocker(table);
    const int row = table->rowCount();
    table->insertRow(row);
    auto *check = new QTableWidgetItem;
    check->setFlags(Qt::ItemIsUserCheckable | Qt::ItemIsEnabled | Qt::ItemIsSelectable);
    check->setCheckState(enabled ? Qt::Checked : Qt::Unchecked);
    check->setToolTip(RequestEditor::tr("Send this row"));
    table->setItem(row, EnabledColumn, check);
    table->setItem(row, NameColumn, new QTableWidgetItem(name));
    table->setItem(row, ValueColumn, new QTableWidgetItem(value));
}

QTableWidget *RequestEditor::headerTable() const
{
    return m_headers;
}

QTableWidget *RequestEditor::queryTable() const
{
    return m_query;
}

void RequestEditor::addHeader(const QString &name, const QString &value, bool enabled)
{
    // Into the empty last row, then a new empty one.
    const int row = m_headers->rowCount() - 1;
    {
        const QSignalBlocker blocker(m_headers);
        m_headers->item(row, EnabledColumn)->setCheckState(enabled ? Qt::Checked : Qt::Unchecked);
        m_headers->item(row, NameColumn)->setText(name);
        m_headers->item(row, ValueColumn)->setText(value);
    }
    onHeadersChanged();
}

void RequestEditor::setAuth(AuthKind kind, const QString &user, const QString &secret)
{
    m_authKind->setCurrentIndex(m_authKind->findData(int(kind)));
    m_authUser->setText(user);
    m_authSecret->setText(secret);
}

void RequestEditor::setSubprotocolText(const QString &text)
{
    m_protocols->setText(text);
}

void RequestEditor::setOrigin(const QString &origin)
{
    m_origin->setText(origin);
}

void RequestEditor::onHeadersChanged()
{
    if (m_syncing)
        return;
    m_syncing = true;
    // Always one empty row at the end to type a new header into.
    if (m_headers->rowCount() == 0 || !rowEmpty(m_headers, m_headers->rowCount() - 1))
        addRow(m_headers, {}, {}, true);
    for (int row = 0; row < m_headers->rowCount(); ++row) {
        const bool used = rowEnabled(m_headers, row) && !rowEmpty(m_headers, row);
        const QString shown = used ? headerRowProblem(row) : QString();
        for (const int column : {NameColumn, ValueColumn}) {
            QTableWidgetItem *item = m_headers->item(row, column);
            if (!item)
                continue;
            const QSignalBlocker blocker(m_headers);
            item->setBackground(shown.isEmpty() ? QBrush() : QBrush(Theme::color(Theme::Role::ErrorBackground, m_headers->palette())));
            item->setToolTip(shown);
        }
    }
    m_syncing = false;
    updateTabTitles();
}

void RequestEditor::onQueryChanged()
{
    if (m_syncing)
        return;
    m_syncing = true;
    if (m_query->rowCount() == 0 || !rowEmpty(m_query, m_query->rowCount() - 1))
        addRow(m_query, {}, {}, true);
    QUrl url(m_url);
    if (url.isValid() && !m_url.isEmpty()) {
        QUrlQuery query;
        for (int row = 0; row < m_query->rowCount(); ++row) {
            if (rowEnabled(m_query, row) && !cellText(m_query, row, NameColumn).isEmpty())
                query.addQueryItem(cellText(m_query, row, NameColumn), cellText(m_query, row, ValueColumn));
        }
        url.setQuery(query);
        m_url = url.toString(QUrl::FullyEncoded);
        Q_EMIT urlEdited(m_url);
    }
    m_syncing = false;
    updateTabTitles();
}

void RequestEditor::setUrl(const QString &url)
{
    if (m_syncing || url == m_url)
        return;
    m_url = url;
    m_syncing = true;
    // The URL's parameters, then the rows left out of it (unticked), kept.
    const QVariantList disabled = rowsOf(m_query, true);
    {
        const QSignalBlocker blocker(m_query);
        m_query->setRowCount(0);
    }
    const QList<QPair<QString, QString>> items = QUrlQuery(QUrl(url)).queryItems(QUrl::FullyDecoded);
    for (const auto &item : items)
        addRow(m_query, item.first, item.second, true);
    for (const QVariant &row : disabled) {
        const QVariantList fields = row.toList();
        addRow(m_query, fields.value(1).toString(), fields.value(2).toString(), false);
    }
    addRow(m_query, {}, {}, true);
    m_syncing = false;
    updateTabTitles();
}

QString RequestEditor::headerRowProblem(int row) const
{
    const QString name = cellText(m_headers, row, NameColumn).trimmed();
    if (const QString problem = headerProblem(name, cellText(m_headers, row, ValueColumn).trimmed());
        !problem.isEmpty())
        return problem;
    // A name in an earlier row that is sent too: Qt would send only this one.
    for (int earlier = 0; earlier < row; ++earlier) {
        if (!rowEnabled(m_headers, earlier) || rowEmpty(m_headers, earlier))
            continue;
        const QString earlierName = cellText(m_headers, earlier, NameColumn).trimmed();
        if (earlierName.compare(name, Qt::CaseInsensitive) == 0)
            return tr("Row %1 has this name already. %2")
                .arg(QString::number(earlier + 1),
                     Session::duplicateHeaderProblem(earlierName.toLatin1(), name.toLatin1()));
    }
    return {};
}

bool RequestEditor::requestHeaders(QList<Session::Header> *headers, QString *error) const
{
    headers->clear();
    bool manualAuthorization = false;
    for (int row = 0; row < m_headers->rowCount(); ++row) {
        if (!rowEnabled(m_headers, row) || rowEmpty(m_headers, row))
            continue;
        const QString name = cellText(m_headers, row, NameColumn).trimmed();
        const QString value = cellText(m_headers, row, ValueColumn).trimmed();
        const QString problem = headerRowProblem(row);
        if (!problem.isEmpty()) {
            *error = tr("Header row %1: %2").arg(row + 1).arg(problem);
            return false;
        }
        manualAuthorization |= name.compare(QStringLiteral("Authorization"), Qt::CaseInsensitive) == 0;
        headers->append({name.toLatin1(), value.toLatin1()});
    }
    const auto kind = AuthKind(m_authKind->currentData().toInt());
    if (kind != AuthKind::None) {
        if (manualAuthorization) {
            *error = tr("Authorization is set twice: in the Headers tab and in the Auth tab.");
            return false;
        }
        if (m_authSecret->text().isEmpty() && kind == AuthKind::Bearer) {
            *error = tr("The Auth tab asks for a bearer token, and the token is empty.");
            return false;
        }
        headers->append({"Authorization", authorizationValue(kind, m_authUser->text(), m_authSecret->text())});
    }
    return true;
}

bool RequestEditor::subprotocols(QStringList *protocols, QString *error) const
{
    *protocols = m_protocols->text().split(QRegularExpression(QStringLiteral("[,\\s]+")), Qt::SkipEmptyParts);
    for (const QString &protocol : std::as_const(*protocols)) {
        if (!Session::isToken(protocol)) {
            *error = tr("\"%1\" cannot be a subprotocol: use letters, digits and !#$%&'*+-.^_`|~ only.").arg(protocol);
            return false;
        }
    }
    if (protocols->removeDuplicates() > 0) {
        *error = tr("A subprotocol is listed twice.");
        return false;
    }
    return true;
}

bool RequestEditor::origin(QString *origin, QString *error) const
{
    *origin = m_origin->text().trimmed();
    for (const QChar c : std::as_const(*origin)) {
        if (c.unicode() < 0x20 || c.unicode() == 0x7f || c.unicode() > 0xff) {
            *error = tr("The origin may only hold printable Latin-1 characters.");
            return false;
        }
    }
    return true;
}

RequestEditor::Timing RequestEditor::timing() const
{
    Timing t;
    t.pingIntervalMs = int(m_pingInterval->value() * 1000);
    t.pongTimeoutMs = int(m_pongTimeout->value() * 1000);
    t.reconnect = m_reconnect->isChecked();
    t.reconnectPolicy.maxAttempts = m_reconnectAttempts->value();
    t.reconnectPolicy.initialDelayMs = int(m_reconnectDelay->value() * 1000);
    t.reconnectPolicy.maxDelayMs = qMax(t.reconnectPolicy.initialDelayMs, int(m_reconnectMaxDelay->value() * 1000));
    t.handshakeTimeoutMs = int(m_handshakeTimeout->value() * 1000);
    t.maxMessageBytes = qint64(m_maxMessageKiB->value()) * 1024;
    return t;
}

void RequestEditor::setTiming(const Timing &timing)
{
    m_pingInterval->setValue(timing.pingIntervalMs / 1000.0);
    m_pongTimeout->setValue(timing.pongTimeoutMs / 1000.0);
    m_reconnect->setChecked(timing.reconnect);
    m_reconnectAttempts->setValue(timing.reconnectPolicy.maxAttempts);
    m_reconnectDelay->setValue(timing.reconnectPolicy.initialDelayMs / 1000.0);
    m_reconnectMaxDelay->setValue(timing.reconnectPolicy.maxDelayMs / 1000.0);
    m_handshakeTimeout->setValue(timing.handshakeTimeoutMs / 1000.0);
    m_maxMessageKiB->setValue(int(timing.maxMessageBytes / 1024));
}

TlsFiles RequestEditor::tlsFiles() const
{
    TlsFiles files;
    files.caFile = m_caFile->text().trimmed();
    files.certificateFile = m_certFile->text().trimmed();
    files.keyFile = m_keyFile->text().trimmed();
    files.passphrase = m_passphrase->text();
    return files;
}

void RequestEditor::setTlsFiles(const TlsFiles &files)
{
    m_caFile->setText(files.caFile);
    m_certFile->setText(files.certificateFile);
    m_keyFile->setText(files.keyFile);
    m_passphrase->setText(files.passphrase);
}

bool RequestEditor::proxy(ProxySetting *proxy, QString *error) const
{
    const QString text = m_proxy->text().trimmed();
    if (text.isEmpty()) {
        *proxy = {};
        return true;
    }
    return ProxySetting::parse(text, proxy, error);
}

void RequestEditor::setProxy(const ProxySetting &proxy)
{
    // toString() leaves the password out; keep a typed one.
    QString text = proxy.toString();
    if (!proxy.password.isEmpty() && text.contains(u'@')) {
        const QString user = proxy.user + u'@';
        text.replace(user, proxy.user + u':' + proxy.password + u'@');
    }
    m_proxy->setText(proxy.kind == ProxySetting::Kind::None ? QString() : text);
}

void RequestEditor::setFromSession(const Session &session)
{
    Timing t = timing();
    t.pingIntervalMs = session.pingInterval();
    t.pongTimeoutMs = session.pongTimeout();
    t.handshakeTimeoutMs = session.handshakeTimeout();
    t.maxMessageBytes = session.maxMessageSize();
    setTiming(t);
    setTlsFiles(session.tlsFiles());
    setProxy(session.proxy());
    const QList<Session::Header> headers = session.requestHeaders();
    for (const Session::Header &header : headers)
        addHeader(QString::fromLatin1(header.first), QString::fromLatin1(header.second));
    if (!session.subprotocols().isEmpty())
        m_protocols->setText(session.subprotocols().join(QStringLiteral(", ")));
    if (!session.origin().isEmpty())
        m_origin->setText(session.origin());
}

QVariantMap RequestEditor::state() const
{
    QVariantMap map;
    map.insert(QStringLiteral("headers"), rowsOf(m_headers, false));
    map.insert(QStringLiteral("queryLeftOut"), rowsOf(m_query, true));
    map.insert(QStringLiteral("authKind"), m_authKind->currentData().toInt());
    map.insert(QStringLiteral("authUser"), m_authUser->text());
    map.insert(QStringLiteral("authSecret"), m_authSecret->text());
    map.insert(QStringLiteral("protocols"), m_protocols->text());
    map.insert(QStringLiteral("origin"), m_origin->text());
    const Timing t = timing();
    map.insert(QStringLiteral("pingIntervalMs"), t.pingIntervalMs);
    map.insert(QStringLiteral("pongTimeoutMs"), t.pongTimeoutMs);
    map.insert(QStringLiteral("reconnect"), t.reconnect);
    map.insert(QStringLiteral("reconnectAttempts"), t.reconnectPolicy.maxAttempts);
    map.insert(QStringLiteral("reconnectDelayMs"), t.reconnectPolicy.initialDelayMs);
    map.insert(QStringLiteral("reconnectMaxDelayMs"), t.reconnectPolicy.maxDelayMs);
    map.insert(QStringLiteral("handshakeTimeoutMs"), t.handshakeTimeoutMs);
    map.insert(QStringLiteral("maxMessageBytes"), t.maxMessageBytes);
    map.insert(QStringLiteral("caFile"), m_caFile->text());
    map.insert(QStringLiteral("certFile"), m_certFile->text());
    map.insert(QStringLiteral("keyFile"), m_keyFile->text());
    map.insert(QStringLiteral("passphrase"), m_passphrase->text());
    map.insert(QStringLiteral("proxy"), m_proxy->text());
    return map;
}

void RequestEditor::setState(const QVariantMap &state)
{
    // Emptying a table removes rows from its model, which would otherwise
    // rebuild the URL from an empty query.
    m_syncing = true;
    {
        const QSignalBlocker blocker(m_headers);
        m_headers->setRowCount(0);
    }
    const QVariantList headers = state.value(QStringLiteral("headers")).toList();
    for (const QVariant &row : headers) {
        const QVariantList fields = row.toList();
        addRow(m_headers, fields.value(1).toString(), fields.value(2).toString(), fields.value(0).toBool());
    }
    const QString url = m_url;
    {
        const QSignalBlocker blocker(m_query);
        m_query->setRowCount(0);
    }
    const QVariantList leftOut = state.value(QStringLiteral("queryLeftOut")).toList();
    for (const QVariant &row : leftOut) {
        const QVariantList fields = row.toList();
        addRow(m_query, fields.value(1).toString(), fields.value(2).toString(), false);
    }
    m_syncing = false;
    onHeadersChanged();
    m_url.clear();
    setUrl(url);
    const int kind = m_authKind->findData(state.value(QStringLiteral("authKind")).toInt());
    m_authKind->setCurrentIndex(qMax(0, kind));
    m_authUser->setText(state.value(QStringLiteral("authUser")).toString());
    m_authSecret->setText(state.value(QStringLiteral("authSecret")).toString());
    m_protocols->setText(state.value(QStringLiteral("protocols")).toString());
    m_origin->setText(state.value(QStringLiteral("origin")).toString());
    Timing t;
    t.pingIntervalMs = state.value(QStringLiteral("pingIntervalMs"), 0).toInt();
    t.pongTimeoutMs = state.value(QStringLiteral("pongTimeoutMs"), 0).toInt();
    t.reconnect = state.value(QStringLiteral("reconnect"), false).toBool();
    t.reconnectPolicy.maxAttempts = state.value(QStringLiteral("reconnectAttempts"), 0).toInt();
    t.reconnectPolicy.initialDelayMs = state.value(QStringLiteral("reconnectDelayMs"), 1000).toInt();
    t.reconnectPolicy.maxDelayMs = state.value(QStringLiteral("reconnectMaxDelayMs"), 30000).toInt();
    t.handshakeTimeoutMs = state.value(QStringLiteral("handshakeTimeoutMs"), Session::DefaultHandshakeTimeoutMs).toInt();
    t.maxMessageBytes = state.value(QStringLiteral("maxMessageBytes"), Session::DefaultMaxMessageBytes).toLongLong();
    setTiming(t);
    m_caFile->setText(state.value(QStringLiteral("caFile")).toString());
    m_certFile->setText(state.value(QStringLiteral("certFile")).toString());
    m_keyFile->setText(state.value(QStringLiteral("keyFile")).toString());
    m_passphrase->setText(state.value(QStringLiteral("passphrase")).toString());
    m_proxy->setText(state.value(QStringLiteral("proxy")).toString());
    updateTabTitles();
}

void RequestEditor::updateAuthFields()
{
    const auto kind = AuthKind(m_authKind->currentData().toInt());
    m_authUser->setEnabled(kind == AuthKind::Basic);
    m_authSecret->setEnabled(kind != AuthKind::None);
    m_authSecret->setPlaceholderText(kind == AuthKind::Bearer ? tr("token") : tr("password"));
    switch (kind) {
    case AuthKind::None:
        m_authPreview->setText(tr("No Authorization header is added."));
        break;
    case AuthKind::Basic:
        m_authPreview->setText(tr("Sends Authorization: Basic followed by the base64 of user:password."));
        break;
    case AuthKind::Bearer:
        m_authPreview->setText(tr("Sends Authorization: Bearer followed by the token."));
        break;
    }
    updateTabTitles();
}

void RequestEditor::updateTabTitles()
{
    const auto count = [](const QTableWidget *table) {
        int n = 0;
        for (int row = 0; row < table->rowCount(); ++row)
            n += rowEnabled(table, row) && !rowEmpty(table, row);
        return n;
    };
    const int params = count(m_query);
    const int headers = count(m_headers);
    setTabText(0, params ? tr("&Params (%1)").arg(params) : tr("&Params"));
    setTabText(1, headers ? tr("Hea&ders (%1)").arg(headers) : tr("Hea&ders"));
    setTabText(2, m_authKind->currentData().toInt() != int(AuthKind::None) ? tr("&Auth (on)") : tr("&Auth"));
    setTabText(3, m_protocols->text().trimmed().isEmpty() && m_origin->text().trimmed().isEmpty() ? tr("P&rotocols")
                                                                                                    : tr("P&rotocols (set)"));
}
