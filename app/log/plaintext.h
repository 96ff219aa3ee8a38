#pragma once

#include <QString>

// Text from a peer, made safe to print on a terminal or to write as one line
// of a text file: nothing in it can move the cursor, change colours, ring the
// bell, reorder what follows or start a new line.
namespace PlainText {

// Line breaks and tabs become \n, \r and \t; other C0 controls, DEL and the
// C1 controls (which some terminals take as escape sequences) become \xNN;
// a lone surrogate becomes \uXXXX, and so do the bidirectional controls
// (U+061C, U+200E/F, U+202A-202E, U+2066-2069), which would reorder the rest
// of the line as shown.
QString oneLine(const QString &text);

} // namespace PlainText
