#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QPair>
#include <QUrl>

namespace switchyard::http {

using HeaderList = QList<QPair<QByteArray, QByteArray>>;

// A request as it came off the wire, fully buffered, independent of Qt HTTP Server's types so
// nothing above this layer depends on a tech-preview API.
struct HttpRequest
{
    QByteArray method;
    QUrl url;
    HeaderList headers;
    QByteArray body;
    QHostAddress remoteAddress;
};

struct HttpResponse
{
    int status = 200;
    HeaderList headers;
    QByteArray body;
};

QByteArray reasonPhrase(int status);

} // namespace switchyard::http
