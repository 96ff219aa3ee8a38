#include "secrets.h"

#include <QUrl>

#include <algorithm>

namespace Secrets {

namespace {

// Hides each value inside [from, to) of `text`; `values` longest first.
void maskValues(QByteArray &text, qsizetype from, qsizetype to, const QList<QByteArray> &values)
{
    for (const QByteArray &value : values) {
        if (value.size() < MinMaskedValue)
            continue;
        qsizetype at = text.indexOf(value, from);
        while (at >= 0 && at + value.size() <= to) {
            for (qsizetype i = at; i < at + value.size(); ++i)
                text[i] = '*';
            at = text.indexOf(value, at + value.size());
        }
    }
}

} // namespace

QList<QByteArray> valueForms(const QStringList &texts)
{
    QList<QByteArray> kept;
    for (const QString &text : texts) {
        for (const QByteArray &value : {text.toUtf8(), text.toLatin1(), QUrl::toPercentEncoding(text)}) {
            if (value.size() >= MinMaskedValue && !kept.contains(value))
                kept.append(value);
        }
    }
    std::stable_sort(kept.begin(), kept.end(),
                     [](const QByteArray &a, const QByteArray &b) { return a.size() > b.size(); });
    return kept;
}

bool isSecret(QByteArrayView headerName)
{
    static constexpr QByteArrayView names[] = {"authorization", "cookie", "set-cookie", "proxy-authorization"};
    const QByteArray lower = headerName.toByteArray().trimmed().toLower();
    for (const QByteArrayView name : names) {
        if (lower == name)
            return true;
    }
    return false;
}

QList<HandshakeInfo::Header> masked(const QList<HandshakeInfo::Header> &headers, const QList<QByteArray> &values)
{
    QList<HandshakeInfo::Header> result = headers;
    for (HandshakeInfo::Header &header : result) {
        if (isSecret(header.first))
            header.second.fill('*');
        else
            maskValues(header.second, 0, header.second.size(), values);
    }
    return result;
}

QByteArray maskedPayload(QByteArrayView data, const QList<QByteArray> &values)
{
    QByteArray result = data.toByteArray();
    maskValues(result, 0, result.size(), values);
    return result;
}

QByteArrayView maskedView(QByteArrayView data, const QList<QByteArray> &values, QByteArray *storage)
{
    if (values.isEmpty())
        return data;
    *storage = maskedPayload(data, values);
    return *storage;
}

QString maskedText(const QString &text, const QList<QByteArray> &values)
{
    if (values.isEmpty())
        return text;
    return QString::fromUtf8(maskedPayload(text.toUtf8(), values));
}

QByteArray maskedHead(const QByteArray &head, const QList<QByteArray> &values)
{
    QByteArray result = head;
    const qsizetype startEnd = result.indexOf('\n');
    maskValues(result, 0, startEnd < 0 ? result.size() : startEnd, values);
    qsizetype lineStart = result.indexOf('\n');   // the request or status line holds no header
    while (lineStart >= 0 && lineStart + 1 < result.size()) {
        ++lineStart;
        qsizetype lineEnd = result.indexOf('\n', lineStart);
        if (lineEnd < 0)
            lineEnd = result.size();
        const qsizetype colon = result.indexOf(':', lineStart);
        if (colon > lineStart && colon < lineEnd && isSecret(QByteArrayView(result).sliced(lineStart, colon - lineStart))) {
            qsizetype valueEnd = lineEnd;
            if (valueEnd > colon && result.at(valueEnd - 1) == '\r')
                --valueEnd;
            qsizetype valueStart = colon + 1;
            while (valueStart < valueEnd && (result.at(valueStart) == ' ' || result.at(valueStart) == '\t'))
                ++valueStart;
            for (qsizetype i = valueStart; i < valueEnd; ++i)
                result[i] = '*';
        } else if (colon > lineStart && colon < lineEnd) {
            maskValues(result, colon + 1, lineEnd, values);
        }
        lineStart = lineEnd < result.size() ? lineEnd : -1;
    }
    return result;
}

} // namespace Secrets
