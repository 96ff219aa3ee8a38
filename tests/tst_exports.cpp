#include "nodepeer.h"

#include "record/export.h"
#include "session/session.h"

#include <QBuffer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QDir>
#include <QTemporaryDir>

#include <unistd.h>
#include <QTest>

// The HAR and text exports of a session with a real Node `ws` peer, and how
// saving fails without leaving half a file.
class TestExports : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void harCarriesHandshakeAndEveryMessage();
    void harIsValidHar12();
    void textReadsLikeTheLog();
    void failedSaveLeavesNoHalfFile();
    void formatFollowsTheName();

private:
    NodePeer *m_peer = nullptr;
    Session *m_session = nullptr;
    QTemporaryDir m_dir;
    QByteArray exported(SessionExport::Format format, bool mask = false);
};

void TestExports::initTestCase()
{
    m_peer = new NodePeer;
    m_peer->setParent(this);
    QVERIFY(m_peer->waitUntilListening());
    m_session = new Session(this);
    m_session->setSubprotocols({QStringLiteral("chat.v2")});
    m_session->setRequestHeaders({{"Authorization", "Basic dXNlcjpwYXNz"}, {"Cookie", "a=1; b=2"}});
    QUrl url = m_peer->url();
    url.setQuery(QStringLiteral("room=7&user=ann"));
    QVERIFY(m_session->open(url));
    QTRY_COMPARE(m_session->state(), Session::State::Open);
    QVERIFY(m_session->sendText(QStringLiteral("héllo")));
    QVERIFY(m_session->sendBinary(QByteArray("\x00\xff\x10", 3)));
    QVERIFY(m_session->ping("p1"));
    QVERIFY(m_session->sendText(QStringLiteral("script")));   // the peer sends text, fragments, binary, a ping
    // Echoes of two, then the script: text, two fragments, binary, a ping.
    QTRY_COMPARE(m_peer->lines(QStringLiteral("sent")).size(), 7);
    QTRY_VERIFY(m_session->log()->count() >= 1 + 4 + 2 + 1 + 3);   // open, sent, echoes, pong, script
    QVERIFY(m_session->close(1000, QStringLiteral("bye")));
    QTRY_COMPARE_WITH_TIMEOUT(m_session->state(), Session::State::Closed, 5000);
}

QByteArray TestExports::exported(SessionExport::Format format, bool mask)
{
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    QString error;
    SessionExport::Options options;
    options.maskSecrets = mask;
    if (!SessionExport::write(*m_session, format, &buffer, options, &error))
        qWarning("%s", qPrintable(error));
    return buffer.data();
}

