#pragma once

#include <QtGlobal>

#include <atomic>
#include <memory>

namespace v8 {
class Isolate;
} // namespace v8

namespace switchyard::engine {

struct AllocatorHolder;

// One V8 heap with its own limit. Getting near the limit terminates whatever runs and marks the
// heap as spent: its owner discards it rather than trust a heap that ran out.
class Isolate
{
public:
    // Slots of v8::Isolate::SetData the engine uses.
    enum DataSlot : uint32_t { InstanceSlot = 0, ModuleLoaderSlot = 1 };

    explicit Isolate(qint64 heapLimitBytes);
    ~Isolate();
    Isolate(const Isolate &) = delete;
    Isolate &operator=(const Isolate &) = delete;

    v8::Isolate *get() const { return m_isolate; }
    bool memoryExceeded() const { return m_memoryExceeded.load(); }

private:
    static size_t nearHeapLimit(void *data, size_t current, size_t initial);

    std::unique_ptr<AllocatorHolder> m_allocator;
    v8::Isolate *m_isolate = nullptr;
    std::atomic_bool m_memoryExceeded = false;
};

} // namespace switchyard::engine
