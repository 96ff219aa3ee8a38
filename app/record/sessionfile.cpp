#include "sessionfile.h"

#include "record/inputfile.h"
#include "record/secrets.h"
#include "record/wirestream.h"
#include "wire/wirecapture.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>

#include <QHash>
#include <QSet>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <memory>

namespace SessionFile {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("SessionFile", text);
}

// Base64 (RFC 4648, with padding) appended straight to `out`. A journal of
// large binary messages encodes as fast as they arrive, so this takes twelve
// bits at a time from a table of character pairs: twice the speed of
// QByteArray::toBase64(), and no temporary array per message.
void appendBase64(QByteArray &out, QByteArrayView data)
{
    static constexpr char Alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    static const auto pairs = [] {
        std::array<std::array<char, 2>, 4096> table{};
        for (size_t i = 0; i < table.size(); ++i)
            table[i] = {Alphabet[i >> 6], Alphabet[i & 63]};
        return table;
    }();
    const qsizetype at = out.size();
    out.resize(at + (data.size() + 2) / 3 * 4);
    char *to = out.data() + at;
    const auto *from = reinterpret_cast<const uchar *>(data.data());
    const qsizetype whole = data.size() - data.size() % 3;
    for (qsizetype i = 0; i < whole; i += 3) {
        const quint32 bits = quint32(from[i]) << 16 | quint32(from[i + 1]) << 8 | from[i + 2];
        memcpy(to, pairs[bits >> 12].data(), 2);
        memcpy(to + 2, pairs[bits & 0xFFF].data(), 2);
        to += 4;
    }
    if (whole < data.size()) {
        const bool two = whole + 1 < data.size();
        const quint32 bits = quint32(from[whole]) << 16 | (two ? quint32(from[whole + 1]) << 8 : 0);
        to[0] = Alphabet[bits >> 18];
        to[1] = Alphabet[(bits >> 12) & 63];
        to[2] = two ? Alphabet[(bits >> 6) & 63] : '=';
        to[3] = '=';
    }
}

// Builds one JSON object on one line. Written by hand rather than through
// QJsonDocument: a flood's journal writes hundreds of thousands of lines a
// second, and each message line is a handful of fields.
class Line
{
public:
    explicit Line(QByteArrayView type)
    {
        m_bytes.reserve(128);
        m_bytes += "{\"type\":\"";
        m_bytes += type;
        m_bytes += '"';
    }
    Line &raw(QByteArrayView key, const QByteArray &json)
    {
        m_bytes += ",\"";
        m_bytes += key;
        m_bytes += "\":";
        m_bytes += json;
        return *this;
    }
    Line &number(QByteArrayView key, qint64 value) { return raw(key, QByteArray::number(value)); }
    Line &boolean(QByteArrayView key, bool value) { return raw(key, value ? QByteArray("true") : QByteArray("false")); }
    Line &time(QByteArrayView key, qint64 usec) { return raw(key, quoted(timeText(usec))); }
    Line &string(QByteArrayView key, QByteArrayView utf8) { return raw(key, quoted(utf8)); }
    Line &text(QByteArrayView key, const QString &text) { return string(key, QByteArrayView(text.toUtf8())); }
    Line &bytes(QByteArrayView key, QByteArrayView data) { return raw(key, quoted(data.toByteArray().toBase64())); }
    QByteArray finish()
    {
        m_bytes += "}\n";
        return std::move(m_bytes);
    }

    static QByteArray quoted(QByteArrayView utf8)
    {
        QByteArray out;
        out.reserve(utf8.size() + 2);
        appendQuoted(out, utf8);
        return out;
    }

    // Appends the JSON string literal; runs of plain bytes are copied at once.
    static void appendQuoted(QByteArray &out, QByteArrayView utf8)
    {
        static constexpr char hex[] = "0123456789abcdef";
        out += '"';
        const char *p = utf8.data();
        const char *end = p + utf8.size();
        while (p < end) {
            const char *run = p;
            while (p < end && *p != '"' && *p != '\\' && static_cast<unsigned char>(*p) >= 0x20)
                ++p;
            if (p > run)
                out.append(run, p - run);
            if (p == end)
                break;
            const auto u = static_cast<unsigned char>(*p);
            switch (*p) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default: {
                const char escape[6] = {'\\', 'u', '0', '0', hex[u >> 4], hex[u & 0xf]};
                out.append(escape, 6);
            }
            }
            ++p;
        }
        out += '"';
    }

    static QByteArray timeText(qint64 usec)
    {
        const qint64 seconds = usec >= 0 ? usec / 1000000 : (usec - 999999) / 1000000;
        const qint64 fraction = usec - seconds * 1000000;
        // A flood writes many lines a second: format the date once per second.
        thread_local qint64 cachedSeconds = std::numeric_limits<qint64>::min();
        thread_local QByteArray cachedPrefix;
        if (seconds != cachedSeconds) {
            cachedSeconds = seconds;
            cachedPrefix = QDateTime::fromSecsSinceEpoch(seconds, Qt::UTC)
                               .toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss."))
                               .toLatin1();
        }
        char digits[8];
        qint64 rest = fraction;
        for (int i = 5; i >= 0; --i) {
            digits[i] = char('0' + rest % 10);
            rest /= 10;
        }
        digits[6] = 'Z';
        return cachedPrefix + QByteArrayView(digits, 7);
    }

private:
    QByteArray m_bytes;
};

QByteArray stringArray(const QStringList &list)
{
    QByteArray out = "[";
    for (const QString &item : list) {
        if (out.size() > 1)
            out += ',';
        out += Line::quoted(item.toUtf8());
    }
    return out + ']';
}

// Headers as [["Name","value"],…]: a list, not an object, because order and
// repeated names matter on the wire. Values are Latin-1 bytes in HTTP; they
// are written as the UTF-8 of those characters so that any byte survives.
QByteArray headerArray(const QList<HandshakeInfo::Header> &headers)
{
    QByteArray out = "[";
    for (const HandshakeInfo::Header &header : headers) {
        if (out.size() > 1)
            out += ',';
        out += '[' + Line::quoted(QString::fromLatin1(header.first).toUtf8()) + ','
            + Line::quoted(QString::fromLatin1(header.second).toUtf8()) + ']';
    }
    return out + ']';
}

