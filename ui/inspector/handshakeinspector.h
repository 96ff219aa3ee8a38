#pragma once

#include <QWidget>

struct HandshakeInfo;
class PagedText;
class QLabel;
class QPlainTextEdit;
class QTabWidget;

// The opening handshake of the current connection: the upgrade request and
// the server's answer as they were on the wire (order and case kept), the
// body of a non-101 answer, the raw bytes, and the Sec-WebSocket-Accept check
// worked through step by step. On a direct connection it says what it cannot
// know instead of guessing. A head too large to read on screen (a session
// file can hold one of any size) is shown a page at a time.
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
    QString acceptText() const;
    QString rawText() const;
    QString notesText() const;
    PagedText *requestPane() const;
    PagedText *responsePane() const;
    PagedText *rawPane() const;

private:
    QLabel *m_summary;
    QTabWidget *m_tabs;
    PagedText *m_request;
    PagedText *m_response;
    QPlainTextEdit *m_accept;
    PagedText *m_raw;
    QLabel *m_notes;
};
