#include "log/logmodel.h"
#include "log/logview.h"
#include "log/messagelog.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTest>
#include <QTextDocument>

using Direction = MessageLog::Direction;
using Kind = MessageLog::Kind;

class TestLogModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void rowsArriveInBatches();
    void columnsShowWhatHappened();
    void serverMarkupStaysText();
    void errorRowsShowTheirWholeTextAsWritten();
    void clearEmptiesTheModel();
    void viewFollowsTailUnlessScrolledUp();
    void filterRunsInSlicesAndTakesArrivals();
    void relativeTimes();
    void ringKeepsTheNewestRows();
    void ringGivesPayloadMemoryBack();
    void ringWithAFilterOn();
    void ringKeepsRelativeTimes();
};

void TestLogModel::rowsArriveInBatches()
{
    MessageLog log;
    LogModel model(&log);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);

    for (int i = 0; i < 5000; ++i)
        log.append(Direction::Received, Kind::Text, QByteArray::number(i));
    QCOMPARE(model.rowCount(), 0);                 // nothing announced per message
    QTRY_COMPARE(model.rowCount(), 5000);
    QCOMPARE(inserted.count(), 1);                 // one insert for the whole batch
    QCOMPARE(inserted.at(0).at(1).toInt(), 0);
    QCOMPARE(inserted.at(0).at(2).toInt(), 4999);

    log.append(Direction::Sent, Kind::Text, "more");
    log.flush();
    QCOMPARE(model.rowCount(), 5001);
    QCOMPARE(inserted.count(), 2);
    QCOMPARE(model.index(5000, LogModel::PreviewColumn).data().toString(), QStringLiteral("more"));
}

void TestLogModel::columnsShowWhatHappened()
{
    MessageLog log;
    LogModel model(&log);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    log.appendEvent(Kind::Open, QStringLiteral("Connected to ws://127.0.0.1:1/"));
    log.append(Direction::Sent, Kind::Text, "line one\nline two");
    log.append(Direction::Received, Kind::Binary, QByteArray("\x00\xff\x10", 3));
    log.append(Direction::Received, Kind::Pong, {});
    log.appendEvent(Kind::Error, QStringLiteral("Could not connect"));
    log.flush();
    QCOMPARE(model.rowCount(), 5);
    QCOMPARE(model.columnCount(), int(LogModel::ColumnCount));

    const auto cell = [&model](int row, int column) { return model.index(row, column).data().toString(); };
    QVERIFY(cell(0, LogModel::DirectionColumn).contains(QStringLiteral("Event")));
    QCOMPARE(cell(0, LogModel::KindColumn), QStringLiteral("open"));
    QCOMPARE(cell(0, LogModel::SizeColumn), QString());
    QVERIFY(cell(1, LogModel::DirectionColumn).contains(QStringLiteral("Sent")));
    QCOMPARE(cell(1, LogModel::SizeColumn), QStringLiteral("17"));
    QCOMPARE(cell(1, LogModel::PreviewColumn), QStringLiteral("line one\u21B5line two"));
    QVERIFY(cell(2, LogModel::DirectionColumn).contains(QStringLiteral("Received")));
    QCOMPARE(cell(2, LogModel::KindColumn), QStringLiteral("binary"));
    QCOMPARE(cell(2, LogModel::PreviewColumn), QStringLiteral("00 ff 10"));
    QCOMPARE(cell(3, LogModel::PreviewColumn), QStringLiteral("(no payload)"));
    QCOMPARE(cell(4, LogModel::KindColumn), QStringLiteral("error"));

    // The time column has millisecond precision and matches the entry's time.
    const QString time = cell(1, LogModel::TimeColumn);
    QVERIFY2(QRegularExpression(QStringLiteral("^\\d\\d:\\d\\d:\\d\\d\\.\\d\\d\\d$")).match(time).hasMatch(), qPrintable(time));
    const qint64 usec = model.index(1, 0).data(LogModel::TimeUsecRole).toLongLong();
    QCOMPARE(time, QDateTime::fromMSecsSinceEpoch(usec / 1000).toString(QStringLiteral("HH:mm:ss.zzz")));
    QCOMPARE(model.index(2, 0).data(LogModel::PayloadRole).toByteArray(), QByteArray("\x00\xff\x10", 3));
    QCOMPARE(model.index(2, 0).data(LogModel::SizeRole).toLongLong(), 3);
}

void TestLogModel::serverMarkupStaysText()
{
    MessageLog log;
    LogModel model(&log);
    const QByteArray markup = "<b>bold</b><img src=x>";
    log.append(Direction::Received, Kind::Text, markup);
    log.flush();
    QCOMPARE(model.index(0, LogModel::PreviewColumn).data().toString(), QString::fromUtf8(markup));
    // Tool tips render markup; the log offers none for server data.
    for (int column = 0; column < model.columnCount(); ++column)
        QVERIFY(!model.index(0, column).data(Qt::ToolTipRole).isValid());
}

