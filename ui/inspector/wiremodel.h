#pragma once

#include <QAbstractTableModel>
#include "wire/wirecapture.h"

#include <QPointer>
#include <QTimer>


// The connection as the wire saw it, one row per step: TCP and TLS, the
// upgrade request and response, every frame in both directions (control
// frames included), and the TCP close. Rows arrive in the capture's batches.
class WireModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        TimeColumn,
        DirectionColumn,
        WhatColumn,
        FinColumn,
        RsvColumn,
        MaskColumn,
        LengthColumn,
        PayloadColumn,
        FindingsColumn,
        ColumnCount
    };
    enum Role {
        FrameIndexRole = Qt::UserRole,   // int: index into the capture's frames, or -1
    };

    explicit WireModel(const WireCapture *capture, QObject *parent = nullptr);
    ~WireModel() override;
    Q_DISABLE_COPY_MOVE(WireModel)

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // The row that shows a frame, or -1.
    int rowOfFrame(int frameIndex) const;
    // Announces the rows the capture added since the last batch now,
    // instead of at the end of the batch interval.
    void flush();

    static constexpr int BatchIntervalMs = 50;

private:
    void onAdded(int first, int last);
    void onReset();

    QPointer<const WireCapture> m_capture;
    int m_rows = 0;
    int m_capturedRows = 0;   // rows the capture has; those past m_rows wait for the batch
    QTimer m_batchTimer;
    QList<int> m_frameRows;   // frame index -> row
    // A row is asked for each column and role in turn: read its frame back
    // from the capture once, not a dozen times.
    const WireCapture::Frame &cachedFrame(int index) const;
    mutable int m_cachedIndex = -1;
    mutable WireCapture::Frame m_cached;
};
