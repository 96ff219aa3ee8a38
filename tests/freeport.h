#pragma once

#include <QHostAddress>
#include <QTcpServer>

// A loopback port nothing listens on now (the system chose it and it was
// let go again), for a test that needs one known in advance; 0 if none.
inline quint16 freeLoopbackPort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost))
        return 0;
    return probe.serverPort();
}