void TestLogModel::errorRowsShowTheirWholeTextAsWritten()
{
    MessageLog log;
    LogModel model(&log);
    // An error longer than its cell, quoting markup a server sent.
    const QString error = QStringLiteral("Refused by the server: 401 Unauthorized \u00B7 body <b>no</b> <img src=x> ")
                          + QString(300, u'x');
    log.appendEvent(Kind::Error, error);
    log.flush();
    const QModelIndex cell = model.index(0, LogModel::PreviewColumn);
    QVERIFY(cell.data().toString().size() < error.size());
    const QString tip = cell.data(Qt::ToolTipRole).toString();
    QTextDocument shown;   // what QToolTip draws
    shown.setHtml(tip);
    QCOMPARE(shown.toPlainText(), error);
    QVERIFY(!tip.contains(QStringLiteral("<img")));
}

void TestLogModel::clearEmptiesTheModel()
{
    MessageLog log;
    LogModel model(&log);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    for (int i = 0; i < 100; ++i)
        log.append(Direction::Received, Kind::Text, "x");
    log.flush();
    log.append(Direction::Received, Kind::Text, "pending");   // cleared before it is announced
    log.clear();
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(log.count(), 0);
    QTest::qWait(log.batchInterval() * 2);
    QCOMPARE(model.rowCount(), 0);

    log.append(Direction::Received, Kind::Text, "after");
    log.flush();
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.index(0, LogModel::PreviewColumn).data().toString(), QStringLiteral("after"));
}

void TestLogModel::viewFollowsTailUnlessScrolledUp()
{
    MessageLog log;
    LogModel model(&log);
    LogView view;
    view.setModel(&model);
    view.resize(400, 200);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));

    for (int i = 0; i < 200; ++i)
        log.append(Direction::Received, Kind::Text, QByteArray::number(i));
    log.flush();
    QScrollBar *bar = view.verticalScrollBar();
    QTRY_VERIFY(bar->maximum() > 0);
    QTRY_COMPARE(bar->value(), bar->maximum());

    bar->setValue(0);                   // the user scrolls up to read
    QVERIFY(!view.isFollowingTail());
    for (int i = 0; i < 50; ++i)
        log.append(Direction::Received, Kind::Text, "new");
    log.flush();
    QApplication::processEvents();
    QCOMPARE(bar->value(), 0);

    bar->setValue(bar->maximum());      // back at the bottom: follow again
    for (int i = 0; i < 50; ++i)
        log.append(Direction::Received, Kind::Text, "newer");
    log.flush();
    QTRY_COMPARE(bar->value(), bar->maximum());
    QVERIFY(view.isFollowingTail());
}

void TestLogModel::filterRunsInSlicesAndTakesArrivals()
{
    MessageLog log;
    LogModel model(&log);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    for (int i = 0; i < 300000; ++i)
        log.append(Direction::Received, Kind::Text, "tick " + QByteArray::number(i));
    log.flush();
    QCOMPARE(model.rowCount(), 300000);

    QSignalSpy progress(&model, &LogModel::searchProgress);
    model.setFilter(LogFilter(QStringLiteral("tick \\d*7$"), true));
    // Not all at once: the first slice returns to the event loop.
    QVERIFY(model.isSearching());
    QVERIFY(model.rowCount() < 30000);
    QTRY_VERIFY_WITH_TIMEOUT(!model.isSearching(), 20000);
    QCOMPARE(model.rowCount(), 30000);
    QVERIFY(progress.count() > 1);
    QCOMPARE(progress.last().at(2).toInt(), 30000);
    QCOMPARE(model.index(0, LogModel::PreviewColumn).data().toString(), QStringLiteral("tick 7"));
    QCOMPARE(model.logRow(1), 17);
    QCOMPARE(model.rowOfLogRow(17), 1);
    QCOMPARE(model.rowOfLogRow(18), -1);

    // Arrivals while the filter is on: the matching ones appear.
    log.append(Direction::Received, Kind::Text, "tick 300007");
    log.append(Direction::Received, Kind::Text, "tick 300008");
    log.flush();
    QTRY_COMPARE(model.rowCount(), 30001);
    QCOMPARE(model.index(30000, LogModel::PreviewColumn).data().toString(), QStringLiteral("tick 300007"));

    // Removing the filter shows everything again.
    model.setFilter(LogFilter());
    QCOMPARE(model.rowCount(), 300002);
    QVERIFY(!model.isSearching());
}

void TestLogModel::relativeTimes()
{
    MessageLog log;
    LogModel model(&log);
    log.appendEvent(Kind::Open, QStringLiteral("Connected"));
    QTest::qWait(20);
    log.append(Direction::Received, Kind::Text, "later");
    log.flush();
    const QString absolute = model.index(1, LogModel::TimeColumn).data().toString();
    QVERIFY(absolute.contains(u':'));
    model.setRelativeTimes(true);
    const QString relative = model.index(1, LogModel::TimeColumn).data().toString();
    QVERIFY2(relative.startsWith(QStringLiteral("+0.0")), qPrintable(relative));
    QCOMPARE(model.index(0, LogModel::TimeColumn).data().toString(), QStringLiteral("+0.000000 s"));
}

