#include "taplink.h"

#include <QRandomGenerator>

namespace {

QString randomToken(int bytes)
{
    QByteArray raw(bytes, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(raw.data()), bytes / 4);
    return QString::fromLatin1(raw.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

} // namespace

TapLink::TapLink(const Tap::Target &target, QObject *parent)
    : QObject(parent)
    , m_user(QStringLiteral("wsscope"))
    , m_secret(randomToken(24))
    , m_outbox(std::make_shared<TapOutbox>())
{
    qRegisterMetaType<TapRecord>();
    qRegisterMetaType<QList<TapRecord>>();
    qRegisterMetaType<TapTls>();

    m_tap = new Tap(target, m_user, m_secret, m_outbox);
    m_tap->moveToThread(&m_thread);
    connect(m_tap, &Tap::recordsWaiting, this, &TapLink::drain);
    m_thread.setObjectName(QStringLiteral("wsscope tap"));
    connect(&m_thread, &QThread::finished, m_tap, &QObject::deleteLater);
    m_thread.start();
}

TapLink::~TapLink()
{
    // Whatever the tap still holds is closed in its own thread before the
    // thread is told to end: quit() does not wait for queued calls.
    QMetaObject::invokeMethod(m_tap, &Tap::stop, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
    // The last records (what stop() relayed) still reach whoever listens.
    drain();
}

void TapLink::drain()
{
    QList<TapRecord> batch = m_outbox->take();
    if (!batch.isEmpty())
        Q_EMIT records(batch);
}

QString TapLink::user() const
{
    return m_user;
}

QString TapLink::secret() const
{
    return m_secret;
}

Tap *TapLink::tap() const
{
    return m_tap;
}

void TapLink::start()
{
    QMetaObject::invokeMethod(m_tap, &Tap::start, Qt::QueuedConnection);
}
