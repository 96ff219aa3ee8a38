#include "pcapng.h"

#include "wire/wirecapture.h"

#include "record/secrets.h"
#include "record/wirestream.h"
#include "session/session.h"

#include <QCoreApplication>
#include <QHash>
#include <QHostAddress>
#include <QIODevice>
#include <QUrl>

// The file holds what wsscope knows of each connection as one synthetic TCP
// stream: Ethernet, IPv4 and TCP headers made up around the real bytes (the
// upgrade request and response and every frame, as the tap saw them inside
// any TLS), with real timestamps. Blocks are written by hand after the
// pcapng specification (draft-ietf-opsawg-pcapng): a Section Header Block, one
// Interface Description Block (LINKTYPE_ETHERNET, microsecond timestamps) and
// one Enhanced Packet Block per packet, all little-endian.
//
// Which server port the packets show. Wireshark picks the dissector of a TCP
// stream by port first (the lower port first) and only then by heuristics.
// Its HTTP dissector is registered on a fixed list of ports (80, 8080, 8088,
// 3128, ...: the http.tcp.port preference). Its "HTTP over TCP" heuristic,
// which spots "HTTP/1.1" at the start of a segment, only gets a chance when no
// port dissector took the stream. Tried with tshark 4.0: the real random port
// of a test server (41234, say) does get HTTP and WebSocket through the
// heuristic, and so does 443 because the TLS dissector lets go of plaintext;
// but 44818, well inside Linux's ephemeral range, belongs to EtherNet/IP and
// the stream shows as bare TCP. Which ports are taken changes from one
// Wireshark version to the next. So the stream keeps the real server port
// when it is one of Wireshark's default HTTP ports and shows port 80
// otherwise (always for wss://, whose port is usually 443), and the comment
// on the stream's first packet gives the real address and port. HTTP then
// sees the upgrade and its 101 hands the stream to the WebSocket dissector,
// with no preference or "Decode As" to set. Client ports count up from 50001:
// no dissector claims them, and they are above the server port, so the server
// port is the one Wireshark looks up first.

namespace Pcapng {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("Pcapng", text);
}

constexpr quint32 ShbType = 0x0A0D0D0A;
constexpr quint32 IdbType = 0x00000001;
constexpr quint32 EpbType = 0x00000006;
constexpr quint16 LinktypeEthernet = 1;
constexpr quint16 OptEnd = 0;
constexpr quint16 OptComment = 1;
constexpr quint16 OptShbUserAppl = 4;
constexpr quint16 OptIfName = 2;
constexpr quint16 OptIfDescription = 3;
constexpr quint16 OptIfTsresol = 9;

constexpr quint8 TcpFin = 0x01;
constexpr quint8 TcpSyn = 0x02;
constexpr quint8 TcpPsh = 0x08;
constexpr quint8 TcpAck = 0x10;
constexpr int Mss = 1460;           // an Ethernet-sized segment
constexpr quint16 Window = 65535;   // no window scaling: acknowledgements come every two segments
constexpr quint16 FallbackServerPort = 80;
constexpr quint16 FirstClientPort = 50001;
constexpr int ClientPorts = 5000;   // 50001…55000: no dissector is registered there

// Wireshark's default http.tcp.port: a real port from this list is kept.
bool isWiresharkHttpPort(quint16 port)
{
    static constexpr quint16 ports[] = {80, 3128, 3132, 5985, 8080, 8088, 11371, 1900, 2869, 2710};
    for (const quint16 p : ports) {
        if (p == port)
            return true;
    }
    return false;
}

// Documentation addresses (RFC 5737) for what has no real IPv4 address.
constexpr quint32 DocServer = 0xC6336401;   // 198.51.100.1
constexpr quint32 DocClient = 0xC0000201;   // 192.0.2.1
constexpr quint32 Loopback = 0x7F000001;    // 127.0.0.1

void le16(QByteArray &out, quint16 value)
{
    out.append(char(value & 0xFF));
    out.append(char(value >> 8));
}

void le32(QByteArray &out, quint32 value)
{
    for (int shift = 0; shift < 32; shift += 8)
        out.append(char(value >> shift & 0xFF));
}

void be16(QByteArray &out, quint16 value)
{
    out.append(char(value >> 8));
    out.append(char(value & 0xFF));
}

