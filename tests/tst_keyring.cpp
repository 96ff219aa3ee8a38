#include "secrets/secretstore.h"
#include "settings/settings.h"
#include "testfiles.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

// The secret store with a keyring the test controls (MemoryBackend), and
// QtKeychain itself where no Secret Service is running.
class TestKeyring : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void keyringRoundTripAndQueuedOperationsInOrder();
    void readsAgainComeFromMemory();
    void noKeyringKeepsSecretsForTheSessionOnly();
    void plainTextOnlyWhenAllowed();
    void optionsSplitIntoSecretsAndTheRest();
    void migrationMovesSecretsOutOfTheFile();
    void migrationLeavesTheFileWhenNothingCanKeepThem_data();
    void migrationLeavesTheFileWhenNothingCanKeepThem();
    void realKeychainWithoutSecretServiceSettles();
    void realSecretServiceRoundTrip();

private:
    static QByteArray settingsBytes();
    static QVariantMap legacyOptions();
    static std::unique_ptr<MemoryBackend> keyring(bool available, MemoryBackend **handle);
};

void TestKeyring::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("wsscope-tests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_keyring"));
}

void TestKeyring::init()
{
    QSettings settings;
    settings.clear();
    settings.sync();
}

QByteArray TestKeyring::settingsBytes()
{
    return TestFiles::settingsText();
}

std::unique_ptr<MemoryBackend> TestKeyring::keyring(bool available, MemoryBackend **handle)
{
    auto backend = std::make_unique<MemoryBackend>();
    backend->available = available;
    *handle = backend.get();
    return backend;
}

// What an older wsscope kept for a URL, secrets in plain text among the rest.
QVariantMap TestKeyring::legacyOptions()
{
    QVariantMap options;
    options.insert(QStringLiteral("authKind"), 2);
    options.insert(QStringLiteral("authSecret"), QStringLiteral("tok-legacy-4411"));
    options.insert(QStringLiteral("passphrase"), QStringLiteral("pass-legacy-7781"));
    options.insert(QStringLiteral("proxy"), QStringLiteral("http://alice:proxy-legacy-9921@127.0.0.1:3128"));
    options.insert(QStringLiteral("origin"), QStringLiteral("https://app.example"));
    options.insert(QStringLiteral("headers"),
                   QVariantList{QVariant(QVariantList{true, QStringLiteral("X-Team"), QStringLiteral("blue")}),
                                QVariant(QVariantList{true, QStringLiteral("Cookie"), QStringLiteral("sid=cookie-legacy-3301")})});
    return options;
}

void TestKeyring::keyringRoundTripAndQueuedOperationsInOrder()
{
    MemoryBackend *backend = nullptr;
    SecretStore store(keyring(true, &backend));
    QCOMPARE(store.status(), SecretStore::Status::Probing);
    // Asked for before the keyring answered: they wait, then run in order.
    QStringList answers;
    store.write(QStringLiteral("a"), QStringLiteral("first"));
    store.read(QStringLiteral("b"), this, [&](bool found, const QString &) { answers << QString::fromLatin1(found ? "b found" : "b missing"); });
    store.write(QStringLiteral("b"), QStringLiteral("second"), this,
                [&](bool stored, const QString &) { answers << QString::fromLatin1(stored ? "b stored" : "b failed"); });
    QTRY_COMPARE(store.status(), SecretStore::Status::Keyring);
    QTRY_COMPARE(answers.size(), 2);
    QCOMPARE(answers, (QStringList{QStringLiteral("b missing"), QStringLiteral("b stored")}));
    QCOMPARE(backend->values.value(QStringLiteral("a")), QStringLiteral("first"));
    QCOMPARE(backend->values.value(QStringLiteral("b")), QStringLiteral("second"));
    QVERIFY2(store.statusText().contains(QStringLiteral("system keyring")), qPrintable(store.statusText()));

    // A store made later (the next start) reads what the keyring holds.
    MemoryBackend *again = nullptr;
    auto reopened = keyring(true, &again);
    again->values = backend->values;
    SecretStore later(std::move(reopened));
    QString value;
    later.read(QStringLiteral("a"), this, [&](bool found, const QString &v) { value = found ? v : QStringLiteral("?"); });
    QTRY_COMPARE(value, QStringLiteral("first"));

    later.remove(QStringLiteral("a"));
    QTRY_VERIFY(!again->values.contains(QStringLiteral("a")));
    bool answered = false, found = true;
    later.read(QStringLiteral("a"), this, [&](bool f, const QString &) { answered = true; found = f; });
    QTRY_VERIFY(answered);
    QVERIFY(!found);
    QVERIFY(!settingsBytes().contains("first"));
}

