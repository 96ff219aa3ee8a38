#include "failonwarning.h"

#include <QRecursiveMutex>
#include <QMutexLocker>

#include <cstdio>

namespace FailOnWarning {

namespace {

QtMessageHandler g_qtestHandler = nullptr;
// QTest's handler reads the failOnWarning list that this one adds to; a
// warning from another thread (the tap's) must not race with the main thread.
QRecursiveMutex g_mutex;
bool g_strayWarning = false;

// The offscreen platform, which the GUI tests run on, says what a real
// window system would do and it cannot (QPlatformWindow's defaults: "This
// plugin does not support raise()", "…propagateSizeHints()", "…grabbing the
// keyboard"). That is the test bed, not wsscope: expected everywhere.
bool expectedEverywhere(const QString &message)
{
    static const bool offscreen = qgetenv("QT_QPA_PLATFORM") == "offscreen";
    return offscreen && message.startsWith(QLatin1String("This plugin does not support "));
}

void handler(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    const QMutexLocker locker(&g_mutex);
    if (type == QtWarningMsg && expectedEverywhere(message))
        return;
    const bool inTest = QTest::currentTestFunction() != nullptr;
    if (type == QtWarningMsg && inTest)
        QTest::failOnWarning(message.toUtf8().constData());
    g_qtestHandler(type, context, message);
    if (type == QtCriticalMsg && inTest)
        QTest::qFail("Received a critical message, see above.", __FILE__, __LINE__);
    if ((type == QtWarningMsg || type == QtCriticalMsg) && !inTest)
        g_strayWarning = true;
}

// After QTest stopped logging: print as Qt would, and remember.
void afterTests(QtMsgType type, const QMessageLogContext &, const QString &message)
{
    if (type == QtWarningMsg && expectedEverywhere(message))
        return;
    std::fprintf(stderr, "%s\n", qPrintable(message));
    if (type == QtWarningMsg || type == QtCriticalMsg)
        g_strayWarning = true;
}

} // namespace

int exec(QObject *testObject, int argc, char **argv)
{
    QTest::qInit(testObject, argc, argv);
    g_qtestHandler = qInstallMessageHandler(handler);
    int result = QTest::qRun();
    // qCleanup() puts back the handler from before qInit().
    qInstallMessageHandler(g_qtestHandler);
    QTest::qCleanup();
    qInstallMessageHandler(afterTests);
    if (g_strayWarning) {
        std::fprintf(stderr, "FAIL: a Qt warning outside any test function (see above).\n");
        result = result ? result : 1;
    }
    return result;
}

} // namespace FailOnWarning
