#include "commandline.h"

#include "i18n/language.h"

#include "log/payloadformat.h"
#include "server/echoserver.h"
#include "server/inspectserver.h"
#include "record/export.h"
#include "record/secrets.h"
#include "record/inputfile.h"
#include "session/closecodes.h"
#include "session/urlcheck.h"
#include "settings/settings.h"
#include "workspace/insomniaimport.h"
#include "workspace/resolvedrequest.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QWebSocket>

#include <cmath>

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("CommandLine", text);
}

enum class SendKind { Text, Hex, File };

// QCommandLineParser keeps each option's values apart; the messages are sent
// in the order they were given across --send, --send-hex and --send-file (or
// --reply-text and --reply-hex of --serve: the options' names say which).
// Walks the arguments as the parser does (a long option takes the next
// argument as its value unless it has "=value"; "--" ends the options).
QList<SendKind> sendOrder(const QStringList &arguments, const QStringList &optionsWithValues, const QString &textName,
                          const QString &hexName, const QString &fileName)
{
    QList<SendKind> order;
    for (qsizetype i = 1; i < arguments.size(); ++i) {
        const QString &argument = arguments.at(i);
        if (argument == u"--")
            break;
        if (!argument.startsWith(u"--"))
            continue;
        const qsizetype equals = argument.indexOf(u'=');
        const QString name = argument.mid(2, equals < 0 ? -1 : equals - 2);
        if (name == textName)
            order << SendKind::Text;
        else if (name == hexName)
            order << SendKind::Hex;
        else if (!fileName.isEmpty() && name == fileName)
            order << SendKind::File;
        if (equals < 0 && optionsWithValues.contains(name))
            ++i;
    }
    return order;
}

bool hasControlCharacter(const QString &text)
{
    for (const QChar c : text) {
        if (c.unicode() < 0x20 || c.unicode() == 0x7f)
            return true;
    }
    return false;
}

} // namespace

QString CommandLine::tlsFileProblem() const
{
    if (tlsFiles.isEmpty())
        return {};
    TlsFiles::Loaded loaded;
    QString problem;
    tlsFiles.load(&loaded, &problem);
    return problem;
}

bool CommandLine::hasScript() const
{
    return mode == Mode::Batch || !messages.isEmpty() || expect >= 0 || timeoutMs >= 0 || !savePaths.isEmpty();
}

ScriptRunner::Script CommandLine::script() const
{
    ScriptRunner::Script script;
    script.messages = messages;
    script.expect = qMax(expect, 0);
    script.savePaths = savePaths;
    script.saveOptions.maskSecrets = maskSecrets;
    // --mask-secrets: the values of secret variables too, in whatever header.
    if (hasProfile)
        script.saveOptions.maskedValues = Secrets::valueForms(variables.secretValues());
    script.strict = strict;
    script.closeCode = closeCode;
    script.closeReason = closeReason;
    if (mode == Mode::Batch) {
        script.closeWhenDone = true;
        script.timeoutMs = timeoutMs >= 0 ? timeoutMs : DefaultBatchTimeoutMs;
    } else {
        script.closeWhenDone = expect >= 0;
        script.timeoutMs = timeoutMs >= 0 ? timeoutMs : (expect >= 0 ? DefaultBatchTimeoutMs : 0);
    }
    return script;
}

// Qt's own options for the window (QGuiApplication and QApplication take
// them from argv): the ones that take a value, and the ones that do not.
// Parsing happens before the application object exists, so they are set
// aside here and left in argv for it.
static QStringList withoutQtOptions(const QStringList &arguments)
{
    static const QStringList withValue = {
        QStringLiteral("style"),          QStringLiteral("stylesheet"),    QStringLiteral("platform"),
        QStringLiteral("platformpluginpath"), QStringLiteral("platformtheme"), QStringLiteral("plugin"),
        QStringLiteral("qwindowgeometry"), QStringLiteral("qwindowicon"),   QStringLiteral("qwindowtitle"),
        QStringLiteral("session"),        QStringLiteral("display"),       QStringLiteral("geometry")};
    static const QStringList flags = {QStringLiteral("reverse"), QStringLiteral("widgetcount"),
                                      QStringLiteral("nograb"), QStringLiteral("dograb"), QStringLiteral("sync")};
    QStringList kept;
    for (qsizetype i = 0; i < arguments.size(); ++i) {
        const QString &argument = arguments.at(i);
        if (i == 0 || !argument.startsWith(u'-') || argument == u"--") {
            kept << argument;
            if (argument == u"--") {
                kept << arguments.mid(i + 1);
                break;
            }
            continue;
        }
        QString name = argument.mid(argument.startsWith(QLatin1String("--")) ? 2 : 1);
        const qsizetype equals = name.indexOf(u'=');
        const bool hasValue = equals >= 0;
        if (hasValue)
            name.truncate(equals);
        if (withValue.contains(name)) {
            if (!hasValue)
                ++i;   // its value follows
            continue;
        }
        if (flags.contains(name) && !hasValue)
            continue;
        kept << argument;
    }
    return kept;
}

// Parsing happens before the application object exists, so Qt's help text
// cannot know the program's name.
static QString usageText(const QCommandLineParser &parser)
{
    QString text = parser.helpText();
    text.replace(QStringLiteral("<executable_name>"), QStringLiteral("wsscope"));
    return text;
}

