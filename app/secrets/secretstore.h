#pragma once

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QVariantMap>

#include <functional>
#include <memory>
#include <queue>

// Where a secret can be kept: read, written and removed by key, each
// answered later (never inside the call) through `done`.
class SecretBackend : public QObject
{
    Q_OBJECT

public:
    enum class Result { Ok, NotFound, Unavailable, Failed };
    using Done = std::function<void(Result result, const QString &value, const QString &error)>;

    using QObject::QObject;
    virtual void read(const QString &key, Done done) = 0;
    virtual void write(const QString &key, const QString &value, Done done) = 0;
    virtual void remove(const QString &key, Done done) = 0;
};

// The system keyring through QtKeychain (the Secret Service or KWallet on
// Linux), under the service name "wsscope". Its jobs run asynchronously;
// nothing here waits for them.
class KeychainBackend : public SecretBackend
{
    Q_OBJECT

public:
    using SecretBackend::SecretBackend;
    void read(const QString &key, Done done) override;
    void write(const QString &key, const QString &value, Done done) override;
    void remove(const QString &key, Done done) override;
};

// In this process only: what is kept for the session when there is no
// keyring, and a keyring for the tests that can be made unavailable or
// made to fail its writes.
class MemoryBackend : public SecretBackend
{
    Q_OBJECT

public:
    using SecretBackend::SecretBackend;
    void read(const QString &key, Done done) override;
    void write(const QString &key, const QString &value, Done done) override;
    void remove(const QString &key, Done done) override;

    bool available = true;
    bool failWrites = false;
    QHash<QString, QString> values;
    int operations = 0;

private:
    void answer(Done done, Result result, const QString &value = {}, const QString &error = {});
};

// The secrets of the program: passwords, tokens, passphrases and the
// secret parts of a connection's options. Kept in the system keyring when
// one answers; otherwise for this session only, unless the user allowed
// plain text in the settings file (Settings::Id::AllowPlainTextSecrets).
// Operations asked for while the keyring is being probed wait and run in
// order once it is known. Values read or written in this session are
// answered from memory.
class SecretStore : public QObject
{
    Q_OBJECT

public:
    enum class Status { Probing, Keyring, SessionOnly, PlainText };
    Q_ENUM(Status)

    explicit SecretStore(std::unique_ptr<SecretBackend> keyring, QObject *parent = nullptr);
    ~SecretStore() override;

    // The store the windows share: the system keyring, unless a test set another.
    static SecretStore *shared();
    static void setShared(SecretStore *store);

    Status status() const;
    QString statusText() const;
    // Where the keyring's failure came from, when there was one.
    QString keyringError() const;

    bool plainTextAllowed() const;
    // Allowed while there is no keyring, what this session holds is written
    // to the settings file; taken back, it is removed from the file and kept
    // for the session.
    void setPlainTextAllowed(bool allowed);

    using ReadDone = std::function<void(bool found, const QString &value)>;
    using WriteDone = std::function<void(bool stored, const QString &error)>;
    // `context` ends the wait: when it is gone, `done` is not called.
    void read(const QString &key, QObject *context, ReadDone done);
    void write(const QString &key, const QString &value, QObject *context = nullptr, WriteDone done = {});
    void remove(const QString &key, QObject *context = nullptr, WriteDone done = {});

    // The options of a connection (RequestEditor::state()) split in two:
    // takeSecrets() blanks the auth secret, the passphrase, the proxy's
    // password and the values of credential headers in *options and
    // returns them; putSecrets() fills them back where they are still blank.
    static QVariantMap takeSecrets(QVariantMap *options);
    static void putSecrets(QVariantMap *options, const QVariantMap &secrets);
    static QString encode(const QVariantMap &secrets);
    static QVariantMap decode(const QString &text);

    // Moves the secrets that older versions kept in plain text in the
    // settings (connections/…) into the store, removing each from the file
    // once the store has it. Runs once, and only where they can be kept
    // beyond this session: with no keyring and no permission for plain
    // text, the file is left as it is and `left` counts them.
    void migrateSettings();

Q_SIGNALS:
    void statusChanged(SecretStore::Status status);
    void migrated(int moved, int left, const QString &error);

private:
    struct Pending
    {
        std::function<void()> run;
    };
    void onProbed(SecretBackend::Result result, const QString &error);
    void runPending();
    // Runs now, or once the keyring has answered the probe.
    void schedule(const std::function<void()> &run);
    SecretBackend *backend() const;
    void setStatus(Status status);

    std::unique_ptr<SecretBackend> m_keyring;
    std::unique_ptr<SecretBackend> m_memory;
    std::unique_ptr<SecretBackend> m_plainText;
    Status m_status = Status::Probing;
    QString m_keyringError;
    std::queue<Pending> m_pending;
    QHash<QString, QString> m_known;   // read or written this session
};
