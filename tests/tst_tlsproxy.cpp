#include "nodepeer.h"
#include "session/connectoptions.h"
#include "session/session.h"
#include "tlsfixture.h"
#include "wire/wirecapture.h"

#include <QJsonArray>
#include <QSslKey>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QRegularExpression>
#include <QTest>
#include <QtEndian>

#include <memory>

using Kind = MessageLog::Kind;

namespace {

// A certificate authority, a server certificate for localhost and 127.0.0.1
// and a client certificate signed by it, made by openssl at test time; the
// client's key also encrypted, and as PKCS#12 with a passphrase.
class CaFixture
{
public:
    static constexpr const char *P12Passphrase = "p12-s3cret";
    static constexpr const char *KeyPassphrase = "key-s3cret";

    bool create()
    {
        if (!m_dir.isValid())
            return fail(QStringLiteral("no temporary directory"));
        QFile serverExtensions(path("server.ext"));
        QFile clientExtensions(path("client.ext"));
        if (!serverExtensions.open(QIODevice::WriteOnly) || !clientExtensions.open(QIODevice::WriteOnly))
            return fail(QStringLiteral("cannot write the extension files"));
        serverExtensions.write("subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
        clientExtensions.write("extendedKeyUsage=clientAuth\n");
        serverExtensions.close();
        clientExtensions.close();
        const QString ec = QStringLiteral("ec_paramgen_curve:prime256v1");
        return run({QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"), QStringLiteral("ec"),
                    QStringLiteral("-pkeyopt"), ec, QStringLiteral("-nodes"), QStringLiteral("-days"), QStringLiteral("2"),
                    QStringLiteral("-subj"), QStringLiteral("/CN=wsscope test CA"), QStringLiteral("-keyout"),
                    path("ca.key"), QStringLiteral("-out"), caPath()})
            && run({QStringLiteral("req"), QStringLiteral("-new"), QStringLiteral("-newkey"), QStringLiteral("ec"),
                    QStringLiteral("-pkeyopt"), ec, QStringLiteral("-nodes"), QStringLiteral("-subj"),
                    QStringLiteral("/CN=localhost"), QStringLiteral("-keyout"), serverKeyPath(), QStringLiteral("-out"),
                    path("server.csr")})
            && sign(QStringLiteral("server"))
            && run({QStringLiteral("req"), QStringLiteral("-new"), QStringLiteral("-newkey"), QStringLiteral("rsa:2048"),
                    QStringLiteral("-nodes"), QStringLiteral("-subj"), QStringLiteral("/O=wsscope/CN=wsscope test client"),
                    QStringLiteral("-keyout"), clientKeyPath(), QStringLiteral("-out"), path("client.csr")})
            && sign(QStringLiteral("client"))
            && run({QStringLiteral("pkcs12"), QStringLiteral("-export"), QStringLiteral("-in"), clientCertPath(),
                    QStringLiteral("-inkey"), clientKeyPath(), QStringLiteral("-passout"),
                    QStringLiteral("pass:") + QLatin1String(P12Passphrase), QStringLiteral("-out"), clientP12Path()})
            && run({QStringLiteral("pkey"), QStringLiteral("-in"), clientKeyPath(), QStringLiteral("-aes256"),
                    QStringLiteral("-passout"), QStringLiteral("pass:") + QLatin1String(KeyPassphrase),
                    QStringLiteral("-out"), clientEncryptedKeyPath()})
            && run({QStringLiteral("genpkey"), QStringLiteral("-algorithm"), QStringLiteral("RSA"), QStringLiteral("-pkeyopt"),
                    QStringLiteral("rsa_keygen_bits:2048"), QStringLiteral("-out"), otherKeyPath()});
    }

    QString caPath() const { return path("ca.pem"); }
    QString serverCertPath() const { return path("server.pem"); }
    QString serverKeyPath() const { return path("server.key"); }
    QString clientCertPath() const { return path("client.pem"); }
    QString clientKeyPath() const { return path("client.key"); }
    QString clientEncryptedKeyPath() const { return path("client-encrypted.key"); }
    QString clientP12Path() const { return path("client.p12"); }
    QString otherKeyPath() const { return path("other.key"); }
    QString path(const char *name) const { return m_dir.filePath(QLatin1String(name)); }
    QString error() const { return m_error; }

    QStringList serverArguments(bool requireClientCertificate) const
    {
        QStringList arguments = {QStringLiteral("--tls"), serverCertPath(), serverKeyPath()};
        if (requireClientCertificate)
            arguments << QStringLiteral("--require-cert") << caPath();
        return arguments;
    }

private:
    bool sign(const QString &name)
    {
        return run({QStringLiteral("x509"), QStringLiteral("-req"), QStringLiteral("-in"), m_dir.filePath(name + QStringLiteral(".csr")),
                    QStringLiteral("-CA"), caPath(), QStringLiteral("-CAkey"), path("ca.key"), QStringLiteral("-CAcreateserial"),
                    QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-extfile"),
                    m_dir.filePath(name + QStringLiteral(".ext")), QStringLiteral("-out"),
                    m_dir.filePath(name + QStringLiteral(".pem"))});
    }

    bool run(const QStringList &arguments)
    {
        QProcess openssl;
        openssl.setProcessChannelMode(QProcess::MergedChannels);
        openssl.setWorkingDirectory(m_dir.path());
        openssl.start(QStringLiteral("openssl"), arguments);
        if (!openssl.waitForFinished(60000) || openssl.exitStatus() != QProcess::NormalExit || openssl.exitCode() != 0)
            return fail(arguments.join(u' ') + QStringLiteral(": ") + QString::fromUtf8(openssl.readAll())
                        + openssl.errorString());
        return true;
    }

    bool fail(const QString &message)
    {
        m_error = message;
        return false;
    }

    QTemporaryDir m_dir;
    QString m_error;
};

// Joins two sockets once the proxy has let the client through.
void relay(QTcpSocket *client, QTcpSocket *upstream)
{
    QObject::connect(client, &QTcpSocket::readyRead, upstream, [client, upstream] { upstream->write(client->readAll()); });
    QObject::connect(upstream, &QTcpSocket::readyRead, client, [client, upstream] { client->write(upstream->readAll()); });
    QObject::connect(client, &QTcpSocket::disconnected, upstream, &QTcpSocket::disconnectFromHost);
    QObject::connect(upstream, &QTcpSocket::disconnected, client, &QTcpSocket::disconnectFromHost);
    if (client->bytesAvailable() > 0)
        upstream->write(client->readAll());
}

// An HTTP CONNECT proxy on 127.0.0.1 that records every target it is asked
// for. With credentials it wants them as Basic; with `forbid` it answers 403.
class ConnectProxy : public QTcpServer
{
public:
    explicit ConnectProxy(const QByteArray &credentials = {}, bool forbid = false)
        : m_credentials(credentials)
        , m_forbid(forbid)
    {
        listen(QHostAddress::LocalHost);
    }

