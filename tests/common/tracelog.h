#pragma once

// The traces a platform appends, collected on the test's thread. PlatformService emits
// traceAppended on the executor thread that finished the invocation; a QSignalSpy, connected
// directly, would append to its list there while the test reads it on its own.
#include "platform/platformservice.h"

#include <QList>
#include <QObject>

namespace switchyard::testing {

class TraceLog : public QObject
{
public:
    explicit TraceLog(platform::PlatformService &service)
    {
        connect(
                &service, &platform::PlatformService::traceAppended, this,
                [this](const store::TraceRecord &trace) { m_traces.append(trace); },
                Qt::QueuedConnection);
    }

    const QList<store::TraceRecord> &traces() const { return m_traces; }
    qsizetype size() const { return m_traces.size(); }
    bool isEmpty() const { return m_traces.isEmpty(); }
    const store::TraceRecord &first() const { return m_traces.first(); }
    void clear() { m_traces.clear(); }

private:
    QList<store::TraceRecord> m_traces;
};

} // namespace switchyard::testing
