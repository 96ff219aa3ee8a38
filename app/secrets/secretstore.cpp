#include "secretstore.h"

#include "record/secrets.h"
#include "settings/settings.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSettings>
#include <QTimer>
#include <QUrl>

#include <qt6keychain/keychain.h>

namespace {

const QString Service = QStringLiteral("wsscope");
// Read once at start: a key that is never written, whose "not found" says
// the keyring answers.
const QString ProbeKey = QStringLiteral("wsscope/probe");
const QString PlainTextGroup = QStringLiteral("plainTextSecrets/");
const QString MigratedKey = QStringLiteral("secrets/migratedFromSettings");

SecretBackend::Result resultOf(QKeychain::Error error)
{
    switch (error) {
    case QKeychain::NoError:
        return SecretBackend::Result::Ok;
    case QKeychain::EntryNotFound:
        return SecretBackend::Result::NotFound;
    case QKeychain::NoBackendAvailable:
    case QKeychain::NotImplemented:
    case QKeychain::AccessDeniedByUser:
    case QKeychain::AccessDenied:
        return SecretBackend::Result::Unavailable;
    case QKeychain::CouldNotDeleteEntry:
    case QKeychain::OtherError:
        break;
    }
    return SecretBackend::Result::Failed;
}

// Allowed plain text: a group of the settings file of its own, so that what
// it holds is plain to see.
class PlainTextBackend : public SecretBackend
{
public:
    using SecretBackend::SecretBackend;
    void read(const QString &key, Done done) override
    {
        const QVariant value = QSettings().value(PlainTextGroup + QString::fromLatin1(QUrl::toPercentEncoding(key)));
        later([done, value] {
            done(value.isValid() ? Result::Ok : Result::NotFound, value.toString(), {});
        });
    }
    void write(const QString &key, const QString &value, Done done) override
    {
        QSettings settings;
        settings.setValue(PlainTextGroup + QString::fromLatin1(QUrl::toPercentEncoding(key)), value);
        settings.sync();
        const bool ok = settings.status() == QSettings::NoError;
        later([done, ok] { done(ok ? Result::Ok : Result::Failed, {}, ok ? QString() : SecretStore::tr("the settings file cannot be written")); });
    }
    void remove(const QString &key, Done done) override
    {
        QSettings().remove(PlainTextGroup + QString::fromLatin1(QUrl::toPercentEncoding(key)));
        later([done] { done(Result::Ok, {}, {}); });
    }

private:
    void later(std::function<void()> call) { QTimer::singleShot(0, this, std::move(call)); }
};

SecretStore *sharedStore = nullptr;

} // namespace

void KeychainBackend::read(const QString &key, Done done)
{
    auto *job = new QKeychain::ReadPasswordJob(Service, this);
    job->setAutoDelete(true);
    job->setKey(key);
    connect(job, &QKeychain::Job::finished, this, [done](QKeychain::Job *finished) {
        auto *read = static_cast<QKeychain::ReadPasswordJob *>(finished);
        done(resultOf(read->error()), read->textData(), read->errorString());
    });
    job->start();
}

void KeychainBackend::write(const QString &key, const QString &value, Done done)
{
    auto *job = new QKeychain::WritePasswordJob(Service, this);
    job->setAutoDelete(true);
    job->setKey(key);
    job->setTextData(value);
    connect(job, &QKeychain::Job::finished, this, [done](QKeychain::Job *finished) {
        done(resultOf(finished->error()), {}, finished->errorString());
    });
    job->start();
}

void KeychainBackend::remove(const QString &key, Done done)
{
    auto *job = new QKeychain::DeletePasswordJob(Service, this);
    job->setAutoDelete(true);
    job->setKey(key);
    connect(job, &QKeychain::Job::finished, this, [done](QKeychain::Job *finished) {
        const Result result = resultOf(finished->error());
        done(result == Result::NotFound ? Result::Ok : result, {}, finished->errorString());
    });
    job->start();
}

void MemoryBackend::answer(Done done, Result result, const QString &value, const QString &error)
{
    ++operations;
    QTimer::singleShot(0, this, [done, result, value, error] { done(result, value, error); });
}