CommandLine CommandLine::parse(const QStringList &arguments, TlsFileCheck checkTlsFiles)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        tr("wsscope: connect to a WebSocket server, send messages, and see the handshake and every message.\n"
           "\n"
           "With --batch there is no window: wsscope connects to URL, sends the messages in the order given,\n"
           "waits for the --expect messages, closes (with 1000, or --close-code), saves the --save files, and prints one line:\n"
           "messages and bytes each way, the time taken and how the connection closed. Exit status: 0 when\n"
           "all went well; 1 when the connection or its handshake failed, the server closed before the\n"
           "expected messages arrived, the time ran out, a file could not be saved, or (with --strict) the\n"
           "capture found the protocol broken on the wire; 2 for bad usage.\n"
           "Without --batch the same options apply to the window's connection, and the window stays open."));
    const QCommandLineOption helpOption({QStringLiteral("h"), QStringLiteral("help")}, tr("Show this help and exit."));
    const QCommandLineOption versionOption(QStringLiteral("version"), tr("Show the version and exit."));
    const QCommandLineOption connectOption(QStringLiteral("connect"), tr("Connect to URL as soon as the window opens."));
    const QCommandLineOption batchOption(
        QStringLiteral("batch"),
        tr("Run without a window: connect to URL, send, wait for --expect, close, save, print a summary and exit."));
    const QCommandLineOption headerOption(
        {QStringLiteral("header"), QStringLiteral("H")},
        tr("Send the header \"Name: value\" with the upgrade request (repeatable, in order)."), tr("HEADER"));
    const QCommandLineOption protocolOption(
        QStringLiteral("protocol"), tr("Offer the subprotocol NAME in Sec-WebSocket-Protocol (repeatable, in order)."),
        tr("NAME"));
    const QCommandLineOption originOption({QStringLiteral("origin"), QStringLiteral("o")},
                                          tr("Send ORIGIN as the Origin header."),
                                          tr("ORIGIN"));
    const QCommandLineOption sendOption(QStringLiteral("send"),
                                        tr("Send TEXT as a text message once the connection is open (repeatable; "
                                           "--send, --send-hex and --send-file are sent in the order given; "
                                           "each implies --connect)."),
                                        tr("TEXT"));
    const QCommandLineOption sendHexOption(
        QStringLiteral("send-hex"),
        tr("Send a binary message of the bytes HEX (pairs of hex digits, separated or not by spaces, commas, "
           "colons or 0x)."),
        tr("HEX"));
    const QCommandLineOption sendFileOption(QStringLiteral("send-file"),
                                            tr("Send the contents of the file PATH as a binary message."),
                                            tr("PATH"));
    const QCommandLineOption expectOption(
        QStringLiteral("expect"),
        tr("Wait until N messages were received, then close with 1000. Fewer before the server closes or the "
           "time runs out is a failure."),
        tr("N"));
    const QCommandLineOption timeoutOption(
        QStringLiteral("timeout"),
        tr("Give the whole run at most SEC seconds (fractions allowed), then close; with --batch the default is "
           "%1 s.").arg(DefaultBatchTimeoutMs / 1000),
        tr("SEC"));
    const QCommandLineOption saveOption(
        QStringLiteral("save"),
        tr("When the connection has ended, save it to PATH in the format its ending names: .jsonl (session "
           "file), .har, .pcapng or .txt (repeatable)."),
        tr("PATH"));
    const QCommandLineOption maskOption(
        QStringLiteral("mask-secrets"),
        tr("Write the values of Authorization, Cookie, Set-Cookie and Proxy-Authorization as asterisks: in "
           "--save files, and in the window in every file it writes (saved sessions, exports, the crash journal), "
           "which also keeps the credentials typed in the request tabs out of its settings."));
    const QCommandLineOption strictOption(
        QStringLiteral("strict"),
        tr("Also fail (exit 1) when the capture found the protocol broken on the wire: a masked server frame, "
           "a close code that may not be sent, a fragmented control frame and the like. The findings are printed "
           "on stderr either way."));
    const QCommandLineOption openOption(QStringLiteral("open"),
                                        tr("Show the saved session FILE (.jsonl), read-only, instead of connecting."),
                                        tr("FILE"));
    const QCommandLineOption serveOption(
        QStringLiteral("serve"),
        tr("Run only the server, without a window, on 127.0.0.1 at PORT (0 or none: the OS chooses): it echoes "
           "every message, prints its URL on the first line of stdout and each client's handshake as one line on "
           "stderr. With --save, every client's bytes, frames and messages are saved when it stops (SIGINT, "
           "SIGTERM or --timeout); --protocol names the subprotocols it requires and answers; --send, --send-hex "
           "and --send-file go to each client as soon as it is upgraded; --max-message-size bounds what a client "
           "may send (default %1 bytes).")
            .arg(EchoServer::MaxMessageBytes));
    const QCommandLineOption listenOption(
        QStringLiteral("listen"),
        tr("Open the window with a server tab already listening on 127.0.0.1 at PORT (0 or none: the OS chooses)."));
    const QCommandLineOption answerStatusOption(
        QStringLiteral("answer-status"),
        tr("With --serve, refuse every upgrade with the HTTP status CODE (such as 400, 401 with WWW-Authenticate, "
           "403, 404, 426, or 503 with Retry-After) and a short body, to see how a client takes it."),
        tr("CODE"));
    const QCommandLineOption requireHeaderOption(
        QStringLiteral("require-header"),
        tr("With --serve, refuse an upgrade without the header \"Name: value\" (repeatable): 401 for "
           "Authorization, else 400."),
        tr("HEADER"));
    const QCommandLineOption tlsCertOption(
        QStringLiteral("tls-cert"),
        tr("With --serve, serve wss:// with the certificate in FILE: PEM (its chain may follow it), or PKCS#12 "
           "(.p12, .pfx) holding the key too."),
        tr("FILE"));
    const QCommandLineOption tlsKeyOption(QStringLiteral("tls-key"),
                                          tr("With --serve and a PEM --tls-cert, the private key in FILE (PEM); "
                                             "not needed when the certificate's file holds it."),
                                          tr("FILE"));
    const QCommandLineOption allowOriginOption(
        QStringLiteral("allow-origin"),
        tr("With --serve, also accept upgrades from web pages at ORIGIN, such as https://example.com "
           "(repeatable; * accepts any). Without it, only clients that send no Origin and pages on this machine "
           "(http or https on 127.0.0.1, localhost or [::1], file://, null) may connect; others get 403."),
        tr("ORIGIN"));
    const QCommandLineOption tlsPassphraseOption(
        QStringLiteral("tls-passphrase"),
        tr("With --serve, the passphrase of a PKCS#12 --tls-cert or of an encrypted --tls-key. Other users can "
           "read it in the process list; WSSCOPE_TLS_PASSPHRASE in the environment is read when it is not given."),
        tr("TEXT"));
    const QCommandLineOption replyOption(
        QStringLiteral("reply"),
        tr("With --serve, how each client's message is answered: echo (the default), silent, all (every "
           "--reply-text and --reply-hex, in order) or turn (the first of them to the first message, the next to "
           "the next, and round again)."),
        tr("MODE"));
    const QCommandLineOption replyTextOption(
        QStringLiteral("reply-text"),
        tr("With --serve, answer with the text message TEXT (repeatable; with --reply-hex, in the order given; "
           "implies --reply all unless --reply says turn)."),
        tr("TEXT"));
    const QCommandLineOption replyHexOption(QStringLiteral("reply-hex"),
                                            tr("With --serve, answer with a binary message of the bytes HEX."),
                                            tr("HEX"));
    const QCommandLineOption insecureOption({QStringLiteral("insecure"), QStringLiteral("k")},
                                            tr("Connect even when the server's TLS certificate does not verify."));
    const QCommandLineOption caFileOption(
        QStringLiteral("ca-file"),
        tr("Trust the certificate authorities in the PEM file PATH as well as the system's."), tr("PATH"));
    const QCommandLineOption certOption(
        QStringLiteral("cert"),
        tr("Present the client certificate in PATH for mutual TLS: a PEM certificate (with --key, unless the file "
           "holds the key too) or a PKCS#12 file (.p12 or .pfx, with --cert-passphrase)."),
        tr("PATH"));
    const QCommandLineOption keyOption(QStringLiteral("key"),
                                       tr("The private key (PEM, RSA or EC) of a PEM --cert."), tr("PATH"));
    const QCommandLineOption certPassphraseOption(
        QStringLiteral("cert-passphrase"),
        tr("The passphrase of a PKCS#12 --cert or of an encrypted --key. Other users can read it in the process "
           "list; WSSCOPE_CERT_PASSPHRASE in the environment is read when it is not given."),
        tr("TEXT"));
    const QCommandLineOption proxyOption(
        QStringLiteral("proxy"),
        tr("Connect through the proxy URL: http://[user:password@]host:port (HTTP CONNECT), "
           "socks5://[user:password@]host:port, system (the system's proxy) or none (the default)."),
        tr("URL"));
    const QCommandLineOption langOption(
        QStringLiteral("lang"),
        tr("Speak LANGUAGE in the window and on the terminal: en (English) or zh_CN (Simplified Chinese). "
           "Without it, the language chosen in the window's Help menu, else the system's."),
        tr("LANGUAGE"));
    const QCommandLineOption collectionOption(
        QStringLiteral("collection"),
        tr("Read connection profiles from FILE: a wsscope collection, or an Insomnia JSON export (format 4)."),
        tr("FILE"));
    const QCommandLineOption profileOption(
        QStringLiteral("profile"),
        tr("Connect as the collection's profile NAME (or FOLDER/NAME): its URL, request and messages to send on "
           "open; the other options add to it or replace its settings."),
        tr("NAME"));
    const QCommandLineOption envOption(QStringLiteral("env"),
                                       tr("Fill the profile's {{variables}} from the collection's environment NAME."),
                                       tr("NAME"));
    const QCommandLineOption varOption(
        QStringLiteral("var"),
        tr("Set the variable NAME to VALUE, over the collection's and the environment's (repeatable)."),
        tr("NAME=VALUE"));
    const QList<QCommandLineOption> tlsProxyOptions = {caFileOption, certOption, keyOption, certPassphraseOption,
                                                       proxyOption};
    const QList<QCommandLineOption> collectionOptions = {collectionOption, profileOption, envOption, varOption};
    const QList<QCommandLineOption> options = {helpOption,     versionOption,  connectOption,  batchOption,
                                               headerOption,   protocolOption, originOption,   sendOption,
                                               sendHexOption,  sendFileOption, expectOption,   timeoutOption,
                                               saveOption,     maskOption,     insecureOption, openOption,
                                               serveOption,    strictOption,   allowOriginOption,
                                               answerStatusOption, requireHeaderOption, tlsCertOption, tlsKeyOption,
                                               tlsPassphraseOption, replyOption, replyTextOption, replyHexOption,
                                               listenOption,
                                               langOption,     collectionOption, profileOption, envOption,
                                               varOption};
    parser.addOptions(options);
    parser.addOptions(tlsProxyOptions);
    const QCommandLineOption pingIntervalOption(
        QStringLiteral("ping-interval"),
        tr("Send a ping every SEC seconds while the connection is open (fractions allowed); each pong gives a "
           "round-trip time."),
        tr("SEC"));
    const QCommandLineOption pingTimeoutOption(
        QStringLiteral("ping-timeout"),
        tr("When a ping gets no pong within SEC seconds, the connection is dead: abort it (with --batch, a failure)."),
        tr("SEC"));
    const QCommandLineOption reconnectOption(
        QStringLiteral("reconnect"),
        tr("In the window, when the connection ends without you closing it (dropped, closed by the server, "
           "refused, dead), connect again, at most ATTEMPTS times in a row (0: no limit)."),
        tr("ATTEMPTS"));
    const QCommandLineOption reconnectDelayOption(
        QStringLiteral("reconnect-delay"),
        tr("Wait SEC seconds before the first reconnect, twice as long before each next one (default 1)."),
        tr("SEC"));
    const QCommandLineOption reconnectMaxDelayOption(
        QStringLiteral("reconnect-max-delay"), tr("Wait at most SEC seconds between reconnects (default 30)."),
        tr("SEC"));
    const QCommandLineOption maxMessageSizeOption(
        QStringLiteral("max-message-size"),
        tr("Accept messages of at most BYTES bytes from the server (default %1); a larger one is refused with a Close "
           "of 1009.")
            .arg(Session::DefaultMaxMessageBytes),
        tr("BYTES"));
    const QCommandLineOption handshakeTimeoutOption(
        QStringLiteral("handshake-timeout"),
        tr("Give up on connecting when the WebSocket handshake has not completed within SEC seconds (default %1).")
            .arg(Session::DefaultHandshakeTimeoutMs / 1000),
        tr("SEC"));
    const QCommandLineOption closeCodeOption(
        QStringLiteral("close-code"),
        tr("Close with CODE (1000-1003, 1007-1014 or 3000-4999) when the run is done (default 1000)."), tr("CODE"));
    const QCommandLineOption closeReasonOption(
        QStringLiteral("close-reason"), tr("Send TEXT (at most 123 bytes of UTF-8) as the reason of that close."),
        tr("TEXT"));
    const QList<QCommandLineOption> keepAliveOptions = {
        pingIntervalOption,   pingTimeoutOption,      reconnectOption, reconnectDelayOption, reconnectMaxDelayOption,
        maxMessageSizeOption, handshakeTimeoutOption, closeCodeOption, closeReasonOption};
    parser.addOptions(keepAliveOptions);
    parser.addPositionalArgument(QStringLiteral("URL"),
                                 tr("ws:// or wss:// URL to put in the URL bar, or to connect to with --batch."),
                                 QStringLiteral("[URL]"));

    CommandLine result;
    const auto usageError = [&result, &parser](const QString &message) {
        result.mode = Mode::Error;
        result.error = message;
        result.helpText = usageText(parser);
        return result;
    };

    // --lang is read even from a command line with a mistake elsewhere, so
    // that the complaint about it is in the language asked for.
    const bool parsed = parser.parse(withoutQtOptions(arguments));
    const QString asked = parser.value(langOption);
    result.language = Language::normalise(asked);
    if (!parsed)
        return usageError(parser.errorText());
    if (parser.isSet(langOption) && result.language.isEmpty())
        return usageError(tr("wsscope does not speak \"%1\"; --lang takes en or zh_CN.").arg(asked));
    if (parser.isSet(helpOption)) {
        result.mode = Mode::Help;
        result.helpText = usageText(parser);
        return result;
    }
    if (parser.isSet(versionOption)) {
        result.mode = Mode::Version;
        return result;
    }

    // Read for a connection and for --serve alike; each returns the problem, or an empty string.
    const auto takeProtocols = [&parser, &protocolOption, &result]() -> QString {
        for (const QString &protocol : parser.values(protocolOption)) {
            if (!Session::isToken(protocol))
                return tr("Bad --protocol \"%1\": a subprotocol name is one word of letters, digits and "
                          "!#$%&'*+-.^_`|~, with no spaces or commas.")
                    .arg(protocol);
            if (result.subprotocols.contains(protocol))
                return tr("--protocol %1 is given twice.").arg(protocol);
            result.subprotocols << protocol;
        }
        return {};
    };
    // A number of seconds greater than 0 (fractions allowed), as milliseconds.
    const auto seconds = [&parser](const QCommandLineOption &option, int *msec) -> QString {
        if (!parser.isSet(option))
            return {};
        bool ok = false;
        const QString text = parser.value(option);
        const double value = text.trimmed().toDouble(&ok);
        if (!ok || !std::isfinite(value) || value <= 0 || value > MaxTimeoutSeconds)
            return tr("--%1 needs a number of seconds greater than 0 and at most %2; \"%3\" is not one.")
                .arg(option.names().constFirst())
                .arg(MaxTimeoutSeconds)
                .arg(text);
        *msec = qMax(1, int(std::lround(value * 1000)));
        return {};
    };
    const auto takeTimeoutAndSaves = [&]() -> QString {
        const QStringList timeouts = parser.values(timeoutOption);
        if (timeouts.size() > 1)
            return tr("Give --timeout at most once; got %1.").arg(timeouts.size());
        if (const QString problem = seconds(timeoutOption, &result.timeoutMs); !problem.isEmpty())
            return problem;
        for (const QString &path : parser.values(saveOption)) {
            if (path.isEmpty())
                return tr("--save needs a file name ending in .jsonl, .har, .pcapng or .txt.");
            if (SessionExport::formatForPath(path) == SessionExport::Format::Unknown)
                return tr("Cannot --save \"%1\": the name must end in .jsonl (session file), .har, .pcapng or "
                          ".txt to say the format.")
                    .arg(path);
            if (result.savePaths.contains(path))
                return tr("--save \"%1\" is given twice.").arg(path);
            result.savePaths << path;
        }
        return {};
    };
    const QList<QCommandLineOption> serverOptions = {answerStatusOption, requireHeaderOption, tlsCertOption,
                                                     tlsKeyOption, tlsPassphraseOption, replyOption,
                                                     replyTextOption, replyHexOption};
    // The largest message, read for a connection and for --serve; it bounds --send-file.
    const auto takeMaxMessageSize = [&]() -> QString {
        if (parser.values(maxMessageSizeOption).size() > 1)
            return tr("Give --max-message-size at most once.");
        if (!parser.isSet(maxMessageSizeOption))
            return {};
        bool ok = false;
        const QString text = parser.value(maxMessageSizeOption);
        const qint64 bytes = text.trimmed().toLongLong(&ok);
        const qint64 most = qint64(QWebSocket::maxIncomingMessageSize());
        if (!ok || bytes <= 0 || bytes > most)
            return tr("--max-message-size needs a number of bytes from 1 to %1; \"%2\" is not one.").arg(most).arg(text);
        result.maxMessageSize = bytes;
        return {};
    };
    // The messages of one family (--send… or --reply-…), each checked, in command-line order.
    const auto takeMessages = [&](const QCommandLineOption &textOption, const QCommandLineOption &hexOption,
                                  const QCommandLineOption *fileOption, qint64 fileLimit,
                                  QList<ScriptRunner::Message> *messages) -> QString {
        QList<ScriptRunner::Message> texts, hexes, files;
        for (const QString &text : parser.values(textOption))
            texts.append({ScriptRunner::Message::Kind::Text, text.toUtf8()});
        for (const QString &hex : parser.values(hexOption)) {
            const PayloadFormat::HexResult bytes = PayloadFormat::parseHex(hex);
            if (!bytes.ok())
                return tr("Bad --%1 \"%2\": %3").arg(hexOption.names().constFirst(), hex, bytes.error);
            hexes.append({ScriptRunner::Message::Kind::Binary, bytes.bytes});
        }
        // A regular file no larger than a message the connection accepts: a
        // pipe, a device (/dev/zero) or a huge file is refused before reading.
        for (const QString &path : fileOption ? parser.values(*fileOption) : QStringList()) {
            QByteArray data;
            QString why;
            bool tooLarge = false;
            if (!InputFile::readAll(path, fileLimit, &data, &why, &tooLarge))
                return tooLarge ? tr("Cannot send --send-file \"%1\": %2 (the largest message, set with "
                                     "--max-message-size).").arg(path, why)
                                : tr("Cannot read --send-file \"%1\": %2.").arg(path, why);
            files.append({ScriptRunner::Message::Kind::Binary, data});
        }
        QStringList withValues;
        for (const QCommandLineOption &option : options + tlsProxyOptions + keepAliveOptions) {
            if (!option.valueName().isEmpty())
                withValues << option.names();
        }
        qsizetype nextText = 0, nextHex = 0, nextFile = 0;
        for (const SendKind kind : sendOrder(arguments, withValues, textOption.names().constFirst(),
                                             hexOption.names().constFirst(),
                                             fileOption ? fileOption->names().constFirst() : QString())) {
            if (kind == SendKind::Text && nextText < texts.size())
                *messages << texts.at(nextText++);
            else if (kind == SendKind::Hex && nextHex < hexes.size())
                *messages << hexes.at(nextHex++);
            else if (kind == SendKind::File && nextFile < files.size())
                *messages << files.at(nextFile++);
        }
        // Should the walk ever disagree with the parser, nothing is lost.
        *messages += texts.mid(nextText);
        *messages += hexes.mid(nextHex);
        *messages += files.mid(nextFile);
        return {};
    };

    QStringList positional = parser.positionalArguments();
    // A port given alone after --serve or --listen.
    const auto takePort = [&positional, &result](const QString &option) -> QString {
        if (positional.size() > 1)
            return tr("--%1 takes at most one PORT.").arg(option);
        if (!positional.isEmpty()) {
            bool ok = false;
            const uint port = positional.first().toUInt(&ok);
            if (!ok || port > 65535)
                return tr("\"%1\" is not a port: give a number from 0 to 65535.").arg(positional.first());
            result.servePort = quint16(port);
        }
        return {};
    };
    if (parser.isSet(listenOption)) {
        if (parser.isSet(serveOption))
            return usageError(tr("Give --serve (no window) or --listen (the window), not both."));
        for (const QCommandLineOption &option : options + tlsProxyOptions + keepAliveOptions) {
            if (parser.isSet(option) && option.names() != listenOption.names() && option.names() != langOption.names())
                return usageError(tr("--listen opens the window with a server tab; it cannot be combined with --%1.")
                                      .arg(option.names().constFirst()));
        }
        if (const QString problem = takePort(QStringLiteral("listen")); !problem.isEmpty())
            return usageError(problem);
        result.listen = true;
        result.mode = Mode::Window;
        return result;
    }
    if (parser.isSet(serveOption)) {
        const QList<QCommandLineOption> connectionOptions = {connectOption, batchOption,  headerOption, originOption,
                                                             expectOption,  insecureOption, openOption, strictOption};
        for (const QCommandLineOption &option : connectionOptions + tlsProxyOptions + keepAliveOptions + collectionOptions) {
            if (parser.isSet(option) && option.names() != maxMessageSizeOption.names())
                return usageError(tr("--serve runs only the server; it cannot be combined with --%1 "
                                     "or any other option about a connection.")
                                      .arg(option.names().constFirst()));
        }
        if (const QString problem = takeProtocols(); !problem.isEmpty())
            return usageError(problem);
        if (const QString problem = takeTimeoutAndSaves(); !problem.isEmpty())
            return usageError(problem);
        // Saved only when the server stops, maybe hours later: a place that
        // cannot take the file is said now, not then.
        for (const QString &path : std::as_const(result.savePaths)) {
            const QFileInfo file(path);
            const QFileInfo folder(file.absolutePath());
            QString why;
            if (file.isDir())
                why = tr("it is a folder");
            else if (!folder.isDir())
                why = tr("the folder %1 does not exist").arg(folder.filePath());
            else if (!folder.isWritable() || (file.exists() && !file.isWritable()))
                why = tr("it cannot be written there");
            if (!why.isEmpty())
                return usageError(tr("Cannot --save \"%1\": %2.").arg(path, why));
        }
        result.maskSecrets = parser.isSet(maskOption);
        for (const QCommandLineOption &option : {answerStatusOption, tlsCertOption, tlsKeyOption, tlsPassphraseOption,
                                                  replyOption}) {
            if (parser.values(option).size() > 1)
                return usageError(tr("Give --%1 at most once.").arg(option.names().constFirst()));
        }
        if (parser.isSet(answerStatusOption)) {
            bool ok = false;
            const int status = parser.value(answerStatusOption).trimmed().toInt(&ok);
            const QString problem = ok ? InspectServer::statusProblem(status) : tr("it is not a number.");
            if (!problem.isEmpty())
                return usageError(tr("Bad --answer-status \"%1\": %2").arg(parser.value(answerStatusOption), problem));
            result.serveAnswerStatus = status;
        }
        for (const QString &line : parser.values(requireHeaderOption)) {
            const qsizetype colon = line.indexOf(u':');
            const QByteArray name = line.left(colon).trimmed().toUtf8();
            const QByteArray value = line.mid(colon + 1).trimmed().toUtf8();
            if (colon < 0 || !Session::isToken(QString::fromUtf8(name)) || value.contains('\r') || value.contains('\n'))
                return usageError(tr("Bad --require-header \"%1\": write it as \"Name: value\", on one line.").arg(line));
            result.serveRequiredHeaders.append({name, value});
        }
        result.serveTlsCertificate = parser.value(tlsCertOption);
        result.serveTlsKey = parser.value(tlsKeyOption);
        if (!result.serveTlsKey.isEmpty() && result.serveTlsCertificate.isEmpty())
            return usageError(tr("--tls-key goes with --tls-cert."));
        result.serveTlsPassphrase = parser.value(tlsPassphraseOption);
        if (parser.isSet(tlsPassphraseOption) && result.serveTlsCertificate.isEmpty())
            return usageError(tr("--tls-passphrase goes with --tls-cert."));
        // Kept out of the process list, where every user of the machine can read the arguments.
        if (!parser.isSet(tlsPassphraseOption) && !result.serveTlsCertificate.isEmpty())
            result.serveTlsPassphrase = qEnvironmentVariable("WSSCOPE_TLS_PASSPHRASE");
        // What each client gets: on its open (--send…) and in answer to its messages.
        if (const QString problem = takeMaxMessageSize(); !problem.isEmpty())
            return usageError(problem);
        // The server holds a message whole (twice, while it is logged): at most InspectServer::MostMessageBytes.
        if (result.maxMessageSize > InspectServer::MostMessageBytes)
            return usageError(tr("With --serve, --max-message-size takes at most %1 bytes.").arg(InspectServer::MostMessageBytes));
        const qint64 limit = result.maxMessageSize > 0 ? result.maxMessageSize : EchoServer::MaxMessageBytes;
        if (const QString problem = takeMessages(sendOption, sendHexOption, &sendFileOption,
                                                 limit, &result.messages);
            !problem.isEmpty())
            return usageError(problem);
        if (const QString problem = takeMessages(replyTextOption, replyHexOption, nullptr,
                                                 limit, &result.serveReplies);
            !problem.isEmpty())
            return usageError(problem);
        const QString mode = parser.value(replyOption).trimmed();
        if (mode.isEmpty())
            result.serveReply = result.serveReplies.isEmpty() ? InspectServer::Reply::Echo : InspectServer::Reply::Fixed;
        else if (mode == u"echo")
            result.serveReply = InspectServer::Reply::Echo;
        else if (mode == u"silent")
            result.serveReply = InspectServer::Reply::Silent;
        else if (mode == u"all")
            result.serveReply = InspectServer::Reply::Fixed;
        else if (mode == u"turn")
            result.serveReply = InspectServer::Reply::InTurn;
        else
            return usageError(tr("Bad --reply \"%1\": give echo, silent, all or turn.").arg(mode));
        const bool answers = result.serveReply == InspectServer::Reply::Fixed
            || result.serveReply == InspectServer::Reply::InTurn;
        if (answers && result.serveReplies.isEmpty())
            return usageError(tr("--reply %1 answers with the messages of --reply-text and --reply-hex; give at least one.")
                                  .arg(mode));
        if (!answers && !result.serveReplies.isEmpty())
            return usageError(tr("--reply %1 sends no --reply-text or --reply-hex; leave them out, or say all or turn.")
                                  .arg(mode));
        if (const QString problem = takePort(QStringLiteral("serve")); !problem.isEmpty())
            return usageError(problem);
        for (const QString &origin : parser.values(allowOriginOption)) {
            const QString problem = EchoServer::originProblem(origin);
            if (!problem.isEmpty())
                return usageError(tr("Bad --allow-origin \"%1\": %2").arg(origin, problem));
            result.allowedOrigins << origin.trimmed();
        }
        result.mode = Mode::Serve;
        return result;
    }
    for (const QCommandLineOption &option : serverOptions) {
        if (parser.isSet(option))
            return usageError(tr("--%1 is about the server of --serve; give --serve too.").arg(option.names().constFirst()));
    }
    if (parser.isSet(allowOriginOption))
        return usageError(tr("--allow-origin applies to the echo server of --serve; give --serve too (the window's "
                             "echo server follows the setting %1).")
                              .arg(Settings::key(Settings::Id::EchoAllowedOrigins)));

    QStringList opens = parser.values(openOption);
    // A saved session named by itself, as a file manager or a double click
    // passes it (a path, or a file:// URL), is opened as --open would.
    if (opens.isEmpty() && positional.size() == 1) {
        const QUrl asUrl(positional.first());
        const QString path = asUrl.isLocalFile() ? asUrl.toLocalFile() : positional.first();
        if ((asUrl.isLocalFile() || !positional.first().contains(QLatin1String("://"))) && QFileInfo(path).isFile()) {
            opens = {path};
            positional.clear();
        }
    }
    if (!opens.isEmpty()) {
        if (opens.size() > 1)
            return usageError(tr("Give --open at most once; more files can be opened from the window."));
        const QList<QCommandLineOption> connectionOptions = {
            connectOption, batchOption, headerOption, protocolOption, originOption, sendOption, sendHexOption,
            sendFileOption, expectOption, timeoutOption, saveOption, maskOption, insecureOption, strictOption};
        for (const QCommandLineOption &option : connectionOptions + tlsProxyOptions + keepAliveOptions + collectionOptions) {
            if (parser.isSet(option))
                return usageError(tr("--open shows a saved session; it cannot be combined with --%1.")
                                      .arg(option.names().constFirst()));
        }
        if (!positional.isEmpty())
            return usageError(tr("--open shows a saved session; it cannot be combined with a URL."));
        if (opens.first().isEmpty())
            return usageError(tr("--open needs the name of a session file."));
        result.openPath = opens.first();
        return result;
    }

    if (positional.size() > 1)
        return usageError(tr("Give at most one URL; got %1 arguments.").arg(positional.size()));
    if (!positional.isEmpty()) {
        const UrlCheck::Result checked = UrlCheck::parse(positional.first());
        if (!checked.ok())
            return usageError(tr("Bad URL \"%1\": %2").arg(positional.first(), checked.error));
        result.url = checked.url;
    }
    if (parser.isSet(collectionOption) && !result.url.isEmpty())
        return usageError(tr("Give either a URL or --collection with --profile, not both."));
    if (parser.isSet(batchOption)) {
        if (result.url.isEmpty() && !parser.isSet(collectionOption))
            return usageError(tr("--batch needs the URL to connect to."));
        result.mode = Mode::Batch;
    }
    result.insecure = parser.isSet(insecureOption);

    // TLS files and the proxy: each at most once, the files loaded to check them.
    for (const QCommandLineOption &option : tlsProxyOptions) {
        const QStringList values = parser.values(option);
        if (values.size() > 1)
            return usageError(tr("Give --%1 at most once; got %2.").arg(option.names().constFirst()).arg(values.size()));
        if (!values.isEmpty() && values.first().isEmpty() && option.names() != certPassphraseOption.names())
            return usageError(tr("--%1 needs a value.").arg(option.names().constFirst()));
    }
    result.tlsFiles.caFile = parser.value(caFileOption);
    result.tlsFiles.certificateFile = parser.value(certOption);
    result.tlsFiles.keyFile = parser.value(keyOption);
    result.tlsFiles.passphrase = parser.value(certPassphraseOption);
    if (!parser.isSet(certPassphraseOption) && parser.isSet(certOption))
        result.tlsFiles.passphrase = qEnvironmentVariable("WSSCOPE_CERT_PASSPHRASE");
    if (parser.isSet(keyOption) && !parser.isSet(certOption))
        return usageError(tr("--key is the key of a PEM --cert; give the --cert too."));
    if (parser.isSet(certPassphraseOption) && !parser.isSet(certOption))
        return usageError(tr("--cert-passphrase is for a PKCS#12 --cert or an encrypted --key; give the --cert too."));
    if (checkTlsFiles == TlsFileCheck::Now) {
        const QString problem = result.tlsFileProblem();
        if (!problem.isEmpty())
            return usageError(problem);
    } else {
        result.helpText = usageText(parser);   // for a problem found later
    }
    if (parser.isSet(proxyOption)) {
        QString problem;
        if (!ProxySetting::parse(parser.value(proxyOption), &result.proxy, &problem))
            return usageError(tr("Bad --proxy: %1").arg(problem));
        result.proxyGiven = true;
    }

    for (const QString &line : parser.values(headerOption)) {
        const qsizetype colon = line.indexOf(u':');
        if (colon < 0)
            return usageError(tr("Bad --header \"%1\": write it as \"Name: value\".").arg(line));
        const QByteArray name = line.left(colon).trimmed().toUtf8();
        const QByteArray value = line.mid(colon + 1).trimmed().toUtf8();
        QString problem = Session::checkHeader(name, value);
        if (name.compare("origin", Qt::CaseInsensitive) == 0)
            problem = tr("give the origin with --origin, not as a header.");
        else if (name.compare("sec-websocket-protocol", Qt::CaseInsensitive) == 0)
            problem = tr("give each subprotocol with --protocol, not as a header.");
        for (const Session::Header &earlier : std::as_const(result.headers)) {
            if (problem.isEmpty() && earlier.first.compare(name, Qt::CaseInsensitive) == 0)
                problem = Session::duplicateHeaderProblem(earlier.first, name);
        }
        if (!problem.isEmpty())
            return usageError(tr("Bad --header \"%1\": %2").arg(line, problem));
        result.headers.append({name, value});
    }

    if (const QString problem = takeProtocols(); !problem.isEmpty())
        return usageError(problem);

    const QStringList origins = parser.values(originOption);
    if (origins.size() > 1)
        return usageError(tr("Give --origin at most once; got %1.").arg(origins.size()));
    if (!origins.isEmpty()) {
        result.origin = origins.first().trimmed();
        if (result.origin.isEmpty())
            return usageError(tr("--origin needs a value, for example https://example.com."));
        if (hasControlCharacter(result.origin))
            return usageError(tr("Bad --origin \"%1\": it holds a line break or another control character.")
                                  .arg(origins.first()));
    }

    // Before the messages: it bounds --send-file.
    if (const QString problem = takeMaxMessageSize(); !problem.isEmpty())
        return usageError(problem);
    if (const QString problem = takeMessages(sendOption, sendHexOption, &sendFileOption,
                                             result.maxMessageSize > 0 ? result.maxMessageSize
                                                                       : Session::DefaultMaxMessageBytes,
                                             &result.messages);
        !problem.isEmpty())
        return usageError(problem);

    const QStringList expects = parser.values(expectOption);
    if (expects.size() > 1)
        return usageError(tr("Give --expect at most once; got %1.").arg(expects.size()));
    if (!expects.isEmpty()) {
        bool ok = false;
        const int count = expects.first().trimmed().toInt(&ok);
        if (!ok || count < 0)
            return usageError(tr("--expect needs a number of messages (0 or more); \"%1\" is not one.")
                                  .arg(expects.first()));
        result.expect = count;
    }

    if (const QString problem = takeTimeoutAndSaves(); !problem.isEmpty())
        return usageError(problem);

    // Keep-alive, reconnecting, limits and the close: each at most once.
    for (const QCommandLineOption &option : keepAliveOptions) {
        const qsizetype count = parser.values(option).size();
        if (count > 1)
            return usageError(tr("Give --%1 at most once; got %2.").arg(option.names().constFirst()).arg(count));
    }
    for (const auto &[option, msec] :
         {std::pair{&pingIntervalOption, &result.pingIntervalMs}, std::pair{&pingTimeoutOption, &result.pongTimeoutMs},
          std::pair{&reconnectDelayOption, &result.reconnectDelayMs},
          std::pair{&reconnectMaxDelayOption, &result.reconnectMaxDelayMs},
          std::pair{&handshakeTimeoutOption, &result.handshakeTimeoutMs}}) {
        const QString problem = seconds(*option, msec);
        if (!problem.isEmpty())
            return usageError(problem);
    }
    if (parser.isSet(reconnectOption)) {
        bool ok = false;
        const int attempts = parser.value(reconnectOption).trimmed().toInt(&ok);
        if (!ok || attempts < 0)
            return usageError(tr("--reconnect needs a number of attempts (0: no limit); \"%1\" is not one.")
                                  .arg(parser.value(reconnectOption)));
        if (result.mode == Mode::Batch)
            return usageError(tr("--reconnect applies to the window; a --batch run follows one connection."));
        result.reconnectAttempts = attempts;
    } else if (parser.isSet(reconnectDelayOption) || parser.isSet(reconnectMaxDelayOption)) {
        return usageError(tr("--%1 applies to reconnecting; give --reconnect too.")
                              .arg(parser.isSet(reconnectDelayOption) ? reconnectDelayOption.names().constFirst()
                                                                      : reconnectMaxDelayOption.names().constFirst()));
    }
    if (parser.isSet(reconnectMaxDelayOption) && result.reconnectMaxDelayMs < result.reconnectDelayMs)
        return usageError(tr("--reconnect-max-delay (%1 s) is shorter than --reconnect-delay (%2 s).")
                              .arg(result.reconnectMaxDelayMs / 1000.0)
                              .arg(result.reconnectDelayMs / 1000.0));
    if (!parser.isSet(reconnectMaxDelayOption))
        result.reconnectMaxDelayMs = qMax(result.reconnectMaxDelayMs, result.reconnectDelayMs);
    if (parser.isSet(closeCodeOption)) {
        bool ok = false;
        const QString text = parser.value(closeCodeOption);
        const int code = text.trimmed().toInt(&ok);
        if (!ok || !CloseCodes::isSendable(code))
            return usageError(tr("--close-code \"%1\" cannot be sent as a close code: use 1000-1003, 1007-1014 or "
                                 "3000-4999.")
                                  .arg(text));
        result.closeCode = code;
    }
    if (parser.isSet(closeReasonOption)) {
        result.closeReason = parser.value(closeReasonOption);
        const qsizetype bytes = result.closeReason.toUtf8().size();
        if (bytes > CloseCodes::MaxReasonBytes)
            return usageError(tr("--close-reason is %1 bytes of UTF-8; at most %2 fit in a Close frame.")
                                  .arg(bytes)
                                  .arg(CloseCodes::MaxReasonBytes));
    }

    result.maskSecrets = parser.isSet(maskOption);
    result.strict = parser.isSet(strictOption);
    if (result.maskSecrets && result.savePaths.isEmpty() && result.mode == Mode::Batch)
        return usageError(tr("--mask-secrets applies to --save files; give at least one --save."));

    if (parser.isSet(collectionOption)) {
        if (const QString problem = result.useProfile(parser.values(collectionOption), parser.values(profileOption),
                                                      parser.values(envOption), parser.values(varOption));
            !problem.isEmpty())
            return usageError(problem);
        if (checkTlsFiles == TlsFileCheck::Now) {
            if (const QString problem = result.tlsFileProblem(); !problem.isEmpty())
                return usageError(problem);
        }
    } else {
        for (const QCommandLineOption &option : {profileOption, envOption, varOption}) {
            if (parser.isSet(option))
                return usageError(tr("--%1 chooses from a collection; give --collection too.")
                                      .arg(option.names().constFirst()));
        }
    }

    result.connect = parser.isSet(connectOption) || result.hasScript();
    return result;
}

