#pragma once

#include "record/export.h"
#include "session/session.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QStringList>
#include <QTimer>

#include <functional>

// Runs what the command line asked of one connection on a Session it does not
// own: open it, send the messages in order once it is open, wait for a number
// of received messages, close with 1000, save the files, and say how it went.
// The batch mode and the window both use it; the window keeps the connection
// open when the script does not ask for a close.
class ScriptRunner : public QObject
{
    Q_OBJECT

public:
    struct Message
    {
        enum class Kind { Text, Binary };
        Kind kind = Kind::Text;
        QByteArray data;      // text as UTF-8
    };

    struct Script
    {
        QList<Message> messages;
        int expect = 0;                  // data messages to receive before the script is done
        // Close with 1000 once everything is sent and `expect` messages were
        // received. When false the connection stays open for the user.
        bool closeWhenDone = true;
        int timeoutMs = 0;               // bounds the whole run; 0: no bound
        QStringList savePaths;           // written when the connection has ended
        int closeCode = 1000;            // how the script closes
        QString closeReason;
        SessionExport::Options saveOptions;
        bool strict = false;             // protocol findings on the wire make the run fail
    };

    enum ExitCode { Success = 0, Failure = 1 };

    struct Counts
    {
        int sentMessages = 0;
        qint64 sentBytes = 0;
        int receivedMessages = 0;
        qint64 receivedBytes = 0;
    };

    // Opens the connection; false with a reason in *error when nothing was opened.
    using Opener = std::function<bool(QString *error)>;

    ScriptRunner(Session *session, const Script &script, QObject *parent = nullptr);
    ~ScriptRunner() override;
    Q_DISABLE_COPY_MOVE(ScriptRunner)

    // Opens `url` on the session and runs the script on that connection.
    void start(const QUrl &url);
    // The same, with the connection opened by `open` (the window's Connect).
    void start(const Opener &open);

    bool isRunning() const;
    bool isDone() const;
    int exitCode() const;
    Counts counts() const;
    // Every problem reported so far, oldest first.
    QStringList problems() const;
    // One line: messages and bytes each way, how long it took, how it closed.
    QString summary() const;

    // After a timeout, how long a close handshake may take before the
    // connection is aborted, and an abort before the run is given up.
    static constexpr int CloseGraceMs = 5000;
    static constexpr int AbortGraceMs = 2000;

Q_SIGNALS:
    // Something went wrong: the Session's own error (a refused connection, a
    // 401 answer), a timeout, a failed send or save. Emitted as it happens.
    void problem(const QString &message);
    // Once, when the connection has ended and the files are saved.
    void finished(int exitCode, const QString &summary);

private:
    void onConnectionStarted(int id);
    void onStateChanged(Session::State state);
    void onSessionFinished();
    void onTimeout();
    void onGraceTimeout();
    void onLogAppended();
    // Counts this connection's messages and reports the Session's errors.
    void scanLog();
    void sendAll();
    void closeIfDone();
    void closeNow();
    bool waitingForMore() const;
    void report(const QString &message);
    void reportFindings();
    void finish();
    QString pendingDescription() const;

    QPointer<Session> m_session;
    Script m_script;
    Counts m_counts;
    QStringList m_problems;
    QTimer m_deadline;
    QTimer m_grace;
    QElapsedTimer m_clock;
    qint64 m_durationMs = 0;
    int m_connection = 0;             // the Session's id of the connection this script runs on
    int m_scanned = 0;                // log rows already looked at
    int m_graceStage = 0;
    bool m_started = false;
    bool m_opened = false;
    bool m_sent = false;              // every message has been handed to the session
    bool m_closeRequested = false;
    bool m_ended = false;             // the Session reported the end of the connection
    bool m_failed = false;
    bool m_done = false;
    Session::CloseInfo m_close;
};
