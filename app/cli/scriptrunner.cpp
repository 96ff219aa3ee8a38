#include "scriptrunner.h"

#include "log/messagelog.h"
#include "session/closecodes.h"

namespace {

QString messagesText(qint64 count)
{
    return count == 1 ? ScriptRunner::tr("1 message") : ScriptRunner::tr("%1 messages").arg(count);
}

QString bytesText(qint64 count)
{
    return count == 1 ? ScriptRunner::tr("1 byte") : ScriptRunner::tr("%1 bytes").arg(count);
}

QString secondsText(qint64 msec)
{
    return ScriptRunner::tr("%1 s").arg(double(msec) / 1000.0, 0, 'f', msec < 10000 ? 3 : 1);
}

QString codeText(const Session::CloseInfo &close)
{
    QString text = QStringLiteral("%1 (%2)").arg(close.code).arg(CloseCodes::name(close.code));
    if (!close.reason.isEmpty())
        text += ScriptRunner::tr(", reason \"%1\"").arg(close.reason);
    return text + Session::closeAnswerText(close);
}

QString closeText(const Session::CloseInfo &close)
{
    switch (close.closer) {
    case Session::Closer::Us:
        return ScriptRunner::tr("closed by us with %1").arg(codeText(close));
    case Session::Closer::Peer:
        return ScriptRunner::tr("closed by the server with %1").arg(codeText(close));
    case Session::Closer::Client:
        return ScriptRunner::tr("closed by Qt's WebSocket client with %1").arg(codeText(close));
    case Session::Closer::Unknown:
        return ScriptRunner::tr("closed with %1").arg(codeText(close));
    case Session::Closer::Nobody:
        break;
    }
    return ScriptRunner::tr("the connection ended without a Close frame (%1)").arg(codeText(close));
}

} // namespace

ScriptRunner::ScriptRunner(Session *session, const Script &script, QObject *parent)
    : QObject(parent)
    , m_session(session)
    , m_script(script)
{
    m_deadline.setSingleShot(true);
    m_deadline.setTimerType(Qt::PreciseTimer);
    connect(&m_deadline, &QTimer::timeout, this, &ScriptRunner::onTimeout);
    m_grace.setSingleShot(true);
    connect(&m_grace, &QTimer::timeout, this, &ScriptRunner::onGraceTimeout);
}

ScriptRunner::~ScriptRunner() = default;

void ScriptRunner::start(const QUrl &url)
{
    start([this, url](QString *error) {
        if (!m_session) {
            *error = tr("There is no session to connect with.");
            return false;
        }
        return m_session->open(url, error);
    });
}

void ScriptRunner::start(const Opener &open)
{
    Q_ASSERT(!m_started);
    if (m_started)
        return;
    m_started = true;
    m_clock.start();
    if (!m_session) {
        report(tr("There is no session to connect with."));
        m_failed = true;
        finish();
        return;
    }
    m_scanned = m_session->log()->count();
    connect(m_session, &Session::connectionStarted, this, &ScriptRunner::onConnectionStarted);
    connect(m_session, &Session::stateChanged, this, &ScriptRunner::onStateChanged);
    connect(m_session, &Session::finished, this, &ScriptRunner::onSessionFinished);
    // A connection declared dead (no pong in time) is a failure; the Error row says why.
    connect(m_session, &Session::connectionDead, this, [this] {
        if (!m_done && m_session && m_session->connectionId() == m_connection)
            m_failed = true;
    });
    connect(m_session->log(), &MessageLog::appended, this, &ScriptRunner::onLogAppended);
    connect(m_session->log(), &MessageLog::cleared, this, [this] { m_scanned = 0; });
    connect(m_session->log(), &MessageLog::dropped, this, [this](int n) { m_scanned = qMax(0, m_scanned - n); });
    if (m_script.timeoutMs > 0)
        m_deadline.start(m_script.timeoutMs);

    QString error;
    if (!open(&error)) {
        if (m_done)
            return;
        report(error.isEmpty() ? tr("The connection could not be opened.") : error);
        m_failed = true;
        finish();
        return;
    }
    if (m_connection == 0 && !m_done)
        m_connection = m_session->connectionId();
}

bool ScriptRunner::isRunning() const
{
    return m_started && !m_done;
}

bool ScriptRunner::isDone() const
{
    return m_done;
}

int ScriptRunner::exitCode() const
{
    return m_failed ? Failure : Success;
}

ScriptRunner::Counts ScriptRunner::counts() const
{
    return m_counts;
}

QStringList ScriptRunner::problems() const
{
    return m_problems;
}

QString ScriptRunner::summary() const
{
    const qint64 duration = m_done ? m_durationMs : (m_clock.isValid() ? m_clock.elapsed() : 0);
    QString ending;
    if (!m_opened)
        ending = tr("the connection did not open");
    else if (m_ended)
        ending = closeText(m_close);
    else
        ending = tr("the close did not complete");
    return tr("Sent %1 (%2), received %3 (%4) in %5; %6")
        .arg(messagesText(m_counts.sentMessages), bytesText(m_counts.sentBytes),
             messagesText(m_counts.receivedMessages), bytesText(m_counts.receivedBytes), secondsText(duration),
             ending);
}

void ScriptRunner::onConnectionStarted(int id)
{
    if (m_connection == 0)
        m_connection = id;
}

void ScriptRunner::onStateChanged(Session::State state)
{
    if (m_done || m_connection == 0 || !m_session || m_session->connectionId() != m_connection)
        return;
    if (state == Session::State::Open && !m_opened) {
        m_opened = true;
        sendAll();
        closeIfDone();
    }
}

