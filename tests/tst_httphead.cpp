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
    void bodyByItsFraming_data();
    void bodyByItsFraming();
    void bodyKeepsAtMostWhatItIsAsked();
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

void TestHttpHead::bodyByItsFraming_data()
{
    QTest::addColumn<QByteArray>("head");
    QTest::addColumn<QByteArray>("wire");        // what follows the head
    QTest::addColumn<bool>("closes");            // the connection ends after the wire bytes
    QTest::addColumn<int>("framing");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("decoded");
    QTest::addColumn<int>("taken");              // bytes of the wire that are the body
    QTest::addColumn<QString>("error");

    using F = HttpBodyDecoder::Framing;
    using S = HttpBodyDecoder::Status;
    const QByteArray h401 = "HTTP/1.1 401 Unauthorized\r\n";
    QTest::newRow("Content-Length, then more bytes")
        << h401 + "Content-Length: 5\r\n\r\n" << QByteArray("hello, next") << false << int(F::Length) << int(S::Done)
        << QByteArray("hello") << 5 << QString();
    QTest::newRow("Content-Length repeated, agreeing")
        << h401 + "Content-Length: 3, 3\r\nContent-Length: 3\r\n\r\n" << QByteArray("abc") << false << int(F::Length)
        << int(S::Done) << QByteArray("abc") << 3 << QString();
    QTest::newRow("Content-Length disagreeing")
        << h401 + "Content-Length: 3\r\nContent-Length: 4\r\n\r\n" << QByteArray("abcd") << false << int(F::Length)
        << int(S::Error) << QByteArray() << 0 << QStringLiteral("is not one number of bytes");
    QTest::newRow("Content-Length 0")
        << h401 + "Content-Length: 0\r\n\r\n" << QByteArray() << false << int(F::Length) << int(S::Done) << QByteArray()
        << 0 << QString();
    QTest::newRow("Content-Length cut short by the close")
        << h401 + "Content-Length: 10\r\n\r\n" << QByteArray("abc") << true << int(F::Length) << int(S::Error)
        << QByteArray("abc") << 3 << QStringLiteral("after 3 of the 10 bytes");
    const QByteArray chunked = "4\r\nWiki\r\n6;ext=\"x\"\r\npedia \r\nE\r\nin \r\n\r\nchunks.\r\n0\r\nX-Sum: 1\r\n\r\n";
    QTest::newRow("chunked with an extension and a trailer")
        << h401 + "Transfer-Encoding: chunked\r\n\r\n" << chunked + "after" << false << int(F::Chunked) << int(S::Done)
        << QByteArray("Wikipedia in \r\n\r\nchunks.") << int(chunked.size()) << QString();
    QTest::newRow("chunked wins over Content-Length")
        << h401 + "Content-Length: 2\r\nTransfer-Encoding: gzip, chunked\r\n\r\n" << QByteArray("3\r\nabc\r\n0\r\n\r\n")
        << false << int(F::Chunked) << int(S::Done) << QByteArray("abc") << 13 << QString();
    QTest::newRow("chunk size not hexadecimal")
        << h401 + "Transfer-Encoding: chunked\r\n\r\n" << QByteArray("zz\r\nabc") << false << int(F::Chunked)
        << int(S::Error) << QByteArray() << 4 << QStringLiteral("\"zz\" is not a hexadecimal number");
    QTest::newRow("chunk without its CR LF")
        << h401 + "Transfer-Encoding: chunked\r\n\r\n" << QByteArray("3\r\nabcdef\r\n") << false << int(F::Chunked)
        << int(S::Error) << QByteArray("abc") << 11 << QStringLiteral("not followed by CR LF");
    QTest::newRow("chunked cut short by the close")
        << h401 + "Transfer-Encoding: chunked\r\n\r\n" << QByteArray("5\r\nhel") << true << int(F::Chunked)
        << int(S::Error) << QByteArray("hel") << 6 << QStringLiteral("before the last chunk");
    QTest::newRow("until close")
        << QByteArray("HTTP/1.0 500 Oops\r\n\r\n") << QByteArray("all of it") << true << int(F::UntilClose)
        << int(S::Done) << QByteArray("all of it") << 9 << QString();
    QTest::newRow("until close, still open")
        << QByteArray("HTTP/1.1 500 Oops\r\n\r\n") << QByteArray("so far") << false << int(F::UntilClose)
        << int(S::NeedMore) << QByteArray("so far") << 6 << QString();
    QTest::newRow("204 has none")
        << QByteArray("HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n") << QByteArray("extra") << false
        << int(F::None) << int(S::Done) << QByteArray() << 0 << QString();
}

void TestHttpHead::bodyByItsFraming()
{
    QFETCH(QByteArray, head);
    QFETCH(QByteArray, wire);
    QFETCH(bool, closes);
    QFETCH(int, framing);
    QFETCH(int, status);
    QFETCH(QByteArray, decoded);
    QFETCH(int, taken);
    QFETCH(QString, error);

    HttpHeadParser parser(Kind::Response);
    QCOMPARE(parser.feed(head), head.size());
    QCOMPARE(parser.status(), Status::Done);
    // Whole, and one byte at a time: the same body.
    for (const int piece : {int(wire.size()), 1}) {
        HttpBodyDecoder body(parser.head(), 1024);
        QCOMPARE(int(body.framing()), framing);
        qsizetype used = 0;
        for (qsizetype at = 0; at < wire.size(); at += piece)
            used += body.feed(QByteArrayView(wire).sliced(at, qMin<qsizetype>(piece, wire.size() - at)));
        if (closes)
            body.end();
        QCOMPARE(int(body.status()), status);
        QCOMPARE(body.decoded(), decoded);
        QCOMPARE(int(used), taken);
        QVERIFY2(body.errorString().contains(error), qPrintable(body.errorString()));
        QCOMPARE(error.isEmpty(), body.errorString().isEmpty());
    }
}

void TestHttpHead::bodyKeepsAtMostWhatItIsAsked()
{
    HttpHeadParser parser(Kind::Response);
    parser.feed("HTTP/1.1 403 Forbidden\r\nTransfer-Encoding: chunked\r\n\r\n");
    HttpBodyDecoder body(parser.head(), 4);
    const QByteArray chunk = "400\r\n" + QByteArray(1024, 'x') + "\r\n";
    for (int i = 0; i < 100; ++i)
        body.feed(chunk);
    body.feed("0\r\n\r\n");
    QCOMPARE(body.status(), HttpBodyDecoder::Status::Done);
    QCOMPARE(body.decoded(), QByteArray("xxxx"));
    QVERIFY(body.truncated());
    QCOMPARE(body.decodedSize(), 100 * 1024);
}

QTEST_GUILESS_MAIN(TestHttpHead)
#include "tst_httphead.moc"
