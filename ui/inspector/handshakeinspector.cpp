#include "handshakeinspector.h"

#include "log/payloadformat.h"
#include "session/handshakeinfo.h"

#include <QFontDatabase>
#include <QLabel>
#include <QPlainTextEdit>
#include <QSplitter>
#include <QStringDecoder>
#include <QTabWidget>
#include <QVBoxLayout>

namespace {

QString headerBlock(const QByteArray &firstLine, const QList<HandshakeInfo::Header> &headers)
{
    QString text = QString::fromLatin1(firstLine);
    for (const HandshakeInfo::Header &header : headers)
        text += u'\n' + QString::fromLatin1(header.first) + QStringLiteral(": ") + QString::fromLatin1(header.second);
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
QWidget *titled(const QString &title, QWidget *pane, QWidget *parent)
{
    auto *box = new QWidget(parent);
    auto *layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *label = new QLabel(title, box);
    label->setBuddy(pane);
    layout->addWidget(label);
    layout->addWidget(pane);
    return box;
}

// A body is shown as text when it is UTF-8, otherwise as a hex dump.
QString bodyText(const QByteArray &body)
{
    QStringDecoder decoder(QStringDecoder::Utf8);
    const QString text = decoder(body);
    if (!decoder.hasError())
        return text;
    return HandshakeInspector::tr("(%n byte(s), not UTF-8)", nullptr, int(body.size())) + u'\n'
        + PayloadFormat::hexDump(body);
}

} // namespace

HandshakeInspector::HandshakeInspector(QWidget *parent)
    : QWidget(parent)
    , m_summary(plainLabel(this))
    , m_tabs(new QTabWidget(this))
    , m_request(textPane(this, tr("Upgrade request")))
    , m_response(textPane(this, tr("Server response")))
    , m_accept(textPane(this, tr("Sec-WebSocket-Accept check")))
    , m_raw(textPane(this, tr("Raw bytes")))
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
    QString summary = info.url;
    summary += u'\n' + (info.captured ? tr("Captured on the wire by the tap.")
                                      : tr("Direct connection: reconstructed from what Qt sends."));
    if (!info.subprotocol.isEmpty())
        summary += u'\n' + tr("Subprotocol: %1").arg(info.subprotocol);
    if (!info.extensions.isEmpty())
        summary += u'\n' + tr("Extensions: %1").arg(info.extensions);
    m_summary->setText(summary);

    m_request->setPlainText(info.requestRaw.isEmpty() ? headerBlock(info.requestLine, info.requestHeaders)
                                                      : QString::fromLatin1(info.requestRaw).trimmed());

    QString response = info.responseRaw.isEmpty() ? headerBlock(info.statusLine, info.responseHeaders)
                                                   : QString::fromLatin1(info.responseRaw).trimmed();
    if (!info.responseBody.isEmpty()) {
        if (!response.isEmpty())
            response += QStringLiteral("\n\n");
        if (!info.responseBodyRaw.isEmpty())
            response += tr("(chunked: %n byte(s) on the wire, decoded here; see Raw bytes)", nullptr,
                           int(info.responseBodyRaw.size()))
                + u'\n';
        response += bodyText(info.responseBody);
        if (info.responseBodyTruncated)
            response += u'\n' + tr("(body cut at %1 KiB)").arg(HandshakeInfo::MaxBodyBytes / 1024);
    }
    if (!info.failure.isEmpty())
        response += (response.isEmpty() ? QString() : QStringLiteral("\n\n")) + info.failure;
    if (response.isEmpty())
        response = tr("(waiting for the server)");
    m_response->setPlainText(response);

    QString accept;
    if (info.accept.available) {
        accept = tr("1. Key sent (Sec-WebSocket-Key):\n   %1\n"
                    "2. Append the RFC 6455 GUID:\n   %1%2\n"
                    "3. SHA-1 of that:\n   %3\n"
                    "4. Base64 of the SHA-1, the expected Sec-WebSocket-Accept:\n   %4\n"
                    "5. Received Sec-WebSocket-Accept:\n   %5\n\n%6")
                     .arg(QString::fromLatin1(info.accept.key), QString::fromLatin1(HandshakeInfo::Guid.toByteArray()),
                          QString::fromLatin1(info.accept.sha1Hex), QString::fromLatin1(info.accept.expected),
                          info.accept.received.isEmpty() ? tr("(none)") : QString::fromLatin1(info.accept.received),
                          info.accept.matches ? tr("Match: the server computed the right answer.")
                                              : tr("MISMATCH: this is not the answer to the key that was sent."));
    } else if (!info.captured) {
        accept = tr("Not available on a direct connection: Qt does not report the key it sent.");
    } else {
        accept = tr("Available once the server has answered with 101 Switching Protocols.");
    }
    m_accept->setPlainText(accept);

    QString raw;
    if (!info.requestRaw.isEmpty())
        raw += tr("Request, %n byte(s):", nullptr, int(info.requestRaw.size())) + u'\n' + PayloadFormat::hexDump(info.requestRaw);
    if (!info.responseRaw.isEmpty())
        raw += u'\n' + tr("Response head, %n byte(s):", nullptr, int(info.responseRaw.size())) + u'\n'
            + PayloadFormat::hexDump(info.responseRaw);
    if (!info.responseBodyRaw.isEmpty())
        raw += u'\n' + tr("Response body as sent (chunked), %n byte(s):", nullptr, int(info.responseBodyRaw.size()))
            + u'\n' + PayloadFormat::hexDump(info.responseBodyRaw);
    else if (!info.responseBody.isEmpty())
        raw += u'\n' + tr("Response body, %n byte(s):", nullptr, int(info.responseBody.size())) + u'\n'
            + PayloadFormat::hexDump(info.responseBody);
    m_raw->setPlainText(raw.isEmpty() ? tr("(no bytes captured)") : raw);

    const QStringList notes = info.findings + info.unknown;
    m_notes->setText(notes.join(u'\n'));
    m_notes->setVisible(!notes.isEmpty());
}

QString HandshakeInspector::requestText() const
{
    return m_request->toPlainText();
}

QString HandshakeInspector::responseText() const
{
    return m_response->toPlainText();
}

QString HandshakeInspector::acceptText() const
{
    return m_accept->toPlainText();
}

QString HandshakeInspector::rawText() const
{
    return m_raw->toPlainText();
}

QString HandshakeInspector::notesText() const
{
    return m_notes->text();
}
