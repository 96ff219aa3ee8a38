#pragma once

#include <QString>

// RFC 6455 section 7.4 close codes: names for people, and which codes an
// endpoint may put into a Close frame.
namespace CloseCodes {

QString name(int code);
bool isSendable(int code);
// Reasons longer than this do not fit a control frame next to the code.
constexpr int MaxReasonBytes = 123;

} // namespace CloseCodes
