#pragma once

#include "platformcontroller.h"

#include <QAbstractListModel>
#include <QPointer>
#include <QQmlEngine>

namespace switchyard::models {

// The Analytics view's SQL box: runs an Analytics Engine SQL query over the stored data points
// through the platform (PlatformService::queryAnalytics, as the admin API does) and holds the
// result, one row per result row, in the query's order or, after a header click, by one column
// (numbers as numbers).
class AnalyticsQueryModel : public QAbstractListModel
{
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(PlatformController *platform READ platform WRITE setPlatform NOTIFY platformChanged)
    Q_PROPERTY(QStringList columns READ columns NOTIFY resultChanged)
    Q_PROPERTY(QString error READ error NOTIFY resultChanged)
    Q_PROPERTY(bool truncated READ truncated NOTIFY resultChanged)
    Q_PROPERTY(int count READ rowCount NOTIFY resultChanged)
    Q_PROPERTY(int sortColumn READ sortColumn NOTIFY sortChanged)
    Q_PROPERTY(bool descending READ descending NOTIFY sortChanged)
public:
    enum Role { CellsRole = Qt::UserRole + 1 };
    Q_ENUM(Role)

    explicit AnalyticsQueryModel(QObject *parent = nullptr);

    PlatformController *platform() const { return m_platform; }
    void setPlatform(PlatformController *platform);
    QStringList columns() const { return m_columns; }
    QString error() const { return m_error; }
    bool truncated() const { return m_truncated; }
    int sortColumn() const { return m_sortColumn; }
    bool descending() const { return m_descending; }

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    // True when the query ran; otherwise `error` says why not.
    Q_INVOKABLE bool run(const QString &query);
    // A header click: by this column ascending, or the other way when it already sorts by it;
    // -1 (or a column the result lacks) goes back to the query's own order. A new run does too.
    Q_INVOKABLE void sortBy(int column);

    static constexpr int kMaxRows = 5000;

Q_SIGNALS:
    void platformChanged();
    void resultChanged();
    void sortChanged();

private:
    void takeJson(const QByteArray &body);

    QPointer<PlatformController> m_platform;
    QStringList m_columns;
    QList<QStringList> m_rows;
    QList<QStringList> m_queryOrder;
    int m_sortColumn = -1;
    bool m_descending = false;
    QString m_error;
    bool m_truncated = false;
};

} // namespace switchyard::models
