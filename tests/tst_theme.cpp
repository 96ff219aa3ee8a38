#include "testfiles.h"
#include "log/filterbar.h"
#include "mainwindow.h"
#include "plaintip.h"
#include "settings/settings.h"
#include "theme.h"

#include <QApplication>
#include <QAction>
#include <QCheckBox>
#include <QLineEdit>
#include <QLabel>
#include <QMenu>
#include <QSettings>
#include <QStandardPaths>
#include <QStyle>
#include <QTest>
#include <QTextDocument>

// The colours that carry meaning stay readable on a light and on a dark
// window, and a label marked with one follows the palette when it changes.
class TstTheme : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void readableOnBothPalettes_data();
    void readableOnBothPalettes();
    void labelFollowsPaletteChange();
    void disabledHintsFainterThanDisabledText();
    void toolTipsShowMarkupAsWritten();
    void errorColourEndsWithTheError();
    void coloursMenuSwitchesAndIsRemembered();
};

void TstTheme::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("wsscope-tests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_theme"));
}

void TstTheme::readableOnBothPalettes_data()
{
    QTest::addColumn<bool>("dark");
    QTest::newRow("light") << false;
    QTest::newRow("dark") << true;
}

void TstTheme::readableOnBothPalettes()
{
    QFETCH(bool, dark);
    const QPalette palette = dark ? Theme::darkPalette() : Theme::lightPalette();
    QCOMPARE(Theme::isDark(palette), dark);
    const QColor base = palette.color(QPalette::Base);
    const QColor window = palette.color(QPalette::Window);
    const Theme::Role textRoles[] = {Theme::Role::Error, Theme::Role::Good, Theme::Role::Warning,
                                     Theme::Role::Accent, Theme::Role::String, Theme::Role::Number,
                                     Theme::Role::Literal};
    for (const Theme::Role role : textRoles) {
        const QColor shade = Theme::color(role, palette);
        // WCAG AA for body text: 4.5:1.
        QVERIFY2(Theme::contrast(shade, base) >= 4.5,
                 qPrintable(QStringLiteral("%1 on base: %2").arg(shade.name()).arg(Theme::contrast(shade, base))));
        QVERIFY2(Theme::contrast(shade, window) >= 4.5,
                 qPrintable(QStringLiteral("%1 on window: %2").arg(shade.name()).arg(Theme::contrast(shade, window))));
    }
    // Muted text and chart series: 3:1, the figure for large text and graphics.
    for (const Theme::Role role : {Theme::Role::Muted, Theme::Role::Received, Theme::Role::Sent})
        QVERIFY(Theme::contrast(Theme::color(role, palette), base) >= 3.0);
    // The palette's own text stays readable on the refused-cell background.
    QVERIFY(Theme::contrast(palette.color(QPalette::Text), Theme::color(Theme::Role::ErrorBackground, palette)) >= 4.5);
}

// In a disabled form an empty field's hint must not look like a value: it
// is fainter than a disabled field's text, in the light and the dark palette.
void TstTheme::disabledHintsFainterThanDisabledText()
{
    for (const QPalette &palette : {Theme::lightPalette(), Theme::darkPalette()}) {
        const QColor base = palette.color(QPalette::Disabled, QPalette::Base);
        const double hint = Theme::contrast(palette.color(QPalette::Disabled, QPalette::PlaceholderText), base);
        const double text = Theme::contrast(palette.color(QPalette::Disabled, QPalette::Text), base);
        QVERIFY2(hint < text, qPrintable(QStringLiteral("hint %1, text %2").arg(hint).arg(text)));
        QVERIFY2(hint > 1.2, qPrintable(QString::number(hint)));   // still there
    }
}

