#pragma once

// The whole runtime (store, service, V8 engine, dispatcher, listener) seeded with the demo
// platform, as `switchyard --demo` runs it.
#include "../common/rawhttp.h"
#include "runtimestack.h"

#include "engine/v8platform.h"
#include "platform/platformservice.h"
#include "platform/platformsetup.h"

#include <QTemporaryDir>

namespace switchyard::testing {

struct DemoStack
{
    QTemporaryDir dir;
    engine::V8Platform &v8;
    std::unique_ptr<app::RuntimeStack> stack;

    explicit DemoStack(engine::V8Platform &platform) : v8(platform) { }
    bool start()
    {
        stack = std::make_unique<app::RuntimeStack>(v8);
        QString error;
        app::RuntimeStack::Config config;
        config.dataDir = dir.path();
        config.listen = {QHostAddress::LocalHost, 0};
        config.executorThreads = 2;
        if (!stack->start(config, &error)) {
            qWarning("%s", qPrintable(error));
            return false;
        }
        const auto seeded = platform::seedDemoPlatform(stack->service());
        return seeded && seeded.value();
    }
    RawResponse get(const QByteArray &host, const QByteArray &target = "/")
    {
        return rawRequest(stack->port(), "GET", host, target);
    }
};

} // namespace switchyard::testing
