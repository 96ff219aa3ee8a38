#include "connectoptions.h"

#include <QFile>
#include <QFileInfo>
#include <QNetworkProxyFactory>
#include <QUrl>

namespace {

// Just enough DER to compare the public half of a private key with a
// certificate's public key: tag, length, content.
struct Der
{
    quint8 tag = 0;
    QByteArray content;
};

// Reads the element at *pos and moves past it; false when the bytes are not DER.
bool readDer(const QByteArray &data, qsizetype *pos, Der *element)
{
    qsizetype at = *pos;
    if (at + 2 > data.size())
        return false;
    element->tag = quint8(data.at(at++));
    qsizetype length = quint8(data.at(at++));
    if (length & 0x80) {
        const int bytes = int(length & 0x7f);
        if (bytes == 0 || bytes > 4 || at + bytes > data.size())
            return false;
        length = 0;
        for (int i = 0; i < bytes; ++i)
            length = (length << 8) | quint8(data.at(at++));
    }
    if (length > data.size() - at)
        return false;
    element->content = data.mid(at, length);
    *pos = at + length;
    return true;
}

QList<Der> derChildren(const QByteArray &content)
{
    QList<Der> children;
    qsizetype pos = 0;
    Der element;
    while (pos < content.size() && readDer(content, &pos, &element))
        children << element;
    return children;
}

// An INTEGER without its leading zero bytes.
QByteArray integer(const QByteArray &content)
{
    qsizetype start = 0;
    while (start < content.size() - 1 && content.at(start) == 0)
        ++start;
    return content.mid(start);
}

constexpr quint8 Sequence = 0x30, Integer = 0x02, BitString = 0x03, OctetString = 0x04;

// The public part of a private key's DER (PKCS#1, SEC1 or PKCS#8): the RSA
// modulus or the EC point. Empty when it cannot be told.
QByteArray publicPartOfPrivateKey(const QByteArray &der, QSsl::KeyAlgorithm algorithm)
{
    qsizetype pos = 0;
    Der outer;
    if (!readDer(der, &pos, &outer) || outer.tag != Sequence)
        return {};
    QList<Der> fields = derChildren(outer.content);
    // PKCS#8: version, algorithm, OCTET STRING holding the PKCS#1 or SEC1 key.
    if (fields.size() >= 3 && fields.at(1).tag == Sequence && fields.at(2).tag == OctetString)
        return publicPartOfPrivateKey(fields.at(2).content, algorithm);
    if (algorithm == QSsl::Rsa) {
        // RSAPrivateKey: version, modulus, publicExponent, …
        if (fields.size() >= 3 && fields.at(1).tag == Integer)
            return integer(fields.at(1).content);
        return {};
    }
    if (algorithm == QSsl::Ec) {
        // ECPrivateKey: version, privateKey, [0] parameters, [1] publicKey
        for (const Der &field : std::as_const(fields)) {
            if (field.tag != 0xa1)
                continue;
            const QList<Der> inner = derChildren(field.content);
            if (!inner.isEmpty() && inner.first().tag == BitString && inner.first().content.size() > 1)
                return inner.first().content.mid(1);
        }
    }
    return {};
}

// The same part of a SubjectPublicKeyInfo.
QByteArray publicPartOfPublicKey(const QByteArray &der, QSsl::KeyAlgorithm algorithm)
{
    qsizetype pos = 0;
    Der outer;
    if (!readDer(der, &pos, &outer) || outer.tag != Sequence)
        return {};
    const QList<Der> fields = derChildren(outer.content);
    QByteArray bits;
    if (fields.size() == 2 && fields.at(0).tag == Sequence && fields.at(1).tag == BitString
        && fields.at(1).content.size() > 1)
        bits = fields.at(1).content.mid(1);
    else if (algorithm == QSsl::Rsa && fields.size() == 2 && fields.at(0).tag == Integer)
        return integer(fields.at(0).content);   // PKCS#1 RSAPublicKey
    if (bits.isEmpty())
        return {};
    if (algorithm == QSsl::Ec)
        return bits;
    if (algorithm == QSsl::Rsa) {
        pos = 0;
        Der rsa;
        if (!readDer(bits, &pos, &rsa) || rsa.tag != Sequence)
            return {};
        const QList<Der> numbers = derChildren(rsa.content);
        return numbers.isEmpty() || numbers.first().tag != Integer ? QByteArray() : integer(numbers.first().content);
    }
    return {};
}

// Whether the bytes look like a PKCS#12 file: SEQUENCE { INTEGER 3, … }.
bool looksLikePkcs12(const QByteArray &data)
{
    qsizetype pos = 0;
    Der outer;
    if (!readDer(data, &pos, &outer) || outer.tag != Sequence)
        return false;
    const QList<Der> fields = derChildren(outer.content);
    return fields.size() >= 2 && fields.at(0).tag == Integer && integer(fields.at(0).content) == QByteArray(1, '\x03');
}

bool readFile(const QString &path, const QString &what, QByteArray *data, QString *error)
{
    if (QFileInfo(path).isDir()) {
        *error = TlsFiles::tr("Cannot read the %1 \"%2\": it is a directory.").arg(what, path);
        return false;
    }
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = TlsFiles::tr("Cannot read the %1 \"%2\": %3").arg(what, path, file.errorString());
        return false;
    }
    *data = file.readAll();
    if (file.error() != QFileDevice::NoError) {
        *error = TlsFiles::tr("Cannot read the %1 \"%2\": %3").arg(what, path, file.errorString());
        return false;
    }
    return true;
}

