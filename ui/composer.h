#pragma once

#include <QWidget>

class QComboBox;
class QLabel;
class QPlainTextEdit;
class QPushButton;

// Where messages are written: text, or bytes typed as hex. Ctrl+Enter sends.
// The text stays after sending, so a message can be sent again or edited.
class Composer : public QWidget
{
    Q_OBJECT

public:
    // Ping: the text is the ping's payload (UTF-8, at most 125 bytes).
    enum class Format { Text, Hex, Ping };
    static constexpr int MaxPingPayload = 125;
    // Messages sent from the composer are remembered, newest last, across
    // runs (Settings::Id::ComposerHistory); Up at the editor's first line
    // and Down at its last walk through them.
    static constexpr int MaxHistory = 100;
    struct HistoryEntry
    {
        Format format = Format::Text;
        QString text;
        bool operator==(const HistoryEntry &other) const { return format == other.format && text == other.text; }
    };

    explicit Composer(QWidget *parent = nullptr);
    ~Composer() override;
    Q_DISABLE_COPY_MOVE(Composer)

    void setSendingAllowed(bool allowed);
    bool isSendingAllowed() const;
    QPlainTextEdit *editor() const;
    QPushButton *sendButton() const;
    // The status line next to the buttons: a byte count, or why Send is off.
    QString statusText() const;
    void setFormat(Format format);
    Format format() const;
    // Puts a message into the editor with its format, as if typed.
    void setMessage(Format format, const QString &text);
    QList<HistoryEntry> history() const;
    // Shows a problem with the last send (hex that does not parse, a refused send).
    void showError(const QString &message);
    // The largest file "Send file…" sends: the connection's accepted message size.
    void setMaxFileBytes(qint64 bytes);
    qint64 maxFileBytes() const;
    QPushButton *sendFileButton() const;
    // Sends the file at `path` as one binary message, when it is a regular
    // file no larger than maxFileBytes(); otherwise says why, having read
    // nothing (a named pipe, a device) or at most that much.
    void sendFile(const QString &path);

Q_SIGNALS:
    void textSubmitted(const QString &text);
    void binarySubmitted(const QByteArray &bytes);
    void pingSubmitted(const QByteArray &payload);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void submit();
    void remember(Format format, const QString &text);
    // Moves through the history: -1 to an older message, +1 to a newer one.
    bool walkHistory(int step);
    void updateHint();
    // Why the input cannot be sent as it is (bad hex, a ping too long), or empty.
    QString inputProblem() const;

    QPlainTextEdit *m_editor;
    QComboBox *m_format;
    QPushButton *m_send;
    QPushButton *m_sendFile;
    QLabel *m_status;
    bool m_allowed = false;
    QList<HistoryEntry> m_history;
    int m_historyPos = 0;          // m_history.size(): the draft is in the editor
    HistoryEntry m_draft;          // what was being typed before walking into the history
    qint64 m_maxFileBytes;
};
