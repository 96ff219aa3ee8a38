#include "wire/framedecoder.h"

#include <QTest>

using Direction = FrameDecoder::Direction;
using Encoding = WsFrame::LengthEncoding;

Q_DECLARE_METATYPE(Direction)

class TestFrameDecoder : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void rfcExamples_data();
    void rfcExamples();
    void everySplitDecodesTheSame_data();
    void everySplitDecodesTheSame();
    void findings_data();
    void findings();
    void closeCodeAndReason();
    void highBitLengthStopsDecoding();
    void claimedHugeLengthWaitsWithoutAllocating();
};

static QByteArray bytes(std::initializer_list<int> values)
{
    QByteArray out;
    for (int v : values)
        out.append(char(v));
    return out;
}

static std::vector<WsFrame> decodeAll(Direction direction, const QByteArray &input)
{
    FrameDecoder decoder(direction);
    decoder.feed(input);
    return decoder.takeFrames();
}

// Frames from RFC 6455 section 5.7, byte for byte.
static QByteArray helloUnmasked() { return bytes({0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f}); }
static QByteArray helloMasked() { return bytes({0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58}); }
static QByteArray fragmented() { return bytes({0x01, 0x03, 0x48, 0x65, 0x6c, 0x80, 0x02, 0x6c, 0x6f}); }
static QByteArray pingHello() { return bytes({0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f}); }
static QByteArray pongMasked() { return bytes({0x8a, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58}); }
static QByteArray binary256() { return bytes({0x82, 0x7e, 0x01, 0x00}) + QByteArray(256, 'b'); }
static QByteArray binary64k() { return bytes({0x82, 0x7f, 0, 0, 0, 0, 0, 1, 0, 0}) + QByteArray(65536, 'c'); }

void TestFrameDecoder::rfcExamples_data()
{
    QTest::addColumn<Direction>("direction");
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<int>("opcode");
    QTest::addColumn<bool>("fin");
    QTest::addColumn<bool>("masked");
    QTest::addColumn<int>("encoding");
    QTest::addColumn<QByteArray>("payload");

    QTest::newRow("unmasked text Hello") << Direction::ServerToClient << helloUnmasked() << 1 << true << false << int(Encoding::Bits7) << QByteArray("Hello");
    QTest::newRow("masked text Hello") << Direction::ClientToServer << helloMasked() << 1 << true << true << int(Encoding::Bits7) << QByteArray("Hello");
    QTest::newRow("unmasked ping") << Direction::ServerToClient << pingHello() << 9 << true << false << int(Encoding::Bits7) << QByteArray("Hello");
    QTest::newRow("masked pong") << Direction::ClientToServer << pongMasked() << 10 << true << true << int(Encoding::Bits7) << QByteArray("Hello");
    QTest::newRow("256 bytes, 16-bit length") << Direction::ServerToClient << binary256() << 2 << true << false << int(Encoding::Bits16) << QByteArray(256, 'b');
    QTest::newRow("64 KiB, 64-bit length") << Direction::ServerToClient << binary64k() << 2 << true << false << int(Encoding::Bits64) << QByteArray(65536, 'c');
}

void TestFrameDecoder::rfcExamples()
{
    QFETCH(Direction, direction);
    QFETCH(QByteArray, input);
    QFETCH(int, opcode);
    QFETCH(bool, fin);
    QFETCH(bool, masked);
    QFETCH(int, encoding);
    QFETCH(QByteArray, payload);

    const std::vector<WsFrame> frames = decodeAll(direction, input);
    QCOMPARE(frames.size(), size_t(1));
    const WsFrame &frame = frames.front();
    QCOMPARE(int(frame.opcode), opcode);
    QCOMPARE(frame.fin, fin);
    QCOMPARE(frame.masked, masked);
    QCOMPARE(int(frame.lengthEncoding), encoding);
    QCOMPARE(frame.payloadLength, quint64(payload.size()));
    QCOMPARE(frame.payload, payload);
    QCOMPARE(frame.headerSize + payload.size(), input.size());
    QVERIFY2(frame.findingBits == 0, qPrintable(frame.findings().join(u' ')));
    if (masked)
        QCOMPARE(frame.maskKey, 0x37fa213du);
}

void TestFrameDecoder::everySplitDecodesTheSame_data()
{
    QTest::addColumn<Direction>("direction");
    QTest::addColumn<QByteArray>("input");
    QTest::newRow("server stream") << Direction::ServerToClient
                                   << helloUnmasked() + fragmented() + pingHello() + binary256() + bytes({0x88, 0x02, 0x03, 0xe8});
    QTest::newRow("client stream") << Direction::ClientToServer << helloMasked() + pongMasked() + helloMasked();
}

