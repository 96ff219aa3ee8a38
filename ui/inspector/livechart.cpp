#include "livechart.h"
#include "theme.h"

#include "log/messagelog.h"
#include "session/session.h"

#include <QPainter>
#include <QPainterPath>

#include <algorithm>

LiveChart::LiveChart(QWidget *parent)
    : QWidget(parent)
{
    setAccessibleName(tr("Live chart of the message rate and round trips"));
    m_timer.setInterval(SampleMs);
    connect(&m_timer, &QTimer::timeout, this, &LiveChart::sample);
}

LiveChart::~LiveChart() = default;

void LiveChart::setSession(Session *session)
{
    m_session = session;
    m_seenRows = session ? session->log()->count() : 0;
    m_lastSampleUsec = MessageLog::nowUsec();
    if (session) {
        connect(session->log(), &MessageLog::cleared, this, [this] { m_seenRows = 0; });
        connect(session->log(), &MessageLog::dropped, this, [this](int n) { m_seenRows = qMax(0, m_seenRows - n); });
        m_timer.start();
    } else {
        m_timer.stop();
    }
}

const std::deque<LiveChart::RateSample> &LiveChart::rates() const
{
    return m_rates;
}

const std::deque<LiveChart::RttPoint> &LiveChart::roundTrips() const
{
    return m_rtts;
}

void LiveChart::sample()
{
    if (!m_session)
        return;
    const MessageLog &log = *m_session->log();
    const qint64 now = MessageLog::nowUsec();
    int sent = 0;
    int received = 0;
    const int count = log.count();
    for (int row = m_seenRows; row < count; ++row) {
        // Data messages only: pings and pongs have the plot below.
        const MessageLog::Entry &entry = log.at(row);
        if (entry.kind != MessageLog::Kind::Text && entry.kind != MessageLog::Kind::Binary)
            continue;
        sent += entry.direction == MessageLog::Direction::Sent;
        received += entry.direction == MessageLog::Direction::Received;
    }
    m_seenRows = count;
    const double seconds = qMax<qint64>(1, now - m_lastSampleUsec) / 1e6;
    m_lastSampleUsec = now;
    // Nothing to show while nothing ever happened.
    if (!(m_rates.empty() && sent == 0 && received == 0 && m_session->state() != Session::State::Open))
        m_rates.push_back({now, sent / seconds, received / seconds});
    while (m_rates.size() > size_t(Samples))
        m_rates.pop_front();

    // Round trips of the current connection, from where the last sample stopped.
    const int connection = m_session->connectionId();
    if (connection != m_rttConnection) {
        m_rttConnection = connection;
        m_rttSeen = 0;
    }
    const QList<Session::RttSample> rtts = m_session->rtts();
    for (qsizetype i = m_rttSeen; i < rtts.size(); ++i)
        m_rtts.push_back({rtts.at(i).timeUsec, rtts.at(i).rttUsec / 1000.0});
    m_rttSeen = int(rtts.size());
    const qint64 oldest = now - qint64(Samples) * SampleMs * 1000;
    while (!m_rtts.empty() && m_rtts.front().timeUsec < oldest)
        m_rtts.pop_front();
    update();
}

QSize LiveChart::sizeHint() const
{
    return {360, 240};
}

QSize LiveChart::minimumSizeHint() const
{
    return {200, 140};
}

void LiveChart::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const QPalette &colors = palette();
    painter.fillRect(rect(), colors.base());
    const int line = fontMetrics().height();
    const QRect area = rect().adjusted(8, 4, -8, -4);
    const int half = area.height() / 2;
    const QRect rateBox(area.left(), area.top() + line, area.width(), half - line - 6);
    const QRect rttBox(area.left(), area.top() + half + line, area.width(), half - line - 6);
    const qint64 now = MessageLog::nowUsec();
    const double spanUsec = double(Samples) * SampleMs * 1000;
    const auto xOf = [&](const QRect &box, qint64 time) {
        return box.right() - (double(now - time) / spanUsec) * box.width();
    };

    painter.setPen(colors.color(QPalette::Mid));
    painter.drawRect(rateBox);
    painter.drawRect(rttBox);

    // Messages a second, both ways.
    double top = 1;
    for (const RateSample &s : m_rates)
        top = std::max({top, s.sentPerSecond, s.receivedPerSecond});
    const auto rateLine = [&](bool sent, const QColor &color) {
        QPainterPath path;
        bool first = true;
        for (const RateSample &s : m_rates) {
            const double value = sent ? s.sentPerSecond : s.receivedPerSecond;
            const QPointF point(xOf(rateBox, s.timeUsec), rateBox.bottom() - value / top * rateBox.height());
            if (first)
                path.moveTo(point);
            else
                path.lineTo(point);
            first = false;
        }
        painter.setPen(QPen(color, 1.5));
        painter.drawPath(path);
    };
    const QColor receivedColor = Theme::color(Theme::Role::Received, colors);
    const QColor sentColor = Theme::color(Theme::Role::Sent, colors);
    rateLine(false, receivedColor);
    rateLine(true, sentColor);
    painter.setPen(colors.color(QPalette::Text));
    painter.drawText(QRect(area.left(), area.top(), area.width(), line), Qt::AlignLeft | Qt::AlignVCenter,
                     tr("Messages a second: received (blue), sent (orange); top %1").arg(QLocale().toString(top, 'f', 0)));

    // Round trips.
    double topRtt = 1;
    for (const RttPoint &p : m_rtts)
        topRtt = std::max(topRtt, p.milliseconds);
    painter.setPen(Qt::NoPen);
    painter.setBrush(Theme::color(Theme::Role::Good, colors));
    for (const RttPoint &p : m_rtts) {
        const QPointF point(xOf(rttBox, p.timeUsec), rttBox.bottom() - p.milliseconds / topRtt * rttBox.height());
        painter.drawEllipse(point, 2.5, 2.5);
    }
    painter.setPen(colors.color(QPalette::Text));
    const QString rttTitle = m_rtts.empty()
        ? tr("Round trips: none yet (ping, or turn on keep-alive in Request > Connection)")
        : tr("Round trip of each pong, ms; top %1, last %2")
              .arg(QLocale().toString(topRtt, 'f', 2), QLocale().toString(m_rtts.back().milliseconds, 'f', 2));
    painter.drawText(QRect(area.left(), area.top() + half, area.width(), line), Qt::AlignLeft | Qt::AlignVCenter, rttTitle);
}