void be32(QByteArray &out, quint32 value)
{
    for (int shift = 24; shift >= 0; shift -= 8)
        out.append(char(value >> shift & 0xFF));
}

void pad4(QByteArray &out)
{
    while (out.size() % 4 != 0)
        out.append('\0');
}

void option(QByteArray &out, quint16 code, QByteArray value)
{
    value.truncate(0xFFFF);
    le16(out, code);
    le16(out, quint16(value.size()));
    out.append(value);
    pad4(out);
}

void stringOption(QByteArray &out, quint16 code, const QString &value)
{
    QByteArray utf8 = value.toUtf8();
    if (utf8.size() > 0xFFFF) {
        // Cut at a character boundary so that the comment stays valid UTF-8.
        qsizetype cut = 0xFFFF;
        while (cut > 0 && (quint8(utf8.at(cut)) & 0xC0) == 0x80)
            --cut;
        utf8.truncate(cut);
    }
    option(out, code, utf8);
}

// The Internet checksum (RFC 1071) over the given parts.
quint16 internetChecksum(std::initializer_list<QByteArrayView> parts)
{
    quint64 sum = 0;
    for (const QByteArrayView part : parts) {
        const auto *bytes = reinterpret_cast<const uchar *>(part.data());
        const qsizetype size = part.size();
        // Every part but the last has an even size here.
        for (qsizetype i = 0; i + 1 < size; i += 2)
            sum += quint32(bytes[i]) << 8 | bytes[i + 1];
        if (size % 2 != 0)
            sum += quint32(bytes[size - 1]) << 8;
    }
    while (sum >> 16)
        sum = (sum & 0xFFFF) + (sum >> 16);
    return quint16(~sum & 0xFFFF);
}

// Collects the file in memory a megabyte at a time and hands it to the device.
class Output
{
public:
    explicit Output(QIODevice *device)
        : m_device(device)
    {
    }

    void block(quint32 type, const QByteArray &body)
    {
        if (m_failed)
            return;
        const quint32 total = quint32(12 + body.size());
        le32(m_buffer, type);
        le32(m_buffer, total);
        m_buffer.append(body);
        le32(m_buffer, total);
        if (m_buffer.size() >= 1024 * 1024)
            flush();
    }

    bool flush()
    {
        if (m_failed || m_buffer.isEmpty())
            return !m_failed;
        const qint64 written = m_device->write(m_buffer);
        if (written != m_buffer.size())
            m_failed = true;
        m_buffer.clear();
        return !m_failed;
    }

    bool failed() const { return m_failed; }

private:
    QIODevice *m_device;
    QByteArray m_buffer;
    bool m_failed = false;
};

struct Endpoint
{
    QByteArray mac;
    quint32 ip = 0;
    quint16 port = 0;
    quint32 next = 0;      // sequence number of the next byte (or SYN/FIN) it sends
    quint32 ackSent = 0;   // the last acknowledgement number it sent
    quint16 ipId = 0;
};

class StreamWriter
{
public:
    StreamWriter(Output &output, Endpoint &client, Endpoint &server)
        : m_output(output)
        , m_client(client)
        , m_server(server)
    {
    }

    void handshake(qint64 timeUsec, const QString &comment)
    {
        packet(m_client, m_server, TcpSyn, {}, timeUsec, comment);
        packet(m_server, m_client, TcpSyn | TcpAck, {}, timeUsec, {});
        packet(m_client, m_server, TcpAck, {}, timeUsec, {});
    }

    // One piece of the stream, in segments of at most Mss bytes; the other
    // side acknowledges every second segment and the piece's end.
    void data(bool fromClient, const QByteArray &bytes, qint64 timeUsec, QString comment)
    {
        Endpoint &from = fromClient ? m_client : m_server;
        Endpoint &to = fromClient ? m_server : m_client;
        const QByteArrayView view(bytes);
        int segments = 0;
        for (qsizetype offset = 0; offset < view.size();) {
            const qsizetype size = qMin<qsizetype>(Mss, view.size() - offset);
            const bool last = offset + size == view.size();
            packet(from, to, quint8(TcpAck | (last ? TcpPsh : 0)), view.sliced(offset, size), timeUsec, comment);
            comment.clear();
            offset += size;
            if (last || ++segments % 2 == 0)
                acknowledge(to, from, timeUsec);
        }
    }

