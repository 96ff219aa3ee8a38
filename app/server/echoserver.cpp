#include "echoserver.h"

#include <QWebSocket>
#include <QWebSocketServer>

namespace {
// A client of the built-in server cannot make it hold more than this at once.
constexpr qint64 MaxEchoMessageBytes = 256 * 1024 * 1024;
}

EchoServer::EchoServer(QObject *parent)
    : QObject(parent)
    , m_server(new QWebSocketServer(QStringLiteral("wsscope echo"), QWebSocketServer::NonSecureMode, this))
{
    connect(m_server, &QWebSocketServer::newConnection, this, &EchoServer::onNewConnection);
}

EchoServer::~EchoServer()
{
    close();
}

bool EchoServer::listen(quint16 port, const QHostAddress &address)
{
    return m_server->listen(address, port);
}

void EchoServer::close()
{
    m_server->close();
    for (QWebSocket *client : std::as_const(m_clients)) {
        client->disconnect(this);
        client->abort();
        client->deleteLater();
    }
    m_clients.clear();
}

bool EchoServer::isListening() const
{
    return m_server->isListening();
}

QUrl EchoServer::url() const
{
    QUrl url = m_server->serverUrl();
    if (url.path().isEmpty())
        url.setPath(QStringLiteral("/"));
    return url;
}

QString EchoServer::errorString() const
{
    return m_server->errorString();
}

int EchoServer::clientCount() const
{
    return int(m_clients.size());
}

void EchoServer::onNewConnection()
{
    while (QWebSocket *client = m_server->nextPendingConnection()) {
        client->setMaxAllowedIncomingMessageSize(MaxEchoMessageBytes);
        m_clients.append(client);
        const QString peer = client->peerAddress().toString() + u':' + QString::number(client->peerPort());
        connect(client, &QWebSocket::textMessageReceived, client, &QWebSocket::sendTextMessage);
        connect(client, &QWebSocket::binaryMessageReceived, client, &QWebSocket::sendBinaryMessage);
        connect(client, &QWebSocket::disconnected, this, [this, client, peer] {
            m_clients.removeOne(client);
            client->deleteLater();
            Q_EMIT clientDisconnected(peer);
        });
        Q_EMIT clientConnected(peer);
    }
}
