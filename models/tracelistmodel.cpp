#include "tracelistmodel.h"

namespace switchyard::models {

namespace {

QVariant traceData(const TraceSummary &s, int role)
{
    switch (role) {
    case TraceListModel::TimeRole:
        return s.time;
    case Qt::DisplayRole:
    case TraceListModel::ScriptRole:
        return s.scriptName;
    case TraceListModel::NamespaceRole:
        return s.dispatchNamespace;
    case TraceListModel::OutcomeRole:
        return s.outcome;
    case TraceListModel::StatusRole:
        return s.status;
    case TraceListModel::MethodRole:
        return s.method;
    case TraceListModel::UrlRole:
        return s.url;
    case TraceListModel::CpuTimeRole:
        return s.cpuTime;
    case TraceListModel::WallTimeRole:
        return s.wallTime;
    case TraceListModel::LogsRole:
        return s.logs;
    case TraceListModel::ExceptionsRole:
        return s.exceptions;
    case TraceListModel::IsErrorRole:
        return s.isError();
    }
    return {};
}

} // namespace

TraceListModel::TraceListModel(QObject *parent)
    : WindowFilter(parent), m_rows({{TimeRole, "time"},
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
                                    {IsErrorRole, "isError"}},
                                   traceData)
{
    setSource(&m_rows, {ScriptRole, NamespaceRole, UrlRole, LogsRole, ExceptionsRole, OutcomeRole});
}

void TraceListModel::setFeed(TraceFeed *feed)
{
    if (followFeed(m_feed, feed, this))
        Q_EMIT feedChanged();
}

void TraceListModel::setPaused(bool paused)
{
    if (!m_rows.setPaused(paused))
        return;
    if (!paused)
        Q_EMIT pendingWhilePausedChanged();
    Q_EMIT pausedChanged();
}

void TraceListModel::setOutcomeFilter(const QString &outcome)
{
    if (m_outcomeFilter == outcome)
        return;
    m_outcomeFilter = outcome;
    refilter();
    Q_EMIT outcomeFilterChanged();
}

void TraceListModel::setRequestTag(const QString &tag)
{
    if (m_requestTag == tag)
        return;
    m_requestTag = tag;
    refilter();
    Q_EMIT requestTagChanged();
}

void TraceListModel::setMaxRows(int rows)
{
    if (m_rows.setMaxRows(rows))
        Q_EMIT maxRowsChanged();
}

bool TraceListModel::acceptsRow(const QModelIndex &sourceIndex) const
{
    const TraceSummary &s = m_rows.shown().at(sourceIndex.row());
    if (!m_requestTag.isEmpty() && s.requestTag != m_requestTag)
        return false;
    if (!m_outcomeFilter.isEmpty()) {
        if (m_outcomeFilter == QLatin1String("errors") ? !s.isError()
                                                       : s.outcome != m_outcomeFilter)
            return false;
    }
    return true;
}

void TraceListModel::append(const QList<store::TraceRecord> &traces)
{
    // Only the newest maxRows of a batch can survive; summarize no more than those.
    const qsizetype first = qMax<qsizetype>(0, traces.size() - m_rows.maxRows());
    QList<TraceSummary> fresh; // newest first
    fresh.reserve(traces.size() - first);
    for (qsizetype i = traces.size() - 1; i >= first; --i) {
        // A Playground list wants a handful of traces out of thousands: skip the rest unread.
        if (!m_requestTag.isEmpty() && requestTagOf(traces.at(i)) != m_requestTag)
            continue;
        fresh.append(summarize(traces.at(i)));
    }
    m_rows.prepend(std::move(fresh));
    if (m_rows.pendingWhilePaused() > 0)
        Q_EMIT pendingWhilePausedChanged();
}

void TraceListModel::clear()
{
    m_rows.clear();
}

} // namespace switchyard::models
