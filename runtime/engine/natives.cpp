#include "natives.h"
#include "natives_crypto.h"

#include "bindinghost.h"

#include "instance.h"
#include "invocationcontext.h"
#include "isolate.h"
#include "limits.h"
#include "valueconvert.h"

#include <v8-array-buffer.h>
#include <v8-container.h>

#include <QDateTime>
#include <QRandomGenerator>

#include <v8-exception.h>
#include <v8-function.h>
#include <v8-isolate.h>
#include <v8-object.h>
#include <v8-template.h>
#include <v8-value-serializer.h>

#include <cstdlib>
#include <cstring>
#include <vector>

namespace switchyard::engine {

namespace {
using Info = v8::FunctionCallbackInfo<v8::Value>;

void throwError(v8::Isolate *isolate, const QString &message)
{
    isolate->ThrowException(v8::Exception::Error(toV8String(isolate, message)));
}

// The Instance is found through the isolate rather than bound to each function, so a context can
// be prepared (prelude and all) before the Instance that will own it exists. Null until then:
// only natives that need no Instance work while a prepared prelude loads.
Instance *instanceOf(const Info &info)
{
    auto *instance = static_cast<Instance *>(info.GetIsolate()->GetData(Isolate::InstanceSlot));
    if (!instance)
        throwError(info.GetIsolate(),
                   QStringLiteral("internal error: this native needs an Instance"));
    return instance;
}

void throwTypeError(v8::Isolate *isolate, const QString &message)
{
    isolate->ThrowException(v8::Exception::TypeError(toV8String(isolate, message)));
}

void log(const Info &info)
{
    v8::Isolate *iso = info.GetIsolate();
    auto *instance = static_cast<Instance *>(iso->GetData(Isolate::InstanceSlot));
    if (instance) // nobody to tell while a prepared prelude loads
        instance->log(toQString(iso, info[0]), toQString(iso, info[1]),
                      info.Length() > 2 && info[2]->IsString() ? toQString(iso, info[2])
                                                               : QString());
}

void utf8Encode(const Info &info)
{
    v8::Isolate *iso = info.GetIsolate();
    v8::Local<v8::String> text;
    if (!info[0]->ToString(iso->GetCurrentContext()).ToLocal(&text))
        return;
    const int length = text->Utf8Length(iso);
    // Measuring flattens the string, which may have crossed the heap limit: nothing more then.
    if (Isolate::from(iso)->memoryExceeded())
        return;
    v8::Local<v8::ArrayBuffer> buffer;
    if (!newArrayBuffer(iso, size_t(length)).ToLocal(&buffer))
        return;
    // REPLACE_INVALID_UTF8 turns lone surrogates into U+FFFD, as TextEncoder must.
    text->WriteUtf8(iso, static_cast<char *>(buffer->GetBackingStore()->Data()), length, nullptr,
                    v8::String::REPLACE_INVALID_UTF8 | v8::String::NO_NULL_TERMINATION);
    info.GetReturnValue().Set(v8::Uint8Array::New(buffer, 0, size_t(length)));
}

// The Encoding Standard's UTF-8 decoder: one U+FFFD per maximal invalid subpart (a truncated
// sequence is one, not one per byte as QStringDecoder gives), so TextDecoder matches workerd.
QString decodeUtf8(const QByteArray &bytes, bool *invalid)
{
    QString out;
    out.reserve(bytes.size());
    char32_t codePoint = 0;
    int needed = 0;
    int seen = 0;
    uchar lower = 0x80;
    uchar upper = 0xBF;
    auto replace = [&] {
        *invalid = true;
        out.append(QChar(QChar::ReplacementCharacter));
    };
    for (qsizetype i = 0; i < bytes.size();) {
        const uchar byte = uchar(bytes.at(i));
        if (needed == 0) {
            ++i;
            if (byte <= 0x7F) {
                out.append(QChar(char16_t(byte)));
            } else if (byte >= 0xC2 && byte <= 0xDF) {
                needed = 1;
                codePoint = byte & 0x1F;
            } else if (byte >= 0xE0 && byte <= 0xEF) {
                lower = byte == 0xE0 ? 0xA0 : 0x80;
                upper = byte == 0xED ? 0x9F : 0xBF;
                needed = 2;
                codePoint = byte & 0x0F;
            } else if (byte >= 0xF0 && byte <= 0xF4) {
                lower = byte == 0xF0 ? 0x90 : 0x80;
                upper = byte == 0xF4 ? 0x8F : 0xBF;
                needed = 3;
                codePoint = byte & 0x07;
            } else {
                replace();
            }
            continue;
        }
        if (byte < lower || byte > upper) {
            // The sequence so far is one error; this byte starts over (not consumed).
            codePoint = 0;
            needed = seen = 0;
            lower = 0x80;
            upper = 0xBF;
            replace();
            continue;
        }
        ++i;
        lower = 0x80;
        upper = 0xBF;
        codePoint = (codePoint << 6) | (byte & 0x3F);
        if (++seen < needed)
            continue;
        if (QChar::requiresSurrogates(codePoint)) {
            out.append(QChar(QChar::highSurrogate(codePoint)));
            out.append(QChar(QChar::lowSurrogate(codePoint)));
        } else {
            out.append(QChar(char16_t(codePoint)));
        }
        codePoint = 0;
        needed = seen = 0;
    }
    if (needed != 0)
        replace();
    return out;
}

void utf8Decode(const Info &info)
{
    v8::Isolate *iso = info.GetIsolate();
    QByteArray bytes;
    if (!toBytes(info[0], &bytes))
        return throwTypeError(iso, QStringLiteral("utf8Decode: expected a Uint8Array"));
    const bool fatal = info[1]->BooleanValue(iso);
    // The BOM is kept: stripping it is the prelude's decision (TextDecoder's ignoreBOM).
    bool invalid = false;
    const QString text = decodeUtf8(bytes, &invalid);
    if (fatal && invalid)
        return throwTypeError(iso,
                              QStringLiteral("The encoded data was not valid for encoding utf-8"));
    info.GetReturnValue().Set(toV8String(iso, text));
}

void randomFill(const Info &info)
{
    v8::Isolate *iso = info.GetIsolate();
    if (!info[0]->IsArrayBufferView())
        return throwTypeError(iso, QStringLiteral("randomFill: expected a typed array"));
    auto view = info[0].As<v8::ArrayBufferView>();
    auto *data
            = static_cast<char *>(view->Buffer()->GetBackingStore()->Data()) + view->ByteOffset();
    const size_t length = view->ByteLength();
    QRandomGenerator *random = QRandomGenerator::system();
    for (size_t i = 0; i < length; i += 4) {
        const quint32 word = random->generate();
        std::memcpy(data + i, &word, std::min<size_t>(4, length - i));
    }
    info.GetReturnValue().Set(info[0]);
}

// Moves the backing store to a new ArrayBuffer and detaches the old one: nothing is copied, and
// the binary-data budget counts the bytes once.
void transferArrayBuffer(const Info &info)
{
    v8::Isolate *iso = info.GetIsolate();
    if (!info[0]->IsArrayBuffer())
        return throwTypeError(iso, QStringLiteral("transferArrayBuffer: expected an ArrayBuffer"));
    auto buffer = info[0].As<v8::ArrayBuffer>();
    if (!buffer->IsDetachable())
        return throwTypeError(iso, QStringLiteral("Cannot transfer a non-detachable ArrayBuffer"));
    std::shared_ptr<v8::BackingStore> store = buffer->GetBackingStore();
    buffer->Detach();
    info.GetReturnValue().Set(v8::ArrayBuffer::New(iso, std::move(store)));
}

void setTimer(const Info &info)
{
    v8::Isolate *iso = info.GetIsolate();
    if (!info[0]->IsFunction())
        return throwTypeError(iso, QStringLiteral("setTimer: expected a function"));
    const double delay = info[1]->NumberValue(iso->GetCurrentContext()).FromMaybe(0);
    Instance *instance = instanceOf(info);
    if (!instance)
        return;
    const int id
            = instance->setTimer(info[0].As<v8::Function>(), delay, info[2]->BooleanValue(iso));
    if (id == 0)
        return throwError(iso,
                          QStringLiteral("Too many timers: a Worker may have at most %1 pending "
                                         "at once.")
                                  .arg(instance->limits().maxLiveTimers));
    info.GetReturnValue().Set(id);
}

void clearTimer(const Info &info)
{
    const double id = info[0]->NumberValue(info.GetIsolate()->GetCurrentContext()).FromMaybe(0);
    if (Instance *instance = instanceOf(info))
        instance->clearTimer(int(id));
}

// Without an Instance only the warm-up (PreludeRunner::warmUp, in the scratch isolate whose code
// cache every isolate starts from) runs. It answers a fixed response, so fetch()'s whole path, the
// response side included, is compiled into that cache.
void warmUpFetch(const Info &info)
{
    v8::Isolate *iso = info.GetIsolate();
    v8::Local<v8::Context> context = iso->GetCurrentContext();
    v8::Local<v8::Promise::Resolver> resolver;
    if (!v8::Promise::Resolver::New(context).ToLocal(&resolver))
        return;
    const HeaderList headers {
            {QStringLiteral("content-type"), QStringLiteral("text/plain;charset=UTF-8")},
            {QStringLiteral("content-length"), QStringLiteral("4")}};
    resolver->Resolve(context,
                      responseToV8(context, 200, QStringLiteral("OK"), headers,
                                   QByteArrayLiteral("warm"), toQString(iso, info[1]), false))
            .Check();
    info.GetReturnValue().Set(resolver->GetPromise());
}

void fetch(const Info &info)
{
    v8::Isolate *iso = info.GetIsolate();
    v8::Local<v8::Context> context = iso->GetCurrentContext();
    if (!iso->GetData(Isolate::InstanceSlot))
        return warmUpFetch(info);
    Instance *found = instanceOf(info);
    if (!found)
        return;
    Instance &instance = *found;
    InvocationContext *invocation = instance.current();
    if (!invocation)
        return throwError(iso,
                          QStringLiteral("Disallowed operation called within global scope. "
                                         "fetch() can only be called while handling a request."));
    if (!invocation->countSubrequest())
        return throwError(iso, QLatin1String(messages::tooManySubrequests));
    if (invocation->host && invocation->host->routesOutboundFetch()) {
        v8::Local<v8::Array> args = v8::Array::New(iso, 5);
        for (int i = 0; i < 5; ++i)
            args->Set(context, i, info[i]).Check();
        v8::Local<v8::Value> routed = instance.binding(QString::fromLatin1(outboundFetchBinding),
                                                       QStringLiteral("fetch"), args);
        if (!routed.IsEmpty())
            info.GetReturnValue().Set(routed);
        return;
    }
    OutboundRequest request;
    request.method = toQString(iso, info[0]);
    request.url = QUrl(toQString(iso, info[1]));
    if (!request.url.isValid()
        || (request.url.scheme() != QLatin1String("http")
            && request.url.scheme() != QLatin1String("https")))
        return throwTypeError(
                iso, QStringLiteral("Fetch API cannot load: %1").arg(toQString(iso, info[1])));
    request.headers = headersFromV8(context, info[2]);
    QByteArray body;
    if (toBytes(info[3], &body))
        request.body = body;
    request.followRedirects = toQString(iso, info[4]) != QLatin1String("manual");
    info.GetReturnValue().Set(instance.fetch(request));
}

void binding(const Info &info)
{
    v8::Isolate *iso = info.GetIsolate();
    Instance *instance = instanceOf(info);
    if (!instance)
        return;
    v8::Local<v8::Value> result
            = instance->binding(toQString(iso, info[0]), toQString(iso, info[1]), info[2]);
    if (!result.IsEmpty())
        info.GetReturnValue().Set(result);
}

// structuredClone as workerd has it: V8's own serializer, so which values clone, in which order
// getters run, and the DataCloneError texts are V8's. The prelude passes `makeError(message)`
// (its DOMException) and has already refused its own platform objects, which V8 would otherwise
// copy as plain objects.
class CloneSerializerDelegate final : public v8::ValueSerializer::Delegate
{
public:
    CloneSerializerDelegate(v8::Isolate *isolate, v8::Local<v8::Function> makeError)
        : m_isolate(isolate), m_makeError(makeError)
    { }
    void ThrowDataCloneError(v8::Local<v8::String> message) override
    {
        v8::Local<v8::Value> argv[] = {message};
        v8::Local<v8::Value> error;
        if (m_makeError->Call(m_isolate->GetCurrentContext(), v8::Undefined(m_isolate), 1, argv)
                    .ToLocal(&error))
            m_isolate->ThrowException(error);
    }
    // The serialized form lives outside the counted ArrayBuffer allocator: bounded like a Worker's
    // memory so one clone cannot take the process's.
    void *ReallocateBufferMemory(void *old, size_t size, size_t *actual) override
    {
        if (size > kMaxCloneBytes)
            return nullptr;
        void *data = std::realloc(old, size);
        if (data)
            *actual = size;
        return data;
    }
    void FreeBufferMemory(void *buffer) override { std::free(buffer); }

