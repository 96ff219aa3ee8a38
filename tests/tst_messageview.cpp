#include "inspector/messageview.h"

#include <QTabWidget>
#include <QTest>

class TestMessageView : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void textWithWrapToggle();
    void jsonIsIndented();
    void invalidJsonSaysWhereItBreaks();
    void hexDump();
    void hugeMessageIsPaged();
    void markupStaysText();

private:
    static void showTab(MessageView &view, int tab);
};

void TestMessageView::showTab(MessageView &view, int tab)
{
    view.findChild<QTabWidget *>()->setCurrentIndex(tab);
}

void TestMessageView::textWithWrapToggle()
{
    MessageView view;
    view.setMessage(QStringLiteral("line one\nl\u00ednea dos").toUtf8(), false, QStringLiteral("test"));
    QCOMPARE(view.text(), QStringLiteral("line one\nl\u00ednea dos"));
    QVERIFY(view.wraps());
    view.setWrap(false);
    QVERIFY(!view.wraps());
    QCOMPARE(view.pageCount(), 1);
}

void TestMessageView::jsonIsIndented()
{
    MessageView view;
    showTab(view, 1);
    view.setMessage("{\"op\":\"subscribe\",\"args\":[1,2.5,true,null]}", false, QStringLiteral("json"));
    QCOMPARE(view.jsonStatus(), QStringLiteral("Valid JSON."));
    QVERIFY2(view.json().contains(QStringLiteral("\n    \"op\": \"subscribe\"")), qPrintable(view.json()));
    QVERIFY(view.json().contains(QStringLiteral("2.5")));
}

void TestMessageView::invalidJsonSaysWhereItBreaks()
{
    MessageView view;
    showTab(view, 1);
    view.setMessage("{\n  \"a\": 1,\n  \"b\" 2\n}", false, QStringLiteral("broken"));
    QVERIFY2(view.jsonStatus().startsWith(QStringLiteral("Not valid JSON")), qPrintable(view.jsonStatus()));
    QVERIFY2(view.jsonStatus().contains(QStringLiteral("line 3")), qPrintable(view.jsonStatus()));
    // The text is still shown, as it came.
    QVERIFY(view.json().contains(QStringLiteral("\"b\" 2")));

    view.setMessage(QByteArray("\x01\x02", 2), true, QStringLiteral("binary"));
    showTab(view, 1);
    QVERIFY(view.jsonStatus().contains(QStringLiteral("binary")));
}

void TestMessageView::hexDump()
{
    MessageView view;
    view.setMessage(QByteArray("\x00\xff" "AB", 4), true, QStringLiteral("binary"));
    // A binary message opens in the hex view.
    QCOMPARE(view.findChild<QTabWidget *>()->currentIndex(), 2);
    QVERIFY2(view.hex().startsWith(QStringLiteral("00000000  00 ff 41 42")), qPrintable(view.hex()));
    QVERIFY(view.hex().contains(QStringLiteral("|..AB|")));
}

void TestMessageView::hugeMessageIsPaged()
{
    // 16 MiB of multi-byte text: it is shown a page at a time (what keeps it
    // from freezing the window), and no page starts or ends inside a character.
    const QByteArray huge = QStringLiteral("\u00e9\u4e2d").toUtf8().repeated(16 * 1024 * 1024 / 5);
    MessageView view;
    view.setMessage(huge, false, QStringLiteral("huge"));
    QCOMPARE(view.pageCount(), int((huge.size() + MessageView::TextPageBytes - 1) / MessageView::TextPageBytes));
    QVERIFY(view.text().size() <= MessageView::TextPageBytes);
    QVERIFY(!view.text().contains(QChar(0xFFFD)));
    view.setPage(1);
    QCOMPARE(view.page(), 1);
    QVERIFY(!view.text().contains(QChar(0xFFFD)));
    QVERIFY(view.text().startsWith(QChar(0xe9)) || view.text().startsWith(QChar(0x4e2d)));
    view.setPage(100000);
    QCOMPARE(view.page(), view.pageCount() - 1);

    showTab(view, 1);
    QVERIFY(view.jsonStatus().contains(QStringLiteral("Larger than")));
    showTab(view, 2);
    QCOMPARE(view.page(), 0);
    QCOMPARE(view.pageCount(), int((huge.size() + MessageView::HexPageBytes - 1) / MessageView::HexPageBytes));
    QCOMPARE(view.hex().count(u'\n'), int(MessageView::HexPageBytes / 16));
}

void TestMessageView::markupStaysText()
{
    MessageView view;
    view.setMessage("<b>bold</b><script>x()</script>", false, QStringLiteral("<i>caption</i>"));
    QCOMPARE(view.text(), QStringLiteral("<b>bold</b><script>x()</script>"));
}

QTEST_MAIN(TestMessageView)
#include "tst_messageview.moc"
