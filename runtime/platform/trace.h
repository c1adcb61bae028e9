#pragma once

#include "store/queries.h"
#include "store/records.h"

#include "engine/invocation.h"

namespace switchyard::platform {

// Cloudflare's TraceItem for one finished Invocation.
store::TraceRecord makeTrace(const QString &scriptName, const QString &dispatchNamespace,
                             const QStringList &tags, const engine::RequestData &request,
                             qint64 startedAt, const engine::InvocationResult &result);

// The traces row of makeTrace(...) (the same text traceRow() makes of it), without building the
// QJson objects: what the store writer thread runs when nobody needs the TraceRecord itself.
store::TraceRow makeTraceRow(const QString &scriptName, const QString &dispatchNamespace,
                             const QStringList &tags, const engine::RequestData &request,
                             qint64 startedAt, const engine::InvocationResult &result);

// The TraceItem as tail Workers and the admin API see it.
QJsonObject traceToJson(const store::TraceRecord &trace);

} // namespace switchyard::platform
