#include "freeport.h"
#include "testfiles.h"
#include "composer.h"
#include "i18n/language.h"
#include "inspector/handshakeinspector.h"
#include "inspector/handshakestory.h"
#include "log/logmodel.h"
#include "log/messagelog.h"
#include "mainwindow.h"
#include "rawserver.h"
#include "requesteditor.h"
#include "server/echoserver.h"
#include "settings/settings.h"

#include <QAction>
#include <QApplication>
#include <QDir>
#include <QFile>
#include <QLibraryInfo>
#include <QLineEdit>
#include <QComboBox>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProcess>
#include <QPushButton>
#include <QRegularExpression>
#include <QSet>
#include <QSettings>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTabBar>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QTranslator>

// wsscope in Chinese and in English: the window, the state texts, the
// request tabs, error rows, the command line's help and batch messages, and
// Help > Language. The expected Chinese comes from the translation itself, so
// that the test checks what is shown against what was translated, not a copy.
class TestLanguage : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void codesAreNormalised();
    void windowSpeaksChinese();
    void windowSpeaksEnglishWithoutATranslation();
    void languageMenuSavesTheChoiceAndRestarts();
    void commandLineHelpFollowsLang();
    void systemLanguageAndSavedChoiceAreFollowed();
    void unknownLanguageIsAUsageError();
    void batchMessagesFollowLang();

private:
    QString zh(const char *context, const char *source, const char *disambiguation = nullptr, int n = -1) const;
    static bool hasChinese(const QString &text);
    // Runs the wsscope binary with its settings in a folder of the test's own.
    QProcess *run(const QStringList &arguments, const QStringList &environment = {});

    QTranslator m_chinese;
    QTemporaryDir m_home;
};

namespace {

// Installed below wsscope's translators: every text of wsscope that reaches
// it was asked for in Chinese and has no translation.
class MissRecorder : public QTranslator
{
public:
    QString translate(const char *context, const char *sourceText, const char *disambiguation, int n) const override
    {
        Q_UNUSED(disambiguation);
        Q_UNUSED(n);
        // Qt's own classes have their own translations (or none).
        if (context && sourceText && *sourceText && context[0] != 'Q')
            misses.insert(QString::fromUtf8(context) + QStringLiteral(": ") + QString::fromUtf8(sourceText));
        return {};
    }
    bool isEmpty() const override { return false; }

    mutable QSet<QString> misses;
};

QString joined(const QSet<QString> &texts)
{
    QStringList list(texts.begin(), texts.end());
    list.sort();
    return list.join(u'\n');
}

} // namespace

void TestLanguage::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("wsscope-tests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_language"));
    QVERIFY(m_chinese.load(QStringLiteral(":/i18n/wsscope_zh_CN")));
    QVERIFY(m_home.isValid());
}

void TestLanguage::init()
{
    TestFiles::clearRemembered();
}

QString TestLanguage::zh(const char *context, const char *source, const char *disambiguation, int n) const
{
    const QString text = m_chinese.translate(context, source, disambiguation, n);
    [&] { QVERIFY2(hasChinese(text), qPrintable(QString::fromUtf8(context) + u' ' + QString::fromUtf8(source))); }();
    return text;
}

bool TestLanguage::hasChinese(const QString &text)
{
    static const QRegularExpression han(QStringLiteral("\\p{Han}"));
    return text.contains(han);
}

QProcess *TestLanguage::run(const QStringList &arguments, const QStringList &environment)
{
    auto *process = new QProcess(this);
    QStringList env = QProcess::systemEnvironment();
    env.removeIf([](const QString &entry) {
        return entry.startsWith(QLatin1String("LANG")) || entry.startsWith(QLatin1String("LC_"))
            || entry.startsWith(QLatin1String("XDG_CONFIG_HOME=")) || entry.startsWith(QLatin1String("HOME="));
    });
    env << QStringLiteral("HOME=") + m_home.path() << QStringLiteral("XDG_CONFIG_HOME=") + m_home.path()
        << QStringLiteral("LANG=C.UTF-8") << QStringLiteral("QT_QPA_PLATFORM=offscreen") << environment;
    process->setEnvironment(env);
    process->start(QStringLiteral(WSSCOPE_BINARY), arguments);
    return process;
}

