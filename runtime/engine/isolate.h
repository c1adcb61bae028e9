#pragma once

#include <QtGlobal>

#include <v8-local-handle.h>
#include <v8-persistent-handle.h>

#include <atomic>
#include <memory>
#include <unordered_map>

namespace v8 {
class ArrayBuffer;
class Isolate;
class String;
struct StartupData;
} // namespace v8

namespace switchyard::engine {

class CountingAllocator;
class PreludeRunner;

// What a new isolate starts from instead of V8's own snapshot: a blob made by v8::SnapshotCreator
// and the external references (native callbacks) its contexts were serialized with.
struct StartupSnapshot
{
    v8::StartupData *blob = nullptr;
    const intptr_t *references = nullptr; // null-terminated
};

// One V8 heap with its own limit. Running out of it, or of the budget for binary data
// (ArrayBuffer backing stores, which live outside the heap), terminates whatever runs and marks the
// isolate as spent: its owner discards it rather than trust an isolate that ran out.
class Isolate
{
public:
    // Slots of v8::Isolate::SetData the engine uses.
    enum DataSlot : uint32_t { InstanceSlot = 0, ModuleLoaderSlot = 1, IsolateSlot = 2 };

    // How far past its limit the heap may grow while the script that crossed it is stopped. V8
    // aborts the whole process when an allocation in progress does not fit, and it does not stop
    // inside one: the largest single object (a string or array of maximum length) is about
    // 1 GiB, and builtins such as Array.prototype.fill keep allocating until they return. Past
    // this ceiling V8 still aborts; it is the bound on what one tenant can make the process hold.
    static constexpr qint64 heapOverrunBytes = 2ll * 1024 * 1024 * 1024;

    // `heapLimitBytes` bounds the JS heap and, separately, the bytes of binary data.
    explicit Isolate(qint64 heapLimitBytes, StartupSnapshot snapshot = {});
    // Wraps the isolate of a v8::SnapshotCreator, which owns it (and its ArrayBuffer allocator),
    // so the natives find their Isolate while a snapshot's context is prepared.
    struct Adopt
    {
    };
    Isolate(v8::Isolate *creatorIsolate, qint64 heapLimitBytes, Adopt);
    ~Isolate();
    Isolate(const Isolate &) = delete;
    Isolate &operator=(const Isolate &) = delete;

    v8::Isolate *get() const { return m_isolate; }
    static Isolate *from(v8::Isolate *isolate);
    bool memoryExceeded() const { return m_memoryExceeded.load(); }
    // Marks the isolate as over its memory limit and terminates what runs in it. Any thread.
    void exceedMemory(const char *what);
    // Bytes of ArrayBuffer backing stores alive in this isolate.
    qint64 binaryBytes() const;
    // The prelude whose contexts this isolate holds (its `loadLazy` native finds its files here).
    PreludeRunner *prelude = nullptr;

    // Isolates alive in the process (for tests: discarded ones must go away).
    static int liveCount() { return s_live.load(); }

    // An internalized string for a property name the engine uses on every request (a string
    // literal: cached by its address), made once: a fresh one is hashed and looked up in V8's
    // string table on every use.
    v8::Local<v8::String> name(const char *literal);

    // Native state a subsystem keeps per isolate (the CryptoKey material of natives_crypto.cpp).
    // V8 runs no weak callback when an isolate is disposed, so whatever such objects still hold
    // is released here, before V8 is.
    class Extension
    {
    public:
        virtual ~Extension() = default;
    };
    enum ExtensionSlot : int { CryptoExtension = 0, ExtensionCount };
    Extension *extension(ExtensionSlot slot) const { return m_extensions[slot].get(); }
    void setExtension(ExtensionSlot slot, std::unique_ptr<Extension> extension)
    {
        m_extensions[slot] = std::move(extension);
    }

    // Bytes natives hold outside V8 for this isolate's objects, charged to the binary-data budget
    // like ArrayBuffer backing stores. False (and the isolate is over its limit) if they do not
    // fit even after a full garbage collection. Call on the isolate's thread, inside it.
    bool chargeBinary(size_t bytes);
    void releaseBinary(size_t bytes);

private:
    static size_t nearHeapLimit(void *data, size_t current, size_t initial);

    void setUp();

    std::unique_ptr<CountingAllocator> m_allocator;
    v8::Isolate *m_isolate = nullptr;
    bool m_owned = true;
    std::atomic_bool m_memoryExceeded = false;
    std::unordered_map<const char *, v8::Eternal<v8::String>> m_names;
    std::unique_ptr<Extension> m_extensions[ExtensionCount];
    static std::atomic_int s_live;
};

// A new ArrayBuffer of `length` bytes for a native, charged to the isolate's budget. V8 10.2
// aborts the process when v8::ArrayBuffer::New cannot allocate; this throws a RangeError instead
// (and the isolate is then over its memory limit) and returns an empty handle.
v8::MaybeLocal<v8::ArrayBuffer> newArrayBuffer(v8::Isolate *isolate, size_t length);

} // namespace switchyard::engine
