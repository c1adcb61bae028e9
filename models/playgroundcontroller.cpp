#include "playgroundcontroller.h"

#include "tracesummary.h"

#include "platform/dispatcher.h"

#include <QCoreApplication>
#include <QPointer>
#include <QUrl>
#include <QUuid>

namespace switchyard::models {

PlaygroundController::PlaygroundController(platform::Dispatcher &dispatcher, QObject *parent)
    : QObject(parent), m_dispatcher(dispatcher)
{ }

PlaygroundController::~PlaygroundController() = default;

void PlaygroundController::setDispatchPort(int port)
{
    if (m_dispatchPort == port)
        return;
    m_dispatchPort = port;
    Q_EMIT dispatchPortChanged();
}

QString PlaygroundController::defaultUrl() const
{
    return m_dispatchPort > 0
            ? QStringLiteral("http://cpu-burner.localhost:%1/").arg(m_dispatchPort)
            : QStringLiteral("http://cpu-burner.localhost/");
}

QString PlaygroundController::urlNote(const QString &url) const
{
    const QUrl parsed = QUrl::fromUserInput(url.trimmed());
    if (m_dispatchPort <= 0 || !parsed.isValid() || parsed.host().isEmpty()
        || parsed.port() == m_dispatchPort)
        return {};
    return tr("The Worker sees this URL: its fetch() calls to its own origin go to port %1, not "
              "to the dispatch listener on port %2.")
            .arg(parsed.port(parsed.scheme() == QLatin1String("https") ? 443 : 80))
            .arg(m_dispatchPort);
}

QString PlaygroundController::send(const QString &method, const QString &url,
                                   const QString &headers, const QString &body)
{
    const QUrl parsed = QUrl::fromUserInput(url.trimmed());
    if (!parsed.isValid() || parsed.host().isEmpty()
        || (parsed.scheme() != QLatin1String("http") && parsed.scheme() != QLatin1String("https")))
        return tr("enter an http:// URL with a host, like http://cpu-burner.localhost/");
    engine::RequestData request;
    request.method = method.trimmed().toUpper();
    if (request.method.isEmpty())
        request.method = QStringLiteral("GET");
    request.url = parsed.toString(QUrl::FullyEncoded);
    bool hasHost = false;
    int lineNumber = 0;
    for (const QString &line : headers.split(u'\n')) {
        ++lineNumber;
        if (line.trimmed().isEmpty())
            continue;
        const qsizetype colon = line.indexOf(u':');
        if (colon <= 0)
            return tr("header line %1 is not \"Name: value\"").arg(lineNumber);
        const QString name = line.left(colon).trimmed();
        hasHost = hasHost || name.compare(QLatin1String("host"), Qt::CaseInsensitive) == 0;
        request.headers.append({name, line.mid(colon + 1).trimmed()});
    }
    if (!hasHost) // as the listener sees it from any client
        request.headers.prepend({QStringLiteral("host"), parsed.authority()});
    m_tag = QUuid::createUuid().toString(QUuid::WithoutBraces);
    request.headers.append({QString::fromLatin1(kPlaygroundHeader), m_tag});
    if (!body.isEmpty()
        || (request.method != QLatin1String("GET") && request.method != QLatin1String("HEAD")))
        request.body = body.toUtf8();
    Q_EMIT requestTagChanged();
    m_busy = true;
    Q_EMIT busyChanged();
    m_clock.start();

    // The answer arrives on an engine thread; hand it to this object's thread.
    QPointer<PlaygroundController> self(this);
    const QString tag = m_tag;
    m_dispatcher.handle(std::move(request), [self, tag](engine::ResponseData response) {
        if (response.stream) {
            // A streamed body: shown once it has ended, its first megabyte at most.
            engine::BodyStreamPtr stream = std::move(response.stream);
            engine::collectBody(stream, 1 << 20,
                                [self, tag, response](QByteArray body, bool) mutable {
                                    response.body = std::move(body);
                                    show(self, tag, std::move(response));
                                });
            return;
        }
        show(self, tag, std::move(response));
    });
    return {};
}

void PlaygroundController::show(QPointer<PlaygroundController> self, const QString &tag,
                                engine::ResponseData response)
{
    QMetaObject::invokeMethod(
            QCoreApplication::instance(),
            [self, tag, response] {
                if (!self || self->m_tag != tag)
                    return;
                self->m_status = response.status;
                self->m_statusText = response.statusText;
                QStringList lines;
                for (const auto &[name, value] : response.headers)
                    lines << name + QStringLiteral(": ") + value;
                self->m_headers = lines.join(u'\n');
                self->m_body = QString::fromUtf8(response.body);
                self->m_elapsedMs = self->m_clock.elapsed();
                self->m_busy = false;
                Q_EMIT self->responseChanged();
                Q_EMIT self->busyChanged();
            },
            Qt::QueuedConnection);
}

} // namespace switchyard::models
