// The checks the platform service runs before it stores a change (platform/validation.h), and the
// binding index built from a stored version's bindings (platform/bindingspec.h).
//
// Input: a JSON object shaped like the admin API's upload metadata plus the other things users
// name (see corpus/fuzz_validation/), or any other bytes, which then go to every check that takes
// text. Module sizes are capped so the fuzzer explores shapes rather than allocations.

#include "platform/bindingspec.h"
#include "platform/validation.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cstddef>
#include <cstdint>
#include <cstdlib>

using namespace switchyard;
using namespace switchyard::platform;

namespace {

QStringList strings(const QJsonValue &value)
{
    QStringList list;
    for (const QJsonValue &item : value.toArray())
        list.append(item.toString());
    return list;
}

void checkText(const QByteArray &raw)
{
    const QString text = QString::fromUtf8(raw);
    validation::quoted(text);
    validation::checkName(QStringLiteral("Script"), text);
    validation::checkTags(QStringLiteral("Script"), text.split(QLatin1Char(' ')));
    validation::checkKvKey(QStringLiteral("KV key"), text);
    validation::checkKvValue(QStringLiteral("KV value"), raw);
    validation::checkKvNamespaceTitle(text);
    validation::checkHostname(text);
    QByteArray compact;
    if (!validation::checkKvMetadata(QStringLiteral("Metadata"), raw, &compact)
        && compact.size() > validation::kMaxKvMetadataBytes)
        std::abort();
    QJsonObject object;
    validation::checkHostnameMetadata(QStringLiteral("Metadata"), raw, &object);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray raw(reinterpret_cast<const char *>(data), qsizetype(size));
    const QJsonDocument document = QJsonDocument::fromJson(raw);
    if (!document.isObject()) {
        checkText(raw);
        return 0;
    }
    const QJsonObject input = document.object();

    store::WorkerCode code;
    for (const QJsonValue &value : input.value(u"modules").toArray()) {
        const QJsonObject module = value.toObject();
        const qsizetype bytes = qBound(0, module.value(u"size").toInt(), 4096);
        code.modules.append({module.value(u"name").toString(), module.value(u"type").toString(),
                             QByteArray(bytes, 'x')});
    }
    code.mainModule = input.value(u"main_module").toString();
    code.compatibilityDate = input.value(u"compatibility_date").toString();
    code.compatibilityFlags = strings(input.value(u"compatibility_flags"));
    code.bindings = input.value(u"bindings").toArray();
    validation::BindingTargets targets;
    targets.kvNamespaceExists = [](const QString &id) {
        return id.size() == 32;
    };
    targets.dispatchNamespaceExists = [](const QString &name) {
        return name.startsWith(u'n');
    };
    store::Bindings typed;
    const auto error = validation::checkWorkerCode(QStringLiteral("Script"), code, targets, &typed);

    // What the dispatcher builds from the bindings of a version that passed.
    BindingIndex index;
    if (!error) {
        if (typed.size() != code.bindings.size())
            std::abort(); // a binding that passed was not read into its typed value
        for (const store::Binding &binding : typed) {
            const BindingSpec spec = BindingSpec::from(binding);
            if (spec.type != BindingSpec::Type::Other && spec.target.isEmpty())
                std::abort(); // validation let a binding without its target through
            index.insert(binding.name, spec);
        }
    }

    validation::checkName(QStringLiteral("Script"), input.value(u"name").toString());
    validation::checkTags(QStringLiteral("Script"), strings(input.value(u"tags")));
    validation::checkKvKey(QStringLiteral("KV key"), input.value(u"kv_key").toString());
    validation::checkKvNamespaceTitle(input.value(u"kv_namespace_title").toString());
    validation::checkHostname(input.value(u"hostname").toString());
    QByteArray compact;
    if (input.contains(u"kv_metadata"))
        validation::checkKvMetadata(QStringLiteral("Metadata"),
                                    input.value(u"kv_metadata").toString().toUtf8(), &compact);
    QJsonObject object;
    validation::checkHostnameMetadata(QStringLiteral("Metadata"),
                                      input.value(u"hostname_metadata").toString().toUtf8(),
                                      &object);

    const QJsonObject point = input.value(u"data_point").toObject();
    store::AnalyticsPoint analytics;
    analytics.dataset = point.value(u"dataset").toString();
    analytics.index1 = point.value(u"index1").toString().toUtf8();
    for (const QJsonValue &blob : point.value(u"blobs").toArray())
        analytics.blobs.append(blob.toString().toUtf8());
    for (const QJsonValue &number : point.value(u"doubles").toArray())
        analytics.doubles.append(number.toDouble());
    validation::checkDataPoint(QStringLiteral("Data point"), analytics);
    return 0;
}
