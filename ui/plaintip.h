#pragma once

#include <QString>

// Qt shows a tool tip as rich text whenever the text looks like markup, so a
// tip holding what a peer sent ("<img src=…>") would be rendered. This makes
// any text a tip that shows exactly what it holds, characters and line breaks.
inline QString plainToolTip(const QString &text)
{
    if (text.isEmpty())
        return text;
    return QStringLiteral("<p style=\"white-space:pre-wrap\">") + text.toHtmlEscaped() + QStringLiteral("</p>");
}
