#include "log/jsontokens.h"
#include "log/payloadformat.h"
#include "log/plaintext.h"

#include <QElapsedTimer>

#include <QTest>

class TestPayloadFormat : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void plainTextEscapesEveryControl();
    void hexAccepted_data();
    void hexAccepted();
    void hexRejected_data();
    void hexRejected();
    void previewIsOneLine();
    void previewCutsLongText();
    void previewOfHugeMessageReadsOnlyItsHead();
    void hexPreview();
    void hexDump();
    void jsonKeysKeepTheirOrder();
    void jsonNumbersAsWritten_data();
    void jsonNumbersAsWritten();
    void jsonEscapesAsReceived();
    void jsonRepeatedKeysAreFound();
    void jsonInvalidSaysWhere_data();
    void jsonInvalidSaysWhere();
    void jsonDeepNesting();
    void jsonWhitespaceVariants_data();
    void jsonWhitespaceVariants();
    void jsonHugeInputIsBounded();
    void jsonPagesSplitALongString();
    void jsonCheckpointsChangeNothing();
};

static QString indented(const QByteArray &json)
{
    return JsonTokens::indent(json, 0, json.size(), 1 << 20).text;
}

void TestPayloadFormat::hexAccepted_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QByteArray>("bytes");

    QTest::newRow("empty") << "" << QByteArray();
    QTest::newRow("packed") << "00ff10" << QByteArray("\x00\xff\x10", 3);
    QTest::newRow("spaced") << "de ad be ef" << QByteArray("\xde\xad\xbe\xef");
    QTest::newRow("upper case") << "DEADBEEF" << QByteArray("\xde\xad\xbe\xef");
    QTest::newRow("0x prefixes and commas") << "0x01, 0x02,0x03" << QByteArray("\x01\x02\x03");
    QTest::newRow("colons like Wireshark") << "0a:0b:0c" << QByteArray("\x0a\x0b\x0c");
    QTest::newRow("line breaks") << "01 02\n03\t04" << QByteArray("\x01\x02\x03\x04");
}

void TestPayloadFormat::hexAccepted()
{
    QFETCH(QString, input);
    QFETCH(QByteArray, bytes);
    const PayloadFormat::HexResult result = PayloadFormat::parseHex(input);
    QVERIFY2(result.ok(), qPrintable(result.error));
    QCOMPARE(result.bytes, bytes);
}

void TestPayloadFormat::hexRejected_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<int>("offset");
    QTest::addColumn<QString>("messagePart");

    QTest::newRow("odd digit count") << "abc" << 2 << "position 3 has no partner";
    QTest::newRow("lone digit between pairs") << "ab c de" << 3 << "position 4 has no partner";
    QTest::newRow("non-hex letter") << "0g" << 1 << "'g' at position 2";
    QTest::newRow("text typed by mistake") << "hello" << 0 << "'h' at position 1";
}

void TestPayloadFormat::hexRejected()
{
    QFETCH(QString, input);
    QFETCH(int, offset);
    QFETCH(QString, messagePart);
    const PayloadFormat::HexResult result = PayloadFormat::parseHex(input);
    QVERIFY(!result.ok());
    QCOMPARE(result.errorOffset, offset);
    QVERIFY2(result.error.contains(messagePart), qPrintable(result.error));
    QVERIFY(result.bytes.isEmpty());
}

void TestPayloadFormat::previewIsOneLine()
{
    const QString preview = PayloadFormat::textPreview("line one\r\nline two\tend\x07", 100);
    QVERIFY(!preview.contains(u'\n'));
    QVERIFY(!preview.contains(u'\r'));
    QVERIFY(!preview.contains(u'\t'));
    QCOMPARE(preview, QStringLiteral("line one\u21B5line two\u2192end\uFFFD"));
}

void TestPayloadFormat::previewCutsLongText()
{
    const QString preview = PayloadFormat::textPreview(QByteArray(500, 'x'), 10);
    QCOMPARE(preview, QString(10, u'x') + QChar(0x2026));
    QCOMPARE(PayloadFormat::textPreview("short", 10), QStringLiteral("short"));
}

void TestPayloadFormat::previewOfHugeMessageReadsOnlyItsHead()
{
    // A 16 MiB message of multi-byte characters: the preview holds exactly the
    // first characters, none cut in half, and marks the cut.
    const QByteArray oneChar = QStringLiteral("\u00e9").toUtf8();
    const QByteArray huge = oneChar.repeated(8 * 1024 * 1024);
    const QString preview = PayloadFormat::textPreview(huge, 50);
    QCOMPARE(preview, QString(50, QChar(0xe9)) + QChar(0x2026));
}

