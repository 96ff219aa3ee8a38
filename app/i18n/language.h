#pragma once

#include <QCoreApplication>
#include <QString>
#include <QStringList>
#include <QTranslator>

#include <memory>

// The languages wsscope speaks and the translators that make it speak one.
// English is the source language; the others come from the .qm files built
// from resources/translations and embedded under :/i18n. Qt's own texts
// (standard buttons, QCommandLineParser's headings) come from Qt's
// translations when the system has them (Debian: qt6-translations-l10n);
// without them those few texts stay English and everything else is still
// translated.
class Language
{
    Q_DECLARE_TR_FUNCTIONS(Language)

public:
    static constexpr const char *English = "en";
    static constexpr const char *SimplifiedChinese = "zh_CN";

    // The codes wsscope has a translation for, English first.
    static QStringList available();
    // "zh", "zh-CN", "zh_CN.UTF-8", "zh-Hans" → "zh_CN"; "en_GB" → "en";
    // empty when wsscope has no such language.
    static QString normalise(const QString &code);
    // A language's name in that language ("English", "中文 (简体)"), so
    // that someone who cannot read the current one still finds theirs.
    static QString nativeName(const QString &code);
    // What the system's locale asks for (LANGUAGE, LC_ALL, LC_MESSAGES,
    // LANG), or English when it asks for nothing wsscope speaks.
    static QString systemChoice();
    // The language to use: the requested one when given and known, else the
    // one saved in the settings, else the system's.
    static QString choose(const QString &requested);

    Language();
    ~Language();
    Language(const Language &) = delete;
    Language &operator=(const Language &) = delete;

    // Installs the translators for code on the application and makes its
    // locale the default one (numbers and sizes follow it). Returns false
    // when wsscope's own translation could not be loaded; Qt's missing
    // translation is not an error (see qtTranslationLoaded()).
    bool install(const QString &code);
    QString current() const { return m_current; }
    bool qtTranslationLoaded() const { return m_qtLoaded; }

private:
    void uninstall();

    QString m_current = QString::fromLatin1(English);
    std::unique_ptr<QTranslator> m_own;
    std::unique_ptr<QTranslator> m_qt;
    bool m_qtLoaded = false;
};