void TestLanguage::codesAreNormalised()
{
    QCOMPARE(Language::available(), QStringList({QStringLiteral("en"), QStringLiteral("zh_CN")}));
    QCOMPARE(Language::normalise(QStringLiteral("zh_CN")), QStringLiteral("zh_CN"));
    QCOMPARE(Language::normalise(QStringLiteral("zh-CN")), QStringLiteral("zh_CN"));
    QCOMPARE(Language::normalise(QStringLiteral("zh_CN.UTF-8")), QStringLiteral("zh_CN"));
    QCOMPARE(Language::normalise(QStringLiteral("zh-Hans-CN")), QStringLiteral("zh_CN"));
    QCOMPARE(Language::normalise(QStringLiteral("zh")), QStringLiteral("zh_CN"));
    QCOMPARE(Language::normalise(QStringLiteral("en_GB.UTF-8")), QStringLiteral("en"));
    QCOMPARE(Language::normalise(QStringLiteral("C")), QStringLiteral("en"));
    // Traditional Chinese is not Simplified Chinese; French is not spoken.
    QCOMPARE(Language::normalise(QStringLiteral("zh_TW")), QString());
    QCOMPARE(Language::normalise(QStringLiteral("fr")), QString());
    QCOMPARE(Language::nativeName(QStringLiteral("zh_CN")), QStringLiteral("中文 (简体)"));
    QCOMPARE(Language::nativeName(QStringLiteral("en")), QStringLiteral("English"));
}

