#include "pagedtext.h"

#include "log/payloadformat.h"

#include <QFileDialog>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSaveFile>
#include <QVBoxLayout>

namespace {

bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

} // namespace

PagedText::PagedText(const QString &accessibleName, QWidget *parent)
    : QWidget(parent)
    , m_edit(new QPlainTextEdit(this))
    , m_status(new QLabel(this))
    , m_previous(new QPushButton(tr("Previous page"), this))
    , m_next(new QPushButton(tr("Next page"), this))
    , m_save(new QPushButton(tr("Save all\u2026"), this))
    , m_bar(new QWidget(this))
{
    m_edit->setReadOnly(true);
    m_edit->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_edit->setMinimumHeight(fontMetrics().height() * 2 + 2 * m_edit->frameWidth());   // it scrolls in a small window
    m_edit->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_edit->setAccessibleName(accessibleName);
    m_edit->setTabChangesFocus(true);
    m_status->setTextFormat(Qt::PlainText);
    m_status->setWordWrap(true);
    m_save->setToolTip(tr("Write the text of every page to a file"));

    // The status on a line of its own: inspector panes are narrow.
    auto *bar = new QVBoxLayout(m_bar);
    bar->setContentsMargins(0, 0, 0, 0);
    bar->addWidget(m_status);
    auto *buttons = new QHBoxLayout;
    buttons->addStretch(1);
    buttons->addWidget(m_previous);
    buttons->addWidget(m_next);
    buttons->addWidget(m_save);
    bar->addLayout(buttons);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_edit, 1);
    layout->addWidget(m_bar);

    connect(m_previous, &QPushButton::clicked, this, [this] { setPage(m_page - 1); });
    connect(m_next, &QPushButton::clicked, this, [this] { setPage(m_page + 1); });
    connect(m_save, &QPushButton::clicked, this, &PagedText::saveAll);
    render();
}

PagedText::~PagedText() = default;

void PagedText::setLatin1(const QByteArray &latin1, const QString &trailer)
{
    m_mode = Mode::Latin1;
    m_latin1 = latin1;   // shared, not copied
    m_from = 0;
    m_to = latin1.size();
    while (m_from < m_to && isSpace(latin1.at(m_from)))
        ++m_from;
    while (m_to > m_from && isSpace(latin1.at(m_to - 1)))
        --m_to;
    m_trailer = trailer;
    m_parts.clear();
    m_page = 0;
    render();
}

void PagedText::setHexDump(const QList<Part> &parts, const QString &whenEmpty)
{
    m_mode = Mode::Hex;
    m_latin1.clear();
    m_from = m_to = 0;
    m_trailer.clear();
    m_parts.clear();
    for (const Part &part : parts) {
        if (!part.bytes.isEmpty())
            m_parts.append(part);
    }
    m_whenEmpty = whenEmpty;
    m_page = 0;
    render();
}

qsizetype PagedText::total() const
{
    if (m_mode == Mode::Latin1)
        return (m_to - m_from) + m_trailer.size();
    qsizetype sum = 0;
    for (const Part &part : m_parts)
        sum += part.bytes.size();
    return sum;
}

qsizetype PagedText::pageStart(int page) const
{
    if (m_mode == Mode::Hex) {
        // On a line of the dump: every line holds 16 bytes counted from the start of its part.
        const qsizetype start = qsizetype(page) * HexPageBytes;
        qsizetype at = 0;
        for (const Part &part : m_parts) {
            if (start < at + part.bytes.size())
                return at + (start - at) / 16 * 16;
            at += part.bytes.size();
        }
        return at;
    }
    qsizetype start = qMin(total(), qsizetype(page) * TextPageChars);
    // A CR LF pair stays on one page: split, it would read as two line breaks.
    const qsizetype head = m_to - m_from;
    if (start > 0 && start < head && m_latin1.at(m_from + start - 1) == '\r' && m_latin1.at(m_from + start) == '\n')
        ++start;
    return start;
}

