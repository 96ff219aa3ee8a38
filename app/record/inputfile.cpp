#include "inputfile.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>

#ifdef Q_OS_UNIX
#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

namespace InputFile {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("InputFile", text);
}

QString sizeProblem(qint64 size, qint64 maxBytes)
{
    return tr("it is %1 bytes, more than the %2 bytes accepted").arg(size).arg(maxBytes);
}

} // namespace

bool open(QFile *file, const QString &path, qint64 maxBytes, QString *error, bool *tooLarge)
{
    if (tooLarge)
        *tooLarge = false;
    const auto fail = [error](const QString &why) {
        if (error)
            *error = why;
        return false;
    };
#ifdef Q_OS_UNIX
    // O_NONBLOCK: opening a named pipe for reading would otherwise wait for a writer.
    const int fd = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return fail(qt_error_string(errno));
    struct stat status;
    if (::fstat(fd, &status) != 0) {
        const int code = errno;
        ::close(fd);
        return fail(qt_error_string(code));
    }
    const mode_t type = status.st_mode & S_IFMT;
    if (type != S_IFREG) {
        ::close(fd);
        return fail(type == S_IFDIR    ? tr("it is a directory, not a file")
                    : type == S_IFIFO  ? tr("it is a named pipe, not a regular file")
                    : type == S_IFSOCK ? tr("it is a socket, not a regular file")
                    : type == S_IFCHR || type == S_IFBLK ? tr("it is a device, not a regular file")
                                                         : tr("it is not a regular file"));
    }
    if (maxBytes != AnySize && status.st_size > maxBytes) {
        ::close(fd);
        if (tooLarge)
            *tooLarge = true;
        return fail(sizeProblem(status.st_size, maxBytes));
    }
    // Reads of a regular file never block anyway; clear the flag for clarity.
    const int flags = ::fcntl(fd, F_GETFL);
    if (flags != -1)
        ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
    if (!file->open(fd, QIODevice::ReadOnly, QFileDevice::AutoCloseHandle)) {
        ::close(fd);
        return fail(file->errorString());
    }
    return true;
#else
    const QFileInfo info(path);
    if (info.exists() && info.isDir())
        return fail(tr("it is a directory, not a file"));
    if (info.exists() && !info.isFile())
        return fail(tr("it is not a regular file"));
    if (info.exists() && maxBytes != AnySize && info.size() > maxBytes)
    {
        if (tooLarge)
            *tooLarge = true;
        return fail(sizeProblem(info.size(), maxBytes));
    }
    file->setFileName(path);
    if (!file->open(QIODevice::ReadOnly))
        return fail(file->errorString());
    return true;
#endif
}

bool readAll(const QString &path, qint64 maxBytes, QByteArray *data, QString *error, bool *tooLarge)
{
    QFile file;
    if (!open(&file, path, maxBytes, error, tooLarge))
        return false;
    // The size stated when it was opened, plus one byte to see it grew past the bound.
    const qint64 stated = file.size();
    const qint64 wanted = maxBytes == AnySize ? stated : qMin(stated, maxBytes) + 1;
    QByteArray bytes;
    bytes.resize(wanted);
    qint64 got = 0;
    while (got < wanted) {
        const qint64 n = file.read(bytes.data() + got, wanted - got);
        if (n < 0) {
            if (error)
                *error = file.errorString();
            return false;
        }
        if (n == 0)
            break;
        got += n;
    }
    if (maxBytes != AnySize && got > maxBytes) {
        if (tooLarge)
            *tooLarge = true;
        if (error)
            *error = tr("it grew past the %1 bytes accepted while it was read").arg(maxBytes);
        return false;
    }
    bytes.truncate(got);
    *data = std::move(bytes);
    return true;
}

} // namespace InputFile
