#include "sortedrows.h"

namespace switchyard::models {

SortedRows::SortedRows(QObject *parent) : WindowFilter(parent) { }

void SortedRows::setRows(QAbstractItemModel *rows)
{
    if (sourceModel() == rows)
        return;
    const QString sortRole = sortRoleName();
    const bool wasDescending = descending();
    setSource(rows, {});
    // The order asked for stays: its role is looked up again in the new rows.
    if (!sortRole.isEmpty()) {
        setSort({}, false);
        setSort(sortRole, wasDescending);
    }
    Q_EMIT rowsChanged();
}

QVariant SortedRows::value(int row, const QString &roleName) const
{
    const int role = roleNames().key(roleName.toUtf8(), -1);
    if (role < 0 || row < 0 || row >= rowCount())
        return {};
    return index(row, 0).data(role);
}

} // namespace switchyard::models
