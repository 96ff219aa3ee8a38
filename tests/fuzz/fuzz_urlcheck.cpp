// libFuzzer target for the URL check: the input is what was typed, as UTF-8
// (or, after a leading FF FE, as UTF-16, lone surrogates and all). Nothing
// may crash; a URL it accepts must be one QWebSocket can be given, and
// typing that URL again (encoded) must give the same URL.
#include "session/urlcheck.h"

#include <cstdint>
#include <cstdlib>
#include <cstring>

namespace {

void checkAccepted(const QUrl &url)
{
    if (!url.isValid() || (url.scheme() != u"ws" && url.scheme() != u"wss") || url.host().isEmpty()
        || url.port() == 0 || url.path().isEmpty() || !url.userInfo().isEmpty() || url.hasFragment())
        std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    QString typed;
    if (size >= 2 && data[0] == 0xFF && data[1] == 0xFE) {
        QList<char16_t> units(qsizetype((size - 2) / 2));
        if (!units.isEmpty())
            memcpy(units.data(), data + 2, size_t(units.size()) * 2);
        typed = QString(reinterpret_cast<const QChar *>(units.constData()), units.size());
    } else {
        typed = QString::fromUtf8(reinterpret_cast<const char *>(data), qsizetype(size));
    }
    const UrlCheck::Result result = UrlCheck::parse(typed);
    if (result.ok() == result.url.isEmpty())
        std::abort();
    if (!result.ok())
        return 0;
    checkAccepted(result.url);
    const UrlCheck::Result again = UrlCheck::parse(result.url.toString(QUrl::FullyEncoded));
    if (!again.ok() || again.url != result.url)
        std::abort();
    return 0;
}
