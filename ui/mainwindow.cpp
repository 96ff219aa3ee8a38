#include "mainwindow.h"

#include "composer.h"
#include "handshakeinspector.h"
#include "log/logmodel.h"
#include "log/logview.h"
#include "session/closecodes.h"
#include "session/urlcheck.h"
#include "settings/settings.h"

#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QVBoxLayout>

namespace {

QString stateColor(Session::State state)
{
    switch (state) {
    case Session::State::Open: return QStringLiteral("#2ec27e");
    case Session::State::Connecting:
    case Session::State::Closing: return QStringLiteral("#e5a50a");
    case Session::State::Closed: break;
    }
    return QStringLiteral("#9a9996");
}

} // namespace

MainWindow::MainWindow(const QUrl &echoUrl, QWidget *parent)
    : QMainWindow(parent)
    , m_echoUrl(echoUrl)
    , m_urlBox(new QComboBox(this))
    , m_connect(new QPushButton(tr("&Connect"), this))
    , m_close(new QPushButton(tr("Cl&ose"), this))
    , m_state(new QLabel(this))
    , m_urlError(new QLabel(this))
    , m_model(new LogModel(m_session.log(), this))
    , m_logView(new LogView(this))
    , m_composer(new Composer(this))
    , m_inspector(new HandshakeInspector(this))
    , m_mainSplitter(new QSplitter(Qt::Horizontal, this))
    , m_logSplitter(new QSplitter(Qt::Vertical, this))
{
    setWindowTitle(tr("wsscope"));
    const int handshakeTimeout = Settings::value(Settings::Id::HandshakeTimeoutMs).toInt();
    // A setting edited by hand to nonsense must not make every connection fail at once.
    m_session.setHandshakeTimeout(handshakeTimeout >= 100 ? handshakeTimeout : Session::DefaultHandshakeTimeoutMs);

    m_urlBox->setEditable(true);
    m_urlBox->setInsertPolicy(QComboBox::NoInsert);
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
    m_close->setToolTip(tr("Close the connection with 1000 (Normal closure), or cancel an attempt"));
    m_state->setTextFormat(Qt::PlainText);
    m_state->setMinimumWidth(m_state->fontMetrics().horizontalAdvance(tr("Connecting…")) + 24);
    m_urlError->setTextFormat(Qt::PlainText);
    m_urlError->setWordWrap(true);
    m_urlError->setStyleSheet(QStringLiteral("color: #c01c28;"));
    m_urlError->hide();

    auto *urlRow = new QHBoxLayout;
    urlRow->addWidget(urlLabel);
    urlRow->addWidget(m_urlBox, 1);
    urlRow->addWidget(m_connect);
    urlRow->addWidget(m_close);
    urlRow->addWidget(m_state);

    m_logView->setModel(m_model);
    m_logView->setAccessibleName(tr("Message log"));
    m_logSplitter->addWidget(m_logView);
    m_logSplitter->addWidget(m_composer);
    m_logSplitter->setStretchFactor(0, 4);
    m_logSplitter->setStretchFactor(1, 1);
    m_logSplitter->setChildrenCollapsible(false);
    auto *details = new QTabWidget(this);
    details->addTab(m_inspector, tr("&Handshake"));
    details->setDocumentMode(true);
    m_mainSplitter->addWidget(m_logSplitter);
    m_mainSplitter->addWidget(details);
    m_mainSplitter->setStretchFactor(0, 3);
    m_mainSplitter->setStretchFactor(1, 2);

    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    layout->addLayout(urlRow);
    layout->addWidget(m_urlError);
    layout->addWidget(m_mainSplitter, 1);
    setCentralWidget(central);

    QWidget::setTabOrder(m_urlBox, m_connect);
    QWidget::setTabOrder(m_connect, m_close);
    QWidget::setTabOrder(m_close, m_logView);
    QWidget::setTabOrder(m_logView, m_composer->editor());

    if (m_echoUrl.isValid())
        statusBar()->showMessage(tr("Built-in echo server: %1").arg(m_echoUrl.toString()));
    else
        statusBar()->showMessage(tr("The built-in echo server is not running."));

    connect(m_connect, &QPushButton::clicked, this, &MainWindow::connectToUrl);
    connect(m_close, &QPushButton::clicked, this, &MainWindow::closeConnection);
    connect(m_urlBox->lineEdit(), &QLineEdit::returnPressed, this, &MainWindow::connectToUrl);
    connect(m_urlBox, &QComboBox::editTextChanged, this, [this] { showUrlError({}); });
    connect(&m_session, &Session::stateChanged, this, &MainWindow::onStateChanged);
    connect(&m_session, &Session::handshakeChanged, this, [this] { m_inspector->setHandshake(m_session.handshake()); });
    connect(m_composer, &Composer::textSubmitted, this, &MainWindow::sendText);
    connect(m_composer, &Composer::binarySubmitted, this, &MainWindow::sendBinary);

    buildMenus();
    restoreSettings();
    onStateChanged(m_session.state());
}

