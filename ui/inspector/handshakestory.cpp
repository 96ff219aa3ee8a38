#include "handshakestory.h"

#include "plaintip.h"
#include "session/closecodes.h"
#include "timingview.h"

#include <QApplication>
#include <QClipboard>
#include <QContextMenuEvent>
#include <QFontDatabase>
#include <QHelpEvent>
#include <QKeyEvent>
#include <QMenu>
#include <QPainter>
#include <QStringDecoder>
#include <QToolTip>
#include <QUrl>

namespace {

constexpr int Gutter = 30;          // the markers' column
constexpr int Marker = 12;          // a marker's diameter
constexpr int Gap = 10;             // between steps
constexpr int MaxDetails = 8;       // lines of detail a step shows
constexpr qsizetype MaxLineChars = 600;
constexpr qsizetype MaxTipChars = 4000;

QStringList handshakeHeaders(const QList<HandshakeInfo::Header> &headers)
{
    QStringList lines;
    for (const HandshakeInfo::Header &header : headers) {
        if (!HandshakeStory::isHandshakeHeader(header.first))
            continue;
        if (lines.size() == MaxDetails - 1) {
            lines.append(HandshakeStory::tr("(more in the Headers tab)"));
            break;
        }
        lines.append(HandshakeStory::headerText(header.first, MaxLineChars) + QStringLiteral(": ")
                     + HandshakeStory::headerText(header.second, MaxLineChars));
    }
    return lines;
}

QString hostOf(const HandshakeInfo &info)
{
    const QUrl url(info.url);
    if (!info.serverAddress.isEmpty())
        return info.serverAddress;
    if (url.host().isEmpty())
        return HandshakeStory::tr("the server");
    return QStringLiteral("%1:%2").arg(url.host()).arg(url.port(url.scheme() == QLatin1String("wss") ? 443 : 80));
}

// `server`: wsscope was the server; the other side is its client.
QString closeText(const Session::CloseInfo &close, bool server)
{
    const QString code = QStringLiteral("%1 %2").arg(close.code).arg(CloseCodes::name(close.code));
    switch (close.closer) {
    case Session::Closer::Us:
        return HandshakeStory::tr("wsscope closed it: %1").arg(code);
    case Session::Closer::Peer:
        return server ? HandshakeStory::tr("The client closed it: %1").arg(code)
                      : HandshakeStory::tr("The server closed it: %1").arg(code);
    case Session::Closer::Client:
        return HandshakeStory::tr("Qt's WebSocket client closed it: %1").arg(code);
    case Session::Closer::Unknown:
        return HandshakeStory::tr("Closed: %1").arg(code);
    case Session::Closer::Nobody:
        break;
    }
    return HandshakeStory::tr("The connection ended without a Close frame: %1").arg(code);
}

// Control characters a server sent are shown as marks, not obeyed: a line
// break as `newline`, any other as the replacement character.
void markControls(QString &text, QChar newline)
{
    for (QChar &c : text) {
        if (c.unicode() < 0x20 || c.unicode() == 0x7f)
            c = c == u'\n' ? newline : QChar(0xfffd);
    }
}

// The start of a refusal's body on one line: it often says why ("send a token").
QString bodyLine(const QByteArray &body)
{
    QStringDecoder decoder(QStringDecoder::Utf8);
    QString text = decoder(QByteArrayView(body).first(qMin<qsizetype>(body.size(), MaxLineChars)));
    if (decoder.hasError() && body.size() <= MaxLineChars)
        return HandshakeStory::tr("Body: %n byte(s), not text (Text and Raw bytes tabs)", nullptr, int(body.size()));
    markControls(text, QChar(0x21b5));
    if (body.size() > MaxLineChars)
        text += QChar(0x2026);
    return HandshakeStory::tr("Body: %1").arg(text);
}

QString shortText(const QString &text)
{
    return text.size() > MaxLineChars ? text.left(MaxLineChars) + QChar(0x2026) : text;
}

} // namespace

