#pragma once

#include "record/export.h"

class QIODevice;
class Session;

// The session's connections as a pcapng capture that Wireshark and tshark
// dissect: each connection's byte stream in synthetic Ethernet/IPv4/TCP
// packets with a three-way handshake, real timestamps and a FIN at the end.
namespace Pcapng {

bool write(const Session &session, QIODevice *out, const SessionExport::Options &options, QString *error);

} // namespace Pcapng
