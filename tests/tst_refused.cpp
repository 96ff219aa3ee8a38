#include "pythonpeer.h"
#include "qtmessages.h"
#include "record/sessionfile.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

// Servers that turn the upgrade away, or answer with a 101 that Qt refuses,
// run by python3 on loopback; wsscope runs in batch mode and saves. Whatever
// the tap saw must be in the session file and the pcapng, whether the server
// then keeps the connection open, half-closes or closes.
class TestRefused : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void answerIsSaved_data();
    void answerIsSaved();
    void pythonWebsocketsRejection();

private:
    struct Saved
    {
        QJsonObject handshake;
        HandshakeInfo reopened;      // the handshake as wsscope reads the file back
        QJsonObject harResponse;
        QString text;
        QByteArray pcapng;
        qint64 elapsedMs = 0;
        int exitCode = -1;
        QString why;
    };
    Saved runBatch(const QUrl &url);
    // The bytes each side sent, by tshark: the server is whoever sent the SYN-ACK.
    bool tsharkBytes(const QString &file, qint64 *fromClient, qint64 *fromServer, QStringList *httpCodes, QString *why);

    QString m_tshark;
    QTemporaryDir m_dir;
    int m_runs = 0;
};

static QByteArray base64Of(const QJsonValue &value)
{
    return QByteArray::fromBase64(value.toString().toLatin1());
}

static QList<QPair<QByteArray, QByteArray>> headersOf(const QJsonValue &value)
{
    QList<QPair<QByteArray, QByteArray>> headers;
    for (const QJsonValue &pair : value.toArray())
        headers.append({pair.toArray().at(0).toString().toLatin1(), pair.toArray().at(1).toString().toLatin1()});
    return headers;
}

// The header lines of an answer as written in the table, by plain splitting.
static QList<QPair<QByteArray, QByteArray>> headersIn(const QByteArray &answer)
{
    QList<QPair<QByteArray, QByteArray>> headers;
    const QList<QByteArray> lines = answer.left(answer.indexOf("\r\n\r\n")).split('\n');
    for (int i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines.at(i).trimmed();
        const qsizetype colon = line.indexOf(':');
        headers.append({line.left(colon), line.mid(colon + 1).trimmed()});
    }
    return headers;
}

void TestRefused::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_tshark = QStandardPaths::findExecutable(QStringLiteral("tshark"));
    if (m_tshark.isEmpty())
        QFAIL("tshark is not installed (Debian: apt-get install tshark); these tests read the pcapng files with it.");
}

TestRefused::Saved TestRefused::runBatch(const QUrl &url)
{
    Saved saved;
    const QString base = m_dir.filePath(QStringLiteral("run%1").arg(++m_runs));
    const QString session = base + QStringLiteral(".wsscope.jsonl");
    const QString pcapng = base + QStringLiteral(".pcapng");
    const QString har = base + QStringLiteral(".har");
    const QString text = base + QStringLiteral(".txt");
    QProcess process;
    process.setProcessEnvironment(QtMessages::markedEnvironment());
    QElapsedTimer clock;
    clock.start();
    process.start(QStringLiteral(WSSCOPE_BINARY), {url.toString(), QStringLiteral("--batch"), QStringLiteral("--save"),
                                                   session, QStringLiteral("--save"), pcapng, QStringLiteral("--save"), har,
                                                   QStringLiteral("--save"), text});
    if (!process.waitForStarted(10000) || !QTest::qWaitFor([&process] { return process.state() == QProcess::NotRunning; }, 30000)) {
        process.kill();
        process.waitForFinished();
        saved.why = QStringLiteral("wsscope did not finish");
        return saved;
    }
    saved.elapsedMs = clock.elapsed();
    saved.exitCode = process.exitCode();
    const QString err = QString::fromUtf8(process.readAllStandardError());
    if (const QString qt = QtMessages::in(err); !qt.isEmpty()) {
        saved.why = QStringLiteral("Qt printed: ") + qt;
        return saved;
    }
    QFile file(session);
    if (!file.open(QIODevice::ReadOnly)) {
        saved.why = QStringLiteral("no session file: ") + err;
        return saved;
    }
    while (!file.atEnd()) {
        const QJsonObject line = QJsonDocument::fromJson(file.readLine()).object();
        if (line.value(QStringLiteral("type")).toString() == u"handshake")
            saved.handshake = line;
    }
    file.seek(0);
    MessageLog log;
    const SessionFile::Loaded loaded = SessionFile::read(&file, &log);
    if (!loaded.problem.isEmpty() || loaded.connections.isEmpty()) {
        saved.why = QStringLiteral("the session file does not read back: ") + loaded.problem;
        return saved;
    }
    saved.reopened = loaded.connections.last().handshake;
    saved.pcapng = pcapng.toUtf8();
    QFile harFile(har);
    QFile textFile(text);
    if (!harFile.open(QIODevice::ReadOnly) || !textFile.open(QIODevice::ReadOnly)) {
        saved.why = QStringLiteral("no HAR or text export");
        return saved;
    }
    const QJsonArray entries = QJsonDocument::fromJson(harFile.readAll())
                                   .object().value(QStringLiteral("log")).toObject().value(QStringLiteral("entries")).toArray();
    saved.harResponse = entries.at(0).toObject().value(QStringLiteral("response")).toObject();
    saved.text = QString::fromUtf8(textFile.readAll());
    return saved;
}

