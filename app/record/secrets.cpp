#include "secrets.h"

#include <QMutex>
#include <QUrl>

#include <algorithm>

namespace Secrets {

namespace {

QMutex valuesLock;
QList<QByteArray> extraValues;   // longest first

// Hides each extra value inside [from, to) of `text`.
void maskValues(QByteArray &text, qsizetype from, qsizetype to)
{
    const QList<QByteArray> values = maskedValues();
    for (const QByteArray &value : values) {
        qsizetype at = text.indexOf(value, from);
        while (at >= 0 && at + value.size() <= to) {
            for (qsizetype i = at; i < at + value.size(); ++i)
                text[i] = '*';
            at = text.indexOf(value, at + value.size());
        }
    }
}

} // namespace

void setMaskedValues(const QList<QByteArray> &values)
{
    QList<QByteArray> kept;
    for (const QByteArray &value : values) {
        if (value.size() >= MinMaskedValue && !kept.contains(value))
            kept.append(value);
    }
    std::sort(kept.begin(), kept.end(), [](const QByteArray &a, const QByteArray &b) { return a.size() > b.size(); });
    const QMutexLocker locker(&valuesLock);
    extraValues = kept;
}

void setMaskedTexts(const QStringList &texts)
{
    QList<QByteArray> values;
    for (const QString &text : texts)
        values << text.toUtf8() << text.toLatin1() << QUrl::toPercentEncoding(text);
    setMaskedValues(values);
}

QList<QByteArray> maskedValues()
{
    const QMutexLocker locker(&valuesLock);
    return extraValues;
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

QList<HandshakeInfo::Header> masked(const QList<HandshakeInfo::Header> &headers)
{
    QList<HandshakeInfo::Header> result = headers;
    for (HandshakeInfo::Header &header : result) {
        if (isSecret(header.first))
            header.second.fill('*');
        else
            maskValues(header.second, 0, header.second.size());
    }
    return result;
}

QByteArray maskedHead(const QByteArray &head)
{
    QByteArray result = head;
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
            maskValues(result, colon + 1, lineEnd);
        }
        lineStart = lineEnd < result.size() ? lineEnd : -1;
    }
    return result;
}

} // namespace Secrets