QByteArrayView modeName(Session::Mode mode)
{
    return mode == Session::Mode::Direct ? "direct" : "tap";
}

// In a server connection the other side is its client: "peer", not "server".
QByteArrayView closerName(Session::Closer closer, bool server)
{
    switch (closer) {
    case Session::Closer::Us: return "us";
    case Session::Closer::Peer: return server ? "peer" : "server";
    case Session::Closer::Client: return "client";
    case Session::Closer::Unknown: return "unknown";
    case Session::Closer::Nobody: break;
    }
    return "nobody";
}

QByteArrayView eventName(MessageLog::Kind kind)
{
    switch (kind) {
    case MessageLog::Kind::Open: return "open";
    case MessageLog::Kind::Close: return "close";
    default: break;
    }
    return "error";
}

QByteArrayView tapEventName(TapRecord::Type type)
{
    switch (type) {
    case TapRecord::Type::ConnectRequested: return "connectRequested";
    case TapRecord::Type::DnsResolved: return "dnsResolved";
    case TapRecord::Type::TcpConnected: return "tcpConnected";
    case TapRecord::Type::TlsEstablished: return "tlsEstablished";
    case TapRecord::Type::Relaying: return "relaying";
    case TapRecord::Type::UpstreamFailed: return "upstreamFailed";
    case TapRecord::Type::Refused: return "refused";
    case TapRecord::Type::ServerClosed: return "serverClosed";
    case TapRecord::Type::ClientClosed: return "clientClosed";
    case TapRecord::Type::NotRecorded: return "notRecorded";
    case TapRecord::Type::ClientBytes:
    case TapRecord::Type::ServerBytes: break;
    }
    return {};
}

bool tapEventFrom(const QString &name, TapRecord::Type *type)
{
    for (const TapRecord::Type candidate :
         {TapRecord::Type::ConnectRequested, TapRecord::Type::DnsResolved, TapRecord::Type::TcpConnected,
          TapRecord::Type::TlsEstablished, TapRecord::Type::Relaying, TapRecord::Type::UpstreamFailed,
          TapRecord::Type::Refused, TapRecord::Type::ServerClosed, TapRecord::Type::ClientClosed,
          TapRecord::Type::NotRecorded}) {
        if (name == QLatin1StringView(tapEventName(candidate))) {
            *type = candidate;
            return true;
        }
    }
    return false;
}

// The last microsecond of year 9999, UTC: timeText() has four digits for the year.
constexpr qint64 MaxTimeUsec = 253402300799999999;
// Far past any message wsscope sends or accepts (2 GiB at most).
constexpr qint64 MaxPayloadBytes = qint64(1) << 40;

// A whole number of a line: `fallback` when the line does not have it; false,
// with *problem saying which line and why, when it is not a number, has a
// fraction or lies outside [min, max].
bool wholeNumber(const QJsonObject &object, QLatin1StringView key, qint64 min, qint64 max, qint64 fallback,
                 int lineNumber, qint64 *number, QString *problem)
{
    const QJsonValue value = object.value(key);
    if (value.isUndefined()) {
        *number = fallback;
        return true;
    }
    if (!value.isDouble()) {
        *problem = tr("Line %1: \"%2\" is not a number; reading stopped there.").arg(lineNumber).arg(key);
        return false;
    }
    // Integers that fit come exact; others as a double, which may be anything.
    const double d = value.toDouble();
    const qint64 n = value.toInteger(std::numeric_limits<qint64>::min());
    const bool whole = n != std::numeric_limits<qint64>::min() || d == double(n);
    if (!whole && std::floor(d) != d) {
        *problem = tr("Line %1: \"%2\" is %3, not a whole number; reading stopped there.")
                       .arg(lineNumber).arg(key).arg(QString::number(d, 'g', 17));
        return false;
    }
    if (!whole || n < min || n > max) {
        *problem = tr("Line %1: \"%2\" is %3, outside %4 to %5; reading stopped there.")
                       .arg(lineNumber).arg(key, whole ? QString::number(n) : QString::number(d, 'g', 17))
                       .arg(min).arg(max);
        return false;
    }
    *number = n;
    return true;
}

// ---- reading ----

// "yyyy-MM-ddTHH:mm:ss" as UTC seconds since the epoch, as
// QDateTime::fromString() with that format would read it, but without the
// time zone: a QDateTime in local time looks at /etc/localtime about sixteen
// times, which made reading a file a stat() storm.
bool utcSeconds(QStringView text, qint64 *seconds)
{
    if (text.size() != 19 || text.at(4) != u'-' || text.at(7) != u'-' || text.at(10) != u'T' || text.at(13) != u':'
        || text.at(16) != u':')
        return false;
    const auto number = [text](qsizetype at, qsizetype digits, int *value) {
        *value = 0;
        for (qsizetype i = at; i < at + digits; ++i) {
            const char16_t c = text.at(i).unicode();
            if (c < u'0' || c > u'9')
                return false;
            *value = *value * 10 + (c - u'0');
        }
        return true;
    };
    int year, month, day, hour, minute, second;
    if (!number(0, 4, &year) || !number(5, 2, &month) || !number(8, 2, &day) || !number(11, 2, &hour)
        || !number(14, 2, &minute) || !number(17, 2, &second))
        return false;
    const QDate date(year, month, day);
    if (!date.isValid() || !QTime::isValid(hour, minute, second))
        return false;
    constexpr qint64 EpochJulianDay = 2440588;   // 1970-01-01
    *seconds = (date.toJulianDay() - EpochJulianDay) * 86400 + hour * 3600 + minute * 60 + second;
    return true;
}