    QList<QByteArray> targets;   // every CONNECT target, in order
    int challenges = 0;          // 407s sent
    int tunnels = 0;             // 200s sent

    QString url(const QString &userInfo = {}) const
    {
        const QString credentials = userInfo.isEmpty() ? QString() : userInfo + u'@';
        return QStringLiteral("http://") + credentials + QStringLiteral("127.0.0.1:") + QString::number(serverPort());
    }

protected:
    void incomingConnection(qintptr descriptor) override
    {
        auto *client = new QTcpSocket(this);
        client->setSocketDescriptor(descriptor);
        connect(client, &QTcpSocket::disconnected, client, &QObject::deleteLater);
        auto buffer = std::make_shared<QByteArray>();
        connect(client, &QTcpSocket::readyRead, client, [this, client, buffer] {
            *buffer += client->readAll();
            const qsizetype end = buffer->indexOf("\r\n\r\n");
            if (end < 0)
                return;
            const QList<QByteArray> lines = buffer->left(end).split('\n');
            buffer->remove(0, end + 4);
            const QList<QByteArray> requestLine = lines.first().trimmed().split(' ');
            QByteArray authorization;
            for (const QByteArray &line : lines.mid(1)) {
                const qsizetype colon = line.indexOf(':');
                if (colon > 0 && line.left(colon).trimmed().compare("Proxy-Authorization", Qt::CaseInsensitive) == 0)
                    authorization = line.mid(colon + 1).trimmed();
            }
            if (requestLine.size() < 2 || requestLine.first() != "CONNECT") {
                client->write("HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n");
                client->disconnectFromHost();
                return;
            }
            const QByteArray target = requestLine.at(1);
            targets << target;
            if (!m_credentials.isEmpty() && authorization != "Basic " + m_credentials.toBase64()) {
                ++challenges;
                client->write("HTTP/1.1 407 Proxy Authentication Required\r\n"
                              "Proxy-Authenticate: Basic realm=\"test\"\r\nContent-Length: 0\r\n\r\n");
                if (challenges > 4)
                    client->disconnectFromHost();
                return;
            }
            if (m_forbid) {
                client->write("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n");
                client->disconnectFromHost();
                return;
            }
            const qsizetype colon = target.lastIndexOf(':');
            disconnect(client, &QTcpSocket::readyRead, client, nullptr);
            auto *upstream = new QTcpSocket(client);
            connect(upstream, &QTcpSocket::connected, client, [this, client, upstream, buffer] {
                ++tunnels;
                client->write("HTTP/1.1 200 Connection established\r\n\r\n");
                if (!buffer->isEmpty())
                    upstream->write(*buffer);
                relay(client, upstream);
            });
            connect(upstream, &QTcpSocket::errorOccurred, client, [client, upstream] {
                if (upstream->state() != QAbstractSocket::ConnectedState) {
                    client->write("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n");
                    client->disconnectFromHost();
                }
            });
            upstream->connectToHost(QString::fromLatin1(target.left(colon)), quint16(target.mid(colon + 1).toUInt()));
        });
    }

private:
    QByteArray m_credentials;
    bool m_forbid = false;
};

// A SOCKS5 proxy (RFC 1928, RFC 1929 credentials) on 127.0.0.1 that records
// every target it is asked for.
class Socks5Proxy : public QTcpServer
{
public:
    explicit Socks5Proxy(const QByteArray &user = {}, const QByteArray &password = {})
        : m_user(user)
        , m_password(password)
    {
        listen(QHostAddress::LocalHost);
    }