void TstTheme::labelFollowsPaletteChange()
{
    const QPalette before = QApplication::palette();
    QApplication::setPalette(Theme::lightPalette());
    QLabel label(QStringLiteral("refused"));
    QObject *other = new QObject(&label);   // a child that is not the colour's keeper
    Theme::setTextRole(&label, Theme::Role::Error);
    QCOMPARE(label.palette().color(QPalette::WindowText), Theme::color(Theme::Role::Error, Theme::lightPalette()));

    QApplication::setPalette(Theme::darkPalette());
    QCoreApplication::processEvents();
    QCOMPARE(label.palette().color(QPalette::WindowText), Theme::color(Theme::Role::Error, Theme::darkPalette()));
    // The rest of the label's palette is the application's.
    QCOMPARE(label.palette().color(QPalette::Window), Theme::darkPalette().color(QPalette::Window));

    // A new role replaces the old one.
    Theme::setTextRole(&label, Theme::Role::Good);
    QCOMPARE(label.palette().color(QPalette::WindowText), Theme::color(Theme::Role::Good, Theme::darkPalette()));
    QCOMPARE(label.findChildren<QObject *>(QString(), Qt::FindDirectChildrenOnly).size(), 2);   // one keeper, reused
    Theme::clearTextRole(&label);
    QCOMPARE(label.findChildren<QObject *>(QString(), Qt::FindDirectChildrenOnly), QList<QObject *>{other});
    QApplication::setPalette(before);
}

// A peer's text in a tool tip (a Wire payload, a close reason in the state)
// is shown as written, never drawn as markup.
void TstTheme::toolTipsShowMarkupAsWritten()
{
    const QString peer = QStringLiteral("<b>bold</b> <img src=\"x\"> &amp;\nsecond line");
    const QString tip = plainToolTip(peer);
    QVERIFY(Qt::mightBeRichText(tip));
    QTextDocument shown;
    shown.setHtml(tip);
    QCOMPARE(shown.toPlainText(), peer);
    QVERIFY(plainToolTip(QString()).isEmpty());
}

// A bad regular expression turns the filter bar's status red; once the
// expression is fixed the status is ordinary text again.
void TstTheme::errorColourEndsWithTheError()
{
    FilterBar bar;
    QLabel *status = bar.statusLabel();
    const QColor ordinary = QApplication::palette(status).color(QPalette::WindowText);
    bar.regexBox()->setChecked(true);
    bar.searchEdit()->setText(QStringLiteral("("));
    QTRY_COMPARE(status->palette().color(QPalette::WindowText), Theme::color(Theme::Role::Error));
    bar.searchEdit()->setText(QStringLiteral("(ok)"));
    QTRY_VERIFY(bar.filter().isValid());
    bar.setProgress(3, 3, 1, true);
    QCOMPARE(status->palette().color(QPalette::WindowText), ordinary);
    QVERIFY(!status->findChild<QObject *>(QString(), Qt::FindDirectChildrenOnly));   // no keeper left behind
}

// File > Colours: Dark and Light take effect at once in the window and are
// remembered for the next one; System gives back the palette Qt started with.
void TstTheme::coloursMenuSwitchesAndIsRemembered()
{
    TestFiles::clearRemembered();
    const QPalette start = QApplication::palette();
    const auto choose = [](MainWindow &window, const QString &name) {
        for (QAction *action : window.findChildren<QAction *>()) {
            if (action->data().toString() == name && action->isCheckable()) {
                action->trigger();
                return action;
            }
        }
        return static_cast<QAction *>(nullptr);
    };
    {
        MainWindow window{QUrl()};
        QAction *dark = choose(window, QStringLiteral("dark"));
        QVERIFY(dark);
        QVERIFY(dark->isChecked());
        QVERIFY(Theme::isDark(QApplication::palette()));
        QTRY_VERIFY(Theme::isDark(window.palette()));
        QCOMPARE(QApplication::style()->name().toLower(), QStringLiteral("fusion"));
        QCOMPARE(Settings::value(Settings::Id::Colours).toString(), QStringLiteral("dark"));
    }
    QApplication::setPalette(start);   // as if wsscope started again
    {
        MainWindow window{QUrl()};
        QVERIFY(Theme::isDark(QApplication::palette()));   // remembered
        QVERIFY(choose(window, QStringLiteral("light")));
        QVERIFY(!Theme::isDark(QApplication::palette()));
        QVERIFY(choose(window, QStringLiteral("system")));
        QCOMPARE(QApplication::palette().color(QPalette::Window), start.color(QPalette::Window));
        QCOMPARE(Settings::value(Settings::Id::Colours).toString(), QStringLiteral("system"));
    }
}

QTEST_MAIN(TstTheme)
#include "tst_theme.moc"
