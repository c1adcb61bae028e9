#include "isolate.h"

#include "logging.h"

#include <v8-array-buffer.h>
#include <v8-isolate.h>
#include <v8-primitive.h>

namespace switchyard::engine {

struct AllocatorHolder
{
    std::unique_ptr<v8::ArrayBuffer::Allocator> allocator {
            v8::ArrayBuffer::Allocator::NewDefaultAllocator()};
};

Isolate::Isolate(qint64 heapLimitBytes) : m_allocator(std::make_unique<AllocatorHolder>())
{
    v8::Isolate::CreateParams params;
    params.array_buffer_allocator = m_allocator->allocator.get();
    params.constraints.ConfigureDefaultsFromHeapSize(0, size_t(heapLimitBytes));
    m_isolate = v8::Isolate::New(params);
    // Microtasks drain at the end of each slice the engine runs, inside its CPU accounting.
    m_isolate->SetMicrotasksPolicy(v8::MicrotasksPolicy::kExplicit);
    m_isolate->AddNearHeapLimitCallback(&Isolate::nearHeapLimit, this);
    m_isolate->SetData(IsolateSlot, this);
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
        it = m_names.emplace(literal, v8::Eternal<v8::String>(m_isolate, made)).first;
    }
    return it->second.Get(m_isolate);
}

Isolate::~Isolate()
{
    m_isolate->Dispose();
}

size_t Isolate::nearHeapLimit(void *data, size_t current, size_t initial)
{
    auto *self = static_cast<Isolate *>(data);
    if (!self->m_memoryExceeded.exchange(true))
        qCInfo(lcEngine) << "isolate reached its heap limit of" << initial << "bytes";
    self->m_isolate->TerminateExecution();
    // Headroom lets the terminated script unwind instead of V8 aborting the process.
    return current + std::max<size_t>(initial, 64 * 1024 * 1024);
}

} // namespace switchyard::engine
