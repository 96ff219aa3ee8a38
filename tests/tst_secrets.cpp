#include "qtmessages.h"

#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QScopeGuard>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>
#include <QWebSocket>
#include <QWebSocketServer>

#include <csignal>

// Runs the real wsscope, window and batch, with credentials on the command
// line, under a throwaway home, then searches every file it left there for
// them: as UTF-8, as UTF-16 (QSettings' @Variant blobs), base64-encoded at
// any alignment (the journal's wire lines), and inside every value QSettings
// reads back. What the user did not ask to keep must not be there.
class TestSecrets : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void windowRemembersNothingFromTheCommandLine();
    void maskedWindowKeepsCredentialsOffTheDisk_data();
    void maskedWindowKeepsCredentialsOffTheDisk();
    void maskedBatchSaveHoldsNoCredential();
    void unmaskedSaveKeepsWhatTheUserAskedFor();

private:
    // What `ls -l` shows: the user's, the group's and the others' bits.
    static QFileDevice::Permissions mode(const QString &path) { return QFile::permissions(path) & 0x0777; }
    static constexpr const char *Bearer = "Bearer s3cr3t-T0KEN-wsscope-4711-abcdef";
    static constexpr const char *ApiKey = "k3y-wsscope-0815-ZYXWVU";

    QProcessEnvironment environment() const;
    // Starts the window on the server with both credentials as --header.
    void startWindow(QProcess *wsscope, const QStringList &extra);
    // Where a credential was found, or empty.
    QStringList findCredentials(const QString &credential) const;
    static QList<QByteArray> forms(const QByteArray &secret);
    static void collect(const QVariant &value, QStringList *texts);

    std::unique_ptr<QTemporaryDir> m_home;
    std::unique_ptr<QTemporaryDir> m_runtime;
    std::unique_ptr<QWebSocketServer> m_server;
    QList<QByteArray> m_requests;
};

void TestSecrets::init()
{
    m_home = std::make_unique<QTemporaryDir>();
    m_runtime = std::make_unique<QTemporaryDir>();
    m_server = std::make_unique<QWebSocketServer>(QStringLiteral("peer"), QWebSocketServer::NonSecureMode);
    QVERIFY(m_server->listen(QHostAddress::LocalHost));
    m_requests.clear();
    connect(m_server.get(), &QWebSocketServer::newConnection, this, [this] {
        while (QWebSocket *client = m_server->nextPendingConnection()) {
            client->setParent(m_server.get());
            m_requests << client->request().rawHeader("Authorization");
            connect(client, &QWebSocket::textMessageReceived, client,
                    [client](const QString &text) { client->sendTextMessage(text); });
        }
    });
}

void TestSecrets::cleanup()
{
    m_server.reset();
}

QProcessEnvironment TestSecrets::environment() const
{
    QProcessEnvironment env = QtMessages::markedEnvironment();
    const QString home = m_home->path();
    env.insert(QStringLiteral("HOME"), home);
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), home + QStringLiteral("/.config"));
    env.insert(QStringLiteral("XDG_DATA_HOME"), home + QStringLiteral("/.local/share"));
    env.insert(QStringLiteral("XDG_CACHE_HOME"), home + QStringLiteral("/.cache"));
    env.insert(QStringLiteral("XDG_STATE_HOME"), home + QStringLiteral("/.local/state"));
    env.insert(QStringLiteral("XDG_RUNTIME_DIR"), m_runtime->path());
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    return env;
}

void TestSecrets::startWindow(QProcess *wsscope, const QStringList &extra)
{
    wsscope->setProcessEnvironment(environment());
    wsscope->setWorkingDirectory(m_home->path());
    QStringList args{m_server->serverUrl().toString(), QStringLiteral("--connect"), QStringLiteral("--header"),
                     QStringLiteral("Authorization: ") + QLatin1String(Bearer), QStringLiteral("--header"),
                     QStringLiteral("X-Api-Key: ") + QLatin1String(ApiKey)};
    wsscope->start(QStringLiteral(WSSCOPE_BINARY), args + extra);
    QVERIFY2(wsscope->waitForStarted(), qPrintable(wsscope->errorString()));
    // The credentials were sent: the connection is open and has been remembered.
    QTRY_VERIFY_WITH_TIMEOUT(!m_requests.isEmpty(), 20000);
    QCOMPARE(m_requests.first(), QByteArray(Bearer));
    QTest::qWait(800);   // the journal writes every 250 ms
}

