#pragma once

#include <QByteArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <optional>

// What the shipped dispatchers (resources/templates/, resources/demo/) agree on with the views
// that offer typed editors and explanations over them: the one place the GUI knows the demo. The
// runtime knows none of it; every other model is generic.
namespace switchyard::models::conventions {

// Default titles of the KV namespaces the templates bind (PlatformController lets a user point
// the editors at others).
inline constexpr char kRoutingTable[] = "USER_ROUTING";
inline constexpr char kPlansTable[] = "PLANS";
inline constexpr char kCustomersTable[] = "CUSTOMERS";

// The violation kinds the custom-limits dispatchers write as a data point's first blob.
inline constexpr char kCpuLimitExceeded[] = "cpu_limit_exceeded";
inline constexpr char kSubrequestLimitExceeded[] = "subrequest_limit_exceeded";
inline constexpr char kMemoryLimitExceeded[] = "memory_limit_exceeded";

// A plans-table value, Cloudflare's custom-limits example: {"cpuMs": N, "subRequests": N}
// ("subrequests" read too). A field is empty when the value does not have it.
struct PlanLimits
{
    std::optional<int> cpuMs;
    std::optional<int> subRequests;
};

inline PlanLimits readPlan(const QByteArray &value)
{
    const QJsonObject o = QJsonDocument::fromJson(value).object();
    PlanLimits plan;
    if (o.contains(QLatin1String("cpuMs")))
        plan.cpuMs = o.value(QLatin1String("cpuMs")).toInt();
    if (o.contains(QLatin1String("subRequests")))
        plan.subRequests = o.value(QLatin1String("subRequests")).toInt();
    else if (o.contains(QLatin1String("subrequests")))
        plan.subRequests = o.value(QLatin1String("subrequests")).toInt();
    return plan;
}

} // namespace switchyard::models::conventions
