#pragma once

#include "store/binding.h"

#include <QHash>
#include <QJsonObject>
#include <QString>

namespace switchyard::platform {

// One binding object of a version (Cloudflare's shape), with what every call needs read out once.
struct BindingSpec
{
    enum class Type { Other, KvNamespace, AnalyticsEngine, DispatchNamespace, Service };
    Type type = Type::Other;
    QString typeName; // as declared, for messages
    // What it points at: the KV namespace id, the dataset, the dispatch namespace, the service.
    QString target;
    QJsonObject outbound; // a dispatch namespace's outbound Worker, if it has one

    static BindingSpec from(const store::Binding &binding);
};

// A version's bindings by name: looked up on every binding call, so built once per stored version
// rather than searched and parsed per call.
using BindingIndex = QHash<QString, BindingSpec>;

} // namespace switchyard::platform
