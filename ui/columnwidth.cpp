#include "columnwidth.h"

#include <QAbstractItemModel>
#include <QHeaderView>
#include <QTreeView>

void fitColumn(QTreeView *view, int column, const QString &widest)
{
    const QFontMetrics metrics(view->font());
    const QString header = view->model() ? view->model()->headerData(column, Qt::Horizontal).toString() : QString();
    view->header()->resizeSection(column, qMax(metrics.horizontalAdvance(widest), metrics.horizontalAdvance(header)) + 16);
}
