#pragma once

#include "httpmessage.h"

#include <QString>

#include <optional>

namespace switchyard::http::admin {

// Bearer-token authentication of the admin API, as Cloudflare's API tokens work:
// `Authorization: Bearer <token>`.
enum class AuthVerdict { Ok, Missing, Wrong };

AuthVerdict checkBearer(const HeaderList &headers, const QString &token);

// The token in `<dataDir>/admin-token`, created (random, owner-only 0600) when absent, so the
// API is never open by accident and the token survives restarts. Returns std::nullopt with
// `error` set when the file cannot be read or written.
std::optional<QString> loadOrCreateToken(const QString &dataDir, QString *error);

QString tokenFilePath(const QString &dataDir);

} // namespace switchyard::http::admin
