#include "tracelistmodel.h"

namespace switchyard::models {

TraceListModel::TraceListModel(QObject *parent) : QAbstractListModel(parent) { }

void TraceListModel::setFeed(TraceFeed *feed)
{
    if (followFeed(m_feed, feed, this))
        Q_EMIT feedChanged();
}

void TraceListModel::setPaused(bool paused)
{
    if (m_paused == paused)
        return;
    m_paused = paused;
    if (!m_paused) {
        m_pendingWhilePaused = 0;
        Q_EMIT pendingWhilePausedChanged();
        rebuild();
    }
    Q_EMIT pausedChanged();
}

void TraceListModel::setFilter(const QString &filter)
{
    if (m_filter == filter)
        return;
    m_filter = filter;
    rebuild();
    Q_EMIT filterChanged();
}

void TraceListModel::setOutcomeFilter(const QString &outcome)
{
    if (m_outcomeFilter == outcome)
        return;
    m_outcomeFilter = outcome;
    rebuild();
    Q_EMIT outcomeFilterChanged();
}

void TraceListModel::setRequestTag(const QString &tag)
{
    if (m_requestTag == tag)
        return;
    m_requestTag = tag;
    rebuild();
    Q_EMIT requestTagChanged();
}

void TraceListModel::setMaxRows(int rows)
{
    rows = qMax(1, rows);
    if (m_maxRows == rows)
        return;
    m_maxRows = rows;
    if (m_window.size() > m_maxRows)
        m_window.resize(m_maxRows);
    rebuild();
    Q_EMIT maxRowsChanged();
}

bool TraceListModel::accepts(const TraceSummary &s) const
{
    if (!m_requestTag.isEmpty() && s.requestTag != m_requestTag)
        return false;
    if (!m_outcomeFilter.isEmpty()) {
        if (m_outcomeFilter == QLatin1String("errors") ? !s.isError()
                                                       : s.outcome != m_outcomeFilter)
            return false;
    }
    if (m_filter.isEmpty())
        return true;
    for (const QString *field :
         {&s.scriptName, &s.dispatchNamespace, &s.url, &s.logs, &s.exceptions, &s.outcome})
        if (field->contains(m_filter, Qt::CaseInsensitive))
            return true;
    return false;
}

void TraceListModel::rebuild()
{
    if (m_paused)
        return;
    QList<TraceSummary> rows;
    for (const TraceSummary &s : std::as_const(m_window))
        if (accepts(s))
            rows.append(s);
    const bool countChanges = rows.size() != m_rows.size();
    beginResetModel();
    m_rows = rows;
    endResetModel();
    if (countChanges)
        Q_EMIT countChanged();
}

void TraceListModel::append(const QList<store::TraceRecord> &traces)
{
    // Only the newest maxRows of a batch can survive; summarize no more than those.
    const qsizetype first = qMax<qsizetype>(0, traces.size() - m_maxRows);
    QList<TraceSummary> fresh; // newest first
    fresh.reserve(traces.size() - first);
    for (qsizetype i = traces.size() - 1; i >= first; --i) {
        // A Playground list wants a handful of traces out of thousands: skip the rest unread.
        if (!m_requestTag.isEmpty() && requestTagOf(traces.at(i)) != m_requestTag)
            continue;
        fresh.append(summarize(traces.at(i)));
    }
    if (fresh.isEmpty())
        return;
    m_window = fresh + m_window;
    if (m_window.size() > m_maxRows)
        m_window.resize(m_maxRows);
    if (m_paused) {
        m_pendingWhilePaused += int(fresh.size());
        Q_EMIT pendingWhilePausedChanged();
        return;
    }
    QList<TraceSummary> shown;
    for (const TraceSummary &s : std::as_const(fresh))
        if (accepts(s))
            shown.append(s);
    if (shown.isEmpty())
        return;
    if (shown.size() > m_maxRows)
        shown.resize(m_maxRows);
    // Trim the oldest first so that the model never holds more than maxRows.
    const qsizetype keep = qMax<qsizetype>(0, m_maxRows - shown.size());
    if (m_rows.size() > keep) {
        beginRemoveRows({}, int(keep), int(m_rows.size()) - 1);
        m_rows.resize(keep);
        endRemoveRows();
    }
    beginInsertRows({}, 0, int(shown.size()) - 1);
    m_rows = shown + m_rows;
    endInsertRows();
    Q_EMIT countChanged();
}

void TraceListModel::clear()
{
    m_window.clear();
    if (m_rows.isEmpty())
        return;
    beginResetModel();
    m_rows.clear();
    endResetModel();
    Q_EMIT countChanged();
}

int TraceListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant TraceListModel::data(const QModelIndex &index, int role) const
{
    Q_ASSERT(checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid));
    const TraceSummary &s = m_rows.at(index.row());
    switch (role) {
    case TimeRole:
        return s.time;
    case Qt::DisplayRole:
    case ScriptRole:
        return s.scriptName;
    case NamespaceRole:
        return s.dispatchNamespace;
    case OutcomeRole:
        return s.outcome;
    case StatusRole:
        return s.status;
    case MethodRole:
        return s.method;
    case UrlRole:
        return s.url;
    case CpuTimeRole:
        return s.cpuTime;
    case WallTimeRole:
        return s.wallTime;
    case LogsRole:
        return s.logs;
    case ExceptionsRole:
        return s.exceptions;
    case IsErrorRole:
        return s.isError();
    }
    return {};
}

QHash<int, QByteArray> TraceListModel::roleNames() const
{
    return {{TimeRole, "time"},
            {ScriptRole, "script"},
            {NamespaceRole, "namespaceName"},
            {OutcomeRole, "outcome"},
            {StatusRole, "status"},
            {MethodRole, "method"},
            {UrlRole, "url"},
            {CpuTimeRole, "cpuTime"},
            {WallTimeRole, "wallTime"},
            {LogsRole, "logs"},
            {ExceptionsRole, "exceptions"},
            {IsErrorRole, "isError"}};
}

} // namespace switchyard::models
