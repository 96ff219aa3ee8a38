#include "timingview.h"
#include "theme.h"

#include "log/pingstats.h"

#include <QFontDatabase>
#include <QLabel>
#include <QPainter>
#include <QVBoxLayout>

// Bars laid end to end on one time axis, one row a step.
class Waterfall : public QWidget
{
public:
    explicit Waterfall(QWidget *parent)
        : QWidget(parent)
    {
        setMinimumHeight(5 * 22 + 8);
        setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    }

    void setTiming(const HandshakeInfo::Timing &timing, bool server)
    {
        m_timing = timing;
        m_server = server;
        update();
    }

protected:
    void paintEvent(QPaintEvent *) override
    {
        QPainter painter(this);
        // A server's client has no CONNECT to count from: its steps add up.
        const qint64 total = m_server ? qMax<qint64>(0, m_timing.tls) + qMax<qint64>(0, m_timing.tunnel)
                + qMax<qint64>(0, m_timing.upgrade)
                                      : m_timing.total;
        if (total <= 0)
            return;
        const QList<QPair<QString, qint64>> steps = {
            {TimingView::tr("DNS"), m_timing.dns},
            {TimingView::tr("TCP"), m_timing.tcp},
            {TimingView::tr("TLS"), m_timing.tls},
            {m_server ? TimingView::tr("Client") : TimingView::tr("wsscope"), m_timing.tunnel},
            {m_server ? TimingView::tr("101") : TimingView::tr("Upgrade"), m_timing.upgrade},
        };
        // Bars against the base: shades picked for the palette's lightness.
        const QPalette &shades = palette();
        const QColor colors[] = {Theme::color(Theme::Role::Received, shades), Theme::color(Theme::Role::Warning, shades),
                                 Theme::color(Theme::Role::Literal, shades), Theme::color(Theme::Role::Muted, shades),
                                 Theme::color(Theme::Role::Good, shades)};
        // A server's client did no DNS lookup or TCP connect of wsscope's: those rows are left out.
        const int firstRow = m_server ? 2 : 0;
        int labelWidth = 0;
        for (int i = firstRow; i < steps.size(); ++i)
            labelWidth = qMax(labelWidth, fontMetrics().horizontalAdvance(steps.at(i).first));
        labelWidth += 12;
        const int width = qMax(10, this->width() - labelWidth - 8);
        qint64 start = 0;
        for (int i = firstRow; i < steps.size(); ++i) {
            const int y = 4 + (i - firstRow) * 22;
            painter.setPen(palette().color(QPalette::WindowText));
            painter.drawText(QRect(0, y, labelWidth, 18), Qt::AlignVCenter | Qt::AlignLeft, steps.at(i).first);
            const qint64 length = steps.at(i).second;
            if (length < 0)
                continue;
            const int x = labelWidth + int(double(start) / double(total) * width);
            const int w = qMax(2, int(double(length) / double(total) * width));
            // wsscope's own step is hatched: it is not the server's time.
            if (i == TunnelRow && !m_server) {
                painter.fillRect(QRect(x, y + 3, w, 12), palette().color(QPalette::Base));
                painter.fillRect(QRect(x, y + 3, w, 12), QBrush(colors[i], Qt::BDiagPattern));
                painter.setPen(colors[i]);
                painter.drawRect(QRect(x, y + 3, w - 1, 11));
            } else {
                painter.fillRect(QRect(x, y + 3, w, 12), colors[i]);
            }
            start += length;
        }
    }

private:
    static constexpr int TunnelRow = 3;
    HandshakeInfo::Timing m_timing;
    bool m_server = false;
};

TimingView::TimingView(QWidget *parent)
    : QWidget(parent)
    , m_numbers(new QLabel(this))
    , m_waterfall(new Waterfall(this))
    , m_legend(new QLabel(this))
    , m_keepAlive(new QLabel(this))
{
    m_numbers->setTextFormat(Qt::PlainText);
    m_numbers->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_numbers->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_numbers->setWordWrap(true);   // the sentence for a direct connection must not widen the inspector
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_numbers);
    layout->addWidget(m_waterfall);
    m_legend->setWordWrap(true);
    m_legend->setForegroundRole(QPalette::PlaceholderText);
    layout->addWidget(m_legend);
    m_keepAlive->setTextFormat(Qt::PlainText);
    m_keepAlive->setFont(m_numbers->font());
    m_keepAlive->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_keepAlive->setWordWrap(true);
    layout->addSpacing(8);
    layout->addWidget(m_keepAlive);
    layout->addStretch(1);
    setTiming({}, true);
    setKeepAlive(PingStats(), false);
}

TimingView::~TimingView() = default;

QString TimingView::formatDuration(qint64 usec)
{
    if (usec < 0)
        return tr("\u2014");   // an em dash: this step did not happen
    if (usec < 1000)
        return tr("%1 \u00b5s").arg(usec);
    return tr("%1 ms").arg(double(usec) / 1000.0, 0, 'f', 2);
}

