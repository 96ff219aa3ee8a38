#include "timingview.h"
#include "theme.h"

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

    void setTiming(const HandshakeInfo::Timing &timing)
    {
        m_timing = timing;
        update();
    }

protected:
    void paintEvent(QPaintEvent *) override
    {
        QPainter painter(this);
        const qint64 total = m_timing.total;
        if (total <= 0)
            return;
        const QList<QPair<QString, qint64>> steps = {
            {TimingView::tr("DNS"), m_timing.dns},
            {TimingView::tr("TCP"), m_timing.tcp},
            {TimingView::tr("TLS"), m_timing.tls},
            {TimingView::tr("wsscope"), m_timing.tunnel},
            {TimingView::tr("Upgrade"), m_timing.upgrade},
        };
        // Bars against the base: shades picked for the palette's lightness.
        const QPalette &shades = palette();
        const QColor colors[] = {Theme::color(Theme::Role::Received, shades), Theme::color(Theme::Role::Warning, shades),
                                 Theme::color(Theme::Role::Literal, shades), Theme::color(Theme::Role::Muted, shades),
                                 Theme::color(Theme::Role::Good, shades)};
        const int labelWidth = fontMetrics().horizontalAdvance(TimingView::tr("Upgrade")) + 12;
        const int width = qMax(10, this->width() - labelWidth - 8);
        qint64 start = 0;
        for (int i = 0; i < steps.size(); ++i) {
            const int y = 4 + i * 22;
            painter.setPen(palette().color(QPalette::WindowText));
            painter.drawText(QRect(0, y, labelWidth, 18), Qt::AlignVCenter | Qt::AlignLeft, steps.at(i).first);
            const qint64 length = steps.at(i).second;
            if (length < 0)
                continue;
            const int x = labelWidth + int(double(start) / double(total) * width);
            const int w = qMax(2, int(double(length) / double(total) * width));
            // wsscope's own step is hatched: it is not the server's time.
            if (i == TunnelRow) {
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
};

TimingView::TimingView(QWidget *parent)
    : QWidget(parent)
    , m_numbers(new QLabel(this))
    , m_waterfall(new Waterfall(this))
{
    m_numbers->setTextFormat(Qt::PlainText);
    m_numbers->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_numbers->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_numbers->setWordWrap(true);   // the sentence for a direct connection must not widen the inspector
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_numbers);
    layout->addWidget(m_waterfall);
    auto *legend = new QLabel(tr("The hatched bar is wsscope's own tunnel between Qt and the tap, not the server."), this);
    legend->setWordWrap(true);
    legend->setForegroundRole(QPalette::PlaceholderText);
    layout->addWidget(legend);
    layout->addStretch(1);
    setTiming({}, true);
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

void TimingView::setTiming(const HandshakeInfo::Timing &timing, bool captured)
{
    if (!captured) {
        m_numbers->setText(tr("Timings are measured by the tap; a direct connection has none."));
        m_waterfall->setTiming({});
        return;
    }
    // The server's part and wsscope's own, apart: the local tunnel between
    // QWebSocket and the tap is wsscope's doing, not the server's.
    const auto add = [](qint64 sum, qint64 step) { return step < 0 ? sum : qMax<qint64>(sum, 0) + step; };
    const qint64 network = add(add(add(add(-1, timing.dns), timing.tcp), timing.tls), timing.upgrade);
    const QString indent = QStringLiteral("  ");
    const QList<QPair<QString, qint64>> rows = {
        {tr("Network and server"), -2},
        {indent + tr("DNS lookup"), timing.dns},
        {indent + tr("TCP connect"), timing.tcp},
        {indent + tr("TLS handshake"), timing.tls},
        {indent + tr("Upgrade request to 101"), timing.upgrade},
        {indent + tr("In all"), network},
        {tr("wsscope's own work, not the server's"), -2},
        {indent + tr("Local tunnel set-up"), timing.tunnel},
        {tr("Total"), timing.total},
    };
    qsizetype width = 0;
    for (const auto &row : rows) {
        if (row.second != -2)
            width = qMax(width, row.first.size());
    }
    QString text;
    for (const auto &row : rows)
        text += (row.second == -2 ? row.first : row.first.leftJustified(width + 3, u' ') + formatDuration(row.second)) + u'\n';
    m_numbers->setText(text);
    m_waterfall->setTiming(timing);
}

QString TimingView::text() const
{
    return m_numbers->text();
}
