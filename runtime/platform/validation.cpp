#include "validation.h"

#include <QDate>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSet>

namespace switchyard::platform::validation {

namespace {

bool isNameChar(QChar c, bool first)
{
    const char16_t u = c.unicode();
    if ((u >= 'a' && u <= 'z') || (u >= '0' && u <= '9'))
        return true;
    return !first && (u == '-' || u == '_');
}

bool isJsIdentifier(const QString &name)
{
    if (name.isEmpty())
        return false;
    for (qsizetype i = 0; i < name.size(); ++i) {
        const QChar c = name.at(i);
        const bool ok = c.isLetter() || c == QLatin1Char('_') || c == QLatin1Char('$')
                || (i > 0 && c.isDigit());
        if (!ok)
            return false;
    }
    return true;
}

const QStringList &moduleTypes()
{
    static const QStringList types = {
            QStringLiteral("application/javascript+module"),
            QStringLiteral("application/javascript"),
            QStringLiteral("text/javascript"),
            QStringLiteral("application/json"),
            QStringLiteral("text/plain"),
            QStringLiteral("application/octet-stream"),
            QStringLiteral("application/wasm"),
    };
    return types;
}

bool isJavaScript(const QString &contentType)
{
    return contentType == QLatin1String("application/javascript+module")
            || contentType == QLatin1String("application/javascript")
            || contentType == QLatin1String("text/javascript");
}

QString jsonTypeName(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Null:
        return QStringLiteral("null");
    case QJsonValue::Bool:
        return QStringLiteral("a boolean");
    case QJsonValue::Double:
        return QStringLiteral("a number");
    case QJsonValue::String:
        return QStringLiteral("a string");
    case QJsonValue::Array:
        return QStringLiteral("an array");
    case QJsonValue::Object:
        return QStringLiteral("an object");
    case QJsonValue::Undefined:
        break;
    }
    return QStringLiteral("nothing");
}

} // namespace

