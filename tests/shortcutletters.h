#pragma once

#include <QAbstractButton>
#include <QAction>
#include <QLabel>
#include <QMainWindow>
#include <QMenuBar>
#include <QMultiHash>
#include <QTabBar>
#include <QToolButton>

// The Alt+letters a window offers at one moment, to find two places that
// share one.
namespace ShortcutLetters {

// The letter after a single '&' in a widget's text, or 0.
inline QChar mnemonic(const QString &text)
{
    const qsizetype amp = QString(text).replace(QStringLiteral("&&"), QStringLiteral("__")).indexOf(u'&');
    if (amp < 0 || amp + 1 >= text.size())
        return {};
    return text.at(amp + 1).toLower();
}

// Each letter with the texts that carry it: the menus, and the buttons, the
// labels of a field and the tabs on screen (a toolbar's buttons have none).
// With enabledOnly, a disabled control is left out: its letter does nothing.
inline QMultiHash<QChar, QString> owners(const QMainWindow &window, bool enabledOnly)
{
    QMultiHash<QChar, QString> found;
    const auto add = [&found](const QString &text) {
        const QChar letter = mnemonic(text);
        if (!letter.isNull())
            found.insert(letter, text);
    };
    for (const QAction *menu : window.menuBar()->actions())
        add(menu->text());
    for (const QAbstractButton *button : window.findChildren<QAbstractButton *>()) {
        const auto *tool = qobject_cast<const QToolButton *>(button);
        if (button->isVisibleTo(&window) && (!enabledOnly || button->isEnabled()) && !(tool && tool->defaultAction()))
            add(button->text());
    }
    for (const QLabel *label : window.findChildren<QLabel *>()) {
        if (label->isVisibleTo(&window) && label->buddy()
            && (!enabledOnly || (label->isEnabled() && label->buddy()->isEnabled())))
            add(label->text());
    }
    for (const QTabBar *bar : window.findChildren<QTabBar *>()) {
        if (!bar->isVisibleTo(&window))
            continue;
        for (int i = 0; i < bar->count(); ++i)
            add(bar->tabText(i));
    }
    return found;
}

// "Alt+x: one, other" for each letter more than one of them carries.
inline QStringList clashes(const QMultiHash<QChar, QString> &owners)
{
    QStringList out;
    for (const QChar letter : owners.uniqueKeys()) {
        const QStringList texts = owners.values(letter);
        if (texts.size() > 1)
            out << QStringLiteral("Alt+%1: %2").arg(letter, texts.join(QStringLiteral(", ")));
    }
    return out;
}

} // namespace ShortcutLetters