    void finish(bool clientFirst, qint64 timeUsec)
    {
        Endpoint &first = clientFirst ? m_client : m_server;
        Endpoint &second = clientFirst ? m_server : m_client;
        packet(first, second, TcpFin | TcpAck, {}, timeUsec, {});
        packet(second, first, TcpFin | TcpAck, {}, timeUsec, {});
        packet(first, second, TcpAck, {}, timeUsec, {});
    }

private:
    void acknowledge(Endpoint &receiver, Endpoint &sender, qint64 timeUsec)
    {
        // A pure ACK that acknowledges nothing new would be a duplicate ACK.
        if (receiver.ackSent != sender.next)
            packet(receiver, sender, TcpAck, {}, timeUsec, {});
    }

    void packet(Endpoint &from, const Endpoint &to, quint8 flags, QByteArrayView payload, qint64 timeUsec,
                const QString &comment)
    {
        const bool syn = flags & TcpSyn;
        const quint32 ack = (flags & TcpAck) ? to.next : 0;

        QByteArray tcp;
        const int headerBytes = syn ? 24 : 20;   // a SYN carries the MSS option
        tcp.reserve(headerBytes + payload.size());
        be16(tcp, from.port);
        be16(tcp, to.port);
        be32(tcp, from.next);
        be32(tcp, ack);
        tcp.append(char(headerBytes / 4 << 4));
        tcp.append(char(flags));
        be16(tcp, Window);
        be16(tcp, 0);   // checksum, below
        be16(tcp, 0);   // urgent pointer
        if (syn) {
            tcp.append(char(2));   // MSS
            tcp.append(char(4));
            be16(tcp, quint16(Mss));
        }
        tcp.append(payload);

        QByteArray pseudo;
        be32(pseudo, from.ip);
        be32(pseudo, to.ip);
        be16(pseudo, 6);   // TCP
        be16(pseudo, quint16(tcp.size()));
        const quint16 tcpChecksum = internetChecksum({pseudo, tcp});
        tcp[16] = char(tcpChecksum >> 8);
        tcp[17] = char(tcpChecksum & 0xFF);

        QByteArray ip;
        ip.append(char(0x45));   // IPv4, 20-byte header
        ip.append('\0');
        be16(ip, quint16(20 + tcp.size()));
        be16(ip, from.ipId++);
        be16(ip, 0x4000);        // don't fragment
        ip.append(char(64));     // TTL
        ip.append(char(6));      // TCP
        be16(ip, 0);             // checksum, below
        be32(ip, from.ip);
        be32(ip, to.ip);
        const quint16 ipChecksum = internetChecksum({ip});
        ip[10] = char(ipChecksum >> 8);
        ip[11] = char(ipChecksum & 0xFF);

        QByteArray frame;
        frame.reserve(14 + ip.size() + tcp.size());
        frame.append(to.mac);
        frame.append(from.mac);
        be16(frame, 0x0800);
        frame.append(ip);
        frame.append(tcp);

        QByteArray body;
        body.reserve(frame.size() + 32);
        le32(body, 0);   // interface
        const quint64 time = quint64(qMax<qint64>(0, timeUsec));
        le32(body, quint32(time >> 32));
        le32(body, quint32(time & 0xFFFFFFFF));
        le32(body, quint32(frame.size()));
        le32(body, quint32(frame.size()));
        body.append(frame);
        pad4(body);
        if (!comment.isEmpty()) {
            stringOption(body, OptComment, comment);
            le32(body, OptEnd);
        }
        m_output.block(EpbType, body);

        from.next += quint32(payload.size()) + (syn ? 1 : 0) + ((flags & TcpFin) ? 1 : 0);
        if (flags & TcpAck)
            from.ackSent = ack;
    }

    Output &m_output;
    Endpoint &m_client;
    Endpoint &m_server;
};

QString addressText(quint32 ip)
{
    return QHostAddress(ip).toString();
}

QString hostPort(const QString &host, quint16 port)
{
    return (host.contains(u':') ? u'[' + host + u']' : host) + u':' + QString::number(port);
}

