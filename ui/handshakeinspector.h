#pragma once

#include <QWidget>

struct HandshakeInfo;
class QLabel;
class QPlainTextEdit;

// The opening handshake of the current connection: the upgrade request, the
// server's answer, and a plain statement of what this connection cannot show.
class HandshakeInspector : public QWidget
{
    Q_OBJECT

public:
    explicit HandshakeInspector(QWidget *parent = nullptr);
    ~HandshakeInspector() override;
    Q_DISABLE_COPY_MOVE(HandshakeInspector)

    void setHandshake(const HandshakeInfo &info);
    QString requestText() const;
    QString responseText() const;

private:
    QLabel *m_summary;
    QPlainTextEdit *m_request;
    QPlainTextEdit *m_response;
    QLabel *m_unknown;
};
