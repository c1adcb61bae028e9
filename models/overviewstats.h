#pragma once

#include "platformcontroller.h"
#include "tracefeed.h"

#include <QObject>
#include <QPointer>
#include <QQmlEngine>
#include <QTimer>

#include <map>

namespace switchyard::models {

// The Overview's numbers, derived from the live trace stream over the last minute in one-second
// buckets: requests (invocations of the active dispatcher) and errors per second, violations,
// and the user Workers with the most requests and CPU time.
class OverviewStats : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(TraceFeed *feed READ feed WRITE setFeed NOTIFY feedChanged)
    Q_PROPERTY(PlatformController *platform READ platform WRITE setPlatform NOTIFY platformChanged)
    Q_PROPERTY(double requestsPerSecond READ requestsPerSecond NOTIFY changed)
    Q_PROPERTY(double errorRate READ errorRate NOTIFY changed) // 0..1 over the last minute
    Q_PROPERTY(int requestsLastMinute READ requestsLastMinute NOTIFY changed)
    Q_PROPERTY(int violationsLastMinute READ violationsLastMinute NOTIFY changed)
    Q_PROPERTY(QVariantList requestSeries READ requestSeries NOTIFY changed) // per second
    Q_PROPERTY(QVariantList errorRateSeries READ errorRateSeries NOTIFY changed) // 0..1
    Q_PROPERTY(QVariantList violationSeries READ violationSeries NOTIFY changed) // per second
    Q_PROPERTY(QVariantList topByRequests READ topByRequests NOTIFY changed)
    Q_PROPERTY(QVariantList topByCpu READ topByCpu NOTIFY changed)
public:
    explicit OverviewStats(QObject *parent = nullptr);

    TraceFeed *feed() const { return m_feed; }
    void setFeed(TraceFeed *feed);
    PlatformController *platform() const { return m_platform; }
    void setPlatform(PlatformController *platform);

    double requestsPerSecond() const;
    double errorRate() const;
    int requestsLastMinute() const;
    int violationsLastMinute() const;
    QVariantList requestSeries() const;
    QVariantList errorRateSeries() const;
    QVariantList violationSeries() const;
    QVariantList topByRequests() const { return top(false); }
    QVariantList topByCpu() const { return top(true); }

    void append(const QList<store::TraceRecord> &traces);
    // Drops buckets older than the window; the timer calls it every second.
    void advance(qint64 nowMs);

    static constexpr int kSeconds = 60;

Q_SIGNALS:
    void feedChanged();
    void platformChanged();
    void changed();

private:
    struct WorkerUse
    {
        int requests = 0;
        qint64 cpuMs = 0;
    };
    struct Second
    {
        int requests = 0;
        int errors = 0;
        int violations = 0;
        QHash<QString, WorkerUse> workers;
    };
    QVariantList top(bool byCpu) const;
    qint64 nowSecond() const { return m_now / 1000; }

    QPointer<TraceFeed> m_feed;
    QPointer<PlatformController> m_platform;
    std::map<qint64, Second> m_seconds; // by epoch second
    qint64 m_now = 0;
    QTimer m_tick;
};

} // namespace switchyard::models
