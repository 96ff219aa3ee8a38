#include "cli/commandline.h"
#include "tlsfixture.h"

#include <QTemporaryDir>
#include <QFile>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QTest>

class TestCommandLine : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void window();
    void sendImpliesConnect();
    void serve_data();
    void serve();
    void serveAllowOrigin();
    void serveOptions();
    void listen();
    void batch();
    void messagesInCommandLineOrder();
    void optionValuesThatLookLikeOptions();
    void headersAreSplitAndTrimmed();
    void windowScript();
    void timeoutValues_data();
    void timeoutValues();
    void usageErrors_data();
    void usageErrors();
    void unreadableSendFile();
    void tlsAndProxyOptions();
    void openAndMaskSecrets();
    void qtOptionsAreLeftToQt();
    void shortFlagsOfWscatAndWebsocat();
    void helpDescribesEveryOption();
    void keepAliveReconnectAndCloseOptions();
};

static CommandLine parse(const QStringList &args)
{
    return CommandLine::parse(QStringList{QStringLiteral("wsscope")} + args);
}

void TestCommandLine::window()
{
    const CommandLine none = parse({});
    QCOMPARE(none.mode, CommandLine::Mode::Window);
    QVERIFY(none.url.isEmpty());
    QVERIFY(!none.connect);

    const CommandLine withUrl = parse({QStringLiteral("ws://example.com:8080"), QStringLiteral("--connect")});
    QCOMPARE(withUrl.mode, CommandLine::Mode::Window);
    QCOMPARE(withUrl.url.toString(), QStringLiteral("ws://example.com:8080/"));
    QVERIFY(withUrl.connect);
    QVERIFY(!withUrl.insecure);
    QVERIFY(parse({QStringLiteral("wss://h/"), QStringLiteral("--insecure")}).insecure);
}

void TestCommandLine::sendImpliesConnect()
{
    const CommandLine line = parse({QStringLiteral("ws://h/"), QStringLiteral("--send"), QStringLiteral("one"),
                                    QStringLiteral("--send=two words")});
    QCOMPARE(line.mode, CommandLine::Mode::Window);
    QVERIFY(line.connect);
    QCOMPARE(line.messages.size(), 2);
    QCOMPARE(line.messages.at(0).kind, ScriptRunner::Message::Kind::Text);
    QCOMPARE(line.messages.at(0).data, QByteArray("one"));
    QCOMPARE(line.messages.at(1).data, QByteArray("two words"));
    QVERIFY(line.hasScript());
}

void TestCommandLine::batch()
{
    const CommandLine line = parse({QStringLiteral("ws://h:9/x"), QStringLiteral("--batch"),
                                    QStringLiteral("--header"), QStringLiteral("Authorization: Bearer t0k"),
                                    QStringLiteral("--header=X-Two: 2"), QStringLiteral("--protocol"),
                                    QStringLiteral("chat.v2"), QStringLiteral("--protocol"), QStringLiteral("chat.v1"),
                                    QStringLiteral("--origin"), QStringLiteral("https://example.com"),
                                    QStringLiteral("--insecure"), QStringLiteral("--send"), QStringLiteral("hi"),
                                    QStringLiteral("--expect"), QStringLiteral("3"), QStringLiteral("--timeout"),
                                    QStringLiteral("2.5"), QStringLiteral("--save"), QStringLiteral("a.jsonl"),
                                    QStringLiteral("--save"), QStringLiteral("b.HAR")});
    QCOMPARE(line.mode, CommandLine::Mode::Batch);
    QVERIFY2(line.error.isEmpty(), qPrintable(line.error));
    QCOMPARE(line.url.toString(), QStringLiteral("ws://h:9/x"));
    QCOMPARE(line.headers.size(), 2);
    QCOMPARE(line.headers.at(0), Session::Header("Authorization", "Bearer t0k"));
    QCOMPARE(line.headers.at(1), Session::Header("X-Two", "2"));
    QCOMPARE(line.subprotocols, (QStringList{QStringLiteral("chat.v2"), QStringLiteral("chat.v1")}));
    QCOMPARE(line.origin, QStringLiteral("https://example.com"));
    QVERIFY(line.insecure);
    QCOMPARE(line.expect, 3);
    QCOMPARE(line.timeoutMs, 2500);
    QCOMPARE(line.savePaths, (QStringList{QStringLiteral("a.jsonl"), QStringLiteral("b.HAR")}));
    QVERIFY(line.hasScript());

    const ScriptRunner::Script script = line.script();
    QVERIFY(script.closeWhenDone);
    QCOMPARE(script.expect, 3);
    QCOMPARE(script.timeoutMs, 2500);
    QCOMPARE(script.savePaths, line.savePaths);
    QCOMPARE(script.messages.size(), 1);

    // Nothing to send and no --expect: connect, close, and the default time limit.
    const CommandLine bare = parse({QStringLiteral("--batch"), QStringLiteral("ws://h/")});
    QCOMPARE(bare.mode, CommandLine::Mode::Batch);
    QCOMPARE(bare.expect, -1);
    QCOMPARE(bare.script().expect, 0);
    QVERIFY(bare.script().closeWhenDone);
    QCOMPARE(bare.script().timeoutMs, CommandLine::DefaultBatchTimeoutMs);
}

void TestCommandLine::messagesInCommandLineOrder()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QFile file(dir.filePath(QStringLiteral("payload.bin")));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(QByteArray("\x00\xff file", 7));
    file.close();

    const CommandLine line = parse({QStringLiteral("ws://h/"), QStringLiteral("--batch"),
                                    QStringLiteral("--send-hex"), QStringLiteral("01 02"),
                                    QStringLiteral("--send=first text"), QStringLiteral("--send-file"), file.fileName(),
                                    QStringLiteral("--send"), QStringLiteral("second"),
                                    QStringLiteral("--send-hex=0x0a,0x0b"), QStringLiteral("--send-hex"),
                                    QStringLiteral("")});
    QCOMPARE(line.mode, CommandLine::Mode::Batch);
    using Kind = ScriptRunner::Message::Kind;
    const QList<QPair<Kind, QByteArray>> expected = {
        {Kind::Binary, QByteArray("\x01\x02", 2)}, {Kind::Text, "first text"},
        {Kind::Binary, QByteArray("\x00\xff file", 7)}, {Kind::Text, "second"},
        {Kind::Binary, QByteArray("\x0a\x0b", 2)}, {Kind::Binary, QByteArray()}};
    QCOMPARE(line.messages.size(), expected.size());
    for (qsizetype i = 0; i < expected.size(); ++i) {
        QCOMPARE(line.messages.at(i).kind, expected.at(i).first);
        QCOMPARE(line.messages.at(i).data, expected.at(i).second);
    }
}

