#pragma once

#include <QString>
#include <QStringList>
#include <QUrl>

// What the command line asked for. Parsing is pure so that every rule can be
// tested without starting a process; main() only acts on the result.
struct CommandLine
{
    enum class Mode { Window, Serve, Help, Version, Error };

    Mode mode = Mode::Window;
    QUrl url;                 // valid and normalised, or empty
    bool connect = false;
    bool insecure = false;    // accept certificates that do not verify
    QStringList sends;
    quint16 servePort = 0;
    QString error;            // for Mode::Error
    QString helpText;         // for Mode::Help and Mode::Error

    static CommandLine parse(const QStringList &arguments);
};
