#pragma once

#include <QtGlobal>

#include <v8-local-handle.h>
#include <v8-persistent-handle.h>

#include <atomic>
#include <memory>
#include <unordered_map>

namespace v8 {
class Isolate;
class String;
} // namespace v8

namespace switchyard::engine {

struct AllocatorHolder;

// One V8 heap with its own limit. Getting near the limit terminates whatever runs and marks the
// heap as spent: its owner discards it rather than trust a heap that ran out.
class Isolate
{
public:
    // Slots of v8::Isolate::SetData the engine uses.
    enum DataSlot : uint32_t { InstanceSlot = 0, ModuleLoaderSlot = 1, IsolateSlot = 2 };

    explicit Isolate(qint64 heapLimitBytes);
    ~Isolate();
    Isolate(const Isolate &) = delete;
    Isolate &operator=(const Isolate &) = delete;

    v8::Isolate *get() const { return m_isolate; }
    static Isolate *from(v8::Isolate *isolate);
    bool memoryExceeded() const { return m_memoryExceeded.load(); }
    // An internalized string for a property name the engine uses on every request (a string
    // literal: cached by its address), made once: a fresh one is hashed and looked up in V8's
    // string table on every use.
    v8::Local<v8::String> name(const char *literal);

private:
    static size_t nearHeapLimit(void *data, size_t current, size_t initial);

    std::unique_ptr<AllocatorHolder> m_allocator;
    v8::Isolate *m_isolate = nullptr;
    std::atomic_bool m_memoryExceeded = false;
    std::unordered_map<const char *, v8::Eternal<v8::String>> m_names;
};

} // namespace switchyard::engine
