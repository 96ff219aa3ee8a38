#pragma once

#include <QByteArray>
#include <QCryptographicHash>
#include <QList>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>
#include <QUrl>

// A TCP server on loopback that reads one HTTP request head and then answers
// with canned bytes, or never answers when given none: the servers that misbehave.
// With upgrade(), it accepts the WebSocket handshake properly and then sends
// the given raw bytes (a frame Qt should object to, say) and ignores the rest.
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
                        socket->write(m_upgrade ? upgradeAnswer() + m_answer : m_answer);
                        if (!m_later.isEmpty())
                            QTimer::singleShot(m_laterMs, socket, [this, socket] { socket->write(m_later); });
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
    // Answer with a valid 101, then with the bytes given to the constructor.
    void upgrade() { m_upgrade = true; }
    // Bytes to send `ms` after the answer: a frame that arrives in two parts.
    void thenAfter(int ms, const QByteArray &bytes)
    {
        m_laterMs = ms;
        m_later = bytes;
    }
    // Extra header lines for the 101 of upgrade(), each ending in \r\n.
    void setUpgradeHeaders(const QByteArray &lines) { m_upgradeHeaders = lines; }
    int connections() const { return int(m_sockets.size()); }
    int disconnects() const { return m_disconnects; }

private:
    QByteArray upgradeAnswer() const
    {
        const int at = int(m_request.indexOf("Sec-WebSocket-Key: ")) + 19;
        const QByteArray key = m_request.mid(at, m_request.indexOf("\r\n", at) - at);
        const QByteArray accept = QCryptographicHash::hash(QByteArray(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"),
                                                           QCryptographicHash::Sha1).toBase64();
        return "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               "Sec-WebSocket-Accept: " + accept + "\r\n" + m_upgradeHeaders + "\r\n";
    }

    QTcpServer m_server;
    QList<QPointer<QTcpSocket>> m_sockets;
    QByteArray m_answer;
    QByteArray m_later;
    int m_laterMs = 0;
    QByteArray m_request;
    bool m_answered = false;
    bool m_upgrade = false;
    QByteArray m_upgradeHeaders;
    int m_disconnects = 0;
};
