#pragma once

#include "session/session.h"

#include <QString>

#include <functional>

class QIODevice;

// Saving a session's connections and log, in the session file format or as
// an export for other tools. Every format reads the same things: the
// session's connections(), log() and, where it still holds the bytes of a
// connection, capture().
namespace SessionExport {

enum class Format { SessionFile, Har, Pcapng, Text, Unknown };

struct Options
{
    // Replace the values of Authorization, Cookie, Set-Cookie and
    // Proxy-Authorization with asterisks.
    bool maskSecrets = false;
    // With maskSecrets, also hidden wherever they appear in a header's value:
    // the values of this session's secret variables (Secrets::valueForms).
    QList<QByteArray> maskedValues;

    // Whether payloads and URLs are masked too. Then the wire's own bytes
    // are not saved (a secret inside a masked or compressed frame cannot be
    // hidden in place): the frames are rebuilt from the masked messages.
    bool hidesValues() const { return maskSecrets && !maskedValues.isEmpty(); }
};

// By the file name's ending: .jsonl, .har, .pcapng, .txt (any case).
Format formatForPath(const QString &path);
// A filter for file dialogs, and the usual ending of a format's files.
QString fileFilter(Format format);
QString suffix(Format format);

// Writes the whole file in `format` to `out`; false with a reason in *error.
bool write(const Session &session, Format format, QIODevice *out, const Options &options, QString *error);
// A moment of a session that another thread can save while the session goes
// on: log rows shared (see MessageLog::rows()), connections and the captured
// bytes of the last connection copied.
struct Snapshot
{
    MessageLog::Rows rows;
    QList<Session::Connection> connections;
    QList<TapRecord> wire;
    bool exactWire = false;
    QHash<int, QList<TapRecord>> savedWire;   // Session::savedWire()
};
Snapshot snapshot(const Session &session);
// Builds a read-only Session from `snapshot` on the calling thread and saves
// it like save() does. Meant for a worker thread.
bool saveSnapshot(const Snapshot &snapshot, const QString &path, const Options &options, QString *error);

// Writes `path` through QSaveFile in the format its name says: either the
// whole file is written or the old file (or none) is left as it was.
bool save(const Session &session, const QString &path, const Options &options, QString *error);

} // namespace SessionExport

namespace SessionExport {

// Walks a session in the order things happened: every log row, with each
// connection's start, handshake and end placed after the rows up to its
// time (ties keep rows first, then start, handshake, end). How every format
// orders its output, so that a journal and a later save agree.
enum class Stage { Start, Handshake, End };
void walk(const Session &session, const std::function<void(int row)> &onRow,
          const std::function<void(const Session::Connection &connection, Stage stage)> &onConnection);

} // namespace SessionExport
