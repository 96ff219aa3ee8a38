#include "wirestream.h"

#include "log/messagelog.h"
#include "record/secrets.h"
#include "wire/wirecapture.h"

#include <QUrl>

#include <algorithm>

namespace WireStream {

namespace {

constexpr quint8 OpClose = 0x8;

// Splits "1.2.3.4:port" or "[v6]:port" (as the tap reports the TCP peer).
bool splitAddress(const QString &text, QString *host, quint16 *port)
{
    const qsizetype colon = text.lastIndexOf(u':');
    if (colon <= 0)
        return false;
    bool ok = false;
    const uint number = QStringView(text).sliced(colon + 1).toUInt(&ok);
    if (!ok || number == 0 || number > 0xFFFF)
        return false;
    QString name = text.left(colon);
    if (name.startsWith(u'[') && name.endsWith(u']'))
        name = name.mid(1, name.size() - 2);
    if (name.isEmpty())
        return false;
    *host = name;
    *port = quint16(number);
    return true;
}

void serverFromUrl(const QString &url, QString *host, quint16 *port)
{
    const QUrl parsed(url);
    *host = parsed.host();
    *port = quint16(parsed.port(parsed.scheme() == u"wss" ? 443 : 80));
}

// A mask key that depends only on the connection and the frame's place, so
// that exporting the same session twice gives the same bytes.
quint32 maskKey(int connection, int index)
{
    quint32 x = quint32(connection) * 0x9E3779B1u ^ (quint32(index) + 1u) * 0x85EBCA77u;
    x ^= x >> 15;
    x *= 0x2C1B3C6Du;
    x ^= x >> 12;
    return x == 0 ? 0x5A5A5A5Au : x;
}

// One unfragmented frame (FIN set) with the shortest length encoding.
QByteArray encodeFrame(quint8 opcode, QByteArrayView payload, bool masked, quint32 key)
{
    const quint64 length = quint64(payload.size());
    QByteArray out;
    out.reserve(payload.size() + 14);
    out.append(char(0x80 | opcode));
    const int maskBit = masked ? 0x80 : 0x00;
    if (length < 126) {
        out.append(char(maskBit | int(length)));
    } else if (length <= 0xFFFF) {
        out.append(char(maskBit | 126));
        out.append(char(length >> 8 & 0xFF));
        out.append(char(length & 0xFF));
    } else {
        out.append(char(maskBit | 127));
        for (int shift = 56; shift >= 0; shift -= 8)
            out.append(char(length >> shift & 0xFF));
    }
    if (!masked) {
        out.append(payload);
        return out;
    }
    const char keyBytes[4] = {char(key >> 24 & 0xFF), char(key >> 16 & 0xFF), char(key >> 8 & 0xFF), char(key & 0xFF)};
    out.append(keyBytes, 4);
    const qsizetype start = out.size();
    out.append(payload);
    char *data = out.data() + start;
    for (qsizetype i = 0; i < payload.size(); ++i)
        data[i] = char(data[i] ^ keyBytes[i % 4]);
    return out;
}

QByteArray closePayload(int code, const QString &reason)
{
    if (code == 1005 || code < 0)
        return {};   // 1005: no status code was sent
    QByteArray payload;
    payload.append(char(code >> 8 & 0xFF));
    payload.append(char(code & 0xFF));
    payload.append(reason.toUtf8());
    return payload;
}

// An HTTP head from its parts, for a handshake that has no raw bytes (a
// direct connection's reconstructed request, say).
QByteArray headFrom(const QByteArray &startLine, const QList<HandshakeInfo::Header> &headers)
{
    QByteArray head = startLine + "\r\n";
    for (const HandshakeInfo::Header &header : headers)
        head += header.first + ": " + header.second + "\r\n";
    head += "\r\n";
    return head;
}

// Masks the secret header values of the HTTP head at the start of one
// direction's bytes, which may span several pieces. Secrets::maskedHead keeps
// the length, so every piece keeps its size.
void maskHeadInPieces(QList<Piece> &pieces, bool fromClient, const QList<QByteArray> &values)
{
    constexpr qsizetype MaxHeadBytes = 1024 * 1024;
    QByteArray head;
    qsizetype headEnd = -1;
    for (const Piece &piece : std::as_const(pieces)) {
        if (piece.fromClient != fromClient)
            continue;
        const qsizetype searchFrom = qMax<qsizetype>(0, head.size() - 3);
        head += piece.bytes;
        headEnd = head.indexOf("\r\n\r\n", searchFrom);
        if (headEnd >= 0 || head.size() >= MaxHeadBytes)
            break;
    }
    if (headEnd >= 0)
        head.truncate(headEnd + 4);
    const QByteArray masked = Secrets::maskedHead(head, values);
    if (masked == head)
        return;
    qsizetype at = 0;
    for (Piece &piece : pieces) {
        if (piece.fromClient != fromClient)
            continue;
        if (at >= masked.size())
            break;
        const qsizetype take = qMin(piece.bytes.size(), masked.size() - at);
        piece.bytes.replace(0, take, QByteArrayView(masked).sliced(at, take).toByteArray());
        at += take;
    }
}

Stream captured(const Session::Connection &connection, const WireCapture &capture, bool maskSecrets,
                const QList<QByteArray> &values)
{
    Stream stream;
    stream.exact = true;
    for (const WireCapture::Chunk &chunk : capture.chunks())
        stream.pieces.append({chunk.timeUsec, chunk.fromClient, chunk.bytes});
    if (maskSecrets) {
        maskHeadInPieces(stream.pieces, true, values);
        maskHeadInPieces(stream.pieces, false, values);
    }

    qint64 tcpUp = -1, clientClosed = -1, serverClosed = -1;
    QString address;
    for (const TapRecord &event : capture.events()) {
        switch (event.type) {
        case TapRecord::Type::TcpConnected:
            tcpUp = event.timeUsec;
            address = event.text.section(u' ', 0, 0);   // what follows names a proxy
            break;
        case TapRecord::Type::ClientClosed:
            if (clientClosed < 0)
                clientClosed = event.timeUsec;
            break;
        case TapRecord::Type::ServerClosed:
            if (serverClosed < 0)
                serverClosed = event.timeUsec;
            break;
        default:
            break;
        }
    }
    if (address.isEmpty())
        address = connection.handshake.serverAddress;
    if (!splitAddress(address, &stream.serverHost, &stream.serverPort))
        serverFromUrl(connection.url, &stream.serverHost, &stream.serverPort);

    const qint64 firstTime = stream.pieces.isEmpty() ? -1 : stream.pieces.first().timeUsec;
    const qint64 lastTime = stream.pieces.isEmpty() ? -1 : stream.pieces.last().timeUsec;
    stream.startUsec = tcpUp >= 0 ? tcpUp
        : connection.handshake.startUsec >= 0 ? connection.handshake.startUsec
                                               : connection.startUsec;
    if (firstTime >= 0)
        stream.startUsec = qMin(stream.startUsec, firstTime);
    if (clientClosed >= 0 || serverClosed >= 0) {
        stream.ended = true;
        stream.endUsec = qMax(clientClosed, serverClosed);
        stream.clientEndedFirst = clientClosed >= 0 && (serverClosed < 0 || clientClosed <= serverClosed);
    } else {
        stream.ended = connection.endUsec >= 0;
        stream.endUsec = connection.endUsec >= 0 ? connection.endUsec : lastTime;
        stream.clientEndedFirst = connection.close.closer != Session::Closer::Peer
            && connection.close.closer != Session::Closer::Nobody;
    }
    stream.endUsec = qMax(stream.endUsec, qMax(lastTime, stream.startUsec));
    return stream;
}

Stream rebuilt(const Session::Connection &connection, const MessageLog &log, bool maskSecrets,
               const QList<QByteArray> &values)
{
    Stream stream;
    stream.exact = false;
    const HandshakeInfo &handshake = connection.handshake;
    if (!splitAddress(handshake.serverAddress, &stream.serverHost, &stream.serverPort))
        serverFromUrl(connection.url, &stream.serverHost, &stream.serverPort);
    stream.startUsec = handshake.startUsec >= 0 ? handshake.startUsec : connection.startUsec;

    // Times only move forward: a piece is never earlier than the one before it.
    qint64 clock = stream.startUsec;
    const auto add = [&stream, &clock](qint64 timeUsec, bool fromClient, const QByteArray &bytes) {
        clock = qMax(clock, timeUsec);
        stream.pieces.append({clock, fromClient, bytes});
    };

    QByteArray request = handshake.requestRaw;
    if (request.isEmpty() && !handshake.requestLine.isEmpty())
        request = headFrom(handshake.requestLine, handshake.requestHeaders);
    if (request.isEmpty()) {
        stream.endUsec = qMax(stream.startUsec, connection.endUsec);
        stream.ended = connection.endUsec >= 0;
        return stream;
    }
    const qint64 requestTime = handshake.requestUsec >= 0 ? handshake.requestUsec : stream.startUsec;
    add(requestTime, true, maskSecrets ? Secrets::maskedHead(request, values) : request);

    QByteArray response = handshake.responseRaw;
    if (response.isEmpty() && !handshake.statusLine.isEmpty()) {
        QList<HandshakeInfo::Header> headers = handshake.responseHeaders;
        // A direct connection knows only that the upgrade succeeded; a 101
        // to a WebSocket upgrade always carries these two.
        if (headers.isEmpty() && handshake.statusLine.contains(" 101"))
            headers = {{"Upgrade", "websocket"}, {"Connection", "Upgrade"}};
        response = headFrom(handshake.statusLine, headers);
    }
    if (!response.isEmpty()) {
        // A direct connection has no response time of its own; the session noted when the upgrade ended.
        const qint64 responseTime = handshake.responseUsec >= 0 ? handshake.responseUsec
            : connection.handshakeUsec >= 0                      ? connection.handshakeUsec
                                                                 : requestTime;
        if (!connection.opened)
            response += handshake.responseBody;   // a non-101 answer's page
        add(responseTime, false, maskSecrets ? Secrets::maskedHead(response, values) : response);
    }

    int clientFrames = 0;
    const auto clientFrame = [&connection, &clientFrames](quint8 opcode, QByteArrayView payload) {
        return encodeFrame(opcode, payload, true, maskKey(connection.id, clientFrames++));
    };
    if (connection.opened) {
        for (int row = 0; row < log.count(); ++row) {
            const MessageLog::Entry &entry = log.at(row);
            if (entry.connection != connection.id || entry.direction == MessageLog::Direction::Local)
                continue;
            const auto opcode = quint8(MessageLog::opcodeOf(entry.kind));
            const bool fromClient = entry.direction == MessageLog::Direction::Sent;
            QByteArray masked;
            const QByteArrayView data =
                Secrets::maskedView(log.data(row), maskSecrets ? values : QList<QByteArray>(), &masked);
            add(entry.timeUsec, fromClient, fromClient ? clientFrame(opcode, data) : encodeFrame(opcode, data, false, 0));
        }
    }

    const qint64 lastTime = clock;
    stream.ended = connection.endUsec >= 0;
    stream.endUsec = qMax(lastTime, connection.endUsec);

    // The close handshake, as far as the connection's record tells it. Both
    // Qt and Node's ws answer a Close with the code and reason they received.
    const Session::CloseInfo &close = connection.close;
    stream.clientEndedFirst = true;
    if (connection.opened && stream.ended) {
        const bool noFrames = close.closer == Session::Closer::Nobody || close.code == 1006;
        const QByteArray payload = closePayload(close.code, close.reason);
        // The Close frames go shortly before the TCP close, never before the last message.
        const qint64 first = qMax(lastTime, stream.endUsec - 2000);
        const qint64 second = qMax(first, stream.endUsec - 1000);
        switch (close.closer) {
        case Session::Closer::Us:
        case Session::Closer::Client:
            if (!noFrames) {
                add(first, true, clientFrame(OpClose, payload));
                if (close.handshakeCompleted)
                    add(second, false, encodeFrame(OpClose, payload, false, 0));
            }
            break;
        case Session::Closer::Peer:
        case Session::Closer::Unknown:
            stream.clientEndedFirst = false;
            if (!noFrames) {
                add(first, false, encodeFrame(OpClose, payload, false, 0));
                add(second, true, clientFrame(OpClose, payload));
            }
            break;
        case Session::Closer::Nobody:
            stream.clientEndedFirst = false;   // the server or the network went away
            break;
        }
    } else if (!connection.opened) {
        stream.clientEndedFirst = false;   // a refused upgrade: the server hangs up
    }
    stream.endUsec = qMax(stream.endUsec, clock);
    return stream;
}

} // namespace

Stream forConnection(const Session::Connection &connection, const MessageLog &log, const WireCapture *capture,
                     bool maskSecrets, const QList<QByteArray> &maskedValues)
{
    return capture ? captured(connection, *capture, maskSecrets, maskedValues)
                   : rebuilt(connection, log, maskSecrets, maskedValues);
}

QList<TapRecord> capturedRecords(const Session &session, int id)
{
    if (session.captureHolds(id))
        return session.capture()->records();
    return session.savedWire().value(id);
}

void maskSecrets(QList<TapRecord> &records, const QList<QByteArray> &maskedValues)
{
    QList<Piece> pieces;
    QList<qsizetype> at;
    for (qsizetype i = 0; i < records.size(); ++i) {
        const TapRecord &record = records.at(i);
        if (record.type != TapRecord::Type::ClientBytes && record.type != TapRecord::Type::ServerBytes)
            continue;
        pieces.append({record.timeUsec, record.type == TapRecord::Type::ClientBytes, record.bytes});
        at.append(i);
    }
    maskHeadInPieces(pieces, true, maskedValues);
    maskHeadInPieces(pieces, false, maskedValues);
    for (qsizetype i = 0; i < pieces.size(); ++i)
        records[at.at(i)].bytes = pieces.at(i).bytes;
}

QList<TapRecord> tapRecords(const Stream &stream)
{
    QList<TapRecord> records;
    records.reserve(stream.pieces.size());
    for (const Piece &piece : stream.pieces) {
        TapRecord record;
        record.type = piece.fromClient ? TapRecord::Type::ClientBytes : TapRecord::Type::ServerBytes;
        record.timeUsec = piece.timeUsec;
        record.bytes = piece.bytes;
        records.append(record);
    }
    return records;
}

} // namespace WireStream
