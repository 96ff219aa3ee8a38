#include "messageview.h"
#include "jsontree.h"
#include "theme.h"

#include "log/payloadformat.h"

#include <QApplication>
#include <QCheckBox>
#include <QEvent>
#include <QClipboard>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSet>
#include <QSyntaxHighlighter>
#include <QTabWidget>
#include <QTextBoundaryFinder>
#include <QVBoxLayout>

#include <algorithm>
#include <climits>

// Colours the JSON view from the tokens it was indented from: keys,
// strings, numbers, literals, and a repeated key in red. Only formats on
// plain text: nothing the server sent is read as markup.
class JsonHighlighter : public QSyntaxHighlighter
{
public:
    using QSyntaxHighlighter::QSyntaxHighlighter;

    void setSpans(QList<JsonTokens::Pretty::Span> spans, QSet<qsizetype> duplicates)
    {
        m_spans = std::move(spans);
        m_duplicates = std::move(duplicates);
    }

protected:
    void highlightBlock(const QString &text) override
    {
        QTextCharFormat key, duplicate, string, number, literal;
        const QPalette palette = QApplication::palette();
        key.setForeground(Theme::color(Theme::Role::Accent, palette));
        duplicate.setForeground(Theme::color(Theme::Role::Error, palette));
        duplicate.setFontUnderline(true);
        string.setForeground(Theme::color(Theme::Role::String, palette));
        number.setForeground(Theme::color(Theme::Role::Number, palette));
        literal.setForeground(Theme::color(Theme::Role::Literal, palette));
        const qsizetype blockStart = currentBlock().position();
        const qsizetype blockEnd = blockStart + text.size();
        auto it = std::lower_bound(m_spans.cbegin(), m_spans.cend(), blockStart,
                                   [](const JsonTokens::Pretty::Span &span, qsizetype at) {
                                       return span.start + span.length <= at;
                                   });
        for (; it != m_spans.cend() && it->start < blockEnd; ++it) {
            const qsizetype from = qMax(it->start, blockStart);
            const qsizetype to = qMin(it->start + it->length, blockEnd);
            const QTextCharFormat &format = it->kind == JsonTokens::Kind::Key
                ? (m_duplicates.contains(it->offset) ? duplicate : key)
                : it->kind == JsonTokens::Kind::String ? string
                : it->kind == JsonTokens::Kind::Number ? number
                                                       : literal;
            setFormat(int(from - blockStart), int(to - from), format);
        }
    }

private:
    QList<JsonTokens::Pretty::Span> m_spans;
    QSet<qsizetype> m_duplicates;
};

namespace {

QPlainTextEdit *pane(QWidget *parent, const QString &name)
{
    auto *edit = new QPlainTextEdit(parent);
    edit->setReadOnly(true);
    edit->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    edit->setAccessibleName(name);
    edit->setTabChangesFocus(true);
    return edit;
}

// Wrapping at word boundaries, Qt lays out a run with no break opportunity
// in time quadratic in its length: every wrapped line scans the rest of the
// run again (64 KiB of base64 took 0.8 s, 256 KiB 10.8 s). Breaking anywhere
// is linear. Runs up to this length cost little either way, so text with
// words keeps wrapping between them.
constexpr qsizetype MaxUnbreakableRun = 1024;

bool hasLongUnbreakableRun(const QString &text)
{
    if (text.size() <= MaxUnbreakableRun)
        return false;
    QTextBoundaryFinder finder(QTextBoundaryFinder::Line, text);
    qsizetype previous = 0;
    for (qsizetype at = finder.toNextBoundary(); at >= 0; at = finder.toNextBoundary()) {
        if (at - previous > MaxUnbreakableRun)
            return true;
        previous = at;
    }
    return false;
}

} // namespace

