#include "kventrymodel.h"

#include "platform/platformservice.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace switchyard::models {

KvEntryModel::KvEntryModel(QObject *parent) : QAbstractListModel(parent) { }

void KvEntryModel::setPlatform(PlatformController *platform)
{
    const bool changed = followPlatform(
            m_platform, platform, this,
            [this](PlatformController &controller, platform::PlatformService &service) {
                // Problems depend on other tables (plans) and on Workers (routes), so any KV or
                // script change re-reads; these tables are small and edits are rare next to
                // requests.
                connect(&service, &platform::PlatformService::kvChanged, this,
                        &KvEntryModel::reload);
                connect(&service, &platform::PlatformService::kvBulkChanged, this,
                        &KvEntryModel::reload);
                connect(&service, &platform::PlatformService::kvNamespacesChanged, this,
                        &KvEntryModel::reload);
                connect(&service, &platform::PlatformService::scriptChanged, this, [this] {
                    if (m_kind == Routing)
                        reload();
                });
                connect(&controller, &PlatformController::routingNamespaceChanged, this,
                        &KvEntryModel::reload);
            });
    if (!changed)
        return;
    reload();
    Q_EMIT platformChanged();
}

void KvEntryModel::setTitle(const QString &title)
{
    if (m_title == title)
        return;
    m_title = title;
    reload();
    Q_EMIT titleChanged();
}

void KvEntryModel::setKind(Kind kind)
{
    if (m_kind == kind)
        return;
    m_kind = kind;
    reload();
    Q_EMIT kindChanged();
}

KvEntryModel::Row KvEntryModel::makeRow(const QString &key, const QByteArray &value) const
{
    Row row {key, QString::fromUtf8(value), {}, 0, 0};
    switch (m_kind) {
    case Plain:
        break;
    case Routing:
        row.problem = m_platform->checkStoredRoute(key, row.value);
        break;
    case Plans: {
        const conventions::PlanLimits plan = conventions::readPlan(value);
        row.cpuMs = plan.cpuMs.value_or(0);
        row.subRequests = plan.subRequests.value_or(0);
        if (row.cpuMs <= 0 || row.subRequests <= 0)
            row.problem = tr("not a plan: expected {\"cpuMs\": N, \"subRequests\": N}");
        break;
    }
    case Customers:
        row.problem = m_platform->checkCustomer(key, row.value);
        break;
    }
    return row;
}

void KvEntryModel::reload()
{
    QList<Row> rows;
    bool exists = false;
    if (m_platform && !m_title.isEmpty()) {
        auto &service = m_platform->service();
        if (const auto ns = service.kvNamespaceByTitle(m_title)) {
            exists = true;
            QString cursor;
            do {
                const auto page = service.kvList(ns->id, {}, 1000, cursor);
                if (!page)
                    break;
                for (const auto &key : page->keys)
                    if (const auto value = service.kvGet(ns->id, key.name))
                        rows.append(makeRow(key.name, value->value));
                cursor = page->listComplete ? QString() : page->cursor;
            } while (!cursor.isEmpty());
        }
    }
    if (exists != m_exists) {
        m_exists = exists;
        Q_EMIT existsChanged();
    }
    if (m_rows.replace(*this, rows, decltype(m_rows)::InPlace::ChangedRows))
        Q_EMIT countChanged();
}

int KvEntryModel::rowCount(const QModelIndex &parent) const
{
    return m_rows.rowCount(parent);
}

QVariant KvEntryModel::data(const QModelIndex &index, int role) const
{
    Q_ASSERT(checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid));
    const Row &row = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case KeyRole:
        return row.key;
    case ValueRole:
        return row.value;
    case ProblemRole:
        return row.problem;
    case CpuMsRole:
        return row.cpuMs;
    case SubRequestsRole:
        return row.subRequests;
    }
    return {};
}

QHash<int, QByteArray> KvEntryModel::roleNames() const
{
    return {{KeyRole, "key"},
            {ValueRole, "value"},
            {ProblemRole, "problem"},
            {CpuMsRole, "cpuMs"},
            {SubRequestsRole, "subRequests"}};
}

int KvEntryModel::indexOf(const QString &key) const
{
    return m_rows.indexOf(key);
}

} // namespace switchyard::models