std::optional<QString> checkBindings(const QString &subject, const QJsonArray &bindings,
                                     const BindingTargets &targets, store::Bindings *typed)
{
    using store::Binding;
    store::Bindings read;
    read.reserve(bindings.size());
    QSet<QString> names;
    for (qsizetype i = 0; i < bindings.size(); ++i) {
        if (!bindings.at(i).isObject())
            return QStringLiteral("Binding #%1 of %2: must be a JSON object")
                    .arg(i + 1)
                    .arg(subject);
        const QJsonObject binding = bindings.at(i).toObject();
        const QString name = binding.value(QLatin1String("name")).toString();
        const QString type = binding.value(QLatin1String("type")).toString();
        if (!isJsIdentifier(name)) {
            return QStringLiteral("Binding #%1 of %2: name %3 is not a JavaScript identifier")
                    .arg(i + 1)
                    .arg(subject, quoted(name));
        }
        const QString where = QStringLiteral("Binding %1 of %2").arg(quoted(name), subject);
        if (names.contains(name))
            return QStringLiteral("%1: the name is used by another binding").arg(where);
        names.insert(name);
        auto needString = [&](const char *field) -> std::optional<QString> {
            if (binding.value(QLatin1String(field)).toString().isEmpty())
                return QStringLiteral("%1: a %2 binding needs a non-empty \"%3\"")
                        .arg(where, type, QLatin1String(field));
            return std::nullopt;
        };
        const auto text = [&](const char *field) {
            return binding.value(QLatin1String(field)).toString();
        };
        std::optional<QString> missing;
        Binding::Value value;
        if (type == QLatin1String("plain_text") || type == QLatin1String("secret_text")) {
            if (!binding.value(QLatin1String("text")).isString())
                missing = QStringLiteral("%1: a %2 binding needs a string \"text\"")
                                  .arg(where, type);
            if (type == QLatin1String("plain_text"))
                value = Binding::PlainText {text("text")};
            else
                value = Binding::SecretText {text("text")};
        } else if (type == QLatin1String("json")) {
            if (!binding.contains(QLatin1String("json")))
                missing = QStringLiteral("%1: a json binding needs a \"json\" value").arg(where);
            value = Binding::Json {binding.value(QLatin1String("json"))};
        } else if (type == QLatin1String("kv_namespace")) {
            missing = needString("namespace_id");
            const QString id = text("namespace_id");
            if (!missing && targets.kvNamespaceExists && !targets.kvNamespaceExists(id))
                return QStringLiteral("%1: KV namespace %2 does not exist").arg(where, quoted(id));
            value = Binding::KvNamespace {id};
        } else if (type == QLatin1String("dispatch_namespace")) {
            missing = needString("namespace");
            const QString ns = text("namespace");
            if (!missing && targets.dispatchNamespaceExists && !targets.dispatchNamespaceExists(ns))
                return QStringLiteral("%1: dispatch namespace %2 does not exist")
                        .arg(where, quoted(ns));
            Binding::DispatchNamespace dispatch {ns, std::nullopt};
            // Any non-empty "outbound" object names an outbound Worker, even without a service.
            const QJsonObject outbound = binding.value(QLatin1String("outbound")).toObject();
            if (!outbound.isEmpty()) {
                dispatch.outbound.emplace();
                dispatch.outbound->service = outbound.value(QLatin1String("worker"))
                                                     .toObject()
                                                     .value(QLatin1String("service"))
                                                     .toString();
                for (const QJsonValue p : outbound.value(QLatin1String("params")).toArray())
                    dispatch.outbound->params.append(
                            p.toObject().value(QLatin1String("name")).toString());
            }
            value = std::move(dispatch);
        } else if (type == QLatin1String("analytics_engine")) {
            missing = needString("dataset");
            value = Binding::AnalyticsEngine {text("dataset")};
        } else if (type == QLatin1String("service")) {
            missing = needString("service");
            value = Binding::Service {text("service")};
        } else {
            return QStringLiteral("%1: unknown binding type %2 (known: plain_text, secret_text, "
                                  "json, kv_namespace, dispatch_namespace, analytics_engine, "
                                  "service)")
                    .arg(where, quoted(type));
        }
        if (missing)
            return missing;
        read.append({name, std::move(value)});
    }
    if (typed)
        *typed = std::move(read);
    return std::nullopt;
}

namespace {

std::optional<QString> checkJson(const QString &subject, const QByteArray &text,
                                 QJsonDocument *document)
{
    QJsonParseError error;
    *document = QJsonDocument::fromJson(text, &error);
    if (error.error != QJsonParseError::NoError) {
        return QStringLiteral("%1: is not valid JSON (%2 at offset %3)")
                .arg(subject, error.errorString())
                .arg(error.offset);
    }
    return std::nullopt;
}

} // namespace

std::optional<QString> checkMetadataShape(const QString &subject, const QJsonObject &metadata)
{
    auto field = [&](const char *name) {
        return QStringLiteral("%1.%2").arg(subject, QLatin1String(name));
    };
    for (const char *name : {"main_module", "body_part", "compatibility_date"}) {
        const QJsonValue value = metadata.value(QLatin1String(name));
        if (!value.isUndefined() && !value.isString())
            return QStringLiteral("%1 must be a string, got %2")
                    .arg(field(name), jsonTypeName(value));
    }
    for (const auto &[name, objects] :
         {std::pair {"bindings", true}, std::pair {"tail_consumers", true},
          std::pair {"tags", false}, std::pair {"compatibility_flags", false},
          std::pair {"keep_bindings", false}}) {
        const QJsonValue value = metadata.value(QLatin1String(name));
        // Clients send "tail_consumers": null for none.
        if (value.isUndefined() || (value.isNull() && qstrcmp(name, "tail_consumers") == 0))
            continue;
        const QString element = objects ? QStringLiteral("objects") : QStringLiteral("strings");
        if (!value.isArray())
            return QStringLiteral("%1 must be an array of %2, got %3")
                    .arg(field(name), element, jsonTypeName(value));
        const QJsonArray array = value.toArray();
        for (qsizetype i = 0; i < array.size(); ++i) {
            if (objects ? array.at(i).isObject() : array.at(i).isString())
                continue;
            return QStringLiteral("%1[%2] must be %3, got %4")
                    .arg(field(name))
                    .arg(i)
                    .arg(objects ? QStringLiteral("an object") : QStringLiteral("a string"),
                         jsonTypeName(array.at(i)));
        }
    }
    return std::nullopt;
}