MessageView::MessageView(QWidget *parent)
    : QWidget(parent)
    , m_caption(new QLabel(this))
    , m_tabs(new QTabWidget(this))
    , m_text(pane(this, tr("Message as text")))
    , m_json(pane(this, tr("Message as JSON")))
    , m_jsonStatus(new QLabel(this))
    , m_jsonFindings(new QLabel(this))
    , m_hex(pane(this, tr("Message as hex")))
    , m_tree(new JsonTree(this))
    , m_treeStatus(new QLabel(this))
    , m_wrap(new QCheckBox(tr("Wra&p lines"), this))
    , m_previous(new QPushButton(tr("&Previous page"), this))
    , m_next(new QPushButton(tr("&Next page"), this))
    , m_pageLabel(new QLabel(this))
    , m_copy(new QPushButton(tr("Cop&y message"), this))
{
    m_caption->setTextFormat(Qt::PlainText);
    m_jsonStatus->setTextFormat(Qt::PlainText);
    m_jsonStatus->setWordWrap(true);
    m_pageLabel->setTextFormat(Qt::PlainText);
    m_hex->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_json->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_jsonFindings->setTextFormat(Qt::PlainText);
    m_jsonFindings->setWordWrap(true);
    Theme::setTextRole(m_jsonFindings, Theme::Role::Error);
    m_highlighter = new JsonHighlighter(m_json->document());

    auto *jsonPage = new QWidget(this);
    auto *jsonLayout = new QVBoxLayout(jsonPage);
    jsonLayout->setContentsMargins(0, 0, 0, 0);
    jsonLayout->addWidget(m_jsonStatus);
    jsonLayout->addWidget(m_jsonFindings);
    jsonLayout->addWidget(m_json, 1);
    m_tabs->setDocumentMode(true);
    m_tabs->addTab(m_text, tr("Text"));
    m_tabs->addTab(jsonPage, tr("JSON"));
    m_tabs->addTab(m_hex, tr("Hex"));
    m_treeStatus->setTextFormat(Qt::PlainText);
    m_treeStatus->setWordWrap(true);
    auto *treePage = new QWidget(this);
    auto *treeLayout = new QVBoxLayout(treePage);
    treeLayout->setContentsMargins(0, 0, 0, 0);
    treeLayout->addWidget(m_treeStatus);
    treeLayout->addWidget(m_tree, 1);
    m_tabs->addTab(treePage, tr("Tree"));
    m_tabs->setTabToolTip(TreeTab, tr("The JSON message as a tree that folds; right-click to copy a value or its path"));

    auto *bar = new QHBoxLayout;
    bar->addWidget(m_wrap);
    bar->addStretch(1);
    bar->addWidget(m_previous);
    bar->addWidget(m_pageLabel);
    bar->addWidget(m_next);
    bar->addWidget(m_copy);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_caption);
    layout->addWidget(m_tabs, 1);
    layout->addLayout(bar);

    connect(m_wrap, &QCheckBox::toggled, this, &MessageView::setWrap);
    connect(m_previous, &QPushButton::clicked, this, [this] { setPage(m_page - 1); });
    connect(m_next, &QPushButton::clicked, this, [this] { setPage(m_page + 1); });
    connect(m_tabs, &QTabWidget::currentChanged, this, [this] {
        m_page = 0;   // pages differ in size between the text and the hex view
        render();
    });
    connect(m_copy, &QPushButton::clicked, this, [this] {
        QApplication::clipboard()->setText(m_binary ? QString::fromLatin1(m_payload.toHex(' '))
                                                    : QString::fromUtf8(m_payload));
    });
    setWrap(true);
    clear();
}

MessageView::~MessageView() = default;

void MessageView::changeEvent(QEvent *event)
{
    // The JSON colours are picked for the palette: a new one recolours them.
    if (event->type() == QEvent::ApplicationPaletteChange || event->type() == QEvent::PaletteChange)
        m_highlighter->rehighlight();
    QWidget::changeEvent(event);
}

void MessageView::clear()
{
    m_payload.clear();
    m_treeBuilt = false;
    m_jsonScan.reset();
    m_jsonCheckpoints.clear();
    m_caption->setText(tr("Select a message in the log to read it here."));
    m_page = 0;
    render();
}

