#include "workerlistmodel.h"

#include "platform/platformservice.h"

#include <QJsonObject>

namespace switchyard::models {

WorkerListModel::WorkerListModel(QObject *parent) : QAbstractListModel(parent) { }

void WorkerListModel::setPlatform(PlatformController *platform)
{
    const bool changed
            = followPlatform(m_platform, platform, this,
                             [this](PlatformController &, platform::PlatformService &service) {
                                 connect(&service, &platform::PlatformService::scriptChanged, this,
                                         [this](const QString &ns, const QString &) {
                                             if (ns == m_namespace)
                                                 reload();
                                         });
                                 connect(&service, &platform::PlatformService::namespacesChanged,
                                         this, &WorkerListModel::reload);
                             });
    if (!changed)
        return;
    reload();
    Q_EMIT platformChanged();
}

void WorkerListModel::setNamespaceName(const QString &name)
{
    if (m_namespace == name)
        return;
    m_namespace = name;
    reload();
    Q_EMIT namespaceNameChanged();
}

void WorkerListModel::setTagFilter(const QString &filter)
{
    if (m_tagFilter == filter)
        return;
    m_tagFilter = filter;
    reload();
    Q_EMIT tagFilterChanged();
}

void WorkerListModel::reload()
{
    QList<Row> rows;
    if (m_platform && !m_namespace.isEmpty()) {
        const auto snapshot = m_platform->service().snapshot();
        const QString filter = m_tagFilter.trimmed();
        for (const auto &script : snapshot->scripts.value(m_namespace)) {
            if (!filter.isEmpty()
                && std::none_of(script->tags.cbegin(), script->tags.cend(),
                                [&](const QString &tag) {
                                    return tag.contains(filter, Qt::CaseInsensitive);
                                }))
                continue;
            QStringList bindings;
            for (const store::Binding &b : script->code.typedBindings)
                bindings << QStringLiteral("%1 (%2)").arg(b.name, b.typeName());
            rows.append({script->name, script->tags, bindings,
                         QDateTime::fromMSecsSinceEpoch(script->modifiedAt),
                         int(script->code.modules.size())});
        }
        std::sort(rows.begin(), rows.end(),
                  [](const Row &a, const Row &b) { return a.name < b.name; });
    }
    if (m_rows.replace(*this, rows, decltype(m_rows)::InPlace::AllRows))
        Q_EMIT countChanged();
}

int WorkerListModel::rowCount(const QModelIndex &parent) const
{
    return m_rows.rowCount(parent);
}

QVariant WorkerListModel::data(const QModelIndex &index, int role) const
{
    Q_ASSERT(checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid));
    const Row &row = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case NameRole:
        return row.name;
    case TagsRole:
        return row.tags;
    case BindingsRole:
        return row.bindings;
    case ModifiedRole:
        return row.modified;
    case ModuleCountRole:
        return row.moduleCount;
    }
    return {};
}

QHash<int, QByteArray> WorkerListModel::roleNames() const
{
    return {{NameRole, "name"},
            {TagsRole, "tags"},
            {BindingsRole, "bindings"},
            {ModifiedRole, "modified"},
            {ModuleCountRole, "moduleCount"}};
}

int WorkerListModel::indexOf(const QString &name) const
{
    return m_rows.indexOf(name);
}

} // namespace switchyard::models
