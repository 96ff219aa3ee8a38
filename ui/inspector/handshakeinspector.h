#pragma once

#include "handshakestory.h"

#include <QWidget>

class HeaderTable;
class PagedText;
class QLabel;
class QPlainTextEdit;
class QTabWidget;
class QTreeWidget;

// The opening handshake of the current connection: the exchange told as a
// story (TCP, TLS, request, answer, frames, close), the upgrade request and
// the server's answer as tables of headers and as text, as they were on the
// wire (order and case kept), the body of a non-101 answer, the raw bytes,
// and the Sec-WebSocket-Accept check worked through step by step. On a direct connection it says what it cannot
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
    // Both at once: the story is told once, from the two.
    void setHandshake(const HandshakeInfo &info, const HandshakeStory::Progress &progress);
    // Where the connection is now, for the story; until it is given the story
    // follows the handshake alone.
    void setProgress(const HandshakeStory::Progress &progress);
    QString storyText() const;
    HandshakeStory *story() const;
    QTreeWidget *requestTable() const;
    QTreeWidget *responseTable() const;
    QString statusText() const;
    // The lines above the tabs: the URL, how it was captured, subprotocol and extensions.
    QString summaryText() const;
    QString acceptLinkText() const;
    QTabWidget *tabs() const;
    QString requestText() const;
    QString responseText() const;
    QString acceptText() const;
    QString rawText() const;
    QString notesText() const;
    PagedText *requestPane() const;
    PagedText *responsePane() const;
    PagedText *rawPane() const;

private:
    void linkSelection(HeaderTable *from, HeaderTable *to);

    QLabel *m_summary;
    QTabWidget *m_tabs;
    HandshakeStory *m_story;
    HeaderTable *m_requestTable;
    HeaderTable *m_responseTable;
    QLabel *m_requestLine;
    QLabel *m_status;
    QLabel *m_link;
    PagedText *m_request;
    PagedText *m_response;
    QPlainTextEdit *m_accept;
    PagedText *m_raw;
    QLabel *m_notes;
    HandshakeInfo m_info;
    HandshakeStory::Progress m_progress;
};
