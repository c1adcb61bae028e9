#pragma once

#include "tracefeed.h"
#include "tracesummary.h"

#include <QAbstractListModel>
#include <QPointer>
#include <QQmlEngine>

namespace switchyard::models {

// The Tail: the most recent traces, newest first, in a bounded window. Pausing freezes what is
// shown while the window keeps filling; filters (text over Worker, URL, logs and exceptions;
// outcome; the Playground's request tag) choose which of the window's traces are shown.
class TraceListModel : public QAbstractListModel
{
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(TraceFeed *feed READ feed WRITE setFeed NOTIFY feedChanged)
    Q_PROPERTY(bool paused READ paused WRITE setPaused NOTIFY pausedChanged)
    Q_PROPERTY(QString filter READ filter WRITE setFilter NOTIFY filterChanged)
    Q_PROPERTY(QString outcomeFilter READ outcomeFilter WRITE setOutcomeFilter NOTIFY
                       outcomeFilterChanged)
    Q_PROPERTY(QString requestTag READ requestTag WRITE setRequestTag NOTIFY requestTagChanged)
    Q_PROPERTY(int maxRows READ maxRows WRITE setMaxRows NOTIFY maxRowsChanged)
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
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
    bool paused() const { return m_paused; }
    void setPaused(bool paused);
    QString filter() const { return m_filter; }
    void setFilter(const QString &filter);
    // An outcome name (ok, exception, exceededCpu, ...), "errors" for anything not ok, or empty.
    QString outcomeFilter() const { return m_outcomeFilter; }
    void setOutcomeFilter(const QString &outcome);
    // Non-empty: only traces of requests the Playground sent with this tag; traces that arrive
    // while it is set and do not carry it are not kept at all.
    QString requestTag() const { return m_requestTag; }
    void setRequestTag(const QString &tag);
    int maxRows() const { return m_maxRows; }
    void setMaxRows(int rows);
    int pendingWhilePaused() const { return m_pendingWhilePaused; }

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    Q_INVOKABLE void clear();
    // Adds traces as if the feed delivered them (oldest first).
    void append(const QList<store::TraceRecord> &traces);

Q_SIGNALS:
    void feedChanged();
    void pausedChanged();
    void filterChanged();
    void outcomeFilterChanged();
    void requestTagChanged();
    void maxRowsChanged();
    void countChanged();
    void pendingWhilePausedChanged();

private:
    bool accepts(const TraceSummary &s) const;
    void rebuild();

    QPointer<TraceFeed> m_feed;
    QList<TraceSummary> m_window; // newest first, at most maxRows, unfiltered
    QList<TraceSummary> m_rows; // what is shown: newest first
    bool m_paused = false;
    int m_pendingWhilePaused = 0;
    QString m_filter;
    QString m_outcomeFilter;
    QString m_requestTag;
    int m_maxRows = 2000;
};

} // namespace switchyard::models
