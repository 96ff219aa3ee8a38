#include "handshakeinspector.h"

#include "handshakestory.h"
#include "log/payloadformat.h"
#include "pagedtext.h"
#include "plaintip.h"
#include "session/handshakeinfo.h"
#include "theme.h"

#include <QApplication>
#include <QClipboard>
#include <QContextMenuEvent>
#include <QFontDatabase>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QMenu>
#include <QPlainTextEdit>
#include <QScrollArea>
#include <QSplitter>
#include <QStringDecoder>
#include <QTabWidget>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <climits>

namespace {

// Labels and the accept check hold single values; a session file can make any
// of them megabytes long, which no one reads in a label.
constexpr qsizetype MaxFieldChars = 1024;
constexpr qsizetype MaxNotes = 50;
// A table of headers lists this many; the Text tab pages any number.
constexpr qsizetype MaxTableRows = 2000;
constexpr qsizetype MaxCellChars = 2000;

QString shortened(const QString &text)
{
    if (text.size() <= MaxFieldChars)
        return text;
    return text.left(MaxFieldChars) + QChar(0x2026) + u' '
        + HandshakeInspector::tr("(%n character(s) in all)", nullptr, int(qMin<qsizetype>(text.size(), INT_MAX)));
}

QString shortenedLatin1(const QByteArray &bytes)
{
    if (bytes.size() <= MaxFieldChars)
        return QString::fromLatin1(bytes);
    return QString::fromLatin1(bytes.first(MaxFieldChars)) + QChar(0x2026) + u' '
        + HandshakeInspector::tr("(%n byte(s) in all)", nullptr, int(qMin<qsizetype>(bytes.size(), INT_MAX)));
}

// Kept as bytes: the pane pages a head of any size without widening it to UTF-16.
QByteArray headerBlock(const QByteArray &firstLine, const QList<HandshakeInfo::Header> &headers)
{
    QByteArray text = firstLine;
    for (const HandshakeInfo::Header &header : headers)
        text += '\n' + header.first + ": " + header.second;
    return text;
}

QPlainTextEdit *textPane(QWidget *parent, const QString &name)
{
    auto *pane = new QPlainTextEdit(parent);
    pane->setReadOnly(true);
    pane->setLineWrapMode(QPlainTextEdit::NoWrap);
    pane->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    pane->setAccessibleName(name);
    pane->setTabChangesFocus(true);
    return pane;
}

QLabel *plainLabel(QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setTextFormat(Qt::PlainText);   // nothing a server sends is ever markup
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return label;
}

// A pane under a title that gives it a keyboard shortcut.
QWidget *titled(const QString &title, PagedText *pane, QWidget *parent)
{
    auto *box = new QWidget(parent);
    auto *layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *label = new QLabel(title, box);
    label->setBuddy(pane->editor());
    layout->addWidget(label);
    layout->addWidget(pane);
    return box;
}

// A body is shown as text when it is UTF-8, otherwise as a hex dump. The
// capture keeps at most MaxBodyBytes; a longer one (from a file) is cut here
// too, and the Raw bytes tab pages all of it.
QString bodyText(const QByteArray &body, bool *cut)
{
    qsizetype size = body.size();
    *cut = size > HandshakeInfo::MaxBodyBytes;
    if (*cut) {
        size = HandshakeInfo::MaxBodyBytes;
        while (size > 0 && (uchar(body.at(size)) & 0xC0) == 0x80)
            --size;   // on a whole UTF-8 character
    }
    const QByteArrayView shown = QByteArrayView(body).first(size);
    QStringDecoder decoder(QStringDecoder::Utf8);
    const QString text = decoder(shown);
    if (!decoder.hasError())
        return text;
    return HandshakeInspector::tr("(%n byte(s), not UTF-8)", nullptr, int(qMin<qsizetype>(body.size(), INT_MAX))) + u'\n'
        + PayloadFormat::hexDump(shown, 0);
}

int count(const QByteArray &bytes)
{
    return int(qMin<qsizetype>(bytes.size(), INT_MAX));
}

} // namespace

