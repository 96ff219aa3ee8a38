#include "composer.h"
#include "theme.h"

#include "log/payloadformat.h"
#include "record/inputfile.h"
#include "session/session.h"
#include "settings/settings.h"

#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QShortcut>
#include <QTextBlock>
#include <QTextLayout>
#include <QVBoxLayout>

namespace {

QString formatKey(Composer::Format format)
{
    switch (format) {
    case Composer::Format::Hex:
        return QStringLiteral("hex");
    case Composer::Format::Ping:
        return QStringLiteral("ping");
    case Composer::Format::Text:
        break;
    }
    return QStringLiteral("text");
}

QList<Composer::HistoryEntry> loadHistory()
{
    QList<Composer::HistoryEntry> history;
    const QVariantList kept = Settings::value(Settings::Id::ComposerHistory).toList();
    for (const QVariant &item : kept) {
        const QVariantMap map = item.toMap();
        const QString kind = map.value(QStringLiteral("kind")).toString();
        Composer::HistoryEntry entry;
        entry.format = kind == QLatin1String("hex")    ? Composer::Format::Hex
                       : kind == QLatin1String("ping") ? Composer::Format::Ping
                                                       : Composer::Format::Text;
        entry.text = map.value(QStringLiteral("text")).toString();
        history.append(entry);
    }
    while (history.size() > Composer::MaxHistory)
        history.removeFirst();
    return history;
}

} // namespace

Composer::Composer(QWidget *parent)
    : QWidget(parent)
    , m_editor(new QPlainTextEdit(this))
    , m_format(new QComboBox(this))
    , m_send(new QPushButton(tr("&Send"), this))
    , m_sendFile(new QPushButton(tr("Send f&ile…"), this))
    , m_status(new QLabel(this))
    , m_maxFileBytes(Session::DefaultMaxMessageBytes)
{
    m_editor->setPlaceholderText(tr("Message to send. Ctrl+Enter sends."));
    m_editor->setTabChangesFocus(true);
    m_editor->setObjectName(QStringLiteral("composerEditor"));
    m_editor->setAccessibleName(tr("Message"));
    m_format->addItem(tr("Text"), int(Format::Text));
    m_format->addItem(tr("Binary (hex)"), int(Format::Hex));
    m_format->addItem(tr("Ping (payload)"), int(Format::Ping));
    m_format->setToolTip(tr("Send the message as a text frame, or as a binary frame from hex digits like \"0a ff 10\"."));
    m_format->setAccessibleName(tr("Message format"));
    m_send->setToolTip(tr("Send the message (Ctrl+Enter)"));
    m_sendFile->setToolTip(tr("Send a file as one binary message; it may be as large as the largest message the "
                              "connection accepts."));
    m_status->setTextFormat(Qt::PlainText);
    m_status->setObjectName(QStringLiteral("composerStatus"));
    m_status->setWordWrap(true);

    auto *bottom = new QHBoxLayout;
    bottom->addWidget(m_format);
    bottom->addWidget(m_status, 1);
    bottom->addWidget(m_sendFile);
    bottom->addWidget(m_send);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_editor, 1);
    layout->addLayout(bottom);

    for (const QKeySequence &keys : {QKeySequence(Qt::CTRL | Qt::Key_Return), QKeySequence(Qt::CTRL | Qt::Key_Enter)}) {
        auto *shortcut = new QShortcut(keys, m_editor, nullptr, nullptr, Qt::WidgetWithChildrenShortcut);
        connect(shortcut, &QShortcut::activated, this, &Composer::submit);
    }
    connect(m_send, &QPushButton::clicked, this, &Composer::submit);
    connect(m_sendFile, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Send a file"));
        if (!path.isEmpty())
            sendFile(path);
    });
    connect(m_format, &QComboBox::currentIndexChanged, this, &Composer::updateHint);
    connect(m_editor, &QPlainTextEdit::textChanged, this, &Composer::updateHint);
    m_editor->installEventFilter(this);
    m_history = loadHistory();
    m_historyPos = int(m_history.size());
    setSendingAllowed(false);
}

Composer::~Composer() = default;

void Composer::setSendingAllowed(bool allowed)
{
    m_allowed = allowed;
    m_sendFile->setEnabled(allowed);
    updateHint();
}

bool Composer::isSendingAllowed() const
{
    return m_allowed;
}

QPlainTextEdit *Composer::editor() const
{
    return m_editor;
}

QPushButton *Composer::sendButton() const
{
    return m_send;
}

QString Composer::statusText() const
{
    return m_status->text();
}

void Composer::setMaxFileBytes(qint64 bytes)
{
    m_maxFileBytes = bytes;
}

qint64 Composer::maxFileBytes() const
{
    return m_maxFileBytes;
}

QPushButton *Composer::sendFileButton() const
{
    return m_sendFile;
}

void Composer::sendFile(const QString &path)
{
    if (!m_allowed)
        return;
    QByteArray bytes;
    QString why;
    bool tooLarge = false;
    const QString name = QDir::toNativeSeparators(path);
    if (!InputFile::readAll(path, m_maxFileBytes, &bytes, &why, &tooLarge)) {
        showError(tooLarge ? tr("%1 is not sent: %2 (the largest message the connection accepts).").arg(name, why)
                           : tr("%1 cannot be sent: %2.").arg(name, why));
        return;
    }
    Theme::clearTextRole(m_status);
    m_status->setText(tr("%1 sent (%n byte(s)).", nullptr, int(qMin<qsizetype>(bytes.size(), INT_MAX)))
                          .arg(QFileInfo(path).fileName()));
    Q_EMIT binarySubmitted(bytes);
}

void Composer::setFormat(Format format)
{
    m_format->setCurrentIndex(m_format->findData(int(format)));
}

