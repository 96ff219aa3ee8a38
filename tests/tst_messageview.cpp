#include "inspector/messageview.h"
#include "inspector/jsontree.h"

#include <QApplication>
#include <QClipboard>
#include <QElapsedTimer>
#include <QPushButton>
#include <QRandomGenerator>
#include <QLabel>
#include <QPlainTextEdit>
#include <QTabWidget>
#include <QTest>
#include <QTreeWidget>

class TestMessageView : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void jsonTreeKeepsWhatWasSent();
    void jsonTreeRefusesWhatIsNotJson();
    void jsonTreeStopsAtItsRowLimit();
    void textWithWrapToggle();
    void jsonIsIndented();
    void invalidJsonSaysWhereItBreaks();
    void jsonShowsWhatArrived();
    void hugeJsonIsPagedAndIndented();
    void hexDump();
    void hugeMessageIsPaged();
    void markupStaysText();
    void unbreakableRunIsLaidOutInLinearTime_data();
    void unbreakableRunIsLaidOutInLinearTime();
    void copyGivesTheMessage();

private:
    static void showTab(MessageView &view, int tab);
    static qint64 showAndPaint(const QByteArray &payload, bool wrap);
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

namespace {

QByteArray base64Run(qsizetype size)
{
    QByteArray bytes(size * 3 / 4 + 3, Qt::Uninitialized);
    QRandomGenerator generator(12);
    for (char &byte : bytes)
        byte = char(generator.bounded(256));
    return bytes.toBase64().left(size);
}

} // namespace

// Milliseconds from selecting the message to its text painted, the best of
// three: the cost a user waits for.
qint64 TestMessageView::showAndPaint(const QByteArray &payload, bool wrap)
{
    qint64 best = -1;
    for (int run = 0; run < 3; ++run) {
        MessageView view;
        view.resize(900, 600);
        view.setWrap(wrap);
        view.show();
        if (!QTest::qWaitForWindowExposed(&view))
            return -1;
        QElapsedTimer timer;
        timer.start();
        view.setMessage(payload, false, QStringLiteral("run"));
        view.grab();
        const qint64 elapsed = timer.nsecsElapsed() / 1000;
        best = best < 0 ? elapsed : qMin(best, elapsed);
    }
    return best;
}

void TestMessageView::unbreakableRunIsLaidOutInLinearTime_data()
{
    QTest::addColumn<QByteArray>("small");
    QTest::addColumn<QByteArray>("large");
    QTest::addColumn<bool>("wrap");
    QTest::newRow("one letter, wrapped") << QByteArray(64 * 1024, 'a') << QByteArray(256 * 1024, 'a') << true;
    // Digits and letters never break: a hex string is one run however long.
    QTest::newRow("hex digits, wrapped") << base64Run(32 * 1024).toHex() << base64Run(128 * 1024).toHex() << true;
    // Base64 breaks after some slashes, every 700 characters at most: never slow.
    QTest::newRow("base64, wrapped") << base64Run(64 * 1024) << base64Run(256 * 1024) << true;
}

void TestMessageView::unbreakableRunIsLaidOutInLinearTime()
{
    // Laid out at word boundaries, a run with no break opportunity costs
    // time quadratic in its length: 4 times the text took 15 times as long.
    // Linear layout takes about 4 times as long; 8 leaves room for a busy machine.
    QFETCH(QByteArray, small);
    QFETCH(QByteArray, large);
    QFETCH(bool, wrap);
    const qint64 smallUs = showAndPaint(small, wrap);
    const qint64 largeUs = showAndPaint(large, wrap);
    QVERIFY(smallUs > 0 && largeUs > 0);
    const double ratio = double(largeUs) / double(smallUs);
    qInfo("64 KiB: %.1f ms, 256 KiB: %.1f ms, ratio %.2f", double(smallUs) / 1000, double(largeUs) / 1000, ratio);
    QVERIFY2(ratio < 8, qPrintable(QStringLiteral("256 KiB took %1 times as long as 64 KiB").arg(ratio)));
}

void TestMessageView::copyGivesTheMessage()
{
    // However the view breaks the lines on screen, copying gives the message's
    // characters and nothing else.
    const QString message = QString::fromLatin1(base64Run(200 * 1024)) + QStringLiteral("\nand some words after it, caf\u00e9");
    MessageView view;
    view.resize(600, 400);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    view.setMessage(message.toUtf8(), false, QStringLiteral("long"));
    view.grab();
    QCOMPARE(view.text(), message);
    QPlainTextEdit *text = nullptr;
    for (QPlainTextEdit *edit : view.findChildren<QPlainTextEdit *>()) {
        if (edit->accessibleName() == QStringLiteral("Message as text"))
            text = edit;
    }
    QVERIFY(text);
    text->setFocus();
    text->selectAll();
    QApplication::clipboard()->clear();
    QTest::keySequence(text, QKeySequence::Copy);
    QCOMPARE(QApplication::clipboard()->text(), message);
    // A whole line: still exactly the characters on it.
    text->moveCursor(QTextCursor::Start);
    text->moveCursor(QTextCursor::EndOfBlock, QTextCursor::KeepAnchor);
    text->copy();
    QCOMPARE(QApplication::clipboard()->text(), message.section(u'\n', 0, 0));

    QPushButton *copy = nullptr;
    for (QPushButton *button : view.findChildren<QPushButton *>()) {
        if (button->text() == QStringLiteral("Cop&y message"))
            copy = button;
    }
    QVERIFY(copy);
    QApplication::clipboard()->clear();
    QTest::mouseClick(copy, Qt::LeftButton);
    QCOMPARE(QApplication::clipboard()->text(), message);
}

