#include "logging.h"

Q_LOGGING_CATEGORY(lcPlatform, "switchyard.platform")
