#pragma once

#include "recentrows.h"
#include "tracefeed.h"
#include "tracesummary.h"
#include "windowfilter.h"

#include <QPointer>
#include <QQmlEngine>

namespace switchyard::models {

// The Tail: the most recent traces, newest first, in a bounded window. Pausing freezes what is
// shown while the window keeps filling; filters (text over Worker, URL, logs and exceptions;
// outcome; the Playground's request tag) choose which of the window's traces are shown.
class TraceListModel : public WindowFilter
{
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(TraceFeed *feed READ feed WRITE setFeed NOTIFY feedChanged)
    Q_PROPERTY(bool paused READ paused WRITE setPaused NOTIFY pausedChanged)
    Q_PROPERTY(QString outcomeFilter READ outcomeFilter WRITE setOutcomeFilter NOTIFY
                       outcomeFilterChanged)
    Q_PROPERTY(QString requestTag READ requestTag WRITE setRequestTag NOTIFY requestTagChanged)
    Q_PROPERTY(int maxRows READ maxRows WRITE setMaxRows NOTIFY maxRowsChanged)
    Q_PROPERTY(int pendingWhilePaused READ pendingWhilePaused NOTIFY pendingWhilePausedChanged)
public:
    enum Role {
        TimeRole = Qt::UserRole + 1,
        ScriptRole,
        NamespaceRole,
        OutcomeRole,
        StatusRole,
        MethodRole,
        UrlRole,
        CpuTimeRole,
        WallTimeRole,
        LogsRole,
        ExceptionsRole,
        IsErrorRole,
    };
    Q_ENUM(Role)

    explicit TraceListModel(QObject *parent = nullptr);

    TraceFeed *feed() const { return m_feed; }
    void setFeed(TraceFeed *feed);
    bool paused() const { return m_rows.paused(); }
    void setPaused(bool paused);
    // An outcome name (ok, exception, exceededCpu, ...), "errors" for anything not ok, or empty.
    QString outcomeFilter() const { return m_outcomeFilter; }
    void setOutcomeFilter(const QString &outcome);
    // Non-empty: only traces of requests the Playground sent with this tag; traces that arrive
    // while it is set and do not carry it are not kept at all.
    QString requestTag() const { return m_requestTag; }
    void setRequestTag(const QString &tag);
    int maxRows() const { return m_rows.maxRows(); }
    void setMaxRows(int rows);
    int pendingWhilePaused() const { return m_rows.pendingWhilePaused(); }

    Q_INVOKABLE void clear();
    // Adds traces as if the feed delivered them (oldest first).
    void append(const QList<store::TraceRecord> &traces);

Q_SIGNALS:
    void feedChanged();
    void pausedChanged();
    void outcomeFilterChanged();
    void requestTagChanged();
    void maxRowsChanged();
    void pendingWhilePausedChanged();

protected:
    bool acceptsRow(const QModelIndex &sourceIndex) const override;

private:
    QPointer<TraceFeed> m_feed;
    RecentRows<TraceSummary> m_rows;
    QString m_outcomeFilter;
    QString m_requestTag;
};

} // namespace switchyard::models
