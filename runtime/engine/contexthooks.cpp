#include "contexthooks.h"

#include "valueconvert.h"

#include <v8-script.h>

namespace switchyard::engine {

namespace {
// settled(id, value, fulfilled) once an Invocation's result settles; a fetch handler's result (a
// Response or a Promise of one) goes through internals.readResponse first. The same promise
// reactions the engine made with v8::Function::New per Invocation, with one function per Instance.
constexpr char watchSource[] = R"JS((function (internals, settled) {
  'use strict';
  const NativePromise = Promise;
  const then = Promise.prototype.then;
  const apply = Reflect.apply;
  return function (result, id, fetchEvent) {
    let promise = result;
    if (fetchEvent) {
      promise = new NativePromise((resolve) => resolve(result));
      promise = apply(then, promise, [(value) => internals.readResponse(value, id)]);
    }
    apply(then, promise, [(value) => settled(id, value, true), (error) => settled(id, error, false)]);
  };
}))JS";

// pump(reader, id): the next chunk of Invocation `id`'s response body goes to chunk(id, value, ok).
constexpr char pumpSource[] = R"JS((function (internals, chunk) {
  'use strict';
  const then = Promise.prototype.then;
  const apply = Reflect.apply;
  return function (reader, id) {
    apply(then, internals.readBodyChunk(reader), [(value) => chunk(id, value, true), (error) => chunk(id, error, false)]);
  };
}))JS";

// The engine's own functions compiled whole, inner functions too: V8 would otherwise compile each
// on its first call, inside the Instance's first Invocation and on its CPU clock.
v8::MaybeLocal<v8::Function> makeHook(v8::Local<v8::Context> context,
                                      v8::Local<v8::Object> internals, const char *source,
                                      v8::FunctionCallback callback)
{
    v8::Isolate *iso = context->GetIsolate();
    v8::ScriptCompiler::Source code(toV8String(iso, source));
    v8::Local<v8::Script> script;
    v8::Local<v8::Value> factory;
    v8::Local<v8::Function> native;
    v8::Local<v8::Value> hook;
    if (!v8::ScriptCompiler::Compile(context, &code, v8::ScriptCompiler::kEagerCompile)
                 .ToLocal(&script)
        || !script->Run(context).ToLocal(&factory) || !factory->IsFunction()
        || !v8::Function::New(context, callback).ToLocal(&native))
        return {};
    v8::Local<v8::Value> args[] = {internals, native};
    if (!factory.As<v8::Function>()->Call(context, v8::Undefined(iso), 2, args).ToLocal(&hook)
        || !hook->IsFunction())
        return {};
    return hook.As<v8::Function>();
}
} // namespace

bool prepareForWorkers(v8::Local<v8::Context> context, v8::Local<v8::Object> internals,
                       v8::FunctionCallback settled, v8::FunctionCallback chunk,
                       ContextHooks *hooks)
{
    v8::Isolate *iso = context->GetIsolate();
    v8::Local<v8::Value> prepare = getProperty(context, internals, "prepareContext");
    if (!prepare.IsEmpty() && prepare->IsFunction()
        && prepare.As<v8::Function>()->Call(context, internals, 0, nullptr).IsEmpty())
        return false;
    v8::Local<v8::Function> watch;
    v8::Local<v8::Function> pump;
    if (!makeHook(context, internals, watchSource, settled).ToLocal(&watch)
        || !makeHook(context, internals, pumpSource, chunk).ToLocal(&pump))
        return false;
    hooks->watch.Reset(iso, watch);
    hooks->pump.Reset(iso, pump);
    return true;
}

} // namespace switchyard::engine
