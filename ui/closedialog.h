#pragma once

#include <QDialog>

class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;

// Asks for a close code (the standard ones by name, or 3000-4999) and a
// reason of at most 123 bytes of UTF-8, and says what is wrong as it is typed.
class CloseDialog : public QDialog
{
    Q_OBJECT

public:
    explicit CloseDialog(QWidget *parent = nullptr);
    ~CloseDialog() override;
    Q_DISABLE_COPY_MOVE(CloseDialog)

    void setCode(int code);
    void setReason(const QString &reason);
    int code() const;
    QString reason() const;
    // Empty when the code and the reason can be sent.
    QString problem() const;

    // The longest start of `text` that fits in `maxBytes` of UTF-8, never
    // cutting a character (or a surrogate pair) in half.
    static QString fitted(const QString &text, int maxBytes);

private:
    void update();

    QComboBox *m_code;
    QLineEdit *m_reason;
    QLabel *m_count;
    QLabel *m_problem;
    QDialogButtonBox *m_buttons;
};
