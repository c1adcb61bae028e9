#pragma once

#include "httplistener.h"

#include <QObject>
#include <QThread>

#include <memory>

namespace switchyard::platform {
class Dispatcher;
}

namespace switchyard::http {

// The dispatch listener: every host and path on its address goes to the dispatch Worker. Runs its
// sockets on a thread of its own so the GUI never delays a request and a request never waits for
// the GUI.
class DispatchFront : public QObject
{
    Q_OBJECT
public:
    DispatchFront(platform::Dispatcher &dispatcher, ListenerLimits limits = {},
                  QObject *parent = nullptr);
    ~DispatchFront() override;

    // Returns the bound port, or 0 with `error` set. Blocks until the front thread has bound.
    quint16 listen(const QHostAddress &address, quint16 port, QString *error);
    void setResponseTimeout(std::chrono::milliseconds timeout);
    // Shutdown's first step: no new connections. Requests already read are still answered (the
    // listener writes each answer as it comes). Blocks until the front thread has stopped.
    void stopListening();

private:
    platform::Dispatcher &m_dispatcher;
    ListenerLimits m_limits;
    QThread m_thread;
    HttpListener *m_listener = nullptr; // lives on m_thread
};

} // namespace switchyard::http