void writeConnection(Output &output, const Session::Connection &connection, const WireStream::Stream &stream,
                     int index)
{
    Endpoint client;
    Endpoint server;
    client.mac = QByteArray::fromHex("020000000001");
    server.mac = QByteArray::fromHex("020000000002");

    // Addresses: the real server when it is IPv4, a stand-in otherwise.
    QStringList notes;
    const QHostAddress real(stream.serverHost);
    bool isV4 = false;
    const quint32 v4 = real.toIPv4Address(&isV4);
    if (isV4) {
        server.ip = v4;
    } else if (real.isLoopback()) {
        server.ip = Loopback;
        notes << tr("The server is %1, shown as %2 because this file holds IPv4 packets.")
                     .arg(hostPort(stream.serverHost, stream.serverPort), addressText(server.ip));
    } else if (!real.isNull()) {
        server.ip = DocServer;
        notes << tr("The server is %1, shown as the documentation address %2 because this file holds IPv4 packets.")
                     .arg(hostPort(stream.serverHost, stream.serverPort), addressText(server.ip));
    } else {
        server.ip = DocServer;
        notes << tr("The server's address is not known (host %1); it is shown as the documentation address %2.")
                     .arg(stream.serverHost.isEmpty() ? tr("unknown") : stream.serverHost, addressText(server.ip));
    }
    const bool loopback = (server.ip >> 24) == 127;
    client.ip = loopback ? Loopback : DocClient;
    if (!loopback)
        notes << tr("The client address %1 is a documentation address, not wsscope's real one.")
                     .arg(addressText(client.ip));

    server.port = isWiresharkHttpPort(stream.serverPort) ? stream.serverPort : FallbackServerPort;
    if (server.port != stream.serverPort)
        notes << tr("The server's real port is %1; it is shown as port %2 so that Wireshark dissects the stream "
                    "as HTTP and WebSocket with its default settings.")
                     .arg(stream.serverPort)
                     .arg(server.port);
    client.port = quint16(FirstClientPort + index % ClientPorts);

    // Deterministic initial sequence numbers and IP identifications.
    client.next = 0x10000000u + quint32(connection.id) * 0x00100000u;
    server.next = 0x80000000u + quint32(connection.id) * 0x00100000u;
    client.ipId = quint16(connection.id * 0x100);
    server.ipId = quint16(0x8000 + connection.id * 0x100);

    const bool tls = QUrl(connection.url).scheme() == u"wss";
    QString summary = tr("wsscope connection %1: %2.").arg(connection.id).arg(connection.url);
    summary += u' ';
    summary += stream.exact ? tr("The bytes are those wsscope's wire tap relayed, as they were.")
                            : tr("Rebuilt from the session's handshake and message log: the WebSocket frames are "
                                 "one frame per message; the original fragmentation, masking keys and frames Qt "
                                 "sent on its own (pongs) are not known.");
    if (tls)
        summary += u' ' + tr("TLS is not in this file: the stream is the plaintext inside it.");
    if (!notes.isEmpty())
        summary += u' ' + notes.join(u' ');
    if (!stream.ended)
        summary += u' ' + tr("The connection was still open when this file was written.");

    // Comments on the pieces where they help.
    QHash<int, QString> comments;
    int firstClient = -1;
    int firstServer = -1;
    int firstFrame = -1;   // in a rebuilt stream: the first piece after the response
    for (int i = 0; i < stream.pieces.size(); ++i) {
        const WireStream::Piece &piece = stream.pieces.at(i);
        if (piece.bytes.isEmpty())
            continue;
        if (firstServer >= 0 && firstFrame < 0) {
            firstFrame = i;
            break;
        }
        if (piece.fromClient && firstClient < 0)
            firstClient = i;
        if (!piece.fromClient && firstServer < 0)
            firstServer = i;
    }
    if (tls && firstClient >= 0)
        comments[firstClient] = tr("wss://: this is the plaintext inside TLS, as seen by wsscope (the TLS records are "
                                   "not in this file). The real server is %1.")
                                    .arg(hostPort(stream.serverHost, stream.serverPort));
    if (!stream.exact && firstFrame >= 0)
        comments[firstFrame] = tr("WebSocket frames rebuilt from wsscope's message log: one frame per message.");

    StreamWriter writer(output, client, server);
    writer.handshake(stream.startUsec, summary);
    for (int i = 0; i < stream.pieces.size(); ++i) {
        const WireStream::Piece &piece = stream.pieces.at(i);
        if (!piece.bytes.isEmpty())
            writer.data(piece.fromClient, piece.bytes, piece.timeUsec, comments.value(i));
    }
    if (stream.ended)
        writer.finish(stream.clientEndedFirst, stream.endUsec);
}

