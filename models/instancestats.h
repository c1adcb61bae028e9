#pragma once

#include <QObject>
#include <QQmlEngine>
#include <QTimer>
#include <QVariantList>

#include <deque>
#include <functional>

namespace switchyard::engine {
class Engine;
}

namespace switchyard::models {

// The Overview's view of Worker Instances, sampled from the engine once a second: how many are
// alive, the memory they count against the engine's budget (with the last minute of it as a
// series), and how many were evicted in the last minute.
class InstanceStats : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("InstanceStats is provided by the Workbench")
    Q_PROPERTY(int liveInstances READ liveInstances NOTIFY changed)
    Q_PROPERTY(double memoryUsedMiB READ memoryUsedMiB NOTIFY changed)
    Q_PROPERTY(double memoryBudgetMiB READ memoryBudgetMiB NOTIFY changed)
    Q_PROPERTY(double memoryFraction READ memoryFraction NOTIFY changed) // used / budget
    Q_PROPERTY(QVariantList memorySeries READ memorySeries NOTIFY changed) // MiB, per second
    Q_PROPERTY(int evictionsLastMinute READ evictionsLastMinute NOTIFY changed)
public:
    struct Sample
    {
        int liveInstances = 0;
        qint64 usedBytes = 0;
        qint64 budgetBytes = 0;
        quint64 evictions = 0; // since the engine started
    };
    using Source = std::function<Sample()>;

    // Takes the first sample at once; the timer takes one every second.
    explicit InstanceStats(Source source, QObject *parent = nullptr);
    static Source from(const engine::Engine &engine);

    int liveInstances() const { return m_last.liveInstances; }
    double memoryUsedMiB() const { return mib(m_last.usedBytes); }
    double memoryBudgetMiB() const { return mib(m_last.budgetBytes); }
    double memoryFraction() const;
    QVariantList memorySeries() const;
    int evictionsLastMinute() const;

    // Reads the source as of `nowMs` and forgets samples older than a minute.
    void sample(qint64 nowMs);

    static constexpr int kSeconds = 60;

Q_SIGNALS:
    void changed();

private:
    static double mib(qint64 bytes) { return double(bytes) / (1 << 20); }

    Source m_source;
    Sample m_last;
    std::deque<std::pair<qint64, Sample>> m_samples; // (ms, sample), oldest first
    QTimer m_tick;
};

} // namespace switchyard::models
