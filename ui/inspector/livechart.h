#pragma once

#include <QPointer>
#include <QTimer>
#include <QWidget>

#include <deque>

class Session;

// Two small plots of the live connection, for the last two minutes: data
// messages a second each way, and the round trip of each pong (for a client
// of wsscope's server: the seconds between its pings). Sampled once a second
// from the log and the session, never per message.
class LiveChart : public QWidget
{
    Q_OBJECT

public:
    explicit LiveChart(QWidget *parent = nullptr);
    ~LiveChart() override;
    Q_DISABLE_COPY_MOVE(LiveChart)

    void setSession(Session *session);

    static constexpr int SampleMs = 1000;
    static constexpr int Samples = 120;

    struct RateSample
    {
        qint64 timeUsec = 0;
        double sentPerSecond = 0;
        double receivedPerSecond = 0;
    };
    struct RttPoint
    {
        qint64 timeUsec = 0;
        double milliseconds = 0;   // for a server's client: the seconds since its previous ping
    };
    const std::deque<RateSample> &rates() const;
    const std::deque<RttPoint> &roundTrips() const;
    // Takes a sample now (the timer does it every SampleMs).
    void sample();

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    QPointer<Session> m_session;
    QTimer m_timer;
    int m_seenRows = 0;
    qint64 m_lastSampleUsec = 0;
    int m_rttConnection = 0;
    int m_rttSeen = 0;
    bool m_pingIntervals = false;
    qint64 m_lastPeerPingUsec = -1;
    std::deque<RateSample> m_rates;
    std::deque<RttPoint> m_rtts;
};
