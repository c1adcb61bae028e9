#pragma once

#include <QQmlEngine>
#include <QSortFilterProxyModel>

namespace switchyard::models {

// The filter of the live views: case-insensitive text over a set of roles, plus whatever
// acceptsRow() adds. A QSortFilterProxyModel, so a filter change only moves the rows it affects
// and a view keeps its delegates. Also the `count` the views bind to, and the order a table's
// header asks for: by one role's values (numbers as numbers, times as times), rows that arrive
// later taking their place in it; with no sort role, the source's order (newest first).
class WindowFilter : public QSortFilterProxyModel
{
    Q_OBJECT
    QML_ANONYMOUS
    Q_PROPERTY(QString filter READ filter WRITE setFilter NOTIFY filterChanged)
    Q_PROPERTY(int count READ count NOTIFY countChanged)
    Q_PROPERTY(QString sortRoleName READ sortRoleName NOTIFY sortChanged)
    Q_PROPERTY(bool descending READ descending NOTIFY sortChanged)
public:
    explicit WindowFilter(QObject *parent = nullptr);

    QString filter() const { return m_filter; }
    void setFilter(const QString &filter);
    int count() const { return rowCount(); }

    using QSortFilterProxyModel::index;
    // A list's index, as QAbstractListModel offers it.
    QModelIndex index(int row) const { return index(row, 0); }

    QString sortRoleName() const { return m_sortRoleName; }
    bool descending() const { return m_descending; }
    // A header click: by this role ascending, or the other way when it already sorts by it.
    // An unknown role, or an empty one, goes back to the source's order.
    Q_INVOKABLE void sortBy(const QString &roleName);
    Q_INVOKABLE void setSort(const QString &roleName, bool descending);

Q_SIGNALS:
    void filterChanged();
    void countChanged();
    void sortChanged();

protected:
    // The source model and the roles the text filter reads.
    void setSource(QAbstractItemModel *source, QList<int> textRoles);
    // More conditions of the subclass; call refilter() when they change.
    virtual bool acceptsRow(const QModelIndex &sourceIndex) const;
    void refilter();
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    void updateCount();

    QList<int> m_textRoles;
    QString m_filter;
    QString m_sortRoleName;
    bool m_descending = false;
    int m_count = 0;
    bool m_holdCount = false;
};

} // namespace switchyard::models
