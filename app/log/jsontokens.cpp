#include "jsontokens.h"

#include <QCoreApplication>
#include <QHash>

#include <algorithm>
#include <utility>
#include <vector>

namespace JsonTokens {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("JsonTokens::Tokenizer", text);   // the context lupdate gives them
}

bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

// The length of the UTF-8 sequence at `at`, or 0 when it is not valid UTF-8
// (overlong forms, surrogates and code points past U+10FFFF included).
int utf8Length(QByteArrayView s, qsizetype at)
{
    const uchar c = uchar(s.at(at));
    int length = 0;
    uint min = 0;
    uint code = 0;
    if (c >= 0xC2 && c <= 0xDF) {
        length = 2;
        min = 0x80;
        code = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        length = 3;
        min = 0x800;
        code = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        length = 4;
        min = 0x10000;
        code = c & 0x07;
    } else {
        return 0;
    }
    if (at + length > s.size())
        return 0;
    for (int i = 1; i < length; ++i) {
        const uchar next = uchar(s.at(at + i));
        if ((next & 0xC0) != 0x80)
            return 0;
        code = (code << 6) | (next & 0x3F);
    }
    if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF))
        return 0;
    return length;
}

// Appends a code point as UTF-8. A lone surrogate gets the same three-byte
// form as any other unit of the BMP: valid UTF-8 never holds those bytes, so
// it cannot equal a key written without escapes.
void appendCodePoint(QByteArray &out, uint code)
{
    if (code < 0x80) {
        out += char(code);
    } else if (code < 0x800) {
        out += char(0xC0 | (code >> 6));
        out += char(0x80 | (code & 0x3F));
    } else if (code < 0x10000) {
        out += char(0xE0 | (code >> 12));
        out += char(0x80 | ((code >> 6) & 0x3F));
        out += char(0x80 | (code & 0x3F));
    } else {
        out += char(0xF0 | (code >> 18));
        out += char(0x80 | ((code >> 12) & 0x3F));
        out += char(0x80 | ((code >> 6) & 0x3F));
        out += char(0x80 | (code & 0x3F));
    }
}

// The four hex digits at `at` (the tokenizer checked that they are there).
uint hex4(QByteArrayView s, qsizetype at)
{
    uint unit = 0;
    for (int k = 0; k < 4; ++k)
        unit = unit * 16 + uint(hexValue(s.at(at + k)));
    return unit;
}

// The key as a name, for comparing: escapes decoded ("\u0061" is "a"), as
// UTF-8. Two keys are one name only when they decode to the same code
// points: "\ud800" and "\udc00" are two names, not two replacement
// characters.
QByteArray keyName(QByteArrayView quoted)
{
    const QByteArrayView inner = quoted.sliced(1, quoted.size() - 2);
    if (!inner.contains('\\'))
        return QByteArray::fromRawData(inner.data(), inner.size());   // the JSON outlives the scan
    QByteArray name;
    name.reserve(inner.size());
    for (qsizetype i = 0; i < inner.size(); ++i) {
        const char c = inner.at(i);
        if (c != '\\') {
            name += c;   // valid UTF-8 already
            continue;
        }
        const char e = inner.at(++i);
        switch (e) {
        case 'b': name += '\b'; break;
        case 'f': name += '\f'; break;
        case 'n': name += '\n'; break;
        case 'r': name += '\r'; break;
        case 't': name += '\t'; break;
        case 'u': {
            uint code = hex4(inner, i + 1);
            i += 4;
            // A high surrogate and a low one written as two escapes are one character.
            if (code >= 0xD800 && code <= 0xDBFF && i + 2 < inner.size() && inner.at(i + 1) == '\\'
                && inner.at(i + 2) == 'u') {
                const uint low = hex4(inner, i + 3);
                if (low >= 0xDC00 && low <= 0xDFFF) {
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
                    i += 6;
                }
            }
            appendCodePoint(name, code);
            break;
        }
        default: name += e; break;   // " \ /
        }
    }
    return name;
}

} // namespace

Position positionOf(QByteArrayView json, qsizetype offset)
{
    Position position;
    position.offset = offset;
    position.line = 1;
    position.column = 1;
    for (qsizetype i = 0; i < offset && i < json.size(); ++i) {
        const uchar c = uchar(json.at(i));
        if (c == '\n') {
            ++position.line;
            position.column = 1;
        } else if ((c & 0xC0) != 0x80) {   // not inside a multi-byte character
            ++position.column;
        }
    }
    return position;
}

