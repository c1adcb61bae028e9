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

    // `headers` is one "Name: value" per line. Returns why the request was not sent, or empty.
    Q_INVOKABLE QString send(const QString &method, const QString &url, const QString &headers,
                             const QString &body);

Q_SIGNALS:
    void busyChanged();
    void requestTagChanged();
    void responseChanged();

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
    QElapsedTimer m_clock;
};

} // namespace switchyard::models
