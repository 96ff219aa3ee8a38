#pragma once

#include "workspace/collection.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QHash>
#include <QString>
#include <QStringList>

// Reads Insomnia's JSON export (format 4): its WebSocket requests become
// profiles (URL with the query parameters, headers, Basic or Bearer auth),
// each request's payload a message sent on open, folders folders, the base
// environment the collection's variables and the sub-environments its
// environments. Insomnia's {{ _.name }} becomes {{name}}. What has no
// place in wsscope (HTTP and gRPC requests, template tags, other kinds of
// auth) is listed, one line each, rather than dropped in silence.
struct InsomniaImport
{
    Q_DECLARE_TR_FUNCTIONS(InsomniaImport)

public:
    Collection collection;
    // The credentials the export held, by profile id: for the keyring (or
    // this run only), never for the collection file.
    QHash<QString, ProfileSecrets> secrets;
    QStringList unmapped;

    // Whether the JSON looks like an Insomnia export at all (so that
    // --collection can take either kind of file).
    static bool isInsomniaExport(const QByteArray &json);
    // False with the reason in *error when the file is not an export of
    // format 4 or holds no workspace.
    static bool read(const QByteArray &json, InsomniaImport *result, QString *error);
};