void TestPayloadFormat::hexPreview()
{
    QCOMPARE(PayloadFormat::hexPreview(QByteArray("\x01\xab", 2), 8), QStringLiteral("01 ab"));
    QCOMPARE(PayloadFormat::hexPreview(QByteArray(10, '\0'), 2), QStringLiteral("00 00 \u2026"));
}

void TestPayloadFormat::hexDump()
{
    const QString dump = PayloadFormat::hexDump(QByteArray("GET / HTTP/1.1\r\nHost"));
    QCOMPARE(dump, QStringLiteral("00000000  47 45 54 20 2f 20 48 54  54 50 2f 31 2e 31 0d 0a  |GET / HTTP/1.1..|\n"
                                  "00000010  48 6f 73 74                                       |Host|\n"));
    QVERIFY(PayloadFormat::hexDump({}).isEmpty());
}

void TestPayloadFormat::jsonKeysKeepTheirOrder()
{
    const QByteArray json = R"({"b":1,"a":[true,null,"x",{},[]],"c":{"z":false}})";
    QVERIFY(JsonTokens::scan(json).valid);
    QCOMPARE(indented(json), QStringLiteral("{\n"
                                            "    \"b\": 1,\n"
                                            "    \"a\": [\n"
                                            "        true,\n"
                                            "        null,\n"
                                            "        \"x\",\n"
                                            "        {},\n"
                                            "        []\n"
                                            "    ],\n"
                                            "    \"c\": {\n"
                                            "        \"z\": false\n"
                                            "    }\n"
                                            "}"));
    // Every key, string, number and literal is coloured by its kind.
    const JsonTokens::Pretty pretty = JsonTokens::indent(json, 0, json.size(), 1 << 20);
    QCOMPARE(pretty.spans.size(), 9);
    QCOMPARE(pretty.text.mid(pretty.spans.at(0).start, pretty.spans.at(0).length), QStringLiteral("\"b\""));
    QCOMPARE(pretty.spans.at(0).kind, JsonTokens::Kind::Key);
    QCOMPARE(pretty.spans.at(1).kind, JsonTokens::Kind::Number);
    QCOMPARE(pretty.spans.at(3).kind, JsonTokens::Kind::Literal);
    QCOMPARE(pretty.spans.at(5).kind, JsonTokens::Kind::String);
}

void TestPayloadFormat::jsonNumbersAsWritten_data()
{
    QTest::addColumn<QByteArray>("number");
    QTest::newRow("integer beyond 2^64") << QByteArray("12345678901234567890");
    QTest::newRow("integer beyond 2^53") << QByteArray("9007199254740993");
    QTest::newRow("one point zero") << QByteArray("1.0");
    QTest::newRow("minus zero") << QByteArray("-0");
    QTest::newRow("beyond double range") << QByteArray("1e400");
    QTest::newRow("negative exponent, capital E") << QByteArray("-1.50E-7");
    QTest::newRow("explicit plus exponent") << QByteArray("2e+10");
    QTest::newRow("zero") << QByteArray("0");
}

void TestPayloadFormat::jsonNumbersAsWritten()
{
    QFETCH(QByteArray, number);
    const QByteArray json = "{\"n\":" + number + ",\"a\":[" + number + "]}";
    QVERIFY2(JsonTokens::scan(json).valid, qPrintable(JsonTokens::scan(json).error));
    const QString text = indented(json);
    QVERIFY2(text.contains(QStringLiteral("\"n\": ") + QString::fromLatin1(number) + u','), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("\n        ") + QString::fromLatin1(number) + u'\n'), qPrintable(text));
}

void TestPayloadFormat::jsonEscapesAsReceived()
{
    const QByteArray json = R"({"caf\u00e9":"\"quoted\" a\/b \\ \n\t \ud83d\ude00 é"})";
    QVERIFY(JsonTokens::scan(json).valid);
    QCOMPARE(indented(json), QStringLiteral("{\n    \"caf\\u00e9\": \"\\\"quoted\\\" a\\/b \\\\ \\n\\t \\ud83d\\ude00 \u00e9\"\n}"));
}

