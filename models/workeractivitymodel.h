#pragma once

#include "platformcontroller.h"
#include "tracefeed.h"

#include <QAbstractListModel>
#include <QDateTime>
#include <QPointer>
#include <QQmlEngine>
#include <QTimer>

namespace switchyard::models {

// One Worker's requests, errors, CPU time and limit violations over the last bucketCount ×
// bucketSeconds (10 minutes in 10 s buckets by default), one row per bucket, oldest first and
// the last row the bucket now runs in. Fed by the live trace stream; choosing a Worker first
// fills the window from the traces the store kept, so its charts do not start empty. A trace the
// store already had and the feed delivers after is counted once.
class WorkerActivityModel : public QAbstractListModel
{
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(TraceFeed *feed READ feed WRITE setFeed NOTIFY feedChanged)
    // For the store's traces; without it the window starts empty.
    Q_PROPERTY(PlatformController *platform READ platform WRITE setPlatform NOTIFY platformChanged)
    // Empty for a platform Worker (the dispatcher).
    Q_PROPERTY(QString namespaceName READ namespaceName WRITE setNamespaceName NOTIFY workerChanged)
    Q_PROPERTY(QString workerName READ workerName WRITE setWorkerName NOTIFY workerChanged)
    Q_PROPERTY(int bucketSeconds READ bucketSeconds WRITE setBucketSeconds NOTIFY shapeChanged)
    Q_PROPERTY(int bucketCount READ bucketCount WRITE setBucketCount NOTIFY shapeChanged)
    // Whether the window moves on with the wall clock (tests move it with advance()).
    Q_PROPERTY(bool running READ running WRITE setRunning NOTIFY runningChanged)
    // Per bucket, oldest first, for Sparkline.
    Q_PROPERTY(QVariantList requestSeries READ requestSeries NOTIFY seriesChanged)
    Q_PROPERTY(QVariantList errorSeries READ errorSeries NOTIFY seriesChanged)
    Q_PROPERTY(QVariantList cpuSeries READ cpuSeries NOTIFY seriesChanged) // ms
    Q_PROPERTY(QVariantList violationSeries READ violationSeries NOTIFY seriesChanged)
    // Over the whole window.
    Q_PROPERTY(int requests READ requests NOTIFY seriesChanged)
    Q_PROPERTY(int errors READ errors NOTIFY seriesChanged)
    Q_PROPERTY(qint64 cpuMs READ cpuMs NOTIFY seriesChanged)
    Q_PROPERTY(int violations READ violations NOTIFY seriesChanged)
    // Why the store's traces could not be read, or empty.
    Q_PROPERTY(QString backfillError READ backfillError NOTIFY workerChanged)
public:
    enum Role {
        StartRole = Qt::UserRole + 1, // QDateTime: when the bucket begins
        RequestsRole,
        ErrorsRole,
        CpuMsRole,
        ViolationsRole,
    };
    Q_ENUM(Role)

    explicit WorkerActivityModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    TraceFeed *feed() const { return m_feed; }
    void setFeed(TraceFeed *feed);
    PlatformController *platform() const { return m_platform; }
    void setPlatform(PlatformController *platform);
    QString namespaceName() const { return m_namespace; }
    void setNamespaceName(const QString &name);
    QString workerName() const { return m_worker; }
    void setWorkerName(const QString &name);
    // Selects both at once: one reset and one backfill.
    Q_INVOKABLE void select(const QString &namespaceName, const QString &workerName);
    int bucketSeconds() const { return m_bucketSeconds; }
    void setBucketSeconds(int seconds);
    int bucketCount() const { return m_bucketCount; }
    void setBucketCount(int count);
    bool running() const { return m_tick.isActive(); }
    void setRunning(bool running);

    QVariantList requestSeries() const { return series(&Bucket::requests); }
    QVariantList errorSeries() const { return series(&Bucket::errors); }
    QVariantList cpuSeries() const { return series(&Bucket::cpuMs); }
    QVariantList violationSeries() const { return series(&Bucket::violations); }
    int requests() const { return int(total(&Bucket::requests)); }
    int errors() const { return int(total(&Bucket::errors)); }
    qint64 cpuMs() const { return total(&Bucket::cpuMs); }
    int violations() const { return int(total(&Bucket::violations)); }
    QString backfillError() const { return m_backfillError; }

    // Counts the chosen Worker's traces that fall in the window; others are ignored.
    void append(const QList<store::TraceRecord> &traces);
    // Moves the window so its last bucket holds `nowMs`: whole buckets roll out at the front
    // and empty ones come in at the end. Never moves back.
    void advance(qint64 nowMs);

Q_SIGNALS:
    void feedChanged();
    void platformChanged();
    void workerChanged();
    void shapeChanged();
    void runningChanged();
    void seriesChanged();

private:
    struct Bucket
    {
        qint64 requests = 0;
        qint64 errors = 0;
        qint64 cpuMs = 0;
        qint64 violations = 0;
    };
    qint64 bucketOf(qint64 ms) const { return ms / (qint64(m_bucketSeconds) * 1000); }
    qint64 firstBucket() const { return m_lastBucket - m_buckets.size() + 1; }
    QVariantList series(qint64 Bucket::*field) const;
    qint64 total(qint64 Bucket::*field) const;
    bool matches(const store::TraceRecord &trace) const;
    static QString identity(const store::TraceRecord &trace);
    void count(const store::TraceRecord &trace);
    // Empties the window at the current time and fills it from the store.
    void reload();

    QPointer<TraceFeed> m_feed;
    QPointer<PlatformController> m_platform;
    QString m_namespace;
    QString m_worker;
    QString m_backfillError;
    int m_bucketSeconds = 10;
    int m_bucketCount = 60;
    // Oldest first, the last one m_lastBucket; m_bucketCount long but while rolling over.
    QList<Bucket> m_buckets;
    qint64 m_lastBucket = 0;
    qint64 m_now = 0;
    // The last seconds of the store's traces at the backfill, by identity (with how many of
    // each): the feed may still be on its way with them.
    QHash<QString, int> m_backfilled;
    qint64 m_backfilledAt = 0;
    QTimer m_tick;
};

} // namespace switchyard::models
