#include "jsontree.h"

#include "log/jsontokens.h"
#include "plaintip.h"

#include <QApplication>
#include <QClipboard>
#include <QContextMenuEvent>
#include <QFontDatabase>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLocale>
#include <QMenu>
#include <QRegularExpression>

namespace {

enum Role { BeginRole = Qt::UserRole, EndRole, PathRole };

QString shown(QByteArrayView bytes)
{
    QString text = QString::fromUtf8(bytes.first(qMin(bytes.size(), JsonTree::MaxValueChars * 4)));
    if (text.size() > JsonTree::MaxValueChars)
        text = text.left(JsonTree::MaxValueChars) + QChar(0x2026);
    return text;
}

QString memberPath(const QString &parent, QByteArrayView key)
{
    // The key as written, quotes off; a plain name is `.name`, anything else `["…"]`.
    const QString name = QString::fromUtf8(key.sliced(1, key.size() - 2));
    static const QRegularExpression plain(QStringLiteral("^[A-Za-z_$][A-Za-z0-9_$]*$"));
    if (plain.match(name).hasMatch())
        return parent + u'.' + name;
    return parent + QStringLiteral("[\"") + name + QStringLiteral("\"]");
}

} // namespace

JsonTree::JsonTree(QWidget *parent)
    : QTreeWidget(parent)
{
    setAccessibleName(tr("Message as a JSON tree"));
    setColumnCount(3);
    setHeaderLabels({tr("Key"), tr("Value"), tr("Type")});
    setUniformRowHeights(true);
    setAllColumnsShowFocus(true);
    setTextElideMode(Qt::ElideRight);
    setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    header()->setStretchLastSection(false);
    header()->setSectionResizeMode(KeyColumn, QHeaderView::Interactive);
    header()->setSectionResizeMode(ValueColumn, QHeaderView::Stretch);
    header()->setSectionResizeMode(TypeColumn, QHeaderView::ResizeToContents);
    header()->resizeSection(KeyColumn, fontMetrics().averageCharWidth() * 24);
}

JsonTree::~JsonTree() = default;