void TestPayloadFormat::jsonRepeatedKeysAreFound()
{
    // "id" twice at the top (once written with an escape), once more in a
    // nested object, which is its own object and so no repeat.
    const QByteArray json = "{\"id\":1,\n \"x\":{\"id\":2},\n \"id\":3,\n \"\\u0069d\":4}";
    const JsonTokens::Scan scan = JsonTokens::scan(json);
    QVERIFY(scan.valid);
    QCOMPARE(scan.duplicateCount, 2);
    QCOMPARE(scan.duplicates.size(), 2);
    QCOMPARE(scan.duplicates.at(0).key, QStringLiteral("\"id\""));
    QCOMPARE(scan.duplicates.at(0).at.line, 3);
    QCOMPARE(scan.duplicates.at(0).at.column, 2);
    QCOMPARE(scan.duplicates.at(0).at.offset, json.indexOf("\"id\":3"));
    QCOMPARE(scan.duplicates.at(0).first.line, 1);
    QCOMPARE(scan.duplicates.at(0).first.column, 2);
    QCOMPARE(scan.duplicates.at(1).key, QStringLiteral("\"\\u0069d\""));
    QCOMPARE(scan.duplicates.at(1).at.line, 4);
    // Both stay in the view, in their places.
    const QString text = indented(json);
    QCOMPARE(text.count(QStringLiteral("\"id\": ")), 3);
    QVERIFY(text.indexOf(QStringLiteral("\"id\": 3")) < text.indexOf(QStringLiteral("\"\\u0069d\": 4")));

    QCOMPARE(JsonTokens::scan(R"({"a":1,"b":{"a":2},"c":[{"a":3},{"a":4}]})").duplicateCount, 0);
    QCOMPARE(JsonTokens::scan(R"({"a":1,"A":2})").duplicateCount, 0);   // keys have case
    // A lone surrogate is a name of its own, not the replacement character;
    // a pair written as two escapes is the character it makes.
    QCOMPARE(JsonTokens::scan("{\"\\ud800\":1,\"\\udc00\":2,\"\\ufffd\":3,\"\xef\xbf\xbd\":4}").duplicateCount, 1);
    QCOMPARE(JsonTokens::scan(R"({"\ud800":1,"\uD800":2})").duplicateCount, 1);
    QCOMPARE(JsonTokens::scan("{\"\\ud83d\\ude00\":1,\"\xf0\x9f\x98\x80\":2}").duplicateCount, 1);
    QCOMPARE(JsonTokens::scan(R"({"\ud83d":1,"\ude00":2,"\ud83d\ude00":3,"\ude00\ud83d":4})").duplicateCount, 0);
}

void TestPayloadFormat::jsonInvalidSaysWhere_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<qsizetype>("offset");
    QTest::addColumn<int>("line");
    QTest::addColumn<int>("column");
    QTest::addColumn<QString>("messagePart");

    QTest::newRow("empty") << QByteArray("") << qsizetype(0) << 1 << 1 << "no JSON value";
    QTest::newRow("only blanks") << QByteArray(" \n ") << qsizetype(3) << 2 << 2 << "no JSON value";
    QTest::newRow("missing colon on line 3") << QByteArray("{\n  \"a\": 1,\n  \"b\" 2\n}") << qsizetype(18) << 3 << 7 << "colon";
    QTest::newRow("trailing comma in object") << QByteArray("{\"a\":1,}") << qsizetype(7) << 1 << 8 << "key";
    QTest::newRow("trailing comma in array") << QByteArray("[1,]") << qsizetype(3) << 1 << 4 << "value is missing";
    QTest::newRow("unclosed string") << QByteArray("[\"abc") << qsizetype(1) << 1 << 2 << "not closed";
    QTest::newRow("unclosed array") << QByteArray("[1,2") << qsizetype(4) << 1 << 5 << "inside an array";
    QTest::newRow("unclosed object") << QByteArray("{\"a\":{}") << qsizetype(7) << 1 << 8 << "inside an object";
    QTest::newRow("wrong closing bracket") << QByteArray("[1}") << qsizetype(2) << 1 << 3 << "comma or ]";
    QTest::newRow("leading zero") << QByteArray("[01]") << qsizetype(2) << 1 << 3 << "start with 0";
    QTest::newRow("lone minus") << QByteArray("[-]") << qsizetype(2) << 1 << 3 << "minus";
    QTest::newRow("point without digits") << QByteArray("[1.]") << qsizetype(3) << 1 << 4 << "decimal point";
    QTest::newRow("exponent without digits") << QByteArray("[1e]") << qsizetype(3) << 1 << 4 << "exponent";
    QTest::newRow("NaN") << QByteArray("[NaN]") << qsizetype(1) << 1 << 2 << "value is missing";
    QTest::newRow("capital True") << QByteArray("[True]") << qsizetype(1) << 1 << 2 << "value is missing";
    QTest::newRow("misspelt literal") << QByteArray("[nul]") << qsizetype(1) << 1 << 2 << "lower case";
    QTest::newRow("single quotes") << QByteArray("{'a':1}") << qsizetype(1) << 1 << 2 << "key";
    QTest::newRow("unknown escape") << QByteArray("[\"a\\x\"]") << qsizetype(3) << 1 << 4 << "\\x";
    QTest::newRow("short \\u escape") << QByteArray("[\"\\u12\"]") << qsizetype(2) << 1 << 3 << "four hex digits";
    QTest::newRow("raw tab in string") << QByteArray("[\"a\tb\"]") << qsizetype(3) << 1 << 4 << "control character";
    QTest::newRow("invalid UTF-8") << QByteArray("[\"\xff\"]") << qsizetype(2) << 1 << 3 << "UTF-8";
    QTest::newRow("column counts characters") << QByteArray("[\"\xc3\xa9\xc3\xa9\" x]") << qsizetype(8) << 1 << 7 << "comma or ]";
    QTest::newRow("text after the value") << QByteArray("{} x") << qsizetype(3) << 1 << 4 << "after the end";
    QTest::newRow("two values") << QByteArray("1 2") << qsizetype(2) << 1 << 3 << "after the end";
    QTest::newRow("form feed is no JSON blank") << QByteArray("[1,\f2]") << qsizetype(3) << 1 << 4 << "value is missing";
}