    QList<QByteArray> targets;
    int tunnels = 0;

protected:
    void incomingConnection(qintptr descriptor) override
    {
        auto *client = new QTcpSocket(this);
        client->setSocketDescriptor(descriptor);
        connect(client, &QTcpSocket::disconnected, client, &QObject::deleteLater);
        struct State
        {
            int stage = 0;   // 0 greeting, 1 credentials, 2 request
            QByteArray buffer;
        };
        auto state = std::make_shared<State>();
        connect(client, &QTcpSocket::readyRead, client, [this, client, state] {
            state->buffer += client->readAll();
            QByteArray &in = state->buffer;
            if (state->stage == 0) {
                if (in.size() < 2 || in.size() < 2 + quint8(in.at(1)))
                    return;
                const QByteArray methods = in.mid(2, quint8(in.at(1)));
                in.remove(0, 2 + methods.size());
                const char method = m_user.isEmpty() ? '\x00' : '\x02';
                if (in.isEmpty() && !methods.contains(method)) {
                    client->write(QByteArray("\x05\xff", 2));
                    client->disconnectFromHost();
                    return;
                }
                client->write(QByteArray("\x05", 1) + method);
                state->stage = m_user.isEmpty() ? 2 : 1;
            }
            if (state->stage == 1) {
                if (in.size() < 2)
                    return;
                const int userLength = quint8(in.at(1));
                if (in.size() < 3 + userLength || in.size() < 3 + userLength + quint8(in.at(2 + userLength)))
                    return;
                const QByteArray user = in.mid(2, userLength);
                const QByteArray password = in.mid(3 + userLength, quint8(in.at(2 + userLength)));
                in.remove(0, 3 + userLength + password.size());
                if (user != m_user || password != m_password) {
                    client->write(QByteArray("\x01\x01", 2));
                    client->disconnectFromHost();
                    return;
                }
                client->write(QByteArray("\x01\x00", 2));
                state->stage = 2;
            }
            if (state->stage != 2 || in.size() < 5)
                return;
            QString host;
            qsizetype at = 4;
            switch (in.at(3)) {
            case 1:
                if (in.size() < 10)
                    return;
                host = QHostAddress(qFromBigEndian<quint32>(in.constData() + 4)).toString();
                at = 8;
                break;
            case 3:
                if (in.size() < 5 + quint8(in.at(4)) + 2)
                    return;
                host = QString::fromLatin1(in.mid(5, quint8(in.at(4))));
                at = 5 + quint8(in.at(4));
                break;
            default:
                client->write(QByteArray("\x05\x08\x00\x01\0\0\0\0\0\0", 10));
                client->disconnectFromHost();
                return;
            }
            const quint16 port = qFromBigEndian<quint16>(in.constData() + at);
            in.remove(0, at + 2);
            targets << (host + u':' + QString::number(port)).toLatin1();
            state->stage = 3;
            disconnect(client, &QTcpSocket::readyRead, client, nullptr);
            auto *upstream = new QTcpSocket(client);
            connect(upstream, &QTcpSocket::connected, client, [this, client, upstream] {
                ++tunnels;
                client->write(QByteArray("\x05\x00\x00\x01\x7f\x00\x00\x01\x00\x00", 10));
                relay(client, upstream);
            });
            connect(upstream, &QTcpSocket::errorOccurred, client, [client, upstream] {
                if (upstream->state() != QAbstractSocket::ConnectedState) {
                    client->write(QByteArray("\x05\x05\x00\x01\0\0\0\0\0\0", 10));
                    client->disconnectFromHost();
                }
            });
            upstream->connectToHost(host, port);
        });
    }

private:
    QByteArray m_user;
    QByteArray m_password;
};

QString lastError(Session &session)
{
    for (int i = session.log()->count() - 1; i >= 0; --i) {
        if (session.log()->at(i).kind == Kind::Error)
            return QString::fromUtf8(session.log()->data(i));
    }
    return {};
}

QString eventText(const Session &session, TapRecord::Type type)
{
    for (const TapRecord &event : session.capture()->events()) {
        if (event.type == type)
            return event.text;
    }
    return {};
}

ProxySetting proxyFrom(const QString &text)
{
    ProxySetting proxy;
    QString error;
    if (!ProxySetting::parse(text, &proxy, &error))
        qWarning("%s", qPrintable(error));
    return proxy;
}

// Opens, sends "ping me" and waits for the echo; closes.
bool echoes(Session &session, const QUrl &url)
{
    QString error;
    if (!session.open(url, &error)) {
        qWarning("open: %s", qPrintable(error));
        return false;
    }
    if (!QTest::qWaitFor([&session] { return session.state() != Session::State::Connecting; }, 15000)
        || session.state() != Session::State::Open) {
        qWarning("not open: %s", qPrintable(lastError(session)));
        return false;
    }
    const int before = session.log()->count();
    session.sendText(QStringLiteral("ping me"));
    const bool echoed = QTest::qWaitFor([&session, before] { return session.log()->count() >= before + 2; }, 10000)
        && session.log()->data(session.log()->count() - 1) == "ping me";
    session.close();
    (void)QTest::qWaitFor([&session] { return session.state() == Session::State::Closed; }, 10000);
    return echoed;
}

} // namespace

class TestTlsProxy : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void caFileMakesTheServerVerify_data();
    void caFileMakesTheServerVerify();
    void mutualTlsRefusedWithoutCertificate();
    void mutualTlsAccepted_data();
    void mutualTlsAccepted();
    void unusableTlsFilesStopOpen_data();
    void unusableTlsFilesStopOpen();
    void proxySettingParse_data();
    void proxySettingParse();
    void httpProxyIsUsed_data();
    void httpProxyIsUsed();
    void httpProxyWithTls();
    void httpProxyCredentials();
    void httpProxyRefusals_data();
    void httpProxyRefusals();
    void socks5ProxyIsUsed_data();
    void socks5ProxyIsUsed();

private:
    CaFixture m_ca;
};