QString quoted(const QString &value)
{
    constexpr qsizetype shown = 64;
    if (value.size() <= shown)
        return QLatin1Char('"') + value + QLatin1Char('"');
    return QLatin1Char('"') + value.left(shown) + QStringLiteral("\"...");
}

std::optional<QString> checkName(const QString &subject, const QString &name)
{
    bool ok = !name.isEmpty() && name.size() <= kMaxNameLength;
    for (qsizetype i = 0; ok && i < name.size(); ++i)
        ok = isNameChar(name.at(i), i == 0);
    if (ok)
        return std::nullopt;
    return QStringLiteral("%1: must be 1 to 63 characters of a-z, 0-9, \"-\" and \"_\", starting "
                          "with a letter or digit")
            .arg(subject);
}

std::optional<QString> checkTags(const QString &subject, const QStringList &tags)
{
    if (tags.size() > kMaxTags)
        return QStringLiteral("%1: has %2 tags; at most %3 are allowed")
                .arg(subject)
                .arg(tags.size())
                .arg(kMaxTags);
    QSet<QString> seen;
    for (const QString &tag : tags) {
        const QString where = QStringLiteral("Tag %1 of %2").arg(quoted(tag), subject);
        if (tag.isEmpty())
            return QStringLiteral("%1: must not be empty").arg(where);
        if (tag.contains(QLatin1Char(',')) || tag.contains(QLatin1Char('&')))
            return QStringLiteral("%1: must not contain \",\" or \"&\"").arg(where);
        if (seen.contains(tag))
            return QStringLiteral("%1: appears twice").arg(where);
        seen.insert(tag);
    }
    return std::nullopt;
}

std::optional<QString> checkWorkerCode(const QString &subject, const store::WorkerCode &code,
                                       const BindingTargets &targets, store::Bindings *typed)
{
    if (code.modules.isEmpty())
        return QStringLiteral("%1: has no modules").arg(subject);
    QSet<QString> names;
    qsizetype total = 0;
    for (const store::ScriptModule &module : code.modules) {
        const QString where = QStringLiteral("Module %1 of %2").arg(quoted(module.name), subject);
        if (module.name.isEmpty())
            return QStringLiteral("%1: must have a name").arg(where);
        if (names.contains(module.name))
            return QStringLiteral("%1: appears twice").arg(where);
        names.insert(module.name);
        if (!moduleTypes().contains(module.contentType)) {
            return QStringLiteral("%1: unsupported content type %2 (use one of %3)")
                    .arg(where, quoted(module.contentType),
                         moduleTypes().join(QStringLiteral(", ")));
        }
        total += module.code.size();
    }
    if (total > kMaxScriptBytes)
        return QStringLiteral("%1: its modules total %2 bytes; at most %3 are allowed")
                .arg(subject)
                .arg(total)
                .arg(kMaxScriptBytes);
    if (code.mainModule.isEmpty())
        return QStringLiteral("%1: has no main module").arg(subject);
    const auto main = std::find_if(code.modules.cbegin(), code.modules.cend(),
                                   [&](const auto &m) { return m.name == code.mainModule; });
    if (main == code.modules.cend())
        return QStringLiteral("%1: main module %2 is not one of its modules")
                .arg(subject, quoted(code.mainModule));
    if (!isJavaScript(main->contentType))
        return QStringLiteral("%1: main module %2 is %3, not JavaScript")
                .arg(subject, quoted(code.mainModule), main->contentType);
    if (!code.compatibilityDate.isEmpty()) {
        static const QRegularExpression format(QStringLiteral("^\\d{4}-\\d{2}-\\d{2}$"));
        if (!format.match(code.compatibilityDate).hasMatch()
            || !QDate::fromString(code.compatibilityDate, Qt::ISODate).isValid())
            return QStringLiteral("%1: compatibility date %2 is not a date in the form YYYY-MM-DD")
                    .arg(subject, quoted(code.compatibilityDate));
    }
    for (const QString &flag : code.compatibilityFlags) {
        static const QRegularExpression format(QStringLiteral("^[a-z0-9_]+$"));
        if (!format.match(flag).hasMatch())
            return QStringLiteral("%1: compatibility flag %2 must be made of a-z, 0-9 and \"_\"")
                    .arg(subject, quoted(flag));
    }
    if (auto message = checkTailConsumers(subject, code.tailConsumers))
        return message;
    return checkBindings(subject, code.bindings, targets, typed);
}

