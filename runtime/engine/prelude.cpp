#include "prelude.h"

#include <QFile>

namespace switchyard::engine {

namespace {
bool readText(const QString &path, QString *text)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return false;
    *text = QString::fromUtf8(file.readAll());
    return true;
}
} // namespace

QList<PreludeFile> loadPrelude(const QString &directory, QString *error)
{
    QString dir = directory;
    if (!dir.endsWith(QLatin1Char('/')))
        dir.append(QLatin1Char('/'));
    QString list;
    if (!readText(dir + QLatin1String("prelude.txt"), &list)) {
        *error = QStringLiteral("cannot read %1prelude.txt").arg(dir);
        return {};
    }
    QList<PreludeFile> files;
    for (QString line : list.split(QLatin1Char('\n'))) {
        line = line.trimmed();
        if (line.isEmpty() || line.startsWith(QLatin1Char('#')))
            continue;
        PreludeFile file {line, {}};
        if (!readText(dir + line, &file.code)) {
            *error = QStringLiteral("cannot read prelude file %1%2").arg(dir, line);
            return {};
        }
        files.append(file);
    }
    if (files.isEmpty())
        *error = QStringLiteral("%1prelude.txt lists no files").arg(dir);
    return files;
}

} // namespace switchyard::engine
