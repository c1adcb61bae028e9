#include "invocation.h"

#include "invocationstate.h"

namespace switchyard::engine {

InvocationRef::InvocationRef(std::weak_ptr<InvocationState> state, quint64 id)
    : m_state(std::move(state)), m_id(id)
{ }

QString InvocationRef::scriptName() const
{
    auto state = m_state.lock();
    return state && state->script ? state->script->name() : QString();
}

bool InvocationRef::countSubrequest() const
{
    auto state = m_state.lock();
    return state && !state->completed && state->countSubrequest();
}

int InvocationRef::subrequestCount() const
{
    auto state = m_state.lock();
    return state ? state->subrequests.load() : 0;
}

} // namespace switchyard::engine
