#include "bench/floodserver.h"
#include "inspector/wiremodel.h"
#include "log/logmodel.h"
#include "session/session.h"

#include <QAbstractItemModelTester>
#include <QTest>

// The models under a real flood through the tap: every message arrives, in
// batches, and the models stay consistent while a filter is on.
class TestFlood : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void modelsStayConsistentUnderAFlood();
};

void TestFlood::modelsStayConsistentUnderAFlood()
{
    constexpr int Messages = 60000;
    FloodServer server(Messages, 64, false);
    QVERIFY(server.listen(QHostAddress::LocalHost));

    Session session;
    LogModel log(session.log());
    WireModel wire(session.capture());
    QAbstractItemModelTester logTester(&log, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester wireTester(&wire, QAbstractItemModelTester::FailureReportingMode::QtTest);
    int inserts = 0;
    connect(&log, &QAbstractItemModel::rowsInserted, this, [&inserts] { ++inserts; });

    QVERIFY(session.open(QUrl(QStringLiteral("ws://127.0.0.1:%1/").arg(server.serverPort()))));
    // Halfway through, a filter goes on; it must take the rest as they come.
    QTRY_VERIFY_WITH_TIMEOUT(log.rowCount() > Messages / 2, 30000);
    log.setFilter(LogFilter(QStringLiteral("abc"), false, LogFilter::Received, LogFilter::Data));
    QTRY_COMPARE_WITH_TIMEOUT(session.log()->count(), Messages + 2, 30000);   // open, messages, close
    QTRY_VERIFY_WITH_TIMEOUT(!log.isSearching() && log.totalRows() == Messages + 2, 30000);
    QCOMPARE(log.rowCount(), Messages);   // every payload starts "abcdef…"
    // Batched: far fewer inserts than messages.
    QVERIFY2(inserts < Messages / 50, qPrintable(QString::number(inserts)));
    QTRY_VERIFY(wire.rowCount() >= Messages);
    QCOMPARE(session.capture()->frameCount() >= Messages, true);
}

QTEST_MAIN(TestFlood)
#include "tst_flood.moc"
