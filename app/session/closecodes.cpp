#include "closecodes.h"

#include <QCoreApplication>

namespace CloseCodes {

QString name(int code)
{
    const auto tr = [](const char *text) { return QCoreApplication::translate("CloseCodes", text); };
    switch (code) {
    case 1000: return tr("Normal closure");
    case 1001: return tr("Going away");
    case 1002: return tr("Protocol error");
    case 1003: return tr("Unsupported data");
    case 1005: return tr("No status received");
    case 1006: return tr("Abnormal closure");
    case 1007: return tr("Invalid payload data");
    case 1008: return tr("Policy violation");
    case 1009: return tr("Message too big");
    case 1010: return tr("Mandatory extension");
    case 1011: return tr("Internal error");
    case 1012: return tr("Service restart");
    case 1013: return tr("Try again later");
    case 1014: return tr("Bad gateway");
    case 1015: return tr("TLS handshake failure");
    default:
        break;
    }
    if (code >= 3000 && code <= 3999)
        return tr("Registered application code");
    if (code >= 4000 && code <= 4999)
        return tr("Private application code");
    return tr("Unknown code");
}

bool isSendable(int code)
{
    // 1004-1006 and 1015 are reserved for reporting, never for the wire.
    return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014)
        || (code >= 3000 && code <= 4999);
}

} // namespace CloseCodes
