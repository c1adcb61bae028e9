#include "templatecatalog.h"

#include <QFile>

namespace switchyard::models {

namespace {

struct Template
{
    const char *name;
    const char *title;
    const char *resource;
};

// The shipped files live in the platform library's resources (runtime/platform/CMakeLists.txt).
constexpr Template kTemplates[] = {
        {"path", "Path routing", ":/switchyard/templates/path-routing.js"},
        {"subdomain", "Subdomain routing", ":/switchyard/templates/subdomain-routing.js"},
        {"kv", "KV routing", ":/switchyard/templates/kv-routing.js"},
        {"custom-limits", "Custom limits", ":/switchyard/templates/custom-limits.js"},
        {"demo", "Demo (routing table, plans, violations)", ":/switchyard/demo/dispatcher.js"},
};

const char kWorkerStarter[] = R"(export default {
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    return new Response(`Hello from ${url.hostname}${url.pathname}\n`);
  },
};
)";

} // namespace

TemplateCatalog::TemplateCatalog(QObject *parent) : QObject(parent) { }

QVariantList TemplateCatalog::dispatcherTemplates() const
{
    QVariantList list;
    for (const Template &t : kTemplates)
        list << QVariantMap {{QStringLiteral("name"), QLatin1String(t.name)},
                             {QStringLiteral("title"), tr(t.title)}};
    return list;
}

QString TemplateCatalog::code(const QString &name) const
{
    if (name == QLatin1String("worker"))
        return QString::fromUtf8(kWorkerStarter);
    for (const Template &t : kTemplates) {
        if (name != QLatin1String(t.name))
            continue;
        QFile file(QString::fromLatin1(t.resource));
        if (!file.open(QIODevice::ReadOnly))
            return {};
        return QString::fromUtf8(file.readAll());
    }
    return {};
}

QString TemplateCatalog::readFile(const QUrl &url)
{
    m_readError.clear();
    QFile file(url.isLocalFile() ? url.toLocalFile() : url.toString());
    if (!file.open(QIODevice::ReadOnly)) {
        m_readError = tr("cannot read %1: %2").arg(file.fileName(), file.errorString());
        return {};
    }
    if (file.size() > 10 * 1024 * 1024) {
        m_readError = tr("%1 is larger than a Worker may be (10 MB)").arg(file.fileName());
        return {};
    }
    return QString::fromUtf8(file.readAll());
}

} // namespace switchyard::models
