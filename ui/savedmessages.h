#pragma once

#include "workspace/collection.h"

#include <QAbstractListModel>
#include <QDialog>
#include <QSplitter>
#include <QWidget>

class QAction;
class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QListView;
class QPlainTextEdit;
class QSortFilterProxyModel;
class QToolButton;

// Named messages, in the order the user gave them. A row shows the name;
// its check box is "send on open". Every change is announced by changed().
class SavedMessageModel : public QAbstractListModel
{
    Q_OBJECT

public:
    enum Role { BodyRole = Qt::UserRole + 1, KindRole };

    using QAbstractListModel::QAbstractListModel;

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role) override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;

    void setMessages(const QList<SavedMessage> &messages);
    QList<SavedMessage> messages() const;
    SavedMessage message(int row) const;
    int append(const SavedMessage &message);
    void replace(int row, const SavedMessage &message);
    void removeAt(int row);
    int duplicate(int row);
    // Moves a row one place up (-1) or down (+1); false at either end.
    bool move(int row, int step);

    static QString kindName(SavedMessage::Kind kind);

Q_SIGNALS:
    void changed();

private:
    QList<SavedMessage> m_messages;
};

// Writes or edits one saved message: its name, kind, body and whether it is
// sent on open. OK is off while the name is empty or the hex does not parse.
class SavedMessageDialog : public QDialog
{
    Q_OBJECT

public:
    explicit SavedMessageDialog(QWidget *parent = nullptr);
    void setMessage(const SavedMessage &message);
    SavedMessage message() const;
    QString problem() const;

private:
    void update();

    SavedMessage m_message;
    QLineEdit *m_name;
    QComboBox *m_kind;
    QPlainTextEdit *m_body;
    QCheckBox *m_onOpen;
    QLabel *m_problem;
    QWidget *m_ok;
};

// The list beside the composer: search, send (double click, Enter, or
// Ctrl+1 to Ctrl+9 for the first nine), Save for what the composer holds,
// and (in the More menu and the list's context menu) edit, duplicate,
// delete and reorder.
class SavedMessagesPane : public QWidget
{
    Q_OBJECT

public:
    explicit SavedMessagesPane(QWidget *parent = nullptr);

    SavedMessageModel *model() const;
    QListView *view() const;
    QToolButton *saveButton() const;
    QToolButton *sendButton() const;
    QList<QAction *> rowActions() const;
    QLineEdit *searchField() const;
    // The message of the selected row (in the model's numbering), or -1.
    int currentRow() const;
    void setCurrentRow(int row);
    void setSendingAllowed(bool allowed);
    // Asks for a name and the rest, then adds the message.
    void addWithDialog(const SavedMessage &draft);
    // A message to save, as the dialog first shows it: text that parses as a
    // JSON object or array is JSON, and its first words are its name.
    SavedMessage draft(SavedMessage::Kind kind, const QString &body) const;
    // What the empty list says.
    void setEmptyText(const QString &text);
    void editRow(int row);

Q_SIGNALS:
    void sendRequested(const SavedMessage &message);
    // "Save": the window answers with addWithDialog() and the composer's text.
    void saveFromComposerRequested();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void sendRow(int row);
    void updateButtons();

    SavedMessageModel *m_model;
    QSortFilterProxyModel *m_filter;
    QLineEdit *m_search;
    QListView *m_view;
    QToolButton *m_save;
    QToolButton *m_send;
    QToolButton *m_more;
    QAction *m_edit;
    QAction *m_duplicate;
    QAction *m_delete;
    QAction *m_up;
    QAction *m_down;
    QLabel *m_empty;
    bool m_sendingAllowed = false;
};

// Two panes side by side while they fit, one above the other when the room
// is narrower than both need: the composer and the saved messages at any
// window width down to 800 pixels.
class AdaptiveSplitter : public QSplitter
{
    Q_OBJECT

public:
    explicit AdaptiveSplitter(QWidget *parent = nullptr);
    QSize minimumSizeHint() const override;

protected:
    void resizeEvent(QResizeEvent *event) override;

private:
    int sideBySideWidth() const;
};
