#pragma once

#include <QString>
#include <QTableView>

// A table shown as a list of records, as the log and the Wire tab are: whole
// rows selected (and marked, not their current cell), no grid and no row
// numbers, one line a row of a fixed height, headers on the left, Tab
// leaving the table, Home and End going to the first and last row. Rows of
// a fixed height cost the view nothing to lay out however many there are,
// so a table of millions of rows takes new ones as fast as a table of ten.
class RecordTable : public QTableView
{
    Q_OBJECT

public:
    explicit RecordTable(QWidget *parent = nullptr);
    ~RecordTable() override;
    Q_DISABLE_COPY_MOVE(RecordTable)

    // Sizes a column to its header or to the widest text it will hold,
    // whichever is wider, so narrow fields stay narrow and leave the room to
    // the last one.
    void fitColumn(int column, const QString &widest);

    // What an empty table says instead of nothing: what to do to fill it.
    void setEmptyText(const QString &text);
    QString emptyText() const;

protected:
    QModelIndex moveCursor(CursorAction cursorAction, Qt::KeyboardModifiers modifiers) override;
    void paintEvent(QPaintEvent *event) override;

private:
    QString m_emptyText;
};
