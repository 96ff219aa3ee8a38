#pragma once

#include "wire/tap.h"

#include <QObject>
#include <QThread>

#include <memory>

// The GUI thread's handle on one Tap: starts its thread, and on destruction
// stops the tap and waits for its thread to end. Connect to tap()'s signals
// directly (they arrive queued, in the receiver's thread), and to records(),
// which comes in this object's thread.
class TapLink : public QObject
{
    Q_OBJECT

public:
    explicit TapLink(const Tap::Target &target, QObject *parent = nullptr);
    ~TapLink() override;
    Q_DISABLE_COPY_MOVE(TapLink)

    QString user() const;
    QString secret() const;
    // Lives in the tap's thread: use it only to connect to its signals.
    Tap *tap() const;
    void start();
    // Takes what the tap has recorded so far and emits it as records(), at
    // once. Runs by itself when the tap wakes this object; call it before
    // using bytes the tap relayed, to have their records first. The tap's
    // milestone signals are queued after the wake-up for records before
    // them, so they come after those records.
    void drain();

Q_SIGNALS:
    void records(const QList<TapRecord> &batch);

private:
    QThread m_thread;
    Tap *m_tap;
    QString m_user;
    QString m_secret;
    std::shared_ptr<TapOutbox> m_outbox;
};
