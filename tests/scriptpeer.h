#pragma once

#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QProcess>
#include <QProcessEnvironment>
#include <QTest>
#include <QUrl>

// A peer script from tests/peers run on loopback by a program (node, or
// Debian's python3): it prints {"port": N} once listening, and every other
// JSON line it prints is kept, in order.
class ScriptPeer : public QObject
{
public:
    ScriptPeer(const QString &program, const QString &script, const QStringList &arguments)
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
        m_process.start(program, QStringList{QStringLiteral(WSSCOPE_PEERS_DIR "/") + script} + arguments);
    }

    ~ScriptPeer() override
    {
        m_process.kill();
        m_process.waitForFinished();
    }

    bool waitUntilListening(int timeoutMs = 20000)
    {
        (void)QTest::qWaitFor([this] { return m_port > 0 || m_process.state() == QProcess::NotRunning; }, timeoutMs);
        return m_port > 0;
    }

    QUrl url(const QString &scheme = QStringLiteral("ws")) const
    {
        return QUrl(QStringLiteral("%1://127.0.0.1:%2/").arg(scheme).arg(m_port));
    }
    const QList<QJsonObject> &lines() const { return m_lines; }

private:
    QProcess m_process;
    int m_port = 0;
    QList<QJsonObject> m_lines;
};
