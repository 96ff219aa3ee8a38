#pragma once

#include "record/export.h"

class QIODevice;
class Session;

// HAR 1.2 as Chrome DevTools writes WebSocket sessions: one entry per
// connection, with the handshake's headers and timings, _resourceType
// "websocket" and every message in _webSocketMessages.
namespace Har {

bool write(const Session &session, QIODevice *out, const SessionExport::Options &options, QString *error);

} // namespace Har
