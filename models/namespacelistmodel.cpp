#include "namespacelistmodel.h"

#include "platform/platformservice.h"

namespace switchyard::models {

NamespaceListModel::NamespaceListModel(QObject *parent) : QAbstractListModel(parent) { }

void NamespaceListModel::setPlatform(PlatformController *platform)
{
    const bool changed
            = followPlatform(m_platform, platform, this,
                             [this](PlatformController &, platform::PlatformService &service) {
                                 connect(&service, &platform::PlatformService::namespacesChanged,
                                         this, &NamespaceListModel::reload);
                                 // Worker counts change with scripts.
                                 connect(&service, &platform::PlatformService::scriptChanged, this,
                                         &NamespaceListModel::reload);
                             });
    if (!changed)
        return;
    reload();
    Q_EMIT platformChanged();
}

void NamespaceListModel::reload()
{
    QList<Row> rows;
    if (m_platform) {
        const auto snapshot = m_platform->service().snapshot();
        for (const auto &ns : m_platform->service().namespaces())
            rows.append({ns.name, ns.trustedWorkers, int(snapshot->scripts.value(ns.name).size()),
                         QDateTime::fromMSecsSinceEpoch(ns.createdAt)});
        std::sort(rows.begin(), rows.end(),
                  [](const Row &a, const Row &b) { return a.name < b.name; });
    }
    if (m_rows.replace(*this, rows, decltype(m_rows)::InPlace::AllRows))
        Q_EMIT countChanged();
}

int NamespaceListModel::rowCount(const QModelIndex &parent) const
{
    return m_rows.rowCount(parent);
}

QVariant NamespaceListModel::data(const QModelIndex &index, int role) const
{
    Q_ASSERT(checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid));
    const Row &row = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case NameRole:
        return row.name;
    case TrustedRole:
        return row.trusted;
    case WorkerCountRole:
        return row.workerCount;
    case CreatedRole:
        return row.created;
    }
    return {};
}

QHash<int, QByteArray> NamespaceListModel::roleNames() const
{
    return {{NameRole, "name"},
            {TrustedRole, "trusted"},
            {WorkerCountRole, "workerCount"},
            {CreatedRole, "created"}};
}

int NamespaceListModel::indexOf(const QString &name) const
{
    return m_rows.indexOf(name);
}

} // namespace switchyard::models