void MessageView::setMessage(const QByteArray &payload, bool binary, const QString &caption)
{
    m_payload = payload;
    m_treeBuilt = false;
    m_jsonScan.reset();
    m_jsonCheckpoints.clear();
    m_binary = binary;
    m_caption->setText(caption);
    m_page = 0;
    if (binary && m_tabs->currentIndex() != 2)
        m_tabs->setCurrentIndex(2);   // renders
    else
        render();
}

qsizetype MessageView::pageBytes() const
{
    return m_tabs->currentIndex() == 2 ? HexPageBytes : TextPageBytes;
}

int MessageView::pageCount() const
{
    if (m_tabs->currentIndex() == TreeTab)
        return 1;   // the tree is whole, up to its row limit
    return int(qMax<qsizetype>(1, (m_payload.size() + pageBytes() - 1) / pageBytes()));
}

int MessageView::page() const
{
    return m_page;
}

void MessageView::setPage(int page)
{
    m_page = qBound(0, page, pageCount() - 1);
    render();
}

bool MessageView::wraps() const
{
    return m_wrap->isChecked();
}

void MessageView::setWrap(bool wrap)
{
    m_wrap->setChecked(wrap);
    m_text->setLineWrapMode(wrap ? QPlainTextEdit::WidgetWidth : QPlainTextEdit::NoWrap);
}

void MessageView::render()
{
    const qsizetype size = pageBytes();
    qsizetype start = qsizetype(m_page) * size;
    qsizetype end = qMin(m_payload.size(), start + size);
    const int tab = m_tabs->currentIndex();
    if (tab == 0) {
        // Start and end pages on whole UTF-8 characters.
        const auto isContinuation = [this](qsizetype at) {
            return at < m_payload.size() && (uchar(m_payload.at(at)) & 0xC0) == 0x80;
        };
        while (start > 0 && isContinuation(start))
            --start;
        while (end < m_payload.size() && isContinuation(end))
            ++end;
        const QString text = m_binary ? PayloadFormat::textPreview(QByteArrayView(m_payload).sliced(start, end - start),
                                                                   int(end - start))
                                      : QString::fromUtf8(m_payload.constData() + start, end - start);
        // Set for the page whether wrapping is on or not, so that turning it on is as quick.
        const QTextOption::WrapMode mode = hasLongUnbreakableRun(text) ? QTextOption::WrapAnywhere
                                                                       : QTextOption::WrapAtWordBoundaryOrAnywhere;
        if (m_text->wordWrapMode() != mode) {
            m_text->clear();   // else the old page is laid out again in the new mode first
            m_text->setWordWrapMode(mode);
        }
        m_text->setPlainText(text);
    } else if (tab == 1) {
        renderJson(start, end);
    } else if (tab == TreeTab) {
        renderTree();
    } else {
        QString dump = PayloadFormat::hexDump(QByteArrayView(m_payload).sliced(start, end - start).toByteArray());
        if (start > 0) {
            // Offsets in the dump count from the page; say where the page is.
            dump.prepend(tr("Bytes %1 to %2:").arg(start).arg(end - 1) + u'\n');
        }
        m_hex->setPlainText(dump);
    }
    const bool paged = pageCount() > 1;
    m_previous->setVisible(paged);
    m_next->setVisible(paged);
    m_pageLabel->setVisible(paged);
    m_previous->setEnabled(m_page > 0);
    m_next->setEnabled(m_page + 1 < pageCount());
    m_pageLabel->setText(tr("Page %1 of %2").arg(m_page + 1).arg(pageCount()));
    m_wrap->setVisible(tab == 0);
    m_copy->setEnabled(!m_payload.isEmpty());
}

