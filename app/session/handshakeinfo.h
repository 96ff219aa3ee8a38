#pragma once

#include "wire/taprecord.h"

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

// What is known about one opening handshake. Through the tap it is what was
// on the wire, byte for byte. On a direct connection the request is
// reconstructed from what QWebSocket is known to send, and `unknown` says
// what is missing so the inspector can say so instead of guessing.
struct HandshakeInfo
{
    using Header = QPair<QByteArray, QByteArray>;

    struct AcceptCheck
    {
        bool available = false;     // a key was sent and a 101 came back
        QByteArray key;             // Sec-WebSocket-Key as sent
        QByteArray sha1Hex;         // SHA-1 of key + GUID, in hex
        QByteArray expected;        // its base64: what the server must send
        QByteArray received;        // Sec-WebSocket-Accept as received
        bool matches = false;
    };

    // Microseconds; -1 where the step did not happen (no DNS for an address, no TLS for ws://).
    struct Timing
    {
        qint64 dns = -1;
        qint64 tcp = -1;
        qint64 tls = -1;
        qint64 tunnel = -1;         // connection ready to the request going out (the local tap's CONNECT)
        qint64 upgrade = -1;        // request sent to response head complete
        qint64 total = -1;          // CONNECT received to response head complete
    };

    static constexpr QByteArrayView Guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    bool captured = false;          // true: from the tap's bytes; false: reconstructed
    QString url;
    QByteArray requestLine;
    QList<Header> requestHeaders;
    QByteArray requestRaw;
    QByteArray statusLine;          // empty until the server has answered
    QList<Header> responseHeaders;
    QByteArray responseRaw;
    QByteArray responseBody;        // after a non-101 answer, decoded (chunked), up to MaxBodyBytes
    QByteArray responseBodyRaw;     // the body as on the wire when that differs (chunked); else empty
    bool responseBodyTruncated = false;
    QString subprotocol;            // as negotiated, once open
    QString extensions;
    AcceptCheck accept;
    Timing timing;
    // Microseconds since the Unix epoch, UTC; -1 when not seen: the tap's
    // CONNECT, the request's first byte out, the response's first byte in.
    qint64 startUsec = -1;
    qint64 requestUsec = -1;
    qint64 responseUsec = -1;
    QString serverAddress;          // "address:port" the TCP connection went to, as the tap saw it
    bool hasTls = false;
    TapTls tls;
    QString failure;                // why the handshake failed, if it did
    QStringList findings;           // protocol problems in the handshake
    QStringList unknown;            // facts this connection cannot show

    static constexpr qsizetype MaxBodyBytes = 64 * 1024;
};
