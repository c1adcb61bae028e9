#pragma once

#include <QtGlobal>

#include <algorithm>
#include <chrono>

namespace switchyard::engine {

// What one Invocation may consume, as its dispatcher asks. Zero or less means "the policy's
// default" (LimitsPolicy), so a caller only states the limits its customer's plan changes.
struct Limits
{
    int cpuMs = 0;
    int subRequests = 0;
    int wallMs = 0;
};

// Limits resolved for one Invocation: what its InvocationContext enforces.
struct InvocationBudget
{
    qint64 cpuNs = 0;
    int subRequests = 0;
    int wallMs = 0;
    int dataPoints = 0;
    int keptResponses = 0;
    qsizetype keptResponseBytes = 0;
};

// Every limit the runtime applies to Workers, in one place: the defaults an Invocation gets, what
// an Instance may hold, and the per-invocation caps Cloudflare documents. EngineConfig is one, so
// a test or the app changes a limit where it changes the rest of the engine's configuration.
struct LimitsPolicy
{
    // One isolate's JS heap and, separately, its binary data (ArrayBuffer backing stores).
    qint64 heapLimitBytes = 128ll * 1024 * 1024;
    int defaultCpuMs = 30000;
    int defaultWallMs = 30000;
    int defaultSubRequests = 1000;
    int startupCpuMs = 1000; // evaluating a Script's top level, outside any Invocation
    // After the response, ctx.waitUntil() work gets a wall budget of its own, capped at this
    // (workerd's 30 s).
    int waitUntilWallMs = 30000;
    // Live timers (setTimeout/setInterval not yet fired or cleared) one Instance may hold; one
    // more throws. Each costs a persistent handle and a queue entry while pending.
    int maxLiveTimers = 10000;
    // Analytics Engine: writeDataPoint() calls one Invocation may make (Cloudflare's 25).
    int maxDataPointsPerInvocation = 25;
    // Responses of fetch-shaped bindings kept for the kept-response fast path: the first few of
    // an Invocation, of modest size (a copy lives in JS too).
    int keptResponses = 4;
    qsizetype keptResponseBytes = 1 << 20;

    InvocationBudget budget(const Limits &asked) const
    {
        InvocationBudget b;
        b.cpuNs = qint64(asked.cpuMs > 0 ? asked.cpuMs : defaultCpuMs) * 1000000;
        b.subRequests = asked.subRequests > 0 ? asked.subRequests : defaultSubRequests;
        b.wallMs = asked.wallMs > 0 ? asked.wallMs : defaultWallMs;
        b.dataPoints = maxDataPointsPerInvocation;
        b.keptResponses = keptResponses;
        b.keptResponseBytes = keptResponseBytes;
        return b;
    }
    qint64 startupCpuNs() const { return qint64(startupCpuMs) * 1000000; }
    // The waitUntil() phase's wall budget, from the response on.
    std::chrono::milliseconds waitUntilWall(const InvocationBudget &b) const
    {
        return std::chrono::milliseconds(std::min(b.wallMs, waitUntilWallMs));
    }
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

} // namespace switchyard::engine
