// libFuzzer target for the session-file reader: the input is a file's bytes.
// Reading must never crash, hang or leak, must account for every row it kept,
// and must say where it stopped. What was read then feeds the Wire tab's
// rebuild, as opening a file does.
#include "log/messagelog.h"
#include "record/sessionfile.h"

#include <QBuffer>
#include <QCoreApplication>

#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    // MessageLog owns a timer: it wants an application, as in wsscope.
    static QCoreApplication app(*argc, *argv);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    QByteArray bytes = QByteArray::fromRawData(reinterpret_cast<const char *>(data), qsizetype(size));
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::ReadOnly);
    MessageLog log;
    const SessionFile::Loaded loaded = SessionFile::read(&buffer, &log);

    if (loaded.rows != log.count() || loaded.problemLine < 0 || (loaded.problemLine > 0 && loaded.problem.isEmpty()))
        std::abort();
    if (!loaded.valid && loaded.problem.isEmpty())
        std::abort();
    if (loaded.valid && (loaded.version < SessionFile::OldestVersion || loaded.version > SessionFile::Version))
        std::abort();
    bool exact = false;
    const QList<TapRecord> wire = SessionFile::wireOf(loaded, log, &exact);
    if (exact && wire.isEmpty())
        std::abort();
    return 0;
}
