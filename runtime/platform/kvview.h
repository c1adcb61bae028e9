#pragma once

#include "clock.h"
#include "store/records.h"

#include <QHash>

#include <map>
#include <optional>
#include <shared_mutex>

namespace switchyard::platform {

// Every KV entry of every namespace, in memory: what the request path reads, from any thread,
// without touching SQLite. Only the platform service writes it, right after its transaction
// commits. Expired entries read as absent from the second they expire; the service's sweep
// removes them later.
class KvView
{
public:
    struct ListedKey
    {
        QString name;
        std::optional<qint64> expiration;
        QByteArray metadata; // compact JSON text, or null
    };
    struct ListResult
    {
        QList<ListedKey> keys;
        bool listComplete = true;
        QString cursor; // pass back to continue; empty when listComplete
    };

    explicit KvView(const Clock &clock) : m_clock(clock) { }

    bool hasNamespace(const QString &namespaceId) const;
    std::optional<store::KvValue> get(const QString &namespaceId, const QString &key) const;
    // Keys in UTF-8 byte order, as Cloudflare lists them. `cursor` is one this returned before.
    ListResult list(const QString &namespaceId, const QString &prefix, int limit,
                    const QString &cursor) const;
    qsizetype size(const QString &namespaceId) const; // expired entries not yet swept included

    // Writers: the platform service only.
    void addNamespace(const QString &namespaceId);
    void removeNamespace(const QString &namespaceId);
    void put(const QString &namespaceId, const QString &key, store::KvValue value);
    void remove(const QString &namespaceId, const QString &key);
    // Takes every namespace and entry of `other` at once (readers see the old or the new state,
    // never a mix); `other` gets this view's. Returns the keys whose value, metadata or
    // expiration differ between the two, by namespace id.
    QHash<QString, QStringList> swapEntries(KvView &other);

private:
    // Keys as UTF-8 bytes so that the map's order is Cloudflare's list order.
    using Entries = std::map<QByteArray, store::KvValue>;
    bool expired(const store::KvValue &value, qint64 nowSeconds) const
    {
        return value.expiration && *value.expiration <= nowSeconds;
    }

    const Clock &m_clock;
    mutable std::shared_mutex m_mutex;
    QHash<QString, Entries> m_namespaces;
};

} // namespace switchyard::platform
