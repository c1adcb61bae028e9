#include "dispatchercontroller.h"

#include "handlercheck.h"

#include "platform/platformservice.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QRegularExpression>

namespace switchyard::models {

DispatcherController::DispatcherController(QObject *parent) : QObject(parent) { }

void DispatcherController::setPlatform(PlatformController *platform)
{
    const bool changed = followPlatform(
            m_platform, platform, this,
            [this](PlatformController &, platform::PlatformService &service) {
                connect(&service, &platform::PlatformService::platformWorkerChanged, this,
                        &DispatcherController::reload);
                connect(&service, &platform::PlatformService::activeDispatcherChanged, this,
                        &DispatcherController::reload);
            });
    if (!changed)
        return;
    reload();
    Q_EMIT platformChanged();
}

static QString bindingTarget(const store::Binding &b, const platform::PlatformSnapshot &snapshot)
{
    using store::Binding;
    // KV bindings name their namespace by id; people know it by title.
    if (const auto *kv = b.as<Binding::KvNamespace>()) {
        const auto it = snapshot.kvNamespaces.constFind(kv->namespaceId);
        return it == snapshot.kvNamespaces.cend() ? kv->namespaceId : it->title;
    }
    if (const auto *dispatch = b.as<Binding::DispatchNamespace>())
        return dispatch->nameSpace;
    if (const auto *dataset = b.as<Binding::AnalyticsEngine>())
        return dataset->dataset;
    if (const auto *service = b.as<Binding::Service>())
        return service->service;
    if (const auto *text = b.as<Binding::PlainText>())
        return text->text;
    if (const auto *secret = b.as<Binding::SecretText>())
        return secret->text;
    return {};
}

void DispatcherController::reload()
{
    QString name, code;
    QStringList bindings, tails, tailTexts;
    QDateTime modified;
    if (m_platform) {
        const auto snapshot = m_platform->service().snapshot();
        if (const auto worker = snapshot->dispatcher()) {
            name = worker->name;
            for (const auto &module : worker->code.modules)
                if (module.name == worker->code.mainModule)
                    code = QString::fromUtf8(module.code);
            for (const store::Binding &b : worker->code.typedBindings)
                bindings << QStringLiteral("%1: %2 → %3")
                                    .arg(b.name, b.typeName(), bindingTarget(b, *snapshot));
            modified = QDateTime::fromMSecsSinceEpoch(worker->modifiedAt);
            tails = store::tailConsumerNames(worker->code.tailConsumers);
            for (const QString &tail : std::as_const(tails))
                tailTexts << (snapshot->platformWorker(tail) ? tail
                                                             : tr("%1 (not installed)").arg(tail));
        }
    }
    const QString tailText = tailTexts.join(QStringLiteral(", "));
    if (name == m_name && code == m_code && bindings == m_bindings && modified == m_modified
        && tails == m_tailConsumers && tailText == m_tailConsumersText)
        return;
    m_tailConsumers = tails;
    m_tailConsumersText = tailText;
    m_name = name;
    m_code = code;
    m_bindings = bindings;
    m_modified = modified;
    Q_EMIT dispatcherChanged();
}

QString DispatcherController::save(const QString &code)
{
    if (!m_platform)
        return tr("not connected to a platform");
    auto &service = m_platform->service();
    store::WorkerCode workerCode;
    QString name = service.activeDispatcher();
    if (const auto current = service.platformWorker(name)) {
        workerCode = current->code;
        for (auto &module : workerCode.modules)
            if (module.name == workerCode.mainModule)
                module.code = code.toUtf8();
    } else {
        // No dispatcher yet: a new one, with no bindings until the admin API or a wrangler
        // config gives it some.
        name = QLatin1String(kDefaultName);
        workerCode.modules = {{QStringLiteral("index.js"),
                               QStringLiteral("application/javascript+module"), code.toUtf8()}};
        workerCode.mainModule = QStringLiteral("index.js");
        workerCode.compatibilityDate = QStringLiteral("2025-01-01");
    }
    QStringList sources;
    for (const auto &module : workerCode.modules) {
        if (module.name == workerCode.mainModule)
            sources.prepend(QString::fromUtf8(module.code));
        else
            sources.append(QString::fromUtf8(module.code));
    }
    if (checkHandlers(sources) == Handlers::None)
        return noHandlersMessage();
    const auto put = service.putPlatformWorker(name, store::WorkerKind::Dispatcher, workerCode);
    if (!put)
        return put.errorMessage();
    if (service.activeDispatcher() != name) {
        const auto active = service.setActiveDispatcher(name);
        if (!active)
            return active.errorMessage();
    }
    return {};
}

QString DispatcherController::setTailConsumers(const QString &names)
{
    if (!m_platform)
        return tr("not connected to a platform");
    auto &service = m_platform->service();
    const auto current = service.platformWorker(service.activeDispatcher());
    if (!current)
        return tr("No dispatch Worker is installed.");
    store::WorkerCode code = current->code;
    code.tailConsumers = {};
    static const QRegularExpression separators(QStringLiteral("[\\s,]+"));
    for (const QString &name : names.split(separators, Qt::SkipEmptyParts))
        code.tailConsumers.append(QJsonObject {{QStringLiteral("service"), name}});
    const auto put = service.putPlatformWorker(current->name, current->kind, code);
    return put ? QString() : put.errorMessage();
}

} // namespace switchyard::models
