#include "closedialog.h"
#include "theme.h"

#include "session/closecodes.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpressionValidator>

CloseDialog::CloseDialog(QWidget *parent)
    : QDialog(parent)
    , m_code(new QComboBox(this))
    , m_reason(new QLineEdit(this))
    , m_count(new QLabel(this))
    , m_problem(new QLabel(this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
{
    setWindowTitle(tr("Close with a code"));
    m_code->setEditable(true);
    m_code->setInsertPolicy(QComboBox::NoInsert);
    for (const int code : {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 4000})
        m_code->addItem(QStringLiteral("%1 %2").arg(code).arg(CloseCodes::name(code)), code);
    m_code->lineEdit()->setValidator(
        new QRegularExpressionValidator(QRegularExpression(QStringLiteral("\\d{0,4}( .*)?")), m_code));
    m_code->setToolTip(tr("A standard code, or your own from 3000 to 4999"));
    m_reason->setPlaceholderText(tr("optional, at most %1 bytes of UTF-8").arg(CloseCodes::MaxReasonBytes));
    m_count->setTextFormat(Qt::PlainText);
    m_problem->setTextFormat(Qt::PlainText);
    m_problem->setWordWrap(true);
    Theme::setTextRole(m_problem, Theme::Role::Error);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("&Close connection"));

    auto *form = new QFormLayout(this);
    form->addRow(tr("C&ode"), m_code);
    form->addRow(tr("&Reason"), m_reason);
    form->addRow(QString(), m_count);
    form->addRow(m_problem);
    form->addRow(m_buttons);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_code, &QComboBox::editTextChanged, this, &CloseDialog::update);
    connect(m_reason, &QLineEdit::textChanged, this, &CloseDialog::update);
    update();
}

CloseDialog::~CloseDialog() = default;

void CloseDialog::setCode(int code)
{
    const int index = m_code->findData(code);
    if (index >= 0)
        m_code->setCurrentIndex(index);
    else
        m_code->setEditText(QString::number(code));
}

void CloseDialog::setReason(const QString &reason)
{
    m_reason->setText(reason);
}

int CloseDialog::code() const
{
    // "4000 Private application code" or just "4321".
    return m_code->currentText().section(u' ', 0, 0).toInt();
}

QString CloseDialog::reason() const
{
    return m_reason->text();
}

QString CloseDialog::problem() const
{
    const int value = code();
    if (!CloseCodes::isSendable(value))
        return tr("%1 cannot be sent: use 1000-1003, 1007-1014 or 3000-4999.").arg(m_code->currentText().section(u' ', 0, 0));
    const qsizetype bytes = reason().toUtf8().size();
    if (bytes > CloseCodes::MaxReasonBytes)
        return tr("The reason is %1 bytes of UTF-8; a Close frame has room for %2.").arg(bytes).arg(CloseCodes::MaxReasonBytes);
    return {};
}

QString CloseDialog::fitted(const QString &text, int maxBytes)
{
    int bytes = 0;
    qsizetype end = 0;
    while (end < text.size()) {
        const bool pair = text.at(end).isHighSurrogate() && end + 1 < text.size() && text.at(end + 1).isLowSurrogate();
        const qsizetype length = pair ? 2 : 1;
        const int size = int(text.mid(end, length).toUtf8().size());
        if (bytes + size > maxBytes)
            break;
        bytes += size;
        end += length;
    }
    return text.left(end);
}

void CloseDialog::update()
{
    const qsizetype bytes = reason().toUtf8().size();
    m_count->setText(tr("%1 of %2 bytes").arg(bytes).arg(CloseCodes::MaxReasonBytes));
    const QString text = problem();
    m_problem->setText(text);
    m_problem->setVisible(!text.isEmpty());
    if (bytes > CloseCodes::MaxReasonBytes) {
        m_problem->setText(text + u' ' + tr("What fits: \"%1\"").arg(fitted(reason(), CloseCodes::MaxReasonBytes)));
    }
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(text.isEmpty());
}
