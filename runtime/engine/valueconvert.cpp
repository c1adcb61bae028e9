#include "valueconvert.h"

#include "isolate.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>

#include <v8-array-buffer.h>
#include <v8-container.h>
#include <v8-date.h>
#include <v8-isolate.h>
#include <v8-json.h>
#include <v8-object.h>

#include <cstring>
#include <vector>

namespace switchyard::engine {

namespace {
constexpr int maxDepth = 64;

QVariant toVariantAt(v8::Local<v8::Context> context, v8::Local<v8::Value> value, QString *error,
                     int depth)
{
    v8::Isolate *isolate = context->GetIsolate();
    if (depth > maxDepth) {
        *error = QStringLiteral("value is nested too deeply");
        return {};
    }
    if (value.IsEmpty() || value->IsUndefined())
        return {};
    if (value->IsNull())
        return QVariant::fromValue(nullptr);
    if (value->IsBoolean())
        return value->BooleanValue(isolate);
    if (value->IsNumber())
        return value.As<v8::Number>()->Value();
    if (value->IsString())
        return toQString(isolate, value);
    if (value->IsBigInt())
        return double(value.As<v8::BigInt>()->Int64Value());
    QByteArray bytes;
    if (toBytes(value, &bytes))
        return bytes;
    if (value->IsArray()) {
        auto array = value.As<v8::Array>();
        QVariantList list;
        list.reserve(int(array->Length()));
        for (uint32_t i = 0; i < array->Length(); ++i) {
            v8::Local<v8::Value> item;
            if (!array->Get(context, i).ToLocal(&item))
                return {};
            list.append(toVariantAt(context, item, error, depth + 1));
            if (!error->isNull())
                return {};
        }
        return list;
    }
    if (value->IsDate())
        return value.As<v8::Date>()->ValueOf();
    if (value->IsFunction() || value->IsSymbol()) {
        *error = QStringLiteral("functions and symbols cannot be passed to a binding");
        return {};
    }
    if (value->IsObject()) {
        auto object = value.As<v8::Object>();
        v8::Local<v8::Array> names;
        if (!object->GetOwnPropertyNames(context).ToLocal(&names))
            return {};
        QVariantMap map;
        for (uint32_t i = 0; i < names->Length(); ++i) {
            v8::Local<v8::Value> key;
            v8::Local<v8::Value> item;
            if (!names->Get(context, i).ToLocal(&key) || !object->Get(context, key).ToLocal(&item))
                return {};
            if (item->IsUndefined())
                continue; // as structuredClone/JSON would drop it from a plain record
            map.insert(toQString(isolate, key), toVariantAt(context, item, error, depth + 1));
            if (!error->isNull())
                return {};
        }
        return map;
    }
    *error = QStringLiteral("unsupported value");
    return {};
}
} // namespace

QString toQString(v8::Isolate *isolate, v8::Local<v8::Value> value)
{
    if (value.IsEmpty())
        return {};
    // Written straight into the QString: String::Value would copy it once more on the way.
    v8::Local<v8::String> string;
    if (value->IsString())
        string = value.As<v8::String>();
    else if (!value->ToString(isolate->GetCurrentContext()).ToLocal(&string))
        return {};
    QString text(string->Length(), Qt::Uninitialized);
    string->Write(isolate, reinterpret_cast<uint16_t *>(text.data()), 0, int(text.size()),
                  v8::String::NO_NULL_TERMINATION);
    return text;
}

v8::Local<v8::String> toV8String(v8::Isolate *isolate, const QString &text)
{
    return v8::String::NewFromTwoByte(isolate, reinterpret_cast<const uint16_t *>(text.utf16()),
                                      v8::NewStringType::kNormal, int(text.size()))
            .ToLocalChecked();
}

v8::Local<v8::String> toV8String(v8::Isolate *isolate, const char *latin1)
{
    return v8::String::NewFromUtf8(isolate, latin1).ToLocalChecked();
}

v8::Local<v8::String> propertyName(v8::Isolate *isolate, const char *literal)
{
    if (Isolate *owner = Isolate::from(isolate))
        return owner->name(literal);
    return v8::String::NewFromUtf8(isolate, literal, v8::NewStringType::kInternalized)
            .ToLocalChecked();
}

bool toBytes(v8::Local<v8::Value> value, QByteArray *bytes)
{
    if (value.IsEmpty())
        return false;
    if (value->IsArrayBufferView()) {
        auto view = value.As<v8::ArrayBufferView>();
        bytes->resize(qsizetype(view->ByteLength()));
        if (!bytes->isEmpty())
            view->CopyContents(bytes->data(), size_t(bytes->size()));
        return true;
    }
    if (value->IsArrayBuffer()) {
        auto store = value.As<v8::ArrayBuffer>()->GetBackingStore();
        *bytes = QByteArray(static_cast<const char *>(store->Data()),
                            qsizetype(store->ByteLength()));
        return true;
    }
    return false;
}

v8::Local<v8::ArrayBuffer> toArrayBuffer(v8::Isolate *isolate, const QByteArray &bytes)
{
    v8::Local<v8::ArrayBuffer> buffer;
    if (!newArrayBuffer(isolate, size_t(bytes.size())).ToLocal(&buffer))
        return {};
    if (!bytes.isEmpty())
        std::memcpy(buffer->GetBackingStore()->Data(), bytes.constData(), size_t(bytes.size()));
    return buffer;
}

v8::Local<v8::Uint8Array> toUint8Array(v8::Isolate *isolate, const QByteArray &bytes)
{
    v8::Local<v8::ArrayBuffer> buffer = toArrayBuffer(isolate, bytes);
    if (buffer.IsEmpty())
        return {};
    return v8::Uint8Array::New(buffer, 0, size_t(bytes.size()));
}

QVariant toVariant(v8::Local<v8::Context> context, v8::Local<v8::Value> value, QString *error)
{
    return toVariantAt(context, value, error, 0);
}

v8::Local<v8::Value> toV8(v8::Local<v8::Context> context, const QVariant &value)
{
    v8::Isolate *isolate = context->GetIsolate();
    if (!value.isValid())
        return v8::Undefined(isolate);
    switch (value.metaType().id()) {
    case QMetaType::Nullptr:
        return v8::Null(isolate);
    case QMetaType::Bool:
        return v8::Boolean::New(isolate, value.toBool());
    case QMetaType::Int:
    case QMetaType::UInt:
    case QMetaType::LongLong:
    case QMetaType::ULongLong:
    case QMetaType::Double:
    case QMetaType::Float:
    case QMetaType::Long:
    case QMetaType::ULong:
    case QMetaType::Short:
    case QMetaType::UShort:
        return v8::Number::New(isolate, value.toDouble());
    case QMetaType::QString:
        return toV8String(isolate, value.toString());
    case QMetaType::QByteArray: {
        v8::Local<v8::Uint8Array> bytes = toUint8Array(isolate, value.toByteArray());
        if (bytes.IsEmpty())
            return v8::Undefined(isolate); // over the memory limit: the RangeError is thrown
        return bytes;
    }
    case QMetaType::QStringList:
    case QMetaType::QVariantList: {
        const QVariantList list = value.toList();
        auto array = v8::Array::New(isolate, int(list.size()));
        for (int i = 0; i < list.size(); ++i)
            array->Set(context, uint32_t(i), toV8(context, list.at(i))).Check();
        return array;
    }
    case QMetaType::QVariantMap:
    case QMetaType::QVariantHash: {
        const QVariantMap map = value.toMap();
        auto object = v8::Object::New(isolate);
        for (auto it = map.cbegin(); it != map.cend(); ++it)
            object->Set(context, toV8String(isolate, it.key()), toV8(context, it.value())).Check();
        return object;
    }
    case QMetaType::QJsonValue:
        return toV8(context, value.toJsonValue().toVariant());
    case QMetaType::QJsonObject:
        return toV8(context, value.toJsonObject().toVariantMap());
    case QMetaType::QJsonArray:
        return toV8(context, value.toJsonArray().toVariantList());
    case QMetaType::QJsonDocument: {
        const QJsonDocument doc = value.toJsonDocument();
        return toV8(context,
                    doc.isArray() ? QVariant(doc.array().toVariantList())
                                  : QVariant(doc.object().toVariantMap()));
    }
    default:
        if (value.canConvert<QString>())
            return toV8String(isolate, value.toString());
        return v8::Undefined(isolate);
    }
}

v8::Local<v8::Array> headersToV8(v8::Local<v8::Context> context, const HeaderList &headers)
{
    v8::Isolate *isolate = context->GetIsolate();
    // Made from their elements: Set() per element goes through V8's generic property path.
    std::vector<v8::Local<v8::Value>> pairs;
    pairs.reserve(size_t(headers.size()));
    for (const auto &[name, value] : headers) {
        v8::Local<v8::Value> pair[] = {toV8String(isolate, name), toV8String(isolate, value)};
        pairs.push_back(v8::Array::New(isolate, pair, 2));
    }
    return v8::Array::New(isolate, pairs.data(), pairs.size());
}

v8::Local<v8::Object> responseToV8(v8::Local<v8::Context> context, int status,
                                   const QString &statusText, const HeaderList &headers,
                                   const QByteArray &body, const QString &url, bool redirected)
{
    v8::Isolate *isolate = context->GetIsolate();
    auto object = v8::Object::New(isolate);
    auto set = [&](const char *name, v8::Local<v8::Value> value) {
        object->Set(context, propertyName(isolate, name), value).Check();
    };
    set("status", v8::Number::New(isolate, status));
    set("statusText", toV8String(isolate, statusText));
    set("headers", headersToV8(context, headers));
    v8::Local<v8::Uint8Array> bytes = toUint8Array(isolate, body);
    // Empty: over the memory limit, with the RangeError thrown and the isolate terminating.
    set("body",
        bytes.IsEmpty() ? v8::Local<v8::Value>(v8::Undefined(isolate))
                        : v8::Local<v8::Value>(bytes));
    set("url", toV8String(isolate, url));
    set("redirected", v8::Boolean::New(isolate, redirected));
    return object;
}

HeaderList headersFromV8(v8::Local<v8::Context> context, v8::Local<v8::Value> value)
{
    HeaderList headers;
    if (value.IsEmpty() || !value->IsArray())
        return headers;
    v8::Isolate *isolate = context->GetIsolate();
    auto array = value.As<v8::Array>();
    for (uint32_t i = 0; i < array->Length(); ++i) {
        v8::Local<v8::Value> pair;
        if (!array->Get(context, i).ToLocal(&pair) || !pair->IsArray())
            continue;
        v8::Local<v8::Value> name;
        v8::Local<v8::Value> text;
        if (!pair.As<v8::Array>()->Get(context, 0).ToLocal(&name)
            || !pair.As<v8::Array>()->Get(context, 1).ToLocal(&text))
            continue;
        headers.append({toQString(isolate, name), toQString(isolate, text)});
    }
    return headers;
}

v8::Local<v8::Value> getProperty(v8::Local<v8::Context> context, v8::Local<v8::Object> object,
                                 const char *name)
{
    v8::Local<v8::Value> value;
    if (!object->Get(context, propertyName(context->GetIsolate(), name)).ToLocal(&value))
        return {};
    return value;
}

} // namespace switchyard::engine
