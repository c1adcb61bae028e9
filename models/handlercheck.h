#pragma once

#include <QString>
#include <QStringList>

namespace switchyard::models {

// What a Worker's code registers, read from its text before it is saved, so the editor can refuse
// code Cloudflare refuses (no handler at all) and warn about code every request would fail on (no
// fetch handler). The engine only learns the exports when an Instance runs the module, which is
// after the save has reported success; this reads tokens instead: comments skipped, strings kept
// apart from code, so `// export default` or `"fetch"` in a log line do not count.
enum class Handlers {
    Fetch, // a default export or a "fetch" listener that can serve requests
    NoFetch, // handlers, but none named fetch: loads, then every request fails
    None, // nothing registered: Cloudflare refuses the upload
};

// `modules` is every module's source, the main module first: a default export may be defined
// in a module the main one re-exports from.
Handlers checkHandlers(const QStringList &modules);

// Cloudflare's answer to an upload with no handler (API error 10068, as wrangler prints it).
QString noHandlersMessage();
// What the editor says after saving code with handlers but no fetch: the runtime's own message
// for the requests that will fail.
QString noFetchWarning();

} // namespace switchyard::models
