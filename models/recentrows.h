#pragma once

#include <QAbstractListModel>

#include <functional>

namespace switchyard::models {

// The newest rows of a live feed, newest first, at most maxRows: the source model of the live
// views (Tail, Playground traces, violations), which filter it with a WindowFilter. Pausing
// freezes the rows it shows while the window keeps filling; resuming shows the window.
//
// A template without Q_OBJECT: it adds no signals, so one class serves every row type, and
// `data` maps a row and a role to what the view shows.
template<typename Row> class RecentRows : public QAbstractListModel
{
public:
    using Data = std::function<QVariant(const Row &row, int role)>;

    RecentRows(QHash<int, QByteArray> roles, Data data, QObject *parent = nullptr)
        : QAbstractListModel(parent), m_roles(std::move(roles)), m_data(std::move(data))
    { }

    const QList<Row> &shown() const { return m_shown; }
    bool paused() const { return m_paused; }
    int pendingWhilePaused() const { return m_pending; }
    int maxRows() const { return m_maxRows; }

    // Rows newer than all kept so far, newest first.
    void prepend(QList<Row> fresh)
    {
        if (fresh.isEmpty())
            return;
        if (fresh.size() > m_maxRows)
            fresh.resize(m_maxRows);
        m_window = fresh + m_window;
        if (m_window.size() > m_maxRows)
            m_window.resize(m_maxRows);
        if (m_paused) {
            m_pending += int(fresh.size());
            return;
        }
        // Trim the oldest first so that the model never holds more than maxRows.
        const qsizetype keep = m_maxRows - fresh.size();
        if (m_shown.size() > keep) {
            beginRemoveRows({}, int(keep), int(m_shown.size()) - 1);
            m_shown.resize(keep);
            endRemoveRows();
        }
        beginInsertRows({}, 0, int(fresh.size()) - 1);
        m_shown = fresh + m_shown;
        endInsertRows();
    }

    // False when nothing changed.
    bool setPaused(bool paused)
    {
        if (m_paused == paused)
            return false;
        m_paused = paused;
        if (!m_paused) {
            m_pending = 0;
            beginResetModel();
            m_shown = m_window;
            endResetModel();
        }
        return true;
    }

    bool setMaxRows(int rows)
    {
        rows = qMax(1, rows);
        if (m_maxRows == rows)
            return false;
        m_maxRows = rows;
        if (m_window.size() > m_maxRows)
            m_window.resize(m_maxRows);
        if (m_shown.size() > m_maxRows) {
            beginRemoveRows({}, m_maxRows, int(m_shown.size()) - 1);
            m_shown.resize(m_maxRows);
            endRemoveRows();
        }
        return true;
    }

    void clear()
    {
        m_window.clear();
        if (m_shown.isEmpty())
            return;
        beginResetModel();
        m_shown.clear();
        endResetModel();
    }

    int rowCount(const QModelIndex &parent = {}) const override
    {
        return parent.isValid() ? 0 : int(m_shown.size());
    }
    QVariant data(const QModelIndex &index, int role) const override
    {
        Q_ASSERT(checkIndex(index,
                            CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid));
        return m_data(m_shown.at(index.row()), role);
    }
    QHash<int, QByteArray> roleNames() const override { return m_roles; }

private:
    QHash<int, QByteArray> m_roles;
    Data m_data;
    QList<Row> m_window; // newest first, at most maxRows
    QList<Row> m_shown; // the window, or what it was when paused
    bool m_paused = false;
    int m_pending = 0;
    int m_maxRows = 2000;
};

} // namespace switchyard::models
