#pragma once

#include <QByteArray>
#include <QString>

// Turning payload bytes into one line a person can scan, and hex typed by a
// person into bytes. Pure functions: bytes in, text out.
namespace PayloadFormat {

// One line of plain text: line breaks and other control characters become
// visible symbols, and long text ends with an ellipsis after maxChars.
QString textPreview(QByteArrayView utf8, int maxChars);

// "0a 1b 2c …": the first maxBytes bytes in hex.
QString hexPreview(QByteArrayView bytes, int maxBytes);

// Offset, hex and ASCII columns, 16 bytes a line, as hex editors and Wireshark show bytes.
QString hexDump(const QByteArray &bytes);
// The same for a slice of something larger: offsets count from firstOffset.
QString hexDump(QByteArrayView bytes, qint64 firstOffset);

struct HexResult
{
    QByteArray bytes;
    QString error;     // empty on success
    int errorOffset = -1;  // character index of the first bad input, or -1
    bool ok() const { return error.isEmpty(); }
};

// Accepts pairs of hex digits, separated or not by white space, commas,
// colons or "0x" prefixes; anything else is an error naming its position.
HexResult parseHex(const QString &input);

} // namespace PayloadFormat