QString TimingView::formatInterval(qint64 usec)
{
    if (usec < 100000)
        return formatDuration(usec);
    return tr("%1 s").arg(double(usec) / 1e6, 0, 'f', 3);
}

namespace {

// "label   value" lines under a heading, the values in one column.
QString table(const QList<QPair<QString, QString>> &rows)
{
    qsizetype width = 0;
    for (const auto &row : rows) {
        if (!row.second.isNull())
            width = qMax(width, row.first.size());
    }
    QString text;
    for (const auto &row : rows)
        text += (row.second.isNull() ? row.first : row.first.leftJustified(width + 3, u' ') + row.second) + u'\n';
    return text;
}

} // namespace

void TimingView::setKeepAlive(const PingStats &stats, bool server)
{
    const auto pings = [](const PingStats::Side &side) {
        if (side.pings == 0)
            return tr("none");
        QString text = QString::number(side.pings);
        if (side.intervals > 0)
            text = tr("%1, every %2 (%3 to %4)")
                       .arg(text, formatInterval(side.intervalMean()), formatInterval(side.intervalMin),
                            formatInterval(side.intervalMax));
        return text;
    };
    const auto answers = [](const PingStats::Side &side) {
        if (side.pings == 0)
            return QString(QStringLiteral("\u2014"));   // an em dash: nothing to answer
        QString text = tr("%1 of %2").arg(side.answered).arg(side.pings);
        if (side.latencies > 0)
            text = tr("%1, in %2 on average (at most %3)")
                       .arg(text, formatDuration(side.latencyMean()), formatDuration(side.latencyMax));
        return text;
    };
    const PingStats::Side &ours = stats.sent();
    const PingStats::Side &theirs = stats.received();
    const QString indent = QStringLiteral("  ");
    QList<QPair<QString, QString>> rows = {{tr("Keep-alive"), QString()}};
    if (server) {
        rows += {{indent + tr("Pings from the client"), pings(theirs)},
                 {indent + tr("wsscope's pongs to them"), answers(theirs)},
                 {indent + tr("Pings sent to the client"), pings(ours)},
                 {indent + tr("The client's pongs to them"), answers(ours)}};
    } else {
        rows += {{indent + tr("Pings sent"), pings(ours)},
                 {indent + tr("The server's pongs to them"), answers(ours)},
                 {indent + tr("Pings from the server"), pings(theirs)},
                 {indent + tr("wsscope's pongs to them"), answers(theirs)}};
    }
    if (ours.unsolicitedPongs > 0)
        rows += {indent + (server ? tr("The client's pongs to no ping") : tr("The server's pongs to no ping")),
                 QString::number(ours.unsolicitedPongs)};
    m_keepAlive->setText(table(rows));
}

void TimingView::setTiming(const HandshakeInfo::Timing &timing, bool captured, bool server)
{
    if (!captured) {
        m_numbers->setText(tr("Timings are measured by the tap; a direct connection has none."));
        m_waterfall->setTiming({}, false);
        m_legend->clear();
        return;
    }
    const auto add = [](qint64 sum, qint64 step) { return step < 0 ? sum : qMax<qint64>(sum, 0) + step; };
    const QString indent = QStringLiteral("  ");
    QList<QPair<QString, QString>> rows;
    if (server) {
        // Measured where wsscope's server accepted the client: the client's
        // part (its TLS, its request) and wsscope's answer.
        rows = {
            {tr("The client, as the server saw it"), QString()},
            {indent + tr("TLS handshake"), formatDuration(timing.tls)},
            {indent + tr("Connected to request"), formatDuration(timing.tunnel)},
            {indent + tr("Request to 101"), formatDuration(timing.upgrade)},
            {indent + tr("In all"), formatDuration(add(add(add(-1, timing.tls), timing.tunnel), timing.upgrade))},
        };
        m_legend->setText(tr("From accepting the client's TCP connection to sending the 101; the 101 waits as long as "
                             "the server's settings say."));
    } else {
        // The server's part and wsscope's own, apart: the local tunnel between
        // QWebSocket and the tap is wsscope's doing, not the server's.
        const qint64 network = add(add(add(add(-1, timing.dns), timing.tcp), timing.tls), timing.upgrade);
        rows = {
            {tr("Network and server"), QString()},
            {indent + tr("DNS lookup"), formatDuration(timing.dns)},
            {indent + tr("TCP connect"), formatDuration(timing.tcp)},
            {indent + tr("TLS handshake"), formatDuration(timing.tls)},
            {indent + tr("Upgrade request to 101"), formatDuration(timing.upgrade)},
            {indent + tr("In all"), formatDuration(network)},
            {tr("wsscope's own work, not the server's"), QString()},
            {indent + tr("Local tunnel set-up"), formatDuration(timing.tunnel)},
            {tr("Total"), formatDuration(timing.total)},
        };
        m_legend->setText(tr("The hatched bar is wsscope's own tunnel between Qt and the tap, not the server."));
    }
    m_numbers->setText(table(rows));
    m_waterfall->setTiming(timing, server);
}

QString TimingView::text() const
{
    return m_numbers->text() + u'\n' + m_keepAlive->text();
}