void MemoryBackend::read(const QString &key, Done done)
{
    if (!available)
        return answer(done, Result::Unavailable, {}, SecretStore::tr("no keyring is used (WSSCOPE_KEYRING=none)"));
    const auto found = values.constFind(key);
    answer(done, found == values.constEnd() ? Result::NotFound : Result::Ok,
           found == values.constEnd() ? QString() : *found);
}

void MemoryBackend::write(const QString &key, const QString &value, Done done)
{
    if (!available)
        return answer(done, Result::Unavailable, {}, SecretStore::tr("no keyring is used (WSSCOPE_KEYRING=none)"));
    if (failWrites)
        return answer(done, Result::Failed, {}, QStringLiteral("the keyring refused the write"));
    values.insert(key, value);
    answer(done, Result::Ok);
}

void MemoryBackend::remove(const QString &key, Done done)
{
    if (!available)
        return answer(done, Result::Unavailable, {}, SecretStore::tr("no keyring is used (WSSCOPE_KEYRING=none)"));
    values.remove(key);
    answer(done, Result::Ok);
}

SecretStore::SecretStore(std::unique_ptr<SecretBackend> keyring, QObject *parent)
    : QObject(parent)
    , m_keyring(std::move(keyring))
    , m_memory(std::make_unique<MemoryBackend>())
    , m_plainText(std::make_unique<PlainTextBackend>())
{
    QPointer<SecretStore> self(this);
    m_keyring->read(ProbeKey, [self](SecretBackend::Result result, const QString &, const QString &error) {
        if (self)
            self->onProbed(result, error);
    });
}

SecretStore::~SecretStore()
{
    if (sharedStore == this)
        sharedStore = nullptr;
}

SecretStore *SecretStore::shared()
{
    if (!sharedStore) {
        // WSSCOPE_KEYRING=none: as if there were no keyring (the tests, so
        // that they never touch the user's).
        std::unique_ptr<SecretBackend> keyring;
        if (qEnvironmentVariable("WSSCOPE_KEYRING") == QLatin1String("none")) {
            auto none = std::make_unique<MemoryBackend>();
            none->available = false;
            keyring = std::move(none);
        } else {
            keyring = std::make_unique<KeychainBackend>();
        }
        sharedStore = new SecretStore(std::move(keyring), QCoreApplication::instance());
    }
    return sharedStore;
}

void SecretStore::setShared(SecretStore *store)
{
    sharedStore = store;
}

void SecretStore::onProbed(SecretBackend::Result result, const QString &error)
{
    if (result == SecretBackend::Result::Ok || result == SecretBackend::Result::NotFound) {
        setStatus(Status::Keyring);
    } else {
        m_keyringError = error;
        setStatus(plainTextAllowed() ? Status::PlainText : Status::SessionOnly);
    }
    runPending();
}

void SecretStore::setStatus(Status status)
{
    if (m_status == status)
        return;
    m_status = status;
    Q_EMIT statusChanged(status);
}

void SecretStore::runPending()
{
    while (!m_pending.empty() && m_status != Status::Probing) {
        const Pending next = m_pending.front();
        m_pending.pop();
        next.run();
    }
}

void SecretStore::schedule(const std::function<void()> &run)
{
    if (m_status == Status::Probing)
        m_pending.push({run});
    else
        run();
}

SecretBackend *SecretStore::backend() const
{
    switch (m_status) {
    case Status::Keyring:
        return m_keyring.get();
    case Status::PlainText:
        return m_plainText.get();
    case Status::Probing:
    case Status::SessionOnly:
        break;
    }
    return m_memory.get();
}

SecretStore::Status SecretStore::status() const
{
    return m_status;
}

QString SecretStore::statusText() const
{
    switch (m_status) {
    case Status::Probing:
        return tr("Looking for the system keyring…");
    case Status::Keyring:
        return tr("Passwords, tokens and passphrases are kept in the system keyring.");
    case Status::SessionOnly:
        return tr("No system keyring answered, so passwords, tokens and passphrases are kept for this session only; "
                  "they are gone when wsscope quits.");
    case Status::PlainText:
        return tr("No system keyring answered; as you allowed, passwords, tokens and passphrases are kept in plain "
                  "text in the settings file.");
    }
    return {};
}

QString SecretStore::keyringError() const
{
    return m_keyringError;
}

bool SecretStore::plainTextAllowed() const
{
    return Settings::value(Settings::Id::AllowPlainTextSecrets).toBool();
}

