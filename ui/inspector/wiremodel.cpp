#include "wiremodel.h"
#include "plaintip.h"
#include "theme.h"

#include "log/payloadformat.h"
#include "session/closecodes.h"
#include "wire/wirecapture.h"

#include <QColor>
#include <QDateTime>
#include <QFont>

namespace {

constexpr int PreviewChars = 120;
constexpr qint64 PreviewBytes = PreviewChars * 4 + 4;

QString lengthText(const WsFrame &frame)
{
    switch (frame.lengthEncoding) {
    case WsFrame::LengthEncoding::Bits7: return WireModel::tr("%1 (7-bit)").arg(frame.payloadLength);
    case WsFrame::LengthEncoding::Bits16: return WireModel::tr("%1 (16-bit)").arg(frame.payloadLength);
    case WsFrame::LengthEncoding::Bits64: return WireModel::tr("%1 (64-bit)").arg(frame.payloadLength);
    }
    return {};
}

QString payloadText(const WsFrame &frame)
{
    switch (frame.opcode) {
    case 0x2:
        return PayloadFormat::hexPreview(frame.payload, 40);
    case 0x8:
        if (frame.closeCode < 0)
            return WireModel::tr("(no status code)");
        return QStringLiteral("%1 %2").arg(frame.closeCode).arg(CloseCodes::name(frame.closeCode))
            + (frame.closeReason().isEmpty() ? QString() : QStringLiteral(": ") + PayloadFormat::textPreview(frame.closeReason(), PreviewChars));
    default:
        return PayloadFormat::textPreview(frame.payload, PreviewChars);
    }
}

QString eventKind(const TapRecord &record)
{
    switch (record.type) {
    case TapRecord::Type::ConnectRequested: return WireModel::tr("connect");
    case TapRecord::Type::DnsResolved: return WireModel::tr("DNS");
    case TapRecord::Type::TcpConnected: return WireModel::tr("TCP open");
    case TapRecord::Type::TlsEstablished: return WireModel::tr("TLS");
    case TapRecord::Type::Relaying: return WireModel::tr("tunnel");
    case TapRecord::Type::UpstreamFailed: return WireModel::tr("failure");
    case TapRecord::Type::Refused: return WireModel::tr("refused");
    case TapRecord::Type::ServerClosed:
    case TapRecord::Type::ClientClosed: return WireModel::tr("TCP close");
    case TapRecord::Type::NotRecorded: return WireModel::tr("not recorded");
    case TapRecord::Type::ClientBytes:
    case TapRecord::Type::ServerBytes:
        break;
    }
    return {};
}

QString eventDetail(const TapRecord &record)
{
    switch (record.type) {
    case TapRecord::Type::ConnectRequested: return WireModel::tr("Connecting to %1").arg(record.text);
    case TapRecord::Type::DnsResolved: return record.text;
    case TapRecord::Type::TcpConnected: return WireModel::tr("Connected to %1").arg(record.text);
    case TapRecord::Type::TlsEstablished: return record.text;
    case TapRecord::Type::Relaying: return WireModel::tr("QWebSocket's bytes flow from here");
    case TapRecord::Type::UpstreamFailed: return record.text;
    case TapRecord::Type::Refused: return WireModel::tr("A local client was turned away: %1").arg(record.text);
    case TapRecord::Type::ServerClosed: return WireModel::tr("The server closed TCP");
    case TapRecord::Type::ClientClosed: return WireModel::tr("QWebSocket closed TCP");
    case TapRecord::Type::NotRecorded: return record.text;
    case TapRecord::Type::ClientBytes:
    case TapRecord::Type::ServerBytes:
        break;
    }
    return {};
}

} // namespace

WireModel::WireModel(const WireCapture *capture, QObject *parent)
    : QAbstractTableModel(parent)
    , m_capture(capture)
{
    // The capture announces what each batch of the tap's records added, and
    // under a flood those come often: the view hears of them in batches.
    m_batchTimer.setSingleShot(true);
    m_batchTimer.setInterval(BatchIntervalMs);
    connect(&m_batchTimer, &QTimer::timeout, this, &WireModel::flush);
    connect(capture, &WireCapture::timelineAdded, this, &WireModel::onAdded);
    connect(capture, &WireCapture::cleared, this, &WireModel::onReset);
    connect(capture, &QObject::destroyed, this, &WireModel::onReset);
    if (capture->timelineCount() > 0) {
        m_capturedRows = capture->timelineCount();
        flush();
    }
}

WireModel::~WireModel() = default;

int WireModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : m_rows;
}

int WireModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

int WireModel::rowOfFrame(int frameIndex) const
{
    return m_frameRows.value(frameIndex, -1);
}

