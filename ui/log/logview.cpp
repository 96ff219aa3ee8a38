#include "logview.h"

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
    const QFontMetrics metrics(font());
    header()->resizeSection(LogModel::TimeColumn, metrics.horizontalAdvance(QStringLiteral("00:00:00.000")) + 24);
    header()->resizeSection(LogModel::DirectionColumn, metrics.horizontalAdvance(tr("\u2193 Received")) + 24);
    header()->resizeSection(LogModel::KindColumn, metrics.horizontalAdvance(tr("binary")) + 24);
    header()->resizeSection(LogModel::SizeColumn, metrics.horizontalAdvance(QStringLiteral("16,777,216")) + 24);
}

bool LogView::isFollowingTail() const
{
    return m_follow;
}
