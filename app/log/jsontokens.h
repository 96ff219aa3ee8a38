#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>

// JSON (RFC 8259) read token by token, straight from the bytes that arrived:
// keys keep their order, a repeated key stays, numbers and strings keep the
// text they were written with. What the Message tab indents and colours, so
// that it never shows a value the server did not send (QJsonDocument sorts
// keys, drops repeated ones and rounds big numbers). Pure: bytes in, tokens out.
namespace JsonTokens {

// Deeper nesting is reported as an error rather than followed.
constexpr int MaxDepth = 512;

enum class Kind : quint8 { BeginObject, EndObject, BeginArray, EndArray, Colon, Comma, Key, String, Number, Literal };

struct Token
{
    Kind kind = Kind::Literal;
    qsizetype offset = 0;   // of its first byte (a string's opening quote)
    qsizetype length = 0;   // in bytes, quotes included
    int depth = 0;          // containers around it; a closing bracket has its opening one's
};

// Where reading stopped: line and column count from 1, column in characters.
struct Position
{
    qsizetype offset = -1;
    int line = 0;
    int column = 0;
};

Position positionOf(QByteArrayView json, qsizetype offset);

// One token after another. Stops at the first byte that breaks the grammar,
// with the reason; the work is linear in the input and the state is the
// nesting only.
class Tokenizer
{
public:
    explicit Tokenizer(QByteArrayView json);

    // False at the end of the text, or at an error (then error() is set).
    bool next(Token *token);
    QString error() const { return m_error; }
    qsizetype errorOffset() const { return m_errorOffset; }

private:
    enum class Expect : quint8 { Value, FirstKeyOrEnd, Key, Colon, CommaOrEnd, FirstValueOrEnd, Nothing };

    bool fail(qsizetype at, const QString &message);
    bool value(Token *token);
    bool string(Token *token, Kind kind);
    bool number(Token *token);
    bool literal(Token *token);
    void afterValue();

    QByteArrayView m_json;
    qsizetype m_pos = 0;
    QByteArray m_stack;     // '{' or '[' for each open container
    Expect m_expect = Expect::Value;
    QString m_error;
    qsizetype m_errorOffset = -1;
};

// A key that an object already has.
struct Duplicate
{
    QString key;            // as written, escapes kept
    Position at;
    Position first;
};

struct Scan
{
    bool valid = false;
    QString error;          // empty when valid
    Position errorAt;
    QList<Duplicate> duplicates;    // the first MaxDuplicatesListed
    qsizetype duplicateCount = 0;
    static constexpr int MaxDuplicatesListed = 100;
};

// Where indent() can start reading for a page without going back to the
// start of the text.
struct Checkpoint
{
    Tokenizer tokenizer;
    Kind previous = Kind::Comma;
};

// Reads all of it: valid or where it breaks, and the repeated keys. With
// pageBytes, also a checkpoint at or before each page start (k * pageBytes)
// in *checkpoints.
Scan scan(QByteArrayView json, qsizetype pageBytes = 0, QList<Checkpoint> *checkpoints = nullptr);

struct Pretty
{
    struct Span
    {
        qsizetype start = 0;   // in text
        qsizetype length = 0;
        Kind kind = Kind::Literal;
        qsizetype offset = 0;  // of the token in the JSON
    };
    QString text;
    QList<Span> spans;      // in order, one per key, string, number and literal
    bool cut = false;       // maxChars was reached
};

// The tokens that lie in [from, to) of valid JSON, one value or key per
// line, indented by four spaces a level; a string longer than the range shows
// the part inside it (on whole UTF-8 characters). At most about maxChars of
// text. From a checkpoint of scan() at or before `from`, when given.
Pretty indent(QByteArrayView json, qsizetype from, qsizetype to, qsizetype maxChars,
              const Checkpoint *start = nullptr);

} // namespace JsonTokens
