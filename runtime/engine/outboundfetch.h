#pragma once

#include "invocation.h"

#include <QUrl>

#include <functional>
#include <optional>

class QNetworkAccessManager;

namespace switchyard::engine {

struct OutboundRequest
{
    QString method;
    QUrl url;
    HeaderList headers;
    std::optional<QByteArray> body;
    bool followRedirects = true;
};

struct OutboundResponse
{
    QString networkError; // non-null: the fetch() promise rejects with TypeError(networkError)
    int status = 0;
    QString statusText;
    HeaderList headers;
    QByteArray body;
    QString url;
    bool redirected = false;
};

// One subrequest on the calling thread's network manager; `done` runs on that thread.
void startOutboundFetch(QNetworkAccessManager *network, const OutboundRequest &request,
                        std::function<void(OutboundResponse)> done);

} // namespace switchyard::engine