bool parseTime(const QJsonValue &value, qint64 *usec)
{
    if (value.isDouble()) {
        // Whole microseconds from 1970 to 9999; the text form's range is the caller's to check.
        const double d = value.toDouble();
        if (d < 0 || d > double(MaxTimeUsec) || std::floor(d) != d)
            return false;
        *usec = value.toInteger(qint64(d));
        return *usec >= 0 && *usec <= MaxTimeUsec;
    }
    const QString text = value.toString();
    // yyyy-MM-ddTHH:mm:ss[.ffffff]Z
    if (text.size() < 20 || !text.endsWith(u'Z'))
        return false;
    qint64 seconds = 0;
    if (!utcSeconds(QStringView(text).left(19), &seconds))
        return false;
    qint64 fraction = 0;
    if (text.size() > 20) {
        if (text.at(19) != u'.')
            return false;
        const QString digits = text.mid(20, text.size() - 21);
        // Digits only: toLongLong() would take a sign or spaces.
        if (digits.isEmpty() || digits.size() > 9 || !std::all_of(digits.begin(), digits.end(), [](QChar c) {
                return c >= u'0' && c <= u'9';
            }))
            return false;
        bool ok = false;
        fraction = digits.left(6).leftJustified(6, u'0').toLongLong(&ok);
        if (!ok)
            return false;
    }
    *usec = seconds * 1000000 + fraction;
    return true;
}

QByteArray base64(const QJsonValue &value, bool *ok)
{
    QByteArray::FromBase64Result decoded =
        QByteArray::fromBase64Encoding(value.toString().toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
    *ok = bool(decoded);
    return decoded.decoded;
}

QList<HandshakeInfo::Header> headersFrom(const QJsonValue &value)
{
    QList<HandshakeInfo::Header> headers;
    const QJsonArray array = value.toArray();
    for (const QJsonValue &item : array) {
        const QJsonArray pair = item.toArray();
        if (pair.size() == 2)
            headers.append({pair.at(0).toString().toLatin1(), pair.at(1).toString().toLatin1()});
    }
    return headers;
}

QStringList stringsFrom(const QJsonValue &value)
{
    QStringList list;
    const QJsonArray array = value.toArray();
    for (const QJsonValue &item : array)
        list << item.toString();
    return list;
}

Session::Closer closerFrom(const QString &name)
{
    if (name == u"us")
        return Session::Closer::Us;
    if (name == u"server" || name == u"peer")
        return Session::Closer::Peer;
    if (name == u"client")
        return Session::Closer::Client;
    if (name == u"unknown")
        return Session::Closer::Unknown;
    return Session::Closer::Nobody;
}

Session::Connection *findConnection(QList<Session::Connection> &connections, int id)
{
    for (Session::Connection &connection : connections) {
        if (connection.id == id)
            return &connection;
    }
    return nullptr;
}

bool readHandshake(const QJsonObject &object, HandshakeInfo *info, int lineNumber, QString *problem)
{
    bool ok = false;
    info->captured = object.value(QStringLiteral("captured")).toBool();
    const QJsonObject request = object.value(QStringLiteral("request")).toObject();
    info->requestLine = request.value(QStringLiteral("line")).toString().toLatin1();
    info->requestHeaders = headersFrom(request.value(QStringLiteral("headers")));
    info->requestRaw = base64(request.value(QStringLiteral("raw")), &ok);
    const QJsonObject response = object.value(QStringLiteral("response")).toObject();
    info->statusLine = response.value(QStringLiteral("status")).toString().toLatin1();
    info->responseHeaders = headersFrom(response.value(QStringLiteral("headers")));
    info->responseRaw = base64(response.value(QStringLiteral("raw")), &ok);
    info->responseBody = base64(response.value(QStringLiteral("body")), &ok);
    info->responseBodyRaw = base64(response.value(QStringLiteral("bodyRaw")), &ok);
    info->responseBodyTruncated = response.value(QStringLiteral("bodyTruncated")).toBool();
    info->subprotocol = object.value(QStringLiteral("subprotocol")).toString();
    info->extensions = object.value(QStringLiteral("extensions")).toString();
    const QJsonObject accept = object.value(QStringLiteral("accept")).toObject();
    info->accept.available = !accept.isEmpty();
    info->accept.key = accept.value(QStringLiteral("key")).toString().toLatin1();
    info->accept.sha1Hex = accept.value(QStringLiteral("sha1")).toString().toLatin1();
    info->accept.expected = accept.value(QStringLiteral("expected")).toString().toLatin1();
    info->accept.received = accept.value(QStringLiteral("received")).toString().toLatin1();
    info->accept.matches = accept.value(QStringLiteral("matches")).toBool();
    // -1 for a step that did not happen.
    const QJsonObject timing = object.value(QStringLiteral("timingUs")).toObject();
    for (const auto &[name, span] : {std::pair{"dns", &info->timing.dns}, std::pair{"tcp", &info->timing.tcp},
                                     std::pair{"tls", &info->timing.tls}, std::pair{"tunnel", &info->timing.tunnel},
                                     std::pair{"upgrade", &info->timing.upgrade}, std::pair{"total", &info->timing.total}}) {
        if (!wholeNumber(timing, QLatin1StringView(name), -1, MaxTimeUsec, -1, lineNumber, span, problem))
            return false;
    }
    qint64 usec = -1;
    if (parseTime(object.value(QStringLiteral("startTime")), &usec))
        info->startUsec = usec;
    if (parseTime(object.value(QStringLiteral("requestTime")), &usec))
        info->requestUsec = usec;
    if (parseTime(object.value(QStringLiteral("responseTime")), &usec))
        info->responseUsec = usec;
    info->serverAddress = object.value(QStringLiteral("serverAddress")).toString();
    const QJsonObject tls = object.value(QStringLiteral("tls")).toObject();
    info->hasTls = !tls.isEmpty();
    info->tls.protocol = tls.value(QStringLiteral("protocol")).toString();
    info->tls.cipher = tls.value(QStringLiteral("cipher")).toString();
    info->tls.errors = stringsFrom(tls.value(QStringLiteral("errors")));
    info->tls.errorsIgnored = tls.value(QStringLiteral("errorsIgnored")).toBool();
    const QStringList chain = stringsFrom(tls.value(QStringLiteral("chain")));
    for (const QString &pem : chain)
        info->tls.chain += QSslCertificate::fromData(pem.toLatin1(), QSsl::Pem);
    info->failure = object.value(QStringLiteral("failure")).toString();
    info->findings = stringsFrom(object.value(QStringLiteral("findings")));
    info->unknown = stringsFrom(object.value(QStringLiteral("unknown")));
    return true;
}

// Hands out the lines of a device one at a time from one buffer that every
// line reuses: the device is read in large chunks (one system call for
// thousands of lines), and the buffer grows only for a line longer than
// itself, up to the limit. A line is valid until the next call.
class LineReader
{
public:
    enum class Result { Line, End, TooLong, Cancelled, Failed };

    LineReader(QIODevice *in, qsizetype maxLineBytes, const std::atomic<bool> *cancel)
        : m_in(in)
        , m_max(maxLineBytes)
        , m_cancel(cancel)
    {
        m_buffer.resize(qMin<qsizetype>(ChunkBytes, m_max + 2));
    }

    // The next line, its '\n' included when it has one.
    Result next(QByteArrayView *line)
    {
        while (true) {
            if (const char *newline = static_cast<const char *>(
                    std::memchr(m_buffer.constData() + m_scan, '\n', size_t(m_end - m_scan)))) {
                const qsizetype stop = newline - m_buffer.constData() + 1;
                *line = QByteArrayView(m_buffer.constData() + m_begin, stop - m_begin);
                m_begin = m_scan = stop;
                return Result::Line;
            }
            m_scan = m_end;
            if (m_end - m_begin > m_max)
                return Result::TooLong;
            if (m_atEnd) {
                if (m_end == m_begin)
                    return Result::End;
                *line = QByteArrayView(m_buffer.constData() + m_begin, m_end - m_begin);
                m_begin = m_scan = m_end;
                return Result::Line;
            }
            if (m_cancel && m_cancel->load(std::memory_order_relaxed))
                return Result::Cancelled;
            // Room for the next chunk: the start of the line moves to the
            // front; a line that fills the buffer makes it grow.
            if (m_begin > 0) {
                std::memmove(m_buffer.data(), m_buffer.constData() + m_begin, size_t(m_end - m_begin));
                m_end -= m_begin;
                m_scan -= m_begin;
                m_begin = 0;
            }
            if (m_end == m_buffer.size())
                m_buffer.resize(qMin(m_buffer.size() * 2, m_max + 2));
            const qint64 n = m_in->read(m_buffer.data() + m_end, m_buffer.size() - m_end);
            if (n < 0 && m_end == m_begin)
                return Result::Failed;
            if (n <= 0)
                m_atEnd = true;
            else
                m_end += n;
        }
    }

private:
    static constexpr qsizetype ChunkBytes = 256 * 1024;

    QIODevice *m_in;
    const qsizetype m_max;
    const std::atomic<bool> *m_cancel;
    QByteArray m_buffer;
    qsizetype m_begin = 0;   // the line being read starts here
    qsizetype m_scan = 0;    // no '\n' before this
    qsizetype m_end = 0;     // bytes read so far end here
    bool m_atEnd = false;
};

// What QByteArray::trimmed() would leave empty.
bool isBlank(QByteArrayView line)
{
    for (const char c : line) {
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\v' && c != '\f')
            return false;
    }
    return true;
}

} // namespace

