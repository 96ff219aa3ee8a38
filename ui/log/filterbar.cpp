#include "filterbar.h"
#include "plaintip.h"
#include "theme.h"

#include <QCheckBox>
#include <QComboBox>
#include <QStyle>
#include <QStyleOptionComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>

FilterBar::FilterBar(QWidget *parent)
    : QWidget(parent)
    , m_search(new QLineEdit(this))
    , m_regex(new QCheckBox(tr("Rege&x"), this))
    , m_direction(new QComboBox(this))
    , m_kind(new QComboBox(this))
    , m_status(new QLabel(this))
{
    m_search->setPlaceholderText(tr("Search payloads (Ctrl+F)"));
    m_search->setClearButtonEnabled(true);
    m_search->setAccessibleName(tr("Search payloads"));
    m_regex->setToolTip(tr("Treat the search as a regular expression (Perl syntax)"));
    m_direction->addItem(tr("All directions"), int(LogFilter::AllDirections));
    m_direction->addItem(tr("Sent"), int(LogFilter::Sent));
    m_direction->addItem(tr("Received"), int(LogFilter::Received));
    m_direction->addItem(tr("Events"), int(LogFilter::Events));
    m_direction->setAccessibleName(tr("Direction filter"));
    m_kind->addItem(tr("All kinds"), int(LogFilter::AllKinds));
    m_kind->addItem(tr("Data (text, binary)"), int(LogFilter::Data));
    m_kind->addItem(tr("Control (ping, pong)"), int(LogFilter::Control));
    m_kind->addItem(tr("Events (open, close, error)"), int(LogFilter::Local));
    m_kind->addItem(tr("All but pings and pongs"), int(LogFilter::Data | LogFilter::Local));
    m_kind->setAccessibleName(tr("Kind filter"));
    // The choices shrink (eliding) before the search field does in a small
    // window, and grow no wider than their longest text in a large one.
    // The choice that is shown is never cut, though: a combo box is at least
    // as wide as its current text ("All directions" whole at 800 px).
    for (QComboBox *box : {m_direction, m_kind}) {
        box->setSizeAdjustPolicy(QComboBox::AdjustToContents);
        box->setMaximumWidth(box->sizeHint().width());
        box->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
        box->setMinimumContentsLength(5);
        const auto fitCurrent = [box] {
            QStyleOptionComboBox option;
            option.initFrom(box);
            option.editable = false;
            const QSize text(box->fontMetrics().horizontalAdvance(box->currentText()), box->fontMetrics().height());
            const int width = box->style()->sizeFromContents(QStyle::CT_ComboBox, &option, text, box).width();
            box->setMinimumWidth(qMin(width, box->maximumWidth()));
        };
        fitCurrent();
        connect(box, &QComboBox::currentIndexChanged, box, fitCurrent);
    }
    m_search->setMinimumWidth(qMax(120, m_search->fontMetrics().horizontalAdvance(u'x') * 16));
    m_status->setTextFormat(Qt::PlainText);
    // The count is not in the bar's row (see statusLabel()), and has a fixed
    // width: nothing jumps as it appears or grows; a longer text is elided
    // and whole in the tooltip.
    m_status->setFixedWidth(m_status->fontMetrics().horizontalAdvance(tr("Matching: 99,999 of 99,999 rows")) + 8);
    m_status->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    m_status->setAccessibleName(tr("Rows in the log"));

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_search, 1);
    layout->addWidget(m_regex);
    layout->addWidget(m_direction, 4);
    layout->addWidget(m_kind, 4);

    m_pause.setSingleShot(true);
    m_pause.setInterval(150);
    connect(&m_pause, &QTimer::timeout, this, &FilterBar::apply);
    connect(m_search, &QLineEdit::textChanged, &m_pause, qOverload<>(&QTimer::start));
    connect(m_search, &QLineEdit::returnPressed, this, &FilterBar::apply);
    connect(m_regex, &QCheckBox::toggled, this, &FilterBar::apply);
    connect(m_direction, &QComboBox::currentIndexChanged, this, &FilterBar::apply);
    connect(m_kind, &QComboBox::currentIndexChanged, this, &FilterBar::apply);
}

FilterBar::~FilterBar() = default;

void FilterBar::setControlFramesShown(bool shown)
{
    const int kinds = shown ? int(LogFilter::AllKinds) : int(LogFilter::Data | LogFilter::Local);
    m_kind->setCurrentIndex(m_kind->findData(kinds));
}

bool FilterBar::controlFramesShown() const
{
    return m_kind->currentData().toInt() & LogFilter::Control;
}

LogFilter FilterBar::filter() const
{
    return LogFilter(m_search->text(), m_regex->isChecked(), m_direction->currentData().toInt(),
                     m_kind->currentData().toInt());
}

void FilterBar::apply()
{
    m_pause.stop();
    const LogFilter current = filter();
    if (!current.isValid()) {
        Theme::setTextRole(m_status, Theme::Role::Error);
        showStatus(current.errorString());
    }
    Q_EMIT filterChanged(current);
}

void FilterBar::setProgress(int searched, int total, int matches, bool active)
{
    const LogFilter current = filter();
    if (!current.isValid())
        return;   // the error stays in view
    Theme::clearTextRole(m_status);
    if (!active) {
        showStatus(tr("%Ln row(s)", nullptr, total));
        return;
    }
    QString text = tr("Matching: %1 of %Ln row(s)", nullptr, total).arg(QLocale().toString(matches));
    if (searched < total)
        text += u' ' + tr("(searching, %1 %)").arg(total > 0 ? qint64(searched) * 100 / total : 100);
    showStatus(text);
}

void FilterBar::showStatus(const QString &text)
{
    m_statusText = text;
    m_status->setText(m_status->fontMetrics().elidedText(text, Qt::ElideRight, m_status->contentsRect().width()));
    m_status->setToolTip(plainToolTip(text));
}

QString FilterBar::statusText() const
{
    return m_statusText;
}

QLabel *FilterBar::statusLabel() const
{
    return m_status;
}

QLineEdit *FilterBar::searchEdit() const
{
    return m_search;
}

QCheckBox *FilterBar::regexBox() const
{
    return m_regex;
}

QComboBox *FilterBar::directionBox() const
{
    return m_direction;
}

QComboBox *FilterBar::kindBox() const
{
    return m_kind;
}