void TestExports::harCarriesHandshakeAndEveryMessage()
{
    QJsonParseError parseError;
    const QJsonObject log = QJsonDocument::fromJson(exported(SessionExport::Format::Har), &parseError)
                                .object().value(QStringLiteral("log")).toObject();
    QCOMPARE(parseError.error, QJsonParseError::NoError);
    QCOMPARE(log.value(QStringLiteral("version")).toString(), QStringLiteral("1.2"));
    const QJsonArray entries = log.value(QStringLiteral("entries")).toArray();
    QCOMPARE(entries.size(), 1);
    const QJsonObject entry = entries.first().toObject();
    QCOMPARE(entry.value(QStringLiteral("_resourceType")).toString(), QStringLiteral("websocket"));

    const auto header = [](const QJsonObject &message, const QString &name) {
        const QJsonArray headers = message.value(QStringLiteral("headers")).toArray();
        for (const QJsonValue &h : headers) {
            if (h.toObject().value(QStringLiteral("name")).toString().compare(name, Qt::CaseInsensitive) == 0)
                return h.toObject().value(QStringLiteral("value")).toString();
        }
        return QString();
    };
    const QJsonObject request = entry.value(QStringLiteral("request")).toObject();
    QCOMPARE(request.value(QStringLiteral("method")).toString(), QStringLiteral("GET"));
    QVERIFY(request.value(QStringLiteral("url")).toString().endsWith(QStringLiteral("/?room=7&user=ann")));
    QCOMPARE(header(request, QStringLiteral("Upgrade")), QStringLiteral("websocket"));
    QCOMPARE(header(request, QStringLiteral("Sec-WebSocket-Protocol")), QStringLiteral("chat.v2"));
    QCOMPARE(header(request, QStringLiteral("Authorization")), QStringLiteral("Basic dXNlcjpwYXNz"));
    QCOMPARE(header(request, QStringLiteral("Sec-WebSocket-Key")),
             QString::fromLatin1(m_session->connections().first().handshake.accept.key));
    QCOMPARE(request.value(QStringLiteral("queryString")).toArray().size(), 2);
    QCOMPARE(request.value(QStringLiteral("cookies")).toArray().size(), 2);
    const QJsonObject response = entry.value(QStringLiteral("response")).toObject();
    QCOMPARE(response.value(QStringLiteral("status")).toInt(), 101);
    QCOMPARE(response.value(QStringLiteral("statusText")).toString(), QStringLiteral("Switching Protocols"));
    QCOMPARE(header(response, QStringLiteral("X-Wsscope-Test")), QStringLiteral("yes"));
    QCOMPARE(header(response, QStringLiteral("Sec-WebSocket-Accept")),
             QString::fromLatin1(m_session->connections().first().handshake.accept.expected));
    QVERIFY(entry.value(QStringLiteral("timings")).toObject().value(QStringLiteral("wait")).toDouble() >= 0);

    // Every message, ping and pong in order, with its type, opcode, time and data.
    QStringList messages;
    const QJsonArray frames = entry.value(QStringLiteral("_webSocketMessages")).toArray();
    double previous = 0;
    const double started = double(m_session->connections().first().startUsec) / 1e6;
    for (const QJsonValue &value : frames) {
        const QJsonObject frame = value.toObject();
        const double time = frame.value(QStringLiteral("time")).toDouble();
        QVERIFY(time >= previous && time >= started && time < started + 60);
        previous = time;
        messages << frame.value(QStringLiteral("type")).toString() + u' '
                + QString::number(frame.value(QStringLiteral("opcode")).toInt()) + u' '
                + frame.value(QStringLiteral("data")).toString();
    }
    QCOMPARE(messages, (QStringList{
                           QStringLiteral("send 1 héllo"),
                           QStringLiteral("send 2 AP8Q"),
                           QStringLiteral("send 9 p1"),
                           QStringLiteral("send 1 script"),
                           QStringLiteral("receive 1 héllo"),
                           QStringLiteral("receive 2 AP8Q"),
                           QStringLiteral("receive 10 p1"),
                           QStringLiteral("receive 1 one"),
                           QStringLiteral("receive 1 frag-ment"),
                           QStringLiteral("receive 2 AAEC"),
                           // The server's ping and the pong Qt answered it with, seen by the tap.
                           QStringLiteral("receive 9 srv"),
                           QStringLiteral("send 10 srv"),
                       }));

    // Masked: the credentials are gone, the rest is there.
    const QByteArray masked = exported(SessionExport::Format::Har, true);
    QVERIFY(!masked.contains("dXNlcjpwYXNz"));
    QVERIFY(!masked.contains("a=1"));
    QVERIFY(masked.contains("X-Wsscope-Test"));
}

void TestExports::harIsValidHar12()
{
    const QString path = m_dir.filePath(QStringLiteral("session.har"));
    QString error;
    QVERIFY2(SessionExport::save(*m_session, path, {}, &error), qPrintable(error));
    QProcess node;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("NODE_PATH"), QStringLiteral("/usr/share/nodejs"));
    node.setProcessEnvironment(environment);
    node.setProcessChannelMode(QProcess::MergedChannels);
    node.start(QStringLiteral("node"), {QStringLiteral(WSSCOPE_PEERS_DIR "/validate_har.js"), path});
    QVERIFY(node.waitForFinished(30000));
    const QString output = QString::fromUtf8(node.readAll());
    QVERIFY2(node.exitCode() == 0 && output.trimmed() == u"valid", qPrintable(output));

    // The validator does fail on a broken HAR: a response with no status.
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QByteArray broken = file.readAll();
    file.close();
    broken.replace("\"status\":101,", "");
    const QString brokenPath = m_dir.filePath(QStringLiteral("broken.har"));
    QFile out(brokenPath);
    QVERIFY(out.open(QIODevice::WriteOnly));
    out.write(broken);
    out.close();
    node.start(QStringLiteral("node"), {QStringLiteral(WSSCOPE_PEERS_DIR "/validate_har.js"), brokenPath});
    QVERIFY(node.waitForFinished(30000));
    QCOMPARE(node.exitCode(), 1);
}

