#pragma once

#include <v8-context.h>
#include <v8-local-handle.h>

namespace switchyard::engine {

class Instance;

// Puts `globalThis.__switchyard` (CONTRACT.md "Natives") into a new Instance's context.
void installNatives(Instance &instance, v8::Local<v8::Context> context);

} // namespace switchyard::engine