std::optional<QString> checkTailConsumers(const QString &subject, const QJsonArray &consumers)
{
    for (qsizetype i = 0; i < consumers.size(); ++i) {
        const QString where = QStringLiteral("%1: tail_consumers[%2]").arg(subject).arg(i);
        if (!consumers.at(i).isObject())
            return QStringLiteral("%1 must be an object, got %2")
                    .arg(where, jsonTypeName(consumers.at(i)));
        const QJsonObject consumer = consumers.at(i).toObject();
        const QJsonValue service = consumer.value(QLatin1String("service"));
        if (!service.isString())
            return QStringLiteral("%1.service must be a string naming a Worker, got %2")
                    .arg(where, jsonTypeName(service));
        if (auto message = checkName(QStringLiteral("%1.service").arg(where), service.toString()))
            return message;
        // A tail Worker in a dispatch namespace is not something Switchyard can run: consumers
        // are platform Workers, as Cloudflare's are Workers of the account.
        if (consumer.contains(QLatin1String("namespace")))
            return QStringLiteral("%1.namespace: tail consumers are platform Workers "
                                  "(workers/scripts), not Workers in a dispatch namespace")
                    .arg(where);
    }
    return std::nullopt;
}

std::optional<QString> checkKvKey(const QString &subject, const QString &key)
{
    if (key.isEmpty())
        return QStringLiteral("%1: must not be empty").arg(subject);
    if (key == QLatin1String(".") || key == QLatin1String(".."))
        return QStringLiteral("%1: must not be \".\" or \"..\"").arg(subject);
    const qsizetype bytes = key.toUtf8().size();
    if (bytes > kMaxKvKeyBytes)
        return QStringLiteral("%1: is %2 bytes long; at most %3 are allowed")
                .arg(subject)
                .arg(bytes)
                .arg(kMaxKvKeyBytes);
    return std::nullopt;
}

std::optional<QString> checkKvValue(const QString &subject, const QByteArray &value)
{
    if (value.size() > kMaxKvValueBytes)
        return QStringLiteral("%1: is %2 bytes; at most %3 (25 MiB) are allowed")
                .arg(subject)
                .arg(value.size())
                .arg(kMaxKvValueBytes);
    return std::nullopt;
}

std::optional<QString> checkKvMetadata(const QString &subject, const QByteArray &metadata,
                                       QByteArray *compact)
{
    *compact = QByteArray();
    if (metadata.isNull())
        return std::nullopt;
    // QJsonDocument parses only arrays and objects at the top; wrap so scalars pass too.
    QJsonDocument document;
    if (auto error = checkJson(subject, "[" + metadata + "]", &document)) {
        // Report offsets in the caller's text, not in the wrapped one.
        QJsonDocument unwrapped;
        if (auto direct = checkJson(subject, metadata, &unwrapped))
            return direct;
        return error;
    }
    if (document.array().size() != 1)
        return QStringLiteral("%1: is not valid JSON (more than one value)").arg(subject);
    QByteArray text = QJsonDocument(document.array()).toJson(QJsonDocument::Compact);
    text = text.mid(1, text.size() - 2);
    if (text.size() > kMaxKvMetadataBytes)
        return QStringLiteral("%1: is %2 bytes serialized; at most %3 are allowed")
                .arg(subject)
                .arg(text.size())
                .arg(kMaxKvMetadataBytes);
    *compact = text;
    return std::nullopt;
}