void JsonTree::setJson(const QByteArray &json)
{
    clear();
    m_json = json;
    m_cut = false;
    if (json.isEmpty()) {
        m_status = tr("No JSON message.");
        return;
    }
    struct Open
    {
        QTreeWidgetItem *item;
        bool object;
        int count;
    };
    QList<Open> stack;
    QList<QTreeWidgetItem *> roots;
    QByteArrayView pendingKey;
    int rows = 0;
    JsonTokens::Tokenizer tokenizer(json);
    JsonTokens::Token token;
    const auto place = [&](QTreeWidgetItem *item) {
        QString path;
        if (stack.isEmpty()) {
            item->setText(KeyColumn, tr("(root)"));
            path = QStringLiteral("$");
            roots.append(item);
        } else {
            Open &parent = stack.last();
            const QString parentPath = parent.item->data(KeyColumn, PathRole).toString();
            if (parent.object) {
                item->setText(KeyColumn, QString::fromUtf8(pendingKey));
                path = memberPath(parentPath, pendingKey);
            } else {
                item->setText(KeyColumn, QStringLiteral("[%1]").arg(parent.count));
                path = parentPath + QStringLiteral("[%1]").arg(parent.count);
            }
            ++parent.count;
            parent.item->addChild(item);
        }
        item->setData(KeyColumn, PathRole, path);
        item->setData(KeyColumn, BeginRole, qlonglong(token.offset));
        ++rows;
    };
    while (tokenizer.next(&token)) {
        const QByteArrayView bytes = QByteArrayView(json).sliced(token.offset, token.length);
        switch (token.kind) {
        case JsonTokens::Kind::Key:
            pendingKey = bytes;
            break;
        case JsonTokens::Kind::BeginObject:
        case JsonTokens::Kind::BeginArray: {
            auto *item = new QTreeWidgetItem;
            place(item);
            const bool object = token.kind == JsonTokens::Kind::BeginObject;
            item->setText(TypeColumn, object ? tr("object") : tr("array"));
            stack.append({item, object, 0});
            break;
        }
        case JsonTokens::Kind::EndObject:
        case JsonTokens::Kind::EndArray: {
            if (stack.isEmpty())
                break;
            const Open open = stack.takeLast();
            open.item->setData(KeyColumn, EndRole, qlonglong(token.offset + token.length));
            open.item->setText(ValueColumn, open.object ? tr("{%n member(s)}", nullptr, open.count)
                                                        : tr("[%n element(s)]", nullptr, open.count));
            open.item->setForeground(ValueColumn, palette().brush(QPalette::PlaceholderText));
            break;
        }
        case JsonTokens::Kind::String:
        case JsonTokens::Kind::Number:
        case JsonTokens::Kind::Literal: {
            auto *item = new QTreeWidgetItem;
            place(item);
            item->setData(KeyColumn, EndRole, qlonglong(token.offset + token.length));
            item->setText(ValueColumn, shown(bytes));
            if (bytes.size() > 60)
                item->setToolTip(ValueColumn, plainToolTip(shown(bytes)));
            item->setText(TypeColumn, token.kind == JsonTokens::Kind::String ? tr("string")
                                      : token.kind == JsonTokens::Kind::Number ? tr("number")
                                      : bytes == "null" ? tr("null") : tr("boolean"));   // "null" compared: JSON's literal, not translated
            break;
        }
        case JsonTokens::Kind::Colon:
        case JsonTokens::Kind::Comma:
            break;
        }
        if (rows >= MaxRows) {
            m_cut = true;
            break;
        }
    }
    // An unfinished container (the tree was cut) holds what was read of it.
    for (const Open &open : std::as_const(stack)) {
        if (open.item->data(KeyColumn, EndRole).isNull())
            open.item->setText(ValueColumn, tr("(%n shown)", nullptr, open.count));
    }
    if (!tokenizer.error().isEmpty()) {
        qDeleteAll(roots);   // not in the tree yet: they are ours to free, children with them
        m_status = tr("Not valid JSON: no tree. The JSON view says where it breaks.");
        return;
    }
    addTopLevelItems(roots);
    expandToDepth(0);
    m_status = m_cut ? tr("The tree shows the first %1 values; the JSON view has all of them.")
                           .arg(QLocale().toString(MaxRows))
                     : QString();
}

QString JsonTree::status() const
{
    return m_status;
}

bool JsonTree::isCut() const
{
    return m_cut;
}

QByteArray JsonTree::valueOf(const QTreeWidgetItem *item) const
{
    if (!item)
        return {};
    const qsizetype begin = item->data(KeyColumn, BeginRole).toLongLong();
    const QVariant end = item->data(KeyColumn, EndRole);
    if (end.isNull() || begin < 0 || end.toLongLong() > m_json.size())
        return {};
    return m_json.sliced(begin, end.toLongLong() - begin);
}

QString JsonTree::pathOf(const QTreeWidgetItem *item)
{
    return item ? item->data(KeyColumn, PathRole).toString() : QString();
}

void JsonTree::contextMenuEvent(QContextMenuEvent *event)
{
    QTreeWidgetItem *item = itemAt(viewport()->mapFrom(this, event->pos()));
    QMenu menu(this);
    QAction *value = menu.addAction(tr("Copy &value"), this, [this, item] {
        QApplication::clipboard()->setText(QString::fromUtf8(valueOf(item)));
    });
    value->setEnabled(item && !valueOf(item).isNull());
    QAction *path = menu.addAction(tr("Copy &path"), this, [item] { QApplication::clipboard()->setText(pathOf(item)); });
    path->setEnabled(item);
    menu.addSeparator();
    menu.addAction(tr("&Expand all"), this, &QTreeView::expandAll);
    menu.addAction(tr("&Collapse all"), this, &QTreeView::collapseAll);
    menu.exec(event->globalPos());
}

void JsonTree::keyPressEvent(QKeyEvent *event)
{
    if (event->matches(QKeySequence::Copy) && currentItem()) {
        QApplication::clipboard()->setText(QString::fromUtf8(valueOf(currentItem())));
        return;
    }
    QTreeWidget::keyPressEvent(event);
}
