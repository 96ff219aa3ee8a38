#include "livechart.h"
#include "theme.h"

#include "log/messagelog.h"
#include "session/session.h"

#include <QPainter>
#include <QPainterPath>
#include <QtMath>

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
        // Cleared (a server tab's viewer refilled with another client): the
        // rows are read again from the start, and the plot below with them.
        connect(session->log(), &MessageLog::cleared, this, [this] {
            m_seenRows = 0;
            m_rttConnection = -1;
        });
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
    // A client of wsscope's server: the plot below shows how far apart its pings came.
    const int connection = m_session->connectionId();
    bool server = false;
    for (const Session::Connection &each : m_session->connections()) {
        if (each.id == connection)
            server = each.server;
    }
    if (connection != m_rttConnection || server != m_pingIntervals) {
        m_rttConnection = connection;
        m_rttSeen = 0;
        m_pingIntervals = server;
        m_lastPeerPingUsec = -1;
        m_rtts.clear();
    }
    for (int row = m_seenRows; row < count; ++row) {
        const MessageLog::Entry &entry = log.at(row);
        if (server && entry.kind == MessageLog::Kind::Ping && entry.direction == MessageLog::Direction::Received
            && entry.connection == connection) {
            if (m_lastPeerPingUsec >= 0)
                m_rtts.push_back({entry.timeUsec, double(entry.timeUsec - m_lastPeerPingUsec) / 1e6});
            m_lastPeerPingUsec = entry.timeUsec;
        }
        // Data messages only: pings and pongs have the plot below.
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
    if (!server) {
        const QList<Session::RttSample> rtts = m_session->rtts();
        for (qsizetype i = m_rttSeen; i < rtts.size(); ++i)
            m_rtts.push_back({rtts.at(i).timeUsec, rtts.at(i).rttUsec / 1000.0});
        m_rttSeen = int(rtts.size());
    }
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

namespace {

// The scale's top: the next of 1, 2 and 5 times a power of ten at or above the value.
double niceTop(double value)
{
    double step = 1;
    while (step * 10 <= value)
        step *= 10;
    for (const double factor : {1.0, 2.0, 5.0, 10.0}) {
        if (step * factor >= value)
            return step * factor;
    }
    return step * 10;
}

QString number(double value)
{
    return QLocale().toString(value, 'f', value < 10 && value != qFloor(value) ? 1 : 0);
}

} // namespace

void LiveChart::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const QPalette &colors = palette();
    painter.fillRect(rect(), colors.base());
    const QFontMetrics metrics = fontMetrics();
    const int line = metrics.height();
    const QRect area = rect().adjusted(8, 4, -8, -4);
    const int half = area.height() / 2;

    double top = 1;
    for (const RateSample &s : m_rates)
        top = std::max({top, s.sentPerSecond, s.receivedPerSecond});
    top = niceTop(top);
    double topRtt = 1;
    for (const RttPoint &p : m_rtts)
        topRtt = std::max(topRtt, p.milliseconds);
    topRtt = niceTop(topRtt);

    // Room on the left for the larger scale's numbers, below each plot for the time axis.
    const int gutter = std::max({metrics.horizontalAdvance(number(top)), metrics.horizontalAdvance(number(topRtt)),
                                 metrics.horizontalAdvance(number(top / 2))})
        + 6;
    const auto plotBox = [&](int y) {
        return QRect(area.left() + gutter, y + line + 2, area.width() - gutter, half - 2 * line - 8);
    };
    const QRect rateBox = plotBox(area.top());
    const QRect rttBox = plotBox(area.top() + half);
    const qint64 now = MessageLog::nowUsec();
    const double spanUsec = double(Samples) * SampleMs * 1000;
    const auto xOf = [&](const QRect &box, qint64 time) {
        return box.right() - (double(now - time) / spanUsec) * box.width();
    };

    // Axes: the scale at the top, middle and zero; the time in seconds before now.
    const auto drawAxes = [&](const QRect &box, double scaleTop) {
        painter.setPen(QPen(colors.color(QPalette::Mid), 1, Qt::DotLine));
        for (int tick = 1; tick < 4; ++tick) {
            const double x = box.left() + box.width() * tick / 4.0;
            painter.drawLine(QPointF(x, box.top()), QPointF(x, box.bottom()));
        }
        painter.drawLine(QPointF(box.left(), box.center().y()), QPointF(box.right(), box.center().y()));
        painter.setPen(colors.color(QPalette::Mid));
        painter.setBrush(Qt::NoBrush);
        painter.drawRect(box);
        painter.setPen(colors.color(QPalette::PlaceholderText));
        const struct { double value; int y; } marks[] = {{scaleTop, box.top()}, {scaleTop / 2, box.center().y()}, {0, box.bottom()}};
        for (const auto &mark : marks) {
            painter.drawText(QRect(area.left(), mark.y - line / 2, gutter - 4, line), Qt::AlignRight | Qt::AlignVCenter,
                             number(mark.value));
        }
        const int seconds = Samples * SampleMs / 1000;
        for (int tick = 0; tick <= 4; ++tick) {
            const int x = box.left() + box.width() * tick / 4;
            const QString label = tick == 4 ? tr("now") : tr("%1 s").arg(-seconds + tick * seconds / 4);
            const int width = metrics.horizontalAdvance(label);
            const int left = tick == 0 ? x : tick == 4 ? x - width : x - width / 2;
            painter.drawText(QRect(left, box.bottom() + 2, width + 2, line), Qt::AlignLeft | Qt::AlignVCenter, label);
        }
    };
    drawAxes(rateBox, top);
    drawAxes(rttBox, topRtt);

    // Messages a second, both ways.
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
        painter.setBrush(Qt::NoBrush);
        painter.drawPath(path);
    };
    const QColor receivedColor = Theme::color(Theme::Role::Received, colors);
    const QColor sentColor = Theme::color(Theme::Role::Sent, colors);
    rateLine(false, receivedColor);
    rateLine(true, sentColor);

    // Titles, with a swatch of each series' colour as its legend.
    const auto title = [&](int y, const QString &text, const QList<QPair<QColor, QString>> &legend) {
        int x = area.left();
        painter.setPen(colors.color(QPalette::Text));
        painter.drawText(QRect(x, y, area.width(), line), Qt::AlignLeft | Qt::AlignVCenter, text);
        x += metrics.horizontalAdvance(text) + 12;
        for (const auto &[color, name] : legend) {
            painter.fillRect(QRect(x, y + line / 2 - 4, 14, 8), color);
            x += 18;
            painter.setPen(colors.color(QPalette::Text));
            painter.drawText(QRect(x, y, area.right() - x, line), Qt::AlignLeft | Qt::AlignVCenter, name);
            x += metrics.horizontalAdvance(name) + 12;
        }
    };
    title(area.top(), tr("Messages a second"), {{receivedColor, tr("received")}, {sentColor, tr("sent")}});

    // Round trips.
    const QColor rttColor = Theme::color(Theme::Role::Good, colors);
    painter.setPen(Qt::NoPen);
    painter.setBrush(rttColor);
    for (const RttPoint &p : m_rtts) {
        const QPointF point(xOf(rttBox, p.timeUsec), rttBox.bottom() - p.milliseconds / topRtt * rttBox.height());
        painter.drawEllipse(point, 2.5, 2.5);
    }
    QString rttTitle;
    if (m_pingIntervals)
        rttTitle = m_rtts.empty() ? tr("Seconds between the client's pings: none yet")
                                  : tr("Seconds between the client's pings; last %1")
                                        .arg(QLocale().toString(m_rtts.back().milliseconds, 'f', 2));
    else
        rttTitle = m_rtts.empty()
            ? tr("Round trip of each pong, ms: none yet (ping, or turn on keep-alive in Request > Connection)")
            : tr("Round trip of each pong, ms; last %1").arg(QLocale().toString(m_rtts.back().milliseconds, 'f', 2));
    title(area.top() + half, rttTitle, {});
}