void TestMessageView::jsonTreeKeepsWhatWasSent()
{
    MessageView view;
    view.resize(700, 500);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    const QByteArray json = R"({"user":"ada","tags":["x",1e400],"n":-0,"user":"<b>again</b>","nested":{"a b":null,"ok":true}})";
    view.setMessage(json, false, QStringLiteral("test"));
    JsonTree *tree = view.tree();
    QCOMPARE(tree->topLevelItemCount(), 0);   // built only when its tab is shown
    auto *tabs = view.findChild<QTabWidget *>();
    tabs->setCurrentIndex(MessageView::TreeTab);
    QCOMPARE(tree->topLevelItemCount(), 1);
    QTreeWidgetItem *root = tree->topLevelItem(0);
    QCOMPARE(root->text(JsonTree::ValueColumn), QStringLiteral("{5 member(s)}"));
    QVERIFY(root->isExpanded());
    // Keys in their order, the repeated one twice, values as written.
    QStringList keys, values, types;
    for (int i = 0; i < root->childCount(); ++i) {
        keys.append(root->child(i)->text(JsonTree::KeyColumn));
        values.append(root->child(i)->text(JsonTree::ValueColumn));
        types.append(root->child(i)->text(JsonTree::TypeColumn));
    }
    QCOMPARE(keys, (QStringList{QStringLiteral("\"user\""), QStringLiteral("\"tags\""), QStringLiteral("\"n\""),
                                QStringLiteral("\"user\""), QStringLiteral("\"nested\"")}));
    QCOMPARE(values, (QStringList{QStringLiteral("\"ada\""), QStringLiteral("[2 element(s)]"), QStringLiteral("-0"),
                                  QStringLiteral("\"<b>again</b>\""), QStringLiteral("{2 member(s)}")}));
    QCOMPARE(types, (QStringList{QStringLiteral("string"), QStringLiteral("array"), QStringLiteral("number"),
                                 QStringLiteral("string"), QStringLiteral("object")}));
    QTreeWidgetItem *big = root->child(1)->child(1);
    QCOMPARE(big->text(JsonTree::KeyColumn), QStringLiteral("[1]"));
    QCOMPARE(big->text(JsonTree::ValueColumn), QStringLiteral("1e400"));   // not rounded to infinity
    QCOMPARE(JsonTree::pathOf(big), QStringLiteral("$.tags[1]"));
    QTreeWidgetItem *spaced = root->child(4)->child(0);
    QCOMPARE(JsonTree::pathOf(spaced), QStringLiteral("$.nested[\"a b\"]"));
    QCOMPARE(spaced->text(JsonTree::TypeColumn), QStringLiteral("null"));
    QCOMPARE(root->child(4)->child(1)->text(JsonTree::TypeColumn), QStringLiteral("boolean"));
    // A value is copied as it was sent, containers whole.
    QCOMPARE(tree->valueOf(root->child(1)), QByteArray(R"(["x",1e400])"));
    QCOMPARE(tree->valueOf(root), json);
    tree->setFocus();
    tree->setCurrentItem(root->child(4));
    QTest::keyClick(tree, Qt::Key_C, Qt::ControlModifier);
    QCOMPARE(QApplication::clipboard()->text(), QStringLiteral(R"({"a b":null,"ok":true})"));
    QVERIFY(view.treeStatus().isEmpty());
    // Another message rebuilds it.
    view.setMessage("[1,2,3]", false, QStringLiteral("next"));
    QCOMPARE(tree->topLevelItem(0)->text(JsonTree::ValueColumn), QStringLiteral("[3 element(s)]"));
    QCOMPARE(view.pageCount(), 1);
}

void TestMessageView::jsonTreeRefusesWhatIsNotJson()
{
    MessageView view;
    auto *tabs = view.findChild<QTabWidget *>();
    tabs->setCurrentIndex(MessageView::TreeTab);
    view.setMessage("{\"a\": [1, 2}", false, QStringLiteral("broken"));
    QCOMPARE(view.tree()->topLevelItemCount(), 0);
    QCOMPARE(view.treeStatus(), QStringLiteral("Not valid JSON: no tree. The JSON view says where it breaks."));
    view.setMessage(QByteArray("\x00\x01", 2), true, QStringLiteral("binary"));
    tabs->setCurrentIndex(MessageView::TreeTab);
    QCOMPARE(view.treeStatus(), QStringLiteral("A binary message is not read as JSON."));
    view.clear();
    QCOMPARE(view.treeStatus(), QStringLiteral("No message."));
}

void TestMessageView::jsonTreeStopsAtItsRowLimit()
{
    QByteArray json = "[";
    for (int i = 0; i < JsonTree::MaxRows + 50000; ++i)
        json += QByteArray::number(i) + ',';
    json.chop(1);
    json += ']';
    MessageView view;
    view.findChild<QTabWidget *>()->setCurrentIndex(MessageView::TreeTab);
    QElapsedTimer timer;
    timer.start();
    view.setMessage(json, false, QStringLiteral("long"));
    qInfo("tree of %d values built in %lld ms", JsonTree::MaxRows + 50000, qint64(timer.elapsed()));
    QVERIFY(view.tree()->isCut());
    QTreeWidgetItem *root = view.tree()->topLevelItem(0);
    QCOMPARE(root->childCount(), JsonTree::MaxRows - 1);
    QCOMPARE(root->text(JsonTree::ValueColumn), QStringLiteral("(99999 shown)"));
    QVERIFY2(view.treeStatus().contains(QStringLiteral("first 100,000 values")), qPrintable(view.treeStatus()));
}

QTEST_MAIN(TestMessageView)
#include "tst_messageview.moc"
