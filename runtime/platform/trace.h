#pragma once

#include "store/queries.h"
#include "store/records.h"

#include "engine/invocation.h"

namespace switchyard::platform {

// The one JSON encoding of a trace. The traces row of one finished Invocation, written directly
// (no QJson objects for the event): what the store writer thread runs when nobody needs the
// TraceRecord itself.
store::TraceRow makeTraceRow(const QString &scriptName, const QString &dispatchNamespace,
                             const QStringList &tags, const engine::RequestData &request,
                             qint64 startedAt, const engine::InvocationResult &result);

// Cloudflare's TraceItem for one finished Invocation: makeTraceRow(...) read back, exactly what
// the store returns for it later.
store::TraceRecord makeTrace(const QString &scriptName, const QString &dispatchNamespace,
                             const QStringList &tags, const engine::RequestData &request,
                             qint64 startedAt, const engine::InvocationResult &result);

// The TraceItem as tail Workers and the admin API see it.
QJsonObject traceToJson(const store::TraceRecord &trace);

} // namespace switchyard::platform