void TestKeyring::readsAgainComeFromMemory()
{
    MemoryBackend *backend = nullptr;
    SecretStore store(keyring(true, &backend));
    backend->values.insert(QStringLiteral("k"), QStringLiteral("v"));
    QTRY_COMPARE(store.status(), SecretStore::Status::Keyring);
    int answers = 0;
    for (int i = 0; i < 3; ++i)
        store.read(QStringLiteral("k"), this, [&](bool found, const QString &value) { answers += found && value == u"v"; });
    QTRY_COMPARE(answers, 3);
    const int afterFirst = backend->operations;
    store.read(QStringLiteral("k"), this, [&](bool found, const QString &) { answers += found; });
    QTRY_COMPARE(answers, 4);
    QCOMPARE(backend->operations, afterFirst);   // no new keyring job

    // A callback whose receiver is gone is not called.
    bool called = false;
    {
        QObject receiver;
        store.read(QStringLiteral("k"), &receiver, [&](bool, const QString &) { called = true; });
    }
    QTest::qWait(50);
    QVERIFY(!called);
}

void TestKeyring::noKeyringKeepsSecretsForTheSessionOnly()
{
    MemoryBackend *backend = nullptr;
    SecretStore store(keyring(false, &backend));
    QSignalSpy changed(&store, &SecretStore::statusChanged);
    QTRY_COMPARE(store.status(), SecretStore::Status::SessionOnly);
    QCOMPARE(changed.size(), 1);
    QVERIFY2(store.statusText().contains(QStringLiteral("this session only")), qPrintable(store.statusText()));
    QCOMPARE(store.keyringError(), QStringLiteral("no keyring is used (WSSCOPE_KEYRING=none)"));

    bool stored = false;
    store.write(QStringLiteral("connections/x"), QStringLiteral("session-secret-5150"), this,
                [&](bool ok, const QString &) { stored = ok; });
    QTRY_VERIFY(stored);
    QString value;
    store.read(QStringLiteral("connections/x"), this, [&](bool, const QString &v) { value = v; });
    QTRY_COMPARE(value, QStringLiteral("session-secret-5150"));
    QVERIFY(!settingsBytes().contains("session-secret-5150"));
    QVERIFY(backend->values.isEmpty());
}

void TestKeyring::plainTextOnlyWhenAllowed()
{
    {
        MemoryBackend *backend = nullptr;
        SecretStore store(keyring(false, &backend));
        QTRY_COMPARE(store.status(), SecretStore::Status::SessionOnly);
        store.write(QStringLiteral("connections/y"), QStringLiteral("plain-secret-6262"));
        QTest::qWait(20);
        QVERIFY(!settingsBytes().contains("plain-secret-6262"));

        // The user allows plain text: what the session holds goes to the file.
        store.setPlainTextAllowed(true);
        QCOMPARE(store.status(), SecretStore::Status::PlainText);
        QVERIFY(store.statusText().contains(QStringLiteral("plain text")));
        QTRY_VERIFY(settingsBytes().contains("plain-secret-6262"));
        QVERIFY(settingsBytes().contains("[plainTextSecrets]"));
    }
    {
        // The next start, still without a keyring, reads it from the file.
        MemoryBackend *backend = nullptr;
        SecretStore store(keyring(false, &backend));
        QTRY_COMPARE(store.status(), SecretStore::Status::PlainText);
        QString value;
        store.read(QStringLiteral("connections/y"), this, [&](bool, const QString &v) { value = v; });
        QTRY_COMPARE(value, QStringLiteral("plain-secret-6262"));

        // Taken back: out of the file, kept for the session.
        store.setPlainTextAllowed(false);
        QCOMPARE(store.status(), SecretStore::Status::SessionOnly);
        QTRY_VERIFY(!settingsBytes().contains("plain-secret-6262"));
        value.clear();
        store.read(QStringLiteral("connections/y"), this, [&](bool, const QString &v) { value = v; });
        QTRY_COMPARE(value, QStringLiteral("plain-secret-6262"));
    }
    {
        // With a keyring, the permission changes nothing: the keyring is used.
        Settings::setValue(Settings::Id::AllowPlainTextSecrets, true);
        MemoryBackend *backend = nullptr;
        SecretStore store(keyring(true, &backend));
        QTRY_COMPARE(store.status(), SecretStore::Status::Keyring);
        store.write(QStringLiteral("connections/z"), QStringLiteral("keyring-secret-7373"));
        QTRY_COMPARE(backend->values.value(QStringLiteral("connections/z")), QStringLiteral("keyring-secret-7373"));
        QVERIFY(!settingsBytes().contains("keyring-secret-7373"));
    }
}

