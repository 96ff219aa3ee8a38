#pragma once

#include "wire/tap.h"

#include <QObject>
#include <QThread>

// The GUI thread's handle on one Tap: starts its thread, forwards what it
// reports, and on destruction stops it and waits for its thread to end.
class TapLink : public QObject
{
    Q_OBJECT

public:
    explicit TapLink(const Tap::Target &target, QObject *parent = nullptr);
    ~TapLink() override;
    Q_DISABLE_COPY_MOVE(TapLink)

    QString user() const;
    QString secret() const;
    void start();

Q_SIGNALS:
    void listening(quint16 port);
    void listenFailed(const QString &reason);
    void records(const QList<TapRecord> &batch);
    void tlsEstablished(const TapTls &tls);
    void finished();

private:
    QThread m_thread;
    Tap *m_tap;
    QString m_user;
    QString m_secret;
};
