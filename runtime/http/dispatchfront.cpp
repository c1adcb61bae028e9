#include "dispatchfront.h"

#include "logging.h"

#include "platform/dispatcher.h"

#include <QTcpServer>

namespace switchyard::http {

static engine::RequestData toEngine(HttpRequest &&r)
{
    engine::RequestData out;
    out.method = QString::fromLatin1(r.method);
    out.url = QString::fromUtf8(r.url.toEncoded());
    out.headers.reserve(r.headers.size());
    for (const auto &[name, value] : r.headers)
        out.headers.append({QString::fromLatin1(name), QString::fromLatin1(value)});
    // GET and HEAD have no body; others have one even when it is empty, as in workerd.
    if (r.method != "GET" && r.method != "HEAD")
        out.body = std::move(r.body);
    return out;
}

namespace {
// A Worker's streamed body as the listener reads it.
class EngineBody final : public HttpBodySource
{
public:
    explicit EngineBody(engine::BodyStreamPtr stream) : m_stream(std::move(stream)) { }
    ~EngineBody() override { m_stream->cancel(); }

    void read(std::function<void(Chunk)> deliver) override
    {
        m_stream->read([deliver = std::move(deliver)](engine::BodyStream::Chunk chunk) {
            deliver({std::move(chunk.bytes), chunk.end, !chunk.error.isNull()});
        });
    }
    void cancel() override { m_stream->cancel(); }

private:
    engine::BodyStreamPtr m_stream;
};
// The Worker's end of a WebSocket as the listener relays it.
class EngineWebSocket final : public HttpWebSocket
{
public:
    explicit EngineWebSocket(engine::WebSocketChannelPtr channel)
        : m_channel(std::move(channel)) { }
    ~EngineWebSocket() override { m_channel->clientGone(); }

    void attach(Client client) override
    {
        m_channel->attachClient({[send = client.send](engine::WebSocketMessage m) {
                                     Message out;
                                     out.kind = m.kind == engine::WebSocketMessage::Kind::Text
                                             ? Message::Kind::Text
                                             : m.kind == engine::WebSocketMessage::Kind::Binary
                                             ? Message::Kind::Binary
                                             : Message::Kind::Close;
                                     out.data = std::move(m.data);
                                     out.code = m.code;
                                     out.reason = m.reason.toUtf8();
                                     send(std::move(out));
                                 },
                                 client.abort, client.resume});
    }
    bool receive(Message message) override
    {
        engine::WebSocketMessage m;
        m.kind = message.kind == Message::Kind::Text    ? engine::WebSocketMessage::Kind::Text
                : message.kind == Message::Kind::Binary ? engine::WebSocketMessage::Kind::Binary
                                                        : engine::WebSocketMessage::Kind::Close;
        m.data = std::move(message.data);
        m.code = message.code;
        m.reason = QString::fromUtf8(message.reason);
        return m_channel->fromClient(std::move(m));
    }
    void gone() override { m_channel->clientGone(); }

private:
    engine::WebSocketChannelPtr m_channel;
};
} // namespace

static HttpResponse fromEngine(const engine::ResponseData &r)
{
    HttpResponse out;
    out.status = r.status;
    out.headers.reserve(r.headers.size());
    for (const auto &[name, value] : r.headers)
        out.headers.append({name.toLatin1(), value.toLatin1()});
    out.body = r.body;
    if (r.stream)
        out.stream = std::make_shared<EngineBody>(r.stream);
    if (r.webSocket)
        out.webSocket = std::make_shared<EngineWebSocket>(r.webSocket);
    return out;
}

DispatchFront::DispatchFront(platform::Dispatcher &dispatcher, ListenerLimits limits,
                             QObject *parent)
    : QObject(parent), m_dispatcher(dispatcher), m_limits(limits)
{
    m_thread.setObjectName(QStringLiteral("front"));
    m_listener = new HttpListener(
            [this](HttpRequest request, HttpListener::Reply reply) {
                m_dispatcher.handle(
                        toEngine(std::move(request)),
                        [reply = std::move(reply)](const engine::ResponseData &response) {
                            reply(fromEngine(response));
                        });
            },
            m_limits);
    // Queued to this object's thread: the listener lives on the front thread.
    connect(m_listener, &HttpListener::drained, this, &DispatchFront::drained);
    m_listener->moveToThread(&m_thread);
    m_thread.start();
}

DispatchFront::~DispatchFront()
{
    QMetaObject::invokeMethod(
            m_listener, [this] { delete m_listener; }, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

quint16 DispatchFront::listen(const QHostAddress &address, quint16 port, QString *error)
{
    quint16 bound = 0;
    QMetaObject::invokeMethod(
            m_listener, [&] { bound = m_listener->listenOn(address, port, error); },
            Qt::BlockingQueuedConnection);
    return bound;
}

void DispatchFront::setResponseTimeout(std::chrono::milliseconds timeout)
{
    QMetaObject::invokeMethod(
            m_listener, [this, timeout] { m_listener->setResponseTimeout(timeout); },
            Qt::BlockingQueuedConnection);
}

void DispatchFront::shutdown(std::chrono::milliseconds grace)
{
    QMetaObject::invokeMethod(m_listener, [this, grace] { m_listener->shutdown(grace); });
}

} // namespace switchyard::http
