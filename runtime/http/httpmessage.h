#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QPair>
#include <QUrl>

#include <functional>
#include <memory>

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

// A response body written as it is produced (a Worker's stream). The listener asks for one chunk
// at a time, and only while its client keeps up, so a slow client pushes back on the producer.
class HttpBodySource
{
public:
    struct Chunk
    {
        QByteArray bytes;
        bool end = false;
        bool failed = false; // the body is incomplete: the connection is cut
    };
    virtual ~HttpBodySource() = default;
    // `deliver` is called once, from any thread; the next read() comes after it.
    virtual void read(std::function<void(Chunk)> deliver) = 0;
    // The listener will read no more (the client left, or the response needs no body).
    virtual void cancel() = 0;
};

struct HttpResponse
{
    int status = 200;
    HeaderList headers;
    QByteArray body;
    // Non-null: the body comes from here instead (`body` is ignored). Sent with the Content-Length
    // the headers give, else chunked (HTTP/1.1) or delimited by closing (HTTP/1.0).
    std::shared_ptr<HttpBodySource> stream;
};

QByteArray reasonPhrase(int status);

} // namespace switchyard::http
