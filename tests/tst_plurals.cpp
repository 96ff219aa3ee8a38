#include "i18n/englishplurals.h"

#include <QCoreApplication>
#include <QTest>

// "%n thing(s)" texts read as English once EnglishPlurals is installed.
class TestPlurals : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void pluralsAreEnglish();
};

void TestPlurals::pluralsAreEnglish()
{
    const auto text = [](int n) { return QCoreApplication::translate("Test", "%n row(s) read from %1", nullptr, n); };
    QCOMPARE(text(1), QStringLiteral("1 row(s) read from %1"));   // Qt's own behaviour without a translation
    EnglishPlurals plurals;
    QVERIFY(QCoreApplication::installTranslator(&plurals));
    QCOMPARE(text(0), QStringLiteral("0 rows read from %1"));
    QCOMPARE(text(1), QStringLiteral("1 row read from %1"));
    QCOMPARE(text(2), QStringLiteral("2 rows read from %1"));
    QCOMPARE(QCoreApplication::translate("Test", "(%n byte(s), not UTF-8)", nullptr, 1), QStringLiteral("(1 byte, not UTF-8)"));
    // Texts without a count, or without "(s)", are left alone.
    QCOMPARE(QCoreApplication::translate("Test", "Bytes (s)"), QStringLiteral("Bytes (s)"));
    QCOMPARE(QCoreApplication::translate("Test", "%n items", nullptr, 3), QStringLiteral("3 items"));
    QVERIFY(QCoreApplication::removeTranslator(&plurals));
}

QTEST_GUILESS_MAIN(TestPlurals)
#include "tst_plurals.moc"
