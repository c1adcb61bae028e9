#include "invocation.h"

#include "invocationcontext.h"

namespace switchyard::engine {

InvocationRef::InvocationRef(std::weak_ptr<InvocationContext> state, quint64 id)
    : m_state(std::move(state)), m_id(id)
{ }

QString InvocationRef::scriptName() const
{
    auto state = m_state.lock();
    return state && state->script ? state->script->name() : QString();
}

int InvocationRef::subrequestCount() const
{
    auto state = m_state.lock();
    return state ? state->subrequestCount() : 0;
}

} // namespace switchyard::engine