// The secret as it would appear in a file: raw, as UTF-16 either way, and
// as the middle of a base64 text at each of the three alignments.
QList<QByteArray> TestSecrets::forms(const QByteArray &secret)
{
    QList<QByteArray> result{secret};
    const QString text = QString::fromLatin1(secret);
    result << QByteArray(reinterpret_cast<const char *>(text.utf16()), text.size() * 2);
    QByteArray bigEndian;
    for (const QChar c : text)
        bigEndian += char(0) + QByteArray(1, char(c.unicode()));
    result << bigEndian;
    for (int shift = 0; shift < 3; ++shift) {
        const QByteArray encoded = QByteArray(QByteArray(shift, 'x') + secret).toBase64();
        // Leave out the characters that depend on the bytes around it.
        const int skip = shift == 0 ? 0 : shift == 1 ? 2 : 3;
        result << encoded.mid(skip, encoded.size() - skip - 4);
    }
    return result;
}

void TestSecrets::collect(const QVariant &value, QStringList *texts)
{
    if (value.typeId() == QMetaType::QVariantMap) {
        const QVariantMap map = value.toMap();
        for (auto it = map.cbegin(); it != map.cend(); ++it) {
            *texts << it.key();
            collect(it.value(), texts);
        }
    } else if (value.typeId() == QMetaType::QVariantList) {
        const QVariantList list = value.toList();
        for (const QVariant &item : list)
            collect(item, texts);
    } else if (value.typeId() == QMetaType::QStringList) {
        *texts << value.toStringList();
    } else if (value.typeId() == QMetaType::QByteArray) {
        *texts << QString::fromLatin1(value.toByteArray());
    } else {
        *texts << value.toString();
    }
}

QStringList TestSecrets::findCredentials(const QString &credential) const
{
    QStringList found;
    const QList<QByteArray> needles = forms(credential.toLatin1());
    QDirIterator files(m_home->path(), QDir::Files | QDir::Hidden | QDir::System, QDirIterator::Subdirectories);
    while (files.hasNext()) {
        const QString path = files.next();
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            continue;
        const QByteArray bytes = file.readAll();
        for (const QByteArray &needle : needles) {
            if (bytes.contains(needle)) {
                found << path;
                break;
            }
        }
        if (path.endsWith(QLatin1String(".conf"))) {
            QSettings settings(path, QSettings::IniFormat);
            QStringList texts;
            const QStringList keys = settings.allKeys();
            for (const QString &key : keys) {
                texts << key;
                collect(settings.value(key), &texts);
            }
            if (texts.join(u'\n').contains(credential))
                found << path + QStringLiteral(" (a setting)");
        }
    }
    return found;
}

void TestSecrets::windowRemembersNothingFromTheCommandLine()
{
    // No masking anywhere: still, what the command line gave is used, not kept.
    QProcess wsscope;
    startWindow(&wsscope, {});
    const QString settingsPath = m_home->path() + QStringLiteral("/.config/wsscope/wsscope.conf");
    QVERIFY2(QFileInfo::exists(settingsPath), "the window remembers the URL's options on connecting");
    // A plain kill is a clean end: the window closes and the journal goes.
    ::kill(pid_t(wsscope.processId()), SIGTERM);
    QVERIFY(wsscope.waitForFinished(10000));
    QCOMPARE(wsscope.exitStatus(), QProcess::NormalExit);
    const QString err = QString::fromUtf8(wsscope.readAllStandardError());
    QVERIFY2(QtMessages::in(err).isEmpty(), qPrintable(err));
    QVERIFY2(findCredentials(QLatin1String(Bearer)).isEmpty(), qPrintable(findCredentials(QLatin1String(Bearer)).join(u'\n')));
    QVERIFY2(findCredentials(QLatin1String(ApiKey)).isEmpty(), qPrintable(findCredentials(QLatin1String(ApiKey)).join(u'\n')));
    // Only its owner may read the settings.
    QCOMPARE(mode(settingsPath), QFileDevice::ReadUser | QFileDevice::WriteUser);
    QCOMPARE(QFileInfo(settingsPath).absoluteDir().path(), m_home->path() + QStringLiteral("/.config/wsscope"));
    QCOMPARE(mode(QFileInfo(settingsPath).absolutePath()),
             QFileDevice::ReadUser | QFileDevice::WriteUser | QFileDevice::ExeUser);
    // The URL's options are remembered, in the Recent collection (without the credentials: above).
    QDirIterator recent(m_home->path(), {QStringLiteral("recent.json")}, QDir::Files | QDir::Hidden,
                        QDirIterator::Subdirectories);
    QVERIFY2(recent.hasNext(), "no Recent collection");
    QFile recentFile(recent.next());
    QVERIFY(recentFile.open(QIODevice::ReadOnly));
    const QByteArray remembered = recentFile.readAll();
    QVERIFY2(remembered.contains(m_server->serverUrl().toString(QUrl::FullyEncoded).toUtf8()), remembered.constData());
}

