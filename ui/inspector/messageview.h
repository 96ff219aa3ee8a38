#pragma once

#include <QByteArray>
#include <QWidget>

class QCheckBox;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QTabWidget;

// One message in full: as text (wrap on or off), as JSON (indented and
// coloured, or where it stops being JSON), and as a hex dump. A large
// message is shown a page at a time, so a 16 MiB payload opens at once.
class MessageView : public QWidget
{
    Q_OBJECT

public:
    static constexpr qsizetype TextPageBytes = 256 * 1024;
    static constexpr qsizetype HexPageBytes = 64 * 1024;
    static constexpr qsizetype MaxJsonBytes = 8 * 1024 * 1024;

    explicit MessageView(QWidget *parent = nullptr);
    ~MessageView() override;
    Q_DISABLE_COPY_MOVE(MessageView)

    // binary: show as hex first, and never decode as text for JSON.
    void setMessage(const QByteArray &payload, bool binary, const QString &caption);
    void clear();

    QString text() const;
    QString json() const;
    QString jsonStatus() const;
    QString hex() const;
    int page() const;
    int pageCount() const;
    void setPage(int page);
    bool wraps() const;
    void setWrap(bool wrap);

private:
    void render();
    qsizetype pageBytes() const;

    QByteArray m_payload;
    bool m_binary = false;
    int m_page = 0;
    QLabel *m_caption;
    QTabWidget *m_tabs;
    QPlainTextEdit *m_text;
    QPlainTextEdit *m_json;
    QLabel *m_jsonStatus;
    QPlainTextEdit *m_hex;
    QCheckBox *m_wrap;
    QPushButton *m_previous;
    QPushButton *m_next;
    QLabel *m_pageLabel;
    QPushButton *m_copy;
};
