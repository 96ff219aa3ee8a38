#pragma once

#include "session/handshakeinfo.h"

#include <QByteArray>
#include <QList>

// Hiding credentials in exports: the values of Authorization, Cookie,
// Set-Cookie and Proxy-Authorization become asterisks of the same length, so
// a masked HTTP head keeps its size and a byte stream its offsets.
namespace Secrets {

bool isSecret(QByteArrayView headerName);
QList<HandshakeInfo::Header> masked(const QList<HandshakeInfo::Header> &headers);
// An HTTP head (request or response, raw bytes) with secret values masked.
QByteArray maskedHead(const QByteArray &head);

} // namespace Secrets