void TestLanguage::windowSpeaksChinese()
{
    // The English window first, to know which texts must change.
    EchoServer echo;
    QVERIFY(echo.listen());
    QStringList englishTabs;
    {
        MainWindow english(echo.url());
        for (int i = 0; i < english.requestEditor()->count(); ++i)
            englishTabs << english.requestEditor()->tabText(i);
    }

    MissRecorder recorder;
    QCoreApplication::installTranslator(&recorder);
    {
        Language language;
        QVERIFY(language.install(QStringLiteral("zh_CN")));
        QCOMPARE(language.current(), QStringLiteral("zh_CN"));
        // Numbers follow the language: the test runs under the C locale.
        QCOMPARE(QLocale().language(), QLocale::Chinese);

        MainWindow window(echo.url());
        window.setLanguage(language.current());
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));

        // Menus, buttons and the state.
        const QList<QAction *> menus = window.menuBar()->actions();
        QVERIFY(!menus.isEmpty());
        QCOMPARE(menus.first()->text(), zh("MainWindow", "&File"));
        for (QAction *menu : menus)
            QVERIFY2(hasChinese(menu->text()), qPrintable(menu->text()));
        QCOMPARE(window.connectButton()->text(), zh("ConnectionPane", "&Connect"));
        QVERIFY2(hasChinese(window.closeButton()->text()), qPrintable(window.closeButton()->text()));
        QVERIFY2(hasChinese(window.composer()->sendButton()->text()), qPrintable(window.composer()->sendButton()->text()));
        QVERIFY2(hasChinese(window.stateText()), qPrintable(window.stateText()));
        // The request tabs: each one is Chinese, unless it is a name such as TLS.
        QCOMPARE(window.requestEditor()->count(), englishTabs.size());
        for (int i = 0; i < englishTabs.size(); ++i) {
            const QString tab = window.requestEditor()->tabText(i);
            const bool name = !englishTabs.at(i).contains(QRegularExpression(QStringLiteral("[a-z]{2}")));
            QVERIFY2(name ? tab == englishTabs.at(i) || hasChinese(tab) : hasChinese(tab), qPrintable(tab));
        }

        // A connection told in Chinese: the state, the story, the close.
        window.urlBox()->lineEdit()->setText(echo.url().toString());
        QTest::mouseClick(window.connectButton(), Qt::LeftButton);
        QTRY_COMPARE(window.session()->state(), Session::State::Open);
        QVERIFY2(hasChinese(window.stateText()), qPrintable(window.stateText()));
        QTRY_VERIFY(window.inspector()->story()->steps().size() >= 4);
        QTRY_VERIFY2(hasChinese(window.inspector()->story()->text()), qPrintable(window.inspector()->story()->text()));
        // Header names and status lines stay as they were on the wire.
        QTRY_VERIFY(window.inspector()->story()->text().contains(QStringLiteral("Sec-WebSocket-Accept")));
        QCOMPARE(window.inspector()->statusText(), QStringLiteral("HTTP/1.1 101 Switching Protocols"));
        QPlainTextEdit *editor = window.composer()->editor();
        editor->setPlainText(QStringLiteral("你好, wsscope"));
        QTest::mouseClick(window.composer()->sendButton(), Qt::LeftButton);
        // Opened, sent and its echo.
        QTRY_COMPARE(window.session()->log()->count(), 3);
        QTest::mouseClick(window.closeButton(), Qt::LeftButton);
        QTRY_COMPARE(window.session()->state(), Session::State::Closed);
        QVERIFY2(hasChinese(window.stateText()), qPrintable(window.stateText()));

        // An error row, in Chinese; the server's own words are not translated.
        RawServer forbidden("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n");
        window.urlBox()->lineEdit()->setText(forbidden.url().toString());
        QTest::mouseClick(window.connectButton(), Qt::LeftButton);
        QTRY_COMPARE(window.session()->state(), Session::State::Closed);
        LogModel *model = window.logModel();
        QString errorRow;
        QTRY_VERIFY([&] {
            for (int row = 0; row < model->rowCount(); ++row) {
                if (model->index(row, 0).data(LogModel::KindRole).toInt() == int(MessageLog::Kind::Error))
                    errorRow = model->index(row, LogModel::PreviewColumn).data().toString();
            }
            return !errorRow.isEmpty();
        }());
        QVERIFY2(hasChinese(errorRow), qPrintable(errorRow));
        QVERIFY2(errorRow.contains(QStringLiteral("403")), qPrintable(errorRow));
        QVERIFY2(hasChinese(window.inspector()->story()->text()), qPrintable(window.inspector()->story()->text()));

        // Every menu's entries, opened as a user would.
        for (QAction *menu : menus) {
            for (QAction *entry : menu->menu()->actions()) {
                if (entry->isSeparator() || entry->text().isEmpty())
                    continue;
                QVERIFY2(hasChinese(entry->text()), qPrintable(entry->text()));
            }
        }
        window.close();
    }
    QCoreApplication::removeTranslator(&recorder);
    QVERIFY2(recorder.misses.isEmpty(), qPrintable(QStringLiteral("Shown without a translation:\n") + joined(recorder.misses)));
    // Back to English for the other tests.
    QLocale::setDefault(QLocale::c());
}

void TestLanguage::windowSpeaksEnglishWithoutATranslation()
{
    Language language;
    QVERIFY(language.install(QStringLiteral("en")));
    MainWindow window{QUrl()};
    QCOMPARE(window.menuBar()->actions().first()->text(), QStringLiteral("&File"));
    QCOMPARE(window.connectButton()->text(), QStringLiteral("&Connect"));
    QVERIFY2(window.stateText().contains(QStringLiteral("Closed")), qPrintable(window.stateText()));
    QVERIFY(!hasChinese(window.requestEditor()->tabText(0)));
    QLocale::setDefault(QLocale::c());
}

