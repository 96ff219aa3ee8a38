#include "journal.h"

#include "server/inspectserver.h"

#include "record/secrets.h"
#include "record/sessionfile.h"
#include "record/wirestream.h"
#include "session/session.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>

#include <atomic>
#include <utility>

#ifdef Q_OS_LINUX
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>
#endif

namespace {

constexpr QLatin1StringView JournalSuffix(".wsscope.jsonl");
constexpr QLatin1StringView LockSuffix(".lock");
constexpr int WriterNice = 10;   // of 19; 0 is the default

} // namespace

// What the GUI thread hands to the writer: ready-made connection lines, then
// log rows. The rows are a slice of the log whose payloads are shared, not
// copied (MessageLog::rows()), so a batch costs the GUI thread 32 bytes a row.
struct Journal::Batch
{
    std::vector<QByteArray> lines;
    MessageLog::Rows rows;
    std::vector<qint64> rtts;   // per row, when a pong of the batch has a round trip; else empty
    // Per row, when a message of the batch has its payload in the wire lines
    // (SessionFile::payloadInWire()): its number there, else -1; else empty.
    std::vector<qint32> wireMessages;
    // The wire tap's records since the last batch, with their connection.
    std::vector<std::pair<int, TapRecord>> wire;
    // Values hidden in the rows' payloads (SessionExport::Options::hidesValues()).
    QList<QByteArray> maskedValues;
};

class JournalWriter : public QObject
{
    Q_OBJECT

public:
    explicit JournalWriter(const QString &path)
        : m_file(path)
    {
    }

    bool open(QString *error)
    {
        // Unbuffered: the lines are built in m_piece and go straight to the
        // OS; QFile's own buffer would only copy them once more.
        // Only its owner may read it: it holds what crossed the wire.
        if (m_file.open(QIODevice::WriteOnly | QIODevice::Truncate | QIODevice::Unbuffered,
                        QFileDevice::ReadOwner | QFileDevice::WriteOwner)
            && m_file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner))
            return true;
        *error = m_file.errorString();
        return false;
    }

    void write(const Journal::Batch &batch)
    {
        if (m_broken)
            return;
        for (const QByteArray &line : batch.lines)
            m_piece += line;
        // The wire before the rows: a row may say its payload is in it.
        for (const auto &[connection, record] : batch.wire) {
            SessionFile::appendWireLine(m_piece, connection, record);
            if (m_piece.size() >= PieceBytes && !put())
                return;
        }
        for (size_t i = 0; i < batch.rows.entries.size(); ++i) {
            const MessageLog::Entry &row = batch.rows.entries[i];
            QByteArray masked;
            const QByteArrayView data = Secrets::maskedView(MessageLog::data(batch.rows, row), batch.maskedValues, &masked);
            SessionFile::appendRowLine(m_piece, row, data,
                                       batch.rtts.empty() ? -1 : batch.rtts[i],
                                       batch.wireMessages.empty() ? -1 : batch.wireMessages[i]);
            if (m_piece.size() >= PieceBytes && !put())
                return;
        }
        // What is written is with the OS: a killed process loses nothing
        // that got this far.
        put();
    }

    void close() { m_file.close(); }

Q_SIGNALS:
    void failed(const QString &message);

private:
    // Hands m_piece to the OS and empties it, keeping its memory: a batch
    // of large messages is written a piece at a time through the same
    // buffer instead of being built whole in fresh memory.
    bool put()
    {
        if (m_file.write(m_piece) == m_piece.size()) {
            dropWritten(m_piece.size());
            if (m_piece.capacity() > 4 * PieceBytes)
                m_piece = QByteArray();   // a huge message passed: give its memory back
            else
                m_piece.resize(0);
            return true;
        }
        m_broken = true;
        m_piece = QByteArray();
        Q_EMIT failed(tr("The session journal %1 could not be written: %2. The session goes on without it.")
                          .arg(m_file.fileName(), m_file.errorString()));
        return false;
    }

    // The journal is read only after a crash, so its pages need not stay in
    // the page cache: writing back what is well behind the end and dropping
    // it lets a long flood reuse the same pages instead of filling memory.
    void dropWritten(qint64 bytes)
    {
#ifdef Q_OS_LINUX
        const int fd = m_file.handle();
        sync_file_range(fd, m_written, bytes, SYNC_FILE_RANGE_WRITE);
        m_written += bytes;
        if (m_written - m_dropped < 2 * DropBehind)
            return;
        const qint64 end = m_written - DropBehind;
        sync_file_range(fd, m_dropped, end - m_dropped,
                        SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER);
        posix_fadvise(fd, m_dropped, end - m_dropped, POSIX_FADV_DONTNEED);
        m_dropped = end;
#else
        Q_UNUSED(bytes)
#endif
    }

    static constexpr qsizetype PieceBytes = 1024 * 1024;
    static constexpr qint64 DropBehind = 8 * 1024 * 1024;
    qint64 m_written = 0;
    qint64 m_dropped = 0;
    QFile m_file;
    QByteArray m_piece;
    bool m_broken = false;
};

