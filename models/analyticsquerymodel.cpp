#include "analyticsquerymodel.h"

#include "platform/platformservice.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

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
    m_queryOrder = m_rows;
    const bool wasSorted = m_sortColumn >= 0;
    m_sortColumn = -1;
    m_descending = false;
    endResetModel();
    Q_EMIT resultChanged();
    if (wasSorted)
        Q_EMIT sortChanged();
    return m_error.isEmpty();
}

namespace {
// Numbers compare as numbers (Analytics Engine answers counts and doubles as text here), the rest
// as text without case; a number sorts before text.
bool cellLess(const QString &a, const QString &b)
{
    bool aNumber = false, bNumber = false;
    const double x = a.toDouble(&aNumber), y = b.toDouble(&bNumber);
    if (aNumber && bNumber)
        return x < y;
    if (aNumber != bNumber)
        return aNumber;
    return a.compare(b, Qt::CaseInsensitive) < 0;
}
} // namespace

void AnalyticsQueryModel::sortBy(int column)
{
    const bool known = column >= 0 && column < m_columns.size();
    if (!known && m_sortColumn < 0)
        return;
    beginResetModel();
    if (!known) {
        m_sortColumn = -1;
        m_descending = false;
        m_rows = m_queryOrder;
    } else {
        m_descending = column == m_sortColumn && !m_descending;
        m_sortColumn = column;
        m_rows = m_queryOrder;
        // Stable, so rows equal in this column keep the query's order between them.
        std::stable_sort(
                m_rows.begin(), m_rows.end(),
                [column, descending = m_descending](const QStringList &a, const QStringList &b) {
                    return descending ? cellLess(b.at(column), a.at(column))
                                      : cellLess(a.at(column), b.at(column));
                });
    }
    endResetModel();
    Q_EMIT sortChanged();
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
