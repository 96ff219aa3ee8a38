#include "har.h"

#include "record/secrets.h"
#include "record/sessionfile.h"

#include <QCoreApplication>
#include <QIODevice>
#include <QUrl>
#include <QUrlQuery>

namespace Har {

namespace {

using SessionFile::jsonString;

QByteArray latin1String(const QByteArray &bytes)
{
    return jsonString(QString::fromLatin1(bytes).toUtf8());
}

QByteArray number(double value)
{
    return QByteArray::number(value, 'f', 3);
}

// HAR times are milliseconds; an unknown optional step is -1.
QByteArray millis(qint64 usec)
{
    return usec < 0 ? QByteArray("-1") : number(double(usec) / 1000.0);
}

QByteArray nameValues(const QList<HandshakeInfo::Header> &headers)
{
    QByteArray out = "[";
    for (const HandshakeInfo::Header &header : headers) {
        if (out.size() > 1)
            out += ',';
        out += "{\"name\":" + latin1String(header.first) + ",\"value\":" + latin1String(header.second) + '}';
    }
    return out + ']';
}

// Cookie: a=1; b=2  and  Set-Cookie: a=1; Path=/ (one cookie per header).
QByteArray cookies(const QList<HandshakeInfo::Header> &headers, QByteArrayView headerName)
{
    QList<HandshakeInfo::Header> found;
    const bool request = headerName.compare("cookie", Qt::CaseInsensitive) == 0;
    for (const HandshakeInfo::Header &header : headers) {
        if (header.first.compare(headerName, Qt::CaseInsensitive) != 0)
            continue;
        const QList<QByteArray> parts = request ? header.second.split(';') : QList<QByteArray>{header.second.split(';').first()};
        for (const QByteArray &part : parts) {
            const qsizetype equals = part.indexOf('=');
            if (equals > 0)
                found.append({part.left(equals).trimmed(), part.mid(equals + 1).trimmed()});
        }
    }
    return nameValues(found);
}

QByteArray httpVersion(const QByteArray &line, bool request)
{
    const QList<QByteArray> parts = line.split(' ');
    if (request)
        return parts.size() >= 3 ? parts.at(2).trimmed() : QByteArray("HTTP/1.1");
    return parts.isEmpty() || !parts.first().startsWith("HTTP/") ? QByteArray("HTTP/1.1") : parts.first();
}

QByteArray headerValue(const QList<HandshakeInfo::Header> &headers, QByteArrayView name)
{
    for (const HandshakeInfo::Header &header : headers) {
        if (header.first.compare(name, Qt::CaseInsensitive) == 0)
            return header.second;
    }
    return {};
}

QByteArray entry(const Session &session, const Session::Connection &connection, const SessionExport::Options &options)
{
    const HandshakeInfo &info = connection.handshake;
    const bool mask = options.maskSecrets;
    const QList<HandshakeInfo::Header> requestHeaders = mask ? Secrets::masked(info.requestHeaders, options.maskedValues) : info.requestHeaders;
    const QList<HandshakeInfo::Header> responseHeaders = mask ? Secrets::masked(info.responseHeaders, options.maskedValues) : info.responseHeaders;

    // Secret values in the URL and the payloads too, when asked to hide them.
    const QList<QByteArray> hidden = options.hidesValues() ? options.maskedValues : QList<QByteArray>();
    const QString shownUrl = Secrets::maskedText(connection.url, hidden);
    const QUrl url(shownUrl);
    QList<HandshakeInfo::Header> query;
    const QList<QPair<QString, QString>> items = QUrlQuery(url).queryItems(QUrl::FullyDecoded);
    for (const auto &item : items)
        query.append({item.first.toLatin1(), item.second.toLatin1()});

    // "HTTP/1.1 101 Switching Protocols"; 0 when no answer came.
    const QList<QByteArray> status = info.statusLine.split(' ');
    const int code = status.size() >= 2 ? status.at(1).toInt() : 0;
    const QByteArray statusText = status.size() >= 3 ? info.statusLine.mid(status.at(0).size() + status.at(1).size() + 2) : QByteArray();

    const HandshakeInfo::Timing &t = info.timing;
    const qint64 connect = t.tcp < 0 ? -1 : t.tcp + qMax<qint64>(t.tls, 0);
    const qint64 wait = qMax<qint64>(t.upgrade, 0);
    qint64 total = wait;
    for (const qint64 step : {t.dns, connect, t.tunnel})
        total += qMax<qint64>(step, 0);

    QByteArray out;
    out += "{\"startedDateTime\":" + jsonString(SessionFile::timeText(connection.startUsec))
        + ",\"time\":" + millis(total);
    out += ",\"request\":{\"method\":\"GET\",\"url\":" + jsonString(shownUrl.toUtf8())
        + ",\"httpVersion\":" + latin1String(httpVersion(info.requestLine, true))
        + ",\"cookies\":" + cookies(requestHeaders, "Cookie")
        + ",\"headers\":" + nameValues(requestHeaders)
        + ",\"queryString\":" + nameValues(query)
        + ",\"headersSize\":" + QByteArray::number(info.requestRaw.isEmpty() ? -1 : info.requestRaw.size())
        + ",\"bodySize\":0}";
    const QByteArray mimeType = headerValue(info.responseHeaders, "Content-Type");
    out += ",\"response\":{\"status\":" + QByteArray::number(code)
        + ",\"statusText\":" + latin1String(statusText)
        + ",\"httpVersion\":" + latin1String(httpVersion(info.statusLine, false))
        + ",\"cookies\":" + cookies(responseHeaders, "Set-Cookie")
        + ",\"headers\":" + nameValues(responseHeaders)
        + ",\"content\":{\"size\":" + QByteArray::number(info.responseBody.size())
        + ",\"mimeType\":" + latin1String(mimeType.isEmpty() ? QByteArray("x-unknown") : mimeType);
    if (!info.responseBody.isEmpty()) {
        if (info.responseBody.isValidUtf8())
            out += ",\"text\":" + jsonString(info.responseBody);
        else
            out += ",\"text\":" + jsonString(info.responseBody.toBase64()) + ",\"encoding\":\"base64\"";
    }
    out += "},\"redirectURL\":" + latin1String(headerValue(info.responseHeaders, "Location"))
        + ",\"headersSize\":" + QByteArray::number(info.responseRaw.isEmpty() ? -1 : info.responseRaw.size())
        + ",\"bodySize\":" + QByteArray::number((info.responseBodyRaw.isEmpty() ? info.responseBody : info.responseBodyRaw).size())
        + '}';
    out += ",\"cache\":{},\"timings\":{\"blocked\":" + millis(t.tunnel) + ",\"dns\":" + millis(t.dns)
        + ",\"connect\":" + millis(connect) + ",\"ssl\":" + millis(t.tls)
        + ",\"send\":0,\"wait\":" + millis(wait) + ",\"receive\":0}";
    QString address = info.serverAddress.left(info.serverAddress.lastIndexOf(u':'));
    if (address.startsWith(u'[') && address.endsWith(u']'))
        address = address.mid(1, address.size() - 2);
    if (!address.isEmpty())
        out += ",\"serverIPAddress\":" + jsonString(address.toUtf8());
    out += ",\"_resourceType\":\"websocket\",\"_webSocketMessages\":[";

    // Messages, pings and pongs of this connection, in order.
    const MessageLog &log = *session.log();
    bool first = true;
    for (int row = 0; row < log.count(); ++row) {
        const MessageLog::Entry &e = log.at(row);
        if (e.connection != connection.id || e.direction == MessageLog::Direction::Local)
            continue;
        const int opcode = MessageLog::opcodeOf(e.kind);
        QByteArray masked;
        const QByteArrayView data = Secrets::maskedView(log.data(row), hidden, &masked);
        out += first ? "" : ",";
        first = false;
        out += "{\"type\":";
        // "send" is what the client sent, as in a browser's HAR: for a client
        // of the server mode that is what wsscope received.
        const bool byClient = (e.direction == MessageLog::Direction::Sent) != connection.server;
        out += byClient ? "\"send\"" : "\"receive\"";
        out += ",\"time\":" + QByteArray::number(e.timeUsec / 1000000) + '.'
            + QByteArray::number(e.timeUsec % 1000000).rightJustified(6, '0')
            + ",\"opcode\":" + QByteArray::number(opcode) + ",\"data\":";
        // Text as it is; binary (and control payloads that are not UTF-8) as base64, as Chrome does.
        out += opcode == 1 || (opcode >= 9 && data.isValidUtf8()) ? jsonString(data) : jsonString(data.toByteArray().toBase64());
        out += '}';
    }
    out += "]}";
    return out;
}

} // namespace

bool write(const Session &session, QIODevice *out, const SessionExport::Options &options, QString *error)
{
    QByteArray har = "{\"log\":{\"version\":\"1.2\",\"creator\":{\"name\":\"wsscope\",\"version\":"
        + jsonString(QCoreApplication::applicationVersion().toUtf8()) + "},\"pages\":[],\"entries\":[";
    bool first = true;
    for (const Session::Connection &connection : session.connections()) {
        if (!first)
            har += ',';
        first = false;
        har += entry(session, connection, options);
        if (har.size() > 1024 * 1024) {
            if (out->write(har) != har.size()) {
                if (error)
                    *error = out->errorString();
                return false;
            }
            har.clear();
        }
    }
    har += "]}}\n";
    if (out->write(har) != har.size()) {
        if (error)
            *error = out->errorString();
        return false;
    }
    return true;
}

} // namespace Har
