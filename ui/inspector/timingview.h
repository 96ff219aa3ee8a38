#pragma once

#include "session/handshakeinfo.h"

#include <QWidget>

class QLabel;
class Waterfall;

// How long each step of opening the connection took: DNS lookup, TCP
// connect, TLS handshake, upgrade request to 101, and the total, as numbers
// and as a waterfall of bars.
class TimingView : public QWidget
{
    Q_OBJECT

public:
    explicit TimingView(QWidget *parent = nullptr);
    ~TimingView() override;
    Q_DISABLE_COPY_MOVE(TimingView)

    void setTiming(const HandshakeInfo::Timing &timing, bool captured);
    QString text() const;

    static QString formatDuration(qint64 usec);

private:
    QLabel *m_numbers;
    Waterfall *m_waterfall;
};