bool hasRequestBytes(const WireStream::Stream &stream)
{
    for (const WireStream::Piece &piece : stream.pieces) {
        if (piece.fromClient && !piece.bytes.isEmpty())
            return true;
    }
    return false;
}

} // namespace

bool write(const Session &session, QIODevice *out, const SessionExport::Options &options, QString *error)
{
    const auto fail = [error](const QString &message) {
        if (error)
            *error = message;
        return false;
    };
    if (!out || !out->isWritable())
        return fail(tr("Could not write the capture: the file is not open for writing."));

    Output output(out);
    // With secret values to hide, the URLs in the comments are masked too.
    QList<Session::Connection> connections = session.connections();
    if (options.hidesValues()) {
        for (Session::Connection &connection : connections)
            connection.url = Secrets::maskedText(connection.url, options.maskedValues);
    }

    // Section Header Block.
    QByteArray shb;
    le32(shb, 0x1A2B3C4D);   // byte-order magic
    le16(shb, 1);            // version 1.0
    le16(shb, 0);
    le32(shb, 0xFFFFFFFF);   // section length: not given
    le32(shb, 0xFFFFFFFF);
    const QString version = QCoreApplication::applicationVersion();
    QStringList urls;
    for (const Session::Connection &connection : connections)
        urls << connection.url;
    QString sectionComment = QCoreApplication::translate(
        "Pcapng", "Written by wsscope from a session of %n WebSocket connection(s)", nullptr, int(connections.size()));
    if (!urls.isEmpty())
        sectionComment += QStringLiteral(": ") + urls.join(QStringLiteral(", "));
    sectionComment += QStringLiteral(". ")
        + tr("Each connection is one TCP stream with synthetic Ethernet, IPv4 and TCP headers around the bytes "
             "wsscope saw; see the comment on each stream's first packet.");
    stringOption(shb, OptComment, sectionComment);
    stringOption(shb, OptShbUserAppl,
                 version.isEmpty() ? QStringLiteral("wsscope") : QStringLiteral("wsscope ") + version);
    le32(shb, OptEnd);
    output.block(ShbType, shb);

    // Interface Description Block.
    QByteArray idb;
    le16(idb, LinktypeEthernet);
    le16(idb, 0);            // reserved
    le32(idb, 262144);       // snap length
    stringOption(idb, OptIfName, QStringLiteral("wsscope"));
    stringOption(idb, OptIfDescription, tr("WebSocket connections seen by wsscope, in synthetic TCP streams"));
    option(idb, OptIfTsresol, QByteArray(1, char(6)));   // microseconds
    le32(idb, OptEnd);
    output.block(IdbType, idb);

    const WireCapture *capture = session.capture();
    int written = 0;
    for (const Session::Connection &connection : connections) {
        // The capture holds the last connection of a live tap session (or of a
        // snapshot reopened with its exact bytes) while nothing was dropped.
        const bool exact = capture && session.captureHolds(connection.id);
        // A saved session keeps the captured records of its other connections too.
        WireCapture saved;
        const auto found = exact ? session.savedWire().cend() : session.savedWire().constFind(connection.id);
        if (found != session.savedWire().cend())
            saved.addRecords(*found);
        // Secret values to hide in payloads: the frames are rebuilt from the masked messages.
        const WireCapture *bytes = options.hidesValues()                 ? nullptr
            : exact                                                      ? capture
            : found != session.savedWire().cend()                        ? &saved
                                                                         : nullptr;
        const WireStream::Stream stream =
            WireStream::forConnection(connection, *session.log(), bytes, options.maskSecrets, options.maskedValues);
        if (!hasRequestBytes(stream))
            continue;
        writeConnection(output, connection, stream, written++);
        if (output.failed())
            break;
    }
    if (!output.flush() || output.failed())
        return fail(tr("Could not write the capture: %1").arg(out->errorString()));
    return true;
}

} // namespace Pcapng
