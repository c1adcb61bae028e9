#include "checkedsources.h"

#include <QCryptographicHash>

namespace switchyard::engine {

// Every field length-prefixed, so no two different sources hash the same bytes.
static void addField(QCryptographicHash &hash, QByteArrayView bytes)
{
    const quint64 size = quint64(bytes.size());
    hash.addData(QByteArrayView(reinterpret_cast<const char *>(&size), sizeof size));
    hash.addData(bytes);
}

static void addText(QCryptographicHash &hash, const QString &text)
{
    addField(hash,
             QByteArrayView(reinterpret_cast<const char *>(text.utf16()),
                            text.size() * qsizetype(sizeof(char16_t))));
}

QByteArray CheckedSources::digest(const ScriptSource &source)
{
    // BLAKE2b: a tenant must not be able to make its broken source collide with a checked one.
    QCryptographicHash hash(QCryptographicHash::Blake2b_256);
    const char kind = source.serviceWorker ? 's' : 'm';
    addField(hash, QByteArrayView(&kind, 1));
    addText(hash, source.mainModule);
    for (const ScriptModule &module : source.modules) {
        const char moduleKind = char(module.kind);
        addField(hash, QByteArrayView(&moduleKind, 1));
        addText(hash, module.name);
        addText(hash, module.code);
        addField(hash, module.bytes);
    }
    return hash.result();
}

void CheckedSources::insert(const QByteArray &digest)
{
    if (m_capacity <= 0 || m_passed.contains(digest))
        return;
    if (int(m_order.size()) >= m_capacity) {
        m_passed.remove(m_order.front());
        m_order.pop_front();
    }
    m_passed.insert(digest);
    m_order.push_back(digest);
}

} // namespace switchyard::engine