bool HandshakeStory::isHandshakeHeader(const QByteArray &name)
{
    // Asked of every header of a head that can hold a million: no copies.
    const QByteArrayView trimmed = QByteArrayView(name).trimmed();
    const QByteArrayView prefix = "sec-websocket-";
    return trimmed.compare("upgrade", Qt::CaseInsensitive) == 0 || trimmed.compare("connection", Qt::CaseInsensitive) == 0
        || (trimmed.size() > prefix.size() && trimmed.first(prefix.size()).compare(prefix, Qt::CaseInsensitive) == 0);
}

QString HandshakeStory::headerText(const QByteArray &bytes, qsizetype maxChars)
{
    const QByteArray cut = bytes.size() > maxChars ? bytes.first(maxChars) : bytes;
    QString text = QString::fromLatin1(cut);
    markControls(text, QChar(0xfffd));
    if (cut.size() < bytes.size())
        text += QChar(0x2026);
    return text;
}

int HandshakeStory::statusCode(const QByteArray &statusLine)
{
    const QList<QByteArray> parts = statusLine.split(' ');
    bool ok = false;
    const int code = parts.size() > 1 ? parts.at(1).toInt(&ok) : 0;
    return ok ? code : 0;
}

HandshakeStory::HandshakeStory(QWidget *parent)
    : QWidget(parent)
{
    setFocusPolicy(Qt::StrongFocus);   // so Ctrl+C copies it
    setAccessibleName(tr("Handshake story"));
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    setStory({}, {});
}

HandshakeStory::~HandshakeStory() = default;

