#include "log/logfilter.h"
#include "log/messagelog.h"

#include <QTest>

using Direction = MessageLog::Direction;
using Kind = MessageLog::Kind;

class TestLogFilter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void matches_data();
    void matches();
    void invalidRegexSaysWhere();
    void storeKeepsEveryPayload();

private:
    MessageLog m_log;
};

void TestLogFilter::init()
{
    m_log.clear();
    m_log.append(Direction::Sent, Kind::Text, "{\"op\":\"Subscribe\",\"channel\":\"ticker\"}");    // 0
    m_log.append(Direction::Received, Kind::Text, "price 101.5 BTC-USD");                        // 1
    m_log.append(Direction::Received, Kind::Binary, QByteArray("\x00\xffTicker\x01", 9));        // 2
    m_log.append(Direction::Sent, Kind::Ping, "keepalive");                                     // 3
    m_log.append(Direction::Received, Kind::Pong, "keepalive");                                 // 4
    m_log.appendEvent(Kind::Close, QStringLiteral("Closed by the server: 1001 (Going away)"));  // 5
}

void TestLogFilter::matches_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("regex");
    QTest::addColumn<int>("directions");
    QTest::addColumn<int>("kinds");
    QTest::addColumn<QList<int>>("rows");

    QTest::newRow("no filter") << QString() << false << int(LogFilter::AllDirections) << int(LogFilter::AllKinds)
                               << QList<int>{0, 1, 2, 3, 4, 5};
    QTest::newRow("text, any case") << QStringLiteral("TICKER") << false << int(LogFilter::AllDirections)
                                    << int(LogFilter::AllKinds) << QList<int>{0, 2};
    QTest::newRow("regex over numbers") << QStringLiteral("\\d+\\.\\d+") << true << int(LogFilter::AllDirections)
                                        << int(LogFilter::AllKinds) << QList<int>{1};
    QTest::newRow("regex anchored") << QStringLiteral("^price") << true << int(LogFilter::AllDirections)
                                    << int(LogFilter::AllKinds) << QList<int>{1};
    QTest::newRow("received only") << QString() << false << int(LogFilter::Received) << int(LogFilter::AllKinds)
                                   << QList<int>{1, 2, 4};
    QTest::newRow("control frames") << QString() << false << int(LogFilter::AllDirections) << int(LogFilter::Control)
                                    << QList<int>{3, 4};
    QTest::newRow("events with text") << QStringLiteral("going away") << false << int(LogFilter::Events)
                                      << int(LogFilter::AllKinds) << QList<int>{5};
    QTest::newRow("sent data with text") << QStringLiteral("subscribe") << false << int(LogFilter::Sent)
                                         << int(LogFilter::Data) << QList<int>{0};
    QTest::newRow("nothing matches") << QStringLiteral("nowhere") << false << int(LogFilter::AllDirections)
                                     << int(LogFilter::AllKinds) << QList<int>{};
}

void TestLogFilter::matches()
{
    QFETCH(QString, text);
    QFETCH(bool, regex);
    QFETCH(int, directions);
    QFETCH(int, kinds);
    QFETCH(QList<int>, rows);
    const LogFilter filter(text, regex, directions, kinds);
    QVERIFY(filter.isValid());
    QList<int> got;
    for (int row = 0; row < m_log.count(); ++row) {
        if (filter.matches(m_log, row))
            got << row;
    }
    QCOMPARE(got, rows);
    QCOMPARE(filter.isActive(), !text.isEmpty() || directions != LogFilter::AllDirections || kinds != LogFilter::AllKinds);
}

void TestLogFilter::invalidRegexSaysWhere()
{
    const LogFilter filter(QStringLiteral("price(\\d+"), true);
    QVERIFY(!filter.isValid());
    QVERIFY2(filter.errorString().contains(QStringLiteral("character")), qPrintable(filter.errorString()));
    QVERIFY(!filter.matches(m_log, 1));
}

void TestLogFilter::storeKeepsEveryPayload()
{
    // Small and large payloads interleaved: each comes back exactly.
    MessageLog log;
    QList<QByteArray> sent;
    for (int i = 0; i < 3000; ++i) {
        const QByteArray payload = (i % 100 == 7) ? QByteArray(300 * 1024 + i, char('a' + i % 26))
                                                  : QByteArray::number(i).repeated(1 + i % 50);
        sent << payload;
        log.append(Direction::Received, i % 2 ? Kind::Binary : Kind::Text, payload, 1, i);
    }
    qint64 total = 0;
    for (int i = 0; i < sent.size(); ++i) {
        QCOMPARE(log.data(i).toByteArray(), sent.at(i));
        QCOMPARE(log.at(i).size(), sent.at(i).size());
        QCOMPARE(log.at(i).sequence, i);
        total += sent.at(i).size();
    }
    QCOMPARE(log.payloadBytes(), total);
    log.clear();
    QCOMPARE(log.count(), 0);
    QCOMPARE(log.payloadBytes(), 0);
}

QTEST_GUILESS_MAIN(TestLogFilter)
#include "tst_logfilter.moc"
