#pragma once

#include "recordtable.h"

#include <QByteArray>

#include <functional>

class QAction;

// The log table. It keeps the newest row in view while the user is at the
// bottom, and stays where it is once the user has scrolled up.
//
// Its context menu works on the selected rows: copies of their payloads
// (text, hex, base64, JSON), resending one, saving one's exact bytes, and
// the connection as a command line. An action is enabled only when it
// makes sense for every selected row (an event has no payload).
class LogView : public RecordTable
{
    Q_OBJECT

public:
    enum class Action {
        CopyText, CopyHex, CopyBase64, CopyJson, Resend, ResendNow, SaveAsMessage, SavePayload, CopyCommandLine
    };

    explicit LogView(QWidget *parent = nullptr);
    ~LogView() override;
    Q_DISABLE_COPY_MOVE(LogView)

    void setModel(QAbstractItemModel *model) override;
    bool isFollowingTail() const;

    QAction *action(Action which) const;
    // Whether "Resend now" can send: the connection is open.
    void setSendingAllowed(bool allowed);
    // The command line for the connection of a log row (MessageLog row), or
    // empty when there is none.
    void setCommandLineSource(const std::function<QString(int logRow)> &source);
    // Writes the payload of the current row to `path`, byte for byte; false
    // and the reason when it cannot.
    bool savePayload(const QString &path, QString *error);
    // The selected rows as the copy actions put them on the clipboard.
    QString selectionAs(Action format) const;

Q_SIGNALS:
    // Resend: `kind` is a MessageLog::Kind (text, binary or ping); `now`
    // sends at once, otherwise the payload goes into the composer.
    void resendRequested(int kind, const QByteArray &payload, bool now);
    // "Save as a saved message…": `kind` as for resendRequested.
    void saveAsMessageRequested(int kind, const QByteArray &payload);

protected:
    void contextMenuEvent(QContextMenuEvent *event) override;

private:
    void updateActions();
    QModelIndexList selectedLogRows() const;
    void resend(bool now);
    void chooseAndSavePayload();

    bool m_follow = true;
    bool m_sendingAllowed = false;
    std::function<QString(int)> m_commandLine;
    QList<QAction *> m_actions;
};