void SecretStore::setPlainTextAllowed(bool allowed)
{
    Settings::setValue(Settings::Id::AllowPlainTextSecrets, allowed);
    if (m_status != Status::SessionOnly && m_status != Status::PlainText)
        return;
    const Status before = m_status;
    setStatus(allowed ? Status::PlainText : Status::SessionOnly);
    if (before == m_status)
        return;
    // What this session knows moves with the choice, so nothing is lost and
    // nothing stays in the file that the user took back.
    for (auto it = m_known.constBegin(); it != m_known.constEnd(); ++it) {
        if (allowed) {
            m_plainText->write(it.key(), it.value(), [](SecretBackend::Result, const QString &, const QString &) {});
        } else {
            m_memory->write(it.key(), it.value(), [](SecretBackend::Result, const QString &, const QString &) {});
            m_plainText->remove(it.key(), [](SecretBackend::Result, const QString &, const QString &) {});
        }
    }
    if (!allowed)
        QSettings().remove(PlainTextGroup.chopped(1));
}

void SecretStore::read(const QString &key, QObject *context, ReadDone done)
{
    QPointer<QObject> guard(context);
    const bool hasContext = context != nullptr;
    const auto finish = [guard, hasContext, done](bool found, const QString &value) {
        if (!hasContext || guard)
            done(found, value);
    };
    if (const auto known = m_known.constFind(key); known != m_known.constEnd()) {
        const QString value = *known;
        QTimer::singleShot(0, this, [finish, value] { finish(true, value); });
        return;
    }
    QPointer<SecretStore> self(this);
    const auto run = [self, key, finish] {
        self->backend()->read(key, [self, key, finish](SecretBackend::Result result, const QString &value,
                                                      const QString &) {
            const bool found = result == SecretBackend::Result::Ok;
            if (self && found)
                self->m_known.insert(key, value);
            finish(found, value);
        });
    };
    schedule(run);
}

void SecretStore::write(const QString &key, const QString &value, QObject *context, WriteDone done)
{
    m_known.insert(key, value);
    QPointer<QObject> guard(context);
    const bool hasContext = context != nullptr;
    QPointer<SecretStore> self(this);
    const auto run = [self, key, value, guard, hasContext, done] {
        self->backend()->write(key, value, [guard, hasContext, done](SecretBackend::Result result, const QString &,
                                                                     const QString &error) {
            if (done && (!hasContext || guard))
                done(result == SecretBackend::Result::Ok, error);
        });
    };
    schedule(run);
}

void SecretStore::remove(const QString &key, QObject *context, WriteDone done)
{
    m_known.remove(key);
    QPointer<QObject> guard(context);
    const bool hasContext = context != nullptr;
    QPointer<SecretStore> self(this);
    const auto run = [self, key, guard, hasContext, done] {
        self->backend()->remove(key, [guard, hasContext, done](SecretBackend::Result result, const QString &,
                                                                const QString &error) {
            if (done && (!hasContext || guard))
                done(result == SecretBackend::Result::Ok, error);
        });
    };
    schedule(run);
}

QVariantMap SecretStore::takeSecrets(QVariantMap *options)
{
    QVariantMap secrets;
    const auto take = [&](const QString &key) {
        const QString value = options->value(key).toString();
        if (!value.isEmpty()) {
            secrets.insert(key, value);
            options->insert(key, QString());
        }
    };
    take(QStringLiteral("authSecret"));
    take(QStringLiteral("passphrase"));
    const QString proxy = options->value(QStringLiteral("proxy")).toString();
    if (!proxy.isEmpty()) {
        QUrl url(proxy);
        if (url.isValid() && !url.password().isEmpty()) {
            secrets.insert(QStringLiteral("proxyPassword"), url.password());
            url.setPassword(QString());
            options->insert(QStringLiteral("proxy"), url.toString());
        }
    }
    QVariantList rows = options->value(QStringLiteral("headers")).toList();
    QVariantMap headerValues;
    for (qsizetype i = 0; i < rows.size(); ++i) {
        QVariantList fields = rows.at(i).toList();
        if (fields.size() > 2 && Secrets::isSecret(fields.at(1).toString().toLatin1())
            && !fields.at(2).toString().isEmpty()) {
            headerValues.insert(QString::number(i), QVariantList{fields.at(1), fields.at(2)});
            fields[2] = QString();
            rows[i] = QVariant(fields);
        }
    }
    if (!headerValues.isEmpty()) {
        secrets.insert(QStringLiteral("headers"), headerValues);
        options->insert(QStringLiteral("headers"), rows);
    }
    return secrets;
}

