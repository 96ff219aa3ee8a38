#pragma once

#include <QIcon>

class QPalette;

// The window's icons. An action takes the desktop theme's icon when the
// theme has one (QIcon::fromTheme), and otherwise the one drawn for wsscope
// in resources/icons, inked in the palette's text colour so that it reads
// on a light window and on a dark one alike.
namespace Icons {

enum class Id { Connect, Disconnect, Ping, Clear, Save, Open, Request, NewTab };

QIcon icon(Id id, const QPalette &palette);
// The bundled drawing, whatever the theme has (for tests and the README).
QIcon bundled(Id id, const QPalette &palette);
// wsscope's own icon: the window icon and the desktop entry's.
QIcon application();
// The name the desktop theme is asked for.
QString themeName(Id id);

} // namespace Icons
