#pragma once

#include "bindinghost.h"
#include "invocationcontext.h"

#include <v8-context.h>
#include <v8-local-handle.h>

namespace switchyard::engine {

// Between the prelude's binding objects and the BindingHost: reads one
// `__switchyard.binding(name, method, args)` call out of JS into a typed BindingCall (the shapes
// of CONTRACT.md, "Binding methods"), and applies the per-invocation limits a call counts
// against (subrequests for Fetchers, data points for Analytics Engine). What a binding does is
// the host's business; what its arguments mean is decided here, once.
class BindingBridge
{
public:
    enum class Decoded {
        Call, // *call is ready for the host
        LongWay, // a Fetcher forwarding a request not this Invocation's: answer undefined
        Threw, // an exception is pending in the isolate (bad arguments)
        Refused, // a limit refused it: *refusal is the message, failed like a host failure
    };

    // What each binding name of `env` (descriptors of CONTRACT.md makeEnv) is.
    static BindingKinds kindsOf(const QVariantList &env);

    static Decoded decode(v8::Local<v8::Context> context,
                          const std::shared_ptr<InvocationContext> &invocation, const QString &name,
                          const QString &method, v8::Local<v8::Value> args, BindingCall *call,
                          QString *refusal);
};

} // namespace switchyard::engine