Tokenizer::Tokenizer(QByteArrayView json)
    : m_json(json)
{
}

bool Tokenizer::fail(qsizetype at, const QString &message)
{
    m_error = message;
    m_errorOffset = at;
    m_expect = Expect::Nothing;
    m_pos = m_json.size();
    return false;
}

void Tokenizer::afterValue()
{
    m_expect = m_stack.isEmpty() ? Expect::Nothing : Expect::CommaOrEnd;
}

bool Tokenizer::next(Token *token)
{
    if (!m_error.isEmpty())
        return false;
    while (m_pos < m_json.size() && isSpace(m_json.at(m_pos)))
        ++m_pos;
    if (m_pos >= m_json.size()) {
        if (m_expect == Expect::Nothing)
            return false;
        if (m_stack.isEmpty())
            return fail(m_pos, tr("no JSON value"));
        return fail(m_pos, m_stack.endsWith('{') ? tr("the text ends inside an object")
                                                 : tr("the text ends inside an array"));
    }
    const char c = m_json.at(m_pos);
    token->offset = m_pos;
    token->depth = int(m_stack.size());
    const auto single = [this, token](Kind kind) {
        token->kind = kind;
        token->length = 1;
        ++m_pos;
        return true;
    };
    const auto close = [this, token, &single](Kind kind) {
        m_stack.chop(1);
        token->depth = int(m_stack.size());
        afterValue();
        return single(kind);
    };
    switch (m_expect) {
    case Expect::Nothing:
        return fail(m_pos, tr("text after the end of the JSON value"));
    case Expect::Colon:
        if (c != ':')
            return fail(m_pos, tr("a colon is missing after the key"));
        m_expect = Expect::Value;
        return single(Kind::Colon);
    case Expect::CommaOrEnd:
        if (c == ',') {
            m_expect = m_stack.endsWith('{') ? Expect::Key : Expect::Value;
            return single(Kind::Comma);
        }
        if (c == '}' && m_stack.endsWith('{'))
            return close(Kind::EndObject);
        if (c == ']' && m_stack.endsWith('['))
            return close(Kind::EndArray);
        return fail(m_pos, m_stack.endsWith('{') ? tr("a comma or } is missing") : tr("a comma or ] is missing"));
    case Expect::FirstKeyOrEnd:
        if (c == '}')
            return close(Kind::EndObject);
        Q_FALLTHROUGH();
    case Expect::Key:
        if (c != '"')
            return fail(m_pos, tr("a key (a string in double quotes) is missing"));
        if (!string(token, Kind::Key))
            return false;
        m_expect = Expect::Colon;
        return true;
    case Expect::FirstValueOrEnd:
        if (c == ']')
            return close(Kind::EndArray);
        Q_FALLTHROUGH();
    case Expect::Value:
        return value(token);
    }
    return false;
}

bool Tokenizer::value(Token *token)
{
    const char c = m_json.at(m_pos);
    if (c == '{' || c == '[') {
        if (m_stack.size() >= MaxDepth)
            return fail(m_pos, tr("nested deeper than %1 levels").arg(MaxDepth));
        m_stack.append(c);
        m_expect = c == '{' ? Expect::FirstKeyOrEnd : Expect::FirstValueOrEnd;
        token->kind = c == '{' ? Kind::BeginObject : Kind::BeginArray;
        token->length = 1;
        ++m_pos;
        return true;
    }
    bool ok = false;
    if (c == '"')
        ok = string(token, Kind::String);
    else if (c == '-' || isDigit(c))
        ok = number(token);
    else if (c >= 'a' && c <= 'z')
        ok = literal(token);
    else
        return fail(m_pos, tr("a value is missing"));
    if (ok)
        afterValue();
    return ok;
}

