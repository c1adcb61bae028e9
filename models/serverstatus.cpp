#include "serverstatus.h"

#include "platform/platformservice.h"

namespace switchyard::models {

ServerStatus::ServerStatus(QString engineVersion, QObject *parent)
    : QObject(parent), m_engineVersion(std::move(engineVersion))
{ }

void ServerStatus::setListenUrl(const QUrl &url)
{
    if (m_listenUrl == url)
        return;
    m_listenUrl = url;
    Q_EMIT listenUrlChanged();
}

void ServerStatus::watchStore(platform::PlatformService &service)
{
    auto update = [this, &service] {
        const bool available = service.storeAvailable();
        const QString problem = available
                ? QString()
                : tr("The store cannot be reached (%1). Requests are still served as before; "
                     "edits are refused until it is back.")
                          .arg(service.storeProblem());
        if (available == m_storeAvailable && problem == m_storeProblem)
            return;
        m_storeAvailable = available;
        m_storeProblem = problem;
        Q_EMIT storeChanged();
    };
    connect(&service, &platform::PlatformService::storeAvailabilityChanged, this, update);
    update();
}

QString ServerStatus::version() const
{
    return QStringLiteral(SWITCHYARD_VERSION);
}

} // namespace switchyard::models
