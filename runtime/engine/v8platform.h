#pragma once

#include <memory>

namespace v8 {
class Platform;
}

namespace switchyard::engine {

// Owns V8's process-wide state. V8 can be initialised once per process and never again after
// disposal, so exactly one of these lives for the whole run; main() (or a test) creates it and
// passes it to whatever creates isolates.
class V8Platform
{
public:
    explicit V8Platform(int workerThreads = 0);
    ~V8Platform();
    V8Platform(const V8Platform &) = delete;
    V8Platform &operator=(const V8Platform &) = delete;

    v8::Platform *platform() const { return m_platform.get(); }
    static const char *version();

private:
    std::unique_ptr<v8::Platform> m_platform;
};

} // namespace switchyard::engine
