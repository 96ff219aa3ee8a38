#pragma once

#include "log/jsontokens.h"

#include <QByteArray>
#include <QWidget>

#include <optional>

class JsonTree;
class QCheckBox;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QTabWidget;

// One message in full: as text (wrap on or off), as JSON (indented and
// coloured from its own tokens, keys in their order and numbers as written,
// or where it stops being JSON), as a hex dump, and as a JSON tree that
// folds (built when its tab is first shown for the message). A large
// message is shown a page at a time, so a 16 MiB payload opens at once.
class MessageView : public QWidget
{
    Q_OBJECT

public:
    static constexpr qsizetype TextPageBytes = 256 * 1024;
    static constexpr qsizetype HexPageBytes = 64 * 1024;
    // Read as JSON up to this size (all of it is read to check it; a page
    // at a time is indented).
    static constexpr qsizetype MaxJsonBytes = 64 * 1024 * 1024;
    // The tree holds a row a value; past this size only the JSON view reads it.
    static constexpr qsizetype MaxTreeBytes = 16 * 1024 * 1024;
    enum Tab { TextTab, JsonTab, HexTab, TreeTab };

    explicit MessageView(QWidget *parent = nullptr);
    ~MessageView() override;
    Q_DISABLE_COPY_MOVE(MessageView)

    // binary: show as hex first, and never decode as text for JSON.
    void setMessage(const QByteArray &payload, bool binary, const QString &caption);
    void clear();

    QString text() const;
    QString json() const;
    QString jsonStatus() const;
    // Problems the JSON view found in valid JSON (repeated keys); empty when none.
    QString jsonFindings() const;
    QString hex() const;
    JsonTree *tree() const;
    QString treeStatus() const;
    int page() const;
    int pageCount() const;
    void setPage(int page);
    bool wraps() const;
    void setWrap(bool wrap);

protected:
    void changeEvent(QEvent *event) override;

private:
    void render();
    void renderJson(qsizetype start, qsizetype end);
    void renderTree();
    qsizetype pageBytes() const;

    QByteArray m_payload;
    bool m_binary = false;
    int m_page = 0;
    QLabel *m_caption;
    QTabWidget *m_tabs;
    QPlainTextEdit *m_text;
    QPlainTextEdit *m_json;
    QLabel *m_jsonStatus;
    QLabel *m_jsonFindings;
    class JsonHighlighter *m_highlighter;
    std::optional<JsonTokens::Scan> m_jsonScan;   // of m_payload, read once
    QList<JsonTokens::Checkpoint> m_jsonCheckpoints;   // one per text page
    QPlainTextEdit *m_hex;
    JsonTree *m_tree;
    QLabel *m_treeStatus;
    bool m_treeBuilt = false;
    QCheckBox *m_wrap;
    QPushButton *m_previous;
    QPushButton *m_next;
    QLabel *m_pageLabel;
    QPushButton *m_copy;
};
