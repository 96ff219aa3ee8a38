#pragma once

#include "wire/taprecord.h"

#include <QWidget>

class QLabel;
class QPushButton;
class QTreeWidget;

// What the tap learnt about TLS: protocol, cipher, the server's certificate
// chain, and whether it verified. When it did not, the user may connect
// anyway, for this connection only.
class TlsView : public QWidget
{
    Q_OBJECT

public:
    explicit TlsView(QWidget *parent = nullptr);
    ~TlsView() override;
    Q_DISABLE_COPY_MOVE(TlsView)

    void clear(const QString &why);
    void setTls(const TapTls &tls);
    QString summaryText() const;
    QTreeWidget *chain() const;
    QPushButton *connectAnywayButton() const;

Q_SIGNALS:
    void connectAnywayRequested();

private:
    QLabel *m_summary;
    QTreeWidget *m_chain;
    QPushButton *m_connectAnyway;
};
