#pragma once

#include <QHostAddress>
#include <QObject>
#include <QUrl>

class QWebSocket;
class QWebSocketServer;

// The embedded default peer: a WebSocket server on loopback that sends every
// text and binary message back as it came. Pings are answered by Qt itself.
class EchoServer : public QObject
{
    Q_OBJECT

public:
    explicit EchoServer(QObject *parent = nullptr);
    ~EchoServer() override;
    Q_DISABLE_COPY_MOVE(EchoServer)

    // port 0 lets the OS choose. Returns false with errorString() set.
    bool listen(quint16 port = 0, const QHostAddress &address = QHostAddress::LocalHost);
    void close();
    bool isListening() const;
    QUrl url() const;
    QString errorString() const;
    int clientCount() const;

Q_SIGNALS:
    void clientConnected(const QString &peer);
    void clientDisconnected(const QString &peer);

private:
    void onNewConnection();

    QWebSocketServer *m_server;
    QList<QWebSocket *> m_clients;
};