MainWindow::~MainWindow() = default;

void MainWindow::buildMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);

    QMenu *connection = menuBar()->addMenu(tr("&Connection"));
    connection->addAction(tr("Go to &URL bar"), QKeySequence(Qt::CTRL | Qt::Key_L), this, [this] {
        m_urlBox->setFocus(Qt::ShortcutFocusReason);
        m_urlBox->lineEdit()->selectAll();
    });
    connection->addAction(tr("&Connect"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O), this, &MainWindow::connectToUrl);
    connection->addAction(tr("C&lose"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_W), this, &MainWindow::closeConnection);
    connection->addAction(tr("&Ping"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_P), this, [this] {
        QString error;
        if (!m_session.ping({}, &error))
            statusBar()->showMessage(error, 5000);
    });
    connection->addSeparator();
    connection->addAction(tr("Use the &built-in echo server"), this, [this] {
        if (m_echoUrl.isValid())
            setUrl(m_echoUrl.toString());
    })->setEnabled(m_echoUrl.isValid());

    QMenu *log = menuBar()->addMenu(tr("&Log"));
    log->addAction(tr("&Clear"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_K), this, [this] { m_session.log()->clear(); });
    log->addAction(tr("Go to &message editor"), QKeySequence(Qt::CTRL | Qt::Key_M), this, [this] {
        m_composer->editor()->setFocus(Qt::ShortcutFocusReason);
    });

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About wsscope"), this, [this] {
        QMessageBox::about(this, tr("About wsscope"),
                           tr("wsscope %1\nA WebSocket tester that shows the handshake, every message and the close.\n"
                              "Built with Qt %2.").arg(QCoreApplication::applicationVersion(), QString::fromLatin1(qVersion())));
    });
}

void MainWindow::restoreSettings()
{
    const QStringList recent = Settings::value(Settings::Id::RecentUrls).toStringList();
    if (m_echoUrl.isValid())
        m_urlBox->addItem(m_echoUrl.toString());
    for (const QString &url : recent) {
        if (m_urlBox->findText(url) < 0)
            m_urlBox->addItem(url);
    }
    const QString last = Settings::value(Settings::Id::LastUrl).toString();
    setUrl(last.isEmpty() ? m_echoUrl.toString() : last);

    if (!restoreGeometry(Settings::value(Settings::Id::WindowGeometry).toByteArray()))
        resize(1100, 720);
    restoreState(Settings::value(Settings::Id::WindowState).toByteArray());
    if (!m_mainSplitter->restoreState(Settings::value(Settings::Id::MainSplitter).toByteArray()))
        m_mainSplitter->setSizes({660, 440});
    if (!m_logSplitter->restoreState(Settings::value(Settings::Id::LogSplitter).toByteArray()))
        m_logSplitter->setSizes({480, 140});
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    Settings::setValue(Settings::Id::WindowGeometry, saveGeometry());
    Settings::setValue(Settings::Id::WindowState, saveState());
    Settings::setValue(Settings::Id::MainSplitter, m_mainSplitter->saveState());
    Settings::setValue(Settings::Id::LogSplitter, m_logSplitter->saveState());
    if (m_session.state() != Session::State::Closed)
        m_session.close(1001, tr("wsscope is closing"));
    event->accept();
}

