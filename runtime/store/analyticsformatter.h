#pragma once

#include "analyticssql.h"

// The Analytics Engine SQL API's output formats. Internal to the store library.
namespace switchyard::store::analytics {

// `rows` (one value per column of `query`) in `query.format`; `rowsBeforeLimit` < 0: no LIMIT
// applied, so the count is the rows' own.
AnalyticsAnswer formatRows(const AnalyticsQuery &query, const QList<QVariantList> &rows,
                           qint64 rowsBeforeLimit);

} // namespace switchyard::store::analytics