void SecretStore::putSecrets(QVariantMap *options, const QVariantMap &secrets)
{
    const auto put = [&](const QString &key) {
        if (secrets.contains(key) && options->value(key).toString().isEmpty())
            options->insert(key, secrets.value(key));
    };
    put(QStringLiteral("authSecret"));
    put(QStringLiteral("passphrase"));
    const QString password = secrets.value(QStringLiteral("proxyPassword")).toString();
    QUrl proxy(options->value(QStringLiteral("proxy")).toString());
    if (!password.isEmpty() && proxy.isValid() && !proxy.userName().isEmpty() && proxy.password().isEmpty()) {
        proxy.setPassword(password);
        options->insert(QStringLiteral("proxy"), proxy.toString());
    }
    const QVariantMap headerValues = secrets.value(QStringLiteral("headers")).toMap();
    QVariantList rows = options->value(QStringLiteral("headers")).toList();
    for (auto it = headerValues.constBegin(); it != headerValues.constEnd(); ++it) {
        const qsizetype row = it.key().toLongLong();
        const QVariantList kept = it.value().toList();
        if (row < 0 || row >= rows.size())
            continue;
        QVariantList fields = rows.at(row).toList();
        // Only into the row it came from, and only where nothing was typed since.
        if (fields.size() > 2 && fields.at(1).toString() == kept.value(0).toString() && fields.at(2).toString().isEmpty()) {
            fields[2] = kept.value(1);
            rows[row] = QVariant(fields);
        }
    }
    if (!headerValues.isEmpty())
        options->insert(QStringLiteral("headers"), rows);
}

QString SecretStore::encode(const QVariantMap &secrets)
{
    return QString::fromUtf8(QJsonDocument(QJsonObject::fromVariantMap(secrets)).toJson(QJsonDocument::Compact));
}

QVariantMap SecretStore::decode(const QString &text)
{
    return QJsonDocument::fromJson(text.toUtf8()).object().toVariantMap();
}

void SecretStore::migrateSettings()
{
    QPointer<SecretStore> self(this);
    const auto start = [self] {
        QSettings settings;
        if (settings.value(MigratedKey).toBool()) {
            Q_EMIT self->migrated(0, 0, {});
            return;
        }
        settings.beginGroup(QStringLiteral("connections"));
        const QStringList keys = settings.childKeys();
        settings.endGroup();
        struct Move
        {
            QString key;
            QVariantMap options;   // without its secrets
            QVariantMap secrets;
        };
        QList<Move> moves;
        for (const QString &key : keys) {
            const QString full = QStringLiteral("connections/") + key;
            QVariantMap options = settings.value(full).toMap();
            const QVariantMap secrets = takeSecrets(&options);
            if (!secrets.isEmpty()) {
                options.insert(QStringLiteral("secretsStored"), true);
                moves.append({full, options, secrets});
            }
        }
        if (self->m_status == Status::SessionOnly) {
            // Moved into memory they would be lost at exit: left where they are.
            Q_EMIT self->migrated(0, int(moves.size()), {});
            return;
        }
        if (moves.isEmpty()) {
            settings.setValue(MigratedKey, true);
            Q_EMIT self->migrated(0, 0, {});
            return;
        }
        const int total = int(moves.size());
        auto remaining = std::make_shared<int>(total);
        auto moved = std::make_shared<int>(0);
        auto firstError = std::make_shared<QString>();
        for (const Move &move : std::as_const(moves)) {
            self->write(move.key, encode(move.secrets), self, [self, move, total, remaining, moved, firstError](bool stored,
                                                                                                      const QString &error) {
                if (stored) {
                    // Out of the file only once the store has it.
                    QSettings().setValue(move.key, move.options);
                    ++*moved;
                } else if (firstError->isEmpty()) {
                    *firstError = error;
                }
                if (--*remaining == 0) {
                    if (firstError->isEmpty())
                        QSettings().setValue(MigratedKey, true);
                    Q_EMIT self->migrated(*moved, total - *moved, *firstError);
                }
            });
        }
    };
    schedule(start);
}