// Headers as a table, in the order and case they had on the wire, with the
// ones the WebSocket handshake is made of in bold and in the accent colour.
// Ctrl+C or the context menu copies the selected rows as "Name: value".
class HeaderTable : public QTreeWidget
{
public:
    explicit HeaderTable(const QString &name, QWidget *parent)
        : QTreeWidget(parent)
    {
        setAccessibleName(name);
        setColumnCount(2);
        setHeaderLabels({HandshakeInspector::tr("Name"), HandshakeInspector::tr("Value")});
        setRootIsDecorated(false);
        setUniformRowHeights(true);
        setAllColumnsShowFocus(true);
        setSelectionMode(QAbstractItemView::ExtendedSelection);
        setTextElideMode(Qt::ElideRight);
        setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
        header()->setStretchLastSection(true);
        header()->setSectionResizeMode(0, QHeaderView::Interactive);
        // Its header and two rows at the least, so that two of them fit a
        // small window's inspector (they scroll).
        setMinimumHeight(header()->sizeHint().height() + fontMetrics().height() * 2 + 2 * frameWidth());
    }

    void setHeaders(const QList<HandshakeInfo::Header> &headers)
    {
        clear();
        QList<QTreeWidgetItem *> items;
        int nameWidth = fontMetrics().horizontalAdvance(HandshakeInspector::tr("Name"));
        for (const HandshakeInfo::Header &header : headers) {
            if (items.size() == MaxTableRows) {
                auto *more = new QTreeWidgetItem({HandshakeInspector::tr("(%n more header(s) in the Text tab)", nullptr,
                                                                         int(qMin<qsizetype>(headers.size() - MaxTableRows, INT_MAX))),
                                                  QString()});
                more->setFlags(Qt::ItemIsEnabled);
                items.append(more);
                break;
            }
            const QString name = HandshakeStory::headerText(header.first, MaxCellChars);
            const QString value = HandshakeStory::headerText(header.second, MaxCellChars);
            auto *item = new QTreeWidgetItem({name, value});
            item->setData(0, Qt::UserRole, header.first.trimmed().toLower());
            if (value.size() > 60)
                item->setToolTip(1, plainToolTip(value));
            if (HandshakeStory::isHandshakeHeader(header.first)) {
                QFont bold = font();
                bold.setBold(true);
                item->setFont(0, bold);
                item->setFont(1, bold);
                item->setData(1, Qt::UserRole, true);
            }
            nameWidth = qMax(nameWidth, QFontMetrics(item->font(0)).horizontalAdvance(name));
            items.append(item);
        }
        addTopLevelItems(items);
        recolour();
        // Names whole up to a long one's width; a longer name is cut, with the value still in view.
        header()->resizeSection(0, qMin(nameWidth + 24, fontMetrics().averageCharWidth() * 34));
    }

    QTreeWidgetItem *find(const QByteArray &lowerName) const
    {
        for (int i = 0; i < topLevelItemCount(); ++i) {
            if (topLevelItem(i)->data(0, Qt::UserRole).toByteArray() == lowerName)
                return topLevelItem(i);
        }
        return nullptr;
    }

    QString text(bool selectedOnly) const
    {
        QStringList lines;
        for (int i = 0; i < topLevelItemCount(); ++i) {
            const QTreeWidgetItem *item = topLevelItem(i);
            if (selectedOnly && !item->isSelected())
                continue;
            lines.append(item->text(1).isEmpty() && item->data(0, Qt::UserRole).isNull()
                             ? item->text(0)
                             : item->text(0) + QStringLiteral(": ") + item->text(1));
        }
        return lines.join(u'\n');
    }

protected:
    void changeEvent(QEvent *event) override
    {
        QTreeWidget::changeEvent(event);
        if (event->type() == QEvent::PaletteChange)
            recolour();
    }

    void keyPressEvent(QKeyEvent *event) override
    {
        if (event->matches(QKeySequence::Copy)) {
            QApplication::clipboard()->setText(text(true));
            return;
        }
        QTreeWidget::keyPressEvent(event);
    }

    void contextMenuEvent(QContextMenuEvent *event) override
    {
        QMenu menu(this);
        QAction *copy = menu.addAction(HandshakeInspector::tr("&Copy"), this,
                                       [this] { QApplication::clipboard()->setText(text(true)); });
        copy->setEnabled(!selectedItems().isEmpty());
        QTreeWidgetItem *item = itemAt(viewport()->mapFrom(this, event->pos()));
        QAction *value = menu.addAction(HandshakeInspector::tr("Copy &value"), this, [item] {
            if (item)
                QApplication::clipboard()->setText(item->text(1));
        });
        value->setEnabled(item);
        menu.addAction(HandshakeInspector::tr("Copy &all"), this, [this] { QApplication::clipboard()->setText(text(false)); });
        menu.exec(event->globalPos());
    }

private:
    void recolour()
    {
        const QBrush accent(Theme::color(Theme::Role::Accent, palette()));
        for (int i = 0; i < topLevelItemCount(); ++i) {
            QTreeWidgetItem *item = topLevelItem(i);
            if (item->data(1, Qt::UserRole).toBool())
                item->setForeground(0, accent);
        }
    }
};