void TestPayloadFormat::jsonInvalidSaysWhere()
{
    QFETCH(QByteArray, json);
    QFETCH(qsizetype, offset);
    QFETCH(int, line);
    QFETCH(int, column);
    QFETCH(QString, messagePart);
    const JsonTokens::Scan scan = JsonTokens::scan(json);
    QVERIFY(!scan.valid);
    QVERIFY2(scan.error.contains(messagePart), qPrintable(scan.error));
    QCOMPARE(scan.errorAt.offset, offset);
    QCOMPARE(scan.errorAt.line, line);
    QCOMPARE(scan.errorAt.column, column);
}

void TestPayloadFormat::jsonDeepNesting()
{
    const int depth = JsonTokens::MaxDepth;
    const QByteArray deepest = QByteArray(depth, '[') + QByteArray(depth, ']');
    QVERIFY(JsonTokens::scan(deepest).valid);
    const QByteArray tooDeep = QByteArray(depth + 1, '[') + QByteArray(depth + 1, ']');
    const JsonTokens::Scan scan = JsonTokens::scan(tooDeep);
    QVERIFY(!scan.valid);
    QVERIFY2(scan.error.contains(QStringLiteral("deeper than 512")), qPrintable(scan.error));
    QCOMPARE(scan.errorAt.offset, qsizetype(depth));
    // A million open brackets stop at the limit, with no recursion to overflow.
    QVERIFY(!JsonTokens::scan(QByteArray(1000000, '[')).valid);
    QVERIFY(!JsonTokens::scan(QByteArray(1000000, '{')).valid);
    // The indentation follows the depth.
    QCOMPARE(indented("[[[1]]]"), QStringLiteral("[\n    [\n        [\n            1\n        ]\n    ]\n]"));
}

void TestPayloadFormat::jsonWhitespaceVariants_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::newRow("compact") << QByteArray("{\"a\":[1,2],\"b\":{\"c\":null}}");
    QTest::newRow("spaces") << QByteArray(" { \"a\" : [ 1 , 2 ] , \"b\" : { \"c\" : null } } ");
    QTest::newRow("tabs and LF") << QByteArray("{\n\t\"a\":\t[1,\n\t\t2],\n\t\"b\": {\"c\": null}\n}\n");
    QTest::newRow("CRLF") << QByteArray("{\r\n  \"a\": [1, 2],\r\n  \"b\": {\r\n    \"c\": null\r\n  }\r\n}\r\n");
}

void TestPayloadFormat::jsonWhitespaceVariants()
{
    QFETCH(QByteArray, json);
    QVERIFY(JsonTokens::scan(json).valid);
    QCOMPARE(indented(json), QStringLiteral("{\n    \"a\": [\n        1,\n        2\n    ],\n    \"b\": {\n"
                                            "        \"c\": null\n    }\n}"));
}

