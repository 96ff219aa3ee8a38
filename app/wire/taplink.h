#pragma once

#include "wire/tap.h"

#include <QObject>
#include <QThread>

// The GUI thread's handle on one Tap: starts its thread, and on destruction
// stops the tap and waits for its thread to end. Connect to tap()'s signals
// directly; they arrive queued, in the receiver's thread.
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

private:
    QThread m_thread;
    Tap *m_tap;
    QString m_user;
    QString m_secret;
};