void TestCommandLine::optionValuesThatLookLikeOptions()
{
    // A value is the next argument even when it starts with "--", as QCommandLineParser reads it.
    const CommandLine line = parse({QStringLiteral("ws://h/"), QStringLiteral("--send"), QStringLiteral("--send-hex"),
                                    QStringLiteral("--send-hex"), QStringLiteral("ff"),
                                    QStringLiteral("--header"), QStringLiteral("X-A: --send"),
                                    QStringLiteral("--send"), QStringLiteral("\u00e9t\u00e9")});
    QCOMPARE(line.mode, CommandLine::Mode::Window);
    QCOMPARE(line.messages.size(), 3);
    QCOMPARE(line.messages.at(0).kind, ScriptRunner::Message::Kind::Text);
    QCOMPARE(line.messages.at(0).data, QByteArray("--send-hex"));
    QCOMPARE(line.messages.at(1).kind, ScriptRunner::Message::Kind::Binary);
    QCOMPARE(line.messages.at(1).data, QByteArray("\xff", 1));
    QCOMPARE(line.messages.at(2).data, QStringLiteral("\u00e9t\u00e9").toUtf8());
    QCOMPARE(line.headers.value(0), Session::Header("X-A", "--send"));
}

void TestCommandLine::headersAreSplitAndTrimmed()
{
    const CommandLine line = parse({QStringLiteral("ws://h/"), QStringLiteral("--header"),
                                    QStringLiteral("  X-Token :  abc  "), QStringLiteral("--header"),
                                    QStringLiteral("X-Time: 12:30:01"), QStringLiteral("--header"),
                                    QStringLiteral("X-Empty:"), QStringLiteral("--header"),
                                    QStringLiteral("X-Token-2: again")});
    QCOMPARE(line.mode, CommandLine::Mode::Window);
    const QList<Session::Header> expected = {{"X-Token", "abc"}, {"X-Time", "12:30:01"}, {"X-Empty", ""},
                                             {"X-Token-2", "again"}};
    QCOMPARE(line.headers, expected);
    // Headers alone configure the connection; they do not connect.
    QVERIFY(!line.connect);
    QVERIFY(!line.hasScript());
}

void TestCommandLine::windowScript()
{
    // --send alone: sent once open, and the connection stays open for the user.
    const CommandLine sends = parse({QStringLiteral("ws://h/"), QStringLiteral("--send"), QStringLiteral("x")});
    QCOMPARE(sends.mode, CommandLine::Mode::Window);
    QVERIFY(!sends.script().closeWhenDone);
    QCOMPARE(sends.script().timeoutMs, 0);

    // --expect closes once they arrived, bounded by the default.
    const CommandLine expect = parse({QStringLiteral("--expect"), QStringLiteral("2")});
    QCOMPARE(expect.mode, CommandLine::Mode::Window);
    QVERIFY(expect.connect);
    QVERIFY(expect.script().closeWhenDone);
    QCOMPARE(expect.script().expect, 2);
    QCOMPARE(expect.script().timeoutMs, CommandLine::DefaultBatchTimeoutMs);

    // --timeout alone closes when it runs out, not before.
    const CommandLine timeout = parse({QStringLiteral("ws://h/"), QStringLiteral("--timeout"), QStringLiteral("4")});
    QVERIFY(timeout.connect);
    QVERIFY(!timeout.script().closeWhenDone);
    QCOMPARE(timeout.script().timeoutMs, 4000);

    // --save implies --connect too.
    const CommandLine save = parse({QStringLiteral("ws://h/"), QStringLiteral("--save"), QStringLiteral("s.txt")});
    QVERIFY(save.connect);
    QVERIFY(save.hasScript());
    QCOMPARE(save.script().savePaths, QStringList{QStringLiteral("s.txt")});

    const CommandLine plain = parse({QStringLiteral("ws://h/"), QStringLiteral("--connect")});
    QVERIFY(plain.connect);
    QVERIFY(!plain.hasScript());
}

void TestCommandLine::timeoutValues_data()
{
    QTest::addColumn<QString>("value");
    QTest::addColumn<int>("msec");

    QTest::newRow("seconds") << "30" << 30000;
    QTest::newRow("fraction") << "0.25" << 250;
    QTest::newRow("tiny") << "0.0001" << 1;
    QTest::newRow("a day") << "86400" << 86400000;
}

void TestCommandLine::timeoutValues()
{
    QFETCH(QString, value);
    QFETCH(int, msec);
    const CommandLine line = parse({QStringLiteral("--batch"), QStringLiteral("ws://h/"), QStringLiteral("--timeout"), value});
    QCOMPARE(line.mode, CommandLine::Mode::Batch);
    QCOMPARE(line.timeoutMs, msec);
}

void TestCommandLine::serve_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<int>("port");

    QTest::newRow("no port") << QStringList{QStringLiteral("--serve")} << 0;
    QTest::newRow("port 0") << QStringList{QStringLiteral("--serve"), QStringLiteral("0")} << 0;
    QTest::newRow("port 9001") << QStringList{QStringLiteral("--serve"), QStringLiteral("9001")} << 9001;
    QTest::newRow("port before option") << QStringList{QStringLiteral("65535"), QStringLiteral("--serve")} << 65535;
    QTest::newRow("port after allow-origin") << QStringList{QStringLiteral("--serve"), QStringLiteral("--allow-origin"), QStringLiteral("https://a.example"), QStringLiteral("9001")} << 9001;
}

void TestCommandLine::serve()
{
    QFETCH(QStringList, args);
    QFETCH(int, port);
    const CommandLine line = parse(args);
    QCOMPARE(line.mode, CommandLine::Mode::Serve);
    QCOMPARE(int(line.servePort), port);
}

void TestCommandLine::serveAllowOrigin()
{
    const CommandLine none = parse({QStringLiteral("--serve")});
    QVERIFY(none.allowedOrigins.isEmpty());
    const CommandLine line =
        parse({QStringLiteral("--serve"), QStringLiteral("--allow-origin"), QStringLiteral("https://a.example"),
               QStringLiteral("--allow-origin=http://localhost:3000"), QStringLiteral("--allow-origin"),
               QStringLiteral("*"), QStringLiteral("--allow-origin"), QStringLiteral("null")});
    QCOMPARE(line.mode, CommandLine::Mode::Serve);
    QCOMPARE(line.allowedOrigins, QStringList({QStringLiteral("https://a.example"), QStringLiteral("http://localhost:3000"),
                                               QStringLiteral("*"), QStringLiteral("null")}));
}

