#include "mainwindow.h"
#include "qtmessages.h"
#include "record/sessionfile.h"
#include "settings/settings.h"

#include <QAction>
#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QScopeGuard>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <atomic>
#include <cstdio>
#include <thread>

// Quitting while a large session file is being read: the process ends at
// once instead of reading the rest. The window runs in a child process (this
// executable, run again with --open-and-quit), which opens the file, quits
// (File > Quit) while it is still being read, and exits; the test times the exit.
class TestOpenCancel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void quitWhileReadingEndsTheProcess();
};

namespace {

// Session file lines, each `rows` messages long, as the session file writer makes them.
QByteArray rowLines(qint64 first, int rows)
{
    QByteArray out;
    const QByteArray payload(64, 'r');
    for (int i = 0; i < rows; ++i) {
        MessageLog::Entry entry;
        entry.timeUsec = 1'790'000'000'000'000 + first + i;
        entry.connection = 0;
        entry.direction = MessageLog::Direction::Received;
        entry.kind = MessageLog::Kind::Text;
        entry.length = quint32(payload.size());
        entry.sequence = int(first + i);
        SessionFile::appendRowLine(out, entry, payload);
    }
    return out;
}

// The child: the real window opens the file; File > Quit 300 ms later.
int openAndQuit(int argc, char **argv)
{
    QApplication app(argc, argv);
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("wsscope-tests"));
    Settings::setValue(Settings::Id::KeepJournal, false);
    const QString path = QString::fromLocal8Bit(argv[2]);
    MainWindow window{QUrl()};
    window.show();
    window.activateWindow();
    if (!QTest::qWaitForWindowActive(&window))
        return 3;
    QObject::connect(&window, &MainWindow::loaded, &window, [] {
        std::printf("loaded before the quit\n");
        std::fflush(stdout);
    });
    window.openSessionFile(path);
    QTimer::singleShot(300, &window, [&window] {
        std::printf("quit\n");
        std::fflush(stdout);
        // File > Quit, which is Ctrl+Q on the desktops (the offscreen
        // platform binds no key to QKeySequence::Quit).
        for (QAction *action : window.findChildren<QAction *>()) {
            if (action->text() == MainWindow::tr("&Quit"))
                action->trigger();
        }
    });
    const int code = QApplication::exec();
    std::printf("window closed\n");
    std::fflush(stdout);
    return code;   // the window, and the reading, go here
}

} // namespace

void TestOpenCancel::quitWhileReadingEndsTheProcess()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("big.wsscope.jsonl"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Unbuffered));
    Session::Connection connection;
    connection.url = QStringLiteral("ws://127.0.0.1:9/");
    connection.startUsec = 1'790'000'000'000'000;
    QByteArray head = SessionFile::headerLine(connection.startUsec) + SessionFile::connectionLine(connection, {});
    QVERIFY(file.write(head) == head.size());
    // 300,000 rows to begin with (over a second of reading), and more while
    // the window reads: the file is still being written, so the reading
    // cannot end on its own before the quit (and, unless the quit stops it,
    // not for long after it).
    constexpr int Batch = 5000;
    std::atomic<qint64> written{0};
    for (; written < 300'000; written += Batch)
        QVERIFY(file.write(rowLines(written, Batch)) > 0);
    std::atomic<bool> stopWriting{false};
    std::thread writer([&] {
        for (; !stopWriting && written < 6'000'000; written += Batch) {
            if (file.write(rowLines(written, Batch)) <= 0)
                break;
        }
    });
    const auto stop = qScopeGuard([&] {
        stopWriting = true;
        writer.join();
    });

    QTemporaryDir data;
    QTemporaryDir runtime;   // made 0700, as XDG_RUNTIME_DIR must be (else Qt warns)
    const QProcessEnvironment environment = QtMessages::windowEnvironment(data.path(), runtime.path());
    QProcess child;
    child.setProcessEnvironment(environment);
    const auto kill = qScopeGuard([&child] {
        child.kill();
        child.waitForFinished();
    });
    child.start(QCoreApplication::applicationFilePath(), {QStringLiteral("--open-and-quit"), path});
    QVERIFY2(child.waitForStarted(), qPrintable(child.errorString()));
    QByteArray out;
    QVERIFY(QTest::qWaitFor([&] {
        out += child.readAllStandardOutput();
        return out.contains("quit\n") || child.state() == QProcess::NotRunning;
    }, 30000));
    QVERIFY2(out.contains("quit\n"), out.constData());
    QElapsedTimer sinceQuit;
    sinceQuit.start();
    // Generous: the reading stops within a line; without that, the child
    // reads on for as long as the file grows.
    const bool ended = QTest::qWaitFor([&child] { return child.state() == QProcess::NotRunning; }, 10000);
    const qint64 ms = sinceQuit.elapsed();
    out += child.readAllStandardOutput();
    const QString err = QString::fromUtf8(child.readAllStandardError());
    QVERIFY2(ended, qPrintable(QStringLiteral("still running %1 ms after the quit; %2 rows written; %3")
                                   .arg(ms).arg(written.load()).arg(QString::fromUtf8(out))));
    QCOMPARE(child.exitStatus(), QProcess::NormalExit);
    QCOMPARE(child.exitCode(), 0);
    QVERIFY2(out.contains("window closed\n"), out.constData());
    qInfo("the process ended %lld ms after the quit (%lld rows written by then)", ms, written.load());
    QVERIFY2(!out.contains("loaded before the quit"), out.constData());
    QVERIFY2(QtMessages::in(err).isEmpty(), qPrintable(err));
}

int main(int argc, char **argv)
{
    if (argc > 2 && qstrcmp(argv[1], "--open-and-quit") == 0)
        return openAndQuit(argc, argv);
    QCoreApplication app(argc, argv);
    TestOpenCancel test;
    return FailOnWarning::exec(&test, argc, argv);
}

#include "tst_opencancel.moc"
