#include "handshakeinspector.h"

#include "log/payloadformat.h"
#include "pagedtext.h"
#include "session/handshakeinfo.h"

#include <QFontDatabase>
#include <QLabel>
#include <QPlainTextEdit>
#include <QSplitter>
#include <QStringDecoder>
#include <QTabWidget>
#include <QVBoxLayout>

#include <climits>

namespace {

// Labels and the accept check hold single values; a session file can make any
// of them megabytes long, which no one reads in a label.
constexpr qsizetype MaxFieldChars = 1024;
constexpr qsizetype MaxNotes = 50;

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

HandshakeInspector::HandshakeInspector(QWidget *parent)
    : QWidget(parent)
    , m_summary(plainLabel(this))
    , m_tabs(new QTabWidget(this))
    , m_request(new PagedText(tr("Upgrade request"), this))
    , m_response(new PagedText(tr("Server response"), this))
    , m_accept(textPane(this, tr("Sec-WebSocket-Accept check")))
    , m_raw(new PagedText(tr("Raw bytes"), this))
    , m_notes(plainLabel(this))
{
    m_summary->setText(tr("No connection yet."));
    m_notes->setForegroundRole(QPalette::PlaceholderText);
    m_notes->hide();

    auto *headers = new QSplitter(Qt::Vertical, this);
    headers->addWidget(titled(tr("&Request"), m_request, headers));
    headers->addWidget(titled(tr("R&esponse"), m_response, headers));

    m_tabs->setDocumentMode(true);
    m_tabs->addTab(headers, tr("Headers"));
    m_tabs->addTab(m_accept, tr("Accept check"));
    m_tabs->addTab(m_raw, tr("Raw bytes"));

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_summary);
    layout->addWidget(m_tabs, 1);
    layout->addWidget(m_notes);
}

HandshakeInspector::~HandshakeInspector() = default;

void HandshakeInspector::setHandshake(const HandshakeInfo &info)
{
    QString summary = shortened(info.url);
    summary += u'\n' + (info.captured ? tr("Captured on the wire by the tap.")
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
