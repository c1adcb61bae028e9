#pragma once

#include <QJsonValue>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>
#include <variant>

namespace switchyard::store {

// One binding of a Worker, read out of Cloudflare's JSON object once (by the platform's
// validation, when the code is stored or loaded) so that nothing downstream looks at "type"
// strings or field names again.
struct Binding
{
    struct PlainText
    {
        QString text;
    };
    struct SecretText
    {
        QString text;
    };
    struct Json
    {
        QJsonValue value;
    };
    struct KvNamespace
    {
        QString namespaceId;
    };
    struct AnalyticsEngine
    {
        QString dataset;
    };
    // Where a dispatch namespace's user Workers send their fetch(): a platform Worker, and the
    // names of the parameters the dispatcher may hand it.
    struct Outbound
    {
        QString service;
        QStringList params;
    };
    struct DispatchNamespace
    {
        QString nameSpace;
        std::optional<Outbound> outbound;
    };
    struct Service
    {
        QString service;
    };
    using Value = std::variant<PlainText, SecretText, Json, KvNamespace, AnalyticsEngine,
                               DispatchNamespace, Service>;

    QString name; // the member of `env`
    Value value;

    template<typename T> const T *as() const { return std::get_if<T>(&value); }
    // Cloudflare's "type": "plain_text", "kv_namespace", ...
    QString typeName() const;
};

using Bindings = QList<Binding>;

} // namespace switchyard::store
