#include "adminauth.h"

#include <QDir>
#include <QFile>
#include <QRandomGenerator>
#include <QSaveFile>

namespace switchyard::http::admin {

// Compares in time independent of where the strings differ, so response timing does not leak
// the token byte by byte.
static bool sameBytes(const QByteArray &a, const QByteArray &b)
{
    if (a.size() != b.size())
        return false;
    unsigned char diff = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        diff |= static_cast<unsigned char>(a.at(i) ^ b.at(i));
    return diff == 0;
}

AuthVerdict checkBearer(const HeaderList &headers, const QString &token)
{
    QByteArray authorization;
    for (const auto &[name, value] : headers) {
        if (name.compare("authorization", Qt::CaseInsensitive) == 0)
            authorization = value.trimmed();
    }
    if (authorization.isEmpty())
        return AuthVerdict::Missing;
    const qsizetype space = authorization.indexOf(' ');
    if (space < 0 || authorization.left(space).compare("bearer", Qt::CaseInsensitive) != 0)
        return AuthVerdict::Missing;
    const QByteArray given = authorization.mid(space + 1).trimmed();
    return !token.isEmpty() && sameBytes(given, token.toUtf8()) ? AuthVerdict::Ok
                                                                : AuthVerdict::Wrong;
}

QString tokenFilePath(const QString &dataDir)
{
    return QDir(dataDir).filePath(QStringLiteral("admin-token"));
}

std::optional<QString> loadOrCreateToken(const QString &dataDir, QString *error)
{
    const QString path = tokenFilePath(dataDir);
    QFile existing(path);
    if (existing.exists()) {
        if (!existing.open(QIODevice::ReadOnly)) {
            *error = QStringLiteral("cannot read the admin token %1: %2")
                             .arg(path, existing.errorString());
            return std::nullopt;
        }
        const QString token = QString::fromUtf8(existing.readAll()).trimmed();
        if (!token.isEmpty())
            return token;
    }
    // 32 random bytes as hex: as strong as Cloudflare's tokens, and safe in a header.
    QByteArray bytes(32, Qt::Uninitialized);
    QRandomGenerator::system()->generate(bytes.begin(), bytes.end());
    const QString token = QString::fromLatin1(bytes.toHex());
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)
        || !file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner)
        || file.write(token.toLatin1() + '\n') < 0 || !file.commit()) {
        *error = QStringLiteral("cannot write the admin token %1: %2")
                         .arg(path, file.errorString());
        return std::nullopt;
    }
    QFile::setPermissions(path, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    return token;
}

} // namespace switchyard::http::admin