void MessageView::renderTree()
{
    if (m_treeBuilt)
        return;
    m_treeBuilt = true;
    QString status;
    if (m_payload.isEmpty()) {
        m_tree->setJson({});
        status = tr("No message.");
    } else if (m_binary) {
        m_tree->setJson({});
        status = tr("A binary message is not read as JSON.");
    } else if (m_payload.size() > MaxTreeBytes) {
        m_tree->setJson({});
        status = tr("Larger than %1 MiB: no tree; the JSON view shows it a page at a time.").arg(MaxTreeBytes / (1024 * 1024));
    } else {
        m_tree->setJson(m_payload);
        status = m_tree->status();
    }
    m_treeStatus->setText(status);
    m_treeStatus->setVisible(!status.isEmpty());
}

JsonTree *MessageView::tree() const
{
    return m_tree;
}

QString MessageView::treeStatus() const
{
    return m_treeStatus->isHidden() ? QString() : m_treeStatus->text();
}

QString MessageView::text() const
{
    return m_text->toPlainText();
}

void MessageView::renderJson(qsizetype start, qsizetype end)
{
    QString status;
    QString findings;
    JsonTokens::Pretty pretty;
    QSet<qsizetype> duplicates;
    if (m_payload.isEmpty()) {
        status = tr("No message.");
    } else if (m_binary) {
        status = tr("A binary message is not read as JSON.");
    } else if (m_payload.size() > MaxJsonBytes) {
        status = tr("Larger than %1 MiB: not read as JSON; see the Text view.").arg(MaxJsonBytes / (1024 * 1024));
    } else {
        if (!m_jsonScan)
            m_jsonScan = JsonTokens::scan(m_payload, TextPageBytes, &m_jsonCheckpoints);
        const JsonTokens::Scan &scan = *m_jsonScan;
        if (!scan.valid) {
            status = tr("Not valid JSON: %1 at line %2, column %3 (byte %4).")
                         .arg(scan.error)
                         .arg(scan.errorAt.line)
                         .arg(scan.errorAt.column)
                         .arg(scan.errorAt.offset);
            pretty.text = QString::fromUtf8(m_payload.constData() + start, end - start);
        } else {
            status = tr("Valid JSON, shown as it arrived: keys in their order, numbers and strings as written.");
            // Indenting can make a page of deeply nested JSON many times longer.
            pretty = JsonTokens::indent(m_payload, start, end, TextPageBytes * 4,
                                        m_page < m_jsonCheckpoints.size() ? &m_jsonCheckpoints.at(m_page) : nullptr);
            if (pretty.cut)
                status += u' ' + tr("This page is cut at %1 KiB of indented text.").arg(TextPageBytes * 4 / 1024);
            for (const JsonTokens::Duplicate &duplicate : scan.duplicates)
                duplicates.insert(duplicate.at.offset);
            if (scan.duplicateCount > 0) {
                const JsonTokens::Duplicate &first = scan.duplicates.constFirst();
                findings = tr("Repeated key: %1 at line %2, column %3 (byte %4) is already at line %5, column %6. "
                              "A JSON parser keeps one of them (which one depends on the parser).")
                               .arg(first.key.size() > 80 ? first.key.left(80) + QChar(0x2026) : first.key)
                               .arg(first.at.line)
                               .arg(first.at.column)
                               .arg(first.at.offset)
                               .arg(first.first.line)
                               .arg(first.first.column);
                if (scan.duplicateCount > 1)
                    findings += u' ' + tr("%n repeated key(s) in all, underlined in red.", nullptr,
                                          int(qMin<qsizetype>(scan.duplicateCount, INT_MAX)));
            }
        }
    }
    m_jsonStatus->setText(status);
    m_jsonFindings->setText(findings);
    m_jsonFindings->setVisible(!findings.isEmpty());
    m_highlighter->setSpans(std::move(pretty.spans), std::move(duplicates));
    m_json->setPlainText(pretty.text);
}

QString MessageView::jsonFindings() const
{
    return m_jsonFindings->text();
}

QString MessageView::json() const
{
    return m_json->toPlainText();
}

QString MessageView::jsonStatus() const
{
    return m_jsonStatus->text();
}

QString MessageView::hex() const
{
    return m_hex->toPlainText();
}
