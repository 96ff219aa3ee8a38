#include "inspector/messageview.h"

#include <QElapsedTimer>
#include <QLabel>
#include <QPlainTextEdit>
#include <QTabWidget>
#include <QTest>

class TestMessageView : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void textWithWrapToggle();
    void jsonIsIndented();
    void invalidJsonSaysWhereItBreaks();
    void jsonShowsWhatArrived();
    void hugeJsonIsPagedAndIndented();
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
    QVERIFY2(view.jsonStatus().startsWith(QStringLiteral("Valid JSON")), qPrintable(view.jsonStatus()));
    QVERIFY(view.jsonFindings().isEmpty());
    QVERIFY2(view.json().contains(QStringLiteral("\n    \"op\": \"subscribe\"")), qPrintable(view.json()));
    QVERIFY(view.json().contains(QStringLiteral("2.5")));
}

void TestMessageView::invalidJsonSaysWhereItBreaks()
{
    MessageView view;
    showTab(view, 1);
    view.setMessage("{\n  \"a\": 1,\n  \"b\" 2\n}", false, QStringLiteral("broken"));
    QVERIFY2(view.jsonStatus().startsWith(QStringLiteral("Not valid JSON")), qPrintable(view.jsonStatus()));
    QVERIFY2(view.jsonStatus().contains(QStringLiteral("a colon is missing after the key at line 3, column 7 (byte 18)")),
             qPrintable(view.jsonStatus()));
    // The text is still shown, as it came.
    QVERIFY(view.json().contains(QStringLiteral("\"b\" 2")));

    view.setMessage(QByteArray("\x01\x02", 2), true, QStringLiteral("binary"));
    showTab(view, 1);
    QVERIFY(view.jsonStatus().contains(QStringLiteral("binary")));
}

void TestMessageView::jsonShowsWhatArrived()
{
    MessageView view;
    showTab(view, 1);
    const QByteArray json = R"({"z":12345678901234567890,"a":-0,"m":1e400,"f":1.0,"s":"caf\u00e9 \"q\" \/ <b>x</b>","z":2})";
    view.setMessage(json, false, QStringLiteral("json"));
    QVERIFY2(view.jsonStatus().startsWith(QStringLiteral("Valid JSON")), qPrintable(view.jsonStatus()));
    QCOMPARE(view.json(), QStringLiteral("{\n"
                                         "    \"z\": 12345678901234567890,\n"
                                         "    \"a\": -0,\n"
                                         "    \"m\": 1e400,\n"
                                         "    \"f\": 1.0,\n"
                                         "    \"s\": \"caf\\u00e9 \\\"q\\\" \\/ <b>x</b>\",\n"
                                         "    \"z\": 2\n"
                                         "}"));
    // The repeated key is a finding, shown above the view.
    const qsizetype second = json.indexOf("\"z\":2");
    QVERIFY2(view.jsonFindings().startsWith(QStringLiteral("Repeated key: \"z\" at line 1, column %1 (byte %2) is "
                                                           "already at line 1, column 2.")
                                                .arg(second + 1)
                                                .arg(second)),
             qPrintable(view.jsonFindings()));
    QLabel *findings = nullptr;
    for (QLabel *label : view.findChildren<QLabel *>()) {
        if (label->text() == view.jsonFindings())
            findings = label;
    }
    QVERIFY(findings);
    QCOMPARE(findings->textFormat(), Qt::PlainText);
    QVERIFY(!findings->isHidden());
    // The markup in the string stays text: no rich text in the view.
    QPlainTextEdit *edit = nullptr;
    for (QPlainTextEdit *candidate : view.findChildren<QPlainTextEdit *>()) {
        if (candidate->toPlainText() == view.json())
            edit = candidate;
    }
    QVERIFY(edit);
    QVERIFY(edit->toPlainText().contains(QStringLiteral("<b>x</b>")));

    // A message with no repeated key clears the finding.
    view.setMessage("[1]", false, QStringLiteral("json"));
    QVERIFY(view.jsonFindings().isEmpty());
    QVERIFY(findings->isHidden());
}

void TestMessageView::hugeJsonIsPagedAndIndented()
{
    // 16 MiB of JSON opens at once and is indented a page at a time.
    QByteArray json = "[";
    const QByteArray item = R"({"id":12345678901234567890,"name":"caf\u00e9"},)";
    json += item.repeated(16 * 1024 * 1024 / item.size());
    json.back() = ']';
    MessageView view;
    showTab(view, 1);
    QElapsedTimer timer;
    timer.start();
    view.setMessage(json, false, QStringLiteral("huge"));
    const qint64 openMs = timer.elapsed();
    QVERIFY2(view.jsonStatus().startsWith(QStringLiteral("Valid JSON")), qPrintable(view.jsonStatus()));
    QCOMPARE(view.pageCount(), int((json.size() + MessageView::TextPageBytes - 1) / MessageView::TextPageBytes));
    QVERIFY(view.json().startsWith(QStringLiteral("[\n    {\n        \"id\": 12345678901234567890,\n")));
    QVERIFY(view.json().size() < 4 * MessageView::TextPageBytes);
    timer.restart();
    view.setPage(view.pageCount() - 1);
    const qint64 lastPageMs = timer.elapsed();
    QVERIFY(view.json().endsWith(QStringLiteral("\"name\": \"caf\\u00e9\"\n    }\n]")));
    qInfo("16 MiB JSON message: opened in %lld ms, last page in %lld ms", openMs, lastPageMs);
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
    QVERIFY2(view.jsonStatus().startsWith(QStringLiteral("Not valid JSON: a value is missing at line 1, column 1 (byte 0)")),
             qPrintable(view.jsonStatus()));
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
