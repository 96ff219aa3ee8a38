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

// Values that are secrets whatever header carries them (the values of a
// collection's secret variables) are hidden too, wherever they appear in a
// header's value. They belong to the session being saved, never to the
// process: each tab has its own. valueForms() gives each text as UTF-8,
// Latin-1 and percent-encoded (the forms it can take in a header), longest
// first and each once; texts shorter than MinMaskedValue bytes are left out,
// since they would hide ordinary text.
constexpr qsizetype MinMaskedValue = 4;
QList<QByteArray> valueForms(const QStringList &texts);

QList<HandshakeInfo::Header> masked(const QList<HandshakeInfo::Header> &headers, const QList<QByteArray> &values);
// An HTTP head (request or response, raw bytes) with secret values masked;
// `values` in its start line too (a secret in the request's query).
QByteArray maskedHead(const QByteArray &head, const QList<QByteArray> &values);
// A payload, or a URL, with each of `values` made asterisks of its length.
QByteArray maskedPayload(QByteArrayView data, const QList<QByteArray> &values);
// `data` itself when there are no values; else its masked copy, kept in
// *storage (which must outlive the view).
QByteArrayView maskedView(QByteArrayView data, const QList<QByteArray> &values, QByteArray *storage);
QString maskedText(const QString &text, const QList<QByteArray> &values);

} // namespace Secrets
