#pragma once

#include <QFile>
#include <QProcess>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>
#include <QSslSocket>
#include <QTcpServer>
#include <QTemporaryDir>

// A self-signed certificate for localhost and 127.0.0.1, made by openssl at
// test time, and the server-side TLS configuration that uses it.
class TlsFixture
{
public:
    bool create()
    {
        if (!m_dir.isValid())
            return fail(QStringLiteral("no temporary directory"));
        QProcess openssl;
        openssl.setProcessChannelMode(QProcess::MergedChannels);
        openssl.start(QStringLiteral("openssl"),
                      {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"), QStringLiteral("ec"),
                       QStringLiteral("-pkeyopt"), QStringLiteral("ec_paramgen_curve:prime256v1"), QStringLiteral("-nodes"),
                       QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-subj"), QStringLiteral("/CN=localhost"),
                       QStringLiteral("-addext"), QStringLiteral("subjectAltName=DNS:localhost,IP:127.0.0.1"),
                       QStringLiteral("-keyout"), keyPath(), QStringLiteral("-out"), certPath()});
        if (!openssl.waitForFinished(30000) || openssl.exitCode() != 0)
            return fail(QString::fromUtf8(openssl.readAll()) + openssl.errorString());
        QFile certFile(certPath());
        QFile keyFile(keyPath());
        if (!certFile.open(QIODevice::ReadOnly) || !keyFile.open(QIODevice::ReadOnly))
            return fail(QStringLiteral("cannot read the generated files"));
        m_certificate = QSslCertificate(certFile.readAll(), QSsl::Pem);
        m_key = QSslKey(keyFile.readAll(), QSsl::Ec, QSsl::Pem);
        if (m_certificate.isNull() || m_key.isNull())
            return fail(QStringLiteral("openssl wrote something Qt cannot load"));
        return true;
    }

    QSslConfiguration serverConfiguration() const
    {
        QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
        configuration.setLocalCertificate(m_certificate);
        configuration.setPrivateKey(m_key);
        configuration.setPeerVerifyMode(QSslSocket::VerifyNone);
        return configuration;
    }

    // The certificate and key as a PKCS#12 file named `name` beside them,
    // protected by `passphrase` (empty: none); its path, or empty (see error()).
    QString exportPkcs12(const QString &name, const QString &passphrase)
    {
        const QString path = m_dir.filePath(name);
        QProcess openssl;
        openssl.setProcessChannelMode(QProcess::MergedChannels);
        openssl.start(QStringLiteral("openssl"),
                      {QStringLiteral("pkcs12"), QStringLiteral("-export"), QStringLiteral("-in"), certPath(),
                       QStringLiteral("-inkey"), keyPath(), QStringLiteral("-out"), path, QStringLiteral("-passout"),
                       QStringLiteral("pass:") + passphrase});
        if (!openssl.waitForFinished(30000) || openssl.exitCode() != 0) {
            fail(QString::fromUtf8(openssl.readAll()) + openssl.errorString());
            return {};
        }
        return path;
    }

    QSslCertificate certificate() const { return m_certificate; }
    QString certPath() const { return m_dir.filePath(QStringLiteral("cert.pem")); }
    QString keyPath() const { return m_dir.filePath(QStringLiteral("key.pem")); }
    QString error() const { return m_error; }

private:
    bool fail(const QString &message)
    {
        m_error = message;
        return false;
    }

    QTemporaryDir m_dir;
    QSslCertificate m_certificate;
    QSslKey m_key;
    QString m_error;
};

// A TLS server that records the decrypted bytes of the first request head
// it receives and then hangs up: what a client really sends inside TLS.
class TlsRecorder : public QTcpServer
{
public:
    explicit TlsRecorder(const QSslConfiguration &configuration)
        : m_configuration(configuration)
    {
        listen(QHostAddress::LocalHost);
    }

    QByteArray request() const { return m_request; }

protected:
    void incomingConnection(qintptr descriptor) override
    {
        auto *socket = new QSslSocket(this);
        socket->setSslConfiguration(m_configuration);
        socket->setSocketDescriptor(descriptor);
        QObject::connect(socket, &QSslSocket::readyRead, socket, [this, socket] {
            m_request += socket->readAll();
            if (m_request.contains("\r\n\r\n"))
                socket->disconnectFromHost();
        });
        socket->startServerEncryption();
    }

private:
    QSslConfiguration m_configuration;
    QByteArray m_request;
};