// The file, its lock, the writer thread and the first line; false with m_error set.
bool Journal::openFile(const QString &directory)
{
    if (!QDir().mkpath(directory)
        || !QFile::setPermissions(directory, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner)) {
        m_error = tr("Cannot create the journal folder %1.").arg(directory);
        m_finished = true;
        return false;
    }
    // Several sessions of one process (a window's tabs) can start within a
    // second: from the second on, each has its number.
    static std::atomic<int> serial{0};
    const int number = ++serial;
    QString base = QDir(directory).filePath(
        QStringLiteral("session-%1-%2")
            .arg(QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd-HHmmss")))
            .arg(QCoreApplication::applicationPid()));
    if (number > 1)
        base += u'-' + QString::number(number);
    m_path = base + JournalSuffix;
    m_lock = std::make_unique<QLockFile>(m_path + LockSuffix);
    m_lock->setStaleLockTime(0);   // stale only when its process is gone
    if (!m_lock->tryLock(0)) {
        m_error = tr("Cannot lock the journal %1.").arg(m_path);
        m_finished = true;
        return false;
    }
    auto writer = std::make_unique<JournalWriter>(m_path);
    if (!writer->open(&m_error)) {
        m_error = tr("Cannot write the journal %1: %2").arg(m_path, m_error);
        m_lock->unlock();
        m_finished = true;
        return false;
    }
    m_writer = writer.release();
    m_writer->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_writer, &QObject::deleteLater);
    connect(m_writer, &JournalWriter::failed, this, [this](const QString &message) {
        m_error = message;
        Q_EMIT failed(message);
    });
    m_thread.setObjectName(QStringLiteral("wsscope journal"));
#ifdef Q_OS_LINUX
    // QThread::LowPriority means nothing to Linux's normal scheduler, so the
    // writer thread lowers its own nice value: when a flood takes every core,
    // receiving and the window come first and the journal catches up after.
    connect(&m_thread, &QThread::started, m_writer, [] { setpriority(PRIO_PROCESS, id_t(gettid()), WriterNice); },
            Qt::DirectConnection);
#endif
    m_thread.start(QThread::LowPriority);
    addLine(SessionFile::headerLine(MessageLog::nowUsec()));
    return true;
}

Journal::Journal(const QString &directory, const SessionExport::Options &options, QObject *parent)
    : QObject(parent)
    , m_options(options)
    , m_batch(std::make_unique<Batch>())
{
    openFile(directory);
}

Journal::Journal(InspectServer *server, const QString &directory, const SessionExport::Options &options, QObject *parent)
    : Journal(directory, options, parent)
{
    m_server = server;
    if (!isOpen())
        return;
    m_timer.setInterval(FlushIntervalMs);
    connect(&m_timer, &QTimer::timeout, this, &Journal::flushRows);
    m_timer.start();
    flushRows();
}

Journal::Journal(Session *session, const QString &directory, const SessionExport::Options &options, QObject *parent)
    : Journal(directory, options, parent)
{
    m_session = session;
    if (!isOpen())
        return;
    const MessageLog *log = session->log();
    connect(log, &MessageLog::cleared, this, [this] { m_written = 0; });
    // A ring log drops its oldest rows: take them before they go.
    connect(log, &MessageLog::aboutToDrop, this, &Journal::flushRows);
    connect(log, &MessageLog::dropped, this, [this](int n) { m_written = qMax(0, m_written - n); });
    // The capture forgets a connection when the next one starts (or when a
    // ring log trims it): take its last records first.
    connect(session->capture(), &WireCapture::aboutToClear, this, [this] {
        takeWire(true);
        m_wireChunks = m_wireEvents = 0;
    });
    if (!session->isReadOnly() && !session->connections().isEmpty())
        m_wireConnection = session->connectionId();
    // The journal has a connection's wire from its first byte when it was
    // there when the connection started, or the capture still held it all.
    m_wireWhole = m_wireConnection != 0 && session->capture()->isComplete();
    connect(session, &Session::connectionStarted, this, [this](int id) {
        m_wireConnection = id;
        m_wireWhole = true;
        m_wireMasked = false;   // a new connection starts with new heads
        flushRows();
        addLine(SessionFile::connectionLine(m_session->connections().last(), m_options));
    });
    // The handshake line is written when the connection opens, and again
    // (the reader keeps the last) as the tap's bytes fill it in: once both
    // heads are decoded, once the whole answer is in, and at the end. So a
    // recovered journal shows the Handshake tab the live session showed,
    // and a growing body is not written over and over.
    const auto writeHandshake = [this](bool ending) {
        if (m_session->connections().isEmpty())
            return;
        const Session::Connection &connection = m_session->connections().last();
        if (connection.handshakeUsec < 0)
            return;
        const WireCapture *capture = m_session->capture();
        const int stage = ending ? 3 : capture->responseComplete() ? 2 : capture->headsDone() ? 1 : 0;
        if (m_handshakeWritten == connection.id && stage <= m_handshakeStage)
            return;
        m_handshakeWritten = connection.id;
        m_handshakeStage = stage;
        flushRows();
        addLine(SessionFile::handshakeLine(connection, m_options));
    };
    connect(session, &Session::stateChanged, this, [writeHandshake](Session::State state) {
        if (state == Session::State::Open)
            writeHandshake(false);
    });
    connect(session, &Session::handshakeChanged, this, [this, writeHandshake] {
        if (!m_session->connections().isEmpty() && m_handshakeWritten == m_session->connections().last().id)
            writeHandshake(false);
    });
    connect(session, &Session::finished, this, [this, writeHandshake] {
        writeHandshake(true);
        const Session::Connection &connection = m_session->connections().last();
        if (m_closeWritten != connection.id) {
            m_closeWritten = connection.id;
            flushRows();
            addLine(SessionFile::closeLine(connection));
        }
        flushRows();
    });
    m_timer.setInterval(FlushIntervalMs);
    connect(&m_timer, &QTimer::timeout, this, &Journal::flushRows);
    m_timer.start();
    flushRows();
}

