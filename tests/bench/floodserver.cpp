#include "floodserver.h"

#include <QCryptographicHash>
#include <QTcpSocket>

namespace {
constexpr qint64 ChunkBytes = 256 * 1024;
constexpr qint64 HighWater = 4 * 1024 * 1024;
}

FloodServer::FloodServer(qint64 messages, int payloadBytes, bool binary, QObject *parent)
    : QTcpServer(parent)
    , m_quota(messages)
{
    QByteArray header;
    header.append(char(binary ? 0x82 : 0x81));
    if (payloadBytes < 126) {
        header.append(char(payloadBytes));
    } else if (payloadBytes <= 0xFFFF) {
        header.append(char(126));
        header.append(char(payloadBytes >> 8));
        header.append(char(payloadBytes & 0xFF));
    } else {
        header.append(char(127));
        for (int shift = 56; shift >= 0; shift -= 8)
            header.append(char((quint64(payloadBytes) >> shift) & 0xFF));
    }
    QByteArray payload(payloadBytes, 'x');
    for (int i = 0; i < payloadBytes; ++i)
        payload[i] = char('a' + i % 26);
    m_frame = header + payload;
    m_framesPerChunk = qMax<qint64>(1, ChunkBytes / m_frame.size());
    m_chunk = m_frame.repeated(m_framesPerChunk);
    connect(this, &QTcpServer::newConnection, this, &FloodServer::onNewConnection);
}

void FloodServer::onNewConnection()
{
    while (QTcpSocket *socket = nextPendingConnection()) {
        socket->setParent(this);
        auto request = std::make_shared<QByteArray>();
        connect(socket, &QTcpSocket::readyRead, socket, [this, socket, request] {
            if (request->endsWith("\r\n\r\n") || request->contains("\r\n\r\n")) {
                socket->readAll();   // frames from the client (a Close) are not our business
                return;
            }
            *request += socket->readAll();
            if (!request->contains("\r\n\r\n"))
                return;
            const int at = int(request->indexOf("Sec-WebSocket-Key: ")) + 19;
            const QByteArray key = request->mid(at, request->indexOf("\r\n", at) - at);
            const QByteArray accept = QCryptographicHash::hash(QByteArray(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"),
                                                               QCryptographicHash::Sha1).toBase64();
            socket->write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                          "Sec-WebSocket-Accept: " + accept + "\r\n\r\n");
            m_sent = 0;
            connect(socket, &QTcpSocket::bytesWritten, socket, [this, socket] { pump(socket); });
            pump(socket);
        });
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
    }
}

void FloodServer::pump(QTcpSocket *socket)
{
    while (m_sent < m_quota && socket->bytesToWrite() < HighWater) {
        const qint64 frames = qMin(m_framesPerChunk, m_quota - m_sent);
        socket->write(frames == m_framesPerChunk ? m_chunk : m_frame.repeated(frames));
        m_sent += frames;
        if (m_sent == m_quota)
            socket->write(QByteArray("\x88\x02\x03\xe8", 4));   // Close 1000
    }
}
