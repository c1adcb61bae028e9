#pragma once

#include "invocation.h"

#include <QByteArray>
#include <QString>
#include <QVariant>

#include <v8-context.h>
#include <v8-local-handle.h>
#include <v8-primitive.h>
#include <v8-typed-array.h>

namespace switchyard::engine {

// Conversions between V8 values and Qt's, in one place so every native agrees on them.
QString toQString(v8::Isolate *isolate, v8::Local<v8::Value> value);
v8::Local<v8::String> toV8String(v8::Isolate *isolate, const QString &text);
v8::Local<v8::String> toV8String(v8::Isolate *isolate, const char *latin1);
// A property name given as a string literal, internalized once per isolate (Isolate::name).
v8::Local<v8::String> propertyName(v8::Isolate *isolate, const char *literal);

// Bytes of a Uint8Array (any ArrayBufferView) or ArrayBuffer; false for anything else.
bool toBytes(v8::Local<v8::Value> value, QByteArray *bytes);
// Charged to the isolate's budget for binary data: empty, with a RangeError thrown and the isolate
// over its memory limit, when the bytes do not fit (see newArrayBuffer).
v8::Local<v8::Uint8Array> toUint8Array(v8::Isolate *isolate, const QByteArray &bytes);
v8::Local<v8::ArrayBuffer> toArrayBuffer(v8::Isolate *isolate, const QByteArray &bytes);

// Structured-cloneable values: see BindingCall for the mapping. Functions, symbols and cycles
// deeper than the nesting limit give an error instead of a value.
QVariant toVariant(v8::Local<v8::Context> context, v8::Local<v8::Value> value, QString *error);
v8::Local<v8::Value> toV8(v8::Local<v8::Context> context, const QVariant &value);

v8::Local<v8::Array> headersToV8(v8::Local<v8::Context> context, const HeaderList &headers);
// The result object of the fetch native and of fetch-shaped bindings (CONTRACT.md), which the
// prelude's responseFromResult turns into a Response.
v8::Local<v8::Object> responseToV8(v8::Local<v8::Context> context, int status,
                                   const QString &statusText, const HeaderList &headers,
                                   const QByteArray &body, const QString &url, bool redirected);
HeaderList headersFromV8(v8::Local<v8::Context> context, v8::Local<v8::Value> value);

// `name` is a string literal (see propertyName).
v8::Local<v8::Value> getProperty(v8::Local<v8::Context> context, v8::Local<v8::Object> object,
                                 const char *name);

} // namespace switchyard::engine
