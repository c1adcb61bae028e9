#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

#include <v8-context.h>
#include <v8-local-handle.h>
#include <v8-primitive.h>
#include <v8-value.h>

#include <v8-script.h>
#include <v8-snapshot.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <vector>

namespace switchyard::engine {

class Isolate;

struct PreludeFile
{
    QString name;
    QString code;
    // A `lazy <file>` line of prelude.txt: not evaluated with the prelude, but on the first call of
    // the `loadLazy(name)` native in a context (CONTRACT.md).
    bool lazy = false;
};

// The classic scripts of prelude.txt, in order (CONTRACT.md "Loading"), read once per Engine.
// Returns an empty list and sets *error when a file is missing.
QList<PreludeFile> loadPrelude(const QString &directory, QString *error);

// The warm-up script beside prelude.txt (js/warmup.js), or an empty string when there is none.
QString loadWarmup(const QString &directory);

// Gives new isolates contexts in which the prelude has run. With a warm-up script it first makes
// a V8 code cache of each file, in a scratch isolate, after the warm-up has called the prelude's
// hot paths: the cache then also holds the functions V8 compiles lazily on first call, which a
// Worker's first request would otherwise compile on its own CPU clock. Then, unless told not to,
// it evaluates the prelude once more from that cache in a v8::SnapshotCreator and keeps the
// startup snapshot: isolates made by newIsolate() deserialize a context with the Web APIs built
// and compiled (newContext()) instead of running ~3,000 lines of JavaScript. Without a snapshot,
// evaluate() runs the prelude, from the code cache (or, with no warm-up, making the cache on the
// first evaluation, so it holds what the prelude calls while it loads). warmUpContext() then warms
// each new context's inline caches, which no snapshot keeps. Thread-safe.
class PreludeRunner
{
public:
    // Call on a thread that has no isolate entered: priming enters a scratch isolate of its own.
    PreludeRunner(const QList<PreludeFile> &files, const QString &warmup, qint64 heapLimitBytes,
                  bool snapshot = true);
    ~PreludeRunner();

    // A new isolate for Worker contexts: from the startup snapshot when there is one.
    std::unique_ptr<Isolate> newIsolate(qint64 heapLimitBytes);
    // Whether newIsolate()'s isolates hold the prelude's context (then use newContext()).
    bool hasSnapshot() const { return m_snapshot.data != nullptr; }
    // The prelude's context, deserialized from the snapshot into `iso` (entered, with a handle
    // scope), and its internals object. Empty if it could not be.
    v8::MaybeLocal<v8::Context> newContext(v8::Isolate *iso, v8::Local<v8::Object> *internals);

    // Evaluates every file in `context` (entered, with natives installed and a TryCatch around
    // it). Returns the last file's completion value, or an empty handle with *failedFile set to
    // the file that threw.
    v8::MaybeLocal<v8::Value> evaluate(v8::Local<v8::Context> context, QString *failedFile);

    // Runs the warm-up script in `context` (entered, the prelude evaluated in it, `internals` its
    // internals object), as the Isolate had no Instance: V8 clears the feedback vectors (inline
    // caches) and compiled RegExps of a snapshot, so a context's first calls of the prelude's
    // hot paths run cold. Called before any Worker code runs in the context, on the Instance's
    // start-up clock, so a Worker's first request is billed like its later ones. False (and a
    // warning) when the warm-up failed; true when there is none, or the context was warmed before.
    bool warmUpContext(v8::Local<v8::Context> context, v8::Local<v8::Object> internals);

private:
    // Compiles js/warmup.js in `context` (entered) and returns the function its completion value
    // is; *compiled, when given, is the script (for its code cache).
    v8::MaybeLocal<v8::Function> compileWarmUp(v8::Local<v8::Context> context,
                                               v8::Local<v8::UnboundScript> *compiled);
    // Calls the warm-up with `internals` (all of it when `full`, else the request path) and drains
    // microtasks. False (and a warning) when it failed.
    bool runWarmUp(v8::Local<v8::Context> context, v8::Local<v8::Function> warmUp,
                   v8::Local<v8::Value> internals, bool full);
    // Puts `loadLazy` on the context's `__switchyard` natives object.
    void installLoadLazy(v8::Local<v8::Context> context);
    static void loadLazy(const v8::FunctionCallbackInfo<v8::Value> &info);
    // Fills m_caches from a scratch isolate in which the prelude and then the warm-up ran. Leaves
    // them empty (the first evaluation then makes them) if anything there fails.
    void prime(qint64 heapLimitBytes);
    // Fills m_snapshot, or leaves it empty (with a warning) if the prelude cannot be serialized.
    void makeSnapshot(qint64 heapLimitBytes);
    struct File
    {
        QString name;
        QString code;
        // ASCII sources are handed to V8 as external strings: every isolate shares these bytes
        // instead of holding its own copy of the prelude's source. Null for other sources.
        v8::String::ExternalOneByteStringResource *shared = nullptr;
    };
    v8::Local<v8::String> source(v8::Isolate *iso, const File &file) const;

    std::vector<File> m_files;
    QString m_warmup;
    v8::String::ExternalOneByteStringResource *m_warmupShared = nullptr;
    std::mutex m_mutex;
    std::atomic_bool m_cached = false;
    std::vector<QByteArray> m_caches; // one per file, written once before m_cached is set
    QByteArray m_warmupCache; // warmup.js's, written with m_caches

    // Lazy files: compiled only in contexts that load them; each one's code cache is made by the
    // first compilation in any isolate (under m_mutex).
    std::vector<File> m_lazyFiles;
    std::vector<QByteArray> m_lazyCaches;

    // The native callbacks, loadLazy and the shared sources, null-terminated: how serialized
    // functions and script sources name them.
    std::vector<intptr_t> m_references;
    v8::StartupData m_snapshot {nullptr, 0};
};

} // namespace switchyard::engine
