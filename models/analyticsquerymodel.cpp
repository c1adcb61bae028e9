#include "analyticsquerymodel.h"

#include "platform/platformservice.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace switchyard::models {

AnalyticsQueryModel::AnalyticsQueryModel(QObject *parent) : QAbstractListModel(parent) { }

void AnalyticsQueryModel::setPlatform(PlatformController *platform)
{
    if (m_platform == platform)
        return;
    m_platform = platform;
    Q_EMIT platformChanged();
}

void AnalyticsQueryModel::takeJson(const QByteArray &body)
{
    // Cloudflare's shape: {"meta": [{"name", "type"}], "data": [{column: value}], "rows": N}.
    const QJsonObject result = QJsonDocument::fromJson(body).object();
    for (const QJsonValue &column : result.value(QLatin1String("meta")).toArray())
        m_columns << column.toObject().value(QLatin1String("name")).toString();
    for (const QJsonValue &v : result.value(QLatin1String("data")).toArray()) {
        if (m_rows.size() >= kMaxRows) {
            m_truncated = true;
            break;
        }
        const QJsonObject row = v.toObject();
        QStringList cells;
        for (const QString &column : std::as_const(m_columns)) {
            const QJsonValue cell = row.value(column);
            cells << (cell.isString() ? cell.toString()
                                      : (cell.isNull() || cell.isUndefined()
                                                 ? QString()
                                                 : cell.toVariant().toString()));
        }
        m_rows << cells;
    }
}

bool AnalyticsQueryModel::run(const QString &query)
{
    beginResetModel();
    m_columns.clear();
    m_rows.clear();
    m_error.clear();
    m_truncated = false;
    if (!m_platform) {
        m_error = tr("no platform to query");
    } else {
        const store::AnalyticsAnswer answer = m_platform->service().queryAnalytics(query);
        m_error = answer.error;
        if (m_error.isEmpty()) {
            if (answer.contentType.contains("json") && answer.body.trimmed().startsWith('{')) {
                takeJson(answer.body);
            } else {
                // FORMAT TabSeparated and friends: show the text as it would be returned.
                m_columns << QStringLiteral("result");
                for (const QByteArray &line : answer.body.split('\n'))
                    if (!line.isEmpty() && m_rows.size() < kMaxRows)
                        m_rows << QStringList {QString::fromUtf8(line)};
            }
        }
    }
    endResetModel();
    Q_EMIT resultChanged();
    return m_error.isEmpty();
}

int AnalyticsQueryModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant AnalyticsQueryModel::data(const QModelIndex &index, int role) const
{
    Q_ASSERT(checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid));
    switch (role) {
    case Qt::DisplayRole:
        return m_rows.at(index.row()).join(QStringLiteral("\t"));
    case CellsRole:
        return m_rows.at(index.row());
    }
    return {};
}

QHash<int, QByteArray> AnalyticsQueryModel::roleNames() const
{
    return {{CellsRole, "cells"}};
}

} // namespace switchyard::models
