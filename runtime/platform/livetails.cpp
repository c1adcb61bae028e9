#include "livetails.h"

#include "trace.h"

#include "store/queries.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QRandomGenerator>

#include <mutex>

namespace switchyard::platform {

namespace {
bool contains(const QJsonValue &value, const QString &text)
{
    if (value.isString())
        return value.toString().contains(text);
    if (value.isArray())
        return QString::fromUtf8(store::compactJson(value.toArray())).contains(text);
    if (value.isObject())
        return QString::fromUtf8(store::compactJson(value.toObject())).contains(text);
    return value.toVariant().toString().contains(text);
}
} // namespace

bool LiveTailFilters::matches(const store::TraceRecord &trace) const
{
    if (outcomes && !outcomes->contains(trace.outcome))
        return false;
    const QJsonObject request = trace.event.value(QLatin1String("request")).toObject();
    if (methods && !methods->contains(request.value(QLatin1String("method")).toString().toUpper()))
        return false;
    if (header) {
        // The trace keeps header names in lower case, as Headers objects do.
        const QJsonValue value
                = request.value(QLatin1String("headers")).toObject().value(header->key);
        if (value.isUndefined())
            return false;
        if (header->query && value.toString() != *header->query)
            return false;
    }
    if (query) {
        bool found = false;
        for (const QJsonValue &log : trace.logs) {
            const QJsonArray message = log.toObject().value(QLatin1String("message")).toArray();
            for (const QJsonValue &argument : message)
                found = found || contains(argument, *query);
        }
        for (const QJsonValue &exception : trace.exceptions) {
            const QJsonObject e = exception.toObject();
            found = found || e.value(QLatin1String("name")).toString().contains(*query)
                    || contains(e.value(QLatin1String("message")), *query);
        }
        if (!found)
            return false;
    }
    return true;
}

QString LiveTails::key(const QString &dispatchNamespace, const QString &scriptName)
{
    // Names never hold a NUL, so the two parts cannot run into each other.
    return dispatchNamespace + QChar(0) + scriptName;
}

quint64 LiveTails::subscribe(Subscription subscription)
{
    std::unique_lock lock(m_mutex);
    const quint64 id = m_nextId++;
    const QString k = key(subscription.dispatchNamespace, subscription.scriptName);
    m_byWorker[k].append({id, std::make_shared<const Subscription>(std::move(subscription))});
    m_count.fetch_add(1, std::memory_order_relaxed);
    return id;
}

void LiveTails::unsubscribe(quint64 id)
{
    std::unique_lock lock(m_mutex);
    for (auto it = m_byWorker.begin(); it != m_byWorker.end(); ++it) {
        const qsizetype removed
                = it->removeIf([id](const auto &entry) { return entry.first == id; });
        if (!removed)
            continue;
        if (it->isEmpty())
            m_byWorker.erase(it);
        m_count.fetch_sub(1, std::memory_order_relaxed);
        return;
    }
}

bool LiveTails::watching(const QString &dispatchNamespace, const QString &scriptName,
                         const QString &dispatcher) const
{
    if (m_count.load(std::memory_order_relaxed) == 0)
        return false;
    std::shared_lock lock(m_mutex);
    if (m_byWorker.contains(key(dispatchNamespace, scriptName)))
        return true;
    return !dispatchNamespace.isEmpty() && !dispatcher.isEmpty()
            && m_byWorker.contains(key(QString(), dispatcher));
}

void LiveTails::publish(const store::TraceRecord &trace, const QString &dispatcher) const
{
    QList<std::shared_ptr<const Subscription>> targets;
    {
        std::shared_lock lock(m_mutex);
        auto collect = [&](const QString &k) {
            const auto it = m_byWorker.constFind(k);
            if (it == m_byWorker.cend())
                return;
            for (const auto &entry : *it)
                targets.append(entry.second);
        };
        collect(key(trace.dispatchNamespace, trace.scriptName));
        if (!trace.dispatchNamespace.isEmpty() && !dispatcher.isEmpty())
            collect(key(QString(), dispatcher));
    }
    QByteArray event; // encoded once, for the first session that takes it
    for (const auto &subscription : std::as_const(targets)) {
        const auto sink = subscription->sink.lock();
        if (!sink || !subscription->filters.matches(trace))
            continue;
        if (subscription->filters.samplingRate < 1.0
            && QRandomGenerator::global()->generateDouble() >= subscription->filters.samplingRate)
            continue;
        if (event.isEmpty())
            event = store::compactJson(traceToJson(trace));
        sink->offer(event);
    }
}

} // namespace switchyard::platform
