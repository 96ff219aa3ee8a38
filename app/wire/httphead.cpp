#include "httphead.h"

#include <QCoreApplication>

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("HttpHeadParser", text);
}

bool isTokenChar(char c)
{
    static constexpr QByteArrayView specials = "!#$%&'*+-.^_`|~";
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || specials.contains(c);
}

bool isToken(QByteArrayView text)
{
    if (text.isEmpty())
        return false;
    for (char c : text) {
        if (!isTokenChar(c))
            return false;
    }
    return true;
}

QByteArray trimmedSpaces(QByteArrayView text)
{
    qsizetype begin = 0;
    qsizetype end = text.size();
    while (begin < end && (text[begin] == ' ' || text[begin] == '\t'))
        ++begin;
    while (end > begin && (text[end - 1] == ' ' || text[end - 1] == '\t'))
        --end;
    return text.sliced(begin, end - begin).toByteArray();
}

} // namespace

QByteArray HttpHead::value(QByteArrayView name) const
{
    for (const Header &header : headers) {
        if (QByteArrayView(header.first).compare(name, Qt::CaseInsensitive) == 0)
            return header.second;
    }
    return {};
}

QList<QByteArray> HttpHead::values(QByteArrayView name) const
{
    QList<QByteArray> result;
    for (const Header &header : headers) {
        if (QByteArrayView(header.first).compare(name, Qt::CaseInsensitive) == 0)
            result << header.second;
    }
    return result;
}