QString CommandLine::useProfile(const QStringList &collections, const QStringList &profiles,
                                const QStringList &environments, const QStringList &assignments)
{
    if (collections.size() > 1 || profiles.size() > 1 || environments.size() > 1)
        return tr("Give --collection, --profile and --env at most once each.");
    collectionPath = collections.constFirst();
    if (collectionPath.isEmpty())
        return tr("--collection needs the name of a collection file.");
    QByteArray json;
    QString why;
    if (!InputFile::readAll(collectionPath, 64 * 1024 * 1024, &json, &why))
        return tr("Cannot read --collection \"%1\": %2.").arg(collectionPath, why);
    Collection collection;
    QHash<QString, ProfileSecrets> secrets;
    if (InsomniaImport::isInsomniaExport(json)) {
        InsomniaImport import;
        if (!InsomniaImport::read(json, &import, &why))
            return tr("Cannot read the Insomnia export \"%1\": %2").arg(collectionPath, why);
        collection = import.collection;
        secrets = import.secrets;
        unmapped = import.unmapped;
    } else if (!Collection::read(json, &collection, &why)) {
        return tr("Cannot read the collection \"%1\": %2").arg(collectionPath, why);
    }

    const QList<Collection::Found> all = collection.profiles();
    const Profile *chosen = nullptr;
    if (!profiles.isEmpty()) {
        chosen = collection.findProfile(profiles.constFirst(), &why);
        if (!chosen)
            return tr("--profile: %1").arg(why);
    } else if (all.size() == 1) {
        chosen = all.constFirst().profile;
    } else if (mode != Mode::Batch) {
        // The window shows the collection and lets the user choose.
        chosen = nullptr;
    } else {
        QStringList names;
        for (const Collection::Found &found : all)
            names.append(found.folder.isEmpty() ? found.profile->name : found.folder + u'/' + found.profile->name);
        return all.isEmpty() ? tr("The collection \"%1\" has no profiles.").arg(collectionPath)
                             : tr("Choose a profile with --profile; the collection has: %1.")
                                   .arg(names.join(QStringLiteral(", ")));
    }

    const Environment *environment = nullptr;
    if (!environments.isEmpty()) {
        environment = collection.findEnvironment(environments.constFirst());
        if (!environment) {
            QStringList names;
            for (const Environment &known : std::as_const(collection.environments))
                names.append(known.name);
            return names.isEmpty()
                ? tr("--env: the collection has no environment \"%1\"; it has none.").arg(environments.constFirst())
                : tr("--env: the collection has no environment \"%1\"; it has: %2.")
                      .arg(environments.constFirst(), names.join(QStringLiteral(", ")));
        }
    }

    // --var: a name must be one the collection knows or the profile uses, so
    // that a misspelt name is not ignored in silence.
    QStringList known;
    for (const Variable &variable : std::as_const(collection.variables))
        known.append(variable.name);
    for (const Environment &each : std::as_const(collection.environments)) {
        for (const Variable &variable : each.variables)
            known.append(variable.name);
    }
    // The profile's texts, or with none chosen yet (the window), every profile's.
    QList<const Profile *> used;
    if (chosen)
        used.append(chosen);
    else
        for (const Collection::Found &found : all)
            used.append(found.profile);
    for (const Profile *each : std::as_const(used)) {
        QStringList texts = {each->url, each->request.authUser, each->request.authSecretReference,
                             each->request.subprotocols, each->request.origin, each->request.proxy,
                             each->request.caFile, each->request.certFile, each->request.keyFile,
                             secrets.value(each->id).authSecret};
        for (const ProfileRequest::Row &row : each->request.headers)
            texts << row.name << row.value;
        for (const SavedMessage &message : each->messages)
            texts << message.body;
        for (const QString &text : std::as_const(texts))
            known += VariableScope::references(text);
    }
    QList<Variable> given;
    for (const QString &assignment : assignments) {
        const qsizetype equals = assignment.indexOf(u'=');
        Variable variable;
        variable.name = assignment.left(equals).trimmed();
        variable.value = assignment.mid(equals + 1);
        variable.secret = true;   // a value given for one run is not shown in saved files when masking
        if (equals < 0 || !Variable::isValidName(variable.name))
            return tr("Bad --var \"%1\": write it as NAME=VALUE, the name of letters, digits, '_', '-' and '.'.")
                .arg(assignment);
        if (!known.contains(variable.name))
            return tr("--var %1: the collection defines no variable \"%1\" and the profile does not use one.")
                .arg(variable.name);
        given.append(variable);
    }
    // A --var marks nothing secret that the collection shows openly.
    for (Variable &variable : given) {
        const VariableScope defined = collection.scope(environment);
        // An empty value hides nothing, and is a value given on purpose.
        variable.secret = !variable.value.isEmpty() && (!defined.contains(variable.name) || defined.isSecret(variable.name));
    }

    variables = collection.scope(environment, given);
    overrides = given;
    environmentName = environment ? environment->name : QString();
    if (!chosen)
        return {};
    const ProfileSecrets profileSecrets = secrets.value(chosen->id);
    const ResolvedRequest resolved = ResolvedRequest::resolve(*chosen, profileSecrets, variables);
    if (!resolved.ok())
        return tr("The profile \"%1\" cannot be sent:\n%2").arg(chosen->name, resolved.problemText());
    QList<SavedMessage::Frame> frames;
    if (!ResolvedRequest::onOpenFrames(*chosen, variables, &frames, &why))
        return tr("The profile \"%1\" cannot be sent: %2").arg(chosen->name, why);

    profile = *chosen;
    hasProfile = true;
    url = resolved.url;
    // The profile's request first; what the command line gives adds to it
    // (headers, subprotocols) or replaces it (origin, TLS, proxy, timing).
    QList<Session::Header> merged = resolved.headers;
    for (const Session::Header &header : std::as_const(headers)) {
        for (const Session::Header &earlier : std::as_const(merged)) {
            if (earlier.first.compare(header.first, Qt::CaseInsensitive) == 0)
                return tr("--header %1: the profile sends %2 already.")
                    .arg(QString::fromLatin1(header.first), QString::fromLatin1(earlier.first));
        }
        merged.append(header);
    }
    headers = merged;
    QStringList protocols = resolved.subprotocols;
    for (const QString &protocol : std::as_const(subprotocols)) {
        if (protocols.contains(protocol))
            return tr("--protocol %1: the profile offers it already.").arg(protocol);
        protocols.append(protocol);
    }
    subprotocols = protocols;
    if (origin.isEmpty())
        origin = resolved.origin;
    if (tlsFiles.isEmpty())
        tlsFiles = resolved.tlsFiles;
    if (!proxyGiven && resolved.proxyGiven) {
        proxy = resolved.proxy;
        proxyGiven = true;
    }
    const ProfileRequest &request = profile.request;
    if (pingIntervalMs == 0)
        pingIntervalMs = request.pingIntervalMs;
    if (pongTimeoutMs == 0)
        pongTimeoutMs = request.pongTimeoutMs;
    if (maxMessageSize == 0)
        maxMessageSize = request.maxMessageBytes;
    if (handshakeTimeoutMs < 0 && request.handshakeTimeoutMs > 0)
        handshakeTimeoutMs = request.handshakeTimeoutMs;
    if (request.reconnect && reconnectAttempts < 0 && mode != Mode::Batch) {
        reconnectAttempts = request.reconnectAttempts;
        reconnectDelayMs = request.reconnectDelayMs;
        reconnectMaxDelayMs = qMax(request.reconnectDelayMs, request.reconnectMaxDelayMs);
    }
    return {};
}

Session::OpenMessages CommandLine::openMessages() const
{
    if (!hasProfile)
        return {};
    const Profile chosen = profile;
    const VariableScope scope = variables;
    return [chosen, scope](QList<Session::Outgoing> *out, QString *why) {
        QList<SavedMessage::Frame> frames;
        if (!ResolvedRequest::onOpenFrames(chosen, scope, &frames, why))
            return false;
        out->clear();
        for (const SavedMessage::Frame &frame : std::as_const(frames))
            out->append({frame.binary, frame.data});
        return true;
    };
}
