#include "log/payloadformat.h"

#include <QTest>

class TestPayloadFormat : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void hexAccepted_data();
    void hexAccepted();
    void hexRejected_data();
    void hexRejected();
    void previewIsOneLine();
    void previewCutsLongText();
    void previewOfHugeMessageReadsOnlyItsHead();
    void hexPreview();
    void hexDump();
};

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

QTEST_GUILESS_MAIN(TestPayloadFormat)
#include "tst_payloadformat.moc"
