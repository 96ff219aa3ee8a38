#pragma once

#include "log/logfilter.h"

#include <QTimer>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;

// Search and filters over the log: text or a regular expression, a
// direction and a kind of row, and how many rows match. Typing is applied
// after a short pause, not at every key.
class FilterBar : public QWidget
{
    Q_OBJECT

public:
    explicit FilterBar(QWidget *parent = nullptr);
    ~FilterBar() override;
    Q_DISABLE_COPY_MOVE(FilterBar)

    LogFilter filter() const;
    QLineEdit *searchEdit() const;
    QCheckBox *regexBox() const;
    QComboBox *directionBox() const;
    QComboBox *kindBox() const;
    QString statusText() const;
    // The row count and the search's progress or error, for the owner to
    // place where it does not push the bar's fields (the status bar).
    QLabel *statusLabel() const;
    void setProgress(int searched, int total, int matches, bool active);
    // Pings and pongs shown or left out (the kind filter's first and last choices).
    void setControlFramesShown(bool shown);
    bool controlFramesShown() const;

Q_SIGNALS:
    void filterChanged(const LogFilter &filter);

private:
    void apply();
    void showStatus(const QString &text);

    QLineEdit *m_search;
    QCheckBox *m_regex;
    QComboBox *m_direction;
    QComboBox *m_kind;
    QLabel *m_status;
    QString m_statusText;
    QTimer m_pause;
};