void TestTlsProxy::initTestCase()
{
    QVERIFY2(m_ca.create(), qPrintable(m_ca.error()));
    // Debian 12's openssl 3 writes PKCS#12 (AES, PBKDF2) that Qt's OpenSSL backend must read.
    QFile p12(m_ca.clientP12Path());
    QVERIFY(p12.open(QIODevice::ReadOnly));
    QSslKey key;
    QSslCertificate certificate;
    QVERIFY(QSslCertificate::importPkcs12(&p12, &key, &certificate, nullptr, CaFixture::P12Passphrase));
    QVERIFY(!key.isNull());
    QCOMPARE(certificate.subjectInfo(QSslCertificate::CommonName), QStringList{QStringLiteral("wsscope test client")});
}

void TestTlsProxy::caFileMakesTheServerVerify_data()
{
    QTest::addColumn<Session::Mode>("mode");
    QTest::newRow("tap") << Session::Mode::Tap;
    QTest::newRow("direct") << Session::Mode::Direct;
}

void TestTlsProxy::caFileMakesTheServerVerify()
{
    QFETCH(Session::Mode, mode);
    NodePeer peer(m_ca.serverArguments(false));
    QVERIFY(peer.waitUntilListening());

    Session untrusting;
    untrusting.setMode(mode);
    QVERIFY(untrusting.open(peer.url(QStringLiteral("wss"))));
    QTRY_COMPARE_WITH_TIMEOUT(untrusting.state(), Session::State::Closed, 15000);
    QVERIFY(!untrusting.wasOpened());
    QVERIFY(!lastError(untrusting).isEmpty());

    Session session;
    session.setMode(mode);
    TlsFiles files;
    files.caFile = m_ca.caPath();
    session.setTlsFiles(files);
    QVERIFY(echoes(session, peer.url(QStringLiteral("wss"))));
    if (mode == Session::Mode::Tap) {
        const HandshakeInfo info = session.handshake();
        QVERIFY(info.hasTls);
        QVERIFY2(info.tls.errors.isEmpty(), qPrintable(info.tls.errors.join(u';')));
        QVERIFY(!info.tls.errorsIgnored);
        QVERIFY(info.tls.clientCertificate.isNull());
    }
}