HandshakeInspector::HandshakeInspector(QWidget *parent)
    : QWidget(parent)
    , m_summary(plainLabel(this))
    , m_tabs(new QTabWidget(this))
    , m_story(new HandshakeStory(this))
    , m_requestTable(new HeaderTable(tr("Request headers"), this))
    , m_responseTable(new HeaderTable(tr("Response headers"), this))
    , m_requestLine(plainLabel(this))
    , m_status(plainLabel(this))
    , m_link(plainLabel(this))
    , m_request(new PagedText(tr("Upgrade request"), this))
    , m_response(new PagedText(tr("Server response"), this))
    , m_accept(textPane(this, tr("Sec-WebSocket-Accept check")))
    , m_raw(new PagedText(tr("Raw bytes"), this))
    , m_notes(plainLabel(this))
{
    m_summary->setText(tr("No connection yet."));
    m_notes->setForegroundRole(QPalette::PlaceholderText);
    m_notes->hide();

    auto *storyArea = new QScrollArea(this);
    storyArea->setWidget(m_story);
    storyArea->setWidgetResizable(true);
    storyArea->setFrameShape(QFrame::NoFrame);
    storyArea->setBackgroundRole(QPalette::Base);

    // Headers: the request line and the status above their tables, the
    // Accept check in one line below.
    QFont bold = m_status->font();
    bold.setBold(true);
    m_requestLine->setFont(bold);
    m_status->setFont(bold);
    const auto tableBox = [](QLabel *title, HeaderTable *table, QWidget *owner) {
        auto *box = new QWidget(owner);
        auto *layout = new QVBoxLayout(box);
        layout->setContentsMargins(0, 2, 0, 0);
        title->setWordWrap(false);
        layout->addWidget(title);
        layout->addWidget(table, 1);
        return box;
    };
    auto *tables = new QSplitter(Qt::Vertical, this);
    tables->addWidget(tableBox(m_requestLine, m_requestTable, tables));
    tables->addWidget(tableBox(m_status, m_responseTable, tables));
    m_link->hide();
    auto *headerTab = new QWidget(this);
    auto *headerLayout = new QVBoxLayout(headerTab);
    headerLayout->setContentsMargins(0, 0, 0, 0);
    headerLayout->addWidget(tables, 1);
    headerLayout->addWidget(m_link);
    linkSelection(m_requestTable, m_responseTable);
    linkSelection(m_responseTable, m_requestTable);

    auto *texts = new QSplitter(Qt::Vertical, this);
    texts->addWidget(titled(tr("&Request"), m_request, texts));
    texts->addWidget(titled(tr("R&esponse"), m_response, texts));

    m_tabs->setDocumentMode(true);
    m_tabs->addTab(storyArea, tr("Story"));
    m_tabs->addTab(headerTab, tr("Headers"));
    m_tabs->addTab(m_accept, tr("Accept check"));
    m_tabs->addTab(texts, tr("Text"));
    m_tabs->addTab(m_raw, tr("Raw bytes"));
    m_tabs->setTabToolTip(3, tr("The request and the answer as text, exactly as they were sent"));

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_summary);
    layout->addWidget(m_tabs, 1);
    layout->addWidget(m_notes);
}

// Selecting the Key in the request selects the Accept in the answer, and the
// other way round; a double click on either opens the check worked through.
void HandshakeInspector::linkSelection(HeaderTable *from, HeaderTable *to)
{
    connect(from, &QTreeWidget::currentItemChanged, this, [this, to](QTreeWidgetItem *current) {
        const QByteArray name = current ? current->data(0, Qt::UserRole).toByteArray() : QByteArray();
        const bool linked = name == "sec-websocket-key" || name == "sec-websocket-accept";
        QFont font = m_link->font();
        font.setBold(linked);
        m_link->setFont(font);
        if (!linked)
            return;
        QTreeWidgetItem *partner = to->find(name == "sec-websocket-key" ? "sec-websocket-accept" : "sec-websocket-key");
        if (!partner)
            return;
        const QSignalBlocker blocker(to);
        to->clearSelection();
        to->setCurrentItem(partner);
        partner->setSelected(true);
        to->scrollToItem(partner);
    });
    connect(from, &QTreeWidget::itemDoubleClicked, this, [this](QTreeWidgetItem *item) {
        const QByteArray name = item->data(0, Qt::UserRole).toByteArray();
        if (name == "sec-websocket-key" || name == "sec-websocket-accept")
            m_tabs->setCurrentWidget(m_accept);
    });
}

