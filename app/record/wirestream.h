#pragma once

#include "session/session.h"

#include <QByteArray>
#include <QList>

class MessageLog;
class WireCapture;

// One connection's TCP byte stream in both directions, for the pcapng export
// and for the Wire tab of a reopened session. When the capture still holds
// the connection's bytes they are used as they were; otherwise (a reopened
// session, an earlier connection, a direct connection) the stream is rebuilt
// from the handshake and the log: each message becomes one frame.
namespace WireStream {

struct Piece
{
    qint64 timeUsec = 0;
    bool fromClient = false;
    QByteArray bytes;
};

struct Stream
{
    QList<Piece> pieces;          // in the order they crossed the connection
    bool exact = false;           // true: captured bytes; false: rebuilt from the log
    QString serverHost;           // address the TCP connection went to, when known
    quint16 serverPort = 0;
    qint64 startUsec = 0;         // the TCP connection opens
    qint64 endUsec = 0;           // and ends
    bool clientEndedFirst = true; // which side's FIN comes first
    bool ended = true;            // false: the connection was still open when the stream was taken
};

// `capture` may be null, or hold another connection: then the stream is rebuilt.
// With maskSecrets, the credential headers and `maskedValues` in the heads
// are hidden (Secrets::maskedHead).
Stream forConnection(const Session::Connection &connection, const MessageLog &log, const WireCapture *capture,
                     bool maskSecrets, const QList<QByteArray> &maskedValues);
// The stream as tap records, to feed a WireCapture.
QList<TapRecord> tapRecords(const Stream &stream);
// The tap's records of connection `id`, as they were captured, when the
// session has them: its capture's (the connection in progress or last) or a
// saved session's. Empty when they are gone (an earlier connection of a live
// session, a direct connection, a capture that dropped its history).
QList<TapRecord> capturedRecords(const Session &session, int id);
// Replaces the values of secret headers in the HTTP heads at the start of
// each direction's bytes, and `maskedValues` in their values; every record
// keeps its size.
void maskSecrets(QList<TapRecord> &records, const QList<QByteArray> &maskedValues);

} // namespace WireStream