void TestTlsProxy::mutualTlsRefusedWithoutCertificate()
{
    NodePeer peer(m_ca.serverArguments(true));
    QVERIFY(peer.waitUntilListening());
    Session session;
    TlsFiles files;
    files.caFile = m_ca.caPath();
    session.setTlsFiles(files);
    QVERIFY(session.open(peer.url(QStringLiteral("wss"))));
    QTRY_COMPARE_WITH_TIMEOUT(session.state(), Session::State::Closed, 15000);
    QVERIFY(!session.wasOpened());
    const QString error = lastError(session);
    QVERIFY2(error.contains(QStringLiteral("certificate"), Qt::CaseInsensitive), qPrintable(error));
    QVERIFY2(error.contains(QStringLiteral("127.0.0.1:%1").arg(peer.url().port())), qPrintable(error));
    QTest::qWait(200);
    QVERIFY(peer.all().isEmpty());
}

void TestTlsProxy::mutualTlsAccepted_data()
{
    QTest::addColumn<Session::Mode>("mode");
    QTest::addColumn<QString>("certificate");
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("passphrase");
    QTest::newRow("pem") << Session::Mode::Tap << m_ca.clientCertPath() << m_ca.clientKeyPath() << QString();
    QTest::newRow("pem, encrypted key") << Session::Mode::Tap << m_ca.clientCertPath() << m_ca.clientEncryptedKeyPath()
                                        << QString::fromLatin1(CaFixture::KeyPassphrase);
    QTest::newRow("pkcs12") << Session::Mode::Tap << m_ca.clientP12Path() << QString()
                            << QString::fromLatin1(CaFixture::P12Passphrase);
    QTest::newRow("direct, pem") << Session::Mode::Direct << m_ca.clientCertPath() << m_ca.clientKeyPath() << QString();
    QTest::newRow("direct, pkcs12") << Session::Mode::Direct << m_ca.clientP12Path() << QString()
                                    << QString::fromLatin1(CaFixture::P12Passphrase);
}

void TestTlsProxy::mutualTlsAccepted()
{
    QFETCH(Session::Mode, mode);
    QFETCH(QString, certificate);
    QFETCH(QString, key);
    QFETCH(QString, passphrase);
    NodePeer peer(m_ca.serverArguments(true));
    QVERIFY(peer.waitUntilListening());
    Session session;
    session.setMode(mode);
    session.setTlsFiles({m_ca.caPath(), certificate, key, passphrase});
    QVERIFY(echoes(session, peer.url(QStringLiteral("wss"))));
    // The peer saw our certificate.
    QTRY_VERIFY(!peer.all().isEmpty());
    const QJsonObject opened = peer.all().first();
    QCOMPARE(opened.value(QStringLiteral("event")).toString(), QStringLiteral("open"));
    QCOMPARE(opened.value(QStringLiteral("clientSubject")).toObject().value(QStringLiteral("CN")).toString(),
             QStringLiteral("wsscope test client"));
    if (mode == Session::Mode::Tap) {
        QCOMPARE(session.handshake().tls.clientCertificate.subjectInfo(QSslCertificate::CommonName),
                 QStringList{QStringLiteral("wsscope test client")});
    }
}

