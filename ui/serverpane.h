#pragma once

#include "server/inspectserver.h"
#include "workspace/recentmessages.h"
#include "workspace/variables.h"

#include <QVariantMap>
#include <QWidget>

#include <memory>

class ConnectionPane;
class Journal;
class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QTableWidget;
class QTimer;
class SavedMessagesPane;

// A server tab: the server mode's settings, Start and Stop, the URL to give
// a client, the list of its clients and, for the one selected, the views of
// a connection (a read-only ConnectionPane that follows it as it goes on)
// and a composer that sends to it or to all of them.
class ServerPane : public QWidget
{
    Q_OBJECT

public:
    explicit ServerPane(QWidget *parent = nullptr);
    ~ServerPane() override;
    Q_DISABLE_COPY_MOVE(ServerPane)

    InspectServer *server();
    // The views of the selected client; what the window's menus act on.
    ConnectionPane *viewer() const;
    QTableWidget *clientTable() const;
    // The tab's saved messages: sent to a client by hand, to every client on
    // its open (those marked so), and as the replies.
    SavedMessagesPane *savedMessages() const;
    // What the tab keeps its saved messages under in the Recent collection.
    static QString savedMessagesKey();
    QString title() const;

    void setPort(quint16 port);
    quint16 port() const;   // as the form says (0: any free one)
    // The settings the last server tab started with, which a new tab begins
    // with: all but the address (always this machine only until chosen
    // again), the passphrase and a required credential header, none of
    // which is kept.
    QVariantMap form() const;
    void setForm(const QVariantMap &form);
    // Starts with the settings in the form; false with the reason shown.
    bool start();
    void stop();
    // Selects a client by id, as a click in the list does.
    void selectClient(int id);
    int selectedClient() const;
    // Clients were recorded since the server tab was last saved.
    bool hasUnsavedClients() const;

Q_SIGNALS:
    void titleChanged();
    void statusMessage(const QString &text, int timeoutMs);

private:
    bool configFromForm(InspectServer::Config *config, QString *error) const;
    // The reply, the replies and the messages on open, from the form and the saved messages.
    bool repliesFromForm(InspectServer::Config *config, QString *error) const;
    void refresh();
    void followSelected();
    void showClient(int id);
    void sendText();
    void sendBinary();
    void sendPing();
    void closeClient();
    void broadcast();
    void updateButtons();
    void chooseTlsFile(QLineEdit *target, const QString &title);
    void sendSaved(const SavedMessage &message);
    void storeSavedMessages();
    // Reads again the saved messages the server tabs share: another tab changed them.
    void loadSavedMessages();
    void applySavedReplies();

    InspectServer m_server;
    // Declared after the server: it is finished (and its file removed) first.
    std::unique_ptr<Journal> m_journal;
    QComboBox *m_address;
    QLabel *m_addressWarning;
    QSpinBox *m_port;
    QLineEdit *m_paths;
    QLineEdit *m_tlsCert;
    QLineEdit *m_tlsKey;
    QLineEdit *m_tlsPassphrase;
    QSpinBox *m_maxMessage;
    QComboBox *m_reply;
    QLineEdit *m_replyText;
    QComboBox *m_answer;
    QLineEdit *m_requireHeader;
    QLineEdit *m_protocols;
    QCheckBox *m_requireProtocol;
    QSpinBox *m_delay;
    QSpinBox *m_dropAfter;
    QPushButton *m_startStop;
    QPushButton *m_showSettings;
    QWidget *m_settings = nullptr;
    QLineEdit *m_url;
    QPushButton *m_copyUrl;
    QTableWidget *m_clients;
    ConnectionPane *m_viewer;
    QWidget *m_views = nullptr;
    QLabel *m_waiting = nullptr;
    QLabel *m_startError = nullptr;
    QLineEdit *m_message;
    QPushButton *m_sendText;
    QPushButton *m_sendBinary;
    QPushButton *m_ping;
    QSpinBox *m_closeCode;
    QLineEdit *m_closeReason;
    QPushButton *m_close;
    QPushButton *m_broadcast;
    SavedMessagesPane *m_saved;
    RecentMessages m_recent;
    VariableScope m_variables;   // the Recent collection's, read with its messages
    bool m_loadingMessages = false;
    QTimer *m_refresh;
    // What the viewer holds of the selected client so far.
    int m_shownClient = 0;
    int m_shownRows = 0;       // server log rows looked at
    int m_shownRecords = 0;
    qint64 m_shownEnd = -2;
    qint64 m_shownHandshake = -2;
    int m_listedRevision = -1;
    // The server log's rows when it was last saved.
    qint64 m_savedRows = 0;
};