bool TestRefused::tsharkBytes(const QString &file, qint64 *fromClient, qint64 *fromServer, QStringList *httpCodes,
                              QString *why)
{
    QProcess process;
    // Without body reassembly, a status line is decoded even when its body never completed.
    process.start(m_tshark, {QStringLiteral("-r"), file, QStringLiteral("-o"), QStringLiteral("http.desegment_body:FALSE"),
                             QStringLiteral("-T"), QStringLiteral("fields"),
                             QStringLiteral("-e"), QStringLiteral("tcp.flags.syn"), QStringLiteral("-e"),
                             QStringLiteral("tcp.flags.ack"), QStringLiteral("-e"), QStringLiteral("tcp.srcport"),
                             QStringLiteral("-e"), QStringLiteral("tcp.len"), QStringLiteral("-e"),
                             QStringLiteral("http.response.code")});
    if (!process.waitForFinished(30000) || process.exitCode() != 0) {
        *why = QStringLiteral("tshark failed: ") + QString::fromUtf8(process.readAllStandardError());
        return false;
    }
    QString serverPort;
    QList<QStringList> rows;
    for (const QByteArray &line : process.readAllStandardOutput().split('\n')) {
        const QStringList fields = QString::fromUtf8(line).split(u'\t');
        if (fields.size() < 5)
            continue;
        rows << fields;
        const bool set = fields.at(0) == u"1" || fields.at(0) == u"True";
        const bool ack = fields.at(1) == u"1" || fields.at(1) == u"True";
        if (set && ack)
            serverPort = fields.at(2);
    }
    *fromClient = *fromServer = 0;
    for (const QStringList &fields : std::as_const(rows)) {
        (fields.at(2) == serverPort ? *fromServer : *fromClient) += fields.at(3).toLongLong();
        if (!fields.at(4).isEmpty())
            *httpCodes << fields.at(4);
    }
    if (serverPort.isEmpty())
        *why = QStringLiteral("no SYN-ACK in the pcapng");
    return !serverPort.isEmpty();
}

