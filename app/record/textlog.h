#pragma once

#include "record/export.h"

class QIODevice;
class Session;

// The log as a person reads it: one line per message or event.
namespace TextLog {

bool write(const Session &session, QIODevice *out, const SessionExport::Options &options, QString *error);

} // namespace TextLog
