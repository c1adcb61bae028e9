// A multipart/form-data upload (the admin API's Worker upload): the Content-Type line, then the
// body.
//
// Input: `<Content-Type>\n<body>`. When the Content-Type yields no boundary, the body is parsed
// with the boundary "b", so the body parser runs for every input.

#include "http/multipart.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>

using namespace switchyard::http;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray input
            = QByteArray::fromRawData(reinterpret_cast<const char *>(data), qsizetype(size));
    const qsizetype newline = input.indexOf('\n');
    const QByteArray contentType = newline < 0 ? QByteArray() : input.left(newline);
    const QByteArray body = newline < 0 ? input : input.mid(newline + 1);

    mediaType(contentType);
    const auto boundary = multipartBoundary(contentType);
    if (boundary && (boundary->isEmpty() || boundary->size() > 70))
        std::abort();
    const MultipartResult result = parseMultipart(body, boundary.value_or("b"));

    // Either parts or an error, never both; every part has a name; parts are pieces of the body.
    if (!result.error.isEmpty() && !result.parts.isEmpty())
        std::abort();
    qsizetype total = 0;
    for (const MultipartPart &part : result.parts) {
        if (part.name.isEmpty())
            std::abort();
        total += part.body.size();
    }
    if (total > body.size())
        std::abort();
    return 0;
}
