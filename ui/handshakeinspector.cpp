#include "handshakeinspector.h"

#include "session/handshakeinfo.h"

#include <QFontDatabase>
#include <QLabel>
#include <QPlainTextEdit>
#include <QVBoxLayout>

namespace {

QString headerBlock(const QByteArray &firstLine, const QList<HandshakeInfo::Header> &headers)
{
    QString text = QString::fromLatin1(firstLine);
    for (const HandshakeInfo::Header &header : headers)
        text += u'\n' + QString::fromLatin1(header.first) + QStringLiteral(": ") + QString::fromLatin1(header.second);
    return text;
}

QPlainTextEdit *headerPane(QWidget *parent, const QString &name)
{
    auto *pane = new QPlainTextEdit(parent);
    pane->setReadOnly(true);
    pane->setLineWrapMode(QPlainTextEdit::NoWrap);
    pane->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    pane->setAccessibleName(name);
    pane->setTabChangesFocus(true);
    return pane;
}

QLabel *plainLabel(const QString &text, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    label->setTextFormat(Qt::PlainText);   // nothing a server sends is ever markup
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return label;
}

} // namespace

HandshakeInspector::HandshakeInspector(QWidget *parent)
    : QWidget(parent)
    , m_summary(plainLabel(tr("No connection yet."), this))
    , m_request(headerPane(this, tr("Upgrade request")))
    , m_response(headerPane(this, tr("Server response")))
    , m_unknown(plainLabel(QString(), this))
{
    auto *requestTitle = new QLabel(tr("&Request"), this);
    requestTitle->setBuddy(m_request);
    auto *responseTitle = new QLabel(tr("R&esponse"), this);
    responseTitle->setBuddy(m_response);
    m_unknown->setForegroundRole(QPalette::PlaceholderText);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_summary);
    layout->addWidget(requestTitle);
    layout->addWidget(m_request, 1);
    layout->addWidget(responseTitle);
    layout->addWidget(m_response, 1);
    layout->addWidget(m_unknown);
}

HandshakeInspector::~HandshakeInspector() = default;

void HandshakeInspector::setHandshake(const HandshakeInfo &info)
{
    QString summary = info.url;
    if (!info.subprotocol.isEmpty())
        summary += u'\n' + tr("Subprotocol: %1").arg(info.subprotocol);
    m_summary->setText(summary);
    m_request->setPlainText(headerBlock(info.requestLine, info.requestHeaders));

    QString response = headerBlock(info.statusLine, info.responseHeaders);
    if (!info.failure.isEmpty())
        response = (response.isEmpty() ? QString() : response + u'\n') + info.failure;
    else if (info.statusLine.isEmpty())
        response = tr("(waiting for the server)");
    m_response->setPlainText(response);

    m_unknown->setText(info.unknown.join(u'\n'));
    m_unknown->setVisible(!info.unknown.isEmpty());
}

QString HandshakeInspector::requestText() const
{
    return m_request->toPlainText();
}

QString HandshakeInspector::responseText() const
{
    return m_response->toPlainText();
}