void TestLogModel::ringKeepsTheNewestRows()
{
    MessageLog log;
    log.setMaxRows(1000);
    LogModel model(&log);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    // Batches of 700: the log goes over its limit, then drops back to it.
    for (int batch = 0; batch < 10; ++batch) {
        for (int i = 0; i < 700; ++i)
            log.append(Direction::Received, Kind::Text, "row " + QByteArray::number(batch * 700 + i));
        log.flush();
        QVERIFY(model.rowCount() <= 1000);
        QCOMPARE(model.rowCount(), log.count());
    }
    QCOMPARE(log.count(), 1000);
    QCOMPARE(log.droppedRows(), 6000);
    QCOMPARE(model.index(0, LogModel::PreviewColumn).data().toString(), QStringLiteral("row 6000"));
    QCOMPARE(model.index(999, LogModel::PreviewColumn).data().toString(), QStringLiteral("row 6999"));
    QCOMPARE(removed.count(), 9);   // one removal per batch that went over, never per row
    // Lifting the limit keeps what is there and drops nothing more.
    log.setMaxRows(0);
    log.append(Direction::Received, Kind::Text, "after");
    log.flush();
    QCOMPARE(model.rowCount(), 1001);
}

void TestLogModel::ringGivesPayloadMemoryBack()
{
    // A million rows through a ring of 10,000, small and large payloads
    // mixed: what the log holds stays the size of its ring.
    MessageLog log;
    log.setMaxRows(10000);
    const QByteArray small(100, 's');
    const QByteArray large(8192, 'L');
    for (int i = 0; i < 1000000; ++i) {
        log.append(Direction::Received, i % 100 == 0 ? Kind::Binary : Kind::Text, i % 100 == 0 ? large : small);
        if (i % 5000 == 4999)
            log.flush();
        if (i % 100 == 0)
            QVERIFY(log.payloadBytes() <= 15000 * 100 + 150 * 8192);
    }
    log.flush();
    QCOMPARE(log.count(), 10000);
    QCOMPARE(log.payloadBytes(), qint64(9900) * 100 + 100 * 8192);
    // Rows kept are whole, through the renumbering of blocks and large payloads.
    for (int row = 0; row < log.count(); ++row) {
        const bool isLarge = log.at(row).kind == Kind::Binary;
        QCOMPARE(log.data(row).size(), isLarge ? large.size() : small.size());
        QCOMPARE(log.data(row).front(), isLarge ? 'L' : 's');
        QCOMPARE(log.data(row).back(), isLarge ? 'L' : 's');
    }
    QCOMPARE(log.at(0).kind, Kind::Binary);   // row 990000 was a large one
}

void TestLogModel::ringWithAFilterOn()
{
    MessageLog log;
    log.setMaxRows(2000);
    LogModel model(&log);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setFilter(LogFilter(QStringLiteral("7$"), true));
    for (int batch = 0; batch < 20; ++batch) {
        for (int i = 0; i < 500; ++i)
            log.append(Direction::Received, Kind::Text, "tick " + QByteArray::number(batch * 500 + i));
        log.flush();
        QTest::qWait(1);
    }
    QTRY_VERIFY_WITH_TIMEOUT(!model.isSearching(), 10000);
    // The last 2000 rows (8000 to 9999) hold 200 that end in 7.
    QCOMPARE(model.rowCount(), 200);
    QCOMPARE(model.index(0, LogModel::PreviewColumn).data().toString(), QStringLiteral("tick 8007"));
    QCOMPARE(model.index(199, LogModel::PreviewColumn).data().toString(), QStringLiteral("tick 9997"));
    QCOMPARE(model.logRow(0), 7);
    QCOMPARE(model.rowOfLogRow(17), 1);
    model.setFilter(LogFilter());
    QCOMPARE(model.rowCount(), 2000);
}

void TestLogModel::ringKeepsRelativeTimes()
{
    MessageLog log;
    log.setMaxRows(3);
    LogModel model(&log);
    model.setRelativeTimes(true);
    log.appendEvent(Kind::Open, QStringLiteral("Connected"));
    log.flush();
    QTest::qWait(20);
    for (int i = 0; i < 5; ++i)
        log.append(Direction::Received, Kind::Text, "later");
    log.flush();
    QCOMPARE(model.rowCount(), 3);
    // The Open row is gone, but times still count from it.
    const QString relative = model.index(0, LogModel::TimeColumn).data().toString();
    QVERIFY2(relative.startsWith(u'+') && !relative.startsWith(QStringLiteral("+0.000")), qPrintable(relative));
}

QTEST_MAIN(TestLogModel)
#include "tst_logmodel.moc"
