#include "windowfilter.h"

namespace switchyard::models {

WindowFilter::WindowFilter(QObject *parent) : QSortFilterProxyModel(parent)
{
    setSortCaseSensitivity(Qt::CaseInsensitive);
    for (auto signal : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved})
        connect(this, signal, this, &WindowFilter::updateCount);
    connect(this, &QAbstractItemModel::modelReset, this, &WindowFilter::updateCount);
    connect(this, &QAbstractItemModel::layoutChanged, this, &WindowFilter::updateCount);
}

void WindowFilter::setSource(QAbstractItemModel *source, QList<int> textRoles)
{
    m_textRoles = std::move(textRoles);
    setSourceModel(source);
}

void WindowFilter::setFilter(const QString &filter)
{
    if (m_filter == filter)
        return;
    m_filter = filter;
    refilter();
    Q_EMIT filterChanged();
}

void WindowFilter::sortBy(const QString &roleName)
{
    setSort(roleName, roleName == m_sortRoleName && !m_descending);
}

void WindowFilter::setSort(const QString &roleName, bool descending)
{
    const int role = roleNames().key(roleName.toUtf8(), -1);
    if (role < 0) {
        if (m_sortRoleName.isEmpty())
            return;
        m_sortRoleName.clear();
        m_descending = false;
        sort(-1);
    } else {
        if (roleName == m_sortRoleName && descending == m_descending)
            return;
        m_descending = descending;
        m_sortRoleName = roleName;
        setSortRole(role);
        sort(0, m_descending ? Qt::DescendingOrder : Qt::AscendingOrder);
    }
    Q_EMIT sortChanged();
}

bool WindowFilter::acceptsRow(const QModelIndex &) const
{
    return true;
}

void WindowFilter::refilter()
{
    // One countChanged for the whole change, not one per range of rows it moves.
    m_holdCount = true;
    invalidateFilter();
    m_holdCount = false;
    updateCount();
}

bool WindowFilter::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    const QModelIndex index = sourceModel()->index(sourceRow, 0, sourceParent);
    if (!acceptsRow(index))
        return false;
    if (m_filter.isEmpty())
        return true;
    for (int role : m_textRoles)
        if (index.data(role).toString().contains(m_filter, Qt::CaseInsensitive))
            return true;
    return false;
}

void WindowFilter::updateCount()
{
    const int count = rowCount();
    if (m_holdCount || m_count == count)
        return;
    m_count = count;
    Q_EMIT countChanged();
}

} // namespace switchyard::models
