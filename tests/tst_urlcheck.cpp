#include "session/urlcheck.h"

#include <QTest>

class TestUrlCheck : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void accepted_data();
    void accepted();
    void rejected_data();
    void rejected();
    void qtInternalsStayOffTheScreen();
};

void TestUrlCheck::accepted_data()
{
    QTest::addColumn<QString>("typed");
    QTest::addColumn<QString>("normalised");

    QTest::newRow("plain ws with path") << "ws://example.com/chat" << "ws://example.com/chat";
    QTest::newRow("wss with port") << "wss://example.com:8443/feed" << "wss://example.com:8443/feed";
    QTest::newRow("empty path becomes /") << "ws://127.0.0.1:9000" << "ws://127.0.0.1:9000/";
    QTest::newRow("query without path gets /") << "ws://h?x=1" << "ws://h/?x=1";
    QTest::newRow("upper-case scheme") << "WS://example.com/" << "ws://example.com/";
    QTest::newRow("surrounding blanks trimmed") << "  ws://example.com/a  " << "ws://example.com/a";
    QTest::newRow("IPv6 literal") << "ws://[::1]:8080/x" << "ws://[::1]:8080/x";
    QTest::newRow("encoded space stays encoded") << "ws://h/a%20b?q=c%20d" << "ws://h/a%20b?q=c%20d";
}

void TestUrlCheck::accepted()
{
    QFETCH(QString, typed);
    QFETCH(QString, normalised);
    const UrlCheck::Result result = UrlCheck::parse(typed);
    QVERIFY2(result.ok(), qPrintable(result.error));
    QCOMPARE(result.url.toString(QUrl::FullyEncoded), normalised);
    // What the URL bar shows again must pass the same check.
    QVERIFY(UrlCheck::parse(result.url.toString(QUrl::FullyEncoded)).ok());
}

void TestUrlCheck::rejected_data()
{
    QTest::addColumn<QString>("typed");
    QTest::addColumn<QString>("messagePart");

    QTest::newRow("empty") << "" << "Enter a ws://";
    QTest::newRow("only blanks") << "   " << "Enter a ws://";
    QTest::newRow("no scheme") << "localhost:8080/chat" << "no scheme";
    QTest::newRow("http scheme") << "http://example.com/" << "use ws://";
    QTest::newRow("https scheme") << "https://example.com/" << "use wss://";
    QTest::newRow("ftp scheme") << "ftp://example.com/" << "\"ftp\" is not supported";
    QTest::newRow("no host") << "ws:///path" << "no host";
    QTest::newRow("scheme alone") << "ws://" << "no host";
    QTest::newRow("wss scheme alone") << "wss://" << "no host";
    QTest::newRow("port but no host") << "ws://:8080/" << "no host";
    QTest::newRow("port out of range") << "ws://example.com:99999/" << "not a valid URL";
    QTest::newRow("port not a number") << "ws://example.com:abc/" << "not a valid URL";
    QTest::newRow("port zero") << "ws://example.com:0/" << "Port 0";
    QTest::newRow("newline in host") << "ws://exa\nmple.com/" << "line break at position 9";
    QTest::newRow("space in path") << "ws://example.com/a b" << "space at position 19";
    QTest::newRow("control character") << QStringLiteral("ws://example.com/\x01") << "control character";
    QTest::newRow("fragment") << "ws://example.com/#top" << "fragment";
    QTest::newRow("credentials in URL") << "ws://user:pw@example.com/" << "Authorization header";
    QTest::newRow("bad IPv6 literal") << "ws://[::1/" << "not a valid URL";
    // Found by fuzzing: a zone that is not an interface name did not survive
    // being written out and read again.
    QTest::newRow("IPv6 zone not a name") << QString::fromUtf8("wsS://[fe80::1%25e\xef\xbf\xbd" "th0]")
                                          << "not the name of a network interface";
    QTest::newRow("IPv6 zone percent-encoded") << QStringLiteral("ws://[fe80::1%25e%4A0]/") << "not the name of a network interface";
    QTest::newRow("IPv6 zone not encoded") << QStringLiteral("ws://[fe80::1%eth0]/") << "not the name of a network interface";
}

void TestUrlCheck::qtInternalsStayOffTheScreen()
{
    const UrlCheck::Result result = UrlCheck::parse(QStringLiteral("ws://example.com:99999/"));
    QVERIFY(!result.ok());
    QVERIFY2(result.error.contains(QStringLiteral("port")), qPrintable(result.error));
    QVERIFY2(!result.error.contains(QStringLiteral("source was")), qPrintable(result.error));
    QVERIFY2(!result.error.contains(QStringLiteral("scheme =")), qPrintable(result.error));
    QVERIFY(UrlCheck::parse(QStringLiteral("ws://[fe80::1%25eth0]:8080/")).ok());
    // Found by fuzzing: a "[" in the query is no IPv6 address, and a URL
    // accepted reads back the same from its encoded form.
    for (const QByteArray &typed : {QByteArray::fromBase64("d3M6Ly8yaG9zdD//qqqqqqpbeLwx"),
                                    QByteArray("ws://[fe80::1%25eth0]:8080/a%20b?x=[1]")}) {
        const UrlCheck::Result first = UrlCheck::parse(QString::fromUtf8(typed));
        QVERIFY2(first.ok(), qPrintable(first.error));
        const UrlCheck::Result again = UrlCheck::parse(first.url.toString(QUrl::FullyEncoded));
        QVERIFY2(again.ok(), qPrintable(again.error));
        QCOMPARE(again.url, first.url);
    }
}

void TestUrlCheck::rejected()
{
    QFETCH(QString, typed);
    QFETCH(QString, messagePart);
    const UrlCheck::Result result = UrlCheck::parse(typed);
    QVERIFY(!result.ok());
    QVERIFY2(result.error.contains(messagePart, Qt::CaseInsensitive), qPrintable(result.error));
    QVERIFY(!result.url.isValid());
}

QTEST_GUILESS_MAIN(TestUrlCheck)
#include "tst_urlcheck.moc"
