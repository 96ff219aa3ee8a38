#include "theme.h"

#include <QApplication>
#include <QEvent>
#include <QPointer>
#include <QStyle>
#include <QWidget>

#include <cmath>

namespace Theme {

namespace {

// A disabled field's placeholder is fainter than a disabled field's text, so
// that a hint in an empty field does not read as a value once the form is
// disabled (as a server tab's is while the server runs).
QPalette withFaintDisabledHints(QPalette palette)
{
    const QColor text = palette.color(QPalette::Disabled, QPalette::Text);
    const QColor base = palette.color(QPalette::Disabled, QPalette::Base);
    const auto mix = [](int a, int b) { return (a * 55 + b * 45) / 100; };
    palette.setColor(QPalette::Disabled, QPalette::PlaceholderText,
                     QColor(mix(text.red(), base.red()), mix(text.green(), base.green()), mix(text.blue(), base.blue())));
    return palette;
}

double luminance(const QColor &c)
{
    auto channel = [](double v) { return v <= 0.03928 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF());
}

// Tells when the application's palette has changed. A widget with a palette
// of its own is not always told (a label in a shown window kept its light
// shade after File > Colours > Dark), but the application object always is.
class PaletteWatcher : public QObject
{
    Q_OBJECT

public:
    static PaletteWatcher *instance()
    {
        static PaletteWatcher *watcher = [] {
            auto *created = new PaletteWatcher(qApp);
            qApp->installEventFilter(created);
            return created;
        }();
        return watcher;
    }

Q_SIGNALS:
    void changed();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (watched == qApp && event->type() == QEvent::ApplicationPaletteChange)
            Q_EMIT changed();
        return QObject::eventFilter(watched, event);
    }

private:
    using QObject::QObject;
};

// Re-colours its widget when the application palette changes.
class TextRoleKeeper : public QObject
{
    Q_OBJECT   // findChild<TextRoleKeeper *> must match keepers only

public:
    TextRoleKeeper(QWidget *widget, Role role) : QObject(widget), m_widget(widget), m_role(role)
    {
        connect(PaletteWatcher::instance(), &PaletteWatcher::changed, this, &TextRoleKeeper::apply);
        apply();
    }
    void setRole(Role role)
    {
        m_role = role;
        apply();
    }

private:
    void apply()
    {
        if (!m_widget)
            return;
        QPalette palette = m_widget->palette();
        const QColor shade = color(m_role, QApplication::palette(m_widget));
        palette.setColor(QPalette::WindowText, shade);
        palette.setColor(QPalette::Text, shade);
        m_widget->setPalette(palette);
    }

    QPointer<QWidget> m_widget;
    Role m_role;
};

} // namespace

bool isDark(const QPalette &palette)
{
    return luminance(palette.color(QPalette::Window)) < luminance(palette.color(QPalette::WindowText));
}

QColor color(Role role, const QPalette &palette)
{
    const bool dark = isDark(palette);
    // Light shades from the GNOME palette's darker end, dark ones from its
    // lighter end: each keeps at least 4.5:1 against the usual base colours.
    switch (role) {
    case Role::Error: return dark ? QColor(0xff, 0x7b, 0x72) : QColor(0xc0, 0x1c, 0x28);
    case Role::ErrorBackground: return dark ? QColor(0x5c, 0x1a, 0x1f) : QColor(0xf6, 0xd3, 0xd5);
    case Role::Good: return dark ? QColor(0x57, 0xe3, 0x89) : QColor(0x17, 0x6e, 0x3d);
    case Role::Warning: return dark ? QColor(0xf8, 0xe4, 0x5c) : QColor(0x9c, 0x5b, 0x00);
    case Role::Muted: return dark ? QColor(0xb0, 0xaf, 0xac) : QColor(0x6a, 0x69, 0x66);
    case Role::Accent: return dark ? QColor(0x99, 0xc1, 0xf1) : QColor(0x1a, 0x5f, 0xb4);
    case Role::String: return dark ? QColor(0x8f, 0xf0, 0xa4) : QColor(0x17, 0x6e, 0x3d);
    case Role::Number: return dark ? QColor(0xff, 0xbe, 0x6f) : QColor(0xa8, 0x3c, 0x00);
    case Role::Literal: return dark ? QColor(0xdc, 0x8a, 0xdd) : QColor(0x81, 0x3d, 0x9c);
    case Role::Received: return dark ? QColor(0x62, 0xa0, 0xea) : QColor(0x1c, 0x71, 0xd8);
    case Role::Sent: return dark ? QColor(0xff, 0xa3, 0x48) : QColor(0xc6, 0x46, 0x00);
    }
    return palette.color(QPalette::Text);
}

