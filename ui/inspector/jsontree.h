#pragma once

#include <QByteArray>
#include <QTreeWidget>

// A JSON message as a tree that folds: one row a member or element, with its
// key (or index), its value as written and its type; objects and arrays say
// how many they hold. Built from the message's own tokens, so keys keep their
// order, a repeated key shows twice and a number shows the digits that were
// sent. The context menu (and Ctrl+C) copies a value as it was sent, or its
// path ($.user.tags[0]). At most MaxRows rows; a longer message says where
// the tree stops, and the JSON view has all of it.
class JsonTree : public QTreeWidget
{
    Q_OBJECT

public:
    static constexpr int MaxRows = 100000;
    static constexpr qsizetype MaxValueChars = 300;

    enum Column { KeyColumn, ValueColumn, TypeColumn };

    explicit JsonTree(QWidget *parent = nullptr);
    ~JsonTree() override;
    Q_DISABLE_COPY_MOVE(JsonTree)

    // Empty text: no tree, and `status()` says why.
    void setJson(const QByteArray &json);
    QString status() const;
    bool isCut() const;
    // What a row's value is as sent, and its path from the root.
    QByteArray valueOf(const QTreeWidgetItem *item) const;
    static QString pathOf(const QTreeWidgetItem *item);

protected:
    void contextMenuEvent(QContextMenuEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;

private:
    QByteArray m_json;
    QString m_status;
    bool m_cut = false;
};
