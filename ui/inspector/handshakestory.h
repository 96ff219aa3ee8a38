#pragma once

#include "session/session.h"
#include "theme.h"

#include <QList>
#include <QStringList>
#include <QWidget>

// One connection told as the sequence it is: the TCP connection, TLS for
// wss://, the upgrade request going out, the server's answer, the frames
// that follow, and the close. Each step has a marker coloured by how it went
// (done, failed, still to come), a direction, and the few facts a newcomer
// looks for: the Upgrade and Sec-WebSocket-* headers, the status, whether
// the Accept matches the Key. The rest of the handshake is in the Headers
// tab beside it. Everything shown is plain text; cut lines show whole in a
// tooltip.
class HandshakeStory : public QWidget
{
    Q_OBJECT

public:
    // Where the connection is now; its handshake comes separately.
    struct Progress
    {
        enum class Stage { None, Connecting, Open, Closing, Ended };
        Stage stage = Stage::None;
        bool opened = false;
        Session::CloseInfo close;   // read once Ended after opening
        QString failure;            // why it did not open, in plain words
        QString peer;               // not empty: a client of the server mode, at this address:port
    };

    enum class Direction { None, Out, In, Both };

    struct Step
    {
        QString title;
        Direction direction = Direction::None;
        QStringList details;
        Theme::Role role = Theme::Role::Muted;
        bool reached = false;
        int emphasised = -1;        // a detail drawn in the role's colour (the verdict)
    };

    explicit HandshakeStory(QWidget *parent = nullptr);
    ~HandshakeStory() override;
    Q_DISABLE_COPY_MOVE(HandshakeStory)

    void setStory(const HandshakeInfo &info, const Progress &progress);
    const QList<Step> &steps() const;
    // The story as lines of text, one step a paragraph (for copying and tests).
    QString text() const;

    static QList<Step> tell(const HandshakeInfo &info, const Progress &progress);
    // Upgrade, Connection and the Sec-WebSocket-* headers.
    static bool isHandshakeHeader(const QByteArray &name);
    // A header's bytes as one line of text, at most maxChars of them; a
    // control character in it is shown as a replacement mark, not obeyed.
    static QString headerText(const QByteArray &bytes, qsizetype maxChars);
    // The number in "HTTP/1.1 101 Switching Protocols"; 0 if none.
    static int statusCode(const QByteArray &statusLine);

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;
    bool event(QEvent *event) override;
    void contextMenuEvent(QContextMenuEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;

private:
    int stepHeight(const Step &step) const;
    int stepAt(int y) const;

    QList<Step> m_steps;
};