void TestSecrets::maskedWindowKeepsCredentialsOffTheDisk_data()
{
    QTest::addColumn<bool>("flag");
    QTest::newRow("--mask-secrets") << true;
    QTest::newRow("File > Hide credentials") << false;
}

void TestSecrets::maskedWindowKeepsCredentialsOffTheDisk()
{
    QFETCH(bool, flag);
    if (!flag) {
        QSettings settings(m_home->path() + QStringLiteral("/.config/wsscope/wsscope.conf"), QSettings::IniFormat);
        settings.setValue(QStringLiteral("export/maskSecrets"), true);
    }
    QProcess wsscope;
    const auto stop = qScopeGuard([&wsscope] {
        wsscope.kill();
        wsscope.waitForFinished();
    });
    startWindow(&wsscope, flag ? QStringList{QStringLiteral("--mask-secrets")} : QStringList{});
    // A crash: the journal stays behind, to be recovered.
    ::kill(pid_t(wsscope.processId()), SIGKILL);
    QVERIFY(wsscope.waitForFinished(10000));
    const QString journalFolder = m_home->path() + QStringLiteral("/.local/share/wsscope/wsscope/journal");
    const QStringList journals = QDir(journalFolder).entryList({QStringLiteral("*.jsonl")}, QDir::Files);
    QCOMPARE(journals.size(), 1);
    const QString journal = QDir(journalFolder).filePath(journals.first());
    QFile file(journal);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray content = file.readAll();
    QVERIFY2(content.contains("\"Authorization\""), "the journal holds the connection and its handshake");
    QVERIFY2(findCredentials(QLatin1String(Bearer)).isEmpty(), qPrintable(findCredentials(QLatin1String(Bearer)).join(u'\n')));
    QCOMPARE(mode(journal), QFileDevice::ReadUser | QFileDevice::WriteUser);
    QCOMPARE(mode(journalFolder),
             QFileDevice::ReadUser | QFileDevice::WriteUser | QFileDevice::ExeUser);
}

void TestSecrets::maskedBatchSaveHoldsNoCredential()
{
    QProcess wsscope;
    wsscope.setProcessEnvironment(environment());
    wsscope.setWorkingDirectory(m_home->path());
    const QString save = m_home->path() + QStringLiteral("/run.wsscope.jsonl");
    wsscope.start(QStringLiteral(WSSCOPE_BINARY),
                  {QStringLiteral("--batch"), m_server->serverUrl().toString(), QStringLiteral("--header"),
                   QStringLiteral("Authorization: ") + QLatin1String(Bearer), QStringLiteral("--send"),
                   QStringLiteral("hi"), QStringLiteral("--expect"), QStringLiteral("1"), QStringLiteral("--save"), save,
                   QStringLiteral("--save"), m_home->path() + QStringLiteral("/run.har"), QStringLiteral("--save"),
                   m_home->path() + QStringLiteral("/run.pcapng"), QStringLiteral("--save"),
                   m_home->path() + QStringLiteral("/run.txt"), QStringLiteral("--mask-secrets")});
    QVERIFY(wsscope.waitForStarted());
    QTRY_VERIFY_WITH_TIMEOUT(wsscope.state() == QProcess::NotRunning, 30000);
    QCOMPARE(wsscope.exitCode(), 0);
    QVERIFY(QFileInfo::exists(save));
    QCOMPARE(m_requests.value(0), QByteArray(Bearer));
    QVERIFY2(findCredentials(QLatin1String(Bearer)).isEmpty(), qPrintable(findCredentials(QLatin1String(Bearer)).join(u'\n')));
}

void TestSecrets::unmaskedSaveKeepsWhatTheUserAskedFor()
{
    // The search finds a credential when it is there: a save without
    // --mask-secrets keeps the request as it was sent.
    QProcess wsscope;
    wsscope.setProcessEnvironment(environment());
    const QString save = m_home->path() + QStringLiteral("/run.wsscope.jsonl");
    wsscope.start(QStringLiteral(WSSCOPE_BINARY),
                  {QStringLiteral("--batch"), m_server->serverUrl().toString(), QStringLiteral("--header"),
                   QStringLiteral("Authorization: ") + QLatin1String(Bearer), QStringLiteral("--send"),
                   QStringLiteral("hi"), QStringLiteral("--expect"), QStringLiteral("1"), QStringLiteral("--save"), save});
    QVERIFY(wsscope.waitForStarted());
    QTRY_VERIFY_WITH_TIMEOUT(wsscope.state() == QProcess::NotRunning, 30000);
    QCOMPARE(wsscope.exitCode(), 0);
    QCOMPARE(findCredentials(QLatin1String(Bearer)), QStringList{save});
}

QTEST_GUILESS_MAIN(TestSecrets)
#include "tst_secrets.moc"
