#include "inspector/handshakeinspector.h"
#include "inspector/pagedtext.h"
#include "log/payloadformat.h"
#include "session/handshakeinfo.h"

#include <QBuffer>
#include <QElapsedTimer>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QTest>

class TestHandshakeInspector : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void smallHandshakeIsShownWhole();
    void hugeHeadIsPaged();
    void headSizeDoesNotSetTheWait();
    void pagesKeepLineBreaksWhole();
    void longFieldsAreShortened();

private:
    static HandshakeInfo smallInfo();
    static HandshakeInfo infoWithHead(qsizetype size);
};

HandshakeInfo TestHandshakeInspector::smallInfo()
{
    HandshakeInfo info;
    info.captured = true;
    info.url = QStringLiteral("ws://127.0.0.1:9/");
    info.requestRaw = "GET / HTTP/1.1\r\nHost: 127.0.0.1:9\r\nUpgrade: websocket\r\n\r\n";
    info.requestLine = "GET / HTTP/1.1";
    info.responseRaw = "HTTP/1.1 403 Forbidden\r\nServer: test\r\n\r\n";
    info.statusLine = "HTTP/1.1 403 Forbidden";
    info.responseBody = "go away";
    return info;
}

void TestHandshakeInspector::smallHandshakeIsShownWhole()
{
    const HandshakeInfo info = smallInfo();
    HandshakeInspector inspector;
    inspector.setHandshake(info);
    QCOMPARE(inspector.requestText(), QStringLiteral("GET / HTTP/1.1\nHost: 127.0.0.1:9\nUpgrade: websocket"));
    QCOMPARE(inspector.responseText(), QStringLiteral("HTTP/1.1 403 Forbidden\nServer: test\n\ngo away"));
    QCOMPARE(inspector.rawText(),
             QStringLiteral("Request, 57 byte(s):\n") + PayloadFormat::hexDump(info.requestRaw)
                 + QStringLiteral("\nResponse head, 40 byte(s):\n") + PayloadFormat::hexDump(info.responseRaw)
                 + QStringLiteral("\nResponse body, 7 byte(s):\n") + PayloadFormat::hexDump(info.responseBody));
    // One page: no page controls, nothing says "Showing".
    for (PagedText *pane : {inspector.requestPane(), inspector.responsePane(), inspector.rawPane()}) {
        QCOMPARE(pane->pageCount(), 1);
        QVERIFY(pane->status().isEmpty());
    }
    for (const QPushButton *button : inspector.findChildren<QPushButton *>())
        QVERIFY2(!button->isVisibleTo(&inspector), qPrintable(button->text()));
}

HandshakeInfo TestHandshakeInspector::infoWithHead(qsizetype size)
{
    QByteArray head = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n";
    while (head.size() < size)
        head += "X-Filler: " + QByteArray::number(head.size()) + "\r\n";
    HandshakeInfo info = smallInfo();
    info.responseRaw = head + "\r\n";
    info.statusLine = "HTTP/1.1 101 Switching Protocols";
    info.responseBody.clear();
    return info;
}

void TestHandshakeInspector::headSizeDoesNotSetTheWait()
{
    // Only a page is built: a head ten times larger is not ten times slower
    // to show (built whole, it was; the best of three for each size).
    const auto best = [](const HandshakeInfo &info) {
        qint64 fastest = -1;
        for (int run = 0; run < 3; ++run) {
            HandshakeInspector inspector;
            inspector.resize(900, 700);
            inspector.show();
            if (!QTest::qWaitForWindowExposed(&inspector))
                return qint64(-1);
            QElapsedTimer timer;
            timer.start();
            inspector.setHandshake(info);
            inspector.grab();
            const qint64 us = timer.nsecsElapsed() / 1000;
            fastest = fastest < 0 ? us : qMin(fastest, us);
        }
        return fastest;
    };
    const qint64 small = best(infoWithHead(3 * 1000 * 1000));
    const qint64 large = best(infoWithHead(30 * 1000 * 1000));
    QVERIFY(small > 0 && large > 0);
    const double ratio = double(large) / double(small);
    qInfo("3 MB head: %.1f ms, 30 MB head: %.1f ms, ratio %.2f", double(small) / 1000, double(large) / 1000, ratio);
    QVERIFY2(ratio < 4, qPrintable(QStringLiteral("a 30 MB head took %1 times as long as a 3 MB one").arg(ratio)));
}

