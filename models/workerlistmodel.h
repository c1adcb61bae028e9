#pragma once

#include "keyedrows.h"
#include "platformcontroller.h"

#include <QAbstractListModel>
#include <QDateTime>
#include <QPointer>
#include <QQmlEngine>

namespace switchyard::models {

// The user Workers of one dispatch namespace, optionally only those carrying a tag, with their
// tags, bindings and modified time.
class WorkerListModel : public QAbstractListModel
{
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(PlatformController *platform READ platform WRITE setPlatform NOTIFY platformChanged)
    Q_PROPERTY(QString namespaceName READ namespaceName WRITE setNamespaceName NOTIFY
                       namespaceNameChanged)
    Q_PROPERTY(QString tagFilter READ tagFilter WRITE setTagFilter NOTIFY tagFilterChanged)
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
public:
    enum Role {
        NameRole = Qt::UserRole + 1,
        TagsRole,
        BindingsRole, // "NAME (type)" per binding
        ModifiedRole,
        ModuleCountRole,
    };
    Q_ENUM(Role)

    explicit WorkerListModel(QObject *parent = nullptr);

    PlatformController *platform() const { return m_platform; }
    void setPlatform(PlatformController *platform);
    QString namespaceName() const { return m_namespace; }
    void setNamespaceName(const QString &name);
    // Keeps Workers with a tag containing this text; empty keeps all.
    QString tagFilter() const { return m_tagFilter; }
    void setTagFilter(const QString &filter);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    Q_INVOKABLE int indexOf(const QString &name) const;

Q_SIGNALS:
    void platformChanged();
    void namespaceNameChanged();
    void tagFilterChanged();
    void countChanged();

private:
    // Lets the shared rows reset this model.
    template<typename, auto> friend class KeyedRows;

    struct Row
    {
        QString name;
        QStringList tags;
        QStringList bindings;
        QDateTime modified;
        int moduleCount = 0;
        bool operator==(const Row &) const = default;
    };
    void reload();

    QPointer<PlatformController> m_platform;
    QString m_namespace;
    QString m_tagFilter;
    KeyedRows<Row, &Row::name> m_rows;
};

} // namespace switchyard::models
