#include "websocketchannel.h"

namespace switchyard::engine {

void WebSocketChannel::attachClient(Client client)
{
    int endCode = 0;
    std::function<void()> attached;
    {
        // Under the lock, so nothing the Worker sends meanwhile overtakes what it sent before.
        std::lock_guard lock(m_mutex);
        m_client = client;
        m_clientAttached = true;
        for (auto &message : m_outbox)
            client.send(std::move(message));
        m_outbox.clear();
        if (m_workerEnded)
            endCode = m_endCode;
        else
            attached = m_worker.clientAttached;
    }
    if (endCode)
        client.abort(endCode);
    if (attached)
        attached();
}

bool WebSocketChannel::fromClient(WebSocketMessage message)
{
    std::function<void(WebSocketMessage)> deliver;
    bool more = true;
    {
        std::lock_guard lock(m_mutex);
        if (m_workerEnded || m_clientGone || !m_worker.deliver)
            return true;
        ++m_backlog;
        m_backlogBytes += message.data.size();
        more = m_backlog < kMaxBacklog && m_backlogBytes < kMaxBacklogBytes;
        m_paused = !more;
        deliver = m_worker.deliver;
    }
    deliver(std::move(message));
    return more;
}

void WebSocketChannel::clientGone()
{
    std::function<void()> gone;
    {
        std::lock_guard lock(m_mutex);
        if (m_clientGone)
            return;
        m_clientGone = true;
        m_client = {};
        if (!m_workerEnded)
            gone = m_worker.gone;
    }
    if (gone)
        gone();
}

void WebSocketChannel::attachWorker(Worker worker)
{
    std::function<void()> resume, gone;
    {
        std::lock_guard lock(m_mutex);
        m_worker = std::move(worker);
        if (m_clientAttached && !m_clientGone && !m_workerEnded) {
            m_paused = false;
            resume = m_client.resume;
        } else if (m_clientGone && !m_workerEnded) {
            gone = m_worker.gone; // an upstream that left before anyone read it
        }
    }
    if (resume)
        resume();
    if (gone)
        gone();
}

void WebSocketChannel::toClient(WebSocketMessage message)
{
    std::function<void(WebSocketMessage)> send;
    {
        std::lock_guard lock(m_mutex);
        if (m_clientGone || m_workerEnded)
            return;
        if (!m_clientAttached) {
            m_outbox.push_back(std::move(message));
            return;
        }
        send = m_client.send;
    }
    send(std::move(message));
}

void WebSocketChannel::delivered(qsizetype bytes)
{
    std::function<void()> resume;
    {
        std::lock_guard lock(m_mutex);
        m_backlog = std::max(0, m_backlog - 1);
        m_backlogBytes = std::max<qsizetype>(0, m_backlogBytes - bytes);
        // Half way down before reading again, so a flood is read in batches rather than frame by
        // frame.
        if (m_paused && m_backlog <= kMaxBacklog / 2 && m_backlogBytes <= kMaxBacklogBytes / 2) {
            m_paused = false;
            resume = m_client.resume;
        }
    }
    if (resume)
        resume();
}

void WebSocketChannel::workerEnded(int code)
{
    std::function<void(int)> abort;
    {
        std::lock_guard lock(m_mutex);
        if (m_workerEnded)
            return;
        m_workerEnded = true;
        m_endCode = code;
        m_worker = {};
        m_outbox.clear();
        if (m_clientAttached && !m_clientGone)
            abort = m_client.abort;
    }
    if (abort)
        abort(code);
}

bool WebSocketChannel::workerEndedAlready() const
{
    std::lock_guard lock(m_mutex);
    return m_workerEnded;
}

} // namespace switchyard::engine