void TestTlsProxy::unusableTlsFilesStopOpen_data()
{
    QTest::addColumn<QString>("ca");
    QTest::addColumn<QString>("certificate");
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("passphrase");
    QTest::addColumn<QString>("message");
    const QString missing = m_ca.path("missing.pem");
    QTest::newRow("missing CA") << missing << QString() << QString() << QString() << QStringLiteral("Cannot read the CA file");
    QTest::newRow("CA is a key") << m_ca.clientKeyPath() << QString() << QString() << QString()
                                 << QStringLiteral("holds no PEM certificate");
    QTest::newRow("missing certificate") << QString() << missing << m_ca.clientKeyPath() << QString()
                                         << QStringLiteral("Cannot read the client certificate");
    QTest::newRow("certificate is a key") << QString() << m_ca.clientKeyPath() << m_ca.clientKeyPath() << QString()
                                          << QStringLiteral("holds no PEM certificate");
    QTest::newRow("no key") << QString() << m_ca.clientCertPath() << QString() << QString()
                            << QStringLiteral("needs its private key");
    QTest::newRow("key is a certificate") << QString() << m_ca.clientCertPath() << m_ca.caPath() << QString()
                                          << QStringLiteral("holds no RSA or EC private key");
    QTest::newRow("key of another") << QString() << m_ca.clientCertPath() << m_ca.otherKeyPath() << QString()
                                    << QStringLiteral("does not belong to the client certificate");
    QTest::newRow("key of another algorithm") << QString() << m_ca.clientCertPath() << m_ca.serverKeyPath() << QString()
                                              << QStringLiteral("does not belong to the client certificate");
    QTest::newRow("encrypted key, no passphrase") << QString() << m_ca.clientCertPath() << m_ca.clientEncryptedKeyPath()
                                                  << QString() << QStringLiteral("needs its passphrase");
    QTest::newRow("encrypted key, wrong passphrase") << QString() << m_ca.clientCertPath()
                                                     << m_ca.clientEncryptedKeyPath() << QStringLiteral("nope")
                                                     << QStringLiteral("passphrase is wrong");
    QTest::newRow("pkcs12, wrong passphrase") << QString() << m_ca.clientP12Path() << QString() << QStringLiteral("nope")
                                              << QStringLiteral("passphrase is wrong");
    QTest::newRow("pkcs12, no passphrase") << QString() << m_ca.clientP12Path() << QString() << QString()
                                           << QStringLiteral("needs a passphrase");
    QTest::newRow("pkcs12 and a key") << QString() << m_ca.clientP12Path() << m_ca.clientKeyPath()
                                      << QString::fromLatin1(CaFixture::P12Passphrase)
                                      << QStringLiteral("holds its own key");
    QTest::newRow("key alone") << QString() << QString() << m_ca.clientKeyPath() << QString()
                               << QStringLiteral("of no use without its client certificate");
}

void TestTlsProxy::unusableTlsFilesStopOpen()
{
    QFETCH(QString, ca);
    QFETCH(QString, certificate);
    QFETCH(QString, key);
    QFETCH(QString, passphrase);
    QFETCH(QString, message);
    // Nothing listens there: an attempt that got through would show as a failure in the log.
    QTcpServer closed;
    QVERIFY(closed.listen(QHostAddress::LocalHost));
    const QUrl url(QStringLiteral("wss://127.0.0.1:%1/").arg(closed.serverPort()));
    int connections = 0;
    connect(&closed, &QTcpServer::newConnection, this, [&connections] { ++connections; });
    Session session;
    session.setTlsFiles({ca, certificate, key, passphrase});
    // Qt's OpenSSL backend warns itself when a PKCS#12 file does not decrypt
    // ("Unable to parse PKCS#12 structure, error:…" from importPkcs12());
    // wsscope says the same in its own words, in `error`.
    if (QByteArrayView(QTest::currentDataTag()).startsWith("pkcs12, "))
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("^Unable to parse PKCS#12 structure, ")));
    QString error;
    QVERIFY(!session.open(url, &error));
    QVERIFY2(error.contains(message), qPrintable(error));
    QCOMPARE(session.state(), Session::State::Closed);
    QVERIFY(session.connections().isEmpty());
    QTest::qWait(100);
    QCOMPARE(connections, 0);
}

void TestTlsProxy::proxySettingParse_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<int>("kind");
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("port");
    QTest::addColumn<QString>("user");
    QTest::addColumn<QString>("password");
    const int none = int(ProxySetting::Kind::None), system = int(ProxySetting::Kind::System),
              http = int(ProxySetting::Kind::Http), socks = int(ProxySetting::Kind::Socks5);
    QTest::newRow("none") << QStringLiteral("none") << true << none << QString() << 0 << QString() << QString();
    QTest::newRow("system") << QStringLiteral("SYSTEM") << true << system << QString() << 0 << QString() << QString();
    QTest::newRow("http") << QStringLiteral("http://proxy.example:3128") << true << http
                          << QStringLiteral("proxy.example") << 3128 << QString() << QString();
    QTest::newRow("http with credentials") << QStringLiteral("http://me:p%40ss@10.0.0.1:8080/") << true << http
                                           << QStringLiteral("10.0.0.1") << 8080 << QStringLiteral("me")
                                           << QStringLiteral("p@ss");
    QTest::newRow("socks5 ipv6") << QStringLiteral("socks5://[::1]:1080") << true << socks << QStringLiteral("::1")
                                 << 1080 << QString() << QString();
    QTest::newRow("no port") << QStringLiteral("http://proxy.example") << false << 0 << QString() << 0 << QString()
                             << QString();
    QTest::newRow("https") << QStringLiteral("https://proxy.example:443") << false << 0 << QString() << 0 << QString()
                           << QString();
    QTest::newRow("no scheme") << QStringLiteral("proxy.example:3128") << false << 0 << QString() << 0 << QString()
                               << QString();
    QTest::newRow("path") << QStringLiteral("http://proxy.example:3128/x") << false << 0 << QString() << 0
                          << QString() << QString();
    QTest::newRow("empty") << QString() << false << 0 << QString() << 0 << QString() << QString();
}