QVariant WireModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid) || !m_capture)
        return {};
    const WireCapture::TimelineItem item = m_capture->timelineItem(index.row());
    const bool isFrame = item.type == WireCapture::TimelineItem::Type::Frame;
    const WsFrame *frame = isFrame ? &cachedFrame(item.index).frame : nullptr;
    const bool fromClient = isFrame ? cachedFrame(item.index).fromClient
                                    : item.type == WireCapture::TimelineItem::Type::Request;

    if (role == FrameIndexRole)
        return isFrame ? item.index : -1;
    if (role == Qt::ForegroundRole) {
        if (frame && frame->findingBits)
            return Theme::color(Theme::Role::Error);
        if (item.type == WireCapture::TimelineItem::Type::Event
            && m_capture->events().at(size_t(item.index)).type == TapRecord::Type::UpstreamFailed)
            return Theme::color(Theme::Role::Error);
        return {};
    }
    if (role == Qt::FontRole && item.type == WireCapture::TimelineItem::Type::Event) {
        QFont font;
        font.setItalic(true);
        return font;
    }
    if (role == Qt::TextAlignmentRole && index.column() == LengthColumn)
        return int(Qt::AlignRight | Qt::AlignVCenter);
    // A cell cut by its column can be read whole.
    if (role == Qt::ToolTipRole) {
        if (index.column() != PayloadColumn && index.column() != FindingsColumn && index.column() != LengthColumn)
            return {};
        const QString text = data(index, Qt::DisplayRole).toString();
        return text.isEmpty() ? QVariant() : QVariant(plainToolTip(text));
    }
    if (role != Qt::DisplayRole)
        return {};

    switch (index.column()) {
    case TimeColumn:
        return QString(QDateTime::fromMSecsSinceEpoch(item.timeUsec / 1000).toString(QStringLiteral("HH:mm:ss.zzz"))
                       + QStringLiteral("%1").arg(item.timeUsec % 1000, 3, 10, QLatin1Char('0')));
    case DirectionColumn:
        if (item.type == WireCapture::TimelineItem::Type::Event)
            return tr("\u2022");
        return fromClient ? tr("\u2192 to server") : tr("\u2190 to client");
    case WhatColumn:
        switch (item.type) {
        case WireCapture::TimelineItem::Type::Event:
            return eventKind(m_capture->events().at(size_t(item.index)));
        case WireCapture::TimelineItem::Type::Request:
            return tr("HTTP request");
        case WireCapture::TimelineItem::Type::Response:
            return tr("HTTP response");
        case WireCapture::TimelineItem::Type::Frame:
            return WsFrame::opcodeName(frame->opcode);
        }
        break;
    case FinColumn:
        return frame ? (frame->fin ? tr("FIN") : tr("more")) : QVariant();
    case RsvColumn:
        return frame ? QVariant(QStringLiteral("%1").arg(frame->rsv, 3, 2, QLatin1Char('0'))) : QVariant();
    case MaskColumn:
        return frame && frame->masked ? QVariant(QStringLiteral("%1").arg(frame->maskKey, 8, 16, QLatin1Char('0')))
                                      : QVariant();
    case LengthColumn:
        return frame ? QVariant(lengthText(*frame)) : QVariant();
    case PayloadColumn:
        if (frame)
            return payloadText(*frame);
        if (item.type == WireCapture::TimelineItem::Type::Request)
            return QString::fromLatin1(m_capture->requestHead().startLine);
        if (item.type == WireCapture::TimelineItem::Type::Response)
            return QString::fromLatin1(m_capture->responseHead().startLine);
        return eventDetail(m_capture->events().at(size_t(item.index)));
    case FindingsColumn:
        return frame ? QVariant(frame->findings().join(QStringLiteral(" "))) : QVariant();
    }
    return {};
}

QVariant WireModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case TimeColumn: return tr("Time");
    case DirectionColumn: return tr("Direction");
    case WhatColumn: return tr("What");
    case FinColumn: return tr("FIN");
    case RsvColumn: return tr("RSV");
    case MaskColumn: return tr("Mask key");
    case LengthColumn: return tr("Length");
    case PayloadColumn: return tr("Payload");
    case FindingsColumn: return tr("Protocol findings");
    }
    return {};
}

void WireModel::onAdded(int first, int last)
{
    Q_UNUSED(first)
    m_capturedRows = qMax(m_capturedRows, last + 1);
    if (!m_batchTimer.isActive())
        m_batchTimer.start();
}

void WireModel::flush()
{
    m_batchTimer.stop();
    if (!m_capture || m_capturedRows <= m_rows)
        return;
    const int last = m_capturedRows - 1;
    beginInsertRows({}, m_rows, last);
    for (int row = m_rows; row <= last; ++row) {
        const WireCapture::TimelineItem item = m_capture->timelineItem(row);
        if (item.type == WireCapture::TimelineItem::Type::Frame) {
            if (m_frameRows.size() <= item.index)
                m_frameRows.resize(item.index + 1, -1);
            m_frameRows[item.index] = row;
        }
    }
    m_rows = last + 1;
    endInsertRows();
}

const WireCapture::Frame &WireModel::cachedFrame(int index) const
{
    if (index != m_cachedIndex) {
        // Only the head of a payload is read back for a row.
        m_cached = m_capture->frame(index, PreviewBytes);
        m_cachedIndex = index;
    }
    return m_cached;
}

void WireModel::onReset()
{
    m_cachedIndex = -1;
    m_batchTimer.stop();
    beginResetModel();
    m_rows = 0;
    m_capturedRows = 0;
    m_frameRows.clear();
    endResetModel();
}
