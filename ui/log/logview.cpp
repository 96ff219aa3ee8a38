#include "logview.h"

#include "log/logmodel.h"

#include <QHeaderView>
#include <QScrollBar>

LogView::LogView(QWidget *parent)
    : RecordTable(parent)
{
    setAlternatingRowColors(true);

    connect(verticalScrollBar(), &QScrollBar::valueChanged, this, [this](int value) {
        m_follow = value >= verticalScrollBar()->maximum();
    });
    // The maximum grows as rows arrive; stay at the bottom if we were there.
    connect(verticalScrollBar(), &QScrollBar::rangeChanged, this, [this](int, int max) {
        if (m_follow)
            verticalScrollBar()->setValue(max);
    });
}

LogView::~LogView() = default;

void LogView::setModel(QAbstractItemModel *model)
{
    RecordTable::setModel(model);
    fitColumn(LogModel::TimeColumn, QStringLiteral("00:00:00.000"));
    fitColumn(LogModel::DirectionColumn, LogModel::tr("\u2193 Received"));
    fitColumn(LogModel::KindColumn, LogModel::tr("binary"));
    fitColumn(LogModel::SizeColumn, QStringLiteral("9,999,999"));
}

bool LogView::isFollowingTail() const
{
    return m_follow;
}
