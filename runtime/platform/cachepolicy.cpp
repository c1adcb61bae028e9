#include "cachepolicy.h"

#include <QDateTime>
#include <QLocale>
#include <QTimeZone>
#include <QUrl>

namespace switchyard::platform::cachepolicy {

namespace {
QString header(const engine::HeaderList &headers, QLatin1String name)
{
    QStringList values;
    for (const auto &[n, v] : headers) {
        if (n.compare(name, Qt::CaseInsensitive) == 0)
            values.append(v);
    }
    return values.join(QStringLiteral(", "));
}

bool has(const engine::HeaderList &headers, QLatin1String name)
{
    for (const auto &[n, v] : headers) {
        if (n.compare(name, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

// Splits on commas outside quoted strings.
QStringList splitList(const QString &value)
{
    QStringList parts;
    QString current;
    bool quoted = false;
    for (qsizetype i = 0; i < value.size(); ++i) {
        const QChar c = value.at(i);
        if (c == u'"')
            quoted = !quoted;
        else if (c == u'\\' && quoted && i + 1 < value.size()) {
            current += c;
            current += value.at(++i);
            continue;
        }
        if (c == u',' && !quoted) {
            parts.append(current.trimmed());
            current.clear();
        } else {
            current += c;
        }
    }
    parts.append(current.trimmed());
    parts.removeAll(QString());
    return parts;
}

struct CacheControl
{
    bool noStore = false;
    bool noCache = false;
    bool privateAll = false;
    QStringList privateFields; // lower-cased
    std::optional<qint64> sMaxAge;
    std::optional<qint64> maxAge;
};

// Seconds of a delta-seconds directive; an unreadable value is stale at once (RFC 9111 4.2.1).
qint64 deltaSeconds(const QString &value)
{
    bool ok = false;
    const qint64 n = value.toLongLong(&ok);
    return ok && n > 0 ? std::min<qint64>(n, qint64(1) << 31) : 0;
}

CacheControl parseCacheControl(const QString &value)
{
    CacheControl cc;
    for (const QString &directive : splitList(value)) {
        const qsizetype eq = directive.indexOf(u'=');
        const QString name = (eq < 0 ? directive : directive.left(eq)).trimmed().toLower();
        QString arg = eq < 0 ? QString() : directive.mid(eq + 1).trimmed();
        if (arg.size() >= 2 && arg.startsWith(u'"') && arg.endsWith(u'"'))
            arg = arg.mid(1, arg.size() - 2);
        if (name == u"no-store")
            cc.noStore = true;
        else if (name == u"no-cache")
            cc.noCache = eq < 0; // with field names it only concerns those fields
        else if (name == u"private") {
            if (eq < 0 || arg.trimmed().isEmpty())
                cc.privateAll = true;
            else
                for (const QString &field : arg.split(u',', Qt::SkipEmptyParts))
                    cc.privateFields.append(field.trimmed().toLower());
        } else if (name == u"s-maxage")
            cc.sMaxAge = deltaSeconds(arg);
        else if (name == u"max-age")
            cc.maxAge = deltaSeconds(arg);
    }
    return cc;
}

qint64 defaultTtlMs(int status)
{
    switch (status) {
    case 200:
    case 206:
    case 301:
        return 120 * 60 * 1000;
    case 302:
    case 303:
        return 20 * 60 * 1000;
    case 404:
    case 410:
        return 3 * 60 * 1000;
    default:
        return 0;
    }
}

// An entity-tag without its weak prefix, for the weak comparison If-None-Match uses.
QString opaqueTag(QString tag)
{
    tag = tag.trimmed();
    if (tag.startsWith(QLatin1String("W/")))
        tag = tag.mid(2);
    return tag;
}
} // namespace

QString partition(const QString &ns, const QString &script)
{
    if (ns.isEmpty())
        return QStringLiteral("platform");
    QString p = QStringLiteral("ns/") + QString::fromLatin1(QUrl::toPercentEncoding(ns));
    if (!script.isEmpty())
        p += u'/' + QString::fromLatin1(QUrl::toPercentEncoding(script));
    return p;
}

std::optional<qint64> parseHttpDate(const QString &text)
{
    const QString s = text.simplified();
    const QLocale c = QLocale::c();
    // IMF-fixdate, RFC 850 and asctime (RFC 9110 5.6.7); the weekday is not checked.
    static const char *const formats[]
            = {"ddd, dd MMM yyyy hh:mm:ss 'GMT'", "dddd, dd-MMM-yy hh:mm:ss 'GMT'",
               "ddd MMM d hh:mm:ss yyyy"};
    for (const char *format : formats) {
        QDateTime t = c.toDateTime(s, QLatin1String(format));
        if (!t.isValid())
            continue;
        t.setTimeZone(QTimeZone::utc());
        return t.toMSecsSinceEpoch();
    }
    return std::nullopt;
}

Decision decide(int status, const engine::HeaderList &headers, qint64 nowMs)
{
    Decision d;
    const CacheControl cc = parseCacheControl(header(headers, QLatin1String("cache-control")));
    if (cc.noStore || cc.noCache || cc.privateAll)
        return d;
    // Set-Cookie marks a response for one user: stored only when private=Set-Cookie says to drop
    // it.
    const bool stripCookies = cc.privateFields.contains(QLatin1String("set-cookie"));
    if (has(headers, QLatin1String("set-cookie")) && !stripCookies)
        return d;
    if (cc.sMaxAge)
        d.ttlMs = *cc.sMaxAge * 1000;
    else if (cc.maxAge)
        d.ttlMs = *cc.maxAge * 1000;
    else if (has(headers, QLatin1String("expires"))) {
        // An unreadable Expires (such as "0") means already expired.
        const auto expires = parseHttpDate(header(headers, QLatin1String("expires")));
        const auto date = parseHttpDate(header(headers, QLatin1String("date")));
        d.ttlMs = expires ? *expires - (date ? *date : nowMs) : 0;
    } else
        d.ttlMs = defaultTtlMs(status);
    if (d.ttlMs <= 0)
        return d;
    d.store = true;
    for (const auto &pair : headers) {
        const QString name = pair.first.toLower();
        if (cc.privateFields.contains(name))
            continue;
        d.headers.append(pair);
    }
    return d;
}

bool notModified(const engine::HeaderList &stored, const QString &ifNoneMatch,
                 const QString &ifModifiedSince)
{
    if (!ifNoneMatch.trimmed().isEmpty()) {
        const QString etag = header(stored, QLatin1String("etag"));
        if (ifNoneMatch.trimmed() == u"*")
            return true;
        if (etag.isEmpty())
            return false;
        const QString mine = opaqueTag(etag);
        for (const QString &tag : splitList(ifNoneMatch)) {
            if (opaqueTag(tag) == mine)
                return true;
        }
        return false; // If-Modified-Since is ignored when If-None-Match is present
    }
    if (ifModifiedSince.trimmed().isEmpty())
        return false;
    const auto since = parseHttpDate(ifModifiedSince);
    const auto modified = parseHttpDate(header(stored, QLatin1String("last-modified")));
    return since && modified && *modified <= *since;
}

engine::HeaderList notModifiedHeaders(const engine::HeaderList &stored)
{
    static const QLatin1String kept[] = {
            QLatin1String("cache-control"), QLatin1String("content-location"),
            QLatin1String("date"),          QLatin1String("etag"),
            QLatin1String("expires"),       QLatin1String("last-modified"),
            QLatin1String("vary"),
    };
    engine::HeaderList out;
    for (const auto &pair : stored) {
        for (const QLatin1String name : kept) {
            if (pair.first.compare(name, Qt::CaseInsensitive) == 0) {
                out.append(pair);
                break;
            }
        }
    }
    return out;
}

} // namespace switchyard::platform::cachepolicy