QByteArray jsonString(QByteArrayView utf8)
{
    return Line::quoted(utf8);
}

QByteArray timeText(qint64 usec)
{
    return Line::timeText(usec);
}

QByteArray headerLine(qint64 createdUsec)
{
    // The first line names the format instead of a type.
    const QByteArray out = "{\"format\":" + Line::quoted(FormatName) + ",\"version\":" + QByteArray::number(Version)
        + ",\"created\":" + Line::quoted(Line::timeText(createdUsec)) + ",\"generator\":"
        + Line::quoted(QByteArray(QByteArray("wsscope ") + QCoreApplication::applicationVersion().toUtf8())) + "}\n";
    return out;
}

QByteArray connectionLine(const Session::Connection &connection, const SessionExport::Options &options)
{
    Line line("connection");
    line.time("time", connection.startUsec)
        .number("connection", connection.id)
        .text("url", options.hidesValues() ? Secrets::maskedText(connection.url, options.maskedValues) : connection.url)
        .raw("subprotocols", stringArray(connection.subprotocols))
        .raw("headers", headerArray(options.maskSecrets ? Secrets::masked(connection.headers, options.maskedValues) : connection.headers))
        .text("origin", connection.origin)
        .string("mode", modeName(connection.mode))
        .boolean("insecure", connection.insecure)
        .number("handshakeTimeoutMs", connection.handshakeTimeoutMs);
    // A client of the server mode: wsscope was the server, `peer` the client.
    if (connection.server)
        line.boolean("server", true).text("peer", connection.peer);
    return line.finish();
}

