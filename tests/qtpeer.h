#pragma once

#include <QPointer>
#include <QWebSocket>
#include <QWebSocketServer>

// A QWebSocketServer on loopback that keeps hold of the last client that
// connected, for tests that act as the server: close, drop, read close codes.
class QtPeer : public QObject
{
public:
    QtPeer()
        : m_server(QStringLiteral("wsscope test peer"), QWebSocketServer::NonSecureMode)
    {
        connect(&m_server, &QWebSocketServer::newConnection, this, [this] {
            while (QWebSocket *socket = m_server.nextPendingConnection()) {
                socket->setParent(&m_server);
                m_peer = socket;
            }
        });
        m_server.listen(QHostAddress::LocalHost);
    }

    bool isListening() const { return m_server.isListening(); }
    QUrl url() const { return m_server.serverUrl(); }
    void close() { m_server.close(); }
    // The last client that connected, or null.
    QWebSocket *peer() const { return m_peer; }

private:
    QWebSocketServer m_server;
    QPointer<QWebSocket> m_peer;
};
