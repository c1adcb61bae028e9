// analytics_engine/sql: Analytics Engine's SQL API. As Cloudflare's, it answers the query's own
// output (JSON with meta/data/rows, or the FORMAT asked for), not the v4 envelope; errors use the
// envelope so clients that read `errors[0].message` show them.
#include "admincall.h"
#include "adminenvelope.h"

#include "platform/platformservice.h"

namespace switchyard::http::admin {

HttpResponse handleAnalyticsSql(const AdminCall &call)
{
    if (!call.path.isEmpty())
        return failure(404, kNoRoute, QStringLiteral("No route for that URI"));
    QString text;
    if (call.method == "POST")
        text = QString::fromUtf8(call.request.body);
    else if (call.method == "GET")
        text = call.queryValue(QStringLiteral("query"));
    else
        return methodNotAllowed(call, "POST (the SQL text as the body), GET (?query=)");
    if (text.trimmed().isEmpty())
        return failure(400, kBadRequest,
                       QStringLiteral("Send the SQL text as the request body, e.g. SHOW TABLES"));
    // Data points are written in batches off the request path; a query sees all written so far.
    const store::AnalyticsAnswer answer = call.service.queryAnalytics(text);
    if (!answer.error.isEmpty())
        return failure(422, kBadRequest, QStringLiteral("SQL error: %1").arg(answer.error));
    return rawBody(200, answer.contentType, answer.body);
}

} // namespace switchyard::http::admin