void TestTlsProxy::proxySettingParse()
{
    QFETCH(QString, text);
    QFETCH(bool, ok);
    QFETCH(int, kind);
    QFETCH(QString, host);
    QFETCH(int, port);
    QFETCH(QString, user);
    QFETCH(QString, password);
    ProxySetting proxy;
    QString error;
    QCOMPARE(ProxySetting::parse(text, &proxy, &error), ok);
    if (!ok) {
        QVERIFY(!error.isEmpty());
        return;
    }
    QCOMPARE(int(proxy.kind), kind);
    QCOMPARE(proxy.host, host);
    QCOMPARE(int(proxy.port), port);
    QCOMPARE(proxy.user, user);
    QCOMPARE(proxy.password, password);
    QVERIFY(!proxy.toString().contains(QStringLiteral("ss")) || password.isEmpty());
}

void TestTlsProxy::httpProxyIsUsed_data()
{
    QTest::addColumn<Session::Mode>("mode");
    QTest::newRow("tap") << Session::Mode::Tap;
    QTest::newRow("direct") << Session::Mode::Direct;
}

void TestTlsProxy::httpProxyIsUsed()
{
    QFETCH(Session::Mode, mode);
    NodePeer peer;
    QVERIFY(peer.waitUntilListening());
    ConnectProxy proxy;
    QVERIFY(proxy.isListening());
    Session session;
    session.setMode(mode);
    session.setProxy(proxyFrom(proxy.url()));
    QVERIFY(echoes(session, peer.url()));
    QCOMPARE(proxy.targets, QList<QByteArray>{QStringLiteral("127.0.0.1:%1").arg(peer.url().port()).toLatin1()});
    QCOMPARE(proxy.tunnels, 1);
    if (mode == Session::Mode::Tap) {
        const HandshakeInfo info = session.handshake();
        QVERIFY(info.captured);
        QCOMPARE(info.statusLine, QByteArray("HTTP/1.1 101 Switching Protocols"));
        QVERIFY(info.responseHeaders.contains(HandshakeInfo::Header("X-Wsscope-Test", "yes")));
        QCOMPARE(info.serverAddress, QStringLiteral("127.0.0.1:%1").arg(peer.url().port()));
        const QString connected = eventText(session, TapRecord::Type::TcpConnected);
        QVERIFY2(connected.contains(QStringLiteral("HTTP proxy 127.0.0.1:%1").arg(proxy.serverPort())),
                 qPrintable(connected));
        QVERIFY(session.capture()->frameCount() >= 2);
    }
}

void TestTlsProxy::httpProxyWithTls()
{
    NodePeer peer(m_ca.serverArguments(true));
    QVERIFY(peer.waitUntilListening());
    ConnectProxy proxy;
    Session session;
    session.setProxy(proxyFrom(proxy.url()));
    session.setTlsFiles({m_ca.caPath(), m_ca.clientP12Path(), QString(), QString::fromLatin1(CaFixture::P12Passphrase)});
    QVERIFY(echoes(session, peer.url(QStringLiteral("wss"))));
    QCOMPARE(proxy.targets, QList<QByteArray>{QStringLiteral("127.0.0.1:%1").arg(peer.url().port()).toLatin1()});
    const HandshakeInfo info = session.handshake();
    QVERIFY(info.hasTls);
    QVERIFY(info.tls.errors.isEmpty());
    QCOMPARE(info.statusLine, QByteArray("HTTP/1.1 101 Switching Protocols"));
}

void TestTlsProxy::httpProxyCredentials()
{
    NodePeer peer;
    QVERIFY(peer.waitUntilListening());
    ConnectProxy proxy("alice:w0nderland");
    const QString proxyName = QStringLiteral("HTTP proxy 127.0.0.1:%1").arg(proxy.serverPort());

    Session good;
    good.setProxy(proxyFrom(proxy.url(QStringLiteral("alice:w0nderland"))));
    QVERIFY(echoes(good, peer.url()));
    QCOMPARE(proxy.tunnels, 1);

    for (const QString &userInfo : {QStringLiteral("alice:wrong"), QString()}) {
        Session session;
        session.setProxy(proxyFrom(proxy.url(userInfo)));
        QVERIFY(session.open(peer.url()));
        QTRY_COMPARE_WITH_TIMEOUT(session.state(), Session::State::Closed, 15000);
        QVERIFY(!session.wasOpened());
        const QString error = lastError(session);
        QVERIFY2(error.contains(proxyName), qPrintable(error));
        QVERIFY2(error.contains(userInfo.isEmpty() ? QStringLiteral("asks for a user name and password")
                                                   : QStringLiteral("refused the user name and password")),
                 qPrintable(error));
    }
    QCOMPARE(proxy.tunnels, 1);
}