void TestCommandLine::serveOptions()
{
    const CommandLine line = parse({QStringLiteral("--serve"), QStringLiteral("8080"), QStringLiteral("--save"),
                                    QStringLiteral("a.jsonl"), QStringLiteral("--save"), QStringLiteral("a.pcapng"),
                                    QStringLiteral("--protocol"), QStringLiteral("chat"), QStringLiteral("--answer-status"),
                                    QStringLiteral("401"), QStringLiteral("--require-header"), QStringLiteral("X-Key:  v 1 "),
                                    QStringLiteral("--timeout"), QStringLiteral("2.5"), QStringLiteral("--tls-cert"),
                                    QStringLiteral("c.pem"), QStringLiteral("--tls-key"), QStringLiteral("k.pem"),
                                    QStringLiteral("--mask-secrets")});
    QCOMPARE(line.mode, CommandLine::Mode::Serve);
    QCOMPARE(int(line.servePort), 8080);
    QCOMPARE(line.savePaths, QStringList({QStringLiteral("a.jsonl"), QStringLiteral("a.pcapng")}));
    QCOMPARE(line.subprotocols, QStringList{QStringLiteral("chat")});
    QCOMPARE(line.serveAnswerStatus, 401);
    QCOMPARE(line.serveRequiredHeaders, (QList<Session::Header>{{"X-Key", "v 1"}}));
    QCOMPARE(line.timeoutMs, 2500);
    QCOMPARE(line.serveTlsCertificate, QStringLiteral("c.pem"));
    QCOMPARE(line.serveTlsKey, QStringLiteral("k.pem"));
    QVERIFY(line.maskSecrets);
    QCOMPARE(line.serveReply, InspectServer::Reply::Echo);
    QVERIFY(line.messages.isEmpty());
    QCOMPARE(line.maxMessageSize, 0);

    // What each client gets: on its open, and in answer, each in command-line order.
    const CommandLine script = parse({QStringLiteral("--serve"), QStringLiteral("--reply-hex"), QStringLiteral("00 ff"),
                                      QStringLiteral("--send"), QStringLiteral("hello"), QStringLiteral("--reply-text"),
                                      QStringLiteral("ack"), QStringLiteral("--send-hex=01"), QStringLiteral("--reply"),
                                      QStringLiteral("turn"), QStringLiteral("--max-message-size"), QStringLiteral("1024"),
                                      QStringLiteral("--tls-cert"), QStringLiteral("s.p12"),
                                      QStringLiteral("--tls-passphrase"), QStringLiteral("pw")});
    QCOMPARE(script.mode, CommandLine::Mode::Serve);
    QCOMPARE(script.serveReply, InspectServer::Reply::InTurn);
    QCOMPARE(script.serveReplies.size(), 2);
    QCOMPARE(script.serveReplies.at(0).kind, ScriptRunner::Message::Kind::Binary);
    QCOMPARE(script.serveReplies.at(0).data, QByteArray("\x00\xff", 2));
    QCOMPARE(script.serveReplies.at(1).data, QByteArray("ack"));
    QCOMPARE(script.messages.size(), 2);
    QCOMPARE(script.messages.at(0).data, QByteArray("hello"));
    QCOMPARE(script.messages.at(1).kind, ScriptRunner::Message::Kind::Binary);
    QCOMPARE(script.maxMessageSize, 1024);
    QCOMPARE(script.serveTlsPassphrase, QStringLiteral("pw"));
    // --reply's own value is no reply: the order is that of --reply-hex and --reply-text alone.
    const CommandLine order = parse({QStringLiteral("--serve"), QStringLiteral("--reply"), QStringLiteral("turn"),
                                     QStringLiteral("--reply-hex"), QStringLiteral("01"), QStringLiteral("--reply-text"),
                                     QStringLiteral("a")});
    QCOMPARE(order.serveReplies.size(), 2);
    QCOMPARE(order.serveReplies.at(0).data, QByteArray("\x01", 1));
    QCOMPARE(order.serveReplies.at(1).data, QByteArray("a"));
    // Replies alone answer with all of them; silent needs none.
    QCOMPARE(parse({QStringLiteral("--serve"), QStringLiteral("--reply-text"), QStringLiteral("a")}).serveReply,
             InspectServer::Reply::Fixed);
    QCOMPARE(parse({QStringLiteral("--serve"), QStringLiteral("--reply"), QStringLiteral("silent")}).serveReply,
             InspectServer::Reply::Silent);
}

void TestCommandLine::listen()
{
    const CommandLine line = parse({QStringLiteral("--listen"), QStringLiteral("9000")});
    QCOMPARE(line.mode, CommandLine::Mode::Window);
    QVERIFY(line.listen);
    QCOMPARE(int(line.servePort), 9000);
    const CommandLine any = parse({QStringLiteral("--listen"), QStringLiteral("--lang"), QStringLiteral("en")});
    QVERIFY(any.listen);
    QCOMPARE(int(any.servePort), 0);
    QVERIFY(!parse({}).listen);
}