QByteArray handshakeLine(const Session::Connection &connection, const SessionExport::Options &options)
{
    const HandshakeInfo &info = connection.handshake;
    const bool mask = options.maskSecrets;
    const QByteArray requestLine = options.hidesValues() ? Secrets::maskedPayload(info.requestLine, options.maskedValues)
                                                         : info.requestLine;
    QByteArray request = "{\"line\":" + Line::quoted(requestLine) + ",\"headers\":"
        + headerArray(mask ? Secrets::masked(info.requestHeaders, options.maskedValues) : info.requestHeaders) + ",\"raw\":"
        + Line::quoted((mask ? Secrets::maskedHead(info.requestRaw, options.maskedValues) : info.requestRaw).toBase64()) + '}';
    QByteArray response = "{\"status\":" + Line::quoted(info.statusLine) + ",\"headers\":"
        + headerArray(mask ? Secrets::masked(info.responseHeaders, options.maskedValues) : info.responseHeaders) + ",\"raw\":"
        + Line::quoted((mask ? Secrets::maskedHead(info.responseRaw, options.maskedValues) : info.responseRaw).toBase64()) + ",\"body\":"
        + Line::quoted(info.responseBody.toBase64())
        + (info.responseBodyRaw.isEmpty() ? QByteArray() : ",\"bodyRaw\":" + Line::quoted(info.responseBodyRaw.toBase64()))
        + ",\"bodyTruncated\":" + (info.responseBodyTruncated ? "true" : "false") + '}';
    Line line("handshake");
    line.time("time", connection.handshakeUsec)
        .number("connection", connection.id)
        .boolean("captured", info.captured)
        .boolean("opened", connection.opened)
        .raw("request", request)
        .raw("response", response)
        .text("subprotocol", info.subprotocol)
        .text("extensions", info.extensions);
    if (info.accept.available) {
        line.raw("accept", "{\"key\":" + Line::quoted(info.accept.key) + ",\"sha1\":" + Line::quoted(info.accept.sha1Hex)
                               + ",\"expected\":" + Line::quoted(info.accept.expected) + ",\"received\":"
                               + Line::quoted(info.accept.received) + ",\"matches\":"
                               + (info.accept.matches ? "true" : "false") + '}');
    }
    line.raw("timingUs", "{\"dns\":" + QByteArray::number(info.timing.dns) + ",\"tcp\":"
                             + QByteArray::number(info.timing.tcp) + ",\"tls\":" + QByteArray::number(info.timing.tls)
                             + ",\"tunnel\":" + QByteArray::number(info.timing.tunnel) + ",\"upgrade\":"
                             + QByteArray::number(info.timing.upgrade) + ",\"total\":"
                             + QByteArray::number(info.timing.total) + '}');
    if (info.startUsec >= 0)
        line.time("startTime", info.startUsec);
    if (info.requestUsec >= 0)
        line.time("requestTime", info.requestUsec);
    if (info.responseUsec >= 0)
        line.time("responseTime", info.responseUsec);
    if (!info.serverAddress.isEmpty())
        line.text("serverAddress", info.serverAddress);
    if (info.hasTls) {
        QStringList chain;
        for (const QSslCertificate &certificate : info.tls.chain)
            chain << QString::fromLatin1(certificate.toPem());
        line.raw("tls", "{\"protocol\":" + Line::quoted(info.tls.protocol.toUtf8()) + ",\"cipher\":"
                            + Line::quoted(info.tls.cipher.toUtf8()) + ",\"errors\":" + stringArray(info.tls.errors)
                            + ",\"errorsIgnored\":" + (info.tls.errorsIgnored ? "true" : "false")
                            + ",\"chain\":" + stringArray(chain) + '}');
    }
    if (!info.failure.isEmpty())
        line.text("failure", info.failure);
    if (!info.findings.isEmpty())
        line.raw("findings", stringArray(info.findings));
    if (!info.unknown.isEmpty())
        line.raw("unknown", stringArray(info.unknown));
    return line.finish();
}

QByteArray closeLine(const Session::Connection &connection)
{
    Line line("close");
    line.time("time", connection.endUsec)
        .number("connection", connection.id)
        .boolean("opened", connection.opened)
        .string("closer", closerName(connection.close.closer, connection.server))
        .number("code", connection.close.code)
        .text("reason", connection.close.reason)
        .boolean("closeHandshakeCompleted", connection.close.handshakeCompleted);
    if (connection.close.answerCode >= 0)
        line.number("answerCode", connection.close.answerCode);
    if (connection.close.oneByteClose)
        line.boolean("oneByteClose", true);
    return line.finish();
}

QByteArray rowLine(const MessageLog &log, int row)
{
    return rowLine(log.at(row), log.data(row));
}

QByteArray rowLine(const MessageLog::Entry &entry, QByteArrayView data)
{
    QByteArray out;
    appendRowLine(out, entry, data);
    return out;
}

bool payloadInWire(const MessageLog::Entry &entry, qsizetype size)
{
    return entry.direction == MessageLog::Direction::Received
        && (entry.kind == MessageLog::Kind::Text || entry.kind == MessageLog::Kind::Binary) && size > WirePayloadAbove;
}

void appendRowLine(QByteArray &out, const MessageLog::Entry &entry, QByteArrayView data, qint64 rttUsec,
                   qint32 wireMessage)
{
    // Written straight into `out`: the journal writes every row this way.
    const bool event = entry.direction == MessageLog::Direction::Local;
    out += event ? QByteArrayView("{\"type\":\"event\",\"time\":\"") : QByteArrayView("{\"type\":\"message\",\"time\":\"");
    out += Line::timeText(entry.timeUsec);
    if (event) {
        out += "\",\"kind\":\"";
        out += eventName(entry.kind);
        out += "\",\"text\":";
        Line::appendQuoted(out, data);
        out += "}\n";
        return;
    }
    out += "\",\"connection\":";
    out += QByteArray::number(entry.connection);
    out += entry.direction == MessageLog::Direction::Sent ? QByteArrayView(",\"dir\":\"send\",\"opcode\":")
                                                          : QByteArrayView(",\"dir\":\"receive\",\"opcode\":");
    out += QByteArray::number(MessageLog::opcodeOf(entry.kind));
    out += ",\"size\":";
    out += QByteArray::number(data.size());
    // Text as text; binary as base64; a ping or pong as text when it is UTF-8.
    if (wireMessage >= 0) {
        out += ",\"wireMessage\":";
        out += QByteArray::number(wireMessage);
    } else if (entry.kind == MessageLog::Kind::Text
        || ((entry.kind == MessageLog::Kind::Ping || entry.kind == MessageLog::Kind::Pong) && data.isValidUtf8())) {
        out += ",\"text\":";
        Line::appendQuoted(out, data);
    } else {
        out += ",\"base64\":\"";
        appendBase64(out, data);
        out += '"';
    }
    if (rttUsec >= 0 && entry.kind == MessageLog::Kind::Pong) {
        out += ",\"rttUs\":";
        out += QByteArray::number(rttUsec);
    }
    out += "}\n";
}

QByteArray endLine(qint64 timeUsec)
{
    return Line("end").time("time", timeUsec).finish();
}

