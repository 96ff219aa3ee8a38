#pragma once

#include "session/connectoptions.h"
#include "session/session.h"
#include "workspace/collection.h"

#include <QCoreApplication>
#include <QList>
#include <QString>
#include <QStringList>
#include <QUrl>

// A profile with its variables filled in: exactly what the connection will
// send, checked before anything is sent. What the preview shows and what
// goes on the wire are both made from this.
struct ResolvedRequest
{
    Q_DECLARE_TR_FUNCTIONS(ResolvedRequest)

public:
    QUrl url;
    QList<Session::Header> headers;   // the enabled rows, then Authorization from the auth helper
    QStringList subprotocols;
    QString origin;
    TlsFiles tlsFiles;
    ProxySetting proxy;
    bool proxyGiven = false;
    ProfileRequest request;           // for the timing, as the profile has it

    // Names that could not be filled in, each with its field; nothing may be
    // sent while there are any.
    QList<VariableScope::Problem> problems;
    // Anything else that cannot be sent (a URL that is not one, a header
    // name with a space), with its field.
    QStringList errors;

    bool ok() const { return problems.isEmpty() && errors.isEmpty(); }
    // Every problem and error, one per line.
    QString problemText() const;

    static ResolvedRequest resolve(const Profile &profile, const ProfileSecrets &secrets, const VariableScope &variables);
    // The URL, the subprotocols, the headers and the origin as they will be
    // sent, one per line ("GET <url>", then "Name: value"); with maskSecrets,
    // the values of secret variables and credentials as asterisks.
    QString preview(const VariableScope &variables, bool maskSecrets) const;
    // Sets the session's request, TLS, proxy and timing from this one.
    void configure(Session *session) const;

    // The profile's on-open messages, filled in anew (so {{$timestamp}}
    // is the time of each connection). False with the first problem.
    static bool onOpenFrames(const Profile &profile, const VariableScope &variables,
                             QList<SavedMessage::Frame> *frames, QString *error);
};
