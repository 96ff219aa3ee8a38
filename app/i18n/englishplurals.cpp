#include "englishplurals.h"

#include <cstring>

QString EnglishPlurals::translate(const char *context, const char *sourceText, const char *disambiguation, int n) const
{
    Q_UNUSED(context);
    Q_UNUSED(disambiguation);
    if (n < 0 || !sourceText || !std::strstr(sourceText, "(s)"))
        return {};
    QString text = QString::fromUtf8(sourceText);
    text.replace(QStringLiteral("(s)"), n == 1 ? QString() : QStringLiteral("s"));
    return text;
}

bool EnglishPlurals::isEmpty() const
{
    return false;
}
