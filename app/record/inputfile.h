#pragma once

#include <QByteArray>
#include <QString>

class QFile;

// Files the user names to be read: a session to open, a file to send. Only
// regular files (or links to them) are read: a named pipe with no writer
// would block forever, and a device such as /dev/zero never ends. The kind
// of file is checked on the opened descriptor, which was opened without
// blocking, so a pipe is refused before anything waits on it.
namespace InputFile {

// No limit on the size.
inline constexpr qint64 AnySize = -1;

// Opens `path` read-only into `file` (which must be closed). False with the
// reason in *error (a phrase like "it is a named pipe, not a regular file",
// for the caller to put after the file's name) when it cannot be opened, is
// not a regular file, or is larger than maxBytes (unless AnySize); then
// *tooLarge, when given, says whether the size was the reason.
bool open(QFile *file, const QString &path, qint64 maxBytes, QString *error, bool *tooLarge = nullptr);

// Reads the whole of `path`, which open() accepts, into *data; never more
// than maxBytes (unless AnySize), even when the file grows meanwhile.
bool readAll(const QString &path, qint64 maxBytes, QByteArray *data, QString *error, bool *tooLarge = nullptr);

} // namespace InputFile