void TestCommandLine::usageErrors_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("messagePart");

    QTest::newRow("unknown option") << QStringList{QStringLiteral("--bogus")} << "'bogus'";
    QTest::newRow("send without its value") << QStringList{QStringLiteral("--send")} << "send";
    QTest::newRow("bad URL") << QStringList{QStringLiteral("http://example.com/")} << "Bad URL";
    QTest::newRow("two URLs") << QStringList{QStringLiteral("ws://a/"), QStringLiteral("ws://b/")} << "at most one URL";
    QTest::newRow("serve port not a number") << QStringList{QStringLiteral("--serve"), QStringLiteral("eighty")} << "not a port";
    QTest::newRow("serve port too big") << QStringList{QStringLiteral("--serve"), QStringLiteral("65536")} << "not a port";
    QTest::newRow("serve negative port") << QStringList{QStringLiteral("--serve"), QStringLiteral("-1")} << "Unknown option";
    QTest::newRow("serve with two ports") << QStringList{QStringLiteral("--serve"), QStringLiteral("1"), QStringLiteral("2")} << "at most one PORT";
    QTest::newRow("listen and serve") << QStringList{QStringLiteral("--listen"), QStringLiteral("--serve")} << "not both";
    QTest::newRow("listen with send") << QStringList{QStringLiteral("--listen"), QStringLiteral("--send"), QStringLiteral("a")} << "cannot be combined with --send";
    QTest::newRow("listen on a word") << QStringList{QStringLiteral("--listen"), QStringLiteral("x")} << "not a port";
    QTest::newRow("serve with expect") << QStringList{QStringLiteral("--serve"), QStringLiteral("--expect"), QStringLiteral("1")} << "cannot be combined with --expect";
    QTest::newRow("serve with batch") << QStringList{QStringLiteral("--serve"), QStringLiteral("--batch")} << "cannot be combined with --batch";
    QTest::newRow("serve with header") << QStringList{QStringLiteral("--serve"), QStringLiteral("--header"), QStringLiteral("A: b")} << "cannot be combined with --header";
    QTest::newRow("reply turn without replies") << QStringList{QStringLiteral("--serve"), QStringLiteral("--reply"), QStringLiteral("turn")} << "give at least one";
    QTest::newRow("reply all without replies") << QStringList{QStringLiteral("--serve"), QStringLiteral("--reply"), QStringLiteral("all")} << "give at least one";
    QTest::newRow("reply echo with replies") << QStringList{QStringLiteral("--serve"), QStringLiteral("--reply"), QStringLiteral("echo"), QStringLiteral("--reply-text"), QStringLiteral("x")} << "leave them out";
    QTest::newRow("reply in an unknown mode") << QStringList{QStringLiteral("--serve"), QStringLiteral("--reply"), QStringLiteral("loud")} << "Bad --reply \"loud\"";
    QTest::newRow("reply twice") << QStringList{QStringLiteral("--serve"), QStringLiteral("--reply"), QStringLiteral("echo"), QStringLiteral("--reply"), QStringLiteral("silent")} << "at most once";
    QTest::newRow("reply hex not hex") << QStringList{QStringLiteral("--serve"), QStringLiteral("--reply-hex"), QStringLiteral("zz")} << "Bad --reply-hex \"zz\"";
    QTest::newRow("reply-text without serve") << QStringList{QStringLiteral("--reply-text"), QStringLiteral("x")} << "give --serve too";
    QTest::newRow("tls-passphrase without tls-cert") << QStringList{QStringLiteral("--serve"), QStringLiteral("--tls-passphrase"), QStringLiteral("p")} << "--tls-passphrase goes with --tls-cert";
    QTest::newRow("serve with a message limit over 1 GiB") << QStringList{QStringLiteral("--serve"), QStringLiteral("--max-message-size"), QStringLiteral("1073741825")} << "at most 1073741824 bytes";
    QTest::newRow("serve with a zero message limit") << QStringList{QStringLiteral("--serve"), QStringLiteral("--max-message-size"), QStringLiteral("0")} << "--max-message-size needs";
    QTest::newRow("serve sending a missing file") << QStringList{QStringLiteral("--serve"), QStringLiteral("--send-file"), QStringLiteral("/nonexistent/x")} << "Cannot read --send-file";
    QTest::newRow("serve saving to no format") << QStringList{QStringLiteral("--serve"), QStringLiteral("--save"), QStringLiteral("a.bin")} << ".jsonl";
    QTest::newRow("serve answering 700") << QStringList{QStringLiteral("--serve"), QStringLiteral("--answer-status"), QStringLiteral("700")} << "200 to 599";
    QTest::newRow("serve with a bad protocol") << QStringList{QStringLiteral("--serve"), QStringLiteral("--protocol"), QStringLiteral("a b")} << "Bad --protocol";
    QTest::newRow("tls-key without tls-cert") << QStringList{QStringLiteral("--serve"), QStringLiteral("--tls-key"), QStringLiteral("k.pem")} << "--tls-cert";
    QTest::newRow("answer-status without serve") << QStringList{QStringLiteral("--answer-status"), QStringLiteral("401")} << "give --serve too";
    QTest::newRow("allow-origin without serve") << QStringList{QStringLiteral("--allow-origin"), QStringLiteral("https://a.example")} << "give --serve too";
    QTest::newRow("allow-origin with batch") << QStringList{QStringLiteral("--batch"), QStringLiteral("ws://a/"), QStringLiteral("--allow-origin"), QStringLiteral("*")} << "--allow-origin applies to the echo server of --serve";
    QTest::newRow("allow-origin with a path") << QStringList{QStringLiteral("--serve"), QStringLiteral("--allow-origin"), QStringLiteral("https://a.example/app")} << "Bad --allow-origin \"https://a.example/app\"";
    QTest::newRow("allow-origin empty") << QStringList{QStringLiteral("--serve"), QStringLiteral("--allow-origin=")} << "Bad --allow-origin";
    QTest::newRow("allow-origin without scheme") << QStringList{QStringLiteral("--serve"), QStringLiteral("--allow-origin"), QStringLiteral("example.com")} << "no path";
    QTest::newRow("batch without URL") << QStringList{QStringLiteral("--batch"), QStringLiteral("--send"), QStringLiteral("x")} << "--batch needs the URL";
    QTest::newRow("batch with bad URL") << QStringList{QStringLiteral("--batch"), QStringLiteral("ws://h:99999/")} << "Bad URL";
    QTest::newRow("header without colon") << QStringList{QStringLiteral("--header"), QStringLiteral("X-Token abc")} << "write it as \"Name: value\"";
    QTest::newRow("header without name") << QStringList{QStringLiteral("--header"), QStringLiteral(": abc")} << "needs a name";
    QTest::newRow("header name with space") << QStringList{QStringLiteral("--header"), QStringLiteral("X Token: abc")} << "may only hold";
    QTest::newRow("header the handshake sets") << QStringList{QStringLiteral("--header"), QStringLiteral("Host: x")} << "set by the WebSocket handshake";
    QTest::newRow("origin as header") << QStringList{QStringLiteral("--header"), QStringLiteral("Origin: x")} << "--origin";
    QTest::newRow("protocol as header") << QStringList{QStringLiteral("--header"), QStringLiteral("Sec-WebSocket-Protocol: x")} << "--protocol";
    QTest::newRow("header value with line break") << QStringList{QStringLiteral("--header"), QStringLiteral("X-A: a\r\nX-B: b")} << "line break";
    QTest::newRow("header value with SOH") << QStringList{QStringLiteral("--header"), QStringLiteral("X-A: a\x01" "b")} << "control character 0x01 at position 2";
    QTest::newRow("header value with VT") << QStringList{QStringLiteral("--header"), QStringLiteral("X-A: a\x0b" "b")} << "control character 0x0b at position 2";
    QTest::newRow("header value with DEL") << QStringList{QStringLiteral("--header"), QStringLiteral("X-A: \x7f")} << "control character 0x7f at position 1";
    QTest::newRow("header without value") << QStringList{QStringLiteral("--header")} << "header";
    QTest::newRow("header twice, other case") << QStringList{QStringLiteral("--header"), QStringLiteral("x-dup: 1"), QStringLiteral("--header"), QStringLiteral("X-Dup: 2")} << "Bad --header \"X-Dup: 2\": The header X-Dup is given twice (as x-dup and X-Dup";
    QTest::newRow("header twice, same case") << QStringList{QStringLiteral("--header"), QStringLiteral("X-Dup: 1"), QStringLiteral("--header"), QStringLiteral("X-Other: o"), QStringLiteral("--header"), QStringLiteral("X-Dup: 2")} << "one line per header name, so only the last value would go out. To send both values, join them with \", \"";
    QTest::newRow("protocol with space") << QStringList{QStringLiteral("--protocol"), QStringLiteral("chat v2")} << "Bad --protocol \"chat v2\"";
    QTest::newRow("protocol list") << QStringList{QStringLiteral("--protocol"), QStringLiteral("a,b")} << "no spaces or commas";
    QTest::newRow("empty protocol") << QStringList{QStringLiteral("--protocol=")} << "Bad --protocol";
    QTest::newRow("protocol twice") << QStringList{QStringLiteral("--protocol"), QStringLiteral("a"), QStringLiteral("--protocol"), QStringLiteral("a")} << "given twice";
    QTest::newRow("origin twice") << QStringList{QStringLiteral("--origin"), QStringLiteral("a"), QStringLiteral("--origin"), QStringLiteral("b")} << "--origin at most once";
    QTest::newRow("empty origin") << QStringList{QStringLiteral("--origin"), QStringLiteral(" ")} << "--origin needs a value";
    QTest::newRow("origin with line break") << QStringList{QStringLiteral("--origin"), QStringLiteral("http://a\nX: y")} << "control character";
    QTest::newRow("bad hex digit") << QStringList{QStringLiteral("--send-hex"), QStringLiteral("0a zz")} << "Bad --send-hex \"0a zz\": 'z' at position 4";
    QTest::newRow("odd hex") << QStringList{QStringLiteral("--send-hex"), QStringLiteral("abc")} << "no partner";
    QTest::newRow("expect without number") << QStringList{QStringLiteral("--expect")} << "expect";
    QTest::newRow("expect a word") << QStringList{QStringLiteral("--expect"), QStringLiteral("three")} << "--expect needs a number of messages (0 or more); \"three\"";
    QTest::newRow("expect negative") << QStringList{QStringLiteral("--expect"), QStringLiteral("-1")} << "--expect needs a number";
    QTest::newRow("expect twice") << QStringList{QStringLiteral("--expect=1"), QStringLiteral("--expect=2")} << "--expect at most once";
    QTest::newRow("timeout zero") << QStringList{QStringLiteral("--timeout"), QStringLiteral("0")} << "greater than 0";
    QTest::newRow("timeout a word") << QStringList{QStringLiteral("--timeout"), QStringLiteral("soon")} << "\"soon\" is not one";
    QTest::newRow("timeout too long") << QStringList{QStringLiteral("--timeout"), QStringLiteral("1e9")} << "at most 86400";
    QTest::newRow("timeout not finite") << QStringList{QStringLiteral("--timeout"), QStringLiteral("inf")} << "--timeout needs";
    QTest::newRow("save unknown ending") << QStringList{QStringLiteral("--save"), QStringLiteral("out.json")} << "Cannot --save \"out.json\": the name must end in .jsonl";
    QTest::newRow("save no ending") << QStringList{QStringLiteral("--save"), QStringLiteral("capture")} << ".pcapng";
    QTest::newRow("save empty") << QStringList{QStringLiteral("--save=")} << "--save needs a file name";
    QTest::newRow("open with URL") << QStringList{QStringLiteral("--open"), QStringLiteral("a.jsonl"), QStringLiteral("ws://a/")} << "cannot be combined with a URL";
    QTest::newRow("open with batch") << QStringList{QStringLiteral("--open"), QStringLiteral("a.jsonl"), QStringLiteral("--batch")} << "cannot be combined with --batch";
    QTest::newRow("open twice") << QStringList{QStringLiteral("--open"), QStringLiteral("a.jsonl"), QStringLiteral("--open"), QStringLiteral("b.jsonl")} << "--open at most once";
    QTest::newRow("serve with open") << QStringList{QStringLiteral("--serve"), QStringLiteral("--open"), QStringLiteral("a.jsonl")} << "cannot be combined with --open";
    QTest::newRow("mask without save") << QStringList{QStringLiteral("ws://127.0.0.1:1/"), QStringLiteral("--batch"), QStringLiteral("--mask-secrets")} << "give at least one --save";
    QTest::newRow("save twice") << QStringList{QStringLiteral("--save"), QStringLiteral("a.txt"), QStringLiteral("--save"), QStringLiteral("a.txt")} << "given twice";
    QTest::newRow("proxy without port") << QStringList{QStringLiteral("--proxy"), QStringLiteral("http://proxy.example")} << "needs a port";
    QTest::newRow("proxy https") << QStringList{QStringLiteral("--proxy"), QStringLiteral("https://proxy.example:443")} << "use http:// (CONNECT) or socks5://";
    QTest::newRow("proxy not a URL") << QStringList{QStringLiteral("--proxy"), QStringLiteral("proxy.example:3128")} << "Bad --proxy";
    QTest::newRow("proxy empty") << QStringList{QStringLiteral("--proxy=")} << "--proxy needs a value";
    QTest::newRow("proxy twice") << QStringList{QStringLiteral("--proxy"), QStringLiteral("none"), QStringLiteral("--proxy"), QStringLiteral("system")} << "--proxy at most once";
    QTest::newRow("key without cert") << QStringList{QStringLiteral("--key"), QStringLiteral("k.pem")} << "give the --cert too";
    QTest::newRow("passphrase without cert") << QStringList{QStringLiteral("--cert-passphrase"), QStringLiteral("x")} << "give the --cert too";
    QTest::newRow("missing CA file") << QStringList{QStringLiteral("--ca-file"), QStringLiteral("/nonexistent/ca.pem")} << "Cannot read the CA file \"/nonexistent/ca.pem\"";
    QTest::newRow("missing certificate") << QStringList{QStringLiteral("--cert"), QStringLiteral("/nonexistent/c.p12")} << "Cannot read the client certificate";
    QTest::newRow("cert twice") << QStringList{QStringLiteral("--cert"), QStringLiteral("a"), QStringLiteral("--cert"), QStringLiteral("b")} << "--cert at most once";
    QTest::newRow("serve with proxy") << QStringList{QStringLiteral("--serve"), QStringLiteral("--proxy"), QStringLiteral("none")} << "cannot be combined with --proxy";
    QTest::newRow("ping interval zero") << QStringList{QStringLiteral("--ping-interval"), QStringLiteral("0")} << "--ping-interval needs a number of seconds greater than 0";
    QTest::newRow("ping interval a word") << QStringList{QStringLiteral("--ping-interval"), QStringLiteral("often")} << "\"often\" is not one";
    QTest::newRow("ping timeout negative") << QStringList{QStringLiteral("--ping-timeout=-1")} << "--ping-timeout needs a number of seconds";
    QTest::newRow("ping interval twice") << QStringList{QStringLiteral("--ping-interval"), QStringLiteral("1"), QStringLiteral("--ping-interval"), QStringLiteral("2")} << "--ping-interval at most once";
    QTest::newRow("reconnect negative") << QStringList{QStringLiteral("--reconnect=-2")} << "--reconnect needs a number of attempts";
    QTest::newRow("reconnect a word") << QStringList{QStringLiteral("--reconnect"), QStringLiteral("forever")} << "\"forever\" is not one";
    QTest::newRow("reconnect in batch") << QStringList{QStringLiteral("ws://a/"), QStringLiteral("--batch"), QStringLiteral("--reconnect"), QStringLiteral("3")} << "--reconnect applies to the window";
    QTest::newRow("reconnect delay alone") << QStringList{QStringLiteral("--reconnect-delay"), QStringLiteral("2")} << "--reconnect-delay applies to reconnecting";
    QTest::newRow("reconnect max delay alone") << QStringList{QStringLiteral("--reconnect-max-delay"), QStringLiteral("2")} << "--reconnect-max-delay applies to reconnecting";
    QTest::newRow("reconnect max below delay") << QStringList{QStringLiteral("--reconnect"), QStringLiteral("0"), QStringLiteral("--reconnect-delay"), QStringLiteral("5"), QStringLiteral("--reconnect-max-delay"), QStringLiteral("2")} << "--reconnect-max-delay (2 s) is shorter than --reconnect-delay (5 s)";
    QTest::newRow("max message size zero") << QStringList{QStringLiteral("--max-message-size"), QStringLiteral("0")} << "--max-message-size needs a number of bytes from 1 to";
    QTest::newRow("max message size fraction") << QStringList{QStringLiteral("--max-message-size"), QStringLiteral("1.5")} << "\"1.5\" is not one";
    QTest::newRow("max message size huge") << QStringList{QStringLiteral("--max-message-size"), QStringLiteral("99999999999")} << "--max-message-size needs";
    QTest::newRow("handshake timeout zero") << QStringList{QStringLiteral("--handshake-timeout"), QStringLiteral("0")} << "--handshake-timeout needs a number of seconds greater than 0";
    QTest::newRow("close code reserved") << QStringList{QStringLiteral("--close-code"), QStringLiteral("1005")} << "--close-code \"1005\" cannot be sent";
    QTest::newRow("close code out of range") << QStringList{QStringLiteral("--close-code"), QStringLiteral("5000")} << "cannot be sent as a close code";
    QTest::newRow("close code a word") << QStringList{QStringLiteral("--close-code"), QStringLiteral("normal")} << "--close-code \"normal\"";
    QTest::newRow("close reason too long") << QStringList{QStringLiteral("--close-reason"), QString(62, QChar(0xe9))} << "--close-reason is 124 bytes of UTF-8; at most 123";
    QTest::newRow("serve with ping interval") << QStringList{QStringLiteral("--serve"), QStringLiteral("--ping-interval"), QStringLiteral("1")} << "cannot be combined with --ping-interval";
    QTest::newRow("open with close code") << QStringList{QStringLiteral("--open"), QStringLiteral("a.jsonl"), QStringLiteral("--close-code"), QStringLiteral("4000")} << "cannot be combined with --close-code";
    QTest::newRow("open with ca-file") << QStringList{QStringLiteral("--open"), QStringLiteral("a.jsonl"), QStringLiteral("--ca-file"), QStringLiteral("ca.pem")} << "cannot be combined with --ca-file";
}

