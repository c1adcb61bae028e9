#include "hostnamelistmodel.h"

#include "platform/platformservice.h"

#include <QJsonDocument>

namespace switchyard::models {

HostnameListModel::HostnameListModel(QObject *parent) : QAbstractListModel(parent) { }

void HostnameListModel::setPlatform(PlatformController *platform)
{
    const bool changed = followPlatform(
            m_platform, platform, this,
            [this](PlatformController &, platform::PlatformService &service) {
                connect(&service, &platform::PlatformService::customHostnameChanged, this,
                        &HostnameListModel::reload);
            });
    if (!changed)
        return;
    reload();
    Q_EMIT platformChanged();
}

void HostnameListModel::reload()
{
    QList<Row> rows;
    if (m_platform) {
        for (const auto &host : m_platform->service().snapshot()->customHostnames)
            rows.append({host->hostname,
                         QString::fromUtf8(
                                 QJsonDocument(host->metadata).toJson(QJsonDocument::Compact)),
                         QDateTime::fromMSecsSinceEpoch(host->modifiedAt)});
        std::sort(rows.begin(), rows.end(),
                  [](const Row &a, const Row &b) { return a.hostname < b.hostname; });
    }
    if (m_rows.replace(*this, rows, decltype(m_rows)::InPlace::Never))
        Q_EMIT countChanged();
}

int HostnameListModel::rowCount(const QModelIndex &parent) const
{
    return m_rows.rowCount(parent);
}

QVariant HostnameListModel::data(const QModelIndex &index, int role) const
{
    Q_ASSERT(checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid));
    const Row &row = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case HostnameRole:
        return row.hostname;
    case MetadataRole:
        return row.metadata;
    case ModifiedRole:
        return row.modified;
    }
    return {};
}

QHash<int, QByteArray> HostnameListModel::roleNames() const
{
    return {{HostnameRole, "hostname"}, {MetadataRole, "metadata"}, {ModifiedRole, "modified"}};
}

} // namespace switchyard::models
