#pragma once

#include <QIcon>
#include <QList>
#include <QPair>
#include <QPointer>

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

// The icons a window gave its actions and buttons, inked for its palette and
// inked again when the palette changes (a QEvent::PaletteChange).
class InkedIcons
{
public:
    void set(QObject *target, Icons::Id id, const QPalette &palette);
    void reink(const QPalette &palette);

private:
    QList<QPair<QPointer<QObject>, Icons::Id>> m_targets;
};