bool HttpHead::has(QByteArrayView name) const
{
    for (const Header &header : headers) {
        if (QByteArrayView(header.first).compare(name, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

HttpHeadParser::HttpHeadParser(Kind kind)
    : m_kind(kind)
{
}

void HttpHeadParser::reset()
{
    m_status = Status::NeedMore;
    m_buffer.clear();
    m_head = {};
    m_error.clear();
}

HttpHeadParser::Status HttpHeadParser::status() const
{
    return m_status;
}

const HttpHead &HttpHeadParser::head() const
{
    return m_head;
}

QString HttpHeadParser::errorString() const
{
    return m_error;
}

void HttpHeadParser::setError(const QString &message)
{
    m_status = Status::Error;
    m_error = message;
}

qsizetype HttpHeadParser::feed(QByteArrayView data)
{
    if (m_status != Status::NeedMore || data.isEmpty())
        return 0;
    // The end marker may straddle the previous piece and this one: search
    // from three bytes before the new data.
    const qsizetype searchFrom = qMax<qsizetype>(0, m_buffer.size() - 3);
    m_buffer.append(data);
    const qsizetype end = m_buffer.indexOf("\r\n\r\n", searchFrom);
    if (end < 0) {
        // A blank line of LF alone would otherwise be waited past for good.
        if (m_buffer.indexOf("\n\n", qMax<qsizetype>(0, searchFrom - 1)) >= 0)
            setError(tr("The HTTP head's lines end with LF alone; HTTP ends each line with CR LF."));
        else if (m_buffer.size() > MaxHeadBytes)
            setError(tr("The HTTP head is larger than %1 KiB.").arg(MaxHeadBytes / 1024));
        return data.size();
    }
    const qsizetype headSize = end + 4;
    if (headSize > MaxHeadBytes) {
        setError(tr("The HTTP head is larger than %1 KiB.").arg(MaxHeadBytes / 1024));
        return data.size();
    }
    const qsizetype taken = data.size() - (m_buffer.size() - headSize);
    m_buffer.truncate(headSize);
    m_head.raw = m_buffer;
    parse();
    return taken;
}

void HttpHeadParser::parse()
{
    const QList<QByteArray> lines = m_head.raw.chopped(4).split('\n');
    QList<QByteArray> clean;
    clean.reserve(lines.size());
    for (int i = 0; i < lines.size(); ++i) {
        QByteArray line = lines.at(i);
        if (!line.endsWith('\r') && i + 1 < lines.size())
            return setError(tr("Line %1 of the HTTP head ends without CR LF.").arg(i + 1));
        if (line.endsWith('\r'))
            line.chop(1);
        clean << line;
    }
    // The last line had its CR LF removed with the blank line; the split leaves it bare.

    m_head.startLine = clean.value(0);
    const QList<QByteArray> parts = m_head.startLine.split(' ');
    if (m_kind == Kind::Request) {
        if (parts.size() != 3 || !isToken(parts.at(0)) || parts.at(1).isEmpty() || !parts.at(2).startsWith("HTTP/"))
            return setError(tr("The request line \"%1\" is not METHOD TARGET HTTP/x.y.")
                                .arg(QString::fromLatin1(m_head.startLine)));
        m_head.method = parts.at(0);
        m_head.target = parts.at(1);
        m_head.version = parts.at(2);
    } else {
        if (parts.size() < 2 || !parts.at(0).startsWith("HTTP/"))
            return setError(tr("The status line \"%1\" is not HTTP/x.y CODE REASON.")
                                .arg(QString::fromLatin1(m_head.startLine.left(200))));
        bool ok = false;
        const int status = parts.at(1).toInt(&ok);
        if (!ok || parts.at(1).size() != 3 || status < 100)
            return setError(tr("The status code \"%1\" is not a three-digit number.")
                                .arg(QString::fromLatin1(parts.at(1).left(20))));
        m_head.version = parts.at(0);
        m_head.status = status;
        const qsizetype reasonStart = parts.at(0).size() + 1 + parts.at(1).size() + 1;
        m_head.reason = m_head.startLine.mid(reasonStart);
    }

    for (int i = 1; i < clean.size(); ++i) {
        const QByteArray &line = clean.at(i);
        if (line.startsWith(' ') || line.startsWith('\t'))
            return setError(tr("Line %1 continues a header with leading white space (obsolete folding).").arg(i + 1));
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0 || !isToken(QByteArrayView(line).first(colon)))
            return setError(tr("Line %1 is not a header (NAME: value): \"%2\".")
                                .arg(i + 1)
                                .arg(QString::fromLatin1(line.left(200))));
        m_head.headers.append({line.left(colon), trimmedSpaces(QByteArrayView(line).sliced(colon + 1))});
    }
    m_status = Status::Done;
}

HttpBodyDecoder::HttpBodyDecoder(const HttpHead &response, qsizetype keep)
    : m_status(Status::NeedMore)
    , m_keep(keep)
{
    if ((response.status >= 100 && response.status < 200) || response.status == 204 || response.status == 304) {
        m_status = Status::Done;
        return;
    }
    const QList<QByteArray> codings = response.values("Transfer-Encoding");
    if (!codings.isEmpty()) {
        // Chunked is the last coding when it is there at all; anything else
        // ends with the connection.
        const QByteArray last = codings.last().split(',').last().trimmed().toLower();
        m_framing = last == "chunked" ? Framing::Chunked : Framing::UntilClose;
        return;
    }
    const QList<QByteArray> lengths = response.values("Content-Length");
    if (lengths.isEmpty()) {
        m_framing = Framing::UntilClose;
        return;
    }
    m_framing = Framing::Length;
    // Repeated values (in one header or several) must agree.
    for (const QByteArray &header : lengths) {
        for (const QByteArray &item : header.split(',')) {
            const QByteArray digits = item.trimmed();
            bool ok = !digits.isEmpty() && digits.size() <= 18;
            for (const char c : digits)
                ok = ok && c >= '0' && c <= '9';
            const qint64 value = ok ? digits.toLongLong() : -1;
            if (!ok || (m_expected >= 0 && value != m_expected)) {
                setError(tr("Content-Length \"%1\" is not one number of bytes.")
                             .arg(QString::fromLatin1(lengths.join(", ").left(100))));
                return;
            }
            m_expected = value;
        }
    }
    if (m_expected == 0)
        m_status = Status::Done;
}

HttpBodyDecoder::Framing HttpBodyDecoder::framing() const
{
    return m_framing;
}

HttpBodyDecoder::Status HttpBodyDecoder::status() const
{
    return m_status;
}

QByteArray HttpBodyDecoder::decoded() const
{
    return m_body;
}

bool HttpBodyDecoder::truncated() const
{
    return m_decoded > m_body.size();
}

qint64 HttpBodyDecoder::decodedSize() const
{
    return m_decoded;
}

QString HttpBodyDecoder::errorString() const
{
    return m_error;
}

void HttpBodyDecoder::setError(const QString &message)
{
    m_status = Status::Error;
    m_error = message;
}

void HttpBodyDecoder::keep(QByteArrayView data)
{
    m_decoded += data.size();
    const qsizetype room = m_keep - m_body.size();
    if (room > 0)
        m_body.append(data.first(qMin(room, data.size())));
}

// Collects one line across pieces; true once its LF is in, with the CR LF removed.
bool HttpBodyDecoder::takeLine(QByteArrayView data, qsizetype *used, QByteArray *line)
{
    const qsizetype lf = data.indexOf('\n');
    // Never more than one byte past the limit, so that the error comes at
    // the same byte however the body is cut into pieces.
    const qsizetype take = qMin<qsizetype>(lf < 0 ? data.size() : lf + 1, MaxLineBytes + 1 - m_line.size());
    m_line.append(data.first(take));
    *used = take;
    if (m_line.size() > MaxLineBytes) {
        setError(tr("A line of the chunked body is longer than %1 bytes.").arg(MaxLineBytes));
        return false;
    }
    if (!m_line.endsWith('\n'))
        return false;
    m_line.chop(1);
    if (m_line.endsWith('\r'))
        m_line.chop(1);
    *line = std::exchange(m_line, {});
    return true;
}

qsizetype HttpBodyDecoder::feed(QByteArrayView data)
{
    if (m_status != Status::NeedMore)
        return 0;
    switch (m_framing) {
    case Framing::None:
        return 0;
    case Framing::UntilClose:
        keep(data);
        return data.size();
    case Framing::Length: {
        const qsizetype take = qsizetype(qMin<qint64>(m_expected - m_decoded, data.size()));
        keep(data.first(take));
        if (m_decoded == m_expected)
            m_status = Status::Done;
        return take;
    }
    case Framing::Chunked:
        break;
    }
    qsizetype at = 0;
    while (at < data.size() && m_status == Status::NeedMore) {
        const QByteArrayView rest = data.sliced(at);
        qsizetype used = 0;
        QByteArray line;
        switch (m_step) {
        case Step::Size: {
            if (!takeLine(rest, &used, &line))
                break;
            const qsizetype semicolon = line.indexOf(';');   // chunk extensions are ignored
            const QByteArray hex = (semicolon < 0 ? line : line.left(semicolon)).trimmed();
            bool ok = !hex.isEmpty() && hex.size() <= 15;
            for (const char c : hex)
                ok = ok && QByteArrayView("0123456789abcdefABCDEF").contains(c);
            if (!ok) {
                setError(tr("The chunk size \"%1\" is not a hexadecimal number.").arg(QString::fromLatin1(line.left(40))));
                break;
            }
            m_chunkLeft = hex.toLongLong(nullptr, 16);
            m_step = m_chunkLeft == 0 ? Step::Trailer : Step::Data;
            break;
        }
        case Step::Data:
            used = qsizetype(qMin<qint64>(m_chunkLeft, rest.size()));
            keep(rest.first(used));
            m_chunkLeft -= used;
            if (m_chunkLeft == 0)
                m_step = Step::DataEnd;
            break;
        case Step::DataEnd:
            if (!takeLine(rest, &used, &line))
                break;
            if (!line.isEmpty())
                setError(tr("A chunk is not followed by CR LF."));
            m_step = Step::Size;
            break;
        case Step::Trailer:
            // Trailer fields, if any, end with an empty line like a head.
            if (takeLine(rest, &used, &line) && line.isEmpty())
                m_status = Status::Done;
            break;
        }
        at += used;
    }
    return at;
}

void HttpBodyDecoder::end()
{
    if (m_status != Status::NeedMore)
        return;
    if (m_framing == Framing::UntilClose) {
        m_status = Status::Done;
        return;
    }
    if (m_framing == Framing::Length)
        setError(tr("The connection ended after %1 of the %2 bytes of Content-Length.").arg(m_decoded).arg(m_expected));
    else
        setError(tr("The connection ended before the last chunk (%1 bytes decoded).").arg(m_decoded));
}
