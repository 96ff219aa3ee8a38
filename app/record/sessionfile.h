#pragma once

#include "record/export.h"
#include "session/session.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>

#include <atomic>

class QFile;
class QIODevice;

// The session file: JSON Lines, one event per line, described in README.md.
// Line 1 names the format and its version; then, in the order they happened,
// "connection", "handshake", "message", "event" and "close" lines; an "end"
// line when the file was finished cleanly.
namespace SessionFile {

inline constexpr int Version = 3;
// Version 1 files (no "wire" or "tap" lines) and version 2 files (every
// message line holds its payload) are read too.
inline constexpr int OldestVersion = 1;
inline constexpr QByteArrayView FormatName = "wsscope-session";
// From a stream (a pipe, a device), lines longer than this are not read: a
// stream is not trusted to end. A file on disk may hold a line as long as
// itself, since a message as large as wsscope accepts (256 MiB by default,
// 2 GiB at most) is written on one line, as base64 for binary.
inline constexpr qsizetype MaxStreamLineBytes = 64 * 1024 * 1024;

// A JSON string literal of UTF-8 text, quotes included.
QByteArray jsonString(QByteArrayView utf8);
// 2026-11-24T22:03:08.123456Z
QByteArray timeText(qint64 usec);

// Each returns one line, '\n' included.
QByteArray headerLine(qint64 createdUsec);
QByteArray connectionLine(const Session::Connection &connection, const SessionExport::Options &options);
QByteArray handshakeLine(const Session::Connection &connection, const SessionExport::Options &options);
QByteArray closeLine(const Session::Connection &connection);
// A log row: a message, a ping or pong, or an event.
QByteArray rowLine(const MessageLog &log, int row);
QByteArray rowLine(const MessageLog::Entry &entry, QByteArrayView data);
// The same, appended to `out` (no temporary line). A pong that answered one
// of our pings gets its round trip as "rttUs" (when rttUsec >= 0). With
// wireMessage >= 0 the payload is not written: the line says it is that
// received data message of its connection's "wire" lines, which come
// before it in the file (see payloadInWire()).
void appendRowLine(QByteArray &out, const MessageLog::Entry &entry, QByteArrayView data, qint64 rttUsec = -1,
                   qint32 wireMessage = -1);
// Whether a row's payload may be written once, in the wire lines only: a
// received text or binary message larger than this many bytes, of a
// connection whose wire lines are in the file whole. Smaller ones stay
// readable in their line for little cost.
inline constexpr qsizetype WirePayloadAbove = 4096;
bool payloadInWire(const MessageLog::Entry &entry, qsizetype size);
QByteArray endLine(qint64 timeUsec);
// One record of the wire tap: a "wire" line (bytes, base64) or a "tap" line
// (a step of the connection), appended to `out`.
void appendWireLine(QByteArray &out, int connection, const TapRecord &record);

bool write(const Session &session, QIODevice *out, const SessionExport::Options &options, QString *error);

// What reading a file gave. Reading goes as far as the file is readable;
// `problem` says where and why it stopped, or is empty.
struct Loaded
{
    QList<Session::Connection> connections;
    bool valid = false;        // the first line named the format and a version this wsscope reads
    int rows = 0;
    bool ended = false;        // the file has its "end" line
    QString problem;
    int problemLine = 0;       // 1-based; 0 when there is no problem
    int version = 0;
    // The tap's records by connection id, as they were captured (version 2).
    QHash<int, QList<TapRecord>> wire;
};

// Reads a session file into `log` (which should be empty) and the returned
// connections. Never throws, never crashes on any input. Reads in large
// chunks into one buffer that every line reuses. When *cancel turns true
// (from another thread), reading stops within a line or a chunk, with a
// problem that says so.
Loaded read(QIODevice *in, MessageLog *log, const std::atomic<bool> *cancel = nullptr);
// The longest line read() accepts from `in`.
qsizetype lineLimit(const QIODevice *in);

// The last connection's byte stream for the Wire tab: as it was captured
// when the file has it (*exact true), else rebuilt from the log.
QList<TapRecord> wireOf(const Loaded &loaded, const MessageLog &log, bool *exact);
// Shows what was read in `session`, read-only (the log must be adopted first).
void show(const Loaded &loaded, const QList<TapRecord> &wire, bool exact, Session *session);

// Opens `path` for read(): a regular file only (a named pipe, a device, a
// socket or a directory is refused before anything is read), with the reason
// in *error ("Cannot open PATH: ...").
bool openFile(QFile *file, const QString &path, QString *error);

// Reads `path` and shows it in `session`, read-only. False with the reason
// when nothing at all could be read; a partial read returns true with
// loaded->problem set.
bool load(const QString &path, Session *session, Loaded *loaded, QString *error);

} // namespace SessionFile
