#pragma once

#include "session/handshakeinfo.h"

#include <QByteArray>
#include <QList>
#include <QStringList>

// Hiding credentials in exports: the values of Authorization, Cookie,
// Set-Cookie and Proxy-Authorization become asterisks of the same length, so
// a masked HTTP head keeps its size and a byte stream its offsets.
namespace Secrets {

bool isSecret(QByteArrayView headerName);
QList<HandshakeInfo::Header> masked(const QList<HandshakeInfo::Header> &headers);
// An HTTP head (request or response, raw bytes) with secret values masked.
QByteArray maskedHead(const QByteArray &head);

// Values that are secrets whatever header carries them (the values of a
// collection's secret variables): masked() and maskedHead() also hide each
// of them where it appears in a header's value. Values shorter than
// MinMaskedValue bytes are not looked for: they would hide ordinary text.
constexpr qsizetype MinMaskedValue = 4;
void setMaskedValues(const QList<QByteArray> &values);
// The same, for texts: each as UTF-8, Latin-1 and percent-encoded, the
// forms it can take in a header.
void setMaskedTexts(const QStringList &texts);
QList<QByteArray> maskedValues();

} // namespace Secrets
