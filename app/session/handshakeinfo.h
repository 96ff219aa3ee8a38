#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

// What is known about one opening handshake. On a direct connection the
// request is reconstructed from what QWebSocket is known to send, and the
// response is limited to what QWebSocket reveals; `unknown` says what is
// missing so the inspector can say so instead of guessing.
struct HandshakeInfo
{
    using Header = QPair<QByteArray, QByteArray>;

    QString url;
    QByteArray requestLine;
    QList<Header> requestHeaders;
    QByteArray statusLine;          // empty until the server has answered
    QList<Header> responseHeaders;
    QString subprotocol;            // as negotiated, once open
    QString failure;                // why the handshake failed, if it did
    QStringList unknown;            // facts this connection cannot show
};
