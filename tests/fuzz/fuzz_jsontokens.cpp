// libFuzzer target for the JSON tokenizer of the Message tab: the input is
// the JSON. Scanning must never crash or hang; for valid JSON, each page
// indented from its checkpoint must be the same as indented from the start,
// and every coloured span must lie in the text. For one object of plain
// values, the repeated keys must be those QJsonDocument folds together.
#include "log/jsontokens.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <cstdint>
#include <cstdlib>

namespace {

bool samePretty(const JsonTokens::Pretty &a, const JsonTokens::Pretty &b)
{
    if (a.text != b.text || a.cut != b.cut || a.spans.size() != b.spans.size())
        return false;
    for (qsizetype i = 0; i < a.spans.size(); ++i) {
        const JsonTokens::Pretty::Span &x = a.spans.at(i);
        const JsonTokens::Pretty::Span &y = b.spans.at(i);
        if (x.start != y.start || x.length != y.length || x.kind != y.kind || x.offset != y.offset)
            return false;
    }
    return true;
}

void checkSpans(const JsonTokens::Pretty &pretty, qsizetype jsonSize)
{
    qsizetype end = 0;
    for (const JsonTokens::Pretty::Span &span : pretty.spans) {
        if (span.start < end || span.length < 0 || span.start + span.length > pretty.text.size()
            || span.offset < 0 || span.offset >= jsonSize)
            std::abort();
        end = span.start + span.length;
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArrayView json(reinterpret_cast<const char *>(data), qsizetype(size));
    // Small pages, so that a short input has several.
    const qsizetype pageBytes = 1 + qsizetype(size % 61);
    QList<JsonTokens::Checkpoint> checkpoints;
    const JsonTokens::Scan scan = JsonTokens::scan(json, pageBytes, &checkpoints);

    if (scan.valid != scan.error.isEmpty() || scan.duplicates.size() > scan.duplicateCount
        || scan.duplicates.size() > JsonTokens::Scan::MaxDuplicatesListed)
        std::abort();
    if (!scan.valid && (scan.errorAt.line < 1 || scan.errorAt.column < 1 || scan.errorAt.offset > json.size()))
        std::abort();
    for (const JsonTokens::Duplicate &duplicate : scan.duplicates) {
        if (duplicate.first.offset >= duplicate.at.offset || duplicate.at.line < duplicate.first.line)
            std::abort();
    }
    if (!scan.valid)
        return 0;

    // QJsonDocument keeps one value per key: in an object with no object
    // inside, the keys it drops are the repeats.
    JsonTokens::Tokenizer tokenizer(json);
    JsonTokens::Token token;
    qsizetype keys = 0;
    bool flat = false;
    while (tokenizer.next(&token)) {
        if (token.kind == JsonTokens::Kind::BeginObject)
            flat = token.depth == 0;
        if (token.kind == JsonTokens::Kind::BeginObject && token.depth > 0)
            break;
        keys += token.kind == JsonTokens::Kind::Key && token.depth == 1;
    }
    if (flat && tokenizer.error().isEmpty() && token.kind != JsonTokens::Kind::BeginObject) {
        QJsonParseError error;
        const QJsonDocument document = QJsonDocument::fromJson(json.toByteArray(), &error);
        if (error.error == QJsonParseError::NoError && document.isObject()
            && keys - document.object().size() != scan.duplicateCount)
            std::abort();
    }

    const JsonTokens::Pretty whole = JsonTokens::indent(json, 0, json.size(), 1 << 20);
    checkSpans(whole, json.size());
    // At most a few pages each time: the first, the last and some between.
    // Trailing white space has no token, so its page may have no checkpoint
    // (the Message tab then starts from the beginning).
    const qsizetype pages = qMin(checkpoints.size(), (json.size() + pageBytes - 1) / pageBytes);
    const qsizetype step = qMax<qsizetype>(1, pages / 6);
    for (qsizetype page = 0; page < pages; page += (page + step < pages || page == pages - 1) ? step : pages - 1 - page) {
        const qsizetype from = page * pageBytes;
        const qsizetype to = qMin(json.size(), from + pageBytes);
        const JsonTokens::Pretty fromStart = JsonTokens::indent(json, from, to, 1 << 20);
        const JsonTokens::Pretty fromCheckpoint =
            JsonTokens::indent(json, from, to, 1 << 20, &checkpoints.at(page));
        if (!samePretty(fromStart, fromCheckpoint))
            std::abort();
        checkSpans(fromStart, json.size());
        if (page == pages - 1)
            break;
    }
    return 0;
}
