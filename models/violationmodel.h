#pragma once

#include "platformcontroller.h"
#include "recentrows.h"
#include "tracefeed.h"
#include "windowfilter.h"

#include <QDateTime>
#include <QPointer>
#include <QQmlEngine>
#include <QTimer>

namespace switchyard::models {

// Limit violations as they happen, newest first: every trace whose Worker was stopped for CPU or
// memory, or hit its subrequest limit. The customer's plan and the limit come from the customers
// and plans tables the dispatcher reads (looked up when the violation arrives). Also counts per
// Worker and per kind since the window opened, and a per-bucket timeline for the chart.
class ViolationModel : public WindowFilter
{
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(TraceFeed *feed READ feed WRITE setFeed NOTIFY feedChanged)
    Q_PROPERTY(PlatformController *platform READ platform WRITE setPlatform NOTIFY platformChanged)
    Q_PROPERTY(int maxRows READ maxRows WRITE setMaxRows NOTIFY maxRowsChanged)
    Q_PROPERTY(int total READ total NOTIFY statsChanged)
    Q_PROPERTY(int lastMinute READ lastMinute NOTIFY statsChanged)
    Q_PROPERTY(QVariantList countsByWorker READ countsByWorker NOTIFY statsChanged)
    Q_PROPERTY(QVariantList countsByKind READ countsByKind NOTIFY statsChanged)
    // Violations per bucket, oldest first, ending now.
    Q_PROPERTY(QVariantList timeline READ timeline NOTIFY statsChanged)
    Q_PROPERTY(int bucketSeconds READ bucketSeconds CONSTANT)
public:
    enum Role {
        TimeRole = Qt::UserRole + 1,
        WorkerRole,
        NamespaceRole,
        PlanRole,
        KindRole,
        CpuUsedRole, // ms
        LimitRole, // the limit that was exceeded, as text ("10 ms CPU", "5 subrequests")
        UrlRole,
    };
    Q_ENUM(Role)

    explicit ViolationModel(QObject *parent = nullptr);

    TraceFeed *feed() const { return m_feed; }
    void setFeed(TraceFeed *feed);
    PlatformController *platform() const { return m_platform; }
    void setPlatform(PlatformController *platform);
    int maxRows() const { return m_rows.maxRows(); }
    void setMaxRows(int rows);

    int total() const { return m_total; }
    int lastMinute() const;
    QVariantList countsByWorker() const { return sortedCounts(m_byWorker); }
    QVariantList countsByKind() const { return sortedCounts(m_byKind); }
    QVariantList timeline() const;
    int bucketSeconds() const { return kBucketSeconds; }

    Q_INVOKABLE void clear();
    void append(const QList<store::TraceRecord> &traces);

    static constexpr int kBucketSeconds = 10;
    static constexpr int kBuckets = 60;

Q_SIGNALS:
    void feedChanged();
    void platformChanged();
    void maxRowsChanged();
    void statsChanged();

private:
    struct Row
    {
        QDateTime time;
        QString worker;
        QString dispatchNamespace;
        QString plan;
        QString kind;
        qint64 cpuUsed = 0;
        QString limit;
        QString url;
    };
    static QVariant rowData(const Row &row, int role);
    Row makeRow(const store::TraceRecord &trace, const QString &kind) const;
    static QVariantList sortedCounts(const QHash<QString, int> &counts);

    QPointer<TraceFeed> m_feed;
    QPointer<PlatformController> m_platform;
    RecentRows<Row> m_rows;
    QList<qint64> m_times; // ms, oldest first, within the timeline's span
    QHash<QString, int> m_byWorker;
    QHash<QString, int> m_byKind;
    int m_total = 0;
    QTimer m_tick; // the timeline moves on even when nothing happens
};

} // namespace switchyard::models