QList<HandshakeStory::Step> HandshakeStory::tell(const HandshakeInfo &info, const Progress &progress)
{
    using Role = Theme::Role;
    using Stage = Progress::Stage;
    QList<Step> steps;
    const bool ended = progress.stage == Stage::Ended;
    const bool requested = !info.requestLine.isEmpty() || !info.requestRaw.isEmpty();
    const bool answered = !info.statusLine.isEmpty();
    const int status = statusCode(info.statusLine);
    const bool wss = QUrl(info.url).scheme() == QLatin1String("wss");
    const QString failure = shortText(progress.failure.isEmpty() ? info.failure : progress.failure);

    if (progress.stage == Stage::None) {
        Step idle;
        idle.title = tr("No connection yet");
        idle.details = {tr("Click Connect: wsscope opens a TCP connection, sends an HTTP upgrade request and shows "
                           "each step here as it happens.")};
        steps.append(idle);
        return steps;
    }

    // 1. TCP (and DNS before it).
    Step tcp;
    const bool server = !progress.peer.isEmpty();
    tcp.title = server ? tr("TCP connection from the client %1").arg(shortText(progress.peer))
                       : tr("TCP connection to %1").arg(shortText(hostOf(info)));
    tcp.direction = Direction::Both;
    if (!info.captured) {
        tcp.reached = true;
        tcp.role = Role::Muted;
        tcp.details = {tr("Made by Qt on a direct connection: its steps are not seen.")};
    } else if (!info.serverAddress.isEmpty() || requested) {
        tcp.reached = true;
        tcp.role = Role::Good;
        if (info.timing.dns >= 0)
            tcp.details.append(tr("Name looked up in %1").arg(TimingView::formatDuration(info.timing.dns)));
        if (info.timing.tcp >= 0)
            tcp.details.append(tr("Connected in %1").arg(TimingView::formatDuration(info.timing.tcp)));
    } else if (ended) {
        tcp.reached = true;
        tcp.role = Role::Error;
        tcp.details = {failure.isEmpty() ? tr("No connection was made.") : failure};
    } else {
        tcp.role = Role::Warning;
        tcp.details = {tr("Connecting…")};
    }
    steps.append(tcp);

    // 2. TLS, for wss:// only.
    if (wss || info.hasTls) {
        Step tls;
        tls.title = tr("TLS handshake");
        tls.direction = Direction::Both;
        if (info.hasTls && !info.tls.errors.isEmpty() && !info.tls.errorsIgnored) {
            tls.reached = true;
            tls.role = Role::Error;
            tls.details = {tr("Certificate not trusted: %1").arg(shortText(info.tls.errors.first())),
                           tr("The TLS tab shows the chain and can connect anyway, once.")};
        } else if (info.hasTls) {
            tls.reached = true;
            tls.role = info.tls.errors.isEmpty() ? Role::Good : Role::Warning;
            QString what = info.tls.protocol;
            if (!info.tls.cipher.isEmpty())
                what += QStringLiteral(", ") + info.tls.cipher;
            if (!what.isEmpty())
                tls.details.append(shortText(what));
            tls.details.append(info.tls.errors.isEmpty() ? tr("Certificate verified")
                                                         : tr("Certificate not trusted, accepted for this connection only"));
            if (info.timing.tls >= 0)
                tls.details.append(tr("Took %1").arg(TimingView::formatDuration(info.timing.tls)));
        } else if (!info.captured) {
            tls.reached = true;
            tls.details = {tr("Made by Qt on a direct connection: its steps are not seen.")};
        } else if (ended && tcp.role == Role::Good) {
            tls.reached = true;
            tls.role = Role::Error;
            tls.details = {failure.isEmpty() ? tr("The TLS handshake failed.") : failure};
        } else {
            tls.details = {tr("Not yet")};
        }
        steps.append(tls);
    }

    // 3. The upgrade request.
    Step request;
    request.title = server ? tr("The client asks to upgrade: HTTP request") : tr("wsscope asks to upgrade: HTTP request");
    request.direction = Direction::Out;
    if (requested) {
        request.reached = true;
        request.role = Role::Accent;
        request.details.append(headerText(info.requestLine.isEmpty() ? info.requestRaw.left(info.requestRaw.indexOf('\r'))
                                                                     : info.requestLine,
                                          MaxLineChars));
        request.details.append(handshakeHeaders(info.requestHeaders));
    } else {
        request.details = {tr("Not sent")};
    }
    steps.append(request);

    // 4. The answer.
    Step answer;
    answer.title = server ? tr("wsscope answers") : tr("The server answers");
    answer.direction = Direction::In;
    if (answered) {
        answer.reached = true;
        answer.details.append(headerText(info.statusLine, MaxLineChars));
        answer.details.append(handshakeHeaders(info.responseHeaders));
        if (status == 101) {
            answer.title = server ? tr("wsscope agrees: 101 Switching Protocols")
                                  : tr("The server agrees: 101 Switching Protocols");
            if (info.accept.available && info.accept.matches) {
                answer.role = Role::Good;
                answer.emphasised = int(answer.details.size());
                answer.details.append(tr("\u2713 Sec-WebSocket-Accept matches the Key: Match"));
            } else if (info.accept.available) {
                answer.role = Role::Error;
                answer.emphasised = int(answer.details.size());
                answer.details.append(tr("\u2717 Sec-WebSocket-Accept is not the answer to the Key: MISMATCH"));
            } else {
                answer.role = info.captured ? Role::Warning : Role::Good;
            }
            // A 101 that the client still refused (a subprotocol not offered, say).
            if (ended && !progress.opened) {
                if (answer.role == Role::Good)
                    answer.role = Role::Warning;
                const QString why = !info.findings.isEmpty() ? info.findings.first() : failure;
                answer.details.append(why.isEmpty() ? tr("The client refused this answer.")
                                                    : tr("The client refused this answer: %1").arg(shortText(why)));
            }
        } else {
            answer.title = status >= 300 && status < 400 ? tr("The server redirects instead of upgrading")
                : server                                 ? tr("wsscope refuses the upgrade")
                                                         : tr("The server refuses the upgrade");
            answer.role = status >= 300 && status < 400 ? Role::Warning : Role::Error;
            if (!info.responseBody.isEmpty())
                answer.details.append(bodyLine(info.responseBody));
        }
    } else if (requested && ended) {
        answer.reached = true;
        answer.role = Role::Error;
        answer.details = {failure.isEmpty() ? tr("No answer came.") : failure};
    } else if (requested) {
        answer.role = Role::Warning;
        answer.details = {tr("Waiting for the server…")};
    } else {
        answer.details = {tr("Not yet")};
    }
    steps.append(answer);

    // 5. Frames.
    Step frames;
    frames.title = tr("Messages travel as frames");
    frames.direction = Direction::Both;
    if (progress.opened) {
        frames.reached = true;
        frames.role = ended ? Role::Muted : Role::Good;
        frames.details = {tr("Messages in the log; each frame, its mask and length, in the Wire tab.")};
    } else {
        frames.details = {ended ? tr("Not reached: the connection did not open.") : tr("Not yet")};
    }
    steps.append(frames);

    // 6. Close.
    Step close;
    close.title = tr("Close handshake");
    close.direction = Direction::Both;
    if (progress.opened && ended) {
        close.reached = true;
        const int code = progress.close.code;
        close.role = code == 1000 || code == 1001 ? Role::Good : code == 1006 ? Role::Error : Role::Warning;
        close.details.append(shortText(closeText(progress.close, server)));
        if (!progress.close.reason.isEmpty())
            close.details.append(tr("Reason: %1").arg(shortText(progress.close.reason)));
        if (progress.close.closer != Session::Closer::Nobody) {
            close.details.append(progress.close.handshakeCompleted ? tr("Both sides sent a Close frame.")
                                                                   : tr("No Close frame came back in answer."));
        }
    } else if (progress.stage == Stage::Closing) {
        close.role = Role::Warning;
        close.details = {tr("A Close frame was sent; waiting for the answer…")};
    } else if (progress.opened) {
        close.details = {tr("Either side sends a Close frame with a code; the other answers with its own.")};
    } else {
        close.details = {ended ? tr("Not reached") : tr("Not yet")};
    }
    steps.append(close);
    return steps;
}