void TestTlsProxy::httpProxyRefusals_data()
{
    QTest::addColumn<Session::Mode>("mode");
    QTest::addColumn<bool>("reachable");
    QTest::addColumn<QString>("message");
    QTest::newRow("403") << Session::Mode::Tap << true << QStringLiteral("refused to connect there");
    QTest::newRow("unreachable") << Session::Mode::Tap << false << QStringLiteral("cannot be reached");
    QTest::newRow("direct, 403") << Session::Mode::Direct << true << QString();
    QTest::newRow("direct, unreachable") << Session::Mode::Direct << false << QString();
}

void TestTlsProxy::httpProxyRefusals()
{
    QFETCH(Session::Mode, mode);
    QFETCH(bool, reachable);
    QFETCH(QString, message);
    NodePeer peer;
    QVERIFY(peer.waitUntilListening());
    ConnectProxy proxy({}, true);
    const quint16 port = proxy.serverPort();
    if (!reachable)
        proxy.close();
    Session session;
    session.setMode(mode);
    session.setProxy(proxyFrom(QStringLiteral("http://127.0.0.1:%1").arg(port)));
    QVERIFY(session.open(peer.url()));
    QTRY_COMPARE_WITH_TIMEOUT(session.state(), Session::State::Closed, 15000);
    QVERIFY(!session.wasOpened());
    const QString error = lastError(session);
    QVERIFY2(error.contains(QStringLiteral("HTTP proxy 127.0.0.1:%1").arg(port)), qPrintable(error));
    QVERIFY2(error.contains(message), qPrintable(error));
    if (reachable)
        QVERIFY(!proxy.targets.isEmpty());
    QTest::qWait(100);
    QVERIFY(peer.all().isEmpty());
}

void TestTlsProxy::socks5ProxyIsUsed_data()
{
    QTest::addColumn<Session::Mode>("mode");
    QTest::addColumn<QByteArray>("user");
    QTest::addColumn<QByteArray>("password");
    QTest::newRow("tap") << Session::Mode::Tap << QByteArray() << QByteArray();
    QTest::newRow("tap, credentials") << Session::Mode::Tap << QByteArray("bob") << QByteArray("b0b");
    QTest::newRow("direct") << Session::Mode::Direct << QByteArray() << QByteArray();
}

void TestTlsProxy::socks5ProxyIsUsed()
{
    QFETCH(Session::Mode, mode);
    QFETCH(QByteArray, user);
    QFETCH(QByteArray, password);
    NodePeer peer;
    QVERIFY(peer.waitUntilListening());
    Socks5Proxy proxy(user, password);
    QVERIFY(proxy.isListening());
    const QString userInfo = user.isEmpty() ? QString() : QString::fromLatin1(user + ':' + password + '@');
    Session session;
    session.setMode(mode);
    session.setProxy(
        proxyFrom(QStringLiteral("socks5://") + userInfo + QStringLiteral("127.0.0.1:") + QString::number(proxy.serverPort())));
    QVERIFY(echoes(session, peer.url()));
    QCOMPARE(proxy.targets, QList<QByteArray>{QStringLiteral("127.0.0.1:%1").arg(peer.url().port()).toLatin1()});
    if (mode == Session::Mode::Tap) {
        const QString connected = eventText(session, TapRecord::Type::TcpConnected);
        QVERIFY2(connected.contains(QStringLiteral("SOCKS5 proxy 127.0.0.1:%1").arg(proxy.serverPort())),
                 qPrintable(connected));
        QCOMPARE(session.handshake().statusLine, QByteArray("HTTP/1.1 101 Switching Protocols"));
    }
    if (!user.isEmpty()) {
        Session wrong;
        wrong.setProxy(proxyFrom(QStringLiteral("socks5://bob:nope@127.0.0.1:%1").arg(proxy.serverPort())));
        QVERIFY(wrong.open(peer.url()));
        QTRY_COMPARE_WITH_TIMEOUT(wrong.state(), Session::State::Closed, 15000);
        const QString error = lastError(wrong);
        QVERIFY2(error.contains(QStringLiteral("SOCKS5 proxy 127.0.0.1:%1").arg(proxy.serverPort())), qPrintable(error));
    }
}

QTEST_GUILESS_MAIN(TestTlsProxy)
#include "tst_tlsproxy.moc"
