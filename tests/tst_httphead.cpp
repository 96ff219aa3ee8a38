#include "wire/httphead.h"

#include <QTest>

using Kind = HttpHeadParser::Kind;
using Status = HttpHeadParser::Status;

class TestHttpHead : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void requestKeepsOrderCaseAndDuplicates();
    void responseWithBodyStopsAtBlankLine();
    void everySplitGivesTheSameHead_data();
    void everySplitGivesTheSameHead();
    void malformed_data();
    void malformed();
    void oversizedHeadIsRefused();
};

static const QByteArray qtRequest =
    "GET /chat?room=1 HTTP/1.1\r\n"
    "Host: 127.0.0.1:8080\r\n"
    "Upgrade: websocket\r\n"
    "Connection: Upgrade\r\n"
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
    "Sec-WebSocket-Version: 13\r\n"
    "X-Trace: one\r\n"
    "x-trace:   two  \r\n"
    "\r\n";

static const QByteArray forbidden =
    "HTTP/1.1 401 Unauthorized\r\n"
    "WWW-Authenticate: Bearer\r\n"
    "Content-Length: 12\r\n"
    "\r\n"
    "who are you?";

void TestHttpHead::requestKeepsOrderCaseAndDuplicates()
{
    HttpHeadParser parser(Kind::Request);
    QCOMPARE(parser.feed(qtRequest), qtRequest.size());
    QCOMPARE(parser.status(), Status::Done);
    const HttpHead &head = parser.head();
    QCOMPARE(head.method, QByteArray("GET"));
    QCOMPARE(head.target, QByteArray("/chat?room=1"));
    QCOMPARE(head.version, QByteArray("HTTP/1.1"));
    QCOMPARE(head.headers.size(), 7);
    QCOMPARE(head.headers.at(0), HttpHead::Header("Host", "127.0.0.1:8080"));
    QCOMPARE(head.headers.at(4), HttpHead::Header("Sec-WebSocket-Version", "13"));
    QCOMPARE(head.headers.at(5), HttpHead::Header("X-Trace", "one"));
    QCOMPARE(head.headers.at(6), HttpHead::Header("x-trace", "two"));
    QCOMPARE(head.value("sec-websocket-key"), QByteArray("dGhlIHNhbXBsZSBub25jZQ=="));
    QCOMPARE(head.values("X-TRACE"), (QList<QByteArray>{"one", "two"}));
    QVERIFY(!head.has("Origin"));
    QCOMPARE(head.raw, qtRequest);
}

void TestHttpHead::responseWithBodyStopsAtBlankLine()
{
    HttpHeadParser parser(Kind::Response);
    const qsizetype taken = parser.feed(forbidden);
    QCOMPARE(parser.status(), Status::Done);
    QCOMPARE(forbidden.mid(taken), QByteArray("who are you?"));
    QCOMPARE(parser.head().status, 401);
    QCOMPARE(parser.head().reason, QByteArray("Unauthorized"));
    QCOMPARE(parser.head().value("www-authenticate"), QByteArray("Bearer"));
    QCOMPARE(parser.feed("more"), 0);   // a finished parser takes nothing
}

void TestHttpHead::everySplitGivesTheSameHead_data()
{
    QTest::addColumn<int>("kind");
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<int>("headers");
    QTest::newRow("Qt's upgrade request") << int(Kind::Request) << qtRequest << 7;
    QTest::newRow("101 answer") << int(Kind::Response)
                                << QByteArray("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                                              "Connection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n"
                                              "\x81\x02hi")
                                << 3;
    QTest::newRow("401 with body") << int(Kind::Response) << forbidden << 2;
}

void TestHttpHead::everySplitGivesTheSameHead()
{
    QFETCH(int, kind);
    QFETCH(QByteArray, bytes);
    QFETCH(int, headers);
    HttpHeadParser whole{Kind(kind)};
    const qsizetype wholeTaken = whole.feed(bytes);
    QCOMPARE(whole.status(), Status::Done);
    QCOMPARE(whole.head().headers.size(), headers);

    for (qsizetype split = 1; split < bytes.size(); ++split) {
        HttpHeadParser parser{Kind(kind)};
        qsizetype taken = parser.feed(QByteArrayView(bytes).first(split));
        if (parser.status() == Status::NeedMore) {
            QCOMPARE(taken, split);
            taken += parser.feed(QByteArrayView(bytes).sliced(split));
        }
        QCOMPARE(parser.status(), Status::Done);
        QCOMPARE(taken, wholeTaken);
        QCOMPARE(parser.head().startLine, whole.head().startLine);
        QCOMPARE(parser.head().headers, whole.head().headers);
        QCOMPARE(parser.head().raw, whole.head().raw);
    }
    // And one byte at a time.
    HttpHeadParser bytewise{Kind(kind)};
    qsizetype taken = 0;
    for (qsizetype i = 0; i < bytes.size() && bytewise.status() == Status::NeedMore; ++i)
        taken += bytewise.feed(QByteArrayView(bytes).sliced(i, 1));
    QCOMPARE(taken, wholeTaken);
    QCOMPARE(bytewise.head().headers, whole.head().headers);
}

void TestHttpHead::malformed_data()
{
    QTest::addColumn<int>("kind");
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("messagePart");
    QTest::newRow("garbage instead of a status line") << int(Kind::Response) << QByteArray("SSH-2.0-OpenSSH_9.2\r\n\r\n") << "status line";
    QTest::newRow("status code not a number") << int(Kind::Response) << QByteArray("HTTP/1.1 abc Nope\r\n\r\n") << "three-digit";
    QTest::newRow("header without colon") << int(Kind::Response) << QByteArray("HTTP/1.1 101 OK\r\nUpgrade websocket\r\n\r\n") << "Line 2";
    QTest::newRow("header name with space") << int(Kind::Response) << QByteArray("HTTP/1.1 101 OK\r\nBad Name: x\r\n\r\n") << "Line 2";
    QTest::newRow("folded header") << int(Kind::Response) << QByteArray("HTTP/1.1 101 OK\r\nA: b\r\n  c\r\n\r\n") << "folding";
    QTest::newRow("bare LF line end") << int(Kind::Response) << QByteArray("HTTP/1.1 101 OK\nA: b\r\n\r\n") << "CR LF";
    QTest::newRow("request line with two parts") << int(Kind::Request) << QByteArray("CONNECT host:1\r\n\r\n") << "request line";
}

void TestHttpHead::malformed()
{
    QFETCH(int, kind);
    QFETCH(QByteArray, bytes);
    QFETCH(QString, messagePart);
    HttpHeadParser parser{Kind(kind)};
    parser.feed(bytes);
    QCOMPARE(parser.status(), Status::Error);
    QVERIFY2(parser.errorString().contains(messagePart), qPrintable(parser.errorString()));
}

void TestHttpHead::oversizedHeadIsRefused()
{
    HttpHeadParser parser(Kind::Response);
    const QByteArray line = "X-Padding: " + QByteArray(1000, 'a') + "\r\n";
    parser.feed("HTTP/1.1 101 OK\r\n");
    for (int i = 0; i < 70 && parser.status() == Status::NeedMore; ++i)
        parser.feed(line);
    QCOMPARE(parser.status(), Status::Error);
    QVERIFY(parser.errorString().contains(QStringLiteral("64 KiB")));
}

QTEST_GUILESS_MAIN(TestHttpHead)
#include "tst_httphead.moc"
