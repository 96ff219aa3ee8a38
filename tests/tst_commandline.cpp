#include "cli/commandline.h"

#include <QTest>

class TestCommandLine : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void window();
    void sendImpliesConnect();
    void serve_data();
    void serve();
    void usageErrors_data();
    void usageErrors();
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
    QCOMPARE(line.sends, (QStringList{QStringLiteral("one"), QStringLiteral("two words")}));
}

void TestCommandLine::serve_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<int>("port");

    QTest::newRow("no port") << QStringList{QStringLiteral("--serve")} << 0;
    QTest::newRow("port 0") << QStringList{QStringLiteral("--serve"), QStringLiteral("0")} << 0;
    QTest::newRow("port 9001") << QStringList{QStringLiteral("--serve"), QStringLiteral("9001")} << 9001;
    QTest::newRow("port before option") << QStringList{QStringLiteral("65535"), QStringLiteral("--serve")} << 65535;
}

void TestCommandLine::serve()
{
    QFETCH(QStringList, args);
    QFETCH(int, port);
    const CommandLine line = parse(args);
    QCOMPARE(line.mode, CommandLine::Mode::Serve);
    QCOMPARE(int(line.servePort), port);
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
    QTest::newRow("serve with send") << QStringList{QStringLiteral("--serve"), QStringLiteral("--send"), QStringLiteral("x")} << "cannot be combined";
}

void TestCommandLine::usageErrors()
{
    QFETCH(QStringList, args);
    QFETCH(QString, messagePart);
    const CommandLine line = parse(args);
    QCOMPARE(line.mode, CommandLine::Mode::Error);
    QVERIFY2(line.error.contains(messagePart), qPrintable(line.error));
    QVERIFY(line.helpText.contains(QStringLiteral("--serve")));
}

QTEST_GUILESS_MAIN(TestCommandLine)
#include "tst_commandline.moc"