void TestHandshakeInspector::hugeHeadIsPaged()
{
    // A session file can hold a response head of any size: 30 MB here, one
    // header line of 10 MB and a million short ones.
    QByteArray head = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n";
    head += "X-Long: " + QByteArray(10 * 1000 * 1000, 'a') + "\r\n";
    while (head.size() < 30 * 1000 * 1000)
        head += "X-Filler: " + QByteArray::number(head.size()) + "\r\n";
    head += "X-Last: the end\r\n\r\n";
    HandshakeInfo info = smallInfo();
    info.responseRaw = head;
    info.statusLine = "HTTP/1.1 101 Switching Protocols";
    info.responseBody.clear();

    HandshakeInspector inspector;
    inspector.resize(900, 700);
    inspector.show();
    QVERIFY(QTest::qWaitForWindowExposed(&inspector));
    QElapsedTimer timer;
    timer.start();
    inspector.setHandshake(info);
    inspector.grab();   // painted as well
    qInfo("30 MB head shown in %lld ms", qint64(timer.elapsed()));

    // What is on screen is a page, and says so.
    QVERIFY(inspector.responseText().startsWith(QStringLiteral("HTTP/1.1 101 Switching Protocols\nUpgrade: websocket")));
    QVERIFY2(inspector.responseText().size() <= PagedText::TextPageChars, qPrintable(QString::number(inspector.responseText().size())));
    QVERIFY(inspector.rawText().startsWith(QStringLiteral("Request, 57 byte(s):\n00000000  47 45 54 20")));
    QVERIFY2(inspector.rawText().size() <= PagedText::HexPageBytes * 5 + 1024, qPrintable(QString::number(inspector.rawText().size())));
    PagedText *response = inspector.responsePane();
    PagedText *raw = inspector.rawPane();
    const QLocale locale;   // numbers as the user reads them
    const QString text = QString::fromLatin1(head.trimmed());
    const int textPages = int((text.size() + PagedText::TextPageChars - 1) / PagedText::TextPageChars);
    QCOMPARE(response->pageCount(), textPages);
    QCOMPARE(response->status(), QStringLiteral("Showing characters 1 to %1 of %2, page 1 of %3.")
                                     .arg(locale.toString(PagedText::TextPageChars), locale.toString(text.size()),
                                          locale.toString(textPages)));
    const qsizetype rawBytes = info.requestRaw.size() + head.size();
    const int rawPages = int((rawBytes + PagedText::HexPageBytes - 1) / PagedText::HexPageBytes);
    // A page ends on a whole line of the dump, 16 bytes from the start of the head.
    const qsizetype firstPageEnd = info.requestRaw.size() + (PagedText::HexPageBytes - info.requestRaw.size()) / 16 * 16;
    QCOMPARE(raw->pageCount(), rawPages);
    QCOMPARE(raw->status(), QStringLiteral("Showing bytes 1 to %1 of %2, page 1 of %3.")
                                .arg(locale.toString(firstPageEnd), locale.toString(rawBytes),
                                     locale.toString(rawPages)));
    // The status is on screen, with the way to more.
    bool statusShown = false;
    for (const QLabel *label : inspector.findChildren<QLabel *>())
        statusShown |= label->text() == response->status() && label->isVisibleTo(&inspector);
    QVERIFY(statusShown);

    // Next page goes on where the first stopped.
    QPushButton *next = nullptr;
    for (QPushButton *button : response->findChildren<QPushButton *>()) {
        if (button->text() == QStringLiteral("Next page"))
            next = button;
    }
    QVERIFY(next);
    QVERIFY(next->isVisibleTo(&inspector));
    QTest::mouseClick(next, Qt::LeftButton);
    QCOMPARE(response->page(), 1);
    QCOMPARE(inspector.responseText(), text.mid(PagedText::TextPageChars, PagedText::TextPageChars));
    response->setPage(textPages - 1);
    QVERIFY(inspector.responseText().endsWith(QStringLiteral("X-Last: the end")));

    // Everything is still there: Save all writes every page.
    QBuffer all;
    all.open(QIODevice::WriteOnly);
    QVERIFY(response->writeAll(&all));
    QCOMPARE(all.data().size(), text.size());
    QVERIFY(all.data() == head.trimmed());

    // The hex dump too, its offsets counting from the start of the head.
    raw->setPage(1);
    QVERIFY2(raw->text().startsWith(QStringLiteral("Response head, %1 byte(s) (continued):\n").arg(head.size())),
             qPrintable(raw->text().left(200)));
    raw->setPage(rawPages - 1);
    const qsizetype lastLine = (head.size() - 1) / 16 * 16;
    QVERIFY2(raw->text().endsWith(PayloadFormat::hexDump(QByteArrayView(head).sliced(lastLine), lastLine)), qPrintable(raw->text().right(300)));
    QBuffer dump;
    dump.open(QIODevice::WriteOnly);
    QVERIFY(raw->writeAll(&dump));
    const QByteArray &saved = dump.data();
    QVERIFY(!saved.contains("(continued)"));
    QCOMPARE(saved.count('\n'), 1 + (info.requestRaw.size() + 15) / 16 + 2 + (head.size() + 15) / 16);
    QVERIFY(saved.endsWith(PayloadFormat::hexDump(QByteArrayView(head).sliced(lastLine), lastLine).toLatin1()));
    const qsizetype middle = 1000000 * 16;
    QVERIFY(saved.contains(PayloadFormat::hexDump(QByteArrayView(head).sliced(middle, 16), middle).toLatin1()));
}

