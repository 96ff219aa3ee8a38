#pragma once

#include "session/session.h"

#include <QObject>
#include <QPointer>
#include <QTimer>

// Watches a Session and reopens its URL when a connection ends that the user
// did not end: a drop, a close by the server, a failed connect, a dead
// connection (no pong). It waits before each attempt, the delay doubling from
// `initialDelayMs` up to `maxDelayMs`, logs each attempt as an event row, and
// stops after `maxAttempts` (0: no limit) or when the user closes or aborts.
// A connection that stayed open for `stableMs` starts the count afresh. Every
// attempt is its own entry in Session::connections().
class Reconnector : public QObject
{
    Q_OBJECT

public:
    struct Policy
    {
        int maxAttempts = 0;          // 0: no limit
        int initialDelayMs = 1000;
        int maxDelayMs = 30000;
        int stableMs = 5000;          // open at least this long: the backoff starts again
    };

    Reconnector(Session *session, const Policy &policy, QObject *parent = nullptr);
    ~Reconnector() override;
    Q_DISABLE_COPY_MOVE(Reconnector)

    void setPolicy(const Policy &policy);
    Policy policy() const;
    // Attempts made since the last stable connection.
    int attempts() const;
    // A reconnect is scheduled.
    bool isWaiting() const;
    // Forgets a scheduled reconnect (the user does not want one any more).
    // Later ends are watched again.
    void cancel();
    // The delay before attempt `attempt` (1-based).
    int delayFor(int attempt) const;

Q_SIGNALS:
    void reconnecting(int attempt, int delayMs);
    // The attempt limit was reached; no more reconnects.
    void gaveUp();

private:
    void onFinished();
    void onConnectionStarted();
    void reopen();

    QPointer<Session> m_session;
    Policy m_policy;
    QTimer m_timer;
    int m_attempts = 0;
    bool m_reopening = false;   // our own open() is under way
};