void HandshakeStory::setStory(const HandshakeInfo &info, const Progress &progress)
{
    m_steps = tell(info, progress);
    setAccessibleDescription(text());
    updateGeometry();
    update();
}

const QList<HandshakeStory::Step> &HandshakeStory::steps() const
{
    return m_steps;
}

QString HandshakeStory::text() const
{
    QStringList paragraphs;
    for (const Step &step : m_steps) {
        QString paragraph = step.title;
        for (const QString &detail : step.details)
            paragraph += QStringLiteral("\n    ") + detail;
        paragraphs.append(paragraph);
    }
    return paragraphs.join(QStringLiteral("\n"));
}

int HandshakeStory::stepHeight(const Step &step) const
{
    const int title = fontMetrics().height();
    const int detail = QFontMetrics(QFontDatabase::systemFont(QFontDatabase::FixedFont)).lineSpacing();
    return title + 2 + int(step.details.size()) * detail + Gap;
}

QSize HandshakeStory::sizeHint() const
{
    int height = Gap;
    for (const Step &step : m_steps)
        height += stepHeight(step);
    return {Gutter + fontMetrics().averageCharWidth() * 60, height};
}

QSize HandshakeStory::minimumSizeHint() const
{
    return {Gutter + fontMetrics().averageCharWidth() * 20, sizeHint().height()};
}

int HandshakeStory::stepAt(int y) const
{
    int top = Gap;
    for (int i = 0; i < m_steps.size(); ++i) {
        const int height = stepHeight(m_steps.at(i));
        if (y >= top && y < top + height)
            return i;
        top += height;
    }
    return -1;
}