void MainWindow::setUrl(const QString &url)
{
    m_urlBox->setEditText(url);
}

bool MainWindow::connectToUrl()
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
    QString error;
    if (!m_session.open(checked.url, &error)) {
        showUrlError(error);
        return false;
    }
    const QString url = checked.url.toString(QUrl::FullyEncoded);
    setUrl(url);
    // The built-in server's port changes between runs: remembering it would only go stale.
    if (checked.url != m_echoUrl) {
        Settings::rememberUrl(url);
        if (m_urlBox->findText(url) < 0)
            m_urlBox->insertItem(m_echoUrl.isValid() ? 1 : 0, url);
    }
    return true;
}

void MainWindow::closeConnection()
{
    QString error;
    if (!m_session.close(1000, {}, &error))
        statusBar()->showMessage(error, 5000);
}

void MainWindow::sendWhenOpen(const QStringList &texts)
{
    m_pendingSends += texts;
    if (m_session.state() == Session::State::Open)
        onStateChanged(Session::State::Open);
}

void MainWindow::showUrlError(const QString &message)
{
    m_urlError->setText(message);
    m_urlError->setVisible(!message.isEmpty());
}

void MainWindow::sendText(const QString &text)
{
    QString error;
    if (!m_session.sendText(text, &error))
        m_composer->showError(error);
}

void MainWindow::sendBinary(const QByteArray &bytes)
{
    QString error;
    if (!m_session.sendBinary(bytes, &error))
        m_composer->showError(error);
}

void MainWindow::onStateChanged(Session::State state)
{
    const bool closed = state == Session::State::Closed;
    m_connect->setEnabled(closed);
    m_close->setEnabled(state == Session::State::Open || state == Session::State::Connecting);
    m_urlBox->setEnabled(closed);
    m_composer->setSendingAllowed(state == Session::State::Open);

    QString text = Session::stateName(state);
    if (state == Session::State::Connecting || state == Session::State::Closing)
        text += QChar(0x2026);
    if (closed && m_session.wasOpened()) {
        const Session::CloseInfo info = m_session.lastClose();
        text = tr("Closed \u00B7 %1 %2").arg(info.code).arg(CloseCodes::name(info.code));
        if (!info.reason.isEmpty())
            text += QStringLiteral(": ") + info.reason;
    }
    m_state->setText(u'\u25CF' + QStringLiteral(" ") + text);
    QPalette palette = m_state->palette();
    palette.setColor(QPalette::WindowText, QColor(stateColor(state)));
    m_state->setPalette(palette);

    // Texts from --send belong to the connection they were given for, not to a later one.
    if (closed && !m_session.wasOpened())
        m_pendingSends.clear();
    if (state == Session::State::Open && !m_pendingSends.isEmpty()) {
        const QStringList texts = std::exchange(m_pendingSends, {});
        for (const QString &pending : texts)
            sendText(pending);
    }
}

Session *MainWindow::session()
{
    return &m_session;
}

LogModel *MainWindow::logModel() const
{
    return m_model;
}

LogView *MainWindow::logView() const
{
    return m_logView;
}

Composer *MainWindow::composer() const
{
    return m_composer;
}

HandshakeInspector *MainWindow::inspector() const
{
    return m_inspector;
}

QComboBox *MainWindow::urlBox() const
{
    return m_urlBox;
}

QPushButton *MainWindow::connectButton() const
{
    return m_connect;
}

QPushButton *MainWindow::closeButton() const
{
    return m_close;
}

QString MainWindow::stateText() const
{
    return m_state->text();
}

QString MainWindow::urlError() const
{
    return m_urlError->text();
}