void TestKeyring::optionsSplitIntoSecretsAndTheRest()
{
    const QVariantMap original = legacyOptions();
    QVariantMap options = original;
    const QVariantMap secrets = SecretStore::takeSecrets(&options);
    const QString rest = SecretStore::encode(options);
    for (const char *secret : {"tok-legacy-4411", "pass-legacy-7781", "proxy-legacy-9921", "cookie-legacy-3301"})
        QVERIFY2(!rest.contains(QLatin1String(secret)), secret);
    QVERIFY(rest.contains(QStringLiteral("http://alice@127.0.0.1:3128")));
    QVERIFY(rest.contains(QStringLiteral("blue")));
    QVERIFY(rest.contains(QStringLiteral("https://app.example")));

    // Through the text kept in the keyring and back: the same options.
    QVariantMap restored = options;
    SecretStore::putSecrets(&restored, SecretStore::decode(SecretStore::encode(secrets)));
    QCOMPARE(restored, original);

    // What was typed since is not overwritten, and a row that moved is left alone.
    QVariantMap edited = options;
    edited.insert(QStringLiteral("authSecret"), QStringLiteral("typed-now"));
    QVariantList rows = edited.value(QStringLiteral("headers")).toList();
    std::swap(rows[0], rows[1]);
    edited.insert(QStringLiteral("headers"), rows);
    SecretStore::putSecrets(&edited, secrets);
    QCOMPARE(edited.value(QStringLiteral("authSecret")).toString(), QStringLiteral("typed-now"));
    QCOMPARE(edited.value(QStringLiteral("headers")).toList().at(0).toList().at(2).toString(), QString());
    QCOMPARE(edited.value(QStringLiteral("passphrase")).toString(), QStringLiteral("pass-legacy-7781"));

    QVariantMap none;
    none.insert(QStringLiteral("origin"), QStringLiteral("x"));
    QVERIFY(SecretStore::takeSecrets(&none).isEmpty());
}

void TestKeyring::migrationMovesSecretsOutOfTheFile()
{
    Settings::setConnectionOptions(QStringLiteral("wss://one.example/feed"), legacyOptions());
    QVariantMap plain;
    plain.insert(QStringLiteral("origin"), QStringLiteral("https://two.example"));
    Settings::setConnectionOptions(QStringLiteral("ws://two.example/"), plain);
    QVERIFY(settingsBytes().contains("tok-legacy-4411"));

    MemoryBackend *backend = nullptr;
    SecretStore store(keyring(true, &backend));
    QSignalSpy migrated(&store, &SecretStore::migrated);
    store.migrateSettings();
    QTRY_COMPARE(migrated.size(), 1);
    QCOMPARE(migrated.at(0).at(0).toInt(), 1);   // one URL had secrets
    QCOMPARE(migrated.at(0).at(1).toInt(), 0);
    QCOMPARE(migrated.at(0).at(2).toString(), QString());

    const QByteArray file = settingsBytes();
    for (const char *secret : {"tok-legacy-4411", "pass-legacy-7781", "proxy-legacy-9921", "cookie-legacy-3301"})
        QVERIFY2(!file.contains(secret), secret);
    QVERIFY(file.contains("alice@127.0.0.1:3128"));
    QVERIFY(file.contains("blue"));
    QVERIFY(file.contains("https://two.example"));

    // The keyring holds them, and the options come back whole.
    QCOMPARE(backend->values.size(), 1);
    QVariantMap options = Settings::connectionOptions(QStringLiteral("wss://one.example/feed"));
    QVERIFY(options.value(QStringLiteral("secretsStored")).toBool());
    SecretStore::putSecrets(&options, SecretStore::decode(backend->values.constBegin().value()));
    options.remove(QStringLiteral("secretsStored"));
    QCOMPARE(options, legacyOptions());

    // Once only.
    const int operations = backend->operations;
    store.migrateSettings();
    QTRY_COMPARE(migrated.size(), 2);
    QCOMPARE(migrated.at(1).at(0).toInt(), 0);
    QCOMPARE(backend->operations, operations);
}

void TestKeyring::migrationLeavesTheFileWhenNothingCanKeepThem_data()
{
    QTest::addColumn<bool>("available");
    QTest::addColumn<bool>("failWrites");
    QTest::newRow("no keyring, plain text not allowed") << false << false;
    QTest::newRow("the keyring refuses the write") << true << true;
}

