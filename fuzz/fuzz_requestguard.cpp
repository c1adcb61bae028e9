// The bytes of one client connection through RequestGuard, split into reads at offsets the input
// chooses, so the guard's state carried from one read to the next is exercised as on a socket.
//
// Input: one byte that seeds the read sizes, then the connection's bytes. Only RequestGuard's
// public API is used, so the target follows the guard wherever the HTTP layer moves it.

#include "http/requestguard.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>

using switchyard::http::ListenerLimits;
using switchyard::http::RequestGuard;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint32_t seed = data[0];
    ++data;
    --size;

    // Small limits, so inputs of a few kilobytes reach 413, 414 and 431.
    ListenerLimits limits;
    limits.maxBodyBytes = 4096;
    limits.maxHeaderBytes = 1024;
    limits.maxUrlBytes = 128;
    RequestGuard guard(limits);

    size_t offset = 0;
    RequestGuard::Verdict verdict = RequestGuard::Verdict::Pass;
    while (offset < size) {
        seed = seed * 1103515245u + 12345u;
        const size_t take = std::min<size_t>(size - offset, 1 + (seed >> 16) % 64);
        verdict = guard.feed(reinterpret_cast<const char *>(data + offset), qint64(take));
        offset += take;
        if (verdict != RequestGuard::Verdict::Pass)
            break;
    }
    // A refused connection always says why; a passed one never does.
    if ((verdict == RequestGuard::Verdict::Pass) != guard.reason().isEmpty())
        std::abort();
    return 0;
}
