#pragma once

#include "log/messagelog.h"
#include "record/export.h"

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QLockFile>
#include <QObject>
#include <QString>
#include <QThread>
#include <QTimer>

#include <memory>
#include <vector>

class InspectServer;
class Session;
class JournalWriter;

// Writes a live session to a session file while it runs, so that a crash or
// a kill loses at most the last second. The GUI thread only copies new rows
// into a batch every FlushIntervalMs; a worker thread turns batches into
// lines, writes them and hands them to the OS. The file is locked while the
// journal lives: a journal whose lock is stale was left by a process that
// died, and can be recovered.
class Journal : public QObject
{
    Q_OBJECT

public:
    static constexpr int FlushIntervalMs = 250;

    // Starts a new journal file for `session` in `directory` (created if need
    // be). With options.maskSecrets, credentials never reach the disk.
    Journal(Session *session, const QString &directory, const SessionExport::Options &options = {},
            QObject *parent = nullptr);
    // A journal of the server mode: every client of `server`, each a
    // connection of the file, caught up with every FlushIntervalMs.
    Journal(InspectServer *server, const QString &directory, const SessionExport::Options &options = {},
            QObject *parent = nullptr);
    ~Journal() override;
    Q_DISABLE_COPY_MOVE(Journal)

    bool isOpen() const;
    QString path() const;
    QString errorString() const;
    // Ends the journal cleanly: writes the last rows and the end line, waits
    // for the writer, and removes the file unless `keep`.
    void finish(bool keep = false);
    // Masks credentials in what is written from now on (a connection line
    // already written stays as it was).
    void setMaskSecrets(bool mask);
    // With secrets masked, these too (Secrets::valueForms), from now on.
    void setMaskedValues(const QList<QByteArray> &values);

    // Where journals go unless told otherwise.
    static QString defaultDirectory();

    struct Recoverable
    {
        QString path;
        qint64 bytes = 0;
        QDateTime modified;
    };
    // Journals in `directory` that no running wsscope holds: left by a crash.
    static QList<Recoverable> recoverable(const QString &directory);

    // Rows and lines on their way to the writer thread.
    struct Batch;

Q_SIGNALS:
    // Writing failed (disk full, say); journaling stops, the session goes on.
    void failed(const QString &message);

private:
    // What both kinds share: the options and the file, opened.
    Journal(const QString &directory, const SessionExport::Options &options, QObject *parent);
    bool openFile(const QString &directory);
    void flushRows();
    void flushServer();
    void takeWire(bool force);
    void markPayloadsInWire();
    void addLine(const QByteArray &line);

    Session *m_session = nullptr;
    InspectServer *m_server = nullptr;
    // Per client of m_server: what of it is written.
    struct ServerClient
    {
        bool started = false;
        qsizetype records = 0;
        qint64 handshakeUsec = -1;
        bool closed = false;
    };
    QHash<int, ServerClient> m_serverClients;
    SessionExport::Options m_options;
    QString m_path;
    QString m_error;
    std::unique_ptr<QLockFile> m_lock;
    QThread m_thread;
    JournalWriter *m_writer = nullptr;
    QTimer m_timer;
    int m_written = 0;        // log rows already handed to the writer
    int m_handshakeWritten = 0;   // connection id whose handshake line is written
    int m_handshakeStage = 0;     // how complete it was then (see writeHandshake)
    int m_closeWritten = 0;
    // The wire capture's records already taken, of connection m_wireConnection.
    int m_wireConnection = 0;
    int m_wireChunks = 0;
    int m_wireEvents = 0;
    bool m_wireMasked = false;
    bool m_wireWhole = false;   // every record of m_wireConnection so far is taken
    bool m_finished = false;
    std::unique_ptr<Batch> m_batch;
};