bool isEncryptedPem(const QByteArray &data)
{
    return data.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----") || data.contains("Proc-Type: 4,ENCRYPTED");
}

} // namespace

bool TlsFiles::isPkcs12(const QString &path)
{
    return path.endsWith(QStringLiteral(".p12"), Qt::CaseInsensitive)
        || path.endsWith(QStringLiteral(".pfx"), Qt::CaseInsensitive);
}

bool TlsFiles::load(Loaded *loaded, QString *error) const
{
    QString ignored;
    if (!error)
        error = &ignored;
    *loaded = {};

    if (!caFile.isEmpty()) {
        const QString what = tr("CA file");
        QByteArray data;
        if (!readFile(caFile, what, &data, error))
            return false;
        loaded->authorities = QSslCertificate::fromData(data, QSsl::Pem);
        if (loaded->authorities.isEmpty()) {
            *error = tr("The CA file \"%1\" holds no PEM certificate (-----BEGIN CERTIFICATE-----).").arg(caFile);
            return false;
        }
    }

    if (certificateFile.isEmpty()) {
        if (!keyFile.isEmpty()) {
            *error = tr("The key \"%1\" is of no use without its client certificate.").arg(keyFile);
            return false;
        }
        return true;
    }

    const QString certWhat = tr("client certificate");
    QByteArray certData;
    if (!readFile(certificateFile, certWhat, &certData, error))
        return false;

    if (isPkcs12(certificateFile) || looksLikePkcs12(certData)) {
        if (!keyFile.isEmpty()) {
            *error = tr("The PKCS#12 file \"%1\" holds its own key; give no separate key file.").arg(certificateFile);
            return false;
        }
        if (!looksLikePkcs12(certData)) {
            *error = tr("The client certificate \"%1\" is not a PKCS#12 file.").arg(certificateFile);
            return false;
        }
        QFile file(certificateFile);
        if (!file.open(QIODevice::ReadOnly)) {
            *error = tr("Cannot read the %1 \"%2\": %3").arg(certWhat, certificateFile, file.errorString());
            return false;
        }
        if (!QSslCertificate::importPkcs12(&file, &loaded->key, &loaded->certificate, &loaded->intermediates,
                                           passphrase.toUtf8())
            || loaded->certificate.isNull() || loaded->key.isNull()) {
            *error = passphrase.isEmpty()
                ? tr("Cannot open the PKCS#12 file \"%1\": it needs a passphrase.").arg(certificateFile)
                : tr("Cannot open the PKCS#12 file \"%1\": the passphrase is wrong (or the file is damaged).")
                      .arg(certificateFile);
            return false;
        }
        return true;
    }

    const QList<QSslCertificate> chain = QSslCertificate::fromData(certData, QSsl::Pem);
    if (chain.isEmpty()) {
        *error = tr("The client certificate \"%1\" holds no PEM certificate (-----BEGIN CERTIFICATE-----) and is "
                    "not a PKCS#12 file.")
                     .arg(certificateFile);
        return false;
    }
    loaded->certificate = chain.first();
    loaded->intermediates = chain.mid(1);

    // The key: its own file, or the certificate's file when it holds both.
    QByteArray keyData = certData;
    QString keyPath = certificateFile;
    if (!keyFile.isEmpty()) {
        if (!readFile(keyFile, tr("key"), &keyData, error))
            return false;
        keyPath = keyFile;
    } else if (!keyData.contains("PRIVATE KEY-----")) {
        *error = tr("The client certificate \"%1\" needs its private key: give the key file too.").arg(certificateFile);
        return false;
    }
    const QSsl::KeyAlgorithm wanted = loaded->certificate.publicKey().algorithm();
    const QList<QSsl::KeyAlgorithm> algorithms = {wanted, QSsl::Rsa, QSsl::Ec};
    for (const QSsl::KeyAlgorithm algorithm : std::as_const(algorithms)) {
        loaded->key = QSslKey(keyData, algorithm, QSsl::Pem, QSsl::PrivateKey, passphrase.toUtf8());
        if (!loaded->key.isNull())
            break;
    }
    if (loaded->key.isNull()) {
        if (isEncryptedPem(keyData))
            *error = passphrase.isEmpty()
                ? tr("The key \"%1\" is encrypted: it needs its passphrase.").arg(keyPath)
                : tr("Cannot decrypt the key \"%1\": the passphrase is wrong.").arg(keyPath);
        else
            *error = tr("The key \"%1\" holds no RSA or EC private key in PEM form.").arg(keyPath);
        return false;
    }

    // The key has to be the certificate's: OpenSSL would refuse it only once connected.
    if (!keyBelongsTo(loaded->key, loaded->certificate)) {
        *error = tr("The key \"%1\" does not belong to the client certificate \"%2\".").arg(keyPath, certificateFile);
        return false;
    }
    return true;
}

