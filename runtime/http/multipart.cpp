#include "multipart.h"

namespace switchyard::http {

namespace {

// A parameter of a header value such as `form-data; name="x"; filename="y"`. Quoted values may
// escape with a backslash (RFC 2045) or with %22/%0D/%0A (what browsers and undici write).
std::optional<QByteArray> headerParameter(const QByteArray &value, const QByteArray &wanted)
{
    qsizetype i = value.indexOf(';');
    while (i >= 0 && i < value.size()) {
        ++i;
        while (i < value.size() && (value.at(i) == ' ' || value.at(i) == '\t'))
            ++i;
        const qsizetype eq = value.indexOf('=', i);
        if (eq < 0)
            return std::nullopt;
        const QByteArray key = value.mid(i, eq - i).trimmed().toLower();
        qsizetype j = eq + 1;
        QByteArray parsed;
        if (j < value.size() && value.at(j) == '"') {
            ++j;
            while (j < value.size() && value.at(j) != '"') {
                if (value.at(j) == '\\' && j + 1 < value.size())
                    ++j;
                parsed += value.at(j);
                ++j;
            }
            if (j >= value.size())
                return std::nullopt; // unterminated quote
            ++j;
            parsed.replace("%22", "\"").replace("%0D", "\r").replace("%0A", "\n");
        } else {
            const qsizetype end = value.indexOf(';', j);
            parsed = value.mid(j, end < 0 ? -1 : end - j).trimmed();
            j = end < 0 ? value.size() : end;
        }
        if (key == wanted)
            return parsed;
        i = value.indexOf(';', j);
    }
    return std::nullopt;
}

} // namespace

QByteArray mediaType(const QByteArray &contentType)
{
    const qsizetype semicolon = contentType.indexOf(';');
    return contentType.left(semicolon < 0 ? contentType.size() : semicolon).trimmed().toLower();
}

std::optional<QByteArray> multipartBoundary(const QByteArray &contentType)
{
    if (mediaType(contentType) != "multipart/form-data")
        return std::nullopt;
    const auto boundary = headerParameter(contentType, "boundary");
    // RFC 2046: 1 to 70 characters.
    if (!boundary || boundary->isEmpty() || boundary->size() > 70)
        return std::nullopt;
    return boundary;
}

MultipartResult parseMultipart(const QByteArray &body, const QByteArray &boundary)
{
    MultipartResult result;
    const QByteArray delimiter = "--" + boundary;
    const QByteArray innerDelimiter = "\r\n" + delimiter;
    auto fail = [&](const QString &message) {
        result.parts.clear();
        result.error = message;
        return result;
    };

    // The first delimiter starts the body or a line after a preamble.
    qsizetype pos = body.startsWith(delimiter) ? 0 : body.indexOf(innerDelimiter);
    if (pos < 0)
        return fail(QStringLiteral("the multipart body does not contain its boundary"));
    pos += body.startsWith(delimiter) && pos == 0 ? delimiter.size() : innerDelimiter.size();

    for (int index = 1;; ++index) {
        if (body.mid(pos, 2) == "--")
            return result; // the closing delimiter; an epilogue after it is ignored
        // Transport padding, then the line break that ends the delimiter line.
        while (pos < body.size() && (body.at(pos) == ' ' || body.at(pos) == '\t'))
            ++pos;
        if (body.mid(pos, 2) != "\r\n")
            return fail(QStringLiteral("part %1: the boundary line is not followed by a line "
                                       "break (the body is cut short or malformed)")
                                .arg(index));
        pos += 2;
        const qsizetype headEnd = body.indexOf("\r\n\r\n", pos - 2);
        if (headEnd < 0)
            return fail(QStringLiteral("part %1: its headers do not end with an empty line")
                                .arg(index));
        MultipartPart part;
        bool hasDisposition = false;
        const QByteArray head = headEnd >= pos ? body.mid(pos, headEnd - pos) : QByteArray();
        for (const QByteArray &line : head.split('\n')) {
            const QByteArray trimmed = line.trimmed();
            if (trimmed.isEmpty())
                continue;
            const qsizetype colon = trimmed.indexOf(':');
            if (colon <= 0)
                return fail(QStringLiteral("part %1: malformed header line \"%2\"")
                                    .arg(index)
                                    .arg(QString::fromLatin1(trimmed.left(80))));
            const QByteArray name = trimmed.left(colon).trimmed().toLower();
            const QByteArray value = trimmed.mid(colon + 1).trimmed();
            if (name == "content-disposition") {
                if (mediaType(value) != "form-data")
                    return fail(QStringLiteral("part %1: Content-Disposition is not form-data")
                                        .arg(index));
                const auto fieldName = headerParameter(value, "name");
                if (!fieldName || fieldName->isEmpty())
                    return fail(
                            QStringLiteral("part %1: Content-Disposition has no name").arg(index));
                part.name = QString::fromUtf8(*fieldName);
                part.filename = QString::fromUtf8(headerParameter(value, "filename").value_or(""));
                hasDisposition = true;
            } else if (name == "content-type") {
                part.contentType = mediaType(value);
            }
        }
        if (!hasDisposition)
            return fail(QStringLiteral("part %1 has no Content-Disposition header").arg(index));
        const qsizetype bodyStart = headEnd + 4;
        const qsizetype next = body.indexOf(innerDelimiter, bodyStart);
        if (next < 0)
            return fail(QStringLiteral("part %1 (\"%2\") is not closed by the boundary; the "
                                       "upload is cut short")
                                .arg(index)
                                .arg(part.name));
        part.body = body.mid(bodyStart, next - bodyStart);
        result.parts.append(std::move(part));
        pos = next + innerDelimiter.size();
    }
}

} // namespace switchyard::http
