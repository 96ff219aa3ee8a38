#pragma once

#include <QColor>
#include <QPalette>

class QWidget;

// Colours that carry meaning (an error, a good outcome, a JSON key) chosen for
// the palette in use: a darker shade on a light window, a lighter one on a
// dark window, so the text keeps its contrast either way. Nothing in the
// window names a colour of its own.
namespace Theme {

enum class Role {
    Error,            // error text, a frame with a protocol finding
    ErrorBackground,  // behind a cell whose input is refused
    Good,             // an open connection, a matching Accept, 101
    Warning,          // connecting, closing, a redirect
    Muted,            // closed, idle
    Accent,           // JSON keys, handshake header names
    String,           // JSON strings
    Number,           // JSON numbers
    Literal,          // JSON true, false, null
    Received,         // the chart's received series
    Sent,             // the chart's sent series
};

// Whether the palette's window is dark (its text lighter than its background).
bool isDark(const QPalette &palette);
QColor color(Role role, const QPalette &palette);
// The same colour for the application's palette of the moment.
QColor color(Role role);

// Draws the widget's text (WindowText and Text) in the role's colour, and
// keeps doing so when the application's palette changes.
void setTextRole(QWidget *widget, Role role);
// Gives the widget its inherited palette back: its text is ordinary again.
void clearTextRole(QWidget *widget);

// The contrast ratio of two colours as WCAG defines it (1 to 21).
double contrast(const QColor &a, const QColor &b);

// A dark palette for the Fusion style, and the light one Fusion has of its own.
QPalette darkPalette();
QPalette lightPalette();

// The window's colours as the user picked them: the desktop's own (the style
// and palette Qt started with), or Fusion with a light or a dark palette.
enum class Colours { System, Light, Dark };
Colours coloursFromName(const QString &name);   // "system", "light", "dark"; anything else: System
QString coloursName(Colours colours);
void applyColours(Colours colours);

} // namespace Theme
