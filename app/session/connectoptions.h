#pragma once

#include <QCoreApplication>
#include <QNetworkProxy>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>
#include <QString>

// The client's side of TLS, as files: certificate authorities trusted in
// addition to the system's, and a client certificate for mutual TLS (a PEM
// certificate with its PEM key, or a PKCS#12 file holding both).
struct TlsFiles
{
    Q_DECLARE_TR_FUNCTIONS(TlsFiles)

public:
    QString caFile;            // PEM, one or more certificates; empty: none
    QString certificateFile;   // PEM, or PKCS#12 (.p12/.pfx); empty: none
    QString keyFile;           // PEM key (RSA or EC) for a PEM certificate
    QString passphrase;        // of the PKCS#12 file or of an encrypted key

    bool isEmpty() const { return caFile.isEmpty() && certificateFile.isEmpty() && keyFile.isEmpty(); }
    // Whether certificateFile is read as PKCS#12: by its ending.
    static bool isPkcs12(const QString &path);
    // Whether `key` is the private key of `certificate`; true when either
    // cannot be read this far (OpenSSL then has the last word).
    static bool keyBelongsTo(const QSslKey &key, const QSslCertificate &certificate);

    // What the files hold, loaded and checked.
    struct Loaded
    {
        QList<QSslCertificate> authorities;
        QSslCertificate certificate = QSslCertificate();
        QSslKey key;
        QList<QSslCertificate> intermediates;   // from a PKCS#12 file or after the PEM certificate
    };
    // Reads every file; false with a message in *error when one cannot be
    // read, holds no certificate or key, has another passphrase, or when the
    // key does not belong to the certificate.
    bool load(Loaded *loaded, QString *error) const;
    // Adds what was loaded to a client configuration.
    static void apply(const Loaded &loaded, QSslConfiguration *configuration);
};

// Where the upstream connection goes through: nowhere (the default), the
// system's proxy for the target, or a given HTTP (CONNECT) or SOCKS5 proxy.
struct ProxySetting
{
    Q_DECLARE_TR_FUNCTIONS(ProxySetting)

public:
    enum class Kind { None, System, Http, Socks5 };

    Kind kind = Kind::None;
    QString host;
    quint16 port = 0;
    QString user;
    QString password;

    // "none", "system", http://[user[:password]@]host:port or
    // socks5://[user[:password]@]host:port. False with a message in *error.
    static bool parse(const QString &text, ProxySetting *proxy, QString *error);
    // As parse() reads it, without the password.
    QString toString() const;
    // Http and Socks5 as a QNetworkProxy; NoProxy for None and System.
    QNetworkProxy networkProxy() const;
    // The proxy to use for host:port: the system's answer for System.
    QNetworkProxy resolve(const QString &targetHost, quint16 targetPort, bool tls) const;
};
