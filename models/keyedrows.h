#pragma once

#include <QList>
#include <QModelIndex>
#include <QString>

namespace switchyard::models {

// The rows of a list model that re-reads the platform whole and whose rows carry a unique key
// (`Key`, a QString member of Row). The model stays a plain QAbstractListModel (moc and QML see
// no template base) and declares `template<typename, auto> friend class KeyedRows;` so that
// replace() can reset it.
template<typename Row, auto Key> class KeyedRows
{
public:
    // What replace() does when the keys stay the same and in the same order but contents
    // change. In place keeps the views' delegates and selection; models pick how fine-grained.
    enum class InPlace {
        Never, // reset anyway
        AllRows, // one dataChanged over every row
        ChangedRows, // one dataChanged per row that differs
    };

    int rowCount(const QModelIndex &parent) const
    {
        return parent.isValid() ? 0 : int(m_rows.size());
    }
    const Row &at(int row) const { return m_rows.at(row); }

    int indexOf(const QString &key) const
    {
        for (qsizetype i = 0; i < m_rows.size(); ++i)
            if (m_rows.at(i).*Key == key)
                return int(i);
        return -1;
    }

    // Makes `rows` the model's rows. True when the model was reset, so the caller emits its
    // countChanged (the rows may have come or gone).
    template<typename Model> bool replace(Model &model, const QList<Row> &rows, InPlace inPlace)
    {
        if (rows == m_rows)
            return false;
        if (inPlace != InPlace::Never && sameKeys(rows)) {
            if (inPlace == InPlace::AllRows) {
                m_rows = rows;
                Q_EMIT model.dataChanged(model.index(0), model.index(int(m_rows.size()) - 1));
                return false;
            }
            for (qsizetype i = 0; i < rows.size(); ++i) {
                if (rows.at(i) == m_rows.at(i))
                    continue;
                m_rows[i] = rows.at(i);
                Q_EMIT model.dataChanged(model.index(int(i)), model.index(int(i)));
            }
            return false;
        }
        model.beginResetModel();
        m_rows = rows;
        model.endResetModel();
        return true;
    }

private:
    bool sameKeys(const QList<Row> &rows) const
    {
        if (rows.size() != m_rows.size())
            return false;
        for (qsizetype i = 0; i < rows.size(); ++i)
            if (rows.at(i).*Key != m_rows.at(i).*Key)
                return false;
        return true;
    }

    QList<Row> m_rows;
};

} // namespace switchyard::models
