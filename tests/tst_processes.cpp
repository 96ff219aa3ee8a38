#include "qtmessages.h"

#include <QProcess>
#include <QScopeGuard>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTest>

// Runs the real wsscope executable, as a user or a script would.
class TestProcesses : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void serveTalksToPythonWebsocketClient();
    void serveOnBusyPortFails();
    void usageErrorsExitTwo_data();
    void usageErrorsExitTwo();
    void helpExitsZero();

private:
    static QString binary() { return QStringLiteral(WSSCOPE_BINARY); }
};

void TestProcesses::serveTalksToPythonWebsocketClient()
{
    QProcess server;
    const auto stopServer = qScopeGuard([&server] {
        server.kill();
        server.waitForFinished();
    });
    server.setProcessEnvironment(QtMessages::markedEnvironment());
    server.start(binary(), {QStringLiteral("--serve"), QStringLiteral("0")});
    QVERIFY2(server.waitForStarted(), qPrintable(server.errorString()));
    QTRY_VERIFY_WITH_TIMEOUT(server.canReadLine(), 10000);
    const QString url = QString::fromUtf8(server.readLine()).trimmed();
    QVERIFY2(QRegularExpression(QStringLiteral("^ws://127\\.0\\.0\\.1:\\d+/$")).match(url).hasMatch(), qPrintable(url));

    QProcess client;
    client.setProcessChannelMode(QProcess::MergedChannels);
    client.start(QStringLiteral(WSSCOPE_PYTHON), {QStringLiteral(WSSCOPE_PEERS_DIR "/echo_client.py"), url});
    QVERIFY2(client.waitForStarted(), qPrintable(client.errorString()));
    QVERIFY(client.waitForFinished(30000));
    const QString output = QString::fromUtf8(client.readAll());
    QVERIFY2(client.exitStatus() == QProcess::NormalExit && client.exitCode() == 0, qPrintable(output));
    QVERIFY2(output.contains(QStringLiteral("text echo ok")), qPrintable(output));
    QVERIFY2(output.contains(QStringLiteral("binary echo ok")), qPrintable(output));
    QVERIFY2(QRegularExpression(QStringLiteral("pongs: [1-9]")).match(output).hasMatch(), qPrintable(output));

    QCOMPARE(server.state(), QProcess::Running);   // a client leaving does not stop the server
    server.terminate();
    QVERIFY(server.waitForFinished(10000));
    const QString err = QString::fromUtf8(server.readAllStandardError());
    QVERIFY2(QtMessages::in(err).isEmpty(), qPrintable(err));
}

void TestProcesses::serveOnBusyPortFails()
{
    QTcpServer busy;
    QVERIFY(busy.listen(QHostAddress::LocalHost));
    QProcess server;
    server.setProcessEnvironment(QtMessages::markedEnvironment());
    server.start(binary(), {QStringLiteral("--serve"), QString::number(busy.serverPort())});
    QVERIFY(server.waitForFinished(10000));
    QCOMPARE(server.exitCode(), 1);
    const QString err = QString::fromUtf8(server.readAllStandardError());
    QVERIFY2(err.contains(QString::number(busy.serverPort())), qPrintable(err));
    QVERIFY2(QtMessages::in(err).isEmpty(), qPrintable(err));
}

void TestProcesses::usageErrorsExitTwo_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("messagePart");

    QTest::newRow("unknown option") << QStringList{QStringLiteral("--frobnicate")} << "frobnicate";
    QTest::newRow("serve with a word for a port") << QStringList{QStringLiteral("--serve"), QStringLiteral("abc")} << "not a port";
    QTest::newRow("http URL") << QStringList{QStringLiteral("http://example.com/")} << "ws://";
    QTest::newRow("URL with a newline in the host") << QStringList{QStringLiteral("ws://exa\nmple/")} << "line break";
}

void TestProcesses::usageErrorsExitTwo()
{
    QFETCH(QStringList, args);
    QFETCH(QString, messagePart);
    QProcess process;
    process.setProcessEnvironment(QtMessages::markedEnvironment());
    process.start(binary(), args);
    QVERIFY(process.waitForFinished(10000));
    QCOMPARE(process.exitStatus(), QProcess::NormalExit);
    QCOMPARE(process.exitCode(), 2);
    const QString err = QString::fromUtf8(process.readAllStandardError());
    QVERIFY2(err.contains(messagePart), qPrintable(err));
    QVERIFY2(err.contains(QStringLiteral("Usage:")), qPrintable(err));
    QVERIFY2(QtMessages::in(err).isEmpty(), qPrintable(err));
}

void TestProcesses::helpExitsZero()
{
    QProcess process;
    process.start(binary(), {QStringLiteral("--help")});
    QVERIFY(process.waitForFinished(10000));
    QCOMPARE(process.exitCode(), 0);
    const QString out = QString::fromUtf8(process.readAllStandardOutput());
    QVERIFY(out.contains(QStringLiteral("--serve")));
    QVERIFY(out.contains(QStringLiteral("--send")));
}

QTEST_GUILESS_MAIN(TestProcesses)
#include "tst_processes.moc"