HandshakeInspector::~HandshakeInspector() = default;

void HandshakeInspector::setProgress(const HandshakeStory::Progress &progress)
{
    m_progress = progress;
    m_story->setStory(m_info, m_progress);
}

void HandshakeInspector::setHandshake(const HandshakeInfo &info, const HandshakeStory::Progress &progress)
{
    m_progress = progress;
    setHandshake(info);
}

void HandshakeInspector::setHandshake(const HandshakeInfo &info)
{
    m_info = info;
    m_story->setStory(m_info, m_progress);
    QString summary = shortened(info.url);
    // A server mode's client is recorded by the server's own socket, not by the tap.
    summary += u'\n' + (!m_progress.peer.isEmpty() ? tr("Captured on the wire by the server, as its client sent it.")
                         : info.captured        ? tr("Captured on the wire by the tap.")
                                                : tr("Direct connection: reconstructed from what Qt sends."));
    if (!info.subprotocol.isEmpty())
        summary += u'\n' + tr("Subprotocol: %1").arg(shortened(info.subprotocol));
    if (!info.extensions.isEmpty())
        summary += u'\n' + tr("Extensions: %1").arg(shortened(info.extensions));
    m_summary->setText(summary);

    m_request->setLatin1(info.requestRaw.isEmpty() ? headerBlock(info.requestLine, info.requestHeaders) : info.requestRaw);

    // The head is paged; what follows it (body, failure) is short.
    const QByteArray head = info.responseRaw.isEmpty() ? headerBlock(info.statusLine, info.responseHeaders)
                                                       : info.responseRaw;
    const bool hasHead = !QByteArrayView(head).trimmed().isEmpty();
    QString after;
    if (!info.responseBody.isEmpty()) {
        if (hasHead)
            after += QStringLiteral("\n\n");
        if (!info.responseBodyRaw.isEmpty())
            after += tr("(chunked: %n byte(s) on the wire, decoded here; see Raw bytes)", nullptr,
                        count(info.responseBodyRaw))
                + u'\n';
        bool cut = false;
        after += bodyText(info.responseBody, &cut);
        if (info.responseBodyTruncated || cut)
            after += u'\n' + tr("(body cut at %1 KiB)").arg(HandshakeInfo::MaxBodyBytes / 1024);
    }
    if (!info.failure.isEmpty())
        after += (hasHead || !after.isEmpty() ? QStringLiteral("\n\n") : QString()) + shortened(info.failure);
    if (!hasHead && after.isEmpty())
        after = tr("(waiting for the server)");
    m_response->setLatin1(head, after);

    const QByteArray requestLine = !info.requestLine.isEmpty() ? info.requestLine
        : info.requestRaw.left(info.requestRaw.indexOf('\r'));
    m_requestLine->setText(requestLine.isEmpty() ? tr("(no request sent)") : HandshakeStory::headerText(requestLine, MaxCellChars));
    m_requestTable->setHeaders(info.requestHeaders);
    const int status = HandshakeStory::statusCode(info.statusLine);
    m_status->setText(info.statusLine.isEmpty() ? (info.failure.isEmpty() ? tr("(no answer yet)") : tr("(no answer)"))
                                                : HandshakeStory::headerText(info.statusLine, MaxCellChars));
    if (status == 101 && (!info.accept.available || info.accept.matches))
        Theme::setTextRole(m_status, Theme::Role::Good);
    else if (status >= 300 && status < 400)
        Theme::setTextRole(m_status, Theme::Role::Warning);
    else if (!info.statusLine.isEmpty() || !info.failure.isEmpty())
        Theme::setTextRole(m_status, Theme::Role::Error);
    else
        Theme::clearTextRole(m_status);
    m_responseTable->setHeaders(info.responseHeaders);
    if (info.accept.available) {
        m_link->setText(info.accept.matches
                            ? tr("\u2713 Match: the Accept %1 is Base64(SHA-1(Key + GUID)) of the Key %2")
                                  .arg(shortenedLatin1(info.accept.received), shortenedLatin1(info.accept.key))
                            : tr("\u2717 MISMATCH: the Accept %1 should be %2, Base64(SHA-1(Key + GUID)) of the Key %3")
                                  .arg(info.accept.received.isEmpty() ? tr("(none)") : shortenedLatin1(info.accept.received),
                                       shortenedLatin1(info.accept.expected), shortenedLatin1(info.accept.key)));
        m_link->setToolTip(tr("Select the Key or the Accept to see the other; double-click either for the check step by step."));
        Theme::setTextRole(m_link, info.accept.matches ? Theme::Role::Good : Theme::Role::Error);
        m_link->show();
    } else {
        m_link->hide();
    }

    QString accept;
    if (info.accept.available) {
        accept = tr("1. Key sent (Sec-WebSocket-Key):\n   %1\n"
                    "2. Append the RFC 6455 GUID:\n   %1%2\n"
                    "3. SHA-1 of that:\n   %3\n"
                    "4. Base64 of the SHA-1, the expected Sec-WebSocket-Accept:\n   %4\n"
                    "5. Received Sec-WebSocket-Accept:\n   %5\n\n%6")
                     .arg(shortenedLatin1(info.accept.key), QString::fromLatin1(HandshakeInfo::Guid.toByteArray()),
                          shortenedLatin1(info.accept.sha1Hex), shortenedLatin1(info.accept.expected),
                          info.accept.received.isEmpty() ? tr("(none)") : shortenedLatin1(info.accept.received),
                          info.accept.matches ? tr("Match: the server computed the right answer.")
                                              : tr("MISMATCH: this is not the answer to the key that was sent."));
    } else if (!info.captured) {
        accept = tr("Not available on a direct connection: Qt does not report the key it sent.");
    } else {
        accept = tr("Available once the server has answered with 101 Switching Protocols.");
    }
    m_accept->setPlainText(accept);

    QList<PagedText::Part> raw;
    if (!info.requestRaw.isEmpty())
        raw.append({tr("Request, %n byte(s)", nullptr, count(info.requestRaw)), info.requestRaw});
    if (!info.responseRaw.isEmpty())
        raw.append({tr("Response head, %n byte(s)", nullptr, count(info.responseRaw)), info.responseRaw});
    if (!info.responseBodyRaw.isEmpty())
        raw.append({tr("Response body as sent (chunked), %n byte(s)", nullptr, count(info.responseBodyRaw)),
                    info.responseBodyRaw});
    else if (!info.responseBody.isEmpty())
        raw.append({tr("Response body, %n byte(s)", nullptr, count(info.responseBody)), info.responseBody});
    m_raw->setHexDump(raw, tr("(no bytes captured)"));

    QStringList notes;
    for (const QStringList *list : {&info.findings, &info.unknown}) {
        for (const QString &note : *list) {
            if (notes.size() < MaxNotes)
                notes.append(shortened(note));
        }
    }
    const qsizetype more = info.findings.size() + info.unknown.size() - notes.size();
    if (more > 0)
        notes.append(tr("(and %n more)", nullptr, int(qMin<qsizetype>(more, INT_MAX))));
    m_notes->setText(notes.join(u'\n'));
    m_notes->setVisible(!notes.isEmpty());
}

