#include "windowfilter.h"

namespace switchyard::models {

WindowFilter::WindowFilter(QObject *parent) : QSortFilterProxyModel(parent)
{
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
