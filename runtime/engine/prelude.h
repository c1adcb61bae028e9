#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

#include <v8-context.h>
#include <v8-local-handle.h>
#include <v8-value.h>

#include <atomic>
#include <mutex>
#include <vector>

namespace switchyard::engine {

struct PreludeFile
{
    QString name;
    QString code;
};

// The classic scripts of prelude.txt, in order (CONTRACT.md "Loading"), read once per Engine.
// Returns an empty list and sets *error when a file is missing.
QList<PreludeFile> loadPrelude(const QString &directory, QString *error);

// Runs the prelude in new contexts. The first evaluation compiles from source and then keeps a V8
// code cache of each file (made after running, so it also holds the functions the prelude calls
// while it loads); every later one, in any isolate, deserializes those instead of parsing and
// compiling ~3,000 lines again. Thread-safe.
class PreludeRunner
{
public:
    explicit PreludeRunner(const QList<PreludeFile> &files);

    // Evaluates every file in `context` (entered, with natives installed and a TryCatch around
    // it). Returns the last file's completion value, or an empty handle with *failedFile set to
    // the file that threw.
    v8::MaybeLocal<v8::Value> evaluate(v8::Local<v8::Context> context, QString *failedFile);

private:
    struct File
    {
        QString name;
        QString code;
        // ASCII sources are handed to V8 as external strings: every isolate shares these bytes
        // instead of holding its own copy of the prelude's source.
        QByteArray latin1;
    };
    std::vector<File> m_files;
    std::mutex m_mutex;
    std::atomic_bool m_cached = false;
    std::vector<QByteArray> m_caches; // one per file, written once before m_cached is set
};

} // namespace switchyard::engine
