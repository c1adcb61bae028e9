#pragma once

#include <v8-context.h>
#include <v8-function.h>
#include <v8-object.h>
#include <v8-persistent-handle.h>

namespace switchyard::engine {

// The engine's own functions in a context, through which an Instance follows its Invocations:
// made before any Worker code runs there (a Worker may replace Promise.prototype.then or
// Reflect.apply), and so ready in a pooled context before any Instance takes it.
struct ContextHooks
{
    v8::Global<v8::Function> watch; // (result, invocationId, fetchEvent): see contexthooks.cpp
    v8::Global<v8::Function> pump; // (reader, invocationId): one chunk of a response body
    void reset()
    {
        watch.Reset();
        pump.Reset();
    }
};

// Readies a context in which the prelude has run (and, where asked, the warm-up) for Worker code,
// entered and with no Worker code run yet: makes the prelude's lazy data properties, which V8
// 10.2 cannot keep in a startup snapshot, and the hooks, whose callbacks are `settled` and
// `chunk`. False with the exception pending when the prelude threw.
bool prepareForWorkers(v8::Local<v8::Context> context, v8::Local<v8::Object> internals,
                       v8::FunctionCallback settled, v8::FunctionCallback chunk,
                       ContextHooks *hooks);

} // namespace switchyard::engine