void TestCommandLine::usageErrors()
{
    QFETCH(QStringList, args);
    QFETCH(QString, messagePart);
    const CommandLine line = parse(args);
    QCOMPARE(line.mode, CommandLine::Mode::Error);
    QVERIFY2(line.error.contains(messagePart), qPrintable(line.error));
    QVERIFY(line.helpText.contains(QStringLiteral("--serve")));
    QVERIFY(line.helpText.contains(QStringLiteral("--batch")));
}

void TestCommandLine::unreadableSendFile()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString missing = dir.filePath(QStringLiteral("missing.bin"));
    const CommandLine absent = parse({QStringLiteral("ws://h/"), QStringLiteral("--send-file"), missing});
    QCOMPARE(absent.mode, CommandLine::Mode::Error);
    QVERIFY2(absent.error.contains(QStringLiteral("Cannot read --send-file \"") + missing), qPrintable(absent.error));
    QVERIFY2(absent.error.contains(QStringLiteral("No such file")), qPrintable(absent.error));

    const CommandLine directory = parse({QStringLiteral("ws://h/"), QStringLiteral("--send-file"), dir.path()});
    QCOMPARE(directory.mode, CommandLine::Mode::Error);
    QVERIFY2(directory.error.contains(QStringLiteral("directory")), qPrintable(directory.error));

    // An empty file is an empty binary message.
    QFile empty(dir.filePath(QStringLiteral("empty.bin")));
    QVERIFY(empty.open(QIODevice::WriteOnly));
    empty.close();
    const CommandLine line = parse({QStringLiteral("ws://h/"), QStringLiteral("--send-file"), empty.fileName()});
    QCOMPARE(line.mode, CommandLine::Mode::Window);
    QCOMPARE(line.messages.size(), 1);
    QCOMPARE(line.messages.at(0).kind, ScriptRunner::Message::Kind::Binary);
    QVERIFY(line.messages.at(0).data.isEmpty());
}

