#pragma once

namespace switchyard::engine {

// What one Invocation may consume. Zero or less means "the engine's default" (EngineConfig), so a
// caller only states the limits its customer's plan changes.
struct Limits
{
    int cpuMs = 0;
    int subRequests = 0;
    int wallMs = 0;
};

// The texts Workers and dispatchers see; Cloudflare's and workerd's exact wording, because user
// code matches on them.
namespace messages {
inline constexpr char cpuExceeded[] = "Worker exceeded CPU time limit.";
inline constexpr char memoryExceeded[] = "Worker exceeded memory limit.";
inline constexpr char wallExceeded[] = "Worker exceeded wall-clock time limit.";
inline constexpr char tooManySubrequests[] = "Too many subrequests.";
inline constexpr char neverResponds[] = "The script will never generate a response.";
inline constexpr char noFetchHandler[] = "Handler does not export a fetch() function.";
inline constexpr char noTailHandler[] = "Handler does not export a tail() function.";
inline constexpr char shutdown[] = "The Worker runtime is shutting down.";
} // namespace messages

// Trace outcomes, with workerd's names.
namespace outcomes {
inline constexpr char ok[] = "ok";
inline constexpr char exception[] = "exception";
inline constexpr char exceededCpu[] = "exceededCpu";
inline constexpr char exceededMemory[] = "exceededMemory";
inline constexpr char canceled[] = "canceled";
} // namespace outcomes

} // namespace switchyard::engine
