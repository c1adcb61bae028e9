#include "logging.h"

Q_LOGGING_CATEGORY(lcEngine, "switchyard.engine")