QColor color(Role role)
{
    return color(role, QApplication::palette());
}

void setTextRole(QWidget *widget, Role role)
{
    if (!widget)
        return;
    if (auto *keeper = widget->findChild<TextRoleKeeper *>(QString(), Qt::FindDirectChildrenOnly)) {
        keeper->setRole(role);
        return;
    }
    new TextRoleKeeper(widget, role);
}

void clearTextRole(QWidget *widget)
{
    if (!widget)
        return;
    delete widget->findChild<TextRoleKeeper *>(QString(), Qt::FindDirectChildrenOnly);
    widget->setPalette(QPalette());   // no role of its own: everything inherited
}

double contrast(const QColor &a, const QColor &b)
{
    const double la = luminance(a);
    const double lb = luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

QPalette darkPalette()
{
    QPalette p;
    const QColor window(0x2b, 0x2b, 0x2b), base(0x1e, 0x1e, 0x1e), text(0xe8, 0xe8, 0xe6);
    const QColor disabled(0x80, 0x80, 0x80), highlight(0x35, 0x84, 0xe4);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, QColor(0x26, 0x26, 0x26));
    p.setColor(QPalette::ToolTipBase, QColor(0x38, 0x38, 0x38));
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, QColor(0x9a, 0x99, 0x96));
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, QColor(0x35, 0x35, 0x35));
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, QColor(0xff, 0x7b, 0x72));
    p.setColor(QPalette::Light, QColor(0x4a, 0x4a, 0x4a));
    p.setColor(QPalette::Midlight, QColor(0x3c, 0x3c, 0x3c));
    p.setColor(QPalette::Mid, QColor(0x30, 0x30, 0x30));
    p.setColor(QPalette::Dark, QColor(0x18, 0x18, 0x18));
    p.setColor(QPalette::Shadow, Qt::black);
    p.setColor(QPalette::Highlight, highlight);
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, QColor(0x99, 0xc1, 0xf1));
    p.setColor(QPalette::LinkVisited, QColor(0xdc, 0x8a, 0xdd));
    for (const QPalette::ColorRole role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        p.setColor(QPalette::Disabled, role, disabled);
    return withFaintDisabledHints(p);
}

Colours coloursFromName(const QString &name)
{
    if (name == u"light")
        return Colours::Light;
    if (name == u"dark")
        return Colours::Dark;
    return Colours::System;
}

QString coloursName(Colours colours)
{
    switch (colours) {
    case Colours::Light: return QStringLiteral("light");
    case Colours::Dark: return QStringLiteral("dark");
    case Colours::System: break;
    }
    return QStringLiteral("system");
}

void applyColours(Colours colours)
{
    // What Qt started with, kept once so that System can go back to it.
    static const QPalette startPalette = QApplication::palette();
    static const QString startStyle = QApplication::style() ? QApplication::style()->name() : QString();
    const QString wanted = colours == Colours::System ? startStyle : QStringLiteral("fusion");
    if (!wanted.isEmpty() && QApplication::style() && QApplication::style()->name().compare(wanted, Qt::CaseInsensitive) != 0)
        QApplication::setStyle(wanted);
    switch (colours) {
    case Colours::System: QApplication::setPalette(withFaintDisabledHints(startPalette)); break;
    case Colours::Light: QApplication::setPalette(lightPalette()); break;
    case Colours::Dark: QApplication::setPalette(darkPalette()); break;
    }
}

QPalette lightPalette()
{
    if (QStyle *style = QApplication::style())
        return withFaintDisabledHints(style->standardPalette());
    return withFaintDisabledHints(QPalette());
}

} // namespace Theme

#include "theme.moc"