bool Tokenizer::string(Token *token, Kind kind)
{
    const qsizetype start = m_pos;
    qsizetype i = m_pos + 1;
    while (true) {
        if (i >= m_json.size())
            return fail(start, tr("a string is not closed"));
        const uchar c = uchar(m_json.at(i));
        if (c == '"')
            break;
        if (c < 0x20)
            return fail(i, tr("a control character in a string must be escaped"));
        if (c == '\\') {
            if (i + 1 >= m_json.size())
                return fail(start, tr("a string is not closed"));
            const char e = m_json.at(i + 1);
            if (e == 'u') {
                for (int k = 2; k < 6; ++k) {
                    if (i + k >= m_json.size() || hexValue(m_json.at(i + k)) < 0)
                        return fail(i, tr("\\u needs four hex digits"));
                }
                i += 6;
            } else if (e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' || e == 'n' || e == 'r' || e == 't') {
                i += 2;
            } else {
                return fail(i, tr("\\%1 is not an escape JSON knows").arg(QChar::fromLatin1(e)));
            }
            continue;
        }
        if (c < 0x80) {
            ++i;
            continue;
        }
        const int n = utf8Length(m_json, i);
        if (n == 0)
            return fail(i, tr("not valid UTF-8"));
        i += n;
    }
    token->kind = kind;
    token->length = i + 1 - start;
    m_pos = i + 1;
    return true;
}

bool Tokenizer::number(Token *token)
{
    const qsizetype start = m_pos;
    qsizetype i = m_pos;
    const auto digits = [this, &i] {
        const qsizetype from = i;
        while (i < m_json.size() && isDigit(m_json.at(i)))
            ++i;
        return i > from;
    };
    if (m_json.at(i) == '-')
        ++i;
    if (i < m_json.size() && m_json.at(i) == '0') {
        ++i;
        if (i < m_json.size() && isDigit(m_json.at(i)))
            return fail(i, tr("a number cannot start with 0"));
    } else if (!digits()) {
        return fail(i, tr("a minus sign without digits"));
    }
    if (i < m_json.size() && m_json.at(i) == '.') {
        ++i;
        if (!digits())
            return fail(i, tr("a decimal point needs digits after it"));
    }
    if (i < m_json.size() && (m_json.at(i) == 'e' || m_json.at(i) == 'E')) {
        ++i;
        if (i < m_json.size() && (m_json.at(i) == '+' || m_json.at(i) == '-'))
            ++i;
        if (!digits())
            return fail(i, tr("an exponent needs digits"));
    }
    token->kind = Kind::Number;
    token->length = i - start;
    m_pos = i;
    return true;
}

bool Tokenizer::literal(Token *token)
{
    for (const QByteArrayView word : {QByteArrayView("true"), QByteArrayView("false"), QByteArrayView("null")}) {
        if (m_json.sliced(m_pos).startsWith(word)) {
            token->kind = Kind::Literal;
            token->length = word.size();
            m_pos += word.size();
            return true;
        }
    }
    return fail(m_pos, tr("a value is missing (true, false and null are written in lower case)"));
}

namespace {

// The keys an open object has so far. Most objects are small: a few keys are
// compared one by one, and a hash is built only for a large object.
struct KeySet
{
    static constexpr int FewKeys = 16;
    std::vector<std::pair<QByteArray, qsizetype>> few;
    QHash<QByteArray, qsizetype> many;

    void clear()
    {
        few.clear();
        many.clear();
    }
    // Where the key was first, or -1 (and then it is added).
    qsizetype add(const QByteArray &name, qsizetype offset)
    {
        if (many.isEmpty()) {
            for (const auto &[key, at] : few) {
                if (key == name)
                    return at;
            }
            if (few.size() < FewKeys) {
                few.emplace_back(name, offset);
                return -1;
            }
            for (const auto &[key, at] : few)
                many.insert(key, at);
        }
        const auto it = many.constFind(name);
        if (it != many.constEnd())
            return it.value();
        many.insert(name, offset);
        return -1;
    }
};

} // namespace

