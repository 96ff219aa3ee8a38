#pragma once

#include <QByteArray>
#include <QList>
#include <QMetaType>
#include <QSslCertificate>
#include <QString>
#include <QStringList>

// What the tap saw, in the order it saw it: bytes in either direction and the
// milestones of the upstream connection. Handed to the GUI thread in batches.
struct TapRecord
{
    enum class Type : quint8 {
        ClientBytes,        // from QWebSocket, on their way to the server
        ServerBytes,        // from the server, on their way to QWebSocket
        ConnectRequested,   // text: the CONNECT target
        DnsResolved,        // text: the addresses, comma-separated
        TcpConnected,       // text: address:port, then " through the <proxy>" when proxied
        TlsEstablished,     // see TapTls
        Relaying,           // 200 sent; bytes flow from here on
        UpstreamFailed,     // text: why; bytes: the kind, for a summary (see Tap::FailureKind)
        Refused,            // text: why a client of the tap was turned away
        ServerClosed,
        ClientClosed,
        NotRecorded,        // text: which bytes were left out of the record, and how many
    };

    Type type = Type::ClientBytes;
    qint64 timeUsec = 0;    // microseconds since the epoch, from a monotonic clock
    QByteArray bytes;
    QString text;
};

struct TapTls
{
    QString protocol;
    QString cipher;
    QList<QSslCertificate> chain;
    QStringList errors;     // verification errors, empty when verified
    bool errorsIgnored = false;
    QSslCertificate clientCertificate = QSslCertificate();   // offered for mutual TLS (sent when the server asks); null: none
};

Q_DECLARE_METATYPE(TapRecord)
Q_DECLARE_METATYPE(TapTls)
