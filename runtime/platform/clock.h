#pragma once

#include <QDateTime>

#include <atomic>

namespace switchyard::platform {

// Where the platform reads the time: KV expiration and record timestamps. Injected so tests can
// move time forward instead of sleeping.
class Clock
{
public:
    virtual ~Clock() = default;
    virtual qint64 nowMs() const = 0;
    qint64 nowSeconds() const { return nowMs() / 1000; }
};

class SystemClock final : public Clock
{
public:
    qint64 nowMs() const override { return QDateTime::currentMSecsSinceEpoch(); }
};

class ManualClock final : public Clock
{
public:
    explicit ManualClock(qint64 startMs = 1'700'000'000'000) : m_now(startMs) { }
    qint64 nowMs() const override { return m_now.load(std::memory_order_relaxed); }
    void setNowMs(qint64 ms) { m_now.store(ms, std::memory_order_relaxed); }
    void advanceSeconds(qint64 seconds) { m_now.fetch_add(seconds * 1000); }

private:
    std::atomic<qint64> m_now;
};

} // namespace switchyard::platform
