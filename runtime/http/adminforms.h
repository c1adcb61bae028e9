#pragma once

#include "multipart.h"

#include <QJsonObject>

#include <optional>

namespace switchyard::http::admin {

// Form fields named in bracket syntax, as Cloudflare's SDK (Stainless) writes a nested object
// into multipart/form-data when an endpoint is not JSON-in-a-part: `settings[tags][]`,
// `metadata[main_module]`, `settings[bindings][][type]`. Folded back into JSON with Rack's rules
// (what Cloudflare's API accepts): `a[]` appends; `a[][k]` starts a new object in `a` when the
// last one already has `k`. Every value is a string, as the form carried it. Only parts whose
// name starts with `root[` are read; file parts keep their bodies as text. Returns std::nullopt
// with `error` set for a name with unbalanced brackets or one that uses a key both as a value and
// as a container.
std::optional<QJsonObject> bracketFields(const QList<MultipartPart> &parts, const QString &root,
                                         QString *error);

// True when some part's name is `root[...]`.
bool hasBracketFields(const QList<MultipartPart> &parts, const QString &root);

} // namespace switchyard::http::admin
