#include "payloadformat.h"

#include <QCoreApplication>

namespace PayloadFormat {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("PayloadFormat", text);
}

int hexValue(QChar c)
{
    const char16_t u = c.unicode();
    if (u >= u'0' && u <= u'9')
        return u - u'0';
    if (u >= u'a' && u <= u'f')
        return u - u'a' + 10;
    if (u >= u'A' && u <= u'F')
        return u - u'A' + 10;
    return -1;
}

bool isSeparator(QChar c)
{
    return c.isSpace() || c == u',' || c == u':' || c == u'-';
}

} // namespace

QString textPreview(QByteArrayView utf8, int maxChars)
{
    // A UTF-8 character is at most 4 bytes: decoding this much is enough for
    // maxChars characters, and a 16 MiB message costs no more than a short one.
    const qsizetype window = qsizetype(maxChars) * 4 + 4;
    const bool cut = utf8.size() > window;
    const QString decoded = QString::fromUtf8(cut ? utf8.first(window) : utf8);

    QString line;
    line.reserve(qMin<qsizetype>(decoded.size(), maxChars) + 1);
    bool truncated = cut;
    for (const QChar c : decoded) {
        if (line.size() >= maxChars) {
            truncated = true;
            break;
        }
        if (c == u'\n')
            line += QChar(0x21B5);          // ↵
        else if (c == u'\r')
            continue;
        else if (c == u'\t')
            line += QChar(0x2192);          // →
        else if (c.category() == QChar::Other_Control || c.category() == QChar::Other_Format)
            line += QChar(0xFFFD);          // invisible characters stay visible
        else
            line += c;
    }
    if (truncated)
        line += QChar(0x2026);              // …
    return line;
}

QString hexPreview(QByteArrayView bytes, int maxBytes)
{
    const QByteArray head = bytes.first(qMin<qsizetype>(bytes.size(), maxBytes)).toByteArray();
    QString out = QString::fromLatin1(head.toHex(' '));
    if (bytes.size() > maxBytes)
        out += QStringLiteral(" ") + QChar(0x2026);
    return out;
}

QString hexDump(const QByteArray &bytes)
{
    return hexDump(QByteArrayView(bytes), 0);
}

QString hexDump(QByteArrayView bytes, qint64 firstOffset)
{
    QString out;
    out.reserve(bytes.size() * 4 + 16);
    for (qsizetype line = 0; line < bytes.size(); line += 16) {
        const QByteArrayView chunk = bytes.sliced(line, qMin<qsizetype>(16, bytes.size() - line));
        out += QStringLiteral("%1  ").arg(firstOffset + line, 8, 16, QLatin1Char('0'));
        for (int i = 0; i < 16; ++i) {
            out += i < chunk.size() ? QStringLiteral("%1 ").arg(uchar(chunk.at(i)), 2, 16, QLatin1Char('0'))
                                    : QStringLiteral("   ");
            if (i == 7)
                out += u' ';
        }
        out += QStringLiteral(" |");
        for (const char c : chunk)
            out += (c >= 0x20 && c < 0x7f) ? QChar::fromLatin1(c) : QChar(u'.');
        out += QStringLiteral("|\n");
    }
    return out;
}

HexResult parseHex(const QString &input)
{
    HexResult result;
    result.bytes.reserve(input.size() / 2);
    int high = -1;
    int highAt = -1;
    const auto fail = [&result](int at, const QString &message) {
        result.error = message;
        result.errorOffset = at;
        result.bytes.clear();
        return result;
    };
    const auto unpaired = [&fail](int at) {
        return fail(at, tr("Hex digit at position %1 has no partner: write bytes as two digits, like 0a.")
                            .arg(at + 1));
    };
    for (int i = 0; i < input.size(); ++i) {
        const QChar c = input.at(i);
        if (high < 0 && c == u'0' && i + 1 < input.size()
            && (input.at(i + 1) == u'x' || input.at(i + 1) == u'X')) {
            ++i;                            // "0x" prefix
            continue;
        }
        if (isSeparator(c)) {
            if (high >= 0)
                return unpaired(highAt);
            continue;
        }
        const int value = hexValue(c);
        if (value < 0)
            return fail(i, tr("'%1' at position %2 is not a hex digit.").arg(c).arg(i + 1));
        if (high < 0) {
            high = value;
            highAt = i;
        } else {
            result.bytes.append(char(high * 16 + value));
            high = -1;
        }
    }
    if (high >= 0)
        return unpaired(highAt);
    return result;
}

} // namespace PayloadFormat