Journal::~Journal()
{
    finish(false);
}

bool Journal::isOpen() const
{
    return !m_finished;
}

QString Journal::path() const
{
    return m_path;
}

QString Journal::errorString() const
{
    return m_error;
}

void Journal::addLine(const QByteArray &line)
{
    m_batch->lines.push_back(line);
}

void Journal::flushRows()
{
    if (m_finished)
        return;
    if (m_server) {
        flushServer();
        return;
    }
    const MessageLog &log = *m_session->log();
    const int count = log.count();
    if (m_written < count) {
        m_batch->rows = log.rows(m_written, count - 1);
        m_written = count;
        // Round trips are known as soon as their pong's row is there.
        const std::vector<MessageLog::Entry> &entries = m_batch->rows.entries;
        for (size_t i = 0; i < entries.size(); ++i) {
            if (entries[i].kind != MessageLog::Kind::Pong || entries[i].direction != MessageLog::Direction::Received)
                continue;
            const qint64 rtt = m_session->rttOfPong(entries[i].connection, entries[i].sequence);
            if (rtt >= 0) {
                m_batch->rtts.resize(entries.size(), -1);
                m_batch->rtts[i] = rtt;
            }
        }
    }
    takeWire(false);
    markPayloadsInWire();
    if (m_options.hidesValues())
        m_batch->maskedValues = m_options.maskedValues;
    if (m_batch->rows.entries.empty() && m_batch->lines.empty() && m_batch->wire.empty())
        return;
    std::shared_ptr<Batch> batch(m_batch.release());
    m_batch = std::make_unique<Batch>();
    JournalWriter *writer = m_writer;
    QMetaObject::invokeMethod(m_writer, [writer, batch] { writer->write(*batch); }, Qt::QueuedConnection);
}

// New records of the capture go into the batch. With secrets masked they
// wait until both HTTP heads are complete (or `force`), so that a header
// split across chunks is masked whole.
void Journal::takeWire(bool force)
{
    if (!m_session)
        return;
    const WireCapture *capture = m_session->capture();
    if (m_finished || m_wireConnection == 0 || m_session->isReadOnly()
        || (capture->chunkCount() == m_wireChunks && capture->eventCount() == m_wireEvents))
        return;
    // Secret values in payloads: the wire is left out, the rows are masked.
    if (m_options.hidesValues())
        return;
    QList<TapRecord> records;
    if (m_options.maskSecrets && !m_wireMasked) {
        if (!capture->headsDone() && !force)
            return;
        records = capture->records(m_wireChunks, m_wireEvents);
        WireStream::maskSecrets(records, m_options.maskedValues);
        m_wireMasked = true;
    } else {
        records = capture->records(m_wireChunks, m_wireEvents);
    }
    m_wireChunks = capture->chunkCount();
    m_wireEvents = capture->eventCount();
    m_batch->wire.reserve(m_batch->wire.size() + size_t(records.size()));
    for (TapRecord &record : records)
        m_batch->wire.emplace_back(m_wireConnection, std::move(record));
}

