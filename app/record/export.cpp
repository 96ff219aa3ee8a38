#include "export.h"

#include "record/har.h"
#include "record/pcapng.h"
#include "record/sessionfile.h"
#include "record/textlog.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QSaveFile>

#include <algorithm>
#include <vector>

namespace SessionExport {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("SessionExport", text);
}

} // namespace

Format formatForPath(const QString &path)
{
    const QString name = QFileInfo(path).fileName().toLower();
    if (name.endsWith(QStringLiteral(".jsonl")))
        return Format::SessionFile;
    if (name.endsWith(QStringLiteral(".har")))
        return Format::Har;
    if (name.endsWith(QStringLiteral(".pcapng")))
        return Format::Pcapng;
    if (name.endsWith(QStringLiteral(".txt")))
        return Format::Text;
    return Format::Unknown;
}

QString fileFilter(Format format)
{
    switch (format) {
    case Format::SessionFile: return tr("wsscope session (*.wsscope.jsonl *.jsonl)");
    case Format::Har: return tr("HTTP Archive (*.har)");
    case Format::Pcapng: return tr("Wireshark capture (*.pcapng)");
    case Format::Text: return tr("Text (*.txt)");
    case Format::Unknown: break;
    }
    return {};
}

QString suffix(Format format)
{
    switch (format) {
    case Format::SessionFile: return QStringLiteral(".wsscope.jsonl");
    case Format::Har: return QStringLiteral(".har");
    case Format::Pcapng: return QStringLiteral(".pcapng");
    case Format::Text: return QStringLiteral(".txt");
    case Format::Unknown: break;
    }
    return {};
}

bool write(const Session &session, Format format, QIODevice *out, const Options &options, QString *error)
{
    switch (format) {
    case Format::SessionFile: return SessionFile::write(session, out, options, error);
    case Format::Har: return Har::write(session, out, options, error);
    case Format::Pcapng: return Pcapng::write(session, out, options, error);
    case Format::Text: return TextLog::write(session, out, options, error);
    case Format::Unknown: break;
    }
    if (error)
        *error = tr("Unknown file format.");
    return false;
}

void walk(const Session &session, const std::function<void(int row)> &onRow,
          const std::function<void(const Session::Connection &connection, Stage stage)> &onConnection)
{
    struct Pending
    {
        qint64 timeUsec;
        int connection;   // index into connections()
        Stage stage;
    };
    const QList<Session::Connection> &connections = session.connections();
    std::vector<Pending> pending;
    for (int i = 0; i < connections.size(); ++i) {
        const Session::Connection &connection = connections.at(i);
        pending.push_back({connection.startUsec, i, Stage::Start});
        if (connection.handshakeUsec >= 0)
            pending.push_back({connection.handshakeUsec, i, Stage::Handshake});
        if (connection.endUsec >= 0)
            pending.push_back({connection.endUsec, i, Stage::End});
    }
    std::stable_sort(pending.begin(), pending.end(),
                     [](const Pending &a, const Pending &b) { return a.timeUsec < b.timeUsec; });
    const MessageLog &log = *session.log();
    const int rows = log.count();
    size_t next = 0;
    for (int row = 0; row < rows; ++row) {
        const qint64 time = log.at(row).timeUsec;
        while (next < pending.size() && pending[next].timeUsec < time) {
            onConnection(connections.at(pending[next].connection), pending[next].stage);
            ++next;
        }
        onRow(row);
    }
    for (; next < pending.size(); ++next)
        onConnection(connections.at(pending[next].connection), pending[next].stage);
}

Snapshot snapshot(const Session &session)
{
    Snapshot result;
    result.rows = session.log()->rows();
    result.connections = session.connections();
    if (!result.connections.isEmpty() && session.captureHolds(result.connections.last().id)) {
        result.wire = session.capture()->records();
        result.exactWire = true;
    }
    result.savedWire = session.savedWire();
    return result;
}

bool saveSnapshot(const Snapshot &snapshot, const QString &path, const Options &options, QString *error)
{
    Session session;
    session.log()->adoptRows(snapshot.rows);
    session.loadSaved(snapshot.connections, snapshot.wire, snapshot.exactWire);
    session.setSavedWire(snapshot.savedWire);
    return save(session, path, options, error);
}

bool save(const Session &session, const QString &path, const Options &options, QString *error)
{
    const Format format = formatForPath(path);
    if (format == Format::Unknown) {
        if (error)
            *error = tr("%1: the name must end in .jsonl, .har, .pcapng or .txt to say the format.").arg(path);
        return false;
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        if (error)
            *error = tr("Cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    QString why;
    if (!write(session, format, &file, options, &why)) {
        file.cancelWriting();
        if (error)
            *error = tr("Cannot write %1: %2").arg(path, why.isEmpty() ? file.errorString() : why);
        return false;
    }
    if (!file.commit()) {
        if (error)
            *error = tr("Cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

} // namespace SessionExport