void appendWireLine(QByteArray &out, int connection, const TapRecord &record)
{
    const bool bytes = record.type == TapRecord::Type::ClientBytes || record.type == TapRecord::Type::ServerBytes;
    out += bytes ? QByteArrayView("{\"type\":\"wire\",\"time\":\"") : QByteArrayView("{\"type\":\"tap\",\"time\":\"");
    out += Line::timeText(record.timeUsec);
    out += "\",\"connection\":";
    out += QByteArray::number(connection);
    if (bytes) {
        out += record.type == TapRecord::Type::ClientBytes ? QByteArrayView(",\"dir\":\"send\",\"base64\":\"")
                                                           : QByteArrayView(",\"dir\":\"receive\",\"base64\":\"");
        appendBase64(out, record.bytes);
        out += "\"}\n";
        return;
    }
    out += ",\"event\":\"";
    out += tapEventName(record.type);
    out += "\",\"text\":";
    Line::appendQuoted(out, record.text.toUtf8());
    out += "}\n";
}

bool write(const Session &session, QIODevice *out, const SessionExport::Options &options, QString *error)
{
    QByteArray buffer = headerLine(MessageLog::nowUsec());
    bool ok = true;
    const auto spill = [&] {
        if (buffer.size() < 1024 * 1024 || !ok)
            return;
        ok = out->write(buffer) == buffer.size();
        buffer.clear();
    };
    // Each connection's captured records follow its connection line, secrets
    // masked like the handshake's, so that a message line can say its
    // payload is in them instead of holding it a second time.
    QList<int> wireWritten;
    QSet<int> serverConnections;
    for (const Session::Connection &connection : session.connections()) {
        if (connection.server)
            serverConnections.insert(connection.id);
    }
    const auto writeWire = [&](int id) {
        if (wireWritten.contains(id))
            return;
        wireWritten.append(id);
        if (options.hidesValues())
            return;
        QList<TapRecord> records = WireStream::capturedRecords(session, id);
        if (options.maskSecrets)
            WireStream::maskSecrets(records, options.maskedValues);
        for (const TapRecord &record : std::as_const(records)) {
            appendWireLine(buffer, id, record);
            spill();
        }
    };
    SessionExport::walk(
        session,
        [&](int row) {
            const MessageLog::Entry &entry = session.log()->at(row);
            QByteArray masked;
            const QByteArrayView data = Secrets::maskedView(
                session.log()->data(row), options.hidesValues() ? options.maskedValues : QList<QByteArray>(), &masked);
            const bool pong = entry.kind == MessageLog::Kind::Pong && entry.direction == MessageLog::Direction::Received;
            // Only when the capture at hand holds that very message in the
            // wire lines written: a reopened file's rows may be numbered
            // apart from its wire (an old file of a ring log), so the bytes
            // are compared, not the size.
            // A server connection's received rows are its client's frames: kept in their lines.
            const bool inWire = !options.hidesValues() && payloadInWire(entry, data.size())
                && !serverConnections.contains(entry.connection)
                && wireWritten.contains(entry.connection)
                && session.captureHolds(entry.connection)
                && session.capture()->messageEquals(false, entry.sequence, data);
            appendRowLine(buffer, entry, data, pong ? session.rttOfPong(entry.connection, entry.sequence) : -1,
                          inWire ? entry.sequence : -1);
            spill();
        },
        [&](const Session::Connection &connection, SessionExport::Stage stage) {
            switch (stage) {
            case SessionExport::Stage::Start:
                buffer += connectionLine(connection, options);
                writeWire(connection.id);
                break;
            case SessionExport::Stage::Handshake: buffer += handshakeLine(connection, options); break;
            case SessionExport::Stage::End: buffer += closeLine(connection); break;
            }
            spill();
        });
    for (const Session::Connection &connection : session.connections())
        writeWire(connection.id);
    const QList<Session::Connection> &connections = session.connections();
    if (session.state() == Session::State::Closed && (connections.isEmpty() || connections.last().endUsec >= 0))
        buffer += endLine(connections.isEmpty() ? MessageLog::nowUsec() : connections.last().endUsec);
    if (ok)
        ok = out->write(buffer) == buffer.size();
    if (!ok && error)
        *error = out->errorString();
    return ok;
}

qsizetype lineLimit(const QIODevice *in)
{
    return in->isSequential() ? MaxStreamLineBytes : qMax(in->size(), MaxStreamLineBytes);
}

