#include "exportlayout.h"

#include <QStringList>

namespace switchyard::platform::exportlayout {

std::optional<QString> checkModulePath(const QString &name)
{
    if (name.isEmpty())
        return QStringLiteral("the name is empty");
    if (name.size() > 1024)
        return QStringLiteral("the name is longer than 1024 characters");
    if (name.startsWith(u'/') || name.contains(u'\\') || name.contains(QChar(0)))
        return QStringLiteral("must be a relative path with \"/\" between folders");
    for (const QString &segment : name.split(u'/')) {
        if (segment.isEmpty() || segment == u"." || segment == u"..")
            return QStringLiteral("must not have an empty, \".\" or \"..\" part");
        if (segment.startsWith(u'.'))
            return QStringLiteral("a part starting with \".\" is reserved (%1 holds secrets)")
                    .arg(kSecretsFile);
    }
    if (name == kConfigFile)
        return QStringLiteral("%1 is reserved for the Worker's wrangler configuration")
                .arg(kConfigFile);
    return std::nullopt;
}

QString wranglerRuleType(const QString &contentType)
{
    if (contentType == u"application/javascript+module")
        return QStringLiteral("ESModule");
    if (contentType == u"application/javascript" || contentType == u"text/javascript")
        return QStringLiteral("CommonJS");
    if (contentType == u"text/plain")
        return QStringLiteral("Text");
    if (contentType == u"application/octet-stream")
        return QStringLiteral("Data");
    if (contentType == u"application/wasm")
        return QStringLiteral("CompiledWasm");
    return {};
}

} // namespace switchyard::platform::exportlayout