void TestRefused::answerIsSaved_data()
{
    QTest::addColumn<QByteArray>("answer");
    QTest::addColumn<QString>("mode");
    QTest::addColumn<QByteArray>("status");
    QTest::addColumn<QByteArray>("body");       // decoded
    QTest::addColumn<QByteArray>("bodyRaw");    // as on the wire, when it differs
    QTest::addColumn<QString>("finding");

    const QByteArray json = R"({"error":"no token","retry":false})";
    QTest::newRow("401 with a JSON body, kept open")
        << QByteArray("HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nWWW-Authenticate: Bearer realm=\"api\"\r\n"
                      "Content-Length: " + QByteArray::number(json.size()) + "\r\nX-Request-Id: 7f3a\r\n\r\n" + json)
        << QStringLiteral("keep") << QByteArray("HTTP/1.1 401 Unauthorized") << json << QByteArray() << QString();
    const QByteArray chunked = "5;name=value\r\nhello\r\n7\r\n, world\r\n0\r\nX-Trailer: done\r\n\r\n";
    QTest::newRow("403 with a chunked body, kept open")
        << QByteArray("HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked)
        << QStringLiteral("keep") << QByteArray("HTTP/1.1 403 Forbidden") << QByteArray("hello, world") << chunked
        << QString();
    QTest::newRow("500 read until the server half-closes")
        << QByteArray("HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\n\r\nthe database is down\n")
        << QStringLiteral("half") << QByteArray("HTTP/1.1 500 Internal Server Error")
        << QByteArray("the database is down\n") << QByteArray() << QString();
    QTest::newRow("404 with a length, server closes at once")
        << QByteArray("HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\nConnection: close\r\n\r\nno room 7")
        << QStringLiteral("close") << QByteArray("HTTP/1.1 404 Not Found") << QByteArray("no room 7") << QByteArray()
        << QString();
    QTest::newRow("401 whose body is cut short by a half-close")
        << QByteArray("HTTP/1.1 401 Unauthorized\r\nContent-Length: 100\r\n\r\nonly this") << QStringLiteral("half")
        << QByteArray("HTTP/1.1 401 Unauthorized") << QByteArray("only this") << QByteArray()
        << QStringLiteral("The connection ended after 9 of the 100 bytes of Content-Length.");
    QTest::newRow("101 with a subprotocol that was not offered")
        << QByteArray("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                      "Sec-WebSocket-Accept: {ACCEPT}\r\nSec-WebSocket-Protocol: chat.v9\r\n\r\n")
        << QStringLiteral("keep") << QByteArray("HTTP/1.1 101 Switching Protocols") << QByteArray() << QByteArray()
        << QStringLiteral("The server chose the subprotocol chat.v9, but none was offered.");
    QTest::newRow("101 with a wrong Accept")
        << QByteArray("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                      "Sec-WebSocket-Accept: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")
        << QStringLiteral("keep") << QByteArray("HTTP/1.1 101 Switching Protocols") << QByteArray() << QByteArray()
        << QStringLiteral("Sec-WebSocket-Accept does not match the key that was sent.");
    QTest::newRow("101 with Connection: keep-alive, Upgrade")
        << QByteArray("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: keep-alive, Upgrade\r\n"
                      "Sec-WebSocket-Accept: {ACCEPT}\r\n\r\n")
        << QStringLiteral("keep") << QByteArray("HTTP/1.1 101 Switching Protocols") << QByteArray() << QByteArray()
        << QStringLiteral("Qt 6.4 accepts only exactly \"Upgrade\"");
    QTest::newRow("101 without Upgrade")
        << QByteArray("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {ACCEPT}\r\n\r\n")
        << QStringLiteral("keep") << QByteArray("HTTP/1.1 101 Switching Protocols") << QByteArray() << QByteArray()
        << QStringLiteral("The 101 has no Upgrade header");
    QTest::newRow("garbage, kept open")
        << QByteArray("\x16\x03\x01 not HTTP at all\r\n\r\n\xff\xfe") << QStringLiteral("keep") << QByteArray()
        << QByteArray("\x16\x03\x01 not HTTP at all\r\n\r\n\xff\xfe") << QByteArray()
        << QStringLiteral("is not HTTP/x.y CODE REASON");
}

void TestRefused::answerIsSaved()
{
    QFETCH(QByteArray, answer);
    QFETCH(QString, mode);
    QFETCH(QByteArray, status);
    QFETCH(QByteArray, body);
    QFETCH(QByteArray, bodyRaw);
    QFETCH(QString, finding);

    PythonPeer peer(QStringLiteral("http_answer.py"), {QString::fromLatin1(answer.toBase64()), mode});
    QVERIFY(peer.waitUntilListening());
    const Saved saved = runBatch(peer.url());
    QVERIFY2(saved.why.isEmpty(), qPrintable(saved.why));
    QCOMPARE(saved.exitCode, 1);
    // Nothing waits for the handshake timeout (10 s) or the server to hang up.
    QVERIFY2(saved.elapsedMs < 5000, qPrintable(QString::number(saved.elapsedMs)));

    QTRY_VERIFY(!peer.lines().isEmpty());
    const QByteArray request = base64Of(peer.lines().constFirst().value(QStringLiteral("request")));
    const QByteArray sent = base64Of(peer.lines().constFirst().value(QStringLiteral("answer")));
    const QJsonObject response = saved.handshake.value(QStringLiteral("response")).toObject();
    QCOMPARE(response.value(QStringLiteral("status")).toString().toLatin1(), status);
    if (!status.isEmpty()) {
        QCOMPARE(headersOf(response.value(QStringLiteral("headers"))), headersIn(sent));
        QCOMPARE(base64Of(response.value(QStringLiteral("raw"))), sent.left(sent.indexOf("\r\n\r\n") + 4));
    }
    QCOMPARE(base64Of(response.value(QStringLiteral("body"))), body);
    QCOMPARE(base64Of(response.value(QStringLiteral("bodyRaw"))), bodyRaw);
    const QJsonArray findings = saved.handshake.value(QStringLiteral("findings")).toArray();
    QStringList all;
    for (const QJsonValue &value : findings)
        all << value.toString();
    if (finding.isEmpty())
        QVERIFY2(all.isEmpty(), qPrintable(all.join(u'\n')));
    else
        QVERIFY2(all.join(u'\n').contains(finding), qPrintable(all.join(u'\n')));
    QVERIFY2(!saved.handshake.value(QStringLiteral("failure")).toString().isEmpty(), "no failure saved");
    // And a reopened session shows the same.
    QCOMPARE(saved.reopened.statusLine, status);
    QCOMPARE(saved.reopened.responseBody, body);
    QCOMPARE(saved.reopened.responseBodyRaw, bodyRaw);
    QCOMPARE(saved.reopened.findings, all);

    // The HAR has the status and the decoded body; the text export the status line, the body and the finding.
    const QJsonObject content = saved.harResponse.value(QStringLiteral("content")).toObject();
    QCOMPARE(saved.harResponse.value(QStringLiteral("status")).toInt(), status.isEmpty() ? 0 : status.split(' ').at(1).toInt());
    if (body.isValidUtf8())
        QCOMPARE(content.value(QStringLiteral("text")).toString().toUtf8(), body);
    QCOMPARE(saved.harResponse.value(QStringLiteral("bodySize")).toInt(), int((bodyRaw.isEmpty() ? body : bodyRaw).size()));
    if (!status.isEmpty())
        QVERIFY2(saved.text.contains(QStringLiteral("    < ") + QString::fromLatin1(status) + u'\n'), qPrintable(saved.text));
    if (!body.isEmpty() && body.isValidUtf8())
        QVERIFY2(saved.text.contains(QStringLiteral("    < ") + QString::fromUtf8(body.split('\n').first())), qPrintable(saved.text));
    if (!finding.isEmpty())
        QVERIFY2(saved.text.contains(QStringLiteral("    ! ")), qPrintable(saved.text));

    // The request the server read and the answer it sent are the packets of the pcapng.
    QCOMPARE(base64Of(saved.handshake.value(QStringLiteral("request")).toObject().value(QStringLiteral("raw"))), request);
    qint64 fromClient = 0, fromServer = 0;
    QStringList codes;
    QString why;
    QVERIFY2(tsharkBytes(QString::fromUtf8(saved.pcapng), &fromClient, &fromServer, &codes, &why), qPrintable(why));
    QCOMPARE(fromClient, qint64(request.size()));
    QCOMPARE(fromServer, qint64(sent.size()));
    if (!status.isEmpty())
        QCOMPARE(codes.value(0), QString::fromLatin1(status.split(' ').at(1)));
}

void TestRefused::pythonWebsocketsRejection()
{
    PythonPeer peer(QStringLiteral("ws_reject.py"));
    QVERIFY(peer.waitUntilListening());
    const Saved saved = runBatch(peer.url());
    QVERIFY2(saved.why.isEmpty(), qPrintable(saved.why));
    QCOMPARE(saved.exitCode, 1);
    const QJsonObject response = saved.handshake.value(QStringLiteral("response")).toObject();
    QCOMPARE(response.value(QStringLiteral("status")).toString(), QStringLiteral("HTTP/1.1 401 Unauthorized"));
    const auto headers = headersOf(response.value(QStringLiteral("headers")));
    QVERIFY(headers.contains(qMakePair(QByteArray("WWW-Authenticate"), QByteArray("Bearer realm=\"api\""))));
    QVERIFY(headers.contains(qMakePair(QByteArray("Content-Type"), QByteArray("application/json"))));
    const QJsonObject body = QJsonDocument::fromJson(base64Of(response.value(QStringLiteral("body")))).object();
    QCOMPARE(body.value(QStringLiteral("error")).toString(), QStringLiteral("unauthorized"));
    qint64 fromClient = 0, fromServer = 0;
    QStringList codes;
    QString why;
    QVERIFY2(tsharkBytes(QString::fromUtf8(saved.pcapng), &fromClient, &fromServer, &codes, &why), qPrintable(why));
    QCOMPARE(codes.value(0), QStringLiteral("401"));
    QCOMPARE(fromServer, qint64(base64Of(response.value(QStringLiteral("raw"))).size()
                                + base64Of(response.value(QStringLiteral("body"))).size()));
}

QTEST_GUILESS_MAIN(TestRefused)
#include "tst_refused.moc"