    static constexpr size_t kMaxCloneBytes = size_t(128) << 20;

private:
    v8::Isolate *m_isolate;
    v8::Local<v8::Function> m_makeError;
};

// structuredClone(value, transfer: ArrayBuffer[], makeError) -> clone; the transferred buffers
// are detached and their contents move to the clone.
void structuredClone(const Info &info)
{
    v8::Isolate *iso = info.GetIsolate();
    v8::Local<v8::Context> context = iso->GetCurrentContext();
    if (!info[2]->IsFunction()) {
        throwTypeError(iso, QStringLiteral("internal error: structuredClone needs makeError"));
        return;
    }
    std::vector<v8::Local<v8::ArrayBuffer>> transfer;
    if (info[1]->IsArray()) {
        v8::Local<v8::Array> list = info[1].As<v8::Array>();
        for (uint32_t i = 0; i < list->Length(); ++i) {
            v8::Local<v8::Value> item;
            if (!list->Get(context, i).ToLocal(&item))
                return;
            // workerd lets views through (they are not transferred), and refuses anything else
            if (item->IsArrayBufferView())
                continue;
            if (!item->IsArrayBuffer()) {
                throwTypeError(iso, QStringLiteral("Object is not transferable"));
                return;
            }
            transfer.push_back(item.As<v8::ArrayBuffer>());
        }
    }
    CloneSerializerDelegate delegate(iso, info[2].As<v8::Function>());
    v8::ValueSerializer serializer(iso, &delegate);
    std::vector<v8::Local<v8::ArrayBuffer>> distinct;
    for (const auto &buffer : transfer) {
        bool seen = false;
        for (const auto &d : distinct)
            seen = seen || d->StrictEquals(buffer);
        if (seen)
            continue;
        if (!buffer->IsDetachable() || buffer->WasDetached()) {
            v8::Local<v8::Value> argv[] = {toV8String(
                    iso, QStringLiteral("An ArrayBuffer is detached and could not be cloned."))};
            v8::Local<v8::Value> error;
            if (info[2].As<v8::Function>()
                        ->Call(context, v8::Undefined(iso), 1, argv)
                        .ToLocal(&error))
                iso->ThrowException(error);
            return;
        }
        serializer.TransferArrayBuffer(uint32_t(distinct.size()), buffer);
        distinct.push_back(buffer);
    }
    serializer.WriteHeader();
    bool ok = false;
    if (!serializer.WriteValue(context, info[0]).To(&ok) || !ok)
        return;
    std::pair<uint8_t *, size_t> data = serializer.Release();
    std::unique_ptr<uint8_t, decltype(&std::free)> owned(data.first, &std::free);
    v8::ValueDeserializer deserializer(iso, data.first, data.second);
    for (uint32_t i = 0; i < distinct.size(); ++i) {
        std::shared_ptr<v8::BackingStore> store = distinct[i]->GetBackingStore();
        distinct[i]->Detach();
        deserializer.TransferArrayBuffer(i, v8::ArrayBuffer::New(iso, std::move(store)));
    }
    if (!deserializer.ReadHeader(context).To(&ok) || !ok)
        return;
    v8::Local<v8::Value> result;
    if (deserializer.ReadValue(context).ToLocal(&result))
        info.GetReturnValue().Set(result);
}

void bodyRead(const Info &info)
{
    Instance *instance = instanceOf(info);
    if (!instance)
        return;
    info.GetReturnValue().Set(instance->readBody(
            quint64(info[0]->NumberValue(info.GetIsolate()->GetCurrentContext()).FromMaybe(0))));
}

void bodyCancel(const Info &info)
{
    Instance *instance = instanceOf(info);
    if (!instance)
        return;
    instance->cancelBody(
            quint64(info[0]->NumberValue(info.GetIsolate()->GetCurrentContext()).FromMaybe(0)));
}

void wsOpen(const Info &info)
{
    Instance *instance = instanceOf(info);
    if (!instance)
        return;
    const quint64 key = instance->openWebSocket(
            quint64(info[0]->NumberValue(info.GetIsolate()->GetCurrentContext()).FromMaybe(0)));
    info.GetReturnValue().Set(double(key));
}

// wsSend(key, string or ArrayBuffer): a message from the Worker's end to the client.
void wsSend(const Info &info)
{
    Instance *instance = instanceOf(info);
    if (!instance)
        return;
    v8::Isolate *iso = info.GetIsolate();
    WebSocketMessage message;
    if (info[1]->IsString()) {
        message.kind = WebSocketMessage::Kind::Text;
        message.data = toQString(iso, info[1]).toUtf8();
    } else {
        message.kind = WebSocketMessage::Kind::Binary;
        toBytes(info[1], &message.data);
    }
    instance->webSocketSend(quint64(info[0]->NumberValue(iso->GetCurrentContext()).FromMaybe(0)),
                            std::move(message));
}

// wsClose(key, code, reason).
void wsClose(const Info &info)
{
    Instance *instance = instanceOf(info);
    if (!instance)
        return;
    v8::Isolate *iso = info.GetIsolate();
    v8::Local<v8::Context> context = iso->GetCurrentContext();
    WebSocketMessage message;
    message.kind = WebSocketMessage::Kind::Close;
    message.code = int(info[1]->NumberValue(context).FromMaybe(1005));
    message.reason = info[2]->IsString() ? toQString(iso, info[2]) : QString();
    instance->webSocketSend(quint64(info[0]->NumberValue(context).FromMaybe(0)),
                            std::move(message));
}

// wsAccept(key): an outbound WebSocket's accept(), after which its upstream is read.
void wsAccept(const Info &info)
{
    Instance *instance = instanceOf(info);
    if (!instance)
        return;
    instance->acceptWebSocket(
            quint64(info[0]->NumberValue(info.GetIsolate()->GetCurrentContext()).FromMaybe(0)));
}

void now(const Info &info)
{
    info.GetReturnValue().Set(double(QDateTime::currentMSecsSinceEpoch()));
}

// The getter of a property defineLazy made: V8 calls it on the first read and replaces the property
// with a data property of the value it returns, so the property looks like any other.
void lazyPropertyGetter(v8::Local<v8::Name> name, const v8::PropertyCallbackInfo<v8::Value> &info)
{
    v8::Isolate *iso = info.GetIsolate();
    v8::Local<v8::Context> context = iso->GetCurrentContext();
    v8::Local<v8::Value> argv[] = {name};
    v8::Local<v8::Value> value;
    if (!info.Data()->IsFunction()
        || !info.Data()
                    .As<v8::Function>()
                    ->Call(context, v8::Undefined(iso), 1, argv)
                    .ToLocal(&value))
        return;
    // When a value comes back, V8 (Accessors::ReplaceAccessorWithDataProperty) CHECKs that the
    // holder still has this property as an accessor, and a failed CHECK ends the process. Code the
    // function ran (a Worker's, reached through what it replaced) may have deleted or redefined it:
    // then the read throws instead.
    if (!info.Holder()->HasRealNamedCallbackProperty(context, name).FromMaybe(false)) {
        if (!iso->IsExecutionTerminating())
            throwTypeError(iso,
                           QStringLiteral("%1 was redefined while it loaded")
                                   .arg(name->IsString() ? toQString(iso, name)
                                                         : QStringLiteral("A property")));
        return;
    }
    info.GetReturnValue().Set(value);
}

void defineLazy(const Info &info)
{
    v8::Isolate *iso = info.GetIsolate();
    v8::Local<v8::Context> context = iso->GetCurrentContext();
    if (!info[0]->IsObject() || !info[1]->IsString() || !info[2]->IsFunction())
        return throwTypeError(iso, QStringLiteral("defineLazy: expected (object, name, function)"));
    info[0].As<v8::Object>()
            ->SetLazyDataProperty(context, info[1].As<v8::String>(), &lazyPropertyGetter, info[2],
                                  v8::DontEnum)
            .Check();
}

const NativeFunction coreTable[] = {
        {"log", &log},
        {"utf8Encode", &utf8Encode},
        {"utf8Decode", &utf8Decode},
        {"randomFill", &randomFill},
        {"transferArrayBuffer", &transferArrayBuffer},
        {"setTimer", &setTimer},
        {"clearTimer", &clearTimer},
        {"fetch", &fetch},
        {"binding", &binding},
        {"bodyRead", &bodyRead},
        {"bodyCancel", &bodyCancel},
        {"wsOpen", &wsOpen},
        {"wsSend", &wsSend},
        {"wsClose", &wsClose},
        {"wsAccept", &wsAccept},
        {"now", &now},
        {"defineLazy", &defineLazy},
        {"structuredClone", &structuredClone},
};
} // namespace

std::span<const NativeFunction> coreNatives()
{
    return coreTable;
}

std::vector<intptr_t> nativeCallbacks()
{
    std::vector<intptr_t> callbacks;
    for (const auto table : {coreNatives(), encodingNatives(), cryptoNatives()}) {
        for (const NativeFunction &native : table)
            callbacks.push_back(reinterpret_cast<intptr_t>(native.callback));
    }
    callbacks.push_back(reinterpret_cast<intptr_t>(&lazyPropertyGetter));
    return callbacks;
}

void addNativeFunctions(v8::Local<v8::Context> context, v8::Local<v8::Object> target,
                        std::span<const NativeFunction> table)
{
    v8::Isolate *iso = context->GetIsolate();
    for (const NativeFunction &native : table) {
        v8::Local<v8::Function> function
                = v8::Function::New(context, native.callback).ToLocalChecked();
        target->Set(context, toV8String(iso, native.name), function).Check();
    }
}

void installNatives(v8::Local<v8::Context> context)
{
    v8::Isolate *iso = context->GetIsolate();
    v8::Local<v8::Object> natives = v8::Object::New(iso);
    addNativeFunctions(context, natives, coreNatives());
    installEncodingNatives(context, natives);
    installCryptoNatives(context, natives);
    context->Global()->Set(context, toV8String(iso, "__switchyard"), natives).Check();
}

} // namespace switchyard::engine
