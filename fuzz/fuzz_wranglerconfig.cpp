// A wrangler configuration file (`switchyard --wrangler-config`) in one of its three syntaxes.
//
// Input: one byte choosing the syntax (TOML, JSONC or JSON), then the file's text.

#include "platform/wranglerconfig.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>

using namespace switchyard::platform;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    static const QString names[]
            = {QStringLiteral("/fuzz/wrangler.toml"), QStringLiteral("/fuzz/wrangler.jsonc"),
               QStringLiteral("/fuzz/wrangler.json")};
    const QString &fileName = names[data[0] % 3];
    const QByteArray text(reinterpret_cast<const char *>(data + 1), qsizetype(size - 1));

    const WranglerConfigResult result = parseWranglerConfig(text, fileName);
    // A configuration or an error that names the file, never neither.
    if (result.config.has_value() == !result.error.isEmpty())
        std::abort();
    if (!result.config && !result.error.startsWith(fileName))
        std::abort();
    return 0;
}