void TestExports::textReadsLikeTheLog()
{
    const QStringList lines = QString::fromUtf8(exported(SessionExport::Format::Text)).split(u'\n');
    const auto find = [&lines](const QString &part) {
        for (const QString &line : lines) {
            if (line.contains(part))
                return line;
        }
        return QString();
    };
    QVERIFY(find(QStringLiteral("connection 1 to ws://127.0.0.1:")).contains(QStringLiteral("room=7")));
    QVERIFY(!find(QStringLiteral("> GET /?room=7&user=ann HTTP/1.1")).isEmpty());
    QVERIFY(!find(QStringLiteral("< HTTP/1.1 101 Switching Protocols")).isEmpty());
    QVERIFY(!find(QStringLiteral("< X-Wsscope-Test: yes")).isEmpty());
    QVERIFY(find(QStringLiteral("→  text  6 bytes  héllo")).startsWith(QStringLiteral("20")));
    QVERIFY(!find(QStringLiteral("←  binary  3 bytes  00 ff 10")).isEmpty());
    QVERIFY(!find(QStringLiteral("←  pong  2 bytes  p1")).isEmpty());
    QVERIFY(!find(QStringLiteral("closed by us: 1000 (Normal closure), reason: bye")).isEmpty());
    // Masked, the header line stays with its value hidden.
    const QString masked = QString::fromUtf8(exported(SessionExport::Format::Text, true));
    QVERIFY(masked.contains(QStringLiteral("> Authorization: ******************")));
}

void TestExports::failedSaveLeavesNoHalfFile()
{
    // A folder that does not exist, and a file in a read-only folder.
    QString error;
    QVERIFY(!SessionExport::save(*m_session, m_dir.filePath(QStringLiteral("missing/x.har")), {}, &error));
    QVERIFY2(error.contains(QStringLiteral("Cannot write")), qPrintable(error));

    const QString locked = m_dir.filePath(QStringLiteral("locked"));
    QVERIFY(QDir().mkpath(locked));
    QFile::setPermissions(locked, QFileDevice::ReadOwner | QFileDevice::ExeOwner);
    const QString target = locked + QStringLiteral("/session.pcapng");
    const bool saved = SessionExport::save(*m_session, target, {}, &error);
    QFile::setPermissions(locked, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    if (geteuid() != 0) {   // root writes anywhere
        QVERIFY(!saved);
        QVERIFY(QDir(locked).entryList(QDir::Files | QDir::Hidden).isEmpty());
    }

    // /dev/full takes no bytes: the write error is reported.
    if (QFileInfo::exists(QStringLiteral("/dev/full"))) {
        QFile full(QStringLiteral("/dev/full"));
        QVERIFY(full.open(QIODevice::WriteOnly | QIODevice::Unbuffered));
        QVERIFY(!SessionExport::write(*m_session, SessionExport::Format::Text, &full, {}, &error));
        QVERIFY(!error.isEmpty());
    }
}

void TestExports::formatFollowsTheName()
{
    using SessionExport::Format;
    QCOMPARE(SessionExport::formatForPath(QStringLiteral("/x/a.wsscope.jsonl")), Format::SessionFile);
    QCOMPARE(SessionExport::formatForPath(QStringLiteral("a.JSONL")), Format::SessionFile);
    QCOMPARE(SessionExport::formatForPath(QStringLiteral("a.har")), Format::Har);
    QCOMPARE(SessionExport::formatForPath(QStringLiteral("a.pcapng")), Format::Pcapng);
    QCOMPARE(SessionExport::formatForPath(QStringLiteral("a.txt")), Format::Text);
    QCOMPARE(SessionExport::formatForPath(QStringLiteral("a.pcap")), Format::Unknown);
    QString error;
    QVERIFY(!SessionExport::save(*m_session, m_dir.filePath(QStringLiteral("a.doc")), {}, &error));
    QVERIFY(error.contains(QStringLiteral(".jsonl, .har, .pcapng or .txt")));
}

QTEST_GUILESS_MAIN(TestExports)
#include "tst_exports.moc"
