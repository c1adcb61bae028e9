#pragma once

#include "instancestats.h"
#include "platformcontroller.h"
#include "playgroundcontroller.h"
#include "tracefeed.h"

#include <QObject>
#include <QQmlEngine>

namespace switchyard::platform {
class Dispatcher;
class PlatformService;
} // namespace switchyard::platform

namespace switchyard::models {

// Everything the views need from the running platform, built by the application and handed to
// the root QML object as one initial property. Views create their models and bind these in.
class Workbench : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Workbench is provided by the application")
    Q_PROPERTY(PlatformController *platform READ platform CONSTANT)
    Q_PROPERTY(TraceFeed *traces READ traces CONSTANT)
    Q_PROPERTY(PlaygroundController *playground READ playground CONSTANT)
    Q_PROPERTY(InstanceStats *instances READ instances CONSTANT)
public:
    Workbench(platform::PlatformService &service, platform::Dispatcher &dispatcher,
              QObject *parent = nullptr);

    PlatformController *platform() { return &m_platform; }
    TraceFeed *traces() { return &m_traces; }
    PlaygroundController *playground() { return &m_playground; }
    InstanceStats *instances() { return &m_instances; }

private:
    PlatformController m_platform;
    TraceFeed m_traces;
    PlaygroundController m_playground;
    InstanceStats m_instances;
};

} // namespace switchyard::models
