#include "serverstatus.h"

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

QString ServerStatus::version() const
{
    return QStringLiteral(SWITCHYARD_VERSION);
}

} // namespace switchyard::models
