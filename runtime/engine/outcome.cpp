#include "outcome.h"

namespace switchyard::engine {

QLatin1String outcomeName(Outcome outcome)
{
    switch (outcome) {
    case Outcome::Ok:
        return QLatin1String("ok");
    case Outcome::Exception:
        return QLatin1String("exception");
    case Outcome::ExceededCpu:
        return QLatin1String("exceededCpu");
    case Outcome::ExceededMemory:
        return QLatin1String("exceededMemory");
    case Outcome::Canceled:
        return QLatin1String("canceled");
    case Outcome::ScriptNotFound:
        return QLatin1String("scriptNotFound");
    }
    return QLatin1String("exception");
}

} // namespace switchyard::engine