bool TlsFiles::keyBelongsTo(const QSslKey &key, const QSslCertificate &certificate)
{
    const QSslKey publicKey = certificate.publicKey();
    if (publicKey.algorithm() != key.algorithm())
        return false;
    const QByteArray fromKey = publicPartOfPrivateKey(key.toDer(), key.algorithm());
    const QByteArray fromCertificate = publicPartOfPublicKey(publicKey.toDer(), publicKey.algorithm());
    return fromKey.isEmpty() || fromCertificate.isEmpty() || fromKey == fromCertificate;
}

void TlsFiles::apply(const Loaded &loaded, QSslConfiguration *configuration)
{
    if (!loaded.authorities.isEmpty()) {
        // Adding certificates stops Qt from loading the system's on demand:
        // name them all.
        QList<QSslCertificate> authorities = configuration->caCertificates();
        for (const QSslCertificate &certificate : QSslConfiguration::systemCaCertificates()) {
            if (!authorities.contains(certificate))
                authorities << certificate;
        }
        authorities += loaded.authorities;
        configuration->setCaCertificates(authorities);
    }
    if (!loaded.certificate.isNull()) {
        configuration->setLocalCertificateChain(QList<QSslCertificate>{loaded.certificate} + loaded.intermediates);
        configuration->setPrivateKey(loaded.key);
    }
}

