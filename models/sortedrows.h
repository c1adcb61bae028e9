#pragma once

#include "windowfilter.h"

namespace switchyard::models {

// Any list model in the order a table's header asks for (WindowFilter::sortBy: a click sorts by
// a role, again the other way round; numbers as numbers), rows that change or arrive later
// taking their place in it. The tables of the routing, Workers, plans and customers bind to one
// over their model.
class SortedRows : public WindowFilter
{
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(QAbstractItemModel *rows READ rows WRITE setRows NOTIFY rowsChanged)
public:
    explicit SortedRows(QObject *parent = nullptr);

    QAbstractItemModel *rows() const { return sourceModel(); }
    void setRows(QAbstractItemModel *rows);

    // The value of `roleName` in the row shown at `row`, or an invalid QVariant.
    Q_INVOKABLE QVariant value(int row, const QString &roleName) const;

Q_SIGNALS:
    void rowsChanged();
};

} // namespace switchyard::models
