#include "workerversionsmodel.h"

#include "platform/platformservice.h"

#include <QJsonObject>

namespace switchyard::models {

WorkerVersionsModel::WorkerVersionsModel(QObject *parent) : QAbstractListModel(parent) { }

void WorkerVersionsModel::setPlatform(PlatformController *platform)
{
    const bool changed = followPlatform(
            m_platform, platform, this,
            [this](PlatformController &, platform::PlatformService &service) {
                // Workers come and go, and a deployment changes the shares.
                connect(&service, &platform::PlatformService::platformWorkerChanged, this,
                        &WorkerVersionsModel::reload);
                connect(&service, &platform::PlatformService::workerVersionsChanged, this,
                        [this](const QString &name) {
                            if (name == m_workerName)
                                reload();
                        });
            });
    if (!changed)
        return;
    reload();
    Q_EMIT platformChanged();
}

void WorkerVersionsModel::setWorkerName(const QString &name)
{
    if (m_workerName == name)
        return;
    m_workerName = name;
    reload();
    Q_EMIT workerNameChanged();
}

void WorkerVersionsModel::reload()
{
    QStringList names;
    QList<Row> rows;
    QString serving;
    QString rollbackTo;
    if (m_platform) {
        const auto snapshot = m_platform->service().snapshot();
        for (auto it = snapshot->platformWorkers.cbegin(); it != snapshot->platformWorkers.cend();
             ++it)
            names << it.key();
        names.sort();
        const auto deployments = snapshot->workerDeployments.value(m_workerName);
        QHash<QString, double> shares;
        if (!deployments.isEmpty()) {
            for (const store::DeploymentShare &share : deployments.first()->versions)
                shares.insert(share.versionId, share.percentage);
        }
        QHash<QString, qint64> numbers;
        for (const auto &version : snapshot->workerVersions.value(m_workerName)) {
            numbers.insert(version->id, version->number);
            rows.append(
                    {version->id, version->number,
                     version->annotations.value(QLatin1String("workers/message")).toString(),
                     version->annotations.value(QLatin1String("workers/tag")).toString(),
                     version->annotations.value(QLatin1String("workers/triggered_by")).toString(),
                     version->source, version->author,
                     QDateTime::fromMSecsSinceEpoch(version->createdAt),
                     shares.value(version->id)});
        }
        std::sort(rows.begin(), rows.end(),
                  [](const Row &a, const Row &b) { return a.number > b.number; });
        if (!deployments.isEmpty()) {
            QStringList parts;
            for (const store::DeploymentShare &share : deployments.first()->versions)
                parts << tr("#%1 at %2 %")
                                 .arg(numbers.value(share.versionId))
                                 .arg(share.percentage);
            serving = parts.join(QStringLiteral(" · "));
            for (qsizetype i = 1; i < deployments.size(); ++i) {
                const auto &earlier = deployments.at(i)->versions;
                if (earlier.size() == 1 && !shares.contains(earlier.first().versionId)
                    && numbers.contains(earlier.first().versionId)) {
                    rollbackTo = earlier.first().versionId;
                    break;
                }
            }
        }
    }
    if (names != m_workerNames) {
        m_workerNames = names;
        Q_EMIT workerNamesChanged();
    }
    if (m_rows.replace(*this, rows, decltype(m_rows)::InPlace::ChangedRows))
        Q_EMIT countChanged();
    if (serving != m_servingText || rollbackTo != m_rollbackVersion) {
        m_servingText = serving;
        m_rollbackVersion = rollbackTo;
        Q_EMIT servingChanged();
    }
}

QString WorkerVersionsModel::deployShares(const QList<QPair<QString, double>> &shares,
                                          const QString &message)
{
    if (!m_platform)
        return tr("No platform");
    QList<store::DeploymentShare> versions;
    for (const auto &[id, percentage] : shares)
        versions.append({id, percentage});
    platform::WorkerChangeMeta meta;
    meta.source = QStringLiteral("dash"); // Cloudflare's name for its dashboard
    if (!message.trimmed().isEmpty())
        meta.annotations.insert(QStringLiteral("workers/message"), message.trimmed());
    const auto deployed = m_platform->service().deployPlatformWorker(m_workerName, versions, meta);
    return deployed ? QString() : deployed.errorMessage();
}

QString WorkerVersionsModel::deploy(const QString &versionId, const QString &message)
{
    return deployShares({{versionId, 100}}, message);
}

QString WorkerVersionsModel::deploySplit(const QString &first, double firstPercentage,
                                         const QString &second, const QString &message)
{
    return deployShares({{first, firstPercentage}, {second, 100 - firstPercentage}}, message);
}

QString WorkerVersionsModel::rollback(const QString &message)
{
    if (m_rollbackVersion.isEmpty())
        return tr("Worker %1 has no earlier deployment of one version to roll back to")
                .arg(m_workerName);
    return deploy(m_rollbackVersion, message);
}

int WorkerVersionsModel::rowCount(const QModelIndex &parent) const
{
    return m_rows.rowCount(parent);
}

QVariant WorkerVersionsModel::data(const QModelIndex &index, int role) const
{
    Q_ASSERT(checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid));
    const Row &row = m_rows.at(index.row());
    switch (role) {
    case VersionIdRole:
        return row.id;
    case NumberRole:
        return row.number;
    case Qt::DisplayRole:
    case LabelRole:
        return row.message.isEmpty() ? tr("#%1").arg(row.number)
                                     : tr("#%1 · %2").arg(row.number).arg(row.message);
    case MessageRole:
        return row.message;
    case TagRole:
        return row.tag;
    case TriggeredByRole:
        return row.triggeredBy;
    case SourceRole:
        return row.source;
    case AuthorRole:
        return row.author;
    case CreatedRole:
        return row.created;
    case PercentageRole:
        return row.percentage;
    case ServingRole:
        return row.percentage > 0;
    }
    return {};
}

QHash<int, QByteArray> WorkerVersionsModel::roleNames() const
{
    return {{VersionIdRole, "versionId"},
            {NumberRole, "number"},
            {LabelRole, "label"},
            {MessageRole, "message"},
            {TagRole, "tag"},
            {TriggeredByRole, "triggeredBy"},
            {SourceRole, "source"},
            {AuthorRole, "author"},
            {CreatedRole, "created"},
            {PercentageRole, "percentage"},
            {ServingRole, "serving"}};
}

int WorkerVersionsModel::indexOf(const QString &versionId) const
{
    return m_rows.indexOf(versionId);
}

QString WorkerVersionsModel::versionIdAt(int row) const
{
    return row >= 0 && row < m_rows.rowCount({}) ? m_rows.at(row).id : QString();
}

QString WorkerVersionsModel::labelOf(const QString &versionId) const
{
    const int row = m_rows.indexOf(versionId);
    return row < 0 ? QString() : data(index(row), LabelRole).toString();
}

} // namespace switchyard::models
