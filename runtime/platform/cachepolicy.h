#pragma once

#include "engine/invocation.h"

#include <optional>

namespace switchyard::platform::cachepolicy {

// What Cloudflare's cache does with a response a Worker put() (the runtime's own checks, method,
// 206, `Vary: *`, are the prelude's): whether it is stored, for how long, and with which headers.
struct Decision
{
    bool store = false;
    qint64 ttlMs = 0;
    engine::HeaderList headers; // as stored: without Set-Cookie when `private=Set-Cookie`
};

// `s-maxage`, else `max-age`, else `Expires` (against `Date` when given), else Cloudflare's
// default edge TTL for the status (200 and 301: 120 minutes, 302 and 303: 20, 404 and 410: 3,
// any other status: not cached). `no-store`, `no-cache` and `private` are never stored; nor is a
// response with `Set-Cookie`, unless `private=Set-Cookie` names it, which stores it without.
Decision decide(int status, const engine::HeaderList &headers, qint64 nowMs);

// Whether a request with these conditional headers (empty when absent) is answered 304 by a
// stored response with `stored` headers: If-None-Match against its ETag (weak comparison, `*`
// matches), else If-Modified-Since against its Last-Modified.
bool notModified(const engine::HeaderList &stored, const QString &ifNoneMatch,
                 const QString &ifModifiedSince);

// The headers of a 304 made from a stored response: those RFC 9110 has a 304 repeat.
engine::HeaderList notModifiedHeaders(const engine::HeaderList &stored);

// The partition (store::CacheStore::Key) of a Worker's caches: "platform" for platform Workers
// (`ns` empty), the namespace's for a trusted namespace (`script` empty), the Worker's own in an
// untrusted one. Names are percent-encoded, so `/` only separates and a namespace's partition is
// the prefix of its Workers'.
QString partition(const QString &ns, const QString &script = {});

// An HTTP date (IMF-fixdate, RFC 850 or asctime) in ms since the epoch.
std::optional<qint64> parseHttpDate(const QString &text);

} // namespace switchyard::platform::cachepolicy
