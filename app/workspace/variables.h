#pragma once

#include <QCoreApplication>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

// A named value that {{name}} stands for in a URL, a header, an auth field,
// the origin or a saved message. A secret one is never written into a
// collection file; its value lives in the keyring or is given with --var.
struct Variable
{
    QString name;
    QString value;
    bool secret = false;
    bool enabled = true;
    QJsonObject unknown;   // fields of a newer wsscope, kept in its collection

    // Letters, digits, '_', '-' and '.'; no braces, spaces or '$' (which
    // starts the dynamic values).
    static bool isValidName(QStringView name);
};

// Where {{name}} is filled in from: layers of variables, each overriding the
// ones before it (a collection's defaults, then the chosen environment, then
// --var), and the dynamic values {{$timestamp}}, {{$isoTimestamp}},
// {{$randomUUID}} and {{$randomInt}}, made anew at each use.
class VariableScope
{
    Q_DECLARE_TR_FUNCTIONS(VariableScope)

public:
    // A name that cannot be filled in, and the field it was found in.
    struct Problem
    {
        QString field;
        QString name;
        QString reason;   // empty: not defined

        QString message() const;
    };

    // Later layers win; disabled variables are left out.
    void addLayer(const QList<Variable> &variables);

    bool contains(const QString &name) const;
    QString value(const QString &name) const;
    bool isSecret(const QString &name) const;
    // Every defined variable, the winning value of each, in name order.
    QList<Variable> effective() const;
    // The values of the secret variables that are set, longest first, to
    // mask in saved files.
    QStringList secretValues() const;

    // `text` with every {{name}} replaced. A value may itself hold {{other}};
    // a name that refers back to itself is a problem. Each name that cannot
    // be filled in adds a Problem naming `field`; its reference stays as it
    // was in the result, which must then not be sent.
    QString resolve(const QString &text, const QString &field, QList<Problem> *problems) const;
    // Whether `resolved` is what `text` resolves to here, each dynamic value
    // (also inside a variable's value) standing for any text in its place.
    bool resolvesTo(const QString &text, const QString &resolved) const;
    // The names referred to in `text`, in order, each once.
    static QStringList references(const QString &text);
    static bool isDynamic(const QString &name);
    static QStringList dynamicNames();

private:
    QString resolveDepth(const QString &text, const QString &field, QList<Problem> *problems,
                         QStringList *stack) const;
    QList<Variable> m_variables;   // the winning entry of each name
};
