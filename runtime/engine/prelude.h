#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

namespace switchyard::engine {

struct PreludeFile
{
    QString name;
    QString code;
};

// The classic scripts of prelude.txt, in order (CONTRACT.md "Loading"), read once per Engine.
// Returns an empty list and sets *error when a file is missing.
QList<PreludeFile> loadPrelude(const QString &directory, QString *error);

} // namespace switchyard::engine
