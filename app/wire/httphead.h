#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QCoreApplication>
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
    // The bytes taken so far, of a head not yet whole.
    qsizetype buffered() const { return m_buffer.size(); }

private:
    void parse();
    void setError(const QString &message);

    Kind m_kind;
    Status m_status = Status::NeedMore;
    QByteArray m_buffer;
    HttpHead m_head;
    QString m_error;
};

// The body of an HTTP/1.x response, decoded as it arrives (RFC 9112, 6.3):
// none (1xx, 204, 304), Content-Length bytes, the chunked transfer coding
// (decoded: the chunk sizes and trailer go), or everything up to the end of
// the connection. It keeps at most `keep` decoded bytes but follows the
// framing to its end however long the body is.
class HttpBodyDecoder
{
public:
    enum class Framing { None, Length, Chunked, UntilClose };
    enum class Status { NeedMore, Done, Error };

    static constexpr qsizetype MaxLineBytes = 4096;

    HttpBodyDecoder() = default;
    HttpBodyDecoder(const HttpHead &response, qsizetype keep);

    // Returns how many bytes of data belong to the body; it takes nothing
    // after the body's end.
    qsizetype feed(QByteArrayView data);
    // The connection ended: a body read until close is complete, any other
    // unfinished one is cut short.
    void end();

    Framing framing() const;
    Status status() const;
    QByteArray decoded() const;
    bool truncated() const;        // more was decoded than kept
    qint64 decodedSize() const;
    QString errorString() const;


    Q_DECLARE_TR_FUNCTIONS(HttpBodyDecoder)
private:
    enum class Step { Size, Data, DataEnd, Trailer };
    void keep(QByteArrayView data);
    bool takeLine(QByteArrayView data, qsizetype *used, QByteArray *line);
    void setError(const QString &message);

    Framing m_framing = Framing::None;
    Status m_status = Status::Done;
    Step m_step = Step::Size;
    qsizetype m_keep = 0;
    qint64 m_expected = -1;
    qint64 m_decoded = 0;
    qint64 m_chunkLeft = 0;
    QByteArray m_line;
    QByteArray m_body;
    QString m_error;
};
