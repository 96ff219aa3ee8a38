#pragma once

#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QProcess>
#include <QProcessEnvironment>
#include <QTest>
#include <QUrl>

// Node's `ws` server from tests/peers/ws_server.js, started on loopback, with
// every line it reports kept as a JSON object.
class NodePeer : public QObject
{
public:
    explicit NodePeer(const QStringList &arguments = {})
    {
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        // Debian's node-ws lives outside Node's default search path.
        environment.insert(QStringLiteral("NODE_PATH"), QStringLiteral("/usr/share/nodejs"));
        m_process.setProcessEnvironment(environment);
        m_process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        connect(&m_process, &QProcess::readyReadStandardOutput, this, [this] {
            while (m_process.canReadLine()) {
                const QJsonObject line = QJsonDocument::fromJson(m_process.readLine()).object();
                if (line.contains(QStringLiteral("port")))
                    m_port = line.value(QStringLiteral("port")).toInt();
                else
                    m_lines << line;
            }
        });
        m_process.start(QStringLiteral("node"), QStringList{QStringLiteral(WSSCOPE_PEERS_DIR "/ws_server.js")} + arguments);
    }

    ~NodePeer() override
    {
        m_process.kill();
        m_process.waitForFinished();
    }

    bool waitUntilListening()
    {
        (void)QTest::qWaitFor([this] { return m_port > 0 || m_process.state() == QProcess::NotRunning; }, 15000);
        return m_port > 0;
    }

    QUrl url(const QString &scheme = QStringLiteral("ws")) const
    {
        return QUrl(QStringLiteral("%1://127.0.0.1:%2/").arg(scheme).arg(m_port));
    }

    // Lines with the given "dir" ("sent" or "received"), in order.
    QList<QJsonObject> lines(const QString &dir) const
    {
        QList<QJsonObject> result;
        for (const QJsonObject &line : m_lines) {
            if (line.value(QStringLiteral("dir")).toString() == dir)
                result << line;
        }
        return result;
    }
    QList<QJsonObject> all() const { return m_lines; }

private:
    QProcess m_process;
    int m_port = 0;
    QList<QJsonObject> m_lines;
};
