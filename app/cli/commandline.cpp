#include "commandline.h"

#include "session/urlcheck.h"

#include <QCommandLineParser>
#include <QCoreApplication>

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("CommandLine", text);
}

} // namespace

CommandLine CommandLine::parse(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        tr("wsscope: connect to a WebSocket server, send messages, and see the handshake and every message."));
    const QCommandLineOption helpOption({QStringLiteral("h"), QStringLiteral("help")}, tr("Show this help and exit."));
    const QCommandLineOption versionOption(QStringLiteral("version"), tr("Show the version and exit."));
    const QCommandLineOption connectOption(QStringLiteral("connect"), tr("Connect to URL as soon as the window opens."));
    const QCommandLineOption sendOption(QStringLiteral("send"),
                                        tr("Send TEXT once the connection is open (repeatable, in order; implies --connect)."),
                                        tr("TEXT"));
    const QCommandLineOption serveOption(QStringLiteral("serve"),
                                         tr("Run only the built-in echo server, without a window, on 127.0.0.1 "
                                            "at PORT (0 or none: the OS chooses), and print its URL."));
    const QCommandLineOption insecureOption(QStringLiteral("insecure"),
                                            tr("Connect even when the server's TLS certificate does not verify."));
    parser.addOptions({helpOption, versionOption, connectOption, sendOption, insecureOption, serveOption});
    parser.addPositionalArgument(QStringLiteral("URL"), tr("ws:// or wss:// URL to put in the URL bar."),
                                 QStringLiteral("[URL]"));

    CommandLine result;
    const auto usageError = [&result, &parser](const QString &message) {
        result.mode = Mode::Error;
        result.error = message;
        result.helpText = parser.helpText();
        return result;
    };

    if (!parser.parse(arguments))
        return usageError(parser.errorText());
    if (parser.isSet(helpOption)) {
        result.mode = Mode::Help;
        result.helpText = parser.helpText();
        return result;
    }
    if (parser.isSet(versionOption)) {
        result.mode = Mode::Version;
        return result;
    }

    const QStringList positional = parser.positionalArguments();
    if (parser.isSet(serveOption)) {
        if (parser.isSet(connectOption) || parser.isSet(sendOption) || parser.isSet(insecureOption))
            return usageError(tr("--serve runs only the echo server; it cannot be combined with --connect, --send "
                                 "or --insecure."));
        if (positional.size() > 1)
            return usageError(tr("--serve takes at most one PORT."));
        if (!positional.isEmpty()) {
            bool ok = false;
            const uint port = positional.first().toUInt(&ok);
            if (!ok || port > 65535)
                return usageError(tr("\"%1\" is not a port: give a number from 0 to 65535.").arg(positional.first()));
            result.servePort = quint16(port);
        }
        result.mode = Mode::Serve;
        return result;
    }

    if (positional.size() > 1)
        return usageError(tr("Give at most one URL; got %1 arguments.").arg(positional.size()));
    result.sends = parser.values(sendOption);
    result.insecure = parser.isSet(insecureOption);
    result.connect = parser.isSet(connectOption) || !result.sends.isEmpty();
    if (!positional.isEmpty()) {
        const UrlCheck::Result checked = UrlCheck::parse(positional.first());
        if (!checked.ok())
            return usageError(tr("Bad URL \"%1\": %2").arg(positional.first(), checked.error));
        result.url = checked.url;
    }
    return result;
}
