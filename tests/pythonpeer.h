#pragma once

#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QProcess>
#include <QTest>
#include <QUrl>

// A peer from tests/peers/*.py run by Debian's python3, started on loopback;
// it prints {"port": N} once listening, and every other JSON line it prints
// is kept.
class PythonPeer : public QObject
{
public:
    explicit PythonPeer(const QString &script, const QStringList &arguments = {})
    {
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
        m_process.start(QStringLiteral(WSSCOPE_PYTHON),
                        QStringList{QStringLiteral(WSSCOPE_PEERS_DIR "/") + script} + arguments);
    }

    ~PythonPeer() override
    {
        m_process.kill();
        m_process.waitForFinished();
    }

    bool waitUntilListening()
    {
        (void)QTest::qWaitFor([this] { return m_port > 0 || m_process.state() == QProcess::NotRunning; }, 15000);
        return m_port > 0;
    }

    QUrl url() const { return QUrl(QStringLiteral("ws://127.0.0.1:%1/").arg(m_port)); }
    QList<QJsonObject> lines() const { return m_lines; }

private:
    QProcess m_process;
    int m_port = 0;
    QList<QJsonObject> m_lines;
};
