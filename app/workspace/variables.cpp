#include "variables.h"

#include <QDateTime>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QUuid>

#include <algorithm>
#include <functional>

namespace {

// Deep enough for any sensible chain of variables made of variables; a
// longer one is a loop in all but name.
constexpr int MaxDepth = 16;

struct Reference
{
    qsizetype start = 0;   // of "{{"
    qsizetype end = 0;     // after "}}"
    QString name;          // trimmed
};

// The {{…}} in text, left to right. "{{" without a closing "}}" on the same
// text is not a reference, and neither is one whose inside is empty.
QList<Reference> findReferences(const QString &text)
{
    QList<Reference> found;
    qsizetype from = 0;
    while (true) {
        const qsizetype open = text.indexOf(QLatin1String("{{"), from);
        if (open < 0)
            break;
        const qsizetype close = text.indexOf(QLatin1String("}}"), open + 2);
        if (close < 0)
            break;
        const QString name = text.mid(open + 2, close - open - 2).trimmed();
        if (name.isEmpty() || name.contains(QLatin1Char('{'))) {
            from = open + 1;
            continue;
        }
        found.append({open, close + 2, name});
        from = close + 2;
    }
    return found;
}

QString dynamicValue(const QString &name)
{
    if (name == QLatin1String("$timestamp"))
        return QString::number(QDateTime::currentSecsSinceEpoch());
    if (name == QLatin1String("$isoTimestamp"))
        return QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
    if (name == QLatin1String("$randomUUID"))
        return QUuid::createUuid().toString(QUuid::WithoutBraces);
    if (name == QLatin1String("$randomInt"))
        return QString::number(QRandomGenerator::global()->bounded(1001));
    return {};
}

} // namespace

bool Variable::isValidName(QStringView name)
{
    if (name.isEmpty() || name.size() > 200)
        return false;
    return std::all_of(name.begin(), name.end(), [](QChar c) {
        return c.isLetterOrNumber() || c == QLatin1Char('_') || c == QLatin1Char('-') || c == QLatin1Char('.');
    });
}

QString VariableScope::Problem::message() const
{
    if (!reason.isEmpty())
        return tr("%1: {{%2}} %3").arg(field, name, reason);
    return tr("%1: {{%2}} is not defined").arg(field, name);
}

void VariableScope::addLayer(const QList<Variable> &variables)
{
    for (const Variable &variable : variables) {
        if (!variable.enabled || variable.name.isEmpty())
            continue;
        const auto same = std::find_if(m_variables.begin(), m_variables.end(),
                                       [&](const Variable &v) { return v.name == variable.name; });
        if (same != m_variables.end()) {
            // A value given for a secret (by an environment, on the command
            // line) is as secret as the one it replaces.
            const bool secret = same->secret;
            *same = variable;
            same->secret |= secret;
        } else
            m_variables.append(variable);
    }
}

bool VariableScope::contains(const QString &name) const
{
    return isDynamic(name)
        || std::any_of(m_variables.cbegin(), m_variables.cend(), [&](const Variable &v) { return v.name == name; });
}

QString VariableScope::value(const QString &name) const
{
    for (const Variable &variable : m_variables) {
        if (variable.name == name)
            return variable.value;
    }
    return {};
}

bool VariableScope::isSecret(const QString &name) const
{
    for (const Variable &variable : m_variables) {
        if (variable.name == name)
            return variable.secret;
    }
    return false;
}

QList<Variable> VariableScope::effective() const
{
    QList<Variable> sorted = m_variables;
    std::sort(sorted.begin(), sorted.end(), [](const Variable &a, const Variable &b) { return a.name < b.name; });
    return sorted;
}

QStringList VariableScope::secretValues() const
{
    QStringList values;
    for (const Variable &variable : m_variables) {
        if (!variable.secret || variable.value.isEmpty())
            continue;
        // A secret made of other variables is masked as it is sent.
        QList<Problem> ignored;
        values.append(resolve(variable.value, QString(), &ignored));
    }
    std::sort(values.begin(), values.end(), [](const QString &a, const QString &b) { return a.size() > b.size(); });
    values.removeDuplicates();
    return values;
}

QString VariableScope::resolve(const QString &text, const QString &field, QList<Problem> *problems) const
{
    QStringList stack;
    return resolveDepth(text, field, problems, &stack);
}

QString VariableScope::resolveDepth(const QString &text, const QString &field, QList<Problem> *problems,
                                    QStringList *stack) const
{
    const QList<Reference> references = findReferences(text);
    if (references.isEmpty())
        return text;
    QString result;
    result.reserve(text.size());
    qsizetype done = 0;
    for (const Reference &reference : references) {
        result += QStringView(text).mid(done, reference.start - done);
        done = reference.end;
        const QString original = text.mid(reference.start, reference.end - reference.start);
        if (isDynamic(reference.name)) {
            result += dynamicValue(reference.name);
            continue;
        }
        const bool defined = std::any_of(m_variables.cbegin(), m_variables.cend(),
                                         [&](const Variable &v) { return v.name == reference.name; });
        if (!defined) {
            if (reference.name.startsWith(QLatin1Char('$')))
                problems->append({field, reference.name,
                                  tr("is not a dynamic value (%1 are)").arg(dynamicNames().join(QStringLiteral(", ")))});
            else
                problems->append({field, reference.name, {}});
            result += original;
            continue;
        }
        if (isSecret(reference.name) && value(reference.name).isEmpty()) {
            problems->append({field, reference.name, tr("is a secret without a value here: set it, or give it with "
                                                         "--var %1=VALUE").arg(reference.name)});
            result += original;
            continue;
        }
        if (stack->contains(reference.name) || stack->size() >= MaxDepth) {
            problems->append({field, reference.name, tr("refers back to itself")});
            result += original;
            continue;
        }
        stack->append(reference.name);
        result += resolveDepth(value(reference.name), field, problems, stack);
        stack->removeLast();
    }
    result += QStringView(text).mid(done);
    return result;
}

bool VariableScope::resolvesTo(const QString &text, const QString &resolved) const
{
    // A pattern of what the text can resolve to; false: it cannot be resolved.
    const std::function<bool(const QString &, int, QString *)> pattern = [&](const QString &part, int depth,
                                                                            QString *out) {
        if (depth > MaxDepth)
            return false;
        qsizetype done = 0;
        for (const Reference &reference : findReferences(part)) {
            *out += QRegularExpression::escape(part.mid(done, reference.start - done));
            done = reference.end;
            if (isDynamic(reference.name))
                *out += QStringLiteral(".*?");
            else if (!contains(reference.name) || !pattern(value(reference.name), depth + 1, out))
                return false;
        }
        *out += QRegularExpression::escape(part.mid(done));
        return true;
    };
    QString expression;
    if (!pattern(text, 0, &expression))
        return false;
    return QRegularExpression(QRegularExpression::anchoredPattern(expression),
                              QRegularExpression::DotMatchesEverythingOption)
        .match(resolved)
        .hasMatch();
}

QStringList VariableScope::references(const QString &text)
{
    QStringList names;
    const QList<Reference> found = findReferences(text);
    for (const Reference &reference : found) {
        if (!names.contains(reference.name))
            names.append(reference.name);
    }
    return names;
}

bool VariableScope::isDynamic(const QString &name)
{
    return dynamicNames().contains(name);
}

QStringList VariableScope::dynamicNames()
{
    return {QStringLiteral("$timestamp"), QStringLiteral("$isoTimestamp"), QStringLiteral("$randomUUID"),
            QStringLiteral("$randomInt")};
}