void TestCommandLine::tlsAndProxyOptions()
{
    TlsFixture tls;
    QVERIFY2(tls.create(), qPrintable(tls.error()));
    const CommandLine line = parse({QStringLiteral("wss://127.0.0.1:1/"), QStringLiteral("--ca-file"), tls.certPath(),
                                    QStringLiteral("--cert"), tls.certPath(), QStringLiteral("--key"), tls.keyPath(),
                                    QStringLiteral("--proxy"), QStringLiteral("socks5://me:p%40ss@proxy.example:1080"),
                                    QStringLiteral("--send"), QStringLiteral("x")});
    QCOMPARE(line.mode, CommandLine::Mode::Window);
    QCOMPARE(line.tlsFiles.caFile, tls.certPath());
    QCOMPARE(line.tlsFiles.certificateFile, tls.certPath());
    QCOMPARE(line.tlsFiles.keyFile, tls.keyPath());
    QVERIFY(line.tlsFiles.passphrase.isEmpty());
    QVERIFY(line.proxyGiven);
    QCOMPARE(line.proxy.kind, ProxySetting::Kind::Socks5);
    QCOMPARE(line.proxy.host, QStringLiteral("proxy.example"));
    QCOMPARE(line.proxy.port, quint16(1080));
    QCOMPARE(line.proxy.user, QStringLiteral("me"));
    QCOMPARE(line.proxy.password, QStringLiteral("p@ss"));
    // The values after --cert and --key are not taken for messages.
    QCOMPARE(line.messages.size(), 1);

    QCOMPARE(parse({QStringLiteral("--proxy"), QStringLiteral("system")}).proxy.kind, ProxySetting::Kind::System);
    const CommandLine none = parse({QStringLiteral("--proxy"), QStringLiteral("none")});
    QVERIFY(none.proxyGiven);
    QCOMPARE(none.proxy.kind, ProxySetting::Kind::None);
    QVERIFY(!parse({QStringLiteral("ws://h/")}).proxyGiven);

    // A certificate and a key in one file need no --key.
    QTemporaryDir dir;
    QFile both(dir.filePath(QStringLiteral("both.pem")));
    QFile cert(tls.certPath()), key(tls.keyPath());
    QVERIFY(both.open(QIODevice::WriteOnly) && cert.open(QIODevice::ReadOnly) && key.open(QIODevice::ReadOnly));
    both.write(cert.readAll() + key.readAll());
    both.close();
    QCOMPARE(parse({QStringLiteral("--cert"), both.fileName()}).mode, CommandLine::Mode::Window);

    // Files that are not what they should be are usage errors.
    const CommandLine noKey = parse({QStringLiteral("--cert"), tls.certPath()});
    QCOMPARE(noKey.mode, CommandLine::Mode::Error);
    QVERIFY2(noKey.error.contains(QStringLiteral("needs its private key")), qPrintable(noKey.error));
    const CommandLine keyAsCa = parse({QStringLiteral("--ca-file"), tls.keyPath()});
    QCOMPARE(keyAsCa.mode, CommandLine::Mode::Error);
    QVERIFY2(keyAsCa.error.contains(QStringLiteral("holds no PEM certificate")), qPrintable(keyAsCa.error));
    const CommandLine certAsKey = parse({QStringLiteral("--cert"), tls.certPath(), QStringLiteral("--key"), tls.certPath()});
    QCOMPARE(certAsKey.mode, CommandLine::Mode::Error);
    QVERIFY2(certAsKey.error.contains(QStringLiteral("no RSA or EC private key")), qPrintable(certAsKey.error));
    const CommandLine notP12 = parse({QStringLiteral("--cert"), both.fileName() + QStringLiteral(".p12")});
    QCOMPARE(notP12.mode, CommandLine::Mode::Error);
    QVERIFY(QFile::copy(tls.certPath(), dir.filePath(QStringLiteral("pem.p12"))));
    const CommandLine pemAsP12 = parse({QStringLiteral("--cert"), dir.filePath(QStringLiteral("pem.p12")),
                                        QStringLiteral("--cert-passphrase"), QStringLiteral("x")});
    QCOMPARE(pemAsP12.mode, CommandLine::Mode::Error);
    QVERIFY2(pemAsP12.error.contains(QStringLiteral("not a PKCS#12 file")), qPrintable(pemAsP12.error));

    // A passphrase from the environment, out of the process list; the option wins over it.
    const QString locked = tls.exportPkcs12(QStringLiteral("locked.p12"), QStringLiteral("env pass"));
    QVERIFY2(!locked.isEmpty(), qPrintable(tls.error()));
    // Qt says why it cannot read the file, besides wsscope's usage error.
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("PKCS#12")));
    QCOMPARE(parse({QStringLiteral("--cert"), locked}).mode, CommandLine::Mode::Error);
    qputenv("WSSCOPE_CERT_PASSPHRASE", "env pass");
    qputenv("WSSCOPE_TLS_PASSPHRASE", "server pass");
    const auto unset = qScopeGuard([] {
        qunsetenv("WSSCOPE_CERT_PASSPHRASE");
        qunsetenv("WSSCOPE_TLS_PASSPHRASE");
    });
    const CommandLine fromEnvironment = parse({QStringLiteral("wss://127.0.0.1:1/"), QStringLiteral("--cert"), locked});
    QCOMPARE(fromEnvironment.mode, CommandLine::Mode::Window);
    QCOMPARE(fromEnvironment.tlsFiles.passphrase, QStringLiteral("env pass"));
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("PKCS#12")));
    QCOMPARE(parse({QStringLiteral("--cert"), locked, QStringLiteral("--cert-passphrase"), QStringLiteral("wrong")}).mode,
             CommandLine::Mode::Error);
    QVERIFY(parse({QStringLiteral("wss://127.0.0.1:1/")}).tlsFiles.passphrase.isEmpty());
    QCOMPARE(parse({QStringLiteral("--serve"), QStringLiteral("--tls-cert"), QStringLiteral("s.p12")}).serveTlsPassphrase,
             QStringLiteral("server pass"));
    QCOMPARE(parse({QStringLiteral("--serve"), QStringLiteral("--tls-cert"), QStringLiteral("s.p12"),
                    QStringLiteral("--tls-passphrase"), QStringLiteral("given")})
                 .serveTlsPassphrase,
             QStringLiteral("given"));
    // Without a certificate it is not used, and no error.
    const CommandLine plain = parse({QStringLiteral("--serve")});
    QCOMPARE(plain.mode, CommandLine::Mode::Serve);
    QVERIFY(plain.serveTlsPassphrase.isEmpty());
}

