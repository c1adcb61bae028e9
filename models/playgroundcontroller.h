#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QQmlEngine>

namespace switchyard::engine {
struct ResponseData;
}
namespace switchyard::platform {
class Dispatcher;
}

namespace switchyard::models {

// The Playground: sends one request through the dispatcher exactly as the dispatch listener
// would (Dispatcher::handle), and holds the response. Each request carries a fresh tag in the
// x-switchyard-playground header so the view can show just the traces it caused.
class PlaygroundController : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("PlaygroundController is provided by the application")
    Q_PROPERTY(bool busy READ busy NOTIFY busyChanged)
    Q_PROPERTY(QString requestTag READ requestTag NOTIFY requestTagChanged)
    Q_PROPERTY(int status READ status NOTIFY responseChanged)
    Q_PROPERTY(QString statusText READ statusText NOTIFY responseChanged)
    Q_PROPERTY(QString responseHeaders READ responseHeaders NOTIFY responseChanged)
    Q_PROPERTY(QString responseBody READ responseBody NOTIFY responseChanged)
    Q_PROPERTY(qint64 elapsedMs READ elapsedMs NOTIFY responseChanged)
    Q_PROPERTY(int dispatchPort READ dispatchPort WRITE setDispatchPort NOTIFY dispatchPortChanged)
    Q_PROPERTY(QString defaultUrl READ defaultUrl NOTIFY dispatchPortChanged)
public:
    explicit PlaygroundController(platform::Dispatcher &dispatcher, QObject *parent = nullptr);
    ~PlaygroundController() override;

    bool busy() const { return m_busy; }
    QString requestTag() const { return m_tag; }
    int status() const { return m_status; }
    QString statusText() const { return m_statusText; }
    QString responseHeaders() const { return m_headers; }
    QString responseBody() const { return m_body; }
    qint64 elapsedMs() const { return m_elapsedMs; }
    // The dispatch listener's port. A request the Playground sends stands for one that reached
    // the listener, whose URL carries that port; a Worker that fetch()es its own origin (the
    // demo's fanout) needs it to reach the listener again.
    int dispatchPort() const { return m_dispatchPort; }
    void setDispatchPort(int port);
    QString defaultUrl() const;
    // Why `url` will not behave as a request to the listener would, or empty.
    Q_INVOKABLE QString urlNote(const QString &url) const;

    // `headers` is one "Name: value" per line. Returns why the request was not sent, or empty.
    Q_INVOKABLE QString send(const QString &method, const QString &url, const QString &headers,
                             const QString &body);

Q_SIGNALS:
    void busyChanged();
    void requestTagChanged();
    void responseChanged();
    void dispatchPortChanged();

private:
    // Any thread: the response goes to `self` on its thread, unless a newer request replaced it.
    static void show(QPointer<PlaygroundController> self, const QString &tag,
                     engine::ResponseData response);

    platform::Dispatcher &m_dispatcher;
    bool m_busy = false;
    QString m_tag;
    int m_status = 0;
    QString m_statusText;
    QString m_headers;
    QString m_body;
    qint64 m_elapsedMs = 0;
    int m_dispatchPort = 0;
    QElapsedTimer m_clock;
};

} // namespace switchyard::models
