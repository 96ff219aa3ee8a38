#include "cli/commandline.h"
#include "cli/scriptrunner.h"
#include "i18n/englishplurals.h"
#include "i18n/language.h"
#include "log/plaintext.h"
#include "mainwindow.h"
#include "collectionsidebar.h"
#include "server/echoserver.h"
#include "server/inspectserver.h"
#include "requesteditor.h"
#include "record/secrets.h"
#include "secrets/secretstore.h"
#include "settings/settings.h"
#include "workspace/recentmessages.h"

#include <QApplication>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QGuiApplication>
#include <QProcess>
#include <QSettings>
#include <QSocketNotifier>
#include <QTextStream>
#include <QTimer>

#include <csignal>
#include <cstdio>
#include <fcntl.h>
#include <unistd.h>
#include <memory>

namespace {

constexpr int ExitUsage = 2;

int usageError(const QString &error, const QString &helpText)
{
    QTextStream(stderr) << "wsscope: " << error << "\n\n" << helpText;
    return ExitUsage;
}

void setIdentity()
{
    QCoreApplication::setOrganizationName(QStringLiteral("wsscope"));
    QCoreApplication::setApplicationName(QStringLiteral("wsscope"));
    QCoreApplication::setApplicationVersion(QStringLiteral(WSSCOPE_VERSION));
}

// --header, --protocol, --origin, --insecure, the TLS files and --proxy, for the batch session and the window's.
void configure(Session *session, const CommandLine &options)
{
    if (!options.headers.isEmpty())
        session->setRequestHeaders(options.headers);
    if (!options.subprotocols.isEmpty())
        session->setSubprotocols(options.subprotocols);
    if (!options.origin.isEmpty())
        session->setOrigin(options.origin);
    if (options.insecure)
        session->setIgnoreTlsErrors(true);
    if (!options.tlsFiles.isEmpty())
        session->setTlsFiles(options.tlsFiles);
    if (options.proxyGiven)
        session->setProxy(options.proxy);
    // --ping-interval, --ping-timeout, --max-message-size, --handshake-timeout.
    if (options.pingIntervalMs > 0)
        session->setPingInterval(options.pingIntervalMs);
    if (options.pongTimeoutMs > 0)
        session->setPongTimeout(options.pongTimeoutMs);
    if (options.maxMessageSize > 0)
        session->setMaxMessageSize(options.maxMessageSize);
    if (options.handshakeTimeoutMs > 0)
        session->setHandshakeTimeout(options.handshakeTimeoutMs);
    // --profile: its messages to send on open, again on each reconnect.
    // (the window sends those of its saved messages, which then are the profile's)
    if (options.hasProfile && options.mode == CommandLine::Mode::Batch)
        session->setOpenMessages(options.openMessages());
    // What an imported file held that has no place here, so that nothing is dropped unsaid.
    for (const QString &line : options.unmapped)
        QTextStream(stderr) << QCoreApplication::translate("main", "wsscope: not imported: %1").arg(PlainText::oneLine(line))
                            << Qt::endl;
}

// Problems go to stderr as they happen, the summary to stdout at the end.
void report(ScriptRunner *runner)
{
    QObject::connect(runner, &ScriptRunner::problem, runner, [](const QString &message) {
        QTextStream(stderr) << "wsscope: " << PlainText::oneLine(message) << Qt::endl;
    });
    // What a server says (a close reason, a reason phrase, a subprotocol)
    // is in these lines: nothing of it reaches the terminal as a control.
    QObject::connect(runner, &ScriptRunner::finished, runner, [](int, const QString &summary) {
        QTextStream(stdout) << PlainText::oneLine(summary) << Qt::endl;
    });
}

int batch(const CommandLine &options)
{
    if (const QString problem = options.tlsFileProblem(); !problem.isEmpty())
        return usageError(problem, options.helpText);
    Session session;
    configure(&session, options);
    ScriptRunner runner(&session, options.script());
    report(&runner);
    QObject::connect(&runner, &ScriptRunner::finished, &runner, [](int code) { QCoreApplication::exit(code); });
    // Started from the event loop, so that an end reported at once still stops it.
    QTimer::singleShot(0, &runner, [&runner, &options] { runner.start(options.url); });
    return QCoreApplication::exec();
}

// SIGTERM, SIGINT and SIGHUP end the window the way its close button does:
// the connection is closed with 1001 and the journal is finished, so that a
// plain `kill` is not taken for a crash. The handler only writes to a pipe.
int quitPipe[2] = {-1, -1};

void onQuitSignal(int)
{
    const char byte = 1;
    [[maybe_unused]] const ssize_t written = ::write(quitPipe[1], &byte, 1);
}

bool catchQuitSignals()
{
    if (::pipe2(quitPipe, O_CLOEXEC | O_NONBLOCK) != 0)
        return false;
    struct sigaction action = {};
    action.sa_handler = onQuitSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    for (const int signal : {SIGTERM, SIGINT, SIGHUP})
        sigaction(signal, &action, nullptr);
    return true;
}

// --serve: the server without a window. It echoes (or answers as --reply
// says); it records only when something is to be saved, and saves when it is
// told to stop.
int serve(const CommandLine &options)
{
    QTextStream err(stderr);
    InspectServer::Config config;
    config.port = options.servePort;
    config.allowedOrigins = options.allowedOrigins;
    config.protocols = options.subprotocols;
    config.requireProtocol = !options.subprotocols.isEmpty();
    config.answerStatus = options.serveAnswerStatus;
    config.requiredHeaders = options.serveRequiredHeaders;
    config.record = !options.savePaths.isEmpty();
    // As the built-in echo server unless told: bounded for clients that attack it.
    config.maxMessageBytes = options.maxMessageSize > 0 ? options.maxMessageSize : EchoServer::MaxMessageBytes;
    config.reply = options.serveReply;
    const auto outgoing = [](const ScriptRunner::Message &message) {
        return Session::Outgoing{message.kind == ScriptRunner::Message::Kind::Binary, message.data};
    };
    for (const ScriptRunner::Message &message : options.serveReplies)
        config.replies << outgoing(message);
    for (const ScriptRunner::Message &message : options.messages)
        config.onOpen << outgoing(message);
    if (!options.serveTlsCertificate.isEmpty()) {
        QString problem;
        if (!InspectServer::loadTlsFiles(options.serveTlsCertificate, options.serveTlsKey,
                                         options.serveTlsPassphrase.toUtf8(), &config, &problem)) {
            err << "wsscope: " << problem << Qt::endl;
            return 1;
        }
    }
    InspectServer server;
    // One line per client's handshake and per notice; what a client sent is escaped in it.
    QObject::connect(&server, &InspectServer::clientAnswered, &server, [&server, &err](int id) {
        err << "wsscope: " << server.handshakeSummary(id) << Qt::endl;
    });
    QObject::connect(&server, &InspectServer::notice, &server,
                     [&err](const QString &message) { err << "wsscope: " << message << Qt::endl; });
    QString problem;
    if (!server.start(config, &problem)) {
        err << "wsscope: " << problem << Qt::endl;
        return 1;
    }
    // The URL alone on the first line of stdout, so scripts can read it.
    QTextStream(stdout) << server.url().toString() << Qt::endl;

    bool stopping = false;
    const auto stop = [&server, &stopping] {
        if (std::exchange(stopping, true))
            return;
        server.stop();
        // The clients' Close frames and their answers, for a moment.
        const auto allGone = [&server] {
            for (const InspectServer::ClientInfo &client : server.clients()) {
                if (client.state != InspectServer::ClientState::Closed && client.state != InspectServer::ClientState::Refused)
                    return false;
            }
            return true;
        };
        auto *wait = new QTimer(&server);
        auto *clock = new QElapsedTimer;
        clock->start();
        QObject::connect(wait, &QTimer::timeout, &server, [wait, clock, allGone] {
            if (allGone() || clock->elapsed() > 3 * InspectServer::CloseGraceMs) {
                wait->stop();
                delete clock;
                QCoreApplication::quit();
            }
        });
        wait->start(20);
    };
    std::unique_ptr<QSocketNotifier> quitSignals;
    if (catchQuitSignals()) {
        quitSignals = std::make_unique<QSocketNotifier>(quitPipe[0], QSocketNotifier::Read);
        QObject::connect(quitSignals.get(), &QSocketNotifier::activated, &server, [stop] {
            char byte;
            while (::read(quitPipe[0], &byte, 1) > 0) {
            }
            stop();
        });
    }
    if (options.timeoutMs > 0)
        QTimer::singleShot(options.timeoutMs, &server, stop);
    QCoreApplication::exec();

    int code = 0;
    if (!options.savePaths.isEmpty()) {
        const SessionExport::Snapshot snapshot = server.snapshot();
        SessionExport::Options saveOptions;
        saveOptions.maskSecrets = options.maskSecrets;
        for (const QString &path : options.savePaths) {
            QString why;
            if (SessionExport::saveSnapshot(snapshot, path, saveOptions, &why)) {
                err << QCoreApplication::translate("main", "wsscope: saved %1").arg(path) << Qt::endl;
            } else {
                err << "wsscope: " << why << Qt::endl;
                code = 1;
            }
        }
    }
    return code;
}

// The window's event loop; when it ended for Help > Language's restart, the
// program starts again, without the arguments (the URL and the options it
// was started with are remembered or were for that one start).
int finish(MainWindow *window)
{
    const int code = QApplication::exec();
    if (window->restartRequested())
        QProcess::startDetached(QCoreApplication::applicationFilePath(), {});
    return code;
}

int window(const CommandLine &options, const Language &language)
{
    if (const QString problem = options.tlsFileProblem(); !problem.isEmpty())
        return usageError(problem, options.helpText);

    EchoServer echo;
    echo.setAllowedOrigins(Settings::value(Settings::Id::EchoAllowedOrigins).toStringList());
    const int echoPort = Settings::value(Settings::Id::EchoPort).toInt();
    const bool echoRunning = echo.listen(quint16(qBound(0, echoPort, 65535)));

    // What older versions remembered per URL in the settings file moves into
    // the Recent collection; an entry with a secret in it follows once the
    // keyring has taken the secret.
    const auto migrateOptions = [] {
        QSettings settings;
        QString error;
        if (RecentMessages().migrateSettings(&settings, &error) < 0)
            QTextStream(stderr) << QCoreApplication::translate("main", "wsscope: the remembered options were not "
                                                                       "moved into the Recent collection: %1")
                                       .arg(PlainText::oneLine(error))
                                << Qt::endl;
    };
    migrateOptions();
    QObject::connect(SecretStore::shared(), &SecretStore::migrated, SecretStore::shared(), [migrateOptions](int moved) {
        if (moved > 0)
            migrateOptions();
    });
    MainWindow window(echoRunning ? echo.url() : QUrl());
    // Secrets that older versions kept in plain text in the settings move
    // to the keyring (once, and only where they can stay beyond this run).
    SecretStore::shared()->migrateSettings();
    window.setLanguage(language.current());
    window.setInsecure(options.insecure);
    window.setMaskSecrets(options.maskSecrets);
    window.setCommandLineRequest(options.headers, options.tlsFiles.passphrase,
                                 options.proxyGiven ? options.proxy.password : QString());
    // --collection: in the sidebar, with --env chosen; --profile opened.
    if (!options.collectionPath.isEmpty()) {
        QString error;
        if (!window.openCollection(options.collectionPath, &error, options.overrides))
            return usageError(error, options.helpText);
        if (!options.environmentName.isEmpty())
            window.collectionSidebar()->setEnvironment(options.environmentName);
    }
    // The tabs of the last run come back, unconnected, unless the command
    // line says what to show.
    if (options.url.isEmpty() && options.openPath.isEmpty() && !options.hasProfile && !options.hasScript()
        && !options.connect)
        window.restoreTabs();
    // The URL's remembered request tabs first, then what the command line says on top.
    if (!options.url.isEmpty()) {
        window.setUrl(options.url.toString(QUrl::FullyEncoded));
        window.loadConnectionOptions(options.url.toString(QUrl::FullyEncoded), true);
    }
    configure(window.session(), options);
    window.adoptSessionRequest();
    if (options.hasProfile)
        window.openProfile(options.profile.id);
    // --reconnect: the window's Connection tab reopens the connection when
    // it ends without the user closing it.
    if (options.reconnectAttempts >= 0) {
        RequestEditor::Timing timing = window.requestEditor()->timing();
        timing.reconnect = true;
        timing.reconnectPolicy.maxAttempts = options.reconnectAttempts;
        timing.reconnectPolicy.initialDelayMs = options.reconnectDelayMs;
        timing.reconnectPolicy.maxDelayMs = options.reconnectMaxDelayMs;
        window.requestEditor()->setTiming(timing);
    }
    window.show();
    if (options.listen)
        window.newServerTab(options.servePort, true);
    std::unique_ptr<QSocketNotifier> quitSignals;
    if (catchQuitSignals()) {
        quitSignals = std::make_unique<QSocketNotifier>(quitPipe[0], QSocketNotifier::Read);
        QObject::connect(quitSignals.get(), &QSocketNotifier::activated, &window, [&window] {
            char byte;
            while (::read(quitPipe[0], &byte, 1) > 0) {
            }
            // Nobody is there to answer a question: a signal quits at once.
            window.closeWithoutAsking();
        });
    }
    if (!options.openPath.isEmpty()) {
        window.openSessionFile(options.openPath);
        return finish(&window);
    }
    // Sessions that a crash or a kill left in the journal folder.
    window.offerRecovery(Journal::recoverable(Journal::defaultDirectory()));
    // Declared after the window: it lets go of the window's session first.
    std::unique_ptr<ScriptRunner> runner;
    if (options.hasScript()) {
        runner = std::make_unique<ScriptRunner>(window.session(), options.script());
        report(runner.get());
        runner->start([&window](QString *error) {
            if (window.connectToUrl())
                return true;
            *error = window.urlError().isEmpty()
                ? QCoreApplication::translate("main", "The window could not connect.")
                : window.urlError();
            return false;
        });
    } else if (options.connect) {
        window.connectToUrl();
    }
    return finish(&window);
}

} // namespace