void TestFrameDecoder::everySplitDecodesTheSame()
{
    QFETCH(Direction, direction);
    QFETCH(QByteArray, input);
    const std::vector<WsFrame> whole = decodeAll(direction, input);
    QVERIFY(whole.size() >= 3);

    const auto same = [&whole](const std::vector<WsFrame> &frames) {
        if (frames.size() != whole.size())
            return false;
        for (size_t i = 0; i < frames.size(); ++i) {
            const WsFrame &a = frames[i];
            const WsFrame &b = whole[i];
            if (a.opcode != b.opcode || a.fin != b.fin || a.payload != b.payload || a.offset != b.offset
                || a.maskKey != b.maskKey || a.findingBits != b.findingBits || a.closeCode != b.closeCode)
                return false;
        }
        return true;
    };
    for (qsizetype split = 1; split < input.size(); ++split) {
        FrameDecoder decoder(direction);
        decoder.feed(QByteArrayView(input).first(split));
        std::vector<WsFrame> frames = decoder.takeFrames();
        decoder.feed(QByteArrayView(input).sliced(split));
        for (WsFrame &frame : decoder.takeFrames())
            frames.push_back(std::move(frame));
        QVERIFY2(same(frames), qPrintable(QStringLiteral("split at %1").arg(split)));
        QCOMPARE(decoder.bufferedBytes(), 0);
    }
    FrameDecoder bytewise(direction);
    for (qsizetype i = 0; i < input.size(); ++i)
        bytewise.feed(QByteArrayView(input).sliced(i, 1));
    QVERIFY(same(bytewise.takeFrames()));
}

void TestFrameDecoder::findings_data()
{
    QTest::addColumn<Direction>("direction");
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QString>("finding");

    QTest::newRow("reserved opcode 3") << Direction::ServerToClient << bytes({0x83, 0x00}) << "Reserved opcode 0x3";
    QTest::newRow("reserved control opcode 0xB") << Direction::ServerToClient << bytes({0x8b, 0x00}) << "Reserved opcode 0xb";
    QTest::newRow("ping of 126 bytes") << Direction::ServerToClient << bytes({0x89, 0x7e, 0x00, 0x7e}) + QByteArray(126, 'p') << "at most 125";
    QTest::newRow("fragmented ping") << Direction::ServerToClient << bytes({0x09, 0x00}) << "fragmented";
    QTest::newRow("close with one byte") << Direction::ServerToClient << bytes({0x88, 0x01, 0x03}) << "one byte";
    QTest::newRow("close code 1005 on the wire") << Direction::ServerToClient << bytes({0x88, 0x02, 0x03, 0xed}) << "1005";
    QTest::newRow("close reason not UTF-8") << Direction::ServerToClient << bytes({0x88, 0x04, 0x03, 0xe8, 0xc3, 0x28}) << "UTF-8";
    QTest::newRow("continuation without a message") << Direction::ServerToClient << bytes({0x80, 0x00}) << "no message to continue";
    QTest::newRow("text inside a fragmented message") << Direction::ServerToClient << bytes({0x01, 0x00, 0x81, 0x00}) << "unfinished";
    QTest::newRow("unmasked client frame") << Direction::ClientToServer << helloUnmasked() << "must be masked";
    QTest::newRow("masked server frame") << Direction::ServerToClient << helloMasked() << "must not be masked";
    QTest::newRow("RSV1 without extension") << Direction::ServerToClient << bytes({0xc1, 0x00}) << "RSV 100";
    QTest::newRow("16-bit length for 5 bytes") << Direction::ServerToClient << bytes({0x81, 0x7e, 0x00, 0x05}) + "Hello" << "shortest";
}

void TestFrameDecoder::findings()
{
    QFETCH(Direction, direction);
    QFETCH(QByteArray, input);
    QFETCH(QString, finding);
    const std::vector<WsFrame> frames = decodeAll(direction, input);
    QVERIFY(!frames.empty());
    const QStringList all = frames.back().findings();
    QVERIFY2(all.join(u'\n').contains(finding), qPrintable(all.join(u'\n')));
}

void TestFrameDecoder::closeCodeAndReason()
{
    const QByteArray reason = QStringLiteral("bye \u00e9").toUtf8();
    QByteArray input = bytes({0x88, int(2 + reason.size()), 0x0f, 0xa0}) + reason;   // 4000
    const std::vector<WsFrame> frames = decodeAll(Direction::ServerToClient, input);
    QCOMPARE(frames.size(), size_t(1));
    QCOMPARE(frames.front().closeCode, 4000);
    QCOMPARE(frames.front().closeReason(), reason);
    QVERIFY(frames.front().findingBits == 0);
    QCOMPARE(WsFrame::opcodeName(frames.front().opcode), QStringLiteral("close"));
}

void TestFrameDecoder::highBitLengthStopsDecoding()
{
    FrameDecoder decoder(Direction::ServerToClient);
    decoder.feed(QByteArray(helloUnmasked() + bytes({0x82, 0x7f, 0x80, 0, 0, 0, 0, 0, 0, 1}) + helloUnmasked()));
    QCOMPARE(decoder.takeFrames().size(), size_t(1));
    QVERIFY(decoder.hasFailed());
    QVERIFY(decoder.failure().contains(QStringLiteral("byte 7")));
    decoder.feed(helloUnmasked());
    QVERIFY(decoder.takeFrames().empty());
}

void TestFrameDecoder::claimedHugeLengthWaitsWithoutAllocating()
{
    // 2^40 bytes announced, 10 sent: the decoder waits and holds only what came.
    FrameDecoder decoder(Direction::ServerToClient);
    decoder.feed(QByteArray(bytes({0x82, 0x7f, 0, 0, 0x01, 0, 0, 0, 0, 0}) + QByteArray(10, 'x')));
    QVERIFY(decoder.takeFrames().empty());
    QVERIFY(!decoder.hasFailed());
    QCOMPARE(decoder.bufferedBytes(), 20);
}

QTEST_GUILESS_MAIN(TestFrameDecoder)
#include "tst_framedecoder.moc"
