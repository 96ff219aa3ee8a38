#include "language.h"

#include "settings/settings.h"

#include <QLibraryInfo>
#include <QLocale>

QStringList Language::available()
{
    return {QString::fromLatin1(English), QString::fromLatin1(SimplifiedChinese)};
}

QString Language::normalise(const QString &code)
{
    QString c = code.trimmed();
    // Drop the encoding and modifier: zh_CN.UTF-8@pinyin → zh_CN.
    c = c.left(c.indexOf(u'.')).left(c.indexOf(u'@'));
    c.replace(u'-', u'_');
    const QString lower = c.toLower();
    if (lower == u"en" || lower.startsWith(u"en_") || lower == u"c" || lower == u"posix")
        return QString::fromLatin1(English);
    // Simplified Chinese: mainland China, Singapore, or the script named.
    if (lower == u"zh" || lower == u"zh_cn" || lower == u"zh_sg" || lower.startsWith(u"zh_hans"))
        return QString::fromLatin1(SimplifiedChinese);
    return {};
}

QString Language::nativeName(const QString &code)
{
    if (code == QLatin1String(SimplifiedChinese))
        return QStringLiteral("中文 (简体)");   // not translated: each language in its own words
    return QStringLiteral("English");          // not translated: each language in its own words
}

QString Language::systemChoice()
{
    // uiLanguages() follows LANGUAGE (a list, first choice first), then
    // LC_ALL, LC_MESSAGES and LANG; the first one wsscope speaks wins,
    // except that an English one before it means English.
    for (const QString &language : QLocale::system().uiLanguages()) {
        const QString known = normalise(language);
        if (!known.isEmpty())
            return known;
    }
    return QString::fromLatin1(English);
}

QString Language::choose(const QString &requested)
{
    if (const QString known = normalise(requested); !known.isEmpty())
        return known;
    if (const QString saved = normalise(Settings::value(Settings::Id::Language).toString()); !saved.isEmpty())
        return saved;
    return systemChoice();
}

Language::Language() = default;

Language::~Language()
{
    uninstall();
}

void Language::uninstall()
{
    if (m_own)
        QCoreApplication::removeTranslator(m_own.get());
    if (m_qt)
        QCoreApplication::removeTranslator(m_qt.get());
    m_own.reset();
    m_qt.reset();
    m_qtLoaded = false;
}

bool Language::install(const QString &code)
{
    uninstall();
    const QString language = normalise(code).isEmpty() ? QString::fromLatin1(English) : normalise(code);
    m_current = language;
    // Numbers and sizes follow the system's locale when it is of the same
    // language (en_GB stays en_GB), else the language's own.
    const QLocale system = QLocale::system();
    const QLocale chosen(language);
    QLocale::setDefault(system.language() == chosen.language() ? system : chosen);
    if (language == QLatin1String(English))
        return true;

    // Qt's texts first, so that wsscope's own, installed last, are looked up first.
    m_qt = std::make_unique<QTranslator>();
    m_qtLoaded = m_qt->load(QStringLiteral("qtbase_") + language, QLibraryInfo::path(QLibraryInfo::TranslationsPath));
    if (m_qtLoaded)
        QCoreApplication::installTranslator(m_qt.get());
    else
        m_qt.reset();

    m_own = std::make_unique<QTranslator>();
    if (!m_own->load(QStringLiteral(":/i18n/wsscope_") + language)) {
        m_own.reset();
        return false;
    }
    QCoreApplication::installTranslator(m_own.get());
    return true;
}