void TestCommandLine::openAndMaskSecrets()
{
    const CommandLine open = parse({QStringLiteral("--open"), QStringLiteral("/tmp/x.wsscope.jsonl")});
    QCOMPARE(open.mode, CommandLine::Mode::Window);
    QCOMPARE(open.openPath, QStringLiteral("/tmp/x.wsscope.jsonl"));
    QVERIFY(!open.connect);
    // A session file named by itself opens as with --open, as a path or as
    // the file:// URL a file manager passes; a name that is no file is still a bad URL.
    QTemporaryDir dir;
    const QString saved = dir.filePath(QStringLiteral("run 1.wsscope.jsonl"));
    QFile file(saved);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.close();
    QCOMPARE(parse({saved}).openPath, saved);
    QCOMPARE(parse({saved}).mode, CommandLine::Mode::Window);
    QCOMPARE(parse({QUrl::fromLocalFile(saved).toString()}).openPath, saved);
    const CommandLine missing = parse({dir.filePath(QStringLiteral("gone.jsonl"))});
    QCOMPARE(missing.mode, CommandLine::Mode::Error);
    QVERIFY2(missing.error.contains(QStringLiteral("Bad URL")), qPrintable(missing.error));
    QVERIFY(parse({saved, QStringLiteral("--connect")}).error.contains(QStringLiteral("cannot be combined with --connect")));

    const CommandLine masked = parse({QStringLiteral("ws://127.0.0.1:1/"), QStringLiteral("--batch"),
                                      QStringLiteral("--save"), QStringLiteral("a.har"), QStringLiteral("--mask-secrets")});
    QCOMPARE(masked.mode, CommandLine::Mode::Batch);
    QVERIFY(masked.script().saveOptions.maskSecrets);
    QVERIFY(!parse({QStringLiteral("ws://127.0.0.1:1/"), QStringLiteral("--batch"), QStringLiteral("--save"),
                    QStringLiteral("a.har")}).script().saveOptions.maskSecrets);
    // In the window it needs no --save: it masks what the window writes.
    const CommandLine window = parse({QStringLiteral("ws://127.0.0.1:1/"), QStringLiteral("--mask-secrets")});
    QCOMPARE(window.mode, CommandLine::Mode::Window);
    QVERIFY(window.maskSecrets);
}

