// An Analytics Engine SQL API query (POST .../analytics_engine/sql), translated to SQLite.
//
// Input: the query text. Any nesting depth: the translator refuses what is too deep itself.

#include "store/analyticssql.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>

using namespace switchyard::store;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QString text = QString::fromUtf8(reinterpret_cast<const char *>(data), qsizetype(size));
    const AnalyticsTranslation translation = translateAnalyticsSql(text);
    // A query or a message saying why not, never neither.
    if (translation.query.has_value() == !translation.error.isEmpty())
        std::abort();
    if (translation.query && translation.query->sql.isEmpty())
        std::abort();
    return 0;
}
