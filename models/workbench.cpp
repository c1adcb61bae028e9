#include "workbench.h"

#include "platform/dispatcher.h"

namespace switchyard::models {

Workbench::Workbench(platform::PlatformService &service, platform::Dispatcher &dispatcher,
                     QObject *parent)
    : QObject(parent), m_platform(service), m_traces(service), m_playground(dispatcher),
      m_instances(InstanceStats::from(dispatcher.engine()))
{ }

} // namespace switchyard::models