void TestPayloadFormat::jsonHugeInputIsBounded()
{
    // 16 MiB of objects: read in one linear pass, and a page indents only its part.
    QByteArray json = "[";
    const QByteArray item = R"({"id":12345678901234567890,"name":"caf\u00e9","ok":true},)";
    json += item.repeated(16 * 1024 * 1024 / item.size());
    json.back() = ']';
    QElapsedTimer timer;
    timer.start();
    const JsonTokens::Scan scan = JsonTokens::scan(json);
    const qint64 scanMs = timer.elapsed();
    QVERIFY(scan.valid);
    QCOMPARE(scan.duplicateCount, 0);
    timer.restart();
    const qsizetype page = 256 * 1024;
    const JsonTokens::Pretty last = JsonTokens::indent(json, json.size() - page, json.size(), 4 * page);
    const qint64 indentMs = timer.elapsed();
    QVERIFY(!last.cut);
    QVERIFY(last.text.endsWith(QStringLiteral("\n    }\n]")));
    QVERIFY(last.text.size() < 4 * page);
    qInfo("16 MiB of JSON: scanned in %lld ms, last page indented in %lld ms", scanMs, indentMs);
    // Generous for a sanitizer build on a busy machine; a few hundred ms in a release build.
    QVERIFY2(scanMs < 10000 && indentMs < 10000, qPrintable(QStringLiteral("%1 %2").arg(scanMs).arg(indentMs)));

    // Deep nesting cannot blow a page up past its bound.
    const QByteArray deep = QByteArray(QByteArray(500, '[') + QByteArray(500, ']') + ',').repeated(200);
    const QByteArray deepJson = '[' + deep.chopped(1) + ']';
    QVERIFY(JsonTokens::scan(deepJson).valid);
    const JsonTokens::Pretty bounded = JsonTokens::indent(deepJson, 0, deepJson.size(), 100000);
    QVERIFY(bounded.cut);
    QVERIFY(bounded.text.size() < 100000 + 4 * 512 + 600);
}

void TestPayloadFormat::jsonPagesSplitALongString()
{
    // A string longer than a page shows its part on each page, on whole characters.
    const QByteArray inner = QStringLiteral("\u00e9\u4e2d").toUtf8().repeated(1000);
    const QByteArray json = "{\"s\":\"" + inner + "\"}";
    QString joined;
    const qsizetype page = 1001;
    for (qsizetype from = 0; from < json.size(); from += page) {
        const JsonTokens::Pretty part = JsonTokens::indent(json, from, from + page, 1 << 20);
        QVERIFY(!part.text.contains(QChar(0xFFFD)));
        joined += part.text;
    }
    QCOMPARE(joined, indented(json));
}

void TestPayloadFormat::jsonCheckpointsChangeNothing()
{
    // Pages indented from scan()'s checkpoints equal those read from the start.
    QByteArray json = "{\"list\":[";
    for (int i = 0; i < 3000; ++i)
        json += "{\"n\":" + QByteArray::number(i) + ",\"s\":\"" + QByteArray(i % 50, 'x') + "\",\"a\":[[],{}]},";
    json.chop(1);
    json += "],\"end\":true}";
    const qsizetype page = 4096;
    QList<JsonTokens::Checkpoint> checkpoints;
    QVERIFY(JsonTokens::scan(json, page, &checkpoints).valid);
    QCOMPARE(checkpoints.size(), (json.size() + page - 1) / page);
    for (qsizetype k = 0; k < checkpoints.size(); ++k) {
        const JsonTokens::Pretty fromStart = JsonTokens::indent(json, k * page, (k + 1) * page, 1 << 20);
        const JsonTokens::Pretty fromCheckpoint =
            JsonTokens::indent(json, k * page, (k + 1) * page, 1 << 20, &checkpoints.at(k));
        QCOMPARE(fromCheckpoint.text, fromStart.text);
        QCOMPARE(fromCheckpoint.spans.size(), fromStart.spans.size());
    }
}

void TestPayloadFormat::plainTextEscapesEveryControl()
{
    QString text = QStringLiteral("a\x1b[31mb\x07" "c\rd\ne\tf\x7fg");
    text += QChar(0x9b);                    // C1 CSI: an escape sequence to some terminals
    text += QChar(0xD800);                  // a lone high surrogate
    text += QStringLiteral("h");
    text += QChar(0xDC00);                  // a lone low surrogate
    text += QChar(0x202E);                  // right-to-left override
    text += QStringLiteral("\U0001F600");   // a surrogate pair stays
    text += QStringLiteral("\u00e9\u4e2d");
    QCOMPARE(PlainText::oneLine(text),
             QStringLiteral("a\\x1b[31mb\\x07c\\rd\\ne\\tf\\x7fg\\x9b\\ud800h\\udc00\\u202e\U0001F600\u00e9\u4e2d"));
    QCOMPARE(PlainText::oneLine(QString()), QString());
}

QTEST_GUILESS_MAIN(TestPayloadFormat)
#include "tst_payloadformat.moc"