void TestLanguage::languageMenuSavesTheChoiceAndRestarts()
{
    MainWindow window{QUrl()};
    window.setLanguage(QStringLiteral("en"));
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    auto *menu = window.findChild<QMenu *>(QStringLiteral("languageMenu"));
    QVERIFY(menu);
    QStringList names;
    QAction *chinese = nullptr, *english = nullptr;
    for (QAction *action : menu->actions()) {
        names << action->text();
        if (action->data().toString() == QLatin1String("zh_CN"))
            chinese = action;
        if (action->data().toString() == QLatin1String("en"))
            english = action;
    }
    QVERIFY2(chinese && english, qPrintable(names.join(u',')));
    // Each language is named in its own words.
    QCOMPARE(chinese->text(), QStringLiteral("中文 (简体)"));
    QCOMPARE(english->text(), QStringLiteral("English"));
    QVERIFY(menu->actions().first()->isChecked());   // the system's, by default

    // The language already spoken: nothing to restart for.
    english->trigger();
    QCOMPARE(Settings::value(Settings::Id::Language).toString(), QStringLiteral("en"));
    QVERIFY(!window.findChild<QMessageBox *>(QStringLiteral("languageRestart")));

    // Later: the choice is kept for the next start, and the window stays.
    chinese->trigger();
    QCOMPARE(Settings::value(Settings::Id::Language).toString(), QStringLiteral("zh_CN"));
    QMessageBox *box = nullptr;
    QTRY_VERIFY((box = window.findChild<QMessageBox *>(QStringLiteral("languageRestart"))));
    QVERIFY2(box->text().contains(QStringLiteral("中文 (简体)")), qPrintable(box->text()));
    QAbstractButton *later = nullptr, *restart = nullptr;
    for (QAbstractButton *button : box->buttons()) {
        if (box->buttonRole(button) == QMessageBox::RejectRole)
            later = button;
        if (box->buttonRole(button) == QMessageBox::AcceptRole)
            restart = button;
    }
    QVERIFY(later && restart);
    QCOMPARE(restart->text(), QStringLiteral("&Restart now"));
    QTest::mouseClick(later, Qt::LeftButton);
    QTRY_VERIFY(!window.findChild<QMessageBox *>(QStringLiteral("languageRestart")));
    QVERIFY(window.isVisible());
    QVERIFY(!window.restartRequested());
    QVERIFY2(window.statusBar()->currentMessage().contains(QStringLiteral("中文 (简体)")),
             qPrintable(window.statusBar()->currentMessage()));

    // Restart now: the window closes as its close button does, and main()
    // starts wsscope again once the event loop ends.
    chinese->trigger();
    QTRY_VERIFY((box = window.findChild<QMessageBox *>(QStringLiteral("languageRestart"))));
    for (QAbstractButton *button : box->buttons()) {
        if (box->buttonRole(button) == QMessageBox::AcceptRole)
            QTest::mouseClick(button, Qt::LeftButton);
    }
    QTRY_VERIFY(!window.isVisible());
    QVERIFY(window.restartRequested());
}

void TestLanguage::commandLineHelpFollowsLang()
{
    QProcess *chinese = run({QStringLiteral("--lang"), QStringLiteral("zh_CN"), QStringLiteral("--help")});
    QVERIFY(chinese->waitForFinished(30000));
    QCOMPARE(chinese->exitCode(), 0);
    const QString help = QString::fromUtf8(chinese->readAllStandardOutput());
    QVERIFY2(help.contains(zh("CommandLine", "Show this help and exit.")), qPrintable(help));
    QVERIFY2(!help.contains(QStringLiteral("Show this help and exit.")), qPrintable(help));
    // Option names stay as they are typed.
    QVERIFY(help.contains(QStringLiteral("--batch")));
    QVERIFY(help.contains(QStringLiteral("--lang <LANGUAGE>")));
    // Qt's own headings are Chinese where the system has Qt's translation.
    QTranslator qt;
    if (qt.load(QStringLiteral("qtbase_zh_CN"), QLibraryInfo::path(QLibraryInfo::TranslationsPath))) {
        const QString usage = qt.translate("QCommandLineParser", "Usage: %1");
        QVERIFY(hasChinese(usage));
        QVERIFY2(help.contains(usage.left(usage.indexOf(QLatin1String("%1")))), qPrintable(help));
    }

    QProcess *english = run({QStringLiteral("--lang"), QStringLiteral("en"), QStringLiteral("--help")},
                            {QStringLiteral("LANGUAGE=zh_CN"), QStringLiteral("LC_ALL=zh_CN.UTF-8")});
    QVERIFY(english->waitForFinished(30000));
    const QString englishHelp = QString::fromUtf8(english->readAllStandardOutput());
    QVERIFY2(englishHelp.contains(QStringLiteral("Show this help and exit.")), qPrintable(englishHelp));
    QVERIFY2(!hasChinese(englishHelp), qPrintable(englishHelp));
}