Loaded read(QIODevice *in, MessageLog *log, const std::atomic<bool> *cancel)
{
    Loaded loaded;
    const qsizetype maxLineBytes = lineLimit(in);
    int lineNumber = 0;
    const auto stop = [&loaded, &lineNumber](const QString &problem) {
        loaded.problem = problem;
        loaded.problemLine = lineNumber;
        return loaded;
    };
    // Per connection and direction: the count of data messages, pings and
    // pongs so far, which number the rows as the live session did.
    struct Counts
    {
        int data[2] = {0, 0};
        int pings[2] = {0, 0};
        int pongs[2] = {0, 0};
    };
    QHash<int, Counts> counts;
    bool headerSeen = false;
    QString problem;
    // Version 3: each connection's wire lines decoded as they come, for the
    // message lines whose payload is in them.
    std::map<int, std::unique_ptr<WireCapture>> decoded;

    // One huge line cannot take all the memory: the reader stops past the limit.
    LineReader reader(in, maxLineBytes, cancel);
    while (true) {
        QByteArrayView line;
        const LineReader::Result result = reader.next(&line);
        if (result == LineReader::Result::End)
            break;
        if (result == LineReader::Result::TooLong) {
            ++lineNumber;
            return stop(tr("Line %1 is longer than %2 MiB; reading stopped there.")
                            .arg(lineNumber).arg(maxLineBytes / (1024 * 1024)));
        }
        if (result == LineReader::Result::Failed) {
            ++lineNumber;
            return stop(tr("Line %1 could not be read (%2); reading stopped there.").arg(lineNumber).arg(in->errorString()));
        }
        ++lineNumber;
        if (result == LineReader::Result::Cancelled || (cancel && cancel->load(std::memory_order_relaxed)))
            return stop(tr("Reading was cancelled at line %1.").arg(lineNumber));
        const bool complete = line.endsWith('\n');
        if (isBlank(line))
            continue;
        QJsonParseError parseError;
        // The line's bytes stay in the reader's buffer: parsed in place, not copied.
        const QJsonDocument document =
            QJsonDocument::fromJson(QByteArray::fromRawData(line.data(), line.size()), &parseError);
        if (parseError.error != QJsonParseError::NoError || !document.isObject()) {
            if (!complete)
                return stop(tr("Line %1 is cut short (the file ends in the middle of it); everything before it "
                               "was read.").arg(lineNumber));
            return stop(parseError.error != QJsonParseError::NoError
                            ? tr("Line %1 is not valid JSON (%2 at character %3); reading stopped there.")
                                  .arg(lineNumber).arg(parseError.errorString()).arg(parseError.offset + 1)
                            : tr("Line %1 is not a JSON object; reading stopped there.").arg(lineNumber));
        }
        const QJsonObject object = document.object();
        if (!headerSeen) {
            if (object.value(QStringLiteral("format")).toString() != QLatin1StringView(FormatName))
                return stop(tr("This is not a wsscope session file: its first line does not say "
                               "\"format\": \"wsscope-session\"."));
            qint64 number = 0;
            if (!wholeNumber(object, QLatin1StringView("version"), 0, std::numeric_limits<int>::max(), -1, lineNumber,
                             &number, &problem))
                return stop(problem);
            const int version = int(number);
            loaded.version = version;
            if (version < OldestVersion || version > Version)
                return stop(tr("The file is version %1 of the session format; this wsscope reads version %2.")
                                .arg(version).arg(Version));
            headerSeen = true;
            loaded.valid = true;
            continue;
        }
        const QString type = object.value(QStringLiteral("type")).toString();
        qint64 time = 0;
        if (!parseTime(object.value(QStringLiteral("time")), &time) || time < 0 || time > MaxTimeUsec)
            return stop(tr("Line %1 has no valid \"time\" (a UTC time from 1970 to 9999); reading stopped there.")
                            .arg(lineNumber));
        // Each number of a line, checked before it is used: -1 when it is not there.
        const auto number = [&object, lineNumber, &problem](const char *key, qint64 min, qint64 max,
                                                           qint64 *value, qint64 fallback = -1) {
            return wholeNumber(object, QLatin1StringView(key), min, max, fallback, lineNumber, value, &problem);
        };
        qint64 connectionNumber = -1;
        if (!number("connection", 0, std::numeric_limits<int>::max(), &connectionNumber))
            return stop(problem);
        const int id = int(connectionNumber);

        if (type == u"message") {
            const QString dir = object.value(QStringLiteral("dir")).toString();
            qint64 opcodeNumber = -1;
            qint64 size = -1;
            if (!number("opcode", 0, 15, &opcodeNumber) || !number("size", 0, MaxPayloadBytes, &size))
                return stop(problem);
            const int opcode = int(opcodeNumber);
            MessageLog::Entry entry;
            entry.timeUsec = time;
            entry.connection = id;
            if (dir == u"send")
                entry.direction = MessageLog::Direction::Sent;
            else if (dir == u"receive")
                entry.direction = MessageLog::Direction::Received;
            else
                return stop(tr("Line %1: \"dir\" must be \"send\" or \"receive\".").arg(lineNumber));
            const int side = entry.direction == MessageLog::Direction::Sent ? 0 : 1;
            Counts &count = counts[id];
            switch (opcode) {
            case 1: entry.kind = MessageLog::Kind::Text; entry.sequence = count.data[side]++; break;
            case 2: entry.kind = MessageLog::Kind::Binary; entry.sequence = count.data[side]++; break;
            case 9: entry.kind = MessageLog::Kind::Ping; entry.sequence = count.pings[side]++; break;
            case 10: entry.kind = MessageLog::Kind::Pong; entry.sequence = count.pongs[side]++; break;
            default:
                return stop(tr("Line %1: opcode %2 is not a message, ping or pong.").arg(lineNumber).arg(opcode));
            }
            QByteArray data;
            if (object.contains(QStringLiteral("wireMessage"))) {
                qint64 wireMessage = -1;
                if (!number("wireMessage", 0, std::numeric_limits<int>::max() - 1, &wireMessage))
                    return stop(problem);
                const int message = int(wireMessage);
                const auto it = decoded.find(id);
                // Numbers only go up, as on the wire: no payload is taken twice.
                if (entry.direction != MessageLog::Direction::Received || (opcode != 1 && opcode != 2)
                    || message < entry.sequence || it == decoded.end() || !it->second->messageBytes(false, message, &data)
                    || data.size() != size)
                    return stop(tr("Line %1: the message's payload is not in the wire lines before it; reading "
                                   "stopped there.").arg(lineNumber));
                // Numbered as on the wire, and the lines after it from there.
                entry.sequence = message;
                count.data[side] = message + 1;
            } else if (object.contains(QStringLiteral("text"))) {
                data = object.value(QStringLiteral("text")).toString().toUtf8();
            } else {
                bool ok = false;
                data = base64(object.value(QStringLiteral("base64")), &ok);
                if (!ok)
                    return stop(tr("Line %1: \"base64\" is not valid base64.").arg(lineNumber));
            }
            qint64 rtt = -1;
            if (!number("rttUs", 0, MaxTimeUsec, &rtt))
                return stop(problem);
            log->restore(entry, data);
            ++loaded.rows;
            if (entry.kind == MessageLog::Kind::Pong && entry.direction == MessageLog::Direction::Received && rtt >= 0) {
                if (Session::Connection *connection = findConnection(loaded.connections, id))
                    connection->rtts.append({time, rtt, entry.sequence});
            }
        } else if (type == u"event") {
            const QString kind = object.value(QStringLiteral("kind")).toString();
            MessageLog::Entry entry;
            entry.timeUsec = time;
            entry.direction = MessageLog::Direction::Local;
            entry.kind = kind == u"open" ? MessageLog::Kind::Open
                : kind == u"close"        ? MessageLog::Kind::Close
                                          : MessageLog::Kind::Error;
            log->restore(entry, object.value(QStringLiteral("text")).toString().toUtf8());
            ++loaded.rows;
        } else if (type == u"connection") {
            if (id < 0)
                return stop(tr("Line %1: a connection needs a \"connection\" number.").arg(lineNumber));
            Session::Connection connection;
            connection.id = id;
            connection.startUsec = time;
            connection.url = object.value(QStringLiteral("url")).toString();
            connection.subprotocols = stringsFrom(object.value(QStringLiteral("subprotocols")));
            connection.headers = headersFrom(object.value(QStringLiteral("headers")));
            connection.origin = object.value(QStringLiteral("origin")).toString();
            connection.mode = object.value(QStringLiteral("mode")).toString() == u"direct" ? Session::Mode::Direct
                                                                                           : Session::Mode::Tap;
            connection.insecure = object.value(QStringLiteral("insecure")).toBool();
            connection.server = object.value(QStringLiteral("server")).toBool();
            connection.peer = object.value(QStringLiteral("peer")).toString();
            qint64 timeoutMs = 0;
            if (!number("handshakeTimeoutMs", 1, std::numeric_limits<int>::max(), &timeoutMs,
                        Session::DefaultHandshakeTimeoutMs))
                return stop(problem);
            connection.handshakeTimeoutMs = int(timeoutMs);
            connection.handshake.url = connection.url;
            loaded.connections.append(connection);
        } else if (type == u"handshake" || type == u"close") {
            Session::Connection *connection = findConnection(loaded.connections, id);
            if (!connection)
                return stop(tr("Line %1 names connection %2, which no earlier line opened.").arg(lineNumber).arg(id));
            if (type == u"handshake") {
                connection->handshakeUsec = time;
                connection->opened = object.value(QStringLiteral("opened")).toBool();
                if (!readHandshake(object, &connection->handshake, lineNumber, &problem))
                    return stop(problem);
                connection->handshake.url = connection->url;
            } else {
                connection->endUsec = time;
                connection->opened = object.value(QStringLiteral("opened")).toBool(connection->opened);
                connection->close.closer = closerFrom(object.value(QStringLiteral("closer")).toString());
                qint64 code = 0;
                if (!number("code", 0, 65535, &code, 1006))
                    return stop(problem);
                connection->close.code = int(code);
                connection->close.reason = object.value(QStringLiteral("reason")).toString();
                connection->close.handshakeCompleted = object.value(QStringLiteral("closeHandshakeCompleted")).toBool();
                const int answer = object.value(QStringLiteral("answerCode")).toInt(-1);
                connection->close.answerCode = answer >= 0 && answer <= 65535 ? answer : -1;
                connection->close.oneByteClose = object.value(QStringLiteral("oneByteClose")).toBool();
            }
        } else if (type == u"wire" || type == u"tap") {
            TapRecord record;
            record.timeUsec = time;
            if (type == u"wire") {
                const QString dir = object.value(QStringLiteral("dir")).toString();
                if (dir != u"send" && dir != u"receive")
                    return stop(tr("Line %1: \"dir\" must be \"send\" or \"receive\".").arg(lineNumber));
                record.type = dir == u"send" ? TapRecord::Type::ClientBytes : TapRecord::Type::ServerBytes;
                bool ok = false;
                record.bytes = base64(object.value(QStringLiteral("base64")), &ok);
                if (!ok)
                    return stop(tr("Line %1: \"base64\" is not valid base64.").arg(lineNumber));
            } else {
                if (!tapEventFrom(object.value(QStringLiteral("event")).toString(), &record.type))
                    continue;   // a step of a later revision
                record.text = object.value(QStringLiteral("text")).toString();
            }
            if (loaded.version >= 3) {
                std::unique_ptr<WireCapture> &capture = decoded[id];
                if (!capture)
                    capture = std::make_unique<WireCapture>();
                capture->addRecords({record});
            }
            loaded.wire[id].append(record);
        } else if (type == u"end") {
            loaded.ended = true;
        }
        // Other types are from a later minor revision: skipped, not fatal.
    }
    if (!headerSeen)
        return stop(tr("The file is empty."));
    return loaded;
}

