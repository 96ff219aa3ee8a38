#pragma once

#include "recordtable.h"

// The log table. It keeps the newest row in view while the user is at the
// bottom, and stays where it is once the user has scrolled up.
class LogView : public RecordTable
{
    Q_OBJECT

public:
    explicit LogView(QWidget *parent = nullptr);
    ~LogView() override;
    Q_DISABLE_COPY_MOVE(LogView)

    void setModel(QAbstractItemModel *model) override;
    bool isFollowingTail() const;

private:
    bool m_follow = true;
};
