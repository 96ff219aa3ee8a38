#include "secrets.h"

namespace Secrets {

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
        }
        lineStart = lineEnd < result.size() ? lineEnd : -1;
    }
    return result;
}

} // namespace Secrets
