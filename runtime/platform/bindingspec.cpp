#include "bindingspec.h"

#include <QJsonArray>

namespace switchyard::platform {

BindingSpec BindingSpec::from(const store::Binding &binding)
{
    using store::Binding;
    BindingSpec spec;
    spec.typeName = binding.typeName();
    if (const auto *kv = binding.as<Binding::KvNamespace>()) {
        spec.type = Type::KvNamespace;
        spec.target = kv->namespaceId;
    } else if (const auto *dataset = binding.as<Binding::AnalyticsEngine>()) {
        spec.type = Type::AnalyticsEngine;
        spec.target = dataset->dataset;
    } else if (const auto *dispatch = binding.as<Binding::DispatchNamespace>()) {
        spec.type = Type::DispatchNamespace;
        spec.target = dispatch->nameSpace;
        if (dispatch->outbound) {
            QJsonArray params;
            for (const QString &param : dispatch->outbound->params)
                params.append(QJsonObject {{QStringLiteral("name"), param}});
            spec.outbound
                    = {{QStringLiteral("worker"),
                        QJsonObject {{QStringLiteral("service"), dispatch->outbound->service}}},
                       {QStringLiteral("params"), params}};
        }
    } else if (const auto *service = binding.as<Binding::Service>()) {
        spec.type = Type::Service;
        spec.target = service->service;
    }
    return spec;
}

} // namespace switchyard::platform