std::optional<QString> checkKvNamespaceTitle(const QString &title)
{
    const QString subject = QStringLiteral("KV namespace title %1").arg(quoted(title));
    if (title.trimmed().isEmpty())
        return QStringLiteral("%1: must not be empty").arg(subject);
    if (title.toUtf8().size() > kMaxKvNamespaceTitleBytes)
        return QStringLiteral("%1: is longer than %2 bytes")
                .arg(subject)
                .arg(kMaxKvNamespaceTitleBytes);
    return std::nullopt;
}

std::optional<QString> checkKvNamespaceId(const QString &id)
{
    static const QRegularExpression format(QStringLiteral("^[A-Za-z0-9_-]{1,64}$"));
    if (!format.match(id).hasMatch())
        return QStringLiteral("KV namespace id %1: must be 1 to 64 letters, digits, '-' or '_'")
                .arg(quoted(id));
    return std::nullopt;
}

std::optional<QString> checkHostname(const QString &hostname)
{
    static const QRegularExpression format(
            QStringLiteral("^(\\*\\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z0-9]([a-z0-9-]{0,"
                           "61}[a-z0-9])?$"));
    if (hostname.size() <= 253 && format.match(hostname).hasMatch())
        return std::nullopt;
    return QStringLiteral("Custom hostname %1: must be a lowercase DNS name with at least two "
                          "labels of a-z, 0-9 and \"-\" (optionally starting with \"*.\"), at most "
                          "253 characters")
            .arg(quoted(hostname));
}

std::optional<QString> checkHostnameMetadata(const QString &subject, const QByteArray &metadata,
                                             QJsonObject *object)
{
    *object = QJsonObject();
    if (metadata.isEmpty())
        return std::nullopt;
    QJsonDocument document;
    if (auto error = checkJson(subject, metadata, &document))
        return error;
    if (!document.isObject())
        return QStringLiteral("%1: must be a JSON object").arg(subject);
    const qsizetype bytes = document.toJson(QJsonDocument::Compact).size();
    if (bytes > kMaxHostnameMetadataBytes)
        return QStringLiteral("%1: is %2 bytes serialized; at most %3 are allowed")
                .arg(subject)
                .arg(bytes)
                .arg(kMaxHostnameMetadataBytes);
    *object = document.object();
    return std::nullopt;
}

std::optional<QString> checkDataPoint(const QString &subject, const store::AnalyticsPoint &point)
{
    if (point.dataset.isEmpty())
        return QStringLiteral("%1: has no dataset").arg(subject);
    if (point.blobs.size() > kMaxDataPointBlobs)
        return QStringLiteral("%1: has %2 blobs; at most %3 are allowed")
                .arg(subject)
                .arg(point.blobs.size())
                .arg(kMaxDataPointBlobs);
    if (point.doubles.size() > kMaxDataPointDoubles)
        return QStringLiteral("%1: has %2 doubles; at most %3 are allowed")
                .arg(subject)
                .arg(point.doubles.size())
                .arg(kMaxDataPointDoubles);
    if (point.index1.size() > kMaxDataPointIndexBytes)
        return QStringLiteral("%1: its index is %2 bytes; at most %3 are allowed")
                .arg(subject)
                .arg(point.index1.size())
                .arg(kMaxDataPointIndexBytes);
    qsizetype blobBytes = 0;
    for (const QByteArray &blob : point.blobs)
        blobBytes += blob.size();
    if (blobBytes > kMaxDataPointBlobBytes)
        return QStringLiteral("%1: its blobs total %2 bytes; at most %3 are allowed")
                .arg(subject)
                .arg(blobBytes)
                .arg(kMaxDataPointBlobBytes);
    return std::nullopt;
}

} // namespace switchyard::platform::validation
