#pragma once

#include "script.h"

#include <QByteArray>
#include <QSet>

#include <deque>

namespace switchyard::engine {

// Sources that passed Engine::check() lately, by a digest of their content. An upload is checked
// before it is stored, and its first Invocation compiles the same source again: remembering the
// pass spares that request the parse and link (its Instance still compiles for itself). Only
// passes are kept, so a source that fails is checked, and its error reported, every time. The
// Worker's name is not part of the digest: what it is called changes nothing in its modules.
// Bounded: the oldest entry goes first. Not thread-safe; Engine::check() holds its lock.
class CheckedSources
{
public:
    explicit CheckedSources(int capacity = 4096) : m_capacity(capacity) { }

    static QByteArray digest(const ScriptSource &source);

    bool contains(const QByteArray &digest) const { return m_passed.contains(digest); }
    void insert(const QByteArray &digest);
    int size() const { return int(m_passed.size()); }

private:
    const int m_capacity;
    QSet<QByteArray> m_passed;
    std::deque<QByteArray> m_order; // oldest first
};

} // namespace switchyard::engine
