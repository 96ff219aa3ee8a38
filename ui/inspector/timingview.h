#pragma once

#include "session/handshakeinfo.h"

class PingStats;

#include <QWidget>

class QLabel;
class Waterfall;

// How long each step of opening the connection took: DNS lookup, TCP
// connect, TLS handshake, upgrade request to 101, and the total, as numbers
// and as a waterfall of bars; for a client of wsscope's server, the steps as
// the server saw them. Below, the keep-alive: the pings each way, how far
// apart, and how soon answered.
class TimingView : public QWidget
{
    Q_OBJECT

public:
    explicit TimingView(QWidget *parent = nullptr);
    ~TimingView() override;
    Q_DISABLE_COPY_MOVE(TimingView)

    // server: the connection is a client of wsscope's server.
    void setTiming(const HandshakeInfo::Timing &timing, bool captured, bool server = false);
    void setKeepAlive(const PingStats &stats, bool server);
    QString text() const;

    static QString formatDuration(qint64 usec);
    // As formatDuration, in seconds (to the millisecond) from 100 ms on.
    static QString formatInterval(qint64 usec);

private:
    QLabel *m_numbers;
    Waterfall *m_waterfall;
    QLabel *m_legend;
    QLabel *m_keepAlive;
};
