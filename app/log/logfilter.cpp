#include "logfilter.h"

#include <QCoreApplication>

namespace {

int directionBit(MessageLog::Direction direction)
{
    switch (direction) {
    case MessageLog::Direction::Sent: return LogFilter::Sent;
    case MessageLog::Direction::Received: return LogFilter::Received;
    case MessageLog::Direction::Local: return LogFilter::Events;
    }
    return 0;
}

int kindBit(MessageLog::Kind kind)
{
    switch (kind) {
    case MessageLog::Kind::Text:
    case MessageLog::Kind::Binary: return LogFilter::Data;
    case MessageLog::Kind::Ping:
    case MessageLog::Kind::Pong: return LogFilter::Control;
    case MessageLog::Kind::Open:
    case MessageLog::Kind::Close:
    case MessageLog::Kind::Error: return LogFilter::Local;
    }
    return 0;
}

} // namespace

LogFilter::LogFilter(const QString &text, bool regex, int directions, int kinds, bool caseSensitive)
    : m_text(text)
    , m_useRegex(regex && !text.isEmpty())
    , m_caseSensitive(caseSensitive)
    , m_directions(directions)
    , m_kinds(kinds)
{
    if (m_useRegex) {
        m_regex.setPattern(text);
        m_regex.setPatternOptions(caseSensitive ? QRegularExpression::NoPatternOption
                                                : QRegularExpression::CaseInsensitiveOption);
        m_regex.optimize();
    }
}

bool LogFilter::isActive() const
{
    return !m_text.isEmpty() || m_directions != AllDirections || m_kinds != AllKinds;
}

bool LogFilter::isValid() const
{
    return !m_useRegex || m_regex.isValid();
}

QString LogFilter::errorString() const
{
    if (isValid())
        return {};
    return QCoreApplication::translate("LogFilter", "The regular expression is not valid at character %1: %2")
        .arg(m_regex.patternErrorOffset() + 1)
        .arg(m_regex.errorString());
}

bool LogFilter::matches(const MessageLog &log, int row) const
{
    const MessageLog::Entry &entry = log.at(row);
    if (!(m_directions & directionBit(entry.direction)) || !(m_kinds & kindBit(entry.kind)))
        return false;
    if (m_text.isEmpty())
        return true;
    if (!isValid())
        return false;
    // Binary payloads are searched as Latin-1, so that any byte value can be found.
    const QByteArrayView bytes = log.data(row);
    const QString text = entry.kind == MessageLog::Kind::Binary ? QString::fromLatin1(bytes) : QString::fromUtf8(bytes);
    if (m_useRegex)
        return m_regex.match(text).hasMatch();
    return text.contains(m_text, m_caseSensitive ? Qt::CaseSensitive : Qt::CaseInsensitive);
}

bool LogFilter::operator==(const LogFilter &other) const
{
    return m_text == other.m_text && m_useRegex == other.m_useRegex && m_caseSensitive == other.m_caseSensitive
        && m_directions == other.m_directions && m_kinds == other.m_kinds;
}
