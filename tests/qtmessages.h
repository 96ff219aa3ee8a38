#pragma once

#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

// For tests that run the wsscope executable: wsscope writes its own messages
// itself, so anything Qt prints is a warning nobody expected, as it is in the
// test process (tests/failonwarning.h). Qt's messages are marked to find them.
namespace QtMessages {

// The environment for a wsscope process, with Qt's messages marked.
inline QProcessEnvironment markedEnvironment(QProcessEnvironment environment = QProcessEnvironment::systemEnvironment())
{
    environment.insert(QStringLiteral("QT_MESSAGE_PATTERN"), QStringLiteral("qt-message %{type}: %{message}"));
    return environment;
}

// The environment for a wsscope window of its own, offscreen: its data and
// settings in `home` (a throwaway folder), its runtime folder in `runtime`
// (which must be 0700, as a QTemporaryDir is, or Qt warns).
inline QProcessEnvironment windowEnvironment(const QString &home, const QString &runtime)
{
    QProcessEnvironment environment = markedEnvironment();
    environment.insert(QStringLiteral("XDG_RUNTIME_DIR"), runtime);
    environment.insert(QStringLiteral("XDG_DATA_HOME"), home);
    environment.insert(QStringLiteral("XDG_CONFIG_HOME"), home);
    environment.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    return environment;
}

// Qt's messages in what such a process wrote to stderr, but for what the
// offscreen platform says it cannot do (expected in the test process too).
inline QString in(const QString &err)
{
    QStringList found;
    for (const QString &line : err.split(u'\n')) {
        if (line.startsWith(QLatin1String("qt-message "))
            && !line.contains(QLatin1String("warning: This plugin does not support ")))
            found << line;
    }
    return found.join(u'\n');
}

} // namespace QtMessages
