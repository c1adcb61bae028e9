#pragma once

#include <v8-context.h>
#include <v8-function-callback.h>
#include <v8-local-handle.h>
#include <v8-object.h>

#include <cstdint>
#include <span>
#include <vector>

namespace switchyard::engine {

// One function of the natives object: its property name and its C++ callback.
struct NativeFunction
{
    const char *name;
    v8::FunctionCallback callback;
};

// Puts `globalThis.__switchyard` (CONTRACT.md "Natives") into a new context. The natives find
// their Instance in the isolate's Isolate::InstanceSlot.
void installNatives(v8::Local<v8::Context> context);
// The encoding and compression natives (natives_encoding.cpp), added to `natives`.
void installEncodingNatives(v8::Local<v8::Context> context, v8::Local<v8::Object> natives);

// The callbacks of each natives file: a context serialized into a startup snapshot refers to them
// by their index in V8's external-reference table (nativeCallbacks()).
std::span<const NativeFunction> coreNatives();
std::span<const NativeFunction> encodingNatives();
std::span<const NativeFunction> cryptoNatives();
// Every native callback a prelude context can hold, for v8::SnapshotCreator and the isolates that
// deserialize its contexts.
std::vector<intptr_t> nativeCallbacks();
// Makes each entry of `table` a function property of `target`.
void addNativeFunctions(v8::Local<v8::Context> context, v8::Local<v8::Object> target,
                        std::span<const NativeFunction> table);

} // namespace switchyard::engine
