#include "platformview.h"

namespace switchyard::platform {

std::optional<store::KvNamespaceRecord>
PlatformSnapshot::kvNamespaceByTitle(const QString &title) const
{
    for (const store::KvNamespaceRecord &record : kvNamespaces) {
        if (record.title == title)
            return record;
    }
    return std::nullopt;
}

} // namespace switchyard::platform