void ScriptRunner::sendAll()
{
    const qsizetype total = m_script.messages.size();
    for (qsizetype i = 0; i < total; ++i) {
        const Message &message = m_script.messages.at(i);
        QString error;
        const bool sent = message.kind == Message::Kind::Text
            ? m_session->sendText(QString::fromUtf8(message.data), &error)
            : m_session->sendBinary(message.data, &error);
        if (!sent) {
            m_failed = true;
            report(tr("Could not send message %1 of %2: %3").arg(i + 1).arg(total).arg(error));
            closeNow();
            return;
        }
    }
    m_sent = true;
}

bool ScriptRunner::waitingForMore() const
{
    return !m_opened || !m_sent || m_counts.receivedMessages < m_script.expect;
}

void ScriptRunner::closeIfDone()
{
    if (!m_done && m_script.closeWhenDone && !waitingForMore())
        closeNow();
}

void ScriptRunner::closeNow()
{
    if (m_closeRequested || !m_session)
        return;
    m_closeRequested = true;
    switch (m_session->state()) {
    case Session::State::Open:
        m_session->close(m_script.closeCode, m_script.closeReason);
        break;
    case Session::State::Connecting:
        m_session->abort();
        break;
    case Session::State::Closing:
    case Session::State::Closed:
        break;
    }
}

void ScriptRunner::scanLog()
{
    if (m_done || !m_session)
        return;
    const MessageLog *log = m_session->log();
    const int count = log->count();
    m_scanned = qMin(m_scanned, count);
    for (; m_scanned < count; ++m_scanned) {
        const MessageLog::Entry &entry = log->at(m_scanned);
        if (entry.direction == MessageLog::Direction::Local) {
            if (entry.kind == MessageLog::Kind::Error)
                report(QString::fromUtf8(log->data(m_scanned)));
            continue;
        }
        if (entry.connection != m_connection
            || (entry.kind != MessageLog::Kind::Text && entry.kind != MessageLog::Kind::Binary))
            continue;
        if (entry.direction == MessageLog::Direction::Sent) {
            ++m_counts.sentMessages;
            m_counts.sentBytes += entry.size();
        } else {
            ++m_counts.receivedMessages;
            m_counts.receivedBytes += entry.size();
        }
    }
}

void ScriptRunner::onLogAppended()
{
    scanLog();
    closeIfDone();
}

QString ScriptRunner::pendingDescription() const
{
    if (!m_opened)
        return tr("the connection did not open");
    if (!m_sent)
        return tr("not every message was sent");
    return tr("received %1 of the %2 expected").arg(m_counts.receivedMessages).arg(messagesText(m_script.expect));
}

void ScriptRunner::onTimeout()
{
    if (m_done)
        return;
    if (waitingForMore()) {
        m_failed = true;
        report(tr("Timed out after %1: %2.").arg(secondsText(m_script.timeoutMs), pendingDescription()));
    }
    closeNow();
    if (!m_done)
        m_grace.start(CloseGraceMs);
}

void ScriptRunner::onGraceTimeout()
{
    if (m_done || !m_session)
        return;
    if (m_graceStage == 0 && m_session->state() != Session::State::Closed) {
        m_graceStage = 1;
        report(tr("The connection did not close within %1; aborting it.").arg(secondsText(CloseGraceMs)));
        m_failed = true;
        m_session->abort();
        if (!m_done)
            m_grace.start(AbortGraceMs);
        return;
    }
    m_failed = true;
    finish();
}

void ScriptRunner::onSessionFinished()
{
    if (m_done || m_connection == 0 || !m_session || m_session->connectionId() != m_connection)
        return;
    scanLog();
    m_ended = true;
    m_close = m_session->lastClose();
    if (!m_opened) {
        m_failed = true;
        if (m_problems.isEmpty())
            report(tr("The connection to %1 did not open.").arg(m_session->url().toString(QUrl::FullyEncoded)));
    } else if (!m_closeRequested && waitingForMore()) {
        m_failed = true;
        report(m_sent ? tr("The connection ended before every expected message arrived (%1): %2")
                            .arg(pendingDescription(), closeText(m_close))
                      : tr("The connection ended before every message was sent: %1").arg(closeText(m_close)));
    }
    finish();
}

// What the capture found wrong on the wire is said even when the run went
// well; with --strict it makes the run fail.
void ScriptRunner::reportFindings()
{
    if (m_connection == 0 || m_session->connectionId() != m_connection)
        return;
    const QStringList found = m_session->handshake().findings + m_session->capture()->frameFindings();
    if (found.isEmpty())
        return;
    if (m_script.strict)
        m_failed = true;
    report(tr("Protocol findings on the wire: %1").arg(found.join(QStringLiteral("; "))));
}

void ScriptRunner::report(const QString &message)
{
    m_problems << message;
    Q_EMIT problem(message);
}

void ScriptRunner::finish()
{
    if (m_done)
        return;
    scanLog();
    m_done = true;
    m_deadline.stop();
    m_grace.stop();
    m_durationMs = m_clock.isValid() ? m_clock.elapsed() : 0;
    if (m_session) {
        disconnect(m_session, nullptr, this, nullptr);
        disconnect(m_session->log(), nullptr, this, nullptr);
        reportFindings();
    }
    for (const QString &path : std::as_const(m_script.savePaths)) {
        QString error;
        if (!m_session) {
            error = tr("the session is gone.");
        } else if (SessionExport::save(*m_session, path, m_script.saveOptions, &error)) {
            continue;
        }
        m_failed = true;
        // The export's own messages usually name the file already.
        report(error.contains(path) ? error : tr("Could not save %1: %2").arg(path, error));
    }
    Q_EMIT finished(exitCode(), summary());
}
