#pragma once

#include "platformcontroller.h"

#include <QDateTime>
#include <QObject>
#include <QPointer>
#include <QQmlEngine>

namespace switchyard::models {

// The active dispatch Worker as the Dispatcher view edits it: its name, main module code and
// bindings. save() replaces the code and keeps the bindings, so a template that uses the same
// binding names (all the shipped ones do) drops in; the next request runs the new code.
class DispatcherController : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(PlatformController *platform READ platform WRITE setPlatform NOTIFY platformChanged)
    Q_PROPERTY(QString name READ name NOTIFY dispatcherChanged)
    Q_PROPERTY(QString code READ code NOTIFY dispatcherChanged)
    Q_PROPERTY(QStringList bindings READ bindings NOTIFY dispatcherChanged)
    Q_PROPERTY(QDateTime modified READ modified NOTIFY dispatcherChanged)
    Q_PROPERTY(QStringList tailConsumers READ tailConsumers NOTIFY dispatcherChanged)
    Q_PROPERTY(QString tailConsumersText READ tailConsumersText NOTIFY dispatcherChanged)
public:
    explicit DispatcherController(QObject *parent = nullptr);

    PlatformController *platform() const { return m_platform; }
    void setPlatform(PlatformController *platform);
    QString name() const { return m_name; }
    QString code() const { return m_code; }
    // "NAME: type → target" per binding.
    QStringList bindings() const { return m_bindings; }
    QDateTime modified() const { return m_modified; }
    // The Workers its tail_consumers name: they receive its events and those of every user
    // Worker it runs.
    QStringList tailConsumers() const { return m_tailConsumers; }
    // For display: "a, b (not installed)", or empty.
    QString tailConsumersText() const { return m_tailConsumersText; }

    // Empty when applied, else the platform's reason (for a script: module:line:column: ...).
    Q_INVOKABLE QString save(const QString &code);
    // `names` comma- or space-separated; empty clears them. Empty when applied, else the reason.
    Q_INVOKABLE QString setTailConsumers(const QString &names);

    static constexpr char kDefaultName[] = "dispatcher";

Q_SIGNALS:
    void platformChanged();
    void dispatcherChanged();

private:
    void reload();

    QPointer<PlatformController> m_platform;
    QString m_name;
    QString m_code;
    QStringList m_bindings;
    QDateTime m_modified;
    QStringList m_tailConsumers;
    QString m_tailConsumersText;
};

} // namespace switchyard::models
