#include "logview.h"

#include "columnwidth.h"
#include "log/logmodel.h"

#include <QHeaderView>
#include <QScrollBar>

LogView::LogView(QWidget *parent)
    : QTreeView(parent)
{
    setRootIsDecorated(false);
    setItemsExpandable(false);
    setUniformRowHeights(true);
    setAllColumnsShowFocus(true);
    setAlternatingRowColors(true);
    setSelectionMode(QAbstractItemView::ExtendedSelection);
    setSelectionBehavior(QAbstractItemView::SelectRows);
    setTextElideMode(Qt::ElideRight);
    setWordWrap(false);
    header()->setStretchLastSection(true);

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
    QTreeView::setModel(model);
    fitColumn(this, LogModel::TimeColumn, QStringLiteral("00:00:00.000"));
    fitColumn(this, LogModel::DirectionColumn, LogModel::tr("\u2193 Received"));
    fitColumn(this, LogModel::KindColumn, LogModel::tr("binary"));
    fitColumn(this, LogModel::SizeColumn, QStringLiteral("9,999,999"));
}

bool LogView::isFollowingTail() const
{
    return m_follow;
}