Composer::Format Composer::format() const
{
    return Format(m_format->currentData().toInt());
}

void Composer::setMessage(Format format, const QString &text)
{
    setFormat(format);
    m_editor->setPlainText(text);
    m_editor->moveCursor(QTextCursor::End);
    m_historyPos = int(m_history.size());
}

QList<Composer::HistoryEntry> Composer::history() const
{
    return m_history;
}

void Composer::remember(Format format, const QString &text)
{
    // Read again: another window may have sent since this one started.
    QList<HistoryEntry> history = loadHistory();
    const HistoryEntry entry{format, text};
    if (history.isEmpty() || !(history.constLast() == entry))
        history.append(entry);
    while (history.size() > MaxHistory)
        history.removeFirst();
    QVariantList kept;
    for (const HistoryEntry &e : std::as_const(history))
        kept.append(QVariantMap{{QStringLiteral("kind"), formatKey(e.format)}, {QStringLiteral("text"), e.text}});
    Settings::setValue(Settings::Id::ComposerHistory, kept);
    m_history = history;
    m_historyPos = int(m_history.size());
}

bool Composer::walkHistory(int step)
{
    const int to = m_historyPos + step;
    if (to < 0 || to > m_history.size())
        return false;
    if (m_historyPos == m_history.size())
        m_draft = HistoryEntry{format(), m_editor->toPlainText()};
    m_historyPos = to;
    const HistoryEntry &entry = to == m_history.size() ? m_draft : m_history.at(to);
    setFormat(entry.format);
    m_editor->setPlainText(entry.text);
    // Older: the cursor at the start, so that Up goes on; newer: at the end.
    m_editor->moveCursor(step < 0 ? QTextCursor::Start : QTextCursor::End);
    return true;
}

bool Composer::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_editor && event->type() == QEvent::KeyPress) {
        const auto *key = static_cast<QKeyEvent *>(event);
        const bool plain = (key->modifiers() & ~Qt::KeypadModifier) == Qt::NoModifier;
        if (plain && (key->key() == Qt::Key_Up || key->key() == Qt::Key_Down)) {
            const QTextCursor cursor = m_editor->textCursor();
            const QTextBlock block = cursor.block();
            int line = 0;
            int lines = 1;
            if (QTextLayout *layout = block.layout(); layout && layout->lineCount() > 0) {
                line = layout->lineForTextPosition(cursor.positionInBlock()).lineNumber();
                lines = layout->lineCount();
            }
            const bool first = !block.previous().isValid() && line <= 0;
            const bool last = !block.next().isValid() && line >= lines - 1;
            if (key->key() == Qt::Key_Up && first && !cursor.hasSelection())
                return walkHistory(-1) || QWidget::eventFilter(watched, event);
            if (key->key() == Qt::Key_Down && last && !cursor.hasSelection())
                return walkHistory(+1) || QWidget::eventFilter(watched, event);
        }
    }
    return QWidget::eventFilter(watched, event);
}

void Composer::showError(const QString &message)
{
    Theme::setTextRole(m_status, Theme::Role::Error);
    m_status->setText(message);
}

QString Composer::inputProblem() const
{
    const Format format = Format(m_format->currentData().toInt());
    if (format == Format::Hex)
        return PayloadFormat::parseHex(m_editor->toPlainText()).error;
    if (format == Format::Ping) {
        const qsizetype bytes = m_editor->toPlainText().toUtf8().size();
        if (bytes > MaxPingPayload)
            return tr("%1 of %2 bytes: a ping's payload has room for %2.").arg(bytes).arg(MaxPingPayload);
    }
    return QString();
}

void Composer::updateHint()
{
    Theme::clearTextRole(m_status);
    // Checked on every edit: Send stays off while the input cannot be sent.
    const QString problem = inputProblem();
    m_send->setEnabled(m_allowed && problem.isEmpty());
    m_send->setToolTip(problem.isEmpty() ? tr("Send the message (Ctrl+Enter)") : problem);
    if (!m_allowed) {
        m_status->setText(tr("Connect to send."));
        return;
    }
    if (!problem.isEmpty()) {
        showError(problem);
        return;
    }
    const Format format = Format(m_format->currentData().toInt());
    if (format == Format::Hex) {
        m_status->setText(tr("%n byte(s)", nullptr, int(PayloadFormat::parseHex(m_editor->toPlainText()).bytes.size())));
        return;
    }
    if (format == Format::Ping) {
        m_status->setText(tr("%1 of %2 bytes").arg(m_editor->toPlainText().toUtf8().size()).arg(MaxPingPayload));
        return;
    }
    m_status->clear();
}

void Composer::submit()
{
    if (!m_allowed)
        return;
    const QString text = m_editor->toPlainText();
    if (Format(m_format->currentData().toInt()) == Format::Text) {
        remember(Format::Text, text);
        Q_EMIT textSubmitted(text);
        return;
    }
    if (Format(m_format->currentData().toInt()) == Format::Ping) {
        const QByteArray payload = text.toUtf8();
        if (payload.size() > MaxPingPayload) {
            showError(tr("%1 of %2 bytes: a ping's payload has room for %2.").arg(payload.size()).arg(MaxPingPayload));
            return;
        }
        remember(Format::Ping, text);
        Q_EMIT pingSubmitted(payload);
        return;
    }
    const PayloadFormat::HexResult hex = PayloadFormat::parseHex(text);
    if (!hex.ok()) {
        showError(hex.error);
        QTextCursor cursor(m_editor->document());
        cursor.setPosition(hex.errorOffset);
        m_editor->setTextCursor(cursor);
        m_editor->setFocus();
        return;
    }
    remember(Format::Hex, text);
    Q_EMIT binarySubmitted(hex.bytes);
}
