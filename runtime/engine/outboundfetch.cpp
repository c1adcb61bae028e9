#include "outboundfetch.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>

namespace switchyard::engine {

void startOutboundFetch(QNetworkAccessManager *network, const OutboundRequest &request,
                        std::function<void(OutboundResponse)> done)
{
    QNetworkRequest qrequest(request.url);
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
    for (const auto &[name, value] : request.headers)
        qrequest.setRawHeader(name.toUtf8(), value.toUtf8());

    QNetworkReply *reply = request.body
            ? network->sendCustomRequest(qrequest, request.method.toUtf8(), *request.body)
            : network->sendCustomRequest(qrequest, request.method.toUtf8());
    const QUrl original = request.url;
    QObject::connect(reply, &QNetworkReply::finished, reply, [reply, original, done] {
        reply->deleteLater();
        OutboundResponse response;
        const QVariant status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
        if (!status.isValid()) {
            response.networkError
                    = QStringLiteral("Network connection lost. (%1)").arg(reply->errorString());
            done(std::move(response));
            return;
        }
        response.status = status.toInt();
        response.statusText
                = reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString();
        for (const auto &[name, value] : reply->rawHeaderPairs()) {
            // Qt folds repeated Set-Cookie headers into one, newline-separated.
            if (name.compare("set-cookie", Qt::CaseInsensitive) == 0) {
                for (const QByteArray &cookie : value.split('\n'))
                    response.headers.append({QString::fromLatin1(name), QString::fromUtf8(cookie)});
                continue;
            }
            response.headers.append({QString::fromLatin1(name), QString::fromUtf8(value)});
        }
        response.body = reply->readAll();
        response.url = reply->url().toString();
        response.redirected = reply->url() != original;
        done(std::move(response));
    });
}

} // namespace switchyard::engine