void TestLanguage::systemLanguageAndSavedChoiceAreFollowed()
{
    const QString chineseHelp = zh("CommandLine", "Show this help and exit.");
    // The system's language, when nothing else is said.
    QProcess *system = run({QStringLiteral("--help")}, {QStringLiteral("LANGUAGE=zh_CN:en")});
    QVERIFY(system->waitForFinished(30000));
    QVERIFY2(QString::fromUtf8(system->readAllStandardOutput()).contains(chineseHelp), "LANGUAGE=zh_CN is not followed");

    // The choice made in Help > Language wins over the system's.
    QDir(m_home.path()).mkpath(QStringLiteral("wsscope"));
    {
        QSettings saved(m_home.filePath(QStringLiteral("wsscope/wsscope.conf")), QSettings::IniFormat);
        saved.setValue(QStringLiteral("view/language"), QStringLiteral("zh_CN"));
    }
    QProcess *savedChoice = run({QStringLiteral("--help")}, {QStringLiteral("LANGUAGE=en")});
    QVERIFY(savedChoice->waitForFinished(30000));
    QVERIFY2(QString::fromUtf8(savedChoice->readAllStandardOutput()).contains(chineseHelp), "the saved choice is not followed");
    QFile::remove(m_home.filePath(QStringLiteral("wsscope/wsscope.conf")));
}

void TestLanguage::unknownLanguageIsAUsageError()
{
    QProcess *french = run({QStringLiteral("--lang"), QStringLiteral("fr"), QStringLiteral("--help")});
    QVERIFY(french->waitForFinished(30000));
    QCOMPARE(french->exitCode(), 2);
    const QString error = QString::fromUtf8(french->readAllStandardError());
    QVERIFY2(error.contains(QStringLiteral("\"fr\"")) && error.contains(QStringLiteral("zh_CN")), qPrintable(error));

    // A mistake elsewhere on a Chinese command line is told in Chinese.
    QProcess *typo = run({QStringLiteral("--lang"), QStringLiteral("zh_CN"), QStringLiteral("--no-such-option")});
    QVERIFY(typo->waitForFinished(30000));
    QCOMPARE(typo->exitCode(), 2);
    const QString typoError = QString::fromUtf8(typo->readAllStandardError());
    QVERIFY2(typoError.contains(QStringLiteral("no-such-option")), qPrintable(typoError));
    QVERIFY2(typoError.contains(zh("CommandLine", "Show this help and exit.")), qPrintable(typoError));
}

void TestLanguage::batchMessagesFollowLang()
{
    // Nothing listens on the port: the connection fails, said in Chinese.
    const quint16 port = freeLoopbackPort();
    QVERIFY(port != 0);
    const QString url = QStringLiteral("ws://127.0.0.1:%1/").arg(port);

    QProcess *chinese = run({QStringLiteral("--lang"), QStringLiteral("zh_CN"), QStringLiteral("--batch"), url});
    QVERIFY(chinese->waitForFinished(30000));
    QCOMPARE(chinese->exitCode(), 1);
    const QString summary = QString::fromUtf8(chinese->readAllStandardOutput());
    const QString problems = QString::fromUtf8(chinese->readAllStandardError());
    QVERIFY2(hasChinese(summary), qPrintable(summary));
    QVERIFY2(hasChinese(problems), qPrintable(problems));
    QVERIFY2(summary.contains(QString::number(port)) || problems.contains(QString::number(port)),
             qPrintable(summary + problems));

    QProcess *english = run({QStringLiteral("--lang"), QStringLiteral("en"), QStringLiteral("--batch"), url});
    QVERIFY(english->waitForFinished(30000));
    QCOMPARE(english->exitCode(), 1);
    const QString englishText = QString::fromUtf8(english->readAllStandardOutput() + english->readAllStandardError());
    QVERIFY2(!hasChinese(englishText), qPrintable(englishText));
}

QTEST_MAIN(TestLanguage)
#include "tst_language.moc"
