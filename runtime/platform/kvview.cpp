#include "kvview.h"

#include <mutex>

namespace switchyard::platform {

bool KvView::hasNamespace(const QString &namespaceId) const
{
    std::shared_lock lock(m_mutex);
    return m_namespaces.contains(namespaceId);
}

std::optional<store::KvValue> KvView::get(const QString &namespaceId, const QString &key) const
{
    const QByteArray utf8 = key.toUtf8();
    const qint64 now = m_clock.nowSeconds();
    std::shared_lock lock(m_mutex);
    const auto ns = m_namespaces.constFind(namespaceId);
    if (ns == m_namespaces.cend())
        return std::nullopt;
    const auto it = ns->find(utf8);
    if (it == ns->end() || expired(it->second, now))
        return std::nullopt;
    // Copies share the bytes (implicit sharing), so this is cheap for any value size.
    return it->second;
}

KvView::ListResult KvView::list(const QString &namespaceId, const QString &prefix, int limit,
                                const QString &cursor) const
{
    ListResult result;
    const QByteArray prefixBytes = prefix.toUtf8();
    const QByteArray after
            = QByteArray::fromBase64(cursor.toLatin1(), QByteArray::Base64UrlEncoding);
    const qint64 now = m_clock.nowSeconds();
    std::shared_lock lock(m_mutex);
    const auto ns = m_namespaces.constFind(namespaceId);
    if (ns == m_namespaces.cend())
        return result;
    auto it = after.isEmpty() ? ns->lower_bound(prefixBytes) : ns->upper_bound(after);
    if (!after.isEmpty() && it != ns->end() && it->first < prefixBytes)
        it = ns->lower_bound(prefixBytes);
    for (; it != ns->end() && it->first.startsWith(prefixBytes); ++it) {
        if (expired(it->second, now))
            continue;
        if (result.keys.size() == limit) {
            // One more live key exists: the page is full and the list goes on.
            result.listComplete = false;
            result.cursor = QString::fromLatin1(
                    result.keys.constLast().name.toUtf8().toBase64(QByteArray::Base64UrlEncoding));
            break;
        }
        result.keys.append(
                {QString::fromUtf8(it->first), it->second.expiration, it->second.metadata});
    }
    return result;
}

qsizetype KvView::size(const QString &namespaceId) const
{
    std::shared_lock lock(m_mutex);
    const auto ns = m_namespaces.constFind(namespaceId);
    return ns == m_namespaces.cend() ? 0 : qsizetype(ns->size());
}

void KvView::addNamespace(const QString &namespaceId)
{
    std::unique_lock lock(m_mutex);
    if (!m_namespaces.contains(namespaceId))
        m_namespaces.insert(namespaceId, Entries());
}

void KvView::removeNamespace(const QString &namespaceId)
{
    Entries doomed;
    {
        std::unique_lock lock(m_mutex);
        auto it = m_namespaces.find(namespaceId);
        if (it == m_namespaces.end())
            return;
        doomed.swap(*it);
        m_namespaces.erase(it);
    }
    // `doomed` frees its entries here, outside the lock.
}

void KvView::put(const QString &namespaceId, const QString &key, store::KvValue value)
{
    const QByteArray utf8 = key.toUtf8();
    store::KvValue old;
    std::unique_lock lock(m_mutex);
    auto &entry = m_namespaces[namespaceId][utf8];
    std::swap(entry, old);
    entry = std::move(value);
    lock.unlock();
}

void KvView::remove(const QString &namespaceId, const QString &key)
{
    const QByteArray utf8 = key.toUtf8();
    std::unique_lock lock(m_mutex);
    auto ns = m_namespaces.find(namespaceId);
    if (ns != m_namespaces.end())
        ns->erase(utf8);
}

QHash<QString, QStringList> KvView::swapEntries(KvView &other)
{
    QHash<QString, QStringList> changed;
    {
        std::unique_lock lock(m_mutex);
        std::unique_lock otherLock(other.m_mutex);
        m_namespaces.swap(other.m_namespaces);
    }
    // Both are now stable: only the platform service's thread writes either.
    auto same = [](const store::KvValue &a, const store::KvValue &b) {
        return a.value == b.value && a.metadata == b.metadata && a.expiration == b.expiration;
    };
    auto compare = [&](const QHash<QString, Entries> &from, const QHash<QString, Entries> &to) {
        for (auto ns = from.cbegin(); ns != from.cend(); ++ns) {
            const auto there = to.constFind(ns.key());
            for (const auto &[key, value] : ns.value()) {
                if (there == to.cend()) {
                    changed[ns.key()] << QString::fromUtf8(key);
                    continue;
                }
                const auto it = there->find(key);
                if (it == there->end() || !same(it->second, value))
                    changed[ns.key()] << QString::fromUtf8(key);
            }
        }
    };
    std::shared_lock lock(m_mutex);
    std::shared_lock otherLock(other.m_mutex);
    compare(m_namespaces, other.m_namespaces);
    // Keys only the old state had.
    for (auto ns = other.m_namespaces.cbegin(); ns != other.m_namespaces.cend(); ++ns) {
        const auto here = m_namespaces.constFind(ns.key());
        for (const auto &[key, value] : ns.value()) {
            if (here == m_namespaces.cend() || here->find(key) == here->end())
                changed[ns.key()] << QString::fromUtf8(key);
        }
    }
    return changed;
}

} // namespace switchyard::platform