int main(int argc, char **argv)
{
    // Keep internationalised host names in their ACE form (xn--…) everywhere:
    // Qt 6.4's QWebSocket writes the Host header from the decoded form, which
    // is not valid on the wire.
    QUrl::setIdnWhitelist({});

    QStringList arguments;
    for (int i = 0; i < argc; ++i)
        arguments << QString::fromLocal8Bit(argv[i]);
    setIdentity();
    // The TLS files are read once the application exists (see CommandLine::parse).
    CommandLine::Mode mode;
    QString asked;
    {
        const CommandLine first = CommandLine::parse(arguments, CommandLine::TlsFileCheck::Later);
        mode = first.mode;
        asked = first.language;
    }

    // The application the mode needs, then the language (--lang, else the
    // saved choice, else the system's), then the command line read again so
    // that its help and its complaints are in that language.
    std::unique_ptr<QCoreApplication> app;
    if (mode == CommandLine::Mode::Window) {
        app = std::make_unique<QApplication>(argc, argv);
        // The desktop entry's name, so that a Wayland desktop finds its icon.
        QGuiApplication::setDesktopFileName(QStringLiteral("io.github.wsscope.wsscope"));
    } else {
        app = std::make_unique<QCoreApplication>(argc, argv);
    }
    setIdentity();
    EnglishPlurals plurals;
    QCoreApplication::installTranslator(&plurals);
    Language language;
    language.install(Language::choose(asked));
    const CommandLine options = CommandLine::parse(arguments, CommandLine::TlsFileCheck::Later);

    switch (options.mode) {
    case CommandLine::Mode::Help:
        QTextStream(stdout) << options.helpText;
        return 0;
    case CommandLine::Mode::Version:
        QTextStream(stdout) << "wsscope " << QCoreApplication::applicationVersion() << Qt::endl;
        return 0;
    case CommandLine::Mode::Error:
        return usageError(options.error, options.helpText);
    case CommandLine::Mode::Serve:
        return serve(options);
    case CommandLine::Mode::Batch:
        return batch(options);
    case CommandLine::Mode::Window:
        break;
    }
    return window(options, language);
}
