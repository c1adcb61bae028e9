#include "storelocation.h"

#include <QUrl>

namespace switchyard::store {

StoreLocation StoreLocation::sqlite(const QString &path)
{
    StoreLocation location;
    location.path = path;
    return location;
}

std::optional<StoreLocation> StoreLocation::parse(const QString &url, QString *error)
{
    auto fail = [&](const QString &why) -> std::optional<StoreLocation> {
        if (error)
            *error = why;
        return std::nullopt;
    };
    const qsizetype schemeEnd = url.indexOf(QLatin1String("://"));
    const QString scheme = schemeEnd < 0 ? QString() : url.left(schemeEnd).toLower();
    if (scheme == QLatin1String("sqlite")) {
        // sqlite:///abs/path: everything after the scheme's "//" is the path, taken verbatim so
        // that no URL decoding changes a file name.
        const QString path = url.mid(schemeEnd + 3);
        if (!path.startsWith(QLatin1Char('/')))
            return fail(QStringLiteral("--store: an SQLite store is sqlite:///absolute/path, "
                                       "with three slashes"));
        if (path.size() < 2 || path.endsWith(QLatin1Char('/')))
            return fail(QStringLiteral("--store: sqlite:/// needs a file name"));
        return sqlite(path);
    }
    if (scheme != QLatin1String("postgresql") && scheme != QLatin1String("postgres"))
        return fail(QStringLiteral("--store: expected sqlite:///path or "
                                   "postgresql://user:password@host:port/dbname"));

    // QUrl's own error strings quote the input, password and all; only say which part is wrong.
    const QUrl parsed(url, QUrl::StrictMode);
    if (!parsed.isValid() || parsed.host().isEmpty())
        return fail(QStringLiteral("--store: not a valid postgresql:// URL (expected "
                                   "postgresql://user:password@host:port/dbname)"));
    if (parsed.hasQuery() || parsed.hasFragment())
        return fail(QStringLiteral("--store: a postgresql:// URL takes no ?options or #fragment"));
    StoreLocation location;
    location.backend = Backend::Postgres;
    location.host = parsed.host();
    location.port = parsed.port(5432);
    location.user = parsed.userName(QUrl::FullyDecoded);
    location.password = parsed.password(QUrl::FullyDecoded);
    location.databaseName = parsed.path(QUrl::FullyDecoded).mid(1);
    if (location.databaseName.isEmpty() || location.databaseName.contains(QLatin1Char('/')))
        return fail(QStringLiteral("--store: the postgresql:// URL must name one database "
                                   "(postgresql://user:password@host:port/dbname)"));
    return location;
}

QString StoreLocation::display() const
{
    if (!isPostgres())
        return path;
    QUrl url;
    url.setScheme(QStringLiteral("postgresql"));
    url.setUserName(user);
    url.setHost(host);
    url.setPort(port);
    url.setPath(QLatin1Char('/') + databaseName);
    return url.toString();
}

} // namespace switchyard::store
