#pragma once

#include "keyedrows.h"
#include "platformcontroller.h"

#include <QAbstractListModel>
#include <QDateTime>
#include <QPointer>
#include <QQmlEngine>

namespace switchyard::models {

// The custom hostnames and their metadata (what the dispatcher reads as request.cf.hostMetadata).
class HostnameListModel : public QAbstractListModel
{
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(PlatformController *platform READ platform WRITE setPlatform NOTIFY platformChanged)
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
public:
    enum Role { HostnameRole = Qt::UserRole + 1, MetadataRole, ModifiedRole };
    Q_ENUM(Role)

    explicit HostnameListModel(QObject *parent = nullptr);

    PlatformController *platform() const { return m_platform; }
    void setPlatform(PlatformController *platform);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

Q_SIGNALS:
    void platformChanged();
    void countChanged();

private:
    // Lets the shared rows reset this model.
    template<typename, auto> friend class KeyedRows;

    struct Row
    {
        QString hostname;
        QString metadata; // indented JSON, ready to edit
        QDateTime modified;
        bool operator==(const Row &) const = default;
    };
    void reload();

    QPointer<PlatformController> m_platform;
    KeyedRows<Row, &Row::hostname> m_rows;
};

} // namespace switchyard::models
