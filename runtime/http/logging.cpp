#include "logging.h"

Q_LOGGING_CATEGORY(lcHttp, "switchyard.http")
