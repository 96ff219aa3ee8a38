#pragma once

#include <QByteArray>
#include <QTcpServer>

class QTcpSocket;

// A WebSocket server cheap enough never to be the bottleneck: it answers the
// upgrade, then writes frames built once in advance, in large chunks, as fast
// as the socket drains, until it has sent its quota; then it sends a Close.
class FloodServer : public QTcpServer
{
    Q_OBJECT

public:
    FloodServer(qint64 messages, int payloadBytes, bool binary, QObject *parent = nullptr);

private:
    void onNewConnection();
    void pump(QTcpSocket *socket);

    QByteArray m_chunk;
    qint64 m_framesPerChunk = 0;
    qint64 m_quota = 0;
    qint64 m_sent = 0;
    QByteArray m_frame;
};