// A large received message is written once: its bytes are in the wire lines
// (which the writer puts before the rows), so its line only says which
// message of them it is. Only while every record of the connection so far
// is in the journal, and the capture shows that message whole at that size.
void Journal::markPayloadsInWire()
{
    const WireCapture *capture = m_session->capture();
    const std::vector<MessageLog::Entry> &entries = m_batch->rows.entries;
    if (!m_wireWhole || m_session->isReadOnly() || capture->chunkCount() != m_wireChunks
        || capture->eventCount() != m_wireEvents)
        return;
    for (size_t i = 0; i < entries.size(); ++i) {
        const MessageLog::Entry &entry = entries[i];
        if (entry.connection != m_wireConnection || !SessionFile::payloadInWire(entry, qsizetype(entry.length))
            || capture->messageSize(false, entry.sequence) != qint64(entry.length))
            continue;
        m_batch->wireMessages.resize(entries.size(), -1);
        m_batch->wireMessages[i] = entry.sequence;
    }
}

// Every client's new lines, records and rows, in the order a session file
// has them: a client's connection line before its records, its handshake
// once answered, its close after its rows.
void Journal::flushServer()
{
    std::vector<QByteArray> closes;
    for (const Session::Connection &connection : m_server->connections()) {
        ServerClient &written = m_serverClients[connection.id];
        if (!written.started) {
            written.started = true;
            addLine(SessionFile::connectionLine(connection, m_options));
        }
        // With credentials masked, a client's bytes wait for its handshake
        // to be answered (or its end): both heads are whole then, masked whole.
        const bool wireAllowed = !m_options.hidesValues()
            && (!m_options.maskSecrets || connection.handshakeUsec >= 0 || connection.endUsec >= 0);
        if (wireAllowed) {
            const QList<TapRecord> all = m_server->wire(connection.id);
            if (all.size() > written.records) {
                QList<TapRecord> records = all.mid(written.records);
                if (m_options.maskSecrets && written.records == 0)
                    WireStream::maskSecrets(records, m_options.maskedValues);
                written.records = all.size();
                for (TapRecord &record : records)
                    m_batch->wire.emplace_back(connection.id, std::move(record));
            }
        }
        if (connection.handshakeUsec >= 0 && written.handshakeUsec != connection.handshakeUsec) {
            written.handshakeUsec = connection.handshakeUsec;
            addLine(SessionFile::handshakeLine(connection, m_options));
        }
        if (connection.endUsec >= 0 && !written.closed) {
            written.closed = true;
            closes.push_back(SessionFile::closeLine(connection));
        }
    }
    const MessageLog &log = *m_server->log();
    const int count = log.count();
    if (m_written < count) {
        m_batch->rows = log.rows(m_written, count - 1);
        m_written = count;
    }
    if (m_options.hidesValues())
        m_batch->maskedValues = m_options.maskedValues;
    const auto send = [this] {
        if (m_batch->rows.entries.empty() && m_batch->lines.empty() && m_batch->wire.empty())
            return;
        std::shared_ptr<Batch> batch(m_batch.release());
        m_batch = std::make_unique<Batch>();
        JournalWriter *writer = m_writer;
        QMetaObject::invokeMethod(m_writer, [writer, batch] { writer->write(*batch); }, Qt::QueuedConnection);
    };
    send();
    for (QByteArray &line : closes)
        addLine(std::move(line));
    send();
}

void Journal::finish(bool keep)
{
    if (m_finished)
        return;
    m_timer.stop();
    takeWire(true);
    flushRows();
    addLine(SessionFile::endLine(MessageLog::nowUsec()));
    flushRows();
    m_finished = true;
    JournalWriter *writer = m_writer;
    QMetaObject::invokeMethod(m_writer, [writer] { writer->close(); }, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
    if (!keep)
        QFile::remove(m_path);
    m_lock->unlock();
}

void Journal::setMaskSecrets(bool mask)
{
    // The wire is masked as a whole stream, from its first byte: once part
    // of the connection in progress is written, its heads are past.
    if (mask && !m_options.maskSecrets && m_wireChunks > 0)
        m_wireMasked = true;
    m_options.maskSecrets = mask;
}

void Journal::setMaskedValues(const QList<QByteArray> &values)
{
    m_options.maskedValues = values;
}

QString Journal::defaultDirectory()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation) + QStringLiteral("/journal");
}

QList<Journal::Recoverable> Journal::recoverable(const QString &directory)
{
    QList<Recoverable> found;
    const QFileInfoList files =
        QDir(directory).entryInfoList({QStringLiteral("*") + JournalSuffix}, QDir::Files, QDir::Time | QDir::Reversed);
    for (const QFileInfo &file : files) {
        QLockFile lock(file.filePath() + LockSuffix);
        lock.setStaleLockTime(0);
        // Taking the lock works when nobody holds it: its owner is gone.
        if (!lock.tryLock(0))
            continue;
        lock.unlock();
        if (file.size() == 0)
            continue;
        found.append({file.filePath(), file.size(), file.lastModified()});
    }
    return found;
}

#include "journal.moc"