void TestHandshakeInspector::pagesKeepLineBreaksWhole()
{
    // CR LF across a page boundary: the next page does not start with an empty line.
    QByteArray head = "HTTP/1.1 101 Switching Protocols\r\nX-A: ";
    head += QByteArray(PagedText::TextPageChars - 1 - head.size(), 'a') + "\r\nX-B: b\r\n\r\n";
    QCOMPARE(head.at(PagedText::TextPageChars - 1), '\r');
    HandshakeInfo info = smallInfo();
    info.responseRaw = head;
    HandshakeInspector inspector;
    inspector.setHandshake(info);
    PagedText *response = inspector.responsePane();
    QCOMPARE(response->pageCount(), 2);
    response->setPage(1);
    QVERIFY2(!inspector.responseText().startsWith(u'\n'), qPrintable(inspector.responseText().left(40)));
    QVERIFY(inspector.responseText().startsWith(QStringLiteral("X-B: b")));
    QBuffer all;
    all.open(QIODevice::WriteOnly);
    QVERIFY(response->writeAll(&all));
    QCOMPARE(all.data(), head.trimmed() + "\n\ngo away");
}

void TestHandshakeInspector::longFieldsAreShortened()
{
    // Single values from a file go into labels and the accept check: cut, with their size.
    HandshakeInfo info = smallInfo();
    info.url = QStringLiteral("ws://h/") + QString(5 * 1000 * 1000, u'u');
    info.findings = QStringList(200, QStringLiteral("finding"));
    info.accept.available = true;
    info.accept.key = QByteArray(5 * 1000 * 1000, 'k');
    HandshakeInspector inspector;
    inspector.setHandshake(info);
    QVERIFY(inspector.notesText().endsWith(QStringLiteral("(and 150 more)")));
    QVERIFY(inspector.acceptText().size() < 10000);
    QVERIFY(inspector.acceptText().contains(QStringLiteral("(5000000 byte(s) in all)")));
    bool urlShortened = false;
    for (const QLabel *label : inspector.findChildren<QLabel *>())
        urlShortened |= label->text().startsWith(QStringLiteral("ws://h/uuu")) && label->text().size() < 2000
            && label->text().contains(QStringLiteral("(5000007 character(s) in all)"));
    QVERIFY(urlShortened);
}

QTEST_MAIN(TestHandshakeInspector)
#include "tst_handshakeinspector.moc"
