#pragma once

#include "workspace/variables.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QVariantMap>

// A message kept under a name, to send again: text, JSON (sent as text),
// hex (sent as binary) or a file (its bytes, sent as binary, read when sent).
// One marked onOpen is sent each time a connection opens, in list order.
struct SavedMessage
{
    Q_DECLARE_TR_FUNCTIONS(SavedMessage)

public:
    enum class Kind { Text, Json, Hex, File };

    QString id;
    QString name;
    Kind kind = Kind::Text;
    QString body;         // the text, the JSON, the hex digits, or the file's path
    bool onOpen = false;
    QJsonObject unknown;  // fields of a newer wsscope, written back as they were

    static QString kindKey(Kind kind);
    static bool kindFromKey(const QString &key, Kind *kind);

    // What goes on the wire, with the variables filled in. False with the
    // reason in *error (a name that is not defined, hex that is not hex, a
    // file that cannot be read).
    struct Frame
    {
        bool binary = false;
        QByteArray data;
    };
    bool frame(const VariableScope &variables, Frame *frame, QString *error) const;
};

// What goes with one connection's upgrade request and how the connection is
// kept: the Params, Headers, Auth, Protocols, Connection and TLS tabs. The
// secrets (the auth password or token, the key passphrase, the proxy's
// password) are not part of it: they are kept in the keyring, or given as
// variables.
struct ProfileRequest
{
    Q_DECLARE_TR_FUNCTIONS(ProfileRequest)

public:
    enum class Auth { None, Basic, Bearer };
    struct Row
    {
        QString name;
        QString value;
        bool enabled = true;
    };

    QList<Row> headers;
    QList<Row> queryLeftOut;   // query rows switched off in the Params tab
    Auth auth = Auth::None;
    QString authUser;
    // The password or token when it is only {{variables}} ("{{token}}"):
    // that names a secret without being one, so it is kept in the file.
    QString authSecretReference;
    QString subprotocols;      // as typed: separated by commas or spaces
    QString origin;
    int pingIntervalMs = 0;
    int pongTimeoutMs = 0;
    bool reconnect = false;
    int reconnectAttempts = 0;
    int reconnectDelayMs = 1000;
    int reconnectMaxDelayMs = 30000;
    int handshakeTimeoutMs = 0;      // 0: the default
    qint64 maxMessageBytes = 0;      // 0: the default
    QString caFile;
    QString certFile;
    QString keyFile;
    QString proxy;                   // as --proxy reads it, without a password
    int closeCode = 0;               // the code and reason last chosen in Close with code…; 0: none
    QString closeReason;
    bool secretsInKeyring = false;   // the keyring holds secrets typed for it (the Recent collection's)
    QJsonObject unknown;

    // The request tabs' state (RequestEditor::state()) and back; the
    // secrets in it are left out, and given back by the caller.
    static ProfileRequest fromEditorState(const QVariantMap &state);
    QVariantMap toEditorState() const;
    // A proxy URL without the password in it (the user stays); the password
    // in *password when given.
    static QString proxyWithoutPassword(const QString &text, QString *password);
    // Whether text is nothing but {{variables}} (and space between them).
    static bool isOnlyReferences(const QString &text);
};

// The secrets of one profile, kept apart from it.
struct ProfileSecrets
{
    QString authSecret;
    QString passphrase;
    QString proxyPassword;
};

// A connection kept under a name: its URL, its request, its saved messages.
struct Profile
{
    QString id;
    QString name;
    QString url;
    ProfileRequest request;
    QList<SavedMessage> messages;
    QJsonObject unknown;

    // This profile after a tab that opened it was changed: the tab holds its
    // URL and request tabs' state (RequestEditor::state()) with the variables
    // of `scope` filled in. A field the tab left as it was resolved keeps its
    // {{references}} (a dynamic value matches any text in its place); a
    // changed field takes the tab's text. The secrets the tab holds go to
    // *secrets: a {{reference}} as the profile's auth reference, a typed
    // value never into the profile.
    Profile updated(const ProfileSecrets &secrets, const VariableScope &scope, const QString &url,
                    const QVariantMap &editorState, ProfileSecrets *newSecrets) const;
};

struct Environment
{
    QString id;
    QString name;
    QList<Variable> variables;
    QJsonObject unknown;
};

// A folder or a profile in a collection's tree.
struct CollectionItem
{
    enum class Type { Folder, Profile };
    Type type = Type::Profile;
    QString name;                  // of a folder (a profile's is profile.name)
    QList<CollectionItem> items;   // of a folder
    Profile profile;               // of a profile
    QJsonObject unknown;
};

// Connection profiles in folders, with default variables and environments
// that override them: one JSON file a team can keep in git. Object keys are
// written in a fixed (alphabetical) order with one field per line, so a
// change shows as a small diff; fields this version does not know are kept
// and written back; secret values are never written.
struct Collection
{
    Q_DECLARE_TR_FUNCTIONS(Collection)

public:
    static constexpr int FormatVersion = 1;

    QString id;
    QString name;
    QList<Variable> variables;   // defaults, overridden by an environment
    QList<Environment> environments;
    QList<CollectionItem> items;
    QJsonObject unknown;

    // Reads a collection file. False with where and why in *error, and
    // *collection untouched, when any part of it cannot be read.
    static bool read(const QByteArray &json, Collection *collection, QString *error);
    static bool readFile(const QString &path, Collection *collection, QString *error);
    QByteArray toJson() const;
    // Written through QSaveFile: a failed write leaves the old file whole.
    // Refused while a profile has a credential header (Authorization, Cookie,
    // Proxy-Authorization) whose value is more than {{variables}}.
    bool writeFile(const QString &path, QString *error) const;
    QString credentialInHeaders() const;

    // Every profile, depth first, with its folder path ("Chat/Staging").
    struct Found
    {
        const Profile *profile = nullptr;
        QString folder;
    };
    QList<Found> profiles() const;
    // By name, by "folder/name" or by id; null when none or several match
    // (*error says which).
    const Profile *findProfile(const QString &wanted, QString *error) const;
    const Environment *findEnvironment(const QString &wanted) const;

    // The variables for a connection: the collection's, then the
    // environment's (null: none), then `overrides` (--var).
    VariableScope scope(const Environment *environment, const QList<Variable> &overrides = {}) const;

    // Ids made for new collections, profiles, environments and messages.
    static QString newId();

    // Editing the tree. An item is addressed by its rows from the top: {2, 0}
    // is the first item of the third. Null or false when the path leads
    // nowhere (or, for a folder's items, not to a folder).
    using Path = QList<int>;
    CollectionItem *item(const Path &path);
    const CollectionItem *item(const Path &path) const;
    QList<CollectionItem> *itemsOf(const Path &folder);   // {}: the top level
    Path pathOfProfile(const QString &id) const;
    Profile *profile(const QString &id);
    // Moves the item at `from` into `folder` at `row` (-1: at the end); not
    // into itself or a folder inside it. *moved gets its new path.
    bool move(const Path &from, const Path &folder, int row, Path *moved = nullptr);
    // Removes the item; its profiles' ids in *removed.
    bool remove(const Path &path, QStringList *removed = nullptr);
    // A copy with new ids for every profile and message in it, named
    // "<name> copy", placed after the original. *copy gets its path.
    bool duplicate(const Path &path, Path *copy = nullptr);
    // Every folder, depth first, with its name path ("Chat/Staging").
    QList<QPair<Path, QString>> folders() const;
};
