#include "isolate.h"

#include "logging.h"

#include <v8-array-buffer.h>
#include <v8-context.h>
#include <v8-exception.h>
#include <v8-isolate.h>
#include <v8-primitive.h>

#include <cstdlib>

namespace switchyard::engine {

std::atomic_int Isolate::s_live = 0;

// Backing stores of ArrayBuffers, typed arrays and SharedArrayBuffers come from here, so binary
// data is bounded like the heap is: past the budget the allocation fails (JavaScript sees V8's
// RangeError) and the isolate is over its memory limit. Free may be called from V8's background
// sweeper, hence the atomic count.
class CountingAllocator final : public v8::ArrayBuffer::Allocator
{
public:
    explicit CountingAllocator(size_t budget) : m_budget(budget) { }

    void *Allocate(size_t length) override
    {
        if (!reserve(length))
            return nullptr;
        void *data = std::calloc(length, 1);
        if (!data)
            m_used.fetch_sub(length);
        return data;
    }
    void *AllocateUninitialized(size_t length) override
    {
        if (!reserve(length))
            return nullptr;
        void *data = std::malloc(length);
        if (!data)
            m_used.fetch_sub(length);
        return data;
    }
    void Free(void *data, size_t length) override
    {
        std::free(data);
        m_used.fetch_sub(length);
    }

    size_t used() const { return m_used.load(); }
    void release(size_t length) { m_used.fetch_sub(length); }
    Isolate *owner = nullptr;

    bool reserve(size_t length, bool exceed = true)
    {
        size_t used = m_used.load();
        do {
            if (length > m_budget || used > m_budget - length) {
                if (!exceed)
                    return false;
                // V8 collects garbage and asks again before it gives up; by then the isolate is
                // spent either way, as one whose heap reached its limit is.
                if (owner)
                    owner->exceedMemory("binary data");
                return false;
            }
        } while (!m_used.compare_exchange_weak(used, used + length));
        return true;
    }

private:
    const size_t m_budget;
    std::atomic<size_t> m_used = 0;
};

Isolate::Isolate(qint64 heapLimitBytes, StartupSnapshot snapshot)
    : m_allocator(std::make_unique<CountingAllocator>(size_t(heapLimitBytes)))
{
    v8::Isolate::CreateParams params;
    params.array_buffer_allocator = m_allocator.get();
    params.constraints.ConfigureDefaultsFromHeapSize(0, size_t(heapLimitBytes));
    params.snapshot_blob = snapshot.blob;
    params.external_references = snapshot.references;
    m_isolate = v8::Isolate::New(params);
    setUp();
}

Isolate::Isolate(v8::Isolate *creatorIsolate, qint64 heapLimitBytes, Adopt)
    : m_allocator(std::make_unique<CountingAllocator>(size_t(heapLimitBytes))),
      m_isolate(creatorIsolate), m_owned(false)
{
    setUp();
}

void Isolate::setUp()
{
    m_allocator->owner = this;
    // Microtasks drain at the end of each slice the engine runs, inside its CPU accounting.
    m_isolate->SetMicrotasksPolicy(v8::MicrotasksPolicy::kExplicit);
    m_isolate->AddNearHeapLimitCallback(&Isolate::nearHeapLimit, this);
    // A blocked executor thread serves nobody and burns no CPU time a limit could see; workerd
    // forbids Atomics.wait() for the same reason (it throws a TypeError).
    m_isolate->SetAllowAtomicsWait(false);
    // WebAssembly.compile/Module/instantiate from bytes follow the context's switch for code
    // generation from strings, as in workerd: allowed while a Worker's script loads, not after.
    m_isolate->SetAllowWasmCodeGenerationCallback(
            [](v8::Local<v8::Context> context, v8::Local<v8::String>) {
                return context->IsCodeGenerationFromStringsAllowed();
            });
    m_isolate->SetData(IsolateSlot, this);
    ++s_live;
}

Isolate *Isolate::from(v8::Isolate *isolate)
{
    return static_cast<Isolate *>(isolate->GetData(IsolateSlot));
}

v8::Local<v8::String> Isolate::name(const char *literal)
{
    auto it = m_names.find(literal);
    if (it == m_names.end()) {
        auto made = v8::String::NewFromUtf8(m_isolate, literal, v8::NewStringType::kInternalized)
                            .ToLocalChecked();
        // A snapshot may hold no handle it does not serialize, eternal ones included.
        if (!m_owned)
            return made;
        it = m_names.emplace(literal, v8::Eternal<v8::String>(m_isolate, made)).first;
    }
    return it->second.Get(m_isolate);
}

Isolate::~Isolate()
{
    for (auto &extension : m_extensions)
        extension.reset();
    if (m_owned) {
        m_isolate->Dispose();
    } else {
        m_isolate->RemoveNearHeapLimitCallback(&Isolate::nearHeapLimit, 0);
        m_isolate->SetData(IsolateSlot, nullptr);
    }
    --s_live;
}

void Isolate::exceedMemory(const char *what)
{
    if (!m_memoryExceeded.exchange(true))
        qCInfo(lcEngine) << "isolate exceeded its memory limit:" << what;
    m_isolate->TerminateExecution();
}

bool Isolate::chargeBinary(size_t bytes)
{
    if (m_allocator->reserve(bytes, false))
        return true;
    // As V8 does before it refuses an ArrayBuffer: what is garbage may be holding the budget.
    m_isolate->LowMemoryNotification();
    return m_allocator->reserve(bytes);
}

void Isolate::releaseBinary(size_t bytes)
{
    m_allocator->release(bytes);
}

qint64 Isolate::binaryBytes() const
{
    return qint64(m_allocator->used());
}

size_t Isolate::nearHeapLimit(void *data, size_t current, size_t initial)
{
    auto *self = static_cast<Isolate *>(data);
    self->exceedMemory("heap");
    // Room for the allocation in progress to complete (see heapOverrunBytes); the terminated
    // script then unwinds and the isolate is discarded.
    return std::max(current, initial + size_t(heapOverrunBytes));
}

v8::MaybeLocal<v8::ArrayBuffer> newArrayBuffer(v8::Isolate *isolate, size_t length)
{
    std::unique_ptr<v8::BackingStore> store
            = v8::ArrayBuffer::NewBackingStoreForNodeLTS(isolate, length);
    if (!store) {
        if (Isolate *owner = Isolate::from(isolate))
            owner->exceedMemory("binary data");
        isolate->ThrowException(v8::Exception::RangeError(
                v8::String::NewFromUtf8Literal(isolate, "Array buffer allocation failed")));
        return {};
    }
    return v8::ArrayBuffer::New(isolate, std::move(store));
}

} // namespace switchyard::engine
