#pragma once

#include "log/messagelog.h"

#include <QRegularExpression>
#include <QString>

// Which rows of a log to show: text or a regular expression over payloads
// (and event descriptions), and which directions and kinds. Pure: a row in,
// yes or no out, so that it can run in slices over a million rows.
class LogFilter
{
public:
    enum DirectionBit { Sent = 1, Received = 2, Events = 4, AllDirections = 7 };
    enum KindBit { Data = 1, Control = 2, Local = 4, AllKinds = 7 };

    LogFilter() = default;
    LogFilter(const QString &text, bool regex, int directions = AllDirections, int kinds = AllKinds,
              bool caseSensitive = false);

    bool isActive() const;
    bool isValid() const;
    QString errorString() const;   // why a regular expression does not compile
    bool matches(const MessageLog &log, int row) const;
    bool operator==(const LogFilter &other) const;

private:
    QString m_text;
    QRegularExpression m_regex;
    bool m_useRegex = false;
    bool m_caseSensitive = false;
    int m_directions = AllDirections;
    int m_kinds = AllKinds;
};