bool ProxySetting::parse(const QString &text, ProxySetting *proxy, QString *error)
{
    QString ignored;
    if (!error)
        error = &ignored;
    const QString trimmed = text.trimmed();
    ProxySetting result;
    if (trimmed.compare(QStringLiteral("none"), Qt::CaseInsensitive) == 0) {
        *proxy = result;
        return true;
    }
    if (trimmed.compare(QStringLiteral("system"), Qt::CaseInsensitive) == 0) {
        result.kind = Kind::System;
        *proxy = result;
        return true;
    }
    const QUrl url(trimmed, QUrl::StrictMode);
    const QString scheme = url.scheme().toLower();
    if (!url.isValid() || url.host().isEmpty() || !trimmed.contains(QStringLiteral("://"))) {
        *error = tr("\"%1\" is not a proxy: write http://host:port or socks5://host:port (with user:password@ "
                    "before the host if it needs them), system or none.")
                     .arg(text);
        return false;
    }
    if (scheme == u"http")
        result.kind = Kind::Http;
    else if (scheme == u"socks5" || scheme == u"socks5h")
        result.kind = Kind::Socks5;
    else {
        *error = tr("The proxy \"%1\" has the scheme %2: use http:// (CONNECT) or socks5://.").arg(text, url.scheme());
        return false;
    }
    if (url.port() <= 0) {
        *error = tr("The proxy \"%1\" needs a port from 1 to 65535, as in %2://%3:8080.")
                     .arg(text, scheme, url.host(QUrl::FullyEncoded));
        return false;
    }
    if (!url.path().isEmpty() && url.path() != u"/") {
        *error = tr("The proxy \"%1\" has a path; give only host and port.").arg(text);
        return false;
    }
    if (url.hasQuery() || url.hasFragment()) {
        *error = tr("The proxy \"%1\" has a query or a fragment; give only host and port.").arg(text);
        return false;
    }
    result.host = url.host();
    result.port = quint16(url.port());
    result.user = url.userName(QUrl::FullyDecoded);
    result.password = url.password(QUrl::FullyDecoded);
    *proxy = result;
    return true;
}

QString ProxySetting::toString() const
{
    switch (kind) {
    case Kind::None: return QStringLiteral("none");
    case Kind::System: return QStringLiteral("system");
    case Kind::Http:
    case Kind::Socks5:
        break;
    }
    QUrl url;
    url.setScheme(kind == Kind::Http ? QStringLiteral("http") : QStringLiteral("socks5"));
    url.setHost(host);
    url.setPort(port);
    url.setUserName(user);
    return url.toString();
}

QNetworkProxy ProxySetting::networkProxy() const
{
    switch (kind) {
    case Kind::Http: return QNetworkProxy(QNetworkProxy::HttpProxy, host, port, user, password);
    case Kind::Socks5: return QNetworkProxy(QNetworkProxy::Socks5Proxy, host, port, user, password);
    case Kind::None:
    case Kind::System:
        break;
    }
    return QNetworkProxy(QNetworkProxy::NoProxy);
}

QNetworkProxy ProxySetting::resolve(const QString &targetHost, quint16 targetPort, bool tls) const
{
    if (kind != Kind::System)
        return networkProxy();
    const QNetworkProxyQuery query(targetHost, targetPort, tls ? QStringLiteral("https") : QStringLiteral("http"),
                                   QNetworkProxyQuery::TcpSocket);
    for (const QNetworkProxy &candidate : QNetworkProxyFactory::systemProxyForQuery(query)) {
        // Only a tunnel carries WebSocket bytes.
        if (candidate.type() == QNetworkProxy::HttpProxy || candidate.type() == QNetworkProxy::Socks5Proxy
            || candidate.type() == QNetworkProxy::NoProxy)
            return candidate;
    }
    return QNetworkProxy(QNetworkProxy::NoProxy);
}
