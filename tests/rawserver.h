#pragma once

#include <QByteArray>
#include <QList>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QUrl>

// A TCP server on loopback that reads one HTTP request head and then answers
// with canned bytes, or never answers when given none: the servers that misbehave.
class RawServer : public QObject
{
    Q_OBJECT

public:
    explicit RawServer(const QByteArray &answer = {}, QObject *parent = nullptr)
        : QObject(parent)
        , m_answer(answer)
    {
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = m_server.nextPendingConnection()) {
                m_sockets.append(socket);
                connect(socket, &QTcpSocket::readyRead, this, [this, socket] {
                    m_request += socket->readAll();
                    if (!m_answer.isEmpty() && m_request.contains("\r\n\r\n") && !m_answered) {
                        m_answered = true;
                        socket->write(m_answer);
                    }
                });
                connect(socket, &QTcpSocket::disconnected, this, [this] { ++m_disconnects; });
            }
        });
        m_server.listen(QHostAddress::LocalHost, 0);
    }

    QUrl url() const
    {
        return QUrl(QStringLiteral("ws://127.0.0.1:%1/").arg(m_server.serverPort()));
    }
    QByteArray request() const { return m_request; }
    int connections() const { return int(m_sockets.size()); }
    int disconnects() const { return m_disconnects; }

private:
    QTcpServer m_server;
    QList<QPointer<QTcpSocket>> m_sockets;
    QByteArray m_answer;
    QByteArray m_request;
    bool m_answered = false;
    int m_disconnects = 0;
};
