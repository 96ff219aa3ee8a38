#pragma once

#include <QTranslator>

// English plurals for the "%n thing(s)" texts: without a translation loaded,
// Qt shows "(s)" as it is ("1 byte(s)"). This translator gives "1 byte" and
// "2 bytes" and leaves every other text to the next translator or the source.
class EnglishPlurals : public QTranslator
{
    Q_OBJECT

public:
    using QTranslator::QTranslator;

    QString translate(const char *context, const char *sourceText, const char *disambiguation = nullptr,
                      int n = -1) const override;
    bool isEmpty() const override;
};
