#pragma once

#include <v8-context.h>
#include <v8-local-handle.h>
#include <v8-object.h>

namespace switchyard::engine {

// Puts `globalThis.__switchyard` (CONTRACT.md "Natives") into a new context. The natives find
// their Instance in the isolate's Isolate::InstanceSlot.
void installNatives(v8::Local<v8::Context> context);
// The encoding and compression natives (natives_encoding.cpp), added to `natives`.
void installEncodingNatives(v8::Local<v8::Context> context, v8::Local<v8::Object> natives);

} // namespace switchyard::engine
