#include "hostnamelistmodel.h"

#include "platform/platformservice.h"

#include <QJsonDocument>

namespace switchyard::models {

HostnameListModel::HostnameListModel(QObject *parent) : QAbstractListModel(parent) { }

void HostnameListModel::setPlatform(PlatformController *platform)
{
    if (m_platform == platform)
        return;
    if (m_platform)
        disconnect(&m_platform->service(), nullptr, this, nullptr);
    m_platform = platform;
    if (m_platform)
        connect(&m_platform->service(), &platform::PlatformService::customHostnameChanged, this,
                &HostnameListModel::reload);
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
    if (rows == m_rows)
        return;
    beginResetModel();
    m_rows = rows;
    endResetModel();
    Q_EMIT countChanged();
}

int HostnameListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
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