void HandshakeStory::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const QPalette &pal = palette();
    const QFont titleFont = [this] {
        QFont bold = font();
        bold.setBold(true);
        return bold;
    }();
    const QFont fixed = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    const QFontMetrics titleMetrics(titleFont);
    const QFontMetrics fixedMetrics(fixed);
    const int textLeft = Gutter;
    const int textWidth = qMax(10, width() - textLeft - 6);

    // The thread that joins the markers, drawn first so they sit on it.
    int top = Gap;
    QList<int> centres;
    for (const Step &step : m_steps) {
        centres.append(top + titleMetrics.height() / 2);
        top += stepHeight(step);
    }
    if (centres.size() > 1) {
        painter.setPen(QPen(pal.color(QPalette::Mid), 2));
        painter.drawLine(Gutter / 2, centres.first(), Gutter / 2, centres.last());
    }

    top = Gap;
    for (int i = 0; i < m_steps.size(); ++i) {
        const Step &step = m_steps.at(i);
        const QColor colour = step.reached ? Theme::color(step.role, pal) : pal.color(QPalette::Mid);
        const QRectF marker(Gutter / 2.0 - Marker / 2.0, centres.at(i) - Marker / 2.0, Marker, Marker);
        painter.setPen(QPen(colour, 2));
        painter.setBrush(step.reached ? QBrush(colour) : QBrush(pal.color(QPalette::Base)));
        painter.drawEllipse(marker);

        QString arrow;
        switch (step.direction) {
        case Direction::Out: arrow = QStringLiteral("\u2192 "); break;   // wsscope to the server
        case Direction::In: arrow = QStringLiteral("\u2190 "); break;
        case Direction::Both: arrow = QStringLiteral("\u21c4 "); break;
        case Direction::None: break;
        }
        painter.setFont(titleFont);
        painter.setPen(step.reached && step.role != Theme::Role::Muted && step.role != Theme::Role::Accent
                           ? colour
                           : pal.color(step.reached ? QPalette::WindowText : QPalette::PlaceholderText));
        painter.drawText(QRect(textLeft, top, textWidth, titleMetrics.height()), Qt::AlignLeft | Qt::AlignVCenter,
                         titleMetrics.elidedText(arrow + step.title, Qt::ElideRight, textWidth));
        int y = top + titleMetrics.height() + 2;
        painter.setFont(fixed);
        for (int line = 0; line < step.details.size(); ++line) {
            const QString &detail = step.details.at(line);
            painter.setPen(line == step.emphasised ? colour
                                                   : pal.color(step.reached ? QPalette::WindowText : QPalette::PlaceholderText));
            painter.drawText(QRect(textLeft + 12, y, textWidth - 12, fixedMetrics.lineSpacing()),
                             Qt::AlignLeft | Qt::AlignVCenter,
                             fixedMetrics.elidedText(detail, Qt::ElideRight, textWidth - 12));
            y += fixedMetrics.lineSpacing();
        }
        top += stepHeight(step);
    }
    if (hasFocus()) {
        painter.setPen(QPen(pal.color(QPalette::Highlight), 1, Qt::DotLine));
        painter.setBrush(Qt::NoBrush);
        painter.drawRect(rect().adjusted(0, 0, -1, -1));
    }
}

bool HandshakeStory::event(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        const auto *help = static_cast<QHelpEvent *>(event);
        const int index = stepAt(help->pos().y());
        if (index < 0) {
            QToolTip::hideText();
            event->ignore();
            return true;
        }
        const Step &step = m_steps.at(index);
        QString tip = step.title;
        for (const QString &detail : step.details)
            tip += u'\n' + detail;
        QToolTip::showText(help->globalPos(), plainToolTip(tip.left(MaxTipChars)), this);
        return true;
    }
    return QWidget::event(event);
}

void HandshakeStory::contextMenuEvent(QContextMenuEvent *event)
{
    QMenu menu(this);
    menu.addAction(tr("&Copy the story"), this, [this] { QApplication::clipboard()->setText(text()); });
    menu.exec(event->globalPos());
}

void HandshakeStory::keyPressEvent(QKeyEvent *event)
{
    if (event->matches(QKeySequence::Copy)) {
        QApplication::clipboard()->setText(text());
        return;
    }
    QWidget::keyPressEvent(event);
}
