#pragma once

#include "cli/scriptrunner.h"
#include "server/inspectserver.h"
#include "session/session.h"
#include "workspace/collection.h"

#include <QList>
#include <QString>
#include <QStringList>
#include <QUrl>

// What the command line asked for. Parsing is pure so that every rule can be
// tested without starting a process; main() only acts on the result. (The one
// exception: --send-file is read here, so that an unreadable file is a usage
// error like any other, and so are the TLS files, to check them, unless
// TlsFileCheck::Later.)
struct CommandLine
{
    enum class Mode { Window, Batch, Serve, Help, Version, Error };

    // --timeout when --batch is given without one.
    static constexpr int DefaultBatchTimeoutMs = 30000;
    static constexpr int MaxTimeoutSeconds = 24 * 60 * 60;

    Mode mode = Mode::Window;
    QUrl url;                 // valid and normalised, or empty
    bool connect = false;
    bool insecure = false;    // accept certificates that do not verify
    // --ca-file, --cert, --key, --cert-passphrase; checked by loading them.
    TlsFiles tlsFiles;
    // --proxy; the session's own setting stays when not given.
    ProxySetting proxy;
    bool proxyGiven = false;
    QList<Session::Header> headers;          // --header, in order
    QStringList subprotocols;                // --protocol, in order
    QString origin;                          // --origin; empty: none
    // --send, --send-hex and --send-file, in command-line order.
    QList<ScriptRunner::Message> messages;
    int expect = -1;          // --expect; -1: not given
    int timeoutMs = -1;       // --timeout; -1: not given
    QStringList savePaths;    // --save, in order
    bool strict = false;      // --strict: protocol findings make the run fail
    bool maskSecrets = false; // --mask-secrets: hide credentials in --save files
    QString openPath;         // --open: a saved session to show, read-only
    int pingIntervalMs = 0;   // --ping-interval; 0: no keep-alive pings
    int pongTimeoutMs = 0;    // --ping-timeout; 0: no limit
    int reconnectAttempts = -1;   // --reconnect; -1: do not reconnect, 0: no limit
    int reconnectDelayMs = 1000;        // --reconnect-delay
    int reconnectMaxDelayMs = 30000;    // --reconnect-max-delay
    qint64 maxMessageSize = 0;          // --max-message-size; 0: not given (Session::DefaultMaxMessageBytes)
    int handshakeTimeoutMs = -1;        // --handshake-timeout; -1: not given
    int closeCode = 1000;               // --close-code
    QString closeReason;                // --close-reason
    quint16 servePort = 0;    // --serve, or --listen
    bool listen = false;      // --listen: the window opens with a server tab listening
    QStringList allowedOrigins;   // --allow-origin, for --serve, as given ("*": any)
    // For --serve (also: subprotocols, timeoutMs, savePaths, maskSecrets).
    int serveAnswerStatus = 0;                      // --answer-status; 0: accept
    QList<Session::Header> serveRequiredHeaders;    // --require-header, in order
    QString serveTlsCertificate;                    // --tls-cert
    QString serveTlsKey;                            // --tls-key
    QString serveTlsPassphrase;                     // --tls-passphrase
    InspectServer::Reply serveReply = InspectServer::Reply::Echo;   // --reply
    QList<ScriptRunner::Message> serveReplies;      // --reply-text and --reply-hex, in order
    // (--send, --send-hex and --send-file with --serve: `messages`, sent to each client on its open.)
    QString language;         // --lang, normalised (Language::normalise); empty: not given
    // --collection, --profile, --env and --var: the profile chosen, with its
    // request merged into the fields above (the URL, headers, subprotocols,
    // origin, TLS, proxy and timing the command line did not give), and the
    // variables its messages are filled in from at each connection.
    QString collectionPath;
    QList<Variable> overrides;      // --var, as given
    QString environmentName;        // --env
    bool hasProfile = false;
    Profile profile;
    VariableScope variables;
    QStringList unmapped;     // what an Insomnia export held that has no place here
    QString error;            // for Mode::Error
    QString helpText;         // for Mode::Help and Mode::Error (and TlsFileCheck::Later)

    // Whether the connection has to be driven by a ScriptRunner: always in
    // batch mode; in the window, when anything is to be sent, expected or saved,
    // or a timeout is set.
    bool hasScript() const;
    // What the ScriptRunner does. In batch mode it always closes once
    // everything is sent and the --expect messages arrived, within --timeout
    // (DefaultBatchTimeoutMs when not given). In the window the connection
    // stays open for the user unless --expect was given (close once they
    // arrived) or --timeout (close when it runs out); --expect without
    // --timeout is bounded by the default.
    ScriptRunner::Script script() const;

    // Reading the TLS files starts Qt's TLS backend, which needs the
    // application object (without one Qt warns "QObject::connect(QObject,
    // Unknown): invalid nullptr parameter"). main() parses before it knows
    // which application to create, so it checks them afterwards.
    enum class TlsFileCheck { Now, Later };
    static CommandLine parse(const QStringList &arguments, TlsFileCheck checkTlsFiles = TlsFileCheck::Now);
    // Why the TLS files cannot be used, or an empty string.
    QString tlsFileProblem() const;
    // The profile's messages to send on open, made anew at each connection;
    // empty without a profile.
    Session::OpenMessages openMessages() const;

private:
    QString useProfile(const QStringList &collections, const QStringList &profiles, const QStringList &environments,
                       const QStringList &assignments);
};
