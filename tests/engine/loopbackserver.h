// The loopback server for outbound fetch() tests: no external network exists.
#pragma once

#include "../common/loopbackhttpserver.h"

namespace enginetest {

// Enough to see what an outbound fetch() sent: it answers with the method, path, whether the
// Worker's x-from header came along, and the body; /redirect redirects.
class LoopbackServer : public switchyard::testing::LoopbackHttpServer
{
public:
    LoopbackServer() : LoopbackHttpServer(&answer) { }

private:
    static switchyard::testing::LoopbackReply answer(const switchyard::testing::LoopbackRequest &r)
    {
        if (r.target == "/redirect")
            return {"HTTP/1.1 302 Found\r\nLocation: /elsewhere\r\nContent-Length: 0\r\n\r\n"};
        bool fromWorker = false;
        for (const auto &[name, value] : r.headers)
            fromWorker = fromWorker || (name == "x-from" && value.toLower().startsWith("worker"));
        const QByteArray text = r.method + " " + r.target + " from=" + (fromWorker ? "worker" : "?")
                + " body=" + r.body;
        return {"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nSet-Cookie: s=1\r\n"
                "Set-Cookie: t=2\r\nContent-Length: "
                + QByteArray::number(text.size()) + "\r\n\r\n" + text};
    }
};

} // namespace enginetest
