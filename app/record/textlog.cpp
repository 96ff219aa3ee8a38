#include "textlog.h"

#include "log/payloadformat.h"
#include "log/plaintext.h"
#include "record/secrets.h"
#include "session/closecodes.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QIODevice>
#include <QStringDecoder>

namespace TextLog {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("TextLog", text);
}

// Longest payload written out in full; the rest is said in bytes.
constexpr qsizetype MaxShownBytes = 4096;

QString timeText(qint64 usec)
{
    const QDateTime when = QDateTime::fromMSecsSinceEpoch(usec / 1000, Qt::UTC);
    return when.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz")) + QString::number(usec % 1000).rightJustified(3, u'0');   // not translated: a date format, the same in every language
}

using PlainText::oneLine;

QString payloadText(MessageLog::Kind kind, QByteArrayView data)
{
    const QByteArrayView shown = data.first(qMin(data.size(), MaxShownBytes));
    QString text;
    if (kind == MessageLog::Kind::Binary || !data.isValidUtf8())
        text = QString::fromLatin1(shown.toByteArray().toHex(' '));
    else
        text = oneLine(QString::fromUtf8(shown));
    if (shown.size() < data.size())
        text += tr(" … (%1 more bytes)").arg(data.size() - shown.size());
    return text;
}

QString kindName(MessageLog::Kind kind)
{
    switch (kind) {
    case MessageLog::Kind::Text: return tr("text");
    case MessageLog::Kind::Binary: return tr("binary");
    case MessageLog::Kind::Ping: return tr("ping");
    case MessageLog::Kind::Pong: return tr("pong");
    case MessageLog::Kind::Open: return tr("open");
    case MessageLog::Kind::Close: return tr("close");
    case MessageLog::Kind::Error: return tr("error");
    }
    return {};
}

QString headLines(const QByteArray &head, const QString &marker, const SessionExport::Options &options)
{
    QString out;
    const QByteArray shown = options.maskSecrets ? Secrets::maskedHead(head, options.maskedValues) : head;
    const QList<QByteArray> lines = shown.split('\n');
    for (QByteArray line : lines) {
        if (line.endsWith('\r'))
            line.chop(1);
        if (!line.isEmpty())
            out += QStringLiteral("    ") + marker + u' ' + oneLine(QString::fromLatin1(line)) + u'\n';
    }
    return out;
}

// The body of a refused answer, decoded, under its head.
QString bodyLines(const HandshakeInfo &info)
{
    if (info.responseBody.isEmpty())
        return {};
    QString out = QStringLiteral("    <\n");
    QStringDecoder decoder(QStringDecoder::Utf8);
    const QString body = decoder(info.responseBody);
    if (decoder.hasError()) {
        out += QStringLiteral("    < ") + tr("(%1 bytes, not UTF-8)").arg(info.responseBody.size()) + u'\n';
    } else {
        for (QString line : body.split(u'\n')) {
            if (line.endsWith(u'\r'))
                line.chop(1);
            out += QStringLiteral("    < ") + oneLine(line) + u'\n';
        }
    }
    if (info.responseBodyTruncated)
        out += QStringLiteral("    < ") + tr("(body cut at %1 KiB)").arg(HandshakeInfo::MaxBodyBytes / 1024) + u'\n';
    return out;
}

// Who closed, seen from wsscope's side: its peer is the server, or, in
// the server mode, the client.
QString closerText(Session::Closer closer, bool server)
{
    switch (closer) {
    case Session::Closer::Us: return tr("by us");
    case Session::Closer::Peer: return server ? tr("by the client") : tr("by the server");
    case Session::Closer::Client: return tr("by the WebSocket client after a protocol error");
    case Session::Closer::Unknown: return tr("by one side (a direct connection cannot tell which)");
    case Session::Closer::Nobody: return tr("without a close handshake");
    }
    return {};
}

} // namespace

bool write(const Session &session, QIODevice *out, const SessionExport::Options &options, QString *error)
{
    QString text = tr("wsscope session log, times in UTC. → sent, ← received, · event.") + u'\n';
    const MessageLog &log = *session.log();
    bool ok = true;
    const auto spill = [&] {
        if (text.size() < 512 * 1024 || !ok)
            return;
        const QByteArray bytes = text.toUtf8();
        ok = out->write(bytes) == bytes.size();
        text.clear();
    };
    SessionExport::walk(
        session,
        [&](int row) {
            const MessageLog::Entry &e = log.at(row);
            QByteArray masked;
            const QByteArrayView data = Secrets::maskedView(
                log.data(row), options.hidesValues() ? options.maskedValues : QList<QByteArray>(), &masked);
            if (e.direction == MessageLog::Direction::Local) {
                text += timeText(e.timeUsec) + QStringLiteral("  ·  ") + kindName(e.kind) + QStringLiteral("  ")
                    + oneLine(QString::fromUtf8(data)) + u'\n';
            } else {
                text += timeText(e.timeUsec)
                    + (e.direction == MessageLog::Direction::Sent ? QStringLiteral("  →  ") : QStringLiteral("  ←  "))
                    + kindName(e.kind) + QStringLiteral("  ")
                    + (data.size() == 1 ? tr("1 byte") : tr("%1 bytes").arg(data.size()))
                    + QStringLiteral("  ") + payloadText(e.kind, data) + u'\n';
            }
            spill();
        },
        [&](const Session::Connection &connection, SessionExport::Stage stage) {
            switch (stage) {
            case SessionExport::Stage::Start:
                text += timeText(connection.startUsec) + QStringLiteral("  ·  ")
                    + tr("connection %1 to %2")
                          .arg(connection.id)
                          .arg(options.hidesValues() ? Secrets::maskedText(connection.url, options.maskedValues)
                                                     : connection.url) + u'\n';
                break;
            case SessionExport::Stage::Handshake:
                text += timeText(connection.handshakeUsec) + QStringLiteral("  ·  ")
                    + (connection.opened ? tr("handshake done") : tr("handshake failed")) + u'\n';
                text += headLines(connection.handshake.requestRaw, QStringLiteral(">"), options);
                text += headLines(connection.handshake.responseRaw, QStringLiteral("<"), options);
                text += bodyLines(connection.handshake);
                for (const QString &finding : connection.handshake.findings)
                    text += QStringLiteral("    ! ") + oneLine(finding) + u'\n';
                break;
            case SessionExport::Stage::End:
                text += timeText(connection.endUsec) + QStringLiteral("  ·  ");
                if (connection.opened) {
                    text += tr("connection %1 closed %2: %3 (%4)")
                                .arg(connection.id)
                                .arg(closerText(connection.close.closer, connection.server))
                                .arg(connection.close.code)
                                .arg(CloseCodes::name(connection.close.code));
                    if (!connection.close.reason.isEmpty())
                        text += tr(", reason: %1").arg(oneLine(connection.close.reason));
                } else {
                    text += tr("connection %1 ended without opening").arg(connection.id);
                }
                text += u'\n';
                break;
            }
            spill();
        });
    if (ok) {
        const QByteArray bytes = text.toUtf8();
        ok = out->write(bytes) == bytes.size();
    }
    if (!ok && error)
        *error = out->errorString();
    return ok;
}

} // namespace TextLog
