#include "records.h"

namespace switchyard::store {

QString workerKindName(WorkerKind kind)
{
    switch (kind) {
    case WorkerKind::Dispatcher:
        return QStringLiteral("dispatcher");
    case WorkerKind::Outbound:
        return QStringLiteral("outbound");
    case WorkerKind::Tail:
        return QStringLiteral("tail");
    case WorkerKind::Other:
        break;
    }
    return QStringLiteral("other");
}

std::optional<WorkerKind> workerKindFromName(const QString &name)
{
    for (auto kind :
         {WorkerKind::Dispatcher, WorkerKind::Outbound, WorkerKind::Tail, WorkerKind::Other}) {
        if (workerKindName(kind) == name)
            return kind;
    }
    return std::nullopt;
}

} // namespace switchyard::store
