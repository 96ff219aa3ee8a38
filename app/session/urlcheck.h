#pragma once

#include <QString>
#include <QUrl>

// Checks what a person typed into the URL bar before any connection attempt,
// and normalises it into the URL QWebSocket should be given.
namespace UrlCheck {

struct Result
{
    QUrl url;          // valid and normalised when error is empty
    QString error;     // one sentence saying what is wrong and how to fix it
    bool ok() const { return error.isEmpty(); }
};

Result parse(const QString &typed);

} // namespace UrlCheck