void TestKeyring::migrationLeavesTheFileWhenNothingCanKeepThem()
{
    QFETCH(bool, available);
    QFETCH(bool, failWrites);
    Settings::setConnectionOptions(QStringLiteral("wss://one.example/feed"), legacyOptions());
    const QByteArray before = settingsBytes();

    MemoryBackend *backend = nullptr;
    SecretStore store(keyring(available, &backend));
    backend->failWrites = failWrites;
    QSignalSpy migrated(&store, &SecretStore::migrated);
    store.migrateSettings();
    QTRY_COMPARE(migrated.size(), 1);
    QCOMPARE(migrated.at(0).at(0).toInt(), 0);
    QCOMPARE(migrated.at(0).at(1).toInt(), 1);
    QCOMPARE(settingsBytes(), before);   // nothing removed, nothing marked as done
    QVERIFY(backend->values.isEmpty());
    if (failWrites)
        QCOMPARE(migrated.at(0).at(2).toString(), QStringLiteral("the keyring refused the write"));
}

void TestKeyring::realKeychainWithoutSecretServiceSettles()
{
    // QtKeychain itself, where nothing answers on D-Bus (as on a CI machine
    // without a desktop session): the store settles on the session only,
    // soon, without waiting on the GUI thread.
    if (!qEnvironmentVariableIsEmpty("WSSCOPE_TEST_SECRET_SERVICE"))
        QSKIP("a Secret Service is running here; Qt's session bus, once tried, is not tried again in a process");
    qputenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/wsscope-test-bus");
    QElapsedTimer timer;
    timer.start();
    SecretStore store(std::make_unique<KeychainBackend>());
    QCOMPARE(store.status(), SecretStore::Status::Probing);
    QVERIFY(timer.elapsed() < 1000);   // the constructor did not wait for D-Bus
    QTRY_VERIFY_WITH_TIMEOUT(store.status() != SecretStore::Status::Probing, 30000);
    QCOMPARE(store.status(), SecretStore::Status::SessionOnly);
    qInfo("the keyring's answer after %lld ms: %s", timer.elapsed(), qPrintable(store.keyringError()));
    QString value;
    store.write(QStringLiteral("k"), QStringLiteral("session-only-8080"));
    store.read(QStringLiteral("k"), this, [&](bool, const QString &v) { value = v; });
    QTRY_COMPARE(value, QStringLiteral("session-only-8080"));
}

void TestKeyring::realSecretServiceRoundTrip()
{
    // Run by tests/peers/with_secret_service.sh: a D-Bus session of its own
    // with gnome-keyring-daemon unlocked by a test password.
    if (qEnvironmentVariableIsEmpty("WSSCOPE_TEST_SECRET_SERVICE"))
        QSKIP("needs the Secret Service that tests/peers/with_secret_service.sh starts");
    const QString key = QStringLiteral("wsscope-test/%1").arg(QCoreApplication::applicationPid());
    const QString secret = QStringLiteral("secret-service-ÿ中-%1").arg(QCoreApplication::applicationPid());
    {
        SecretStore store(std::make_unique<KeychainBackend>());
        QTRY_VERIFY_WITH_TIMEOUT(store.status() != SecretStore::Status::Probing, 30000);
        QVERIFY2(store.status() == SecretStore::Status::Keyring, qPrintable(store.keyringError()));
        bool done = false, stored = false;
        QString error;
        store.write(key, secret, this, [&](bool ok, const QString &why) { done = true; stored = ok; error = why; });
        QTRY_VERIFY_WITH_TIMEOUT(done, 30000);
        QVERIFY2(stored, qPrintable(error));
    }
    {
        // A new store knows nothing from memory: the value comes from the keyring.
        SecretStore store(std::make_unique<KeychainBackend>());
        bool done = false, found = false;
        QString value;
        store.read(key, this, [&](bool f, const QString &v) { done = true; found = f; value = v; });
        QTRY_VERIFY_WITH_TIMEOUT(done, 30000);
        QVERIFY(found);
        QCOMPARE(value, secret);
        bool removed = false;
        done = false;
        store.remove(key, this, [&](bool ok, const QString &) { done = true; removed = ok; });
        QTRY_VERIFY_WITH_TIMEOUT(done, 30000);
        QVERIFY(removed);
    }
    {
        SecretStore store(std::make_unique<KeychainBackend>());
        bool done = false, found = true;
        store.read(key, this, [&](bool f, const QString &) { done = true; found = f; });
        QTRY_VERIFY_WITH_TIMEOUT(done, 30000);
        QVERIFY(!found);
    }
    QVERIFY(!settingsBytes().contains(secret.toUtf8()));
}

QTEST_GUILESS_MAIN(TestKeyring)
#include "tst_keyring.moc"
