// libFuzzer target for FrameDecoder. The first byte picks the direction and
// where the stream is split; decoding whole and in two pieces must give the
// same frames, and every frame must account for exactly its bytes.
#include "wire/framedecoder.h"

#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    const QByteArray input(reinterpret_cast<const char *>(data + 2), qsizetype(size - 2));
    const auto direction = (data[0] & 1) ? FrameDecoder::Direction::ClientToServer
                                         : FrameDecoder::Direction::ServerToClient;
    const qsizetype split = input.isEmpty() ? 0 : qsizetype(data[1]) * 7 % input.size();

    FrameDecoder whole(direction);
    whole.feed(input);
    const std::vector<WsFrame> a = whole.takeFrames();

    FrameDecoder pieces(direction);
    pieces.feed(QByteArrayView(input).first(split));
    std::vector<WsFrame> b = pieces.takeFrames();
    pieces.feed(QByteArrayView(input).sliced(split));
    for (WsFrame &frame : pieces.takeFrames())
        b.push_back(std::move(frame));

    if (a.size() != b.size() || whole.hasFailed() != pieces.hasFailed())
        std::abort();
    qint64 offset = 0;
    for (size_t i = 0; i < a.size(); ++i) {
        if (a[i].payload != b[i].payload || a[i].opcode != b[i].opcode || a[i].findingBits != b[i].findingBits
            || a[i].offset != offset || quint64(a[i].payload.size()) != a[i].payloadLength)
            std::abort();
        offset += a[i].headerSize + a[i].payload.size();
    }
    if (!whole.hasFailed() && offset + whole.bufferedBytes() != input.size())
        std::abort();
    return 0;
}
