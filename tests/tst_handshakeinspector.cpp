#include "inspector/handshakeinspector.h"
#include "inspector/pagedtext.h"
#include "log/payloadformat.h"
#include "session/handshakeinfo.h"

#include <QBuffer>
#include <QElapsedTimer>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QApplication>
#include <QClipboard>
#include <QTabWidget>
#include <QTest>
#include <QTreeWidget>

#include "theme.h"

class TestHandshakeInspector : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void smallHandshakeIsShownWhole();
    void hugeHeadIsPaged();
    void headSizeDoesNotSetTheWait();
    void pagesKeepLineBreaksWhole();
    void longFieldsAreShortened();
    void storyOfAnUpgrade();
    void storyOfARefusal();
    void storyOfNoServer();
    void storyIsPlainText();
    void headerTablesSetTheHandshakeApart();
    void keySelectsAccept();

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
    // The status is on screen, with the way to more, in the Text tab.
    inspector.tabs()->setCurrentIndex(3);
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

namespace {

// A handshake as the tap records one: a real key and its real accept.
HandshakeInfo upgradeInfo()
{
    HandshakeInfo info;
    info.captured = true;
    info.url = QStringLiteral("ws://127.0.0.1:9101/chat");
    info.serverAddress = QStringLiteral("127.0.0.1:9101");
    info.timing.tcp = 210;
    info.requestLine = "GET /chat HTTP/1.1";
    info.requestHeaders = {{"Host", "127.0.0.1:9101"}, {"upgrade", "websocket"}, {"Connection", "Upgrade"},
                           {"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="}, {"Sec-WebSocket-Version", "13"},
                           {"User-Agent", "wsscope"}};
    info.statusLine = "HTTP/1.1 101 Switching Protocols";
    info.responseHeaders = {{"Upgrade", "websocket"}, {"Connection", "Upgrade"}, {"X-Served-By", "test"},
                            {"Sec-WebSocket-Accept", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="}};
    info.accept.available = true;
    info.accept.key = "dGhlIHNhbXBsZSBub25jZQ==";
    info.accept.expected = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";
    info.accept.received = info.accept.expected;
    info.accept.matches = true;
    return info;
}

using Stage = HandshakeStory::Progress::Stage;

HandshakeStory::Progress progress(Stage stage, bool opened)
{
    HandshakeStory::Progress p;
    p.stage = stage;
    p.opened = opened;
    return p;
}

} // namespace

void TestHandshakeInspector::storyOfAnUpgrade()
{
    const HandshakeInfo info = upgradeInfo();
    QList<HandshakeStory::Step> steps = HandshakeStory::tell(info, progress(Stage::Open, true));
    QCOMPARE(steps.size(), 5);
    QCOMPARE(steps.at(0).title, QStringLiteral("TCP connection to 127.0.0.1:9101"));
    QCOMPARE(steps.at(0).details, QStringList{QStringLiteral("Connected in 210 \u00b5s")});
    QCOMPARE(steps.at(0).role, Theme::Role::Good);
    // Only the headers the handshake is made of, as they were written.
    QCOMPARE(steps.at(1).direction, HandshakeStory::Direction::Out);
    QCOMPARE(steps.at(1).details, (QStringList{QStringLiteral("GET /chat HTTP/1.1"), QStringLiteral("upgrade: websocket"),
                                               QStringLiteral("Connection: Upgrade"),
                                               QStringLiteral("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=="),
                                               QStringLiteral("Sec-WebSocket-Version: 13")}));
    QCOMPARE(steps.at(2).direction, HandshakeStory::Direction::In);
    QCOMPARE(steps.at(2).title, QStringLiteral("The server agrees: 101 Switching Protocols"));
    QCOMPARE(steps.at(2).role, Theme::Role::Good);
    QCOMPARE(steps.at(2).details.last(), QStringLiteral("\u2713 Sec-WebSocket-Accept matches the Key: Match"));
    QCOMPARE(steps.at(2).emphasised, steps.at(2).details.size() - 1);
    QVERIFY(!steps.at(2).details.join(u'|').contains(QStringLiteral("X-Served-By")));
    QVERIFY(steps.at(3).reached);
    QVERIFY(!steps.at(4).reached);

    // A wrong Accept is the answer's failure, whatever the status.
    HandshakeInfo wrong = info;
    wrong.accept.received = "AAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    wrong.accept.matches = false;
    steps = HandshakeStory::tell(wrong, progress(Stage::Ended, false));
    QCOMPARE(steps.at(2).role, Theme::Role::Error);
    QVERIFY(steps.at(2).details.contains(QStringLiteral("\u2717 Sec-WebSocket-Accept is not the answer to the Key: MISMATCH")));
    QCOMPARE(steps.at(3).details, QStringList{QStringLiteral("Not reached: the connection did not open.")});

    // The close, told by who started it and whether it was answered.
    HandshakeStory::Progress ended = progress(Stage::Ended, true);
    ended.close.closer = Session::Closer::Peer;
    ended.close.code = 1001;
    ended.close.reason = QStringLiteral("going away");
    ended.close.handshakeCompleted = true;
    steps = HandshakeStory::tell(info, ended);
    QVERIFY(steps.at(4).reached);
    QCOMPARE(steps.at(4).role, Theme::Role::Good);
    QCOMPARE(steps.at(4).details, (QStringList{QStringLiteral("The server closed it: 1001 Going away"),
                                               QStringLiteral("Reason: going away"),
                                               QStringLiteral("Both sides sent a Close frame.")}));
    ended.close = {};   // TCP ended with no Close frame: 1006
    QCOMPARE(HandshakeStory::tell(info, ended).at(4).role, Theme::Role::Error);

    // wss:// has a TLS step between TCP and the request.
    HandshakeInfo tls = info;
    tls.url = QStringLiteral("wss://127.0.0.1:9101/");
    tls.hasTls = true;
    tls.tls.protocol = QStringLiteral("TLSv1.3");
    tls.tls.errors = {QStringLiteral("The certificate is self-signed, and untrusted")};
    steps = HandshakeStory::tell(tls, progress(Stage::Ended, false));
    QCOMPARE(steps.size(), 6);
    QCOMPARE(steps.at(1).title, QStringLiteral("TLS handshake"));
    QCOMPARE(steps.at(1).role, Theme::Role::Error);
    QCOMPARE(steps.at(1).details.first(), QStringLiteral("Certificate not trusted: The certificate is self-signed, and untrusted"));
}

void TestHandshakeInspector::storyOfARefusal()
{
    HandshakeInfo info = upgradeInfo();
    info.statusLine = "HTTP/1.1 401 Unauthorized";
    info.responseHeaders = {{"WWW-Authenticate", "Bearer"}, {"Content-Length", "2"}};
    info.responseBody = "no";
    info.accept = {};
    HandshakeInspector inspector;
    inspector.setProgress(progress(Stage::Ended, false));
    inspector.setHandshake(info);
    const QList<HandshakeStory::Step> steps = inspector.story()->steps();
    QCOMPARE(steps.at(2).title, QStringLiteral("The server refuses the upgrade"));
    QCOMPARE(steps.at(2).role, Theme::Role::Error);
    QCOMPARE(steps.at(2).details, (QStringList{QStringLiteral("HTTP/1.1 401 Unauthorized"), QStringLiteral("Body: no")}));
    QVERIFY(!steps.at(3).reached);
    QVERIFY(!steps.at(4).reached);
    // A body is shown on one line, or said not to be text.
    HandshakeInfo bodies = info;
    bodies.responseBody = "{\"error\": 1}\nsee <docs>";
    QCOMPARE(HandshakeStory::tell(bodies, progress(Stage::Ended, false)).at(2).details.last(),
             QStringLiteral("Body: {\"error\": 1}\u21b5see <docs>"));
    bodies.responseBody = QByteArray("\xff\xfe\x00", 3);
    QCOMPARE(HandshakeStory::tell(bodies, progress(Stage::Ended, false)).at(2).details.last(),
             QStringLiteral("Body: 3 byte(s), not text (Text and Raw bytes tabs)"));
    // The status above the response headers is drawn as an error.
    QCOMPARE(inspector.statusText(), QStringLiteral("HTTP/1.1 401 Unauthorized"));
    QLabel *status = nullptr;
    for (QLabel *label : inspector.findChildren<QLabel *>()) {
        if (label->text() == inspector.statusText())
            status = label;
    }
    QVERIFY(status);
    QCOMPARE(status->palette().color(QPalette::WindowText), Theme::color(Theme::Role::Error));
    QVERIFY(inspector.acceptLinkText().isEmpty());
    // And a 3xx is a redirect, not a refusal.
    info.statusLine = "HTTP/1.1 302 Found";
    inspector.setHandshake(info);
    QCOMPARE(inspector.story()->steps().at(2).title, QStringLiteral("The server redirects instead of upgrading"));
    QCOMPARE(status->palette().color(QPalette::WindowText), Theme::color(Theme::Role::Warning));
    // Waiting: the story says so and is not an error yet.
    HandshakeInfo waiting = upgradeInfo();
    waiting.statusLine.clear();
    waiting.responseHeaders.clear();
    waiting.accept = {};
    inspector.setProgress(progress(Stage::Connecting, false));
    inspector.setHandshake(waiting);
    QCOMPARE(inspector.story()->steps().at(2).details, QStringList{QStringLiteral("Waiting for the server\u2026")});
    QCOMPARE(inspector.story()->steps().at(2).role, Theme::Role::Warning);
    QCOMPARE(status->palette().color(QPalette::WindowText), QApplication::palette(status).color(QPalette::WindowText));
}

void TestHandshakeInspector::storyOfNoServer()
{
    HandshakeInfo info;
    info.captured = true;
    info.url = QStringLiteral("ws://127.0.0.1:9/");
    HandshakeStory::Progress ended = progress(Stage::Ended, false);
    ended.failure = QStringLiteral("No server at 127.0.0.1:9");
    const QList<HandshakeStory::Step> steps = HandshakeStory::tell(info, ended);
    QCOMPARE(steps.at(0).title, QStringLiteral("TCP connection to 127.0.0.1:9"));
    QCOMPARE(steps.at(0).role, Theme::Role::Error);
    QCOMPARE(steps.at(0).details, QStringList{ended.failure});
    for (int i = 1; i < steps.size(); ++i)
        QVERIFY2(!steps.at(i).reached, qPrintable(steps.at(i).title));
    // Nothing asked yet: what to do.
    const QList<HandshakeStory::Step> idle = HandshakeStory::tell({}, {});
    QCOMPARE(idle.size(), 1);
    QVERIFY(idle.first().details.first().startsWith(QStringLiteral("Click Connect")));
}

void TestHandshakeInspector::storyIsPlainText()
{
    HandshakeInfo info = upgradeInfo();
    info.responseHeaders.append(HandshakeInfo::Header("Sec-WebSocket-Protocol", "<b>chat</b>\x1b[31m"));
    HandshakeStory story;
    story.setStory(info, progress(Stage::Open, true));
    QVERIFY2(story.text().contains(QStringLiteral("Sec-WebSocket-Protocol: <b>chat</b>\ufffd[31m")), qPrintable(story.text()));
    story.resize(500, 400);
    story.show();
    QVERIFY(QTest::qWaitForWindowExposed(&story));
    QVERIFY(!story.grab().isNull());
    story.setFocus();
    QTest::keyClick(&story, Qt::Key_C, Qt::ControlModifier);
    QCOMPARE(QApplication::clipboard()->text(), story.text());
}

void TestHandshakeInspector::headerTablesSetTheHandshakeApart()
{
    HandshakeInspector inspector;
    inspector.setHandshake(upgradeInfo());
    QTreeWidget *request = inspector.requestTable();
    QCOMPARE(request->topLevelItemCount(), 6);
    // The wire's order and case, the handshake's own headers in bold.
    const QStringList names = {QStringLiteral("Host"), QStringLiteral("upgrade"), QStringLiteral("Connection"),
                               QStringLiteral("Sec-WebSocket-Key"), QStringLiteral("Sec-WebSocket-Version"),
                               QStringLiteral("User-Agent")};
    for (int i = 0; i < names.size(); ++i) {
        QCOMPARE(request->topLevelItem(i)->text(0), names.at(i));
        const bool handshake = i >= 1 && i <= 4;
        QCOMPARE(request->topLevelItem(i)->font(0).bold(), handshake);
        QCOMPARE(request->topLevelItem(i)->foreground(0).color() == Theme::color(Theme::Role::Accent, request->palette()),
                 handshake);
    }
    QCOMPARE(inspector.responseTable()->topLevelItem(3)->text(1), QStringLiteral("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));
    QCOMPARE(inspector.acceptLinkText(), QStringLiteral("\u2713 Match: the Accept s3pPLMBiTxaQ9kYGzzhZRbK+xOo= is "
                                                        "Base64(SHA-1(Key + GUID)) of the Key dGhlIHNhbXBsZSBub25jZQ=="));
    // The name column fits the longest name.
    QVERIFY(request->columnWidth(0) > QFontMetrics(request->topLevelItem(4)->font(0)).horizontalAdvance(names.at(4)));
    // Copy gives "Name: value" lines.
    request->show();
    request->setFocus();
    request->topLevelItem(1)->setSelected(true);
    request->topLevelItem(2)->setSelected(true);
    QTest::keyClick(request, Qt::Key_C, Qt::ControlModifier);
    QCOMPARE(QApplication::clipboard()->text(), QStringLiteral("upgrade: websocket\nConnection: Upgrade"));
    // A head with more headers than a table lists points to the Text tab.
    HandshakeInfo many = upgradeInfo();
    for (int i = 0; i < 5000; ++i)
        many.responseHeaders.append(HandshakeInfo::Header("X-Filler", QByteArray::number(i)));
    inspector.setHandshake(many);
    QCOMPARE(inspector.responseTable()->topLevelItemCount(), 2001);
    QCOMPARE(inspector.responseTable()->topLevelItem(2000)->text(0), QStringLiteral("(3004 more header(s) in the Text tab)"));
}

void TestHandshakeInspector::keySelectsAccept()
{
    HandshakeInspector inspector;
    inspector.resize(900, 600);
    inspector.show();
    QVERIFY(QTest::qWaitForWindowExposed(&inspector));
    inspector.tabs()->setCurrentIndex(1);
    inspector.setHandshake(upgradeInfo());
    QTreeWidget *request = inspector.requestTable();
    QTreeWidget *response = inspector.responseTable();
    request->setCurrentItem(request->topLevelItem(3));   // Sec-WebSocket-Key
    QCOMPARE(response->currentItem(), response->topLevelItem(3));
    QVERIFY(response->currentItem()->isSelected());
    response->setCurrentItem(response->topLevelItem(0));
    QCOMPARE(request->currentItem(), request->topLevelItem(3));   // nothing to link from Upgrade
    response->setCurrentItem(response->topLevelItem(3));
    QCOMPARE(request->currentItem(), request->topLevelItem(3));
    // A double click on either opens the check worked through.
    const QRect rect = request->visualItemRect(request->topLevelItem(3));
    QVERIFY(request->viewport()->rect().contains(rect.center()));
    QTest::mouseClick(request->viewport(), Qt::LeftButton, {}, rect.center());
    QTest::mouseDClick(request->viewport(), Qt::LeftButton, {}, rect.center());
    QCOMPARE(inspector.tabs()->currentIndex(), 2);
    QVERIFY(inspector.acceptText().contains(QStringLiteral("Match: the server computed the right answer.")));
}

QTEST_MAIN(TestHandshakeInspector)
#include "tst_handshakeinspector.moc"