QString HandshakeInspector::storyText() const
{
    return m_story->text();
}

HandshakeStory *HandshakeInspector::story() const
{
    return m_story;
}

QTreeWidget *HandshakeInspector::requestTable() const
{
    return m_requestTable;
}

QTreeWidget *HandshakeInspector::responseTable() const
{
    return m_responseTable;
}

QString HandshakeInspector::summaryText() const
{
    return m_summary->text();
}

QString HandshakeInspector::statusText() const
{
    return m_status->text();
}

QString HandshakeInspector::acceptLinkText() const
{
    return m_link->isHidden() ? QString() : m_link->text();
}

QTabWidget *HandshakeInspector::tabs() const
{
    return m_tabs;
}

QString HandshakeInspector::requestText() const
{
    return m_request->text();
}

QString HandshakeInspector::responseText() const
{
    return m_response->text();
}

QString HandshakeInspector::acceptText() const
{
    return m_accept->toPlainText();
}

QString HandshakeInspector::rawText() const
{
    return m_raw->text();
}

QString HandshakeInspector::notesText() const
{
    return m_notes->text();
}

PagedText *HandshakeInspector::requestPane() const
{
    return m_request;
}

PagedText *HandshakeInspector::responsePane() const
{
    return m_response;
}

PagedText *HandshakeInspector::rawPane() const
{
    return m_raw;
}