bool openFile(QFile *file, const QString &path, QString *error)
{
    QString why;
    if (InputFile::open(file, path, InputFile::AnySize, &why))
        return true;
    if (error)
        *error = tr("Cannot open %1: %2").arg(QDir::toNativeSeparators(path), why);
    return false;
}

bool load(const QString &path, Session *session, Loaded *loaded, QString *error)
{
    QFile file;
    if (!openFile(&file, path, error))
        return false;
    MessageLog rows;
    Loaded result = read(&file, &rows);
    if (!result.valid) {
        if (error)
            *error = result.problem;
        *loaded = result;
        return false;
    }
    session->log()->clear();
    session->log()->adopt(rows);
    bool exact = false;
    const QList<TapRecord> wire = wireOf(result, *session->log(), &exact);
    show(result, wire, exact, session);
    *loaded = result;
    return true;
}

QList<TapRecord> wireOf(const Loaded &loaded, const MessageLog &log, bool *exact)
{
    *exact = false;
    if (loaded.connections.isEmpty())
        return {};
    const Session::Connection &last = loaded.connections.last();
    const QList<TapRecord> saved = loaded.wire.value(last.id);
    if (!saved.isEmpty()) {
        *exact = true;
        return saved;
    }
    return WireStream::tapRecords(WireStream::forConnection(last, log, nullptr, false, {}));
}

void show(const Loaded &loaded, const QList<TapRecord> &wire, bool exact, Session *session)
{
    session->loadSaved(loaded.connections, wire, exact);
    QHash<int, QList<TapRecord>> others = loaded.wire;
    if (exact && !loaded.connections.isEmpty())
        others.remove(loaded.connections.last().id);
    session->setSavedWire(others);
}

} // namespace SessionFile
