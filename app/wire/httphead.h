#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QPair>
#include <QString>

// One HTTP/1.x message head (request or response) exactly as it was on the
// wire: header names keep their case, order and duplicates.
struct HttpHead
{
    using Header = QPair<QByteArray, QByteArray>;

    QByteArray startLine;
    QList<Header> headers;
    QByteArray raw;            // the head's bytes, through the blank line

    // Request line parts
    QByteArray method;
    QByteArray target;
    // Both
    QByteArray version;
    // Status line parts
    int status = -1;
    QByteArray reason;

    // The first value of a header, by case-insensitive name; empty when absent.
    QByteArray value(QByteArrayView name) const;
    QList<QByteArray> values(QByteArrayView name) const;
    bool has(QByteArrayView name) const;
};

// Incremental parser: feed bytes as they arrive, in pieces of any size. It
// consumes nothing past the blank line that ends the head, so the caller
// knows where the body or the WebSocket frames begin.
class HttpHeadParser
{
public:
    enum class Kind { Request, Response };
    enum class Status { NeedMore, Done, Error };

    static constexpr qsizetype MaxHeadBytes = 64 * 1024;

    explicit HttpHeadParser(Kind kind);

    // Returns how many bytes of data were taken.
    qsizetype feed(QByteArrayView data);
    Status status() const;
    const HttpHead &head() const;
    QString errorString() const;
    void reset();

private:
    void parse();
    void setError(const QString &message);

    Kind m_kind;
    Status m_status = Status::NeedMore;
    QByteArray m_buffer;
    HttpHead m_head;
    QString m_error;
};
