#pragma once

#include <QString>

class QTreeView;

// Sizes a column to its header or to the widest text it will hold, whichever
// is wider, so narrow fields stay narrow and leave the room to the payload.
void fitColumn(QTreeView *view, int column, const QString &widest);
