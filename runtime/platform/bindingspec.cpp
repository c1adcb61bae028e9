#include "bindingspec.h"

namespace switchyard::platform {

BindingSpec BindingSpec::from(const QJsonObject &binding)
{
    BindingSpec spec;
    spec.typeName = binding.value(u"type").toString();
    if (spec.typeName == u"kv_namespace") {
        spec.type = Type::KvNamespace;
        spec.target = binding.value(u"namespace_id").toString();
    } else if (spec.typeName == u"analytics_engine") {
        spec.type = Type::AnalyticsEngine;
        spec.target = binding.value(u"dataset").toString();
    } else if (spec.typeName == u"dispatch_namespace") {
        spec.type = Type::DispatchNamespace;
        spec.target = binding.value(u"namespace").toString();
        spec.outbound = binding.value(u"outbound").toObject();
    } else if (spec.typeName == u"service") {
        spec.type = Type::Service;
        spec.target = binding.value(u"service").toString();
    }
    return spec;
}

} // namespace switchyard::platform
