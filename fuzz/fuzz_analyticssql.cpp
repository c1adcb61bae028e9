// An Analytics Engine SQL API query (POST .../analytics_engine/sql), translated to SQLite.
//
// Input: the query text.
//
// The translator recurses once per parenthesis level and does not bound the depth yet: a few
// thousand levels overflow the stack (the fix belongs to the translator, not to this target).
// Until it refuses deep nesting itself, inputs nested deeper than kMaxDepth are skipped so the
// fuzzer keeps looking for other bugs; raise kMaxDepth past the translator's limit afterwards.

#include "store/analyticssql.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>

using namespace switchyard::store;

namespace {
constexpr int kMaxDepth = 100;

int nesting(const uint8_t *data, size_t size)
{
    int depth = 0, deepest = 0;
    for (size_t i = 0; i < size; ++i) {
        depth += data[i] == '(' ? 1 : data[i] == ')' ? -1 : 0;
        deepest = std::max(deepest, depth);
    }
    return deepest;
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (nesting(data, size) > kMaxDepth)
        return 0;
    const QString text = QString::fromUtf8(reinterpret_cast<const char *>(data), qsizetype(size));
    const AnalyticsTranslation translation = translateAnalyticsSql(text);
    // A query or a message saying why not, never neither.
    if (translation.query.has_value() == !translation.error.isEmpty())
        std::abort();
    if (translation.query && translation.query->sql.isEmpty())
        std::abort();
    return 0;
}
