#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QWidget>

class QIODevice;
class QLabel;
class QPlainTextEdit;
class QPushButton;

// A read-only pane for text that may be far larger than anyone reads on
// screen (a 30 MB response head from a session file): it holds the bytes and
// builds only the page on screen, with "Showing … of …", previous and next
// page, and Save all… to write every page to a file. Text that fits in one
// page looks like a plain text pane.
class PagedText : public QWidget
{
    Q_OBJECT

public:
    static constexpr qsizetype TextPageChars = 64 * 1024;
    static constexpr qsizetype HexPageBytes = 64 * 1024;

    // One titled block of a hex dump ("Request, 120 bytes").
    struct Part
    {
        QString title;
        QByteArray bytes;
    };

    explicit PagedText(const QString &accessibleName, QWidget *parent = nullptr);
    ~PagedText() override;
    Q_DISABLE_COPY_MOVE(PagedText)

    // Latin-1 text, as an HTTP head is on the wire (white space at either end
    // left out), followed on its last page by a trailer.
    void setLatin1(const QByteArray &latin1, const QString &trailer = QString());
    // Hex dumps of the parts one after another, each under its title;
    // whenEmpty is shown when there are no bytes at all.
    void setHexDump(const QList<Part> &parts, const QString &whenEmpty);

    QString text() const;      // the page on screen
    QString status() const;    // "Showing …": empty when everything fits in one page
    int page() const;
    int pageCount() const;
    void setPage(int page);
    // Every page, as one text in UTF-8; false with errorString() when the device fails.
    bool writeAll(QIODevice *device, QString *errorString = nullptr) const;
    QPlainTextEdit *editor() const;

private:
    enum class Mode { Latin1, Hex };

    qsizetype total() const;
    qsizetype pageStart(int page) const;
    QString pageText(int page, bool continuous) const;
    void render();
    void saveAll();

    Mode m_mode = Mode::Latin1;
    QByteArray m_latin1;
    qsizetype m_from = 0;          // the part of m_latin1 shown, white space trimmed
    qsizetype m_to = 0;
    QString m_trailer;
    QList<Part> m_parts;
    QString m_whenEmpty;
    int m_page = 0;
    QPlainTextEdit *m_edit;
    QLabel *m_status;
    QPushButton *m_previous;
    QPushButton *m_next;
    QPushButton *m_save;
    QWidget *m_bar;
};
