#include "reconnector.h"

#include "log/messagelog.h"

Reconnector::Reconnector(Session *session, const Policy &policy, QObject *parent)
    : QObject(parent)
    , m_session(session)
    , m_policy(policy)
{
    m_timer.setSingleShot(true);
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, &Reconnector::reopen);
    if (session) {
        connect(session, &Session::finished, this, &Reconnector::onFinished);
        connect(session, &Session::connectionStarted, this, &Reconnector::onConnectionStarted);
    }
}

Reconnector::~Reconnector() = default;

void Reconnector::setPolicy(const Policy &policy)
{
    m_policy = policy;
}

Reconnector::Policy Reconnector::policy() const
{
    return m_policy;
}

int Reconnector::attempts() const
{
    return m_attempts;
}

bool Reconnector::isWaiting() const
{
    return m_timer.isActive();
}

void Reconnector::cancel()
{
    m_timer.stop();
    m_attempts = 0;
}

int Reconnector::delayFor(int attempt) const
{
    const qint64 initial = qMax(0, m_policy.initialDelayMs);
    const qint64 ceiling = qMax<qint64>(initial, m_policy.maxDelayMs);
    qint64 delay = initial;
    for (int i = 1; i < attempt && delay < ceiling; ++i)
        delay *= 2;
    return int(qMin(delay, ceiling));
}

void Reconnector::onConnectionStarted()
{
    // Someone else opened a connection while we waited: theirs wins.
    if (!m_reopening)
        m_timer.stop();
}

void Reconnector::onFinished()
{
    Session *session = m_session;
    if (!session || session->isReadOnly() || session->connections().isEmpty())
        return;
    if (session->endedByUser()) {
        cancel();
        return;
    }
    const Session::Connection &last = session->connections().last();
    if (last.opened && last.endUsec - last.handshakeUsec >= qint64(m_policy.stableMs) * 1000)
        m_attempts = 0;
    if (m_policy.maxAttempts > 0 && m_attempts >= m_policy.maxAttempts) {
        session->log()->appendEvent(
            MessageLog::Kind::Close,
            tr("Not reconnecting to %1: %n attempt(s) made, the limit.", nullptr, m_attempts)
                .arg(session->url().toString(QUrl::FullyEncoded)));
        m_attempts = 0;
        Q_EMIT gaveUp();
        return;
    }
    ++m_attempts;
    const int delay = delayFor(m_attempts);
    const QString seconds = QString::number(delay / 1000.0, 'f', 1);
    const QString url = session->url().toString(QUrl::FullyEncoded);
    session->log()->appendEvent(
        MessageLog::Kind::Open,
        m_policy.maxAttempts > 0
            ? tr("Reconnecting to %1 in %2 s (attempt %3 of %4)").arg(url, seconds).arg(m_attempts).arg(m_policy.maxAttempts)
            : tr("Reconnecting to %1 in %2 s (attempt %3)").arg(url, seconds).arg(m_attempts));
    m_timer.start(delay);
    Q_EMIT reconnecting(m_attempts, delay);
}

void Reconnector::reopen()
{
    Session *session = m_session;
    if (!session || session->state() != Session::State::Closed)
        return;
    QString error;
    m_reopening = true;
    const bool opened = session->open(session->url(), &error);
    m_reopening = false;
    if (!opened) {
        session->log()->appendEvent(MessageLog::Kind::Error, tr("Could not reconnect: %1").arg(error));
        m_attempts = 0;
    }
}
