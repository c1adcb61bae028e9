#pragma once

#include "keyedrows.h"
#include "platformcontroller.h"

#include <QAbstractListModel>
#include <QPointer>
#include <QQmlEngine>

namespace switchyard::models {

// The entries of one KV namespace (addressed by title), read as the table it plays for the
// dispatcher: a routing table (route -> Worker, checked against the routing namespace), a plan
// table (plan -> {cpuMs, subRequests}), a customer table (customer -> plan, checked against the
// plans), or plain text.
class KvEntryModel : public QAbstractListModel
{
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(PlatformController *platform READ platform WRITE setPlatform NOTIFY platformChanged)
    Q_PROPERTY(QString title READ title WRITE setTitle NOTIFY titleChanged)
    Q_PROPERTY(Kind kind READ kind WRITE setKind NOTIFY kindChanged)
    Q_PROPERTY(bool exists READ exists NOTIFY existsChanged)
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
public:
    enum Kind { Plain, Routing, Plans, Customers };
    Q_ENUM(Kind)
    enum Role {
        KeyRole = Qt::UserRole + 1,
        ValueRole,
        ProblemRole, // why the entry will not work as the dispatcher expects, or empty
        CpuMsRole, // Plans: the plan's limits; 0 when unreadable
        SubRequestsRole,
    };
    Q_ENUM(Role)

    explicit KvEntryModel(QObject *parent = nullptr);

    PlatformController *platform() const { return m_platform; }
    void setPlatform(PlatformController *platform);
    QString title() const { return m_title; }
    void setTitle(const QString &title);
    Kind kind() const { return m_kind; }
    void setKind(Kind kind);
    bool exists() const { return m_exists; }

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    Q_INVOKABLE int indexOf(const QString &key) const;

Q_SIGNALS:
    void platformChanged();
    void titleChanged();
    void kindChanged();
    void existsChanged();
    void countChanged();

private:
    // Lets the shared rows reset this model.
    template<typename, auto> friend class KeyedRows;

    struct Row
    {
        QString key;
        QString value;
        QString problem;
        int cpuMs = 0;
        int subRequests = 0;
        bool operator==(const Row &) const = default;
    };
    void reload();
    Row makeRow(const QString &key, const QByteArray &value) const;

    QPointer<PlatformController> m_platform;
    QString m_title;
    Kind m_kind = Plain;
    bool m_exists = false;
    KeyedRows<Row, &Row::key> m_rows;
};

} // namespace switchyard::models
