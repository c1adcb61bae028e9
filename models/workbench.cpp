#include "workbench.h"

namespace switchyard::models {

Workbench::Workbench(platform::PlatformService &service, platform::Dispatcher &dispatcher,
                     QString databasePath, QObject *parent)
    : QObject(parent), m_platform(service), m_traces(service), m_playground(dispatcher),
      m_databasePath(std::move(databasePath))
{ }

} // namespace switchyard::models
