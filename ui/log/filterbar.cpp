#include "filterbar.h"

#include <QCheckBox>
#include <QComboBox>
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
    m_status->setTextFormat(Qt::PlainText);

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_search, 1);
    layout->addWidget(m_regex);
    layout->addWidget(m_direction);
    layout->addWidget(m_kind);
    layout->addWidget(m_status);

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
        m_status->setStyleSheet(QStringLiteral("color: #c01c28;"));
        m_status->setText(current.errorString());
    }
    Q_EMIT filterChanged(current);
}

void FilterBar::setProgress(int searched, int total, int matches, bool active)
{
    const LogFilter current = filter();
    if (!current.isValid())
        return;   // the error stays in view
    m_status->setStyleSheet(QString());
    if (!active) {
        m_status->setText(tr("%Ln row(s)", nullptr, total));
        return;
    }
    QString text = tr("Matching: %1 of %Ln row(s)", nullptr, total).arg(QLocale().toString(matches));
    if (searched < total)
        text += u' ' + tr("(searching, %1 %)").arg(total > 0 ? qint64(searched) * 100 / total : 100);
    m_status->setText(text);
}

QString FilterBar::statusText() const
{
    return m_status->text();
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
