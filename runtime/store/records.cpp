#include "records.h"

namespace switchyard::store {

QString Binding::typeName() const
{
    struct Names
    {
        QString operator()(const PlainText &) const { return QStringLiteral("plain_text"); }
        QString operator()(const SecretText &) const { return QStringLiteral("secret_text"); }
        QString operator()(const Json &) const { return QStringLiteral("json"); }
        QString operator()(const KvNamespace &) const { return QStringLiteral("kv_namespace"); }
        QString operator()(const AnalyticsEngine &) const
        {
            return QStringLiteral("analytics_engine");
        }
        QString operator()(const DispatchNamespace &) const
        {
            return QStringLiteral("dispatch_namespace");
        }
        QString operator()(const Service &) const { return QStringLiteral("service"); }
    };
    return std::visit(Names {}, value);
}

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

QStringList tailConsumerNames(const QJsonArray &tailConsumers)
{
    QStringList names;
    for (const QJsonValue &consumer : tailConsumers) {
        const QString service = consumer.toObject().value(QLatin1String("service")).toString();
        if (!service.isEmpty() && !names.contains(service))
            names << service;
    }
    return names;
}

} // namespace switchyard::store
