#include "outboundfetch.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>

namespace switchyard::engine {

void startOutboundFetch(QNetworkAccessManager *network, const OutboundRequest &request,
                        std::function<void(OutboundResponse)> done)
{
    // RFC 6761: *.localhost is loopback. Browsers and curl know it, glibc does not; Workers of
    // the demo call each other by such names, so connect to 127.0.0.1 and keep the Host header.
    QUrl target = request.url;
    const QString host = target.host().toLower();
    const bool loopbackName = host == u"localhost" || host.endsWith(QStringLiteral(".localhost"));
    if (loopbackName)
        target.setHost(QStringLiteral("127.0.0.1"));
    QNetworkRequest qrequest(target);
    qrequest.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                          request.followRedirects ? QNetworkRequest::NoLessSafeRedirectPolicy
                                                  : QNetworkRequest::ManualRedirectPolicy);
    // Workers of different tenants share the manager: nothing may carry over between them.
    qrequest.setAttribute(QNetworkRequest::CookieLoadControlAttribute, QNetworkRequest::Manual);
    qrequest.setAttribute(QNetworkRequest::CookieSaveControlAttribute, QNetworkRequest::Manual);
    qrequest.setAttribute(QNetworkRequest::CacheLoadControlAttribute,
                          QNetworkRequest::AlwaysNetwork);
    qrequest.setAttribute(QNetworkRequest::CacheSaveControlAttribute, false);
    qrequest.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    bool hasHost = false, hasAcceptEncoding = false;
    for (const auto &[name, value] : request.headers) {
        qrequest.setRawHeader(name.toUtf8(), value.toUtf8());
        hasHost = hasHost || name.compare(u"host", Qt::CaseInsensitive) == 0;
        hasAcceptEncoding
                = hasAcceptEncoding || name.compare(u"accept-encoding", Qt::CaseInsensitive) == 0;
    }
    if (loopbackName && !hasHost)
        qrequest.setRawHeader("Host", request.url.authority(QUrl::FullyEncoded).toUtf8());
    // Without an Accept-Encoding of the Worker's own, Qt asks for gzip and inflates the body
    // itself; the headers that describe the compressed body must then go.
    const bool qtDecompresses = !hasAcceptEncoding;

    QNetworkReply *reply = request.body
            ? network->sendCustomRequest(qrequest, request.method.toUtf8(), *request.body)
            : network->sendCustomRequest(qrequest, request.method.toUtf8());
    const QUrl original = request.url;
    QObject::connect(
            reply, &QNetworkReply::finished, reply,
            [reply, original, target, loopbackName, qtDecompresses, done] {
                reply->deleteLater();
                OutboundResponse response;
                const QVariant status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
                if (!status.isValid()) {
                    response.networkError = QStringLiteral("Network connection lost. (%1)")
                                                    .arg(reply->errorString());
                    done(std::move(response));
                    return;
                }
                response.status = status.toInt();
                response.statusText
                        = reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString();
                for (const auto &[name, value] : reply->rawHeaderPairs()) {
                    if (qtDecompresses
                        && (name.compare("content-encoding", Qt::CaseInsensitive) == 0
                            || name.compare("content-length", Qt::CaseInsensitive) == 0))
                        continue;
                    // Qt folds repeated Set-Cookie headers into one, newline-separated.
                    if (name.compare("set-cookie", Qt::CaseInsensitive) == 0) {
                        for (const QByteArray &cookie : value.split('\n'))
                            response.headers.append(
                                    {QString::fromLatin1(name), QString::fromUtf8(cookie)});
                        continue;
                    }
                    response.headers.append({QString::fromLatin1(name), QString::fromUtf8(value)});
                }
                response.body = reply->readAll();
                QUrl finalUrl = reply->url();
                if (loopbackName && finalUrl.host() == u"127.0.0.1"
                    && finalUrl.port() == target.port())
                    finalUrl.setHost(original.host());
                response.url = finalUrl.toString();
                response.redirected = finalUrl != original;
                done(std::move(response));
            });
}

} // namespace switchyard::engine
