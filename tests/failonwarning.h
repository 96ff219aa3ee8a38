#pragma once

// Force-included into every test source (tests/CMakeLists.txt): the test
// fails on any Qt warning it did not expect with QTest::ignoreMessage.
//
// Qt 6.4's QTest::failOnWarning() lasts for one test function only (called
// in initTestCase() it is gone by the first test function), applies to
// QtWarningMsg only, and QTest::ignoreMessage() takes precedence over it. So
// the message handler below, installed on top of QTest's, registers each
// warning with failOnWarning() just before QTest sees it: expected warnings
// stay expected, every other one fails the function it happens in, from
// whichever thread. A critical message always fails. A warning while no test
// function runs (before, between or after them) makes the run fail.

#include <QtTest/qtest.h>

namespace FailOnWarning {

// QTest::qExec(), with the handler above for as long as the tests run.
int exec(QObject *testObject, int argc, char **argv);

} // namespace FailOnWarning

#undef QTEST_MAIN_WRAPPER
#define QTEST_MAIN_WRAPPER(TestObject, ...)                                                                  \
    int main(int argc, char *argv[])                                                                         \
    {                                                                                                        \
        QT_PREPEND_NAMESPACE(QTest::Internal::callInitMain)<TestObject>();                                   \
        __VA_ARGS__                                                                                          \
        TestObject tc;                                                                                       \
        QTEST_SET_MAIN_SOURCE_PATH                                                                           \
        return FailOnWarning::exec(&tc, argc, argv);                                                         \
    }