void TestCommandLine::qtOptionsAreLeftToQt()
{
    // Qt's own window options are for the application object, not refused.
    const CommandLine line = parse({QStringLiteral("-style"), QStringLiteral("Fusion"), QStringLiteral("ws://127.0.0.1:1/"),
                                    QStringLiteral("-reverse"), QStringLiteral("--platform"), QStringLiteral("offscreen"),
                                    QStringLiteral("-stylesheet=a.qss"), QStringLiteral("--connect")});
    QVERIFY2(line.mode == CommandLine::Mode::Window, qPrintable(line.error));
    QCOMPARE(line.url, QUrl(QStringLiteral("ws://127.0.0.1:1/")));
    QVERIFY(line.connect);
    // After "--" everything is an argument, and ours stay checked.
    QCOMPARE(parse({QStringLiteral("-styles")}).mode, CommandLine::Mode::Error);
    QCOMPARE(parse({QStringLiteral("--"), QStringLiteral("-style")}).mode, CommandLine::Mode::Error);
}

void TestCommandLine::shortFlagsOfWscatAndWebsocat()
{
    const CommandLine line = parse({QStringLiteral("wss://127.0.0.1:1/"), QStringLiteral("-H"), QStringLiteral("X-A: 1"),
                                    QStringLiteral("-k"), QStringLiteral("-o"), QStringLiteral("http://127.0.0.1")});
    QVERIFY2(line.mode == CommandLine::Mode::Window, qPrintable(line.error));
    QCOMPARE(line.headers.size(), 1);
    QCOMPARE(line.headers.first().first, QByteArray("X-A"));
    QVERIFY(line.insecure);
    QCOMPARE(line.origin, QStringLiteral("http://127.0.0.1"));
}

void TestCommandLine::helpDescribesEveryOption()
{
    const CommandLine line = parse({QStringLiteral("--help")});
    QCOMPARE(line.mode, CommandLine::Mode::Help);
    for (const char *option : {"--batch", "--header", "--protocol", "--origin", "--send", "--send-hex", "--send-file",
                               "--expect", "--timeout", "--save", "--insecure", "--serve", "--allow-origin", "--connect", "--open",
                               "--mask-secrets", "--ca-file", "--cert", "--key", "--cert-passphrase", "--proxy",
                               "--ping-interval", "--ping-timeout", "--reconnect", "--reconnect-delay",
                               "--reconnect-max-delay", "--max-message-size", "--handshake-timeout", "--close-code",
                               "--close-reason"})
        QVERIFY2(line.helpText.contains(QLatin1String(option)), option);
    QVERIFY(line.helpText.contains(QStringLiteral("30 s")));
    QVERIFY2(!line.helpText.contains(QStringLiteral("<executable_name>")), qPrintable(line.helpText.left(60)));
    QVERIFY(line.helpText.contains(QStringLiteral("Exit status")));
}

void TestCommandLine::keepAliveReconnectAndCloseOptions()
{
    // Nothing given: nothing changes.
    const CommandLine plain = parse({QStringLiteral("ws://a/")});
    QCOMPARE(plain.pingIntervalMs, 0);
    QCOMPARE(plain.pongTimeoutMs, 0);
    QCOMPARE(plain.reconnectAttempts, -1);
    QCOMPARE(plain.maxMessageSize, qint64(0));
    QCOMPARE(plain.handshakeTimeoutMs, -1);
    QCOMPARE(plain.script().closeCode, 1000);
    QVERIFY(plain.script().closeReason.isEmpty());

    // 123 bytes of UTF-8: the most a Close frame holds.
    const QString reason = QString(61, QChar(0xe9)) + u'x';
    const CommandLine line = parse({QStringLiteral("ws://a/"), QStringLiteral("--ping-interval"), QStringLiteral("2"),
                                    QStringLiteral("--ping-timeout=5"), QStringLiteral("--reconnect"),
                                    QStringLiteral("0"), QStringLiteral("--reconnect-delay"), QStringLiteral("0.25"),
                                    QStringLiteral("--reconnect-max-delay"), QStringLiteral("8"),
                                    QStringLiteral("--max-message-size"), QStringLiteral("65536"),
                                    QStringLiteral("--handshake-timeout"), QStringLiteral("1.5"),
                                    QStringLiteral("--close-code"), QStringLiteral("4001"),
                                    QStringLiteral("--close-reason"), reason, QStringLiteral("--send"),
                                    QStringLiteral("x")});
    QVERIFY2(line.mode == CommandLine::Mode::Window, qPrintable(line.error));
    QCOMPARE(line.pingIntervalMs, 2000);
    QCOMPARE(line.pongTimeoutMs, 5000);
    QCOMPARE(line.reconnectAttempts, 0);
    QCOMPARE(line.reconnectDelayMs, 250);
    QCOMPARE(line.reconnectMaxDelayMs, 8000);
    QCOMPARE(line.maxMessageSize, qint64(65536));
    QCOMPARE(line.handshakeTimeoutMs, 1500);
    QCOMPARE(line.script().closeCode, 4001);
    QCOMPARE(line.script().closeReason, reason);
    QCOMPARE(line.messages.size(), 1);   // the values were not taken for messages

    // A first delay above the default maximum raises the maximum with it.
    const CommandLine slow = parse({QStringLiteral("--reconnect"), QStringLiteral("3"),
                                    QStringLiteral("--reconnect-delay"), QStringLiteral("60")});
    QCOMPARE(slow.reconnectAttempts, 3);
    QCOMPARE(slow.reconnectDelayMs, 60000);
    QCOMPARE(slow.reconnectMaxDelayMs, 60000);

    const CommandLine batch = parse({QStringLiteral("ws://a/"), QStringLiteral("--batch"),
                                     QStringLiteral("--close-code"), QStringLiteral("3000"),
                                     QStringLiteral("--ping-interval"), QStringLiteral("0.1")});
    QCOMPARE(batch.mode, CommandLine::Mode::Batch);
    QCOMPARE(batch.pingIntervalMs, 100);
    QCOMPARE(batch.script().closeCode, 3000);
}

QTEST_GUILESS_MAIN(TestCommandLine)
#include "tst_commandline.moc"
