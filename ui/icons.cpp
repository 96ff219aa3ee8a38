#include "icons.h"

#include <QAbstractButton>
#include <QAction>
#include <QFile>
#include <QPainter>
#include <QPalette>
#include <QPixmap>
#include <QSvgRenderer>

#include <utility>

namespace {

struct Entry
{
    const char *theme;   // freedesktop or common theme name
    const char *file;    // under :/icons
};

Entry entry(Icons::Id id)
{
    switch (id) {
    case Icons::Id::Connect: return {"network-connect", "connect"};
    case Icons::Id::Disconnect: return {"network-disconnect", "disconnect"};
    case Icons::Id::Ping: return {"network-transmit-receive", "ping"};
    case Icons::Id::Clear: return {"edit-clear-all", "clear"};
    case Icons::Id::Save: return {"document-save-as", "save"};
    case Icons::Id::Open: return {"document-open", "open"};
    case Icons::Id::Request: return {"document-properties", "request"};
    case Icons::Id::NewTab: return {"tab-new", "newtab"};
    }
    return {"", ""};
}

// The drawings use one placeholder ink, replaced here.
constexpr QByteArrayView Ink = "#010203";

QPixmap render(const QByteArray &svg, const QColor &ink, int size, qreal ratio)
{
    QByteArray inked = svg;
    inked.replace(Ink, ink.name(QColor::HexRgb).toLatin1());
    QSvgRenderer renderer(inked);
    QPixmap pixmap(QSize(size, size) * ratio);
    pixmap.setDevicePixelRatio(ratio);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    renderer.render(&painter, QRectF(0, 0, size, size));
    return pixmap;
}

} // namespace

namespace Icons {

QString themeName(Id id)
{
    return QString::fromLatin1(entry(id).theme);
}

QIcon bundled(Id id, const QPalette &palette)
{
    QFile file(QStringLiteral(":/icons/%1.svg").arg(QLatin1String(entry(id).file)));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    const QByteArray svg = file.readAll();
    QIcon icon;
    const QColor normal = palette.color(QPalette::Active, QPalette::WindowText);
    const QColor disabled = palette.color(QPalette::Disabled, QPalette::WindowText);
    for (const int size : {16, 22, 24, 32, 48}) {
        for (const qreal ratio : {1.0, 2.0}) {
            icon.addPixmap(render(svg, normal, size, ratio), QIcon::Normal);
            icon.addPixmap(render(svg, disabled, size, ratio), QIcon::Disabled);
        }
    }
    return icon;
}

QIcon icon(Id id, const QPalette &palette)
{
    const QString name = themeName(id);
    if (QIcon::hasThemeIcon(name))
        return QIcon::fromTheme(name);
    return bundled(id, palette);
}

QIcon application()
{
    return QIcon(QStringLiteral(":/icons/wsscope.svg"));
}

} // namespace Icons

void InkedIcons::set(QObject *target, Icons::Id id, const QPalette &palette)
{
    m_targets.append({target, id});
    const QIcon icon = Icons::icon(id, palette);
    if (auto *action = qobject_cast<QAction *>(target))
        action->setIcon(icon);
    else if (auto *button = qobject_cast<QAbstractButton *>(target))
        button->setIcon(icon);
}

void InkedIcons::reink(const QPalette &palette)
{
    const QList<QPair<QPointer<QObject>, Icons::Id>> targets = std::exchange(m_targets, {});
    for (const auto &entry : targets) {
        if (entry.first)
            set(entry.first, entry.second, palette);
    }
}
