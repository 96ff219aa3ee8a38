#include "tlsview.h"

#include <QCryptographicHash>
#include <QLabel>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace {

QString names(const QSslCertificate &certificate, QSslCertificate::SubjectInfo field, bool issuer)
{
    return (issuer ? certificate.issuerInfo(field) : certificate.subjectInfo(field)).join(QStringLiteral(", "));
}

QString distinguishedName(const QSslCertificate &certificate, bool issuer)
{
    QStringList parts;
    const QList<QPair<QString, QSslCertificate::SubjectInfo>> fields = {
        {QStringLiteral("CN"), QSslCertificate::CommonName},
        {QStringLiteral("O"), QSslCertificate::Organization},
        {QStringLiteral("C"), QSslCertificate::CountryName},
    };
    for (const auto &field : fields) {
        const QString value = names(certificate, field.second, issuer);
        if (!value.isEmpty())
            parts << field.first + u'=' + value;
    }
    return parts.join(QStringLiteral(", "));
}

} // namespace

TlsView::TlsView(QWidget *parent)
    : QWidget(parent)
    , m_summary(new QLabel(this))
    , m_chain(new QTreeWidget(this))
    , m_connectAnyway(new QPushButton(tr("Connect &anyway (this connection only)"), this))
{
    m_summary->setTextFormat(Qt::PlainText);
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_chain->setColumnCount(2);
    m_chain->setHeaderLabels({tr("Certificate"), tr("Value")});
    m_chain->setAccessibleName(tr("Certificate chain"));
    m_connectAnyway->setToolTip(tr("Reconnect without verifying the certificate. Only this connection is affected."));
    m_connectAnyway->hide();
    connect(m_connectAnyway, &QPushButton::clicked, this, &TlsView::connectAnywayRequested);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_summary);
    layout->addWidget(m_connectAnyway, 0, Qt::AlignLeft);
    layout->addWidget(m_chain, 1);
    clear(tr("No TLS: this is not a wss:// connection, or it has not got that far."));
}

TlsView::~TlsView() = default;

void TlsView::clear(const QString &why)
{
    m_summary->setText(why);
    m_chain->clear();
    m_chain->hide();
    m_connectAnyway->hide();
}

void TlsView::setTls(const TapTls &tls)
{
    QString summary;
    if (!tls.protocol.isEmpty())
        summary += tr("Protocol: %1\nCipher: %2\n").arg(tls.protocol, tls.cipher);
    if (tls.errors.isEmpty())
        summary += tr("Certificate verified.");
    else if (tls.errorsIgnored)
        summary += tr("Certificate NOT verified, accepted for this connection:\n%1").arg(tls.errors.join(u'\n'));
    else
        summary += tr("Certificate NOT verified; the connection was refused:\n%1").arg(tls.errors.join(u'\n'));
    if (!tls.clientCertificate.isNull()) {
        summary += u'\n' + tr("Client certificate offered: %1")
                               .arg(tls.clientCertificate.subjectDisplayName().isEmpty()
                                        ? tls.clientCertificate.subjectInfo(QSslCertificate::CommonName).join(QStringLiteral(", "))
                                        : tls.clientCertificate.subjectDisplayName());
    }
    m_summary->setText(summary);
    m_connectAnyway->setVisible(!tls.errors.isEmpty() && !tls.errorsIgnored);

    m_chain->clear();
    for (int i = 0; i < tls.chain.size(); ++i) {
        const QSslCertificate &certificate = tls.chain.at(i);
        auto *item = new QTreeWidgetItem(m_chain, {i == 0 ? tr("Server") : tr("Issuer %1").arg(i),
                                                   distinguishedName(certificate, false)});
        const auto add = [item](const QString &name, const QString &value) {
            new QTreeWidgetItem(item, {name, value});
        };
        add(tr("Subject"), distinguishedName(certificate, false));
        add(tr("Issuer"), distinguishedName(certificate, true));
        add(tr("Valid from"), certificate.effectiveDate().toUTC().toString(Qt::ISODate));
        add(tr("Valid until"), certificate.expiryDate().toUTC().toString(Qt::ISODate));
        QStringList alternatives;
        const auto sans = certificate.subjectAlternativeNames();
        for (auto it = sans.cbegin(); it != sans.cend(); ++it)
            alternatives << (it.key() == QSsl::DnsEntry         ? QStringLiteral("DNS:")
                             : it.key() == QSsl::IpAddressEntry ? QStringLiteral("IP:")
                                                                : QStringLiteral("email:"))
                    + it.value();
        add(tr("Alternative names"), alternatives.join(QStringLiteral(", ")));
        add(tr("SHA-256 fingerprint"), QString::fromLatin1(certificate.digest(QCryptographicHash::Sha256).toHex(':').toUpper()));
        item->setExpanded(i == 0);
    }
    m_chain->setVisible(!tls.chain.isEmpty());
    m_chain->resizeColumnToContents(0);
}

QString TlsView::summaryText() const
{
    return m_summary->text();
}

QTreeWidget *TlsView::chain() const
{
    return m_chain;
}

QPushButton *TlsView::connectAnywayButton() const
{
    return m_connectAnyway;
}
