#include "namespacelistmodel.h"

#include "platform/platformservice.h"

namespace switchyard::models {

NamespaceListModel::NamespaceListModel(QObject *parent) : QAbstractListModel(parent) { }

void NamespaceListModel::setPlatform(PlatformController *platform)
{
    if (m_platform == platform)
        return;
    if (m_platform)
        disconnect(&m_platform->service(), nullptr, this, nullptr);
    m_platform = platform;
    if (m_platform) {
        auto *service = &m_platform->service();
        connect(service, &platform::PlatformService::namespacesChanged, this,
                &NamespaceListModel::reload);
        // Worker counts change with scripts.
        connect(service, &platform::PlatformService::scriptChanged, this,
                &NamespaceListModel::reload);
    }
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
    if (rows == m_rows)
        return;
    // Same names in the same order: update in place so views keep their selection.
    bool sameNames = rows.size() == m_rows.size();
    for (qsizetype i = 0; sameNames && i < rows.size(); ++i)
        sameNames = rows.at(i).name == m_rows.at(i).name;
    if (sameNames) {
        m_rows = rows;
        Q_EMIT dataChanged(index(0), index(int(m_rows.size()) - 1));
        return;
    }
    beginResetModel();
    m_rows = rows;
    endResetModel();
    Q_EMIT countChanged();
}

int NamespaceListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
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
    for (qsizetype i = 0; i < m_rows.size(); ++i)
        if (m_rows.at(i).name == name)
            return int(i);
    return -1;
}

} // namespace switchyard::models