int PagedText::pageCount() const
{
    const qsizetype size = m_mode == Mode::Hex ? HexPageBytes : TextPageChars;
    int count = int(qMax<qsizetype>(1, (total() + size - 1) / size));
    if (count > 1 && pageStart(count - 1) >= total())
        --count;
    return count;
}

int PagedText::page() const
{
    return m_page;
}

void PagedText::setPage(int page)
{
    m_page = qBound(0, page, pageCount() - 1);
    render();
}

QString PagedText::pageText(int page, bool continuous) const
{
    const qsizetype start = pageStart(page);
    const qsizetype end = page + 1 < pageCount() ? pageStart(page + 1) : total();
    if (m_mode == Mode::Latin1) {
        const qsizetype head = m_to - m_from;
        QString text;
        if (start < head)
            text = QString::fromLatin1(m_latin1.constData() + m_from + start, qMin(end, head) - start);
        if (end > head)
            text += QStringView(m_trailer).sliced(qMax(start, head) - head, end - qMax(start, head));
        return text;
    }
    if (m_parts.isEmpty())
        return m_whenEmpty;
    QString text;
    qsizetype at = 0;
    for (const Part &part : m_parts) {
        const qsizetype size = part.bytes.size();
        const qsizetype from = qMax(start, at) - at;
        const qsizetype to = qMin(end, at + size) - at;
        at += size;
        if (from >= to)
            continue;
        if (!text.isEmpty())
            text += u'\n';
        if (from == 0)
            text += tr("%1:").arg(part.title) + u'\n';
        else if (!continuous)
            text += tr("%1 (continued):").arg(part.title) + u'\n';
        text += PayloadFormat::hexDump(QByteArrayView(part.bytes).sliced(from, to - from), from);
    }
    return text;
}

QString PagedText::status() const
{
    const int count = pageCount();
    if (count <= 1)
        return QString();
    const QLocale locale;
    const qsizetype start = pageStart(m_page);
    const qsizetype end = m_page + 1 < count ? pageStart(m_page + 1) : total();
    const QString text = m_mode == Mode::Hex ? tr("Showing bytes %1 to %2 of %3, page %4 of %5.")
                                             : tr("Showing characters %1 to %2 of %3, page %4 of %5.");
    return text.arg(locale.toString(qint64(start) + 1), locale.toString(qint64(end)), locale.toString(qint64(total())),
                    locale.toString(m_page + 1), locale.toString(count));
}

void PagedText::render()
{
    m_edit->setPlainText(pageText(m_page, false));
    const int count = pageCount();
    m_bar->setVisible(count > 1);
    m_status->setText(status());
    m_previous->setEnabled(m_page > 0);
    m_next->setEnabled(m_page + 1 < count);
}

QString PagedText::text() const
{
    return m_edit->toPlainText();
}

QPlainTextEdit *PagedText::editor() const
{
    return m_edit;
}

bool PagedText::writeAll(QIODevice *device, QString *errorString) const
{
    const int count = pageCount();
    for (int page = 0; page < count; ++page) {
        const QByteArray utf8 = pageText(page, true).toUtf8();
        if (device->write(utf8) != utf8.size()) {
            if (errorString)
                *errorString = device->errorString();
            return false;
        }
    }
    return true;
}

void PagedText::saveAll()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Save all"), QString(),
                                                      tr("Text files (*.txt);;All files (*)"));
    if (path.isEmpty())
        return;
    QSaveFile file(path);
    QString error;
    if (!file.open(QIODevice::WriteOnly))
        error = file.errorString();
    else if (!writeAll(&file, &error))
        file.cancelWriting();
    else if (!file.commit())
        error = file.errorString();
    if (!error.isEmpty())
        QMessageBox::warning(this, tr("Save all"), tr("Could not write %1: %2").arg(path, error));
}
