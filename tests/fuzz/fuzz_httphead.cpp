// libFuzzer target for HttpHeadParser and HttpBodyDecoder. The first byte
// picks where the input is split; parsing the rest whole and in two pieces
// must agree, and nothing may crash, hang or read out of bounds.
#include "wire/httphead.h"

#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    const QByteArray input(reinterpret_cast<const char *>(data + 2), qsizetype(size - 2));
    const auto kind = (data[0] & 1) ? HttpHeadParser::Kind::Request : HttpHeadParser::Kind::Response;
    const qsizetype split = input.isEmpty() ? 0 : qsizetype(data[1]) % input.size();

    HttpHeadParser whole(kind);
    const qsizetype wholeTaken = whole.feed(input);

    HttpHeadParser pieces(kind);
    qsizetype taken = pieces.feed(QByteArrayView(input).first(split));
    if (pieces.status() == HttpHeadParser::Status::NeedMore)
        taken += pieces.feed(QByteArrayView(input).sliced(split));

    if (whole.status() != pieces.status())
        std::abort();
    if (whole.status() == HttpHeadParser::Status::Done) {
        if (taken != wholeTaken || whole.head().headers != pieces.head().headers
            || whole.head().raw != pieces.head().raw || wholeTaken > input.size())
            std::abort();
        for (const HttpHead::Header &header : whole.head().headers) {
            if (header.first.isEmpty() || header.first.contains(':') || header.second.contains('\n'))
                std::abort();
        }
        // What follows a response head is its body: decoded whole or byte by
        // byte, the same, and never more than was fed.
        if (kind == HttpHeadParser::Kind::Response) {
            const QByteArrayView rest = QByteArrayView(input).sliced(wholeTaken);
            HttpBodyDecoder bodyWhole(whole.head(), 1024);
            const qsizetype used = bodyWhole.feed(rest);
            HttpBodyDecoder bodyBytes(whole.head(), 1024);
            qsizetype usedBytes = 0;
            for (qsizetype i = 0; i < rest.size() && bodyBytes.status() == HttpBodyDecoder::Status::NeedMore; ++i)
                usedBytes += bodyBytes.feed(rest.sliced(i, 1));
            bodyWhole.end();
            bodyBytes.end();
            if (used != usedBytes || used > rest.size() || bodyWhole.status() != bodyBytes.status()
                || bodyWhole.decoded() != bodyBytes.decoded() || bodyWhole.decodedSize() > used)
                std::abort();
        }
    }
    return 0;
}
