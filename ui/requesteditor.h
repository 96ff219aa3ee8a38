#pragma once

#include "session/connectoptions.h"
#include "session/reconnector.h"
#include "session/session.h"

#include <QTabWidget>
#include <QVariantMap>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QSpinBox;
class QLabel;
class QLineEdit;
class QTableWidget;

// What goes with the upgrade request, as in the tabs under a URL bar:
// query parameters (kept in step with the URL both ways), extra headers with
// a box each to leave a row out, an Authorization helper (Basic, Bearer),
// subprotocols and the Origin. Rows that cannot be sent are marked where
// they are, with the reason.
class RequestEditor : public QTabWidget
{
    Q_OBJECT

public:
    explicit RequestEditor(QWidget *parent = nullptr);
    ~RequestEditor() override;
    Q_DISABLE_COPY_MOVE(RequestEditor)

    enum class AuthKind { None, Basic, Bearer };

    // The URL as typed; the query tab follows it.
    void setUrl(const QString &url);

    // What to send: the enabled header rows, then the Authorization header
    // from the helper. False with the first problem in *error (which row,
    // and why) when something cannot be sent.
    bool requestHeaders(QList<Session::Header> *headers, QString *error) const;
    bool subprotocols(QStringList *protocols, QString *error) const;
    bool origin(QString *origin, QString *error) const;

    // The Connection tab: keep-alive, reconnect, limits.
    struct Timing
    {
        int pingIntervalMs = 0;       // 0: no keep-alive pings
        int pongTimeoutMs = 0;        // 0: no limit
        bool reconnect = false;
        Reconnector::Policy reconnectPolicy;
        int handshakeTimeoutMs = Session::DefaultHandshakeTimeoutMs;
        qint64 maxMessageBytes = Session::DefaultMaxMessageBytes;   // 0: Qt's own limit, 2 GiB
    };
    Timing timing() const;
    void setTiming(const Timing &timing);
    // The TLS and proxy tab. False with the problem when the proxy cannot be read.
    TlsFiles tlsFiles() const;
    bool proxy(ProxySetting *proxy, QString *error) const;
    void setTlsFiles(const TlsFiles &files);
    void setProxy(const ProxySetting &proxy);

    // Fills the tabs from a session's settings (the command line's).
    void setFromSession(const Session &session);

    // Everything in the tabs, to remember per connection, and back.
    QVariantMap state() const;
    void setState(const QVariantMap &state);

    // For tests and keyboard users.
    QTableWidget *headerTable() const;
    QTableWidget *queryTable() const;
    void addHeader(const QString &name, const QString &value, bool enabled = true);
    void setAuth(AuthKind kind, const QString &user, const QString &secret);
    void setSubprotocolText(const QString &text);
    void setOrigin(const QString &origin);

Q_SIGNALS:
    // The query tab changed the URL.
    void urlEdited(const QString &url);

private:
    void onHeadersChanged();
    // Why the header in `row` cannot be sent (its own problem, or a name an
    // enabled earlier row has), or empty.
    QString headerRowProblem(int row) const;
    void onQueryChanged();
    void updateAuthFields();
    void updateTabTitles();
    static void addRow(QTableWidget *table, const QString &name, const QString &value, bool enabled);

    QTableWidget *m_query;
    QTableWidget *m_headers;
    QComboBox *m_authKind;
    QLineEdit *m_authUser;
    QLineEdit *m_authSecret;
    QLabel *m_authPreview;
    QLineEdit *m_protocols;
    QLineEdit *m_origin;
    QLabel *m_protocolsError;
    QDoubleSpinBox *m_pingInterval;
    QDoubleSpinBox *m_pongTimeout;
    QCheckBox *m_reconnect;
    QSpinBox *m_reconnectAttempts;
    QDoubleSpinBox *m_reconnectDelay;
    QDoubleSpinBox *m_reconnectMaxDelay;
    QDoubleSpinBox *m_handshakeTimeout;
    QSpinBox *m_maxMessageKiB;
    QLineEdit *m_caFile;
    QLineEdit *m_certFile;
    QLineEdit *m_keyFile;
    QLineEdit *m_passphrase;
    QLineEdit *m_proxy;
    QString m_url;
    bool m_syncing = false;
};