Scan scan(QByteArrayView json, qsizetype pageBytes, QList<Checkpoint> *checkpoints)
{
    Scan result;
    Tokenizer tokenizer(json);
    // A copy of the tokenizer now and then; each page gets the latest one
    // taken before its first token.
    const bool paging = pageBytes > 0 && checkpoints;
    Checkpoint recent{tokenizer, Kind::Comma};
    Kind previous = Kind::Comma;
    qsizetype nextPage = pageBytes;
    int sinceCopy = 0;
    if (paging) {
        checkpoints->clear();
        checkpoints->append(recent);
    }
    // One per open container (an array's stays empty), kept for reuse.
    std::vector<KeySet> keys;
    int depth = 0;
    Token token;
    while (true) {
        if (paging && ++sinceCopy >= 1024) {
            recent = {tokenizer, previous};
            sinceCopy = 0;
        }
        if (!tokenizer.next(&token))
            break;
        for (; paging && token.offset + token.length > nextPage; nextPage += pageBytes)
            checkpoints->append(recent);
        previous = token.kind;
        switch (token.kind) {
        case Kind::BeginObject:
        case Kind::BeginArray:
            if (int(keys.size()) <= depth)
                keys.emplace_back();
            keys[size_t(depth++)].clear();
            break;
        case Kind::EndObject:
        case Kind::EndArray:
            --depth;
            break;
        case Kind::Key: {
            const QByteArrayView quoted = json.sliced(token.offset, token.length);
            const qsizetype first = keys[size_t(depth - 1)].add(keyName(quoted), token.offset);
            if (first < 0)
                break;
            if (result.duplicates.size() < Scan::MaxDuplicatesListed) {
                Duplicate duplicate;
                duplicate.key = QString::fromUtf8(quoted);
                duplicate.at.offset = token.offset;
                duplicate.first.offset = first;
                result.duplicates.append(duplicate);
            }
            ++result.duplicateCount;
            break;
        }
        default:
            break;
        }
    }
    // Lines and columns in one pass over the text, however many there are.
    QList<Position *> positions;
    for (Duplicate &duplicate : result.duplicates)
        positions << &duplicate.at << &duplicate.first;
    std::sort(positions.begin(), positions.end(),
              [](const Position *a, const Position *b) { return a->offset < b->offset; });
    Position walk{0, 1, 1};
    for (Position *position : std::as_const(positions)) {
        for (; walk.offset < position->offset; ++walk.offset) {
            const uchar c = uchar(json.at(walk.offset));
            if (c == '\n') {
                ++walk.line;
                walk.column = 1;
            } else if ((c & 0xC0) != 0x80) {
                ++walk.column;
            }
        }
        *position = walk;
    }
    result.valid = tokenizer.error().isEmpty();
    if (!result.valid) {
        result.error = tokenizer.error();
        result.errorAt = positionOf(json, tokenizer.errorOffset());
    }
    return result;
}

Pretty indent(QByteArrayView json, qsizetype from, qsizetype to, qsizetype maxChars, const Checkpoint *checkpoint)
{
    Pretty pretty;
    Tokenizer tokenizer = checkpoint ? checkpoint->tokenizer : Tokenizer(json);
    Token token;
    // Whether the next token starts a line; what came before decides it.
    Kind previous = checkpoint ? checkpoint->previous : Kind::Comma;
    bool first = true;
    // Pages start and end on whole characters.
    const auto snap = [json](qsizetype at) {
        while (at > 0 && at < json.size() && (uchar(json.at(at)) & 0xC0) == 0x80)
            ++at;
        return qMin(at, json.size());
    };
    from = snap(from);
    to = snap(to);
    while (tokenizer.next(&token)) {
        const qsizetype end = token.offset + token.length;
        if (end <= from) {
            previous = token.kind;
            continue;
        }
        if (token.offset >= to)
            break;
        if (pretty.text.size() >= maxChars) {
            pretty.cut = true;
            break;
        }
        // An empty object or array stays on one line: {} and [].
        const bool closesEmpty = (token.kind == Kind::EndObject && previous == Kind::BeginObject)
            || (token.kind == Kind::EndArray && previous == Kind::BeginArray);
        const bool newLine = !first && !closesEmpty
            && (previous == Kind::Comma || previous == Kind::BeginObject || previous == Kind::BeginArray
                || token.kind == Kind::EndObject || token.kind == Kind::EndArray);
        if (newLine) {
            pretty.text += u'\n';
            pretty.text += QString(qsizetype(token.depth) * 4, u' ');
        } else if (first && token.offset >= from) {
            pretty.text += QString(qsizetype(token.depth) * 4, u' ');
        }
        first = false;
        if (token.kind == Kind::Colon) {
            pretty.text += QStringLiteral(": ");
        } else {
            const qsizetype start = qMax(token.offset, from);
            const qsizetype stop = qMin(end, to);
            const qsizetype at = pretty.text.size();
            pretty.text += QString::fromUtf8(json.sliced(start, stop - start));
            if (token.kind == Kind::Key || token.kind == Kind::String || token.kind == Kind::Number
                || token.kind == Kind::Literal)
                pretty.spans.append({at, pretty.text.size() - at, token.kind, token.offset});
        }
        previous = token.kind;
    }
    return pretty;
}

} // namespace JsonTokens
