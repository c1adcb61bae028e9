#include "queries.h"

#include "database.h"

#include <QJsonDocument>
#include <QSet>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlRecord>

#include <sqlite3.h>

namespace switchyard::store {

QByteArray compactJson(const QJsonArray &array)
{
    return QJsonDocument(array).toJson(QJsonDocument::Compact);
}

QByteArray compactJson(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QJsonArray jsonArray(const QByteArray &text)
{
    return QJsonDocument::fromJson(text).array();
}

QJsonObject jsonObject(const QByteArray &text)
{
    return QJsonDocument::fromJson(text).object();
}

namespace {

// A statement prepared once and run for every row of a batch, through SQLite's own API on the
// connection Qt opened (so inside its transaction). Qt's per-row bindValue() formats a placeholder
// name for every value and copies each through its own buffers: with two trace rows per request
// that was a quarter of the writer thread's time. Values bind as Qt's SQLite driver binds them.
// On PostgreSQL the statement is prepared once through Qt and executed per row.
class BatchInsert
{
public:
    BatchInsert(Database &db, const QString &sql) : m_sql(sql)
    {
        if (db.isPostgres()) {
            m_database = &db;
            m_query.emplace(db.connection());
            if (!m_query->prepare(sql))
                throw SqlError(QStringLiteral("%1 (in %2)").arg(m_query->lastError().text(), sql));
            return;
        }
        const QVariant handle = db.connection().driver()->handle();
        if (qstrcmp(handle.typeName(), "sqlite3*") == 0)
            m_db = *static_cast<sqlite3 *const *>(handle.constData());
        if (!m_db)
            throw SqlError(QStringLiteral("no SQLite connection (in %1)").arg(sql));
        if (sqlite3_prepare16_v2(m_db, sql.utf16(), int(sql.size() * sizeof(QChar)), &m_statement,
                                 nullptr)
            != SQLITE_OK)
            fail();
    }
    ~BatchInsert() { sqlite3_finalize(m_statement); }
    BatchInsert(const BatchInsert &) = delete;
    BatchInsert &operator=(const BatchInsert &) = delete;

    void exec(const QVariantList &values)
    {
        for (qsizetype i = 0; i < values.size(); ++i) {
            if (m_query)
                m_query->bindValue(int(i), m_database->bindable(values.at(i)));
            else
                bind(int(i) + 1, values.at(i));
        }
        step();
    }

    // Typed binds for rows built in code; every value must outlive step().
    void bindUtf8(int index, const QByteArray &text)
    {
        if (m_query)
            return m_query->bindValue(index - 1, QString::fromUtf8(text));
        check(sqlite3_bind_text(m_statement, index, text.constData(), int(text.size()),
                                SQLITE_STATIC));
    }
    void bindText(int index, const QString &text)
    {
        if (m_query)
            return m_query->bindValue(index - 1,
                                      text.isNull() ? QVariant(QMetaType::fromType<QString>())
                                                    : QVariant(text));
        check(text.isNull() ? sqlite3_bind_null(m_statement, index)
                            : sqlite3_bind_text16(m_statement, index, text.utf16(),
                                                  int(text.size() * sizeof(QChar)), SQLITE_STATIC));
    }
    void bindInt(int index, qint64 value)
    {
        if (m_query)
            return m_query->bindValue(index - 1, value);
        check(sqlite3_bind_int64(m_statement, index, value));
    }
    void step()
    {
        if (m_query) {
            if (!m_query->exec())
                throw SqlError(
                        QStringLiteral("%1 (in %2)").arg(m_query->lastError().text(), m_sql));
            return;
        }
        if (sqlite3_step(m_statement) != SQLITE_DONE)
            fail();
        sqlite3_reset(m_statement);
    }

private:
    void check(int rc)
    {
        if (rc != SQLITE_OK)
            fail();
    }
    // As Qt's SQLite driver binds a QVariant. `value` outlives the step: strings and bytes bind
    // without a copy.
    void bind(int index, const QVariant &value)
    {
        const QMetaType type = value.metaType();
        if (type == QMetaType::fromType<QString>())
            return bindText(index, *static_cast<const QString *>(value.constData()));
        if (value.isNull())
            return check(sqlite3_bind_null(m_statement, index));
        switch (type.id()) {
        case QMetaType::QByteArray: {
            const auto *bytes = static_cast<const QByteArray *>(value.constData());
            return check(bytes->isNull() ? sqlite3_bind_null(m_statement, index)
                                         : sqlite3_bind_blob(m_statement, index, bytes->constData(),
                                                             int(bytes->size()), SQLITE_STATIC));
        }
        case QMetaType::Bool:
        case QMetaType::Int:
        case QMetaType::UInt:
        case QMetaType::Long:
        case QMetaType::LongLong:
        case QMetaType::ULongLong:
            return bindInt(index, value.toLongLong());
        case QMetaType::Double:
        case QMetaType::Float:
            return check(sqlite3_bind_double(m_statement, index, value.toDouble()));
        default: {
            const QString converted = value.toString();
            return check(sqlite3_bind_text16(m_statement, index, converted.utf16(),
                                             int(converted.size() * sizeof(QChar)),
                                             SQLITE_TRANSIENT));
        }
        }
    }
    [[noreturn]] void fail()
    {
        throw SqlError(
                QStringLiteral("%1 (in %2)").arg(QString::fromUtf8(sqlite3_errmsg(m_db)), m_sql));
    }

    sqlite3 *m_db = nullptr;
    sqlite3_stmt *m_statement = nullptr;
    Database *m_database = nullptr; // PostgreSQL
    std::optional<QSqlQuery> m_query; // PostgreSQL
    QString m_sql;
};

QStringList stringList(const QByteArray &json)
{
    QStringList list;
    for (const QJsonValue &value : jsonArray(json))
        list << value.toString();
    return list;
}

QString jsonText(const QStringList &list)
{
    return QString::fromUtf8(compactJson(QJsonArray::fromStringList(list)));
}

QString jsonText(const QJsonArray &array)
{
    return QString::fromUtf8(compactJson(array));
}

// Qt binds a null QString as SQL NULL; "no value" is '' in NOT NULL text columns.
QString notNull(const QString &text)
{
    return text.isNull() ? QLatin1String("") : text;
}

QVariant nullableBytes(const QByteArray &bytes)
{
    return bytes.isNull() ? QVariant(QMetaType::fromType<QByteArray>()) : QVariant(bytes);
}

} // namespace

QList<NamespaceRecord> Queries::namespaces()
{
    QList<NamespaceRecord> list;
    QSqlQuery query = m_db.exec(QStringLiteral(
            "SELECT id, name, trusted_workers, created_at FROM dispatch_namespaces ORDER BY name"));
    while (query.next()) {
        list.append({query.value(0).toLongLong(), query.value(1).toString(),
                     query.value(2).toBool(), query.value(3).toLongLong()});
    }
    return list;
}

void Queries::writeModules(const QString &table, const QString &ownerColumn, qint64 ownerId,
                           const ScriptModules &modules)
{
    m_db.exec(QStringLiteral("DELETE FROM %1 WHERE %2 = ?").arg(table, ownerColumn), {ownerId});
    const QString insert = QStringLiteral("INSERT INTO %1 (%2, position, name, content_type, code)"
                                          " VALUES (?, ?, ?, ?, ?)")
                                   .arg(table, ownerColumn);
    for (qsizetype i = 0; i < modules.size(); ++i) {
        const ScriptModule &module = modules.at(i);
        m_db.exec(insert, {ownerId, qint64(i), module.name, module.contentType, module.code});
    }
}

ScriptModules Queries::readModules(const QString &table, const QString &ownerColumn, qint64 ownerId)
{
    ScriptModules modules;
    QSqlQuery query = m_db.exec(QStringLiteral("SELECT name, content_type, code FROM %1 WHERE %2 "
                                               "= ? ORDER BY position")
                                        .arg(table, ownerColumn),
                                {ownerId});
    while (query.next()) {
        modules.append({query.value(0).toString(), query.value(1).toString(),
                        query.value(2).toByteArray()});
    }
    return modules;
}

QList<ScriptRecord> Queries::scripts()
{
    return readScripts({}, {});
}

std::optional<ScriptRecord> Queries::script(const QString &namespaceName, const QString &name)
{
    QList<ScriptRecord> found = readScripts(QStringLiteral(" WHERE n.name = ? AND s.name = ?"),
                                            {namespaceName, name});
    if (found.isEmpty())
        return std::nullopt;
    return found.takeFirst();
}

QList<ScriptRecord> Queries::readScripts(const QString &where, const QVariantList &params)
{
    QList<ScriptRecord> list;
    QSqlQuery query = m_db.exec(
            QStringLiteral("SELECT s.id, n.name, s.name, s.main_module, s.compatibility_date,"
                           " s.compatibility_flags, s.bindings, s.tags, s.content_hash,"
                           " s.created_at, s.modified_at, s.tail_consumers"
                           " FROM scripts s JOIN dispatch_namespaces n ON n.id = s.namespace_id")
                    + where,
            params);
    while (query.next()) {
        ScriptRecord record;
        record.id = query.value(0).toLongLong();
        record.namespaceName = query.value(1).toString();
        record.name = query.value(2).toString();
        record.code.mainModule = query.value(3).toString();
        record.code.compatibilityDate = query.value(4).toString();
        record.code.compatibilityFlags = stringList(query.value(5).toByteArray());
        record.code.bindings = jsonArray(query.value(6).toByteArray());
        record.tags = stringList(query.value(7).toByteArray());
        record.contentHash = query.value(8).toByteArray();
        record.createdAt = query.value(9).toLongLong();
        record.modifiedAt = query.value(10).toLongLong();
        record.code.tailConsumers = jsonArray(query.value(11).toByteArray());
        list.append(record);
    }
    for (ScriptRecord &record : list)
        record.code.modules = readModules(QStringLiteral("script_modules"),
                                          QStringLiteral("script_id"), record.id);
    return list;
}

QList<PlatformWorkerRecord> Queries::platformWorkers()
{
    QList<PlatformWorkerRecord> list;
    QSqlQuery query = m_db.exec(QStringLiteral(
            "SELECT id, name, kind, main_module, compatibility_date, compatibility_flags,"
            " bindings, content_hash, created_at, modified_at, tail_consumers"
            " FROM platform_workers"));
    while (query.next()) {
        PlatformWorkerRecord record;
        record.id = query.value(0).toLongLong();
        record.name = query.value(1).toString();
        record.kind = workerKindFromName(query.value(2).toString()).value_or(WorkerKind::Other);
        record.code.mainModule = query.value(3).toString();
        record.code.compatibilityDate = query.value(4).toString();
        record.code.compatibilityFlags = stringList(query.value(5).toByteArray());
        record.code.bindings = jsonArray(query.value(6).toByteArray());
        record.contentHash = query.value(7).toByteArray();
        record.createdAt = query.value(8).toLongLong();
        record.modifiedAt = query.value(9).toLongLong();
        record.code.tailConsumers = jsonArray(query.value(10).toByteArray());
        list.append(record);
    }
    for (PlatformWorkerRecord &record : list)
        record.code.modules = readModules(QStringLiteral("platform_worker_modules"),
                                          QStringLiteral("worker_id"), record.id);
    return list;
}

QHash<QString, QString> Queries::settings()
{
    QHash<QString, QString> settings;
    QSqlQuery query = m_db.exec(QStringLiteral("SELECT key, value FROM settings"));
    while (query.next())
        settings.insert(query.value(0).toString(), query.value(1).toString());
    return settings;
}

QList<KvNamespaceRecord> Queries::kvNamespaces()
{
    QList<KvNamespaceRecord> list;
    QSqlQuery query = m_db.exec(
            QStringLiteral("SELECT id, title, created_at FROM kv_namespaces ORDER BY title"));
    while (query.next())
        list.append({query.value(0).toString(), query.value(1).toString(),
                     query.value(2).toLongLong()});
    return list;
}

void Queries::forEachKvEntry(
        const std::function<void(const QString &, const QString &, KvValue)> &visit)
{
    QSqlQuery query = m_db.exec(QStringLiteral(
            "SELECT namespace_id, key, value, metadata, expiration FROM kv_entries"));
    while (query.next()) {
        KvValue value;
        value.value = query.value(2).toByteArray();
        if (!query.isNull(3))
            value.metadata = query.value(3).toByteArray();
        if (!query.isNull(4))
            value.expiration = query.value(4).toLongLong();
        visit(query.value(0).toString(), query.value(1).toString(), std::move(value));
    }
}

std::optional<KvValue> Queries::kvEntry(const QString &namespaceId, const QString &key)
{
    QSqlQuery query = m_db.exec(QStringLiteral("SELECT value, metadata, expiration FROM kv_entries"
                                               " WHERE namespace_id = ? AND key = ?"),
                                {namespaceId, key});
    if (!query.next())
        return std::nullopt;
    KvValue value;
    value.value = query.value(0).toByteArray();
    if (!query.isNull(1))
        value.metadata = query.value(1).toByteArray();
    if (!query.isNull(2))
        value.expiration = query.value(2).toLongLong();
    return value;
}

QList<CustomHostnameRecord> Queries::customHostnames()
{
    return readCustomHostnames({}, {});
}

std::optional<CustomHostnameRecord> Queries::customHostname(const QString &hostname)
{
    QList<CustomHostnameRecord> found
            = readCustomHostnames(QStringLiteral(" WHERE hostname = ?"), {hostname});
    if (found.isEmpty())
        return std::nullopt;
    return found.takeFirst();
}

QList<CustomHostnameRecord> Queries::readCustomHostnames(const QString &where,
                                                         const QVariantList &params)
{
    QList<CustomHostnameRecord> list;
    QSqlQuery query
            = m_db.exec(QStringLiteral("SELECT hostname, metadata, created_at, modified_at FROM "
                                       "custom_hostnames")
                                + where,
                        params);
    while (query.next())
        list.append({query.value(0).toString(), jsonObject(query.value(1).toByteArray()),
                     query.value(2).toLongLong(), query.value(3).toLongLong()});
    return list;
}

qint64 Queries::insertNamespace(const NamespaceRecord &record)
{
    QSqlQuery query = m_db.exec(QStringLiteral("INSERT INTO dispatch_namespaces (name, "
                                               "trusted_workers, created_at) VALUES (?, ?, ?) "
                                               "RETURNING id"),
                                {record.name, record.trustedWorkers ? 1 : 0, record.createdAt});
    if (!query.next())
        throw SqlError(QStringLiteral("inserting namespace %1 returned no id").arg(record.name));
    return query.value(0).toLongLong();
}

void Queries::updateNamespaceTrusted(qint64 namespaceId, bool trusted)
{
    m_db.exec(QStringLiteral("UPDATE dispatch_namespaces SET trusted_workers = ? WHERE id = ?"),
              {trusted ? 1 : 0, namespaceId});
}

void Queries::deleteNamespace(qint64 namespaceId)
{
    m_db.exec(QStringLiteral("DELETE FROM dispatch_namespaces WHERE id = ?"), {namespaceId});
}

qint64 Queries::upsertScript(qint64 namespaceId, const ScriptRecord &record)
{
    QSqlQuery query = m_db.exec(
            QStringLiteral(
                    "INSERT INTO scripts (namespace_id, name, main_module, compatibility_date,"
                    " compatibility_flags, bindings, tags, content_hash, created_at, modified_at,"
                    " tail_consumers)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                    " ON CONFLICT (namespace_id, name) DO UPDATE SET"
                    " main_module = excluded.main_module,"
                    " compatibility_date = excluded.compatibility_date,"
                    " compatibility_flags = excluded.compatibility_flags,"
                    " bindings = excluded.bindings, tags = excluded.tags,"
                    " content_hash = excluded.content_hash, modified_at = excluded.modified_at,"
                    " tail_consumers = excluded.tail_consumers"
                    " RETURNING id"),
            {namespaceId, record.name, record.code.mainModule,
             notNull(record.code.compatibilityDate), jsonText(record.code.compatibilityFlags),
             jsonText(record.code.bindings), jsonText(record.tags),
             QString::fromLatin1(record.contentHash), record.createdAt, record.modifiedAt,
             jsonText(record.code.tailConsumers)});
    if (!query.next())
        throw SqlError(QStringLiteral("storing script %1 returned no id").arg(record.name));
    const qint64 id = query.value(0).toLongLong();
    query = QSqlQuery();
    writeModules(QStringLiteral("script_modules"), QStringLiteral("script_id"), id,
                 record.code.modules);
    return id;
}

void Queries::updateScriptTags(qint64 scriptId, const QStringList &tags, qint64 modifiedAt)
{
    m_db.exec(QStringLiteral("UPDATE scripts SET tags = ?, modified_at = ? WHERE id = ?"),
              {jsonText(tags), modifiedAt, scriptId});
}

void Queries::deleteScript(qint64 scriptId)
{
    m_db.exec(QStringLiteral("DELETE FROM scripts WHERE id = ?"), {scriptId});
}

qint64 Queries::upsertPlatformWorker(const PlatformWorkerRecord &record)
{
    QSqlQuery query = m_db.exec(
            QStringLiteral(
                    "INSERT INTO platform_workers (name, kind, main_module, compatibility_date,"
                    " compatibility_flags, bindings, content_hash, created_at, modified_at,"
                    " tail_consumers)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                    " ON CONFLICT (name) DO UPDATE SET kind = excluded.kind,"
                    " main_module = excluded.main_module,"
                    " compatibility_date = excluded.compatibility_date,"
                    " compatibility_flags = excluded.compatibility_flags,"
                    " bindings = excluded.bindings, content_hash = excluded.content_hash,"
                    " modified_at = excluded.modified_at,"
                    " tail_consumers = excluded.tail_consumers RETURNING id"),
            {record.name, workerKindName(record.kind), record.code.mainModule,
             notNull(record.code.compatibilityDate), jsonText(record.code.compatibilityFlags),
             jsonText(record.code.bindings), QString::fromLatin1(record.contentHash),
             record.createdAt, record.modifiedAt, jsonText(record.code.tailConsumers)});
    if (!query.next())
        throw SqlError(
                QStringLiteral("storing platform Worker %1 returned no id").arg(record.name));
    const qint64 id = query.value(0).toLongLong();
    query = QSqlQuery();
    writeModules(QStringLiteral("platform_worker_modules"), QStringLiteral("worker_id"), id,
                 record.code.modules);
    return id;
}

void Queries::deletePlatformWorker(qint64 workerId)
{
    m_db.exec(QStringLiteral("DELETE FROM platform_workers WHERE id = ?"), {workerId});
}

QList<WorkerVersionRecord> Queries::workerVersions()
{
    QList<WorkerVersionRecord> list;
    QSqlQuery query = m_db.exec(QStringLiteral(
            "SELECT id, uuid, worker_name, number, main_module, compatibility_date,"
            " compatibility_flags, bindings, content_hash, annotations, source, author, created_at"
            " FROM worker_versions ORDER BY worker_name, number DESC"));
    while (query.next()) {
        WorkerVersionRecord record;
        record.rowId = query.value(0).toLongLong();
        record.id = query.value(1).toString();
        record.workerName = query.value(2).toString();
        record.number = query.value(3).toLongLong();
        record.code.mainModule = query.value(4).toString();
        record.code.compatibilityDate = query.value(5).toString();
        record.code.compatibilityFlags = stringList(query.value(6).toByteArray());
        record.code.bindings = jsonArray(query.value(7).toByteArray());
        record.contentHash = query.value(8).toByteArray();
        record.annotations = jsonObject(query.value(9).toByteArray());
        record.source = query.value(10).toString();
        record.author = query.value(11).toString();
        record.createdAt = query.value(12).toLongLong();
        list.append(record);
    }
    return list;
}

ScriptModules Queries::versionModules(qint64 versionRowId)
{
    return readModules(QStringLiteral("worker_version_modules"), QStringLiteral("version_id"),
                       versionRowId);
}

qint64 Queries::insertWorkerVersion(WorkerVersionRecord *record)
{
    QSqlQuery next = m_db.exec(QStringLiteral("SELECT COALESCE(MAX(number), 0) + 1 FROM"
                                              " worker_versions WHERE worker_name = ?"),
                               {record->workerName});
    record->number = next.next() ? next.value(0).toLongLong() : 1;
    next = QSqlQuery();
    QSqlQuery query = m_db.exec(
            QStringLiteral("INSERT INTO worker_versions (uuid, worker_name, number, main_module,"
                           " compatibility_date, compatibility_flags, bindings, content_hash,"
                           " annotations, source, author, created_at)"
                           " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"),
            {record->id, record->workerName, record->number, record->code.mainModule,
             notNull(record->code.compatibilityDate), jsonText(record->code.compatibilityFlags),
             jsonText(record->code.bindings), QString::fromLatin1(record->contentHash),
             QString::fromUtf8(compactJson(record->annotations)), notNull(record->source),
             notNull(record->author), record->createdAt});
    if (!query.next())
        throw SqlError(
                QStringLiteral("storing a version of %1 returned no id").arg(record->workerName));
    record->rowId = query.value(0).toLongLong();
    query = QSqlQuery();
    writeModules(QStringLiteral("worker_version_modules"), QStringLiteral("version_id"),
                 record->rowId, record->code.modules);
    return record->rowId;
}

QList<WorkerDeploymentRecord> Queries::workerDeployments()
{
    QList<WorkerDeploymentRecord> list;
    QSqlQuery query = m_db.exec(
            QStringLiteral("SELECT id, uuid, worker_name, version_id, percentage, split_version_id,"
                           " split_percentage, annotations, source, author, created_at"
                           " FROM worker_deployments ORDER BY worker_name, id DESC"));
    while (query.next()) {
        WorkerDeploymentRecord record;
        record.rowId = query.value(0).toLongLong();
        record.id = query.value(1).toString();
        record.workerName = query.value(2).toString();
        record.versions.append({query.value(3).toString(), query.value(4).toDouble()});
        if (!query.value(5).isNull())
            record.versions.append({query.value(5).toString(), query.value(6).toDouble()});
        record.annotations = jsonObject(query.value(7).toByteArray());
        record.source = query.value(8).toString();
        record.author = query.value(9).toString();
        record.createdAt = query.value(10).toLongLong();
        list.append(record);
    }
    return list;
}

qint64 Queries::insertWorkerDeployment(const WorkerDeploymentRecord &record)
{
    const bool split = record.versions.size() > 1;
    QSqlQuery query = m_db.exec(
            QStringLiteral(
                    "INSERT INTO worker_deployments (uuid, worker_name, version_id,"
                    " percentage, split_version_id, split_percentage, annotations, source,"
                    " author, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"),
            {record.id, record.workerName, record.versions.at(0).versionId,
             record.versions.at(0).percentage,
             split ? QVariant(record.versions.at(1).versionId)
                   : QVariant(QMetaType::fromType<QString>()),
             split ? QVariant(record.versions.at(1).percentage)
                   : QVariant(QMetaType::fromType<double>()),
             QString::fromUtf8(compactJson(record.annotations)), notNull(record.source),
             notNull(record.author), record.createdAt});
    if (!query.next())
        throw SqlError(
                QStringLiteral("storing a deployment of %1 returned no id").arg(record.workerName));
    return query.value(0).toLongLong();
}

void Queries::deleteWorkerDeployment(const QString &uuid)
{
    m_db.exec(QStringLiteral("DELETE FROM worker_deployments WHERE uuid = ?"), {uuid});
}

void Queries::deleteWorkerVersion(const QString &uuid)
{
    // A deployment is only listed with its versions, so the ones naming it go too.
    m_db.exec(QStringLiteral("DELETE FROM worker_deployments WHERE version_id = ?"
                             " OR split_version_id = ?"),
              {uuid, uuid});
    m_db.exec(QStringLiteral("DELETE FROM worker_versions WHERE uuid = ?"), {uuid});
}

void Queries::deleteWorkerHistory(const QString &workerName)
{
    m_db.exec(QStringLiteral("DELETE FROM worker_deployments WHERE worker_name = ?"), {workerName});
    m_db.exec(QStringLiteral("DELETE FROM worker_versions WHERE worker_name = ?"), {workerName});
}

void Queries::setSetting(const QString &key, const QString &value)
{
    m_db.exec(QStringLiteral("INSERT INTO settings (key, value) VALUES (?, ?)"
                             " ON CONFLICT (key) DO UPDATE SET value = excluded.value"),
              {key, value});
}

void Queries::removeSetting(const QString &key)
{
    m_db.exec(QStringLiteral("DELETE FROM settings WHERE key = ?"), {key});
}

void Queries::insertKvNamespace(const KvNamespaceRecord &record)
{
    m_db.exec(QStringLiteral("INSERT INTO kv_namespaces (id, title, created_at) VALUES (?, ?, ?)"),
              {record.id, record.title, record.createdAt});
}

void Queries::renameKvNamespace(const QString &id, const QString &title)
{
    m_db.exec(QStringLiteral("UPDATE kv_namespaces SET title = ? WHERE id = ?"), {title, id});
}

void Queries::deleteKvNamespace(const QString &id)
{
    m_db.exec(QStringLiteral("DELETE FROM kv_namespaces WHERE id = ?"), {id});
}

void Queries::putKv(const QString &namespaceId, const QString &key, const KvValue &value)
{
    m_db.exec(QStringLiteral("INSERT INTO kv_entries (namespace_id, key, value, metadata,"
                             " expiration) VALUES (?, ?, ?, ?, ?)"
                             " ON CONFLICT (namespace_id, key) DO UPDATE SET"
                             " value = excluded.value, metadata = excluded.metadata,"
                             " expiration = excluded.expiration"),
              {namespaceId, key, value.value.isNull() ? QByteArray("") : value.value,
               value.metadata.isNull() ? QVariant(QMetaType::fromType<QString>())
                                       : QVariant(QString::fromUtf8(value.metadata)),
               value.expiration ? QVariant(*value.expiration)
                                : QVariant(QMetaType::fromType<qint64>())});
}

void Queries::deleteKv(const QString &namespaceId, const QString &key)
{
    m_db.exec(QStringLiteral("DELETE FROM kv_entries WHERE namespace_id = ? AND key = ?"),
              {namespaceId, key});
}

QList<std::pair<QString, QString>> Queries::deleteExpiredKv(qint64 nowSeconds)
{
    QList<std::pair<QString, QString>> removed;
    QSqlQuery query = m_db.exec(QStringLiteral("DELETE FROM kv_entries WHERE expiration IS NOT "
                                               "NULL AND expiration <= ? RETURNING namespace_id, "
                                               "key"),
                                {nowSeconds});
    while (query.next())
        removed.append({query.value(0).toString(), query.value(1).toString()});
    return removed;
}

void Queries::upsertCustomHostname(const CustomHostnameRecord &record)
{
    m_db.exec(
            QStringLiteral("INSERT INTO custom_hostnames (hostname, metadata, created_at,"
                           " modified_at) VALUES (?, ?, ?, ?) ON CONFLICT (hostname) DO UPDATE"
                           " SET metadata = excluded.metadata, modified_at = excluded.modified_at"),
            {record.hostname, QString::fromUtf8(compactJson(record.metadata)), record.createdAt,
             record.modifiedAt});
}

void Queries::deleteCustomHostname(const QString &hostname)
{
    m_db.exec(QStringLiteral("DELETE FROM custom_hostnames WHERE hostname = ?"), {hostname});
}

void Queries::insertDataPoints(const QList<AnalyticsPoint> &points, qint64 nowMs,
                               const QString &node)
{
    QString columns = QStringLiteral("dataset, timestamp, index1, _sample_interval, node");
    QString placeholders = QStringLiteral("?, ?, ?, ?, ?");
    for (int i = 1; i <= 20; ++i) {
        columns += QStringLiteral(", blob%1").arg(i);
        placeholders += QStringLiteral(", ?");
    }
    for (int i = 1; i <= 20; ++i) {
        columns += QStringLiteral(", double%1").arg(i);
        placeholders += QStringLiteral(", ?");
    }
    const QString insert = QStringLiteral("INSERT INTO analytics_rows (%1) VALUES (%2)")
                                   .arg(columns, placeholders);
    QSet<QString> datasets;
    BatchInsert row(m_db, insert);
    for (const AnalyticsPoint &point : points) {
        if (!datasets.contains(point.dataset)) {
            datasets.insert(point.dataset);
            m_db.exec(QStringLiteral("INSERT INTO analytics_datasets (name, created_at)"
                                     " VALUES (?, ?) ON CONFLICT (name) DO NOTHING"),
                      {point.dataset, nowMs});
        }
        QVariantList values {point.dataset, point.timestamp, nullableBytes(point.index1),
                             point.sampleInterval, node.isNull() ? QStringLiteral("") : node};
        for (int i = 0; i < 20; ++i)
            values << (i < point.blobs.size() ? nullableBytes(point.blobs.at(i))
                                              : QVariant(QMetaType::fromType<QByteArray>()));
        for (int i = 0; i < 20; ++i)
            values << (i < point.doubles.size() ? QVariant(point.doubles.at(i))
                                                : QVariant(QMetaType::fromType<double>()));
        row.exec(values);
    }
}

TraceRow traceRow(const TraceRecord &trace)
{
    return {trace.scriptName,
            trace.dispatchNamespace,
            compactJson(QJsonArray::fromStringList(trace.scriptTags)),
            compactJson(trace.event),
            trace.eventTimestamp,
            compactJson(trace.logs),
            compactJson(trace.exceptions),
            trace.outcome,
            trace.cpuTime,
            trace.wallTime};
}

TraceRecord traceRecord(const TraceRow &row)
{
    return {row.scriptName,
            row.dispatchNamespace,
            stringList(row.scriptTags),
            jsonObject(row.event),
            row.eventTimestamp,
            jsonArray(row.logs),
            jsonArray(row.exceptions),
            row.outcome,
            row.cpuTime,
            row.wallTime};
}

void Queries::insertTraces(const QList<TraceRecord> &traces)
{
    QList<TraceRow> rows;
    rows.reserve(traces.size());
    for (const TraceRecord &trace : traces)
        rows.append(traceRow(trace));
    insertTraceRows(rows);
}

void Queries::pruneTraces(qint64 keep)
{
    // Ids only grow and the newest row is never deleted, so "older than the newest `keep`" is a
    // range of the primary key: no scan, no index.
    m_db.exec(QStringLiteral("DELETE FROM traces WHERE id <= (SELECT max(id) FROM traces) - ?"),
              {keep});
}

void Queries::insertTraceRows(const QList<TraceRow> &rows, const QString &node)
{
    const QString insert = QStringLiteral(
            "INSERT INTO traces (script_name, dispatch_namespace, script_tags, event,"
            " event_timestamp, logs, exceptions, outcome, cpu_time, wall_time, node)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    BatchInsert row(m_db, insert);
    for (const TraceRow &trace : rows) {
        row.bindText(1, trace.scriptName);
        row.bindText(2, trace.dispatchNamespace);
        row.bindUtf8(3, trace.scriptTags);
        row.bindUtf8(4, trace.event);
        row.bindInt(5, trace.eventTimestamp);
        row.bindUtf8(6, trace.logs);
        row.bindUtf8(7, trace.exceptions);
        row.bindText(8, trace.outcome);
        row.bindInt(9, trace.cpuTime);
        row.bindInt(10, trace.wallTime);
        row.bindText(11, node.isNull() ? QStringLiteral("") : node);
        row.step();
    }
}

QList<TraceRecord> Queries::recentTraces(int limit)
{
    return readTraces(QStringLiteral(" ORDER BY id DESC LIMIT ?"), {limit});
}

QList<TraceRecord> Queries::workerTraces(const QString &dispatchNamespace,
                                         const QString &scriptName, qint64 sinceMs, int limit)
{
    // Platform Workers' traces may carry a NULL namespace; a null QString would bind as NULL,
    // which equals nothing.
    return readTraces(
            QStringLiteral(" WHERE script_name = ?"
                           " AND COALESCE(dispatch_namespace, '') = ? AND event_timestamp >= ?"
                           " ORDER BY event_timestamp LIMIT ?"),
            {scriptName, dispatchNamespace.isNull() ? QStringLiteral("") : dispatchNamespace,
             sinceMs, limit});
}

QList<TraceRecord> Queries::readTraces(const QString &clauses, const QVariantList &params)
{
    QList<TraceRecord> list;
    QSqlQuery query = m_db.exec(
            QStringLiteral("SELECT script_name, dispatch_namespace, script_tags, event,"
                           " event_timestamp, logs, exceptions, outcome, cpu_time, wall_time"
                           " FROM traces")
                    + clauses,
            params);
    while (query.next()) {
        list.append(traceRecord({query.value(0).toString(), query.value(1).toString(),
                                 query.value(2).toByteArray(), query.value(3).toByteArray(),
                                 query.value(4).toLongLong(), query.value(5).toByteArray(),
                                 query.value(6).toByteArray(), query.value(7).toString(),
                                 query.value(8).toLongLong(), query.value(9).toLongLong()}));
    }
    return list;
}

void Queries::upsertNode(const NodeRecord &node)
{
    m_db.exec(QStringLiteral("INSERT INTO nodes (name, address, version, started_at,"
                             " requests_per_second, live_instances, last_heartbeat)"
                             " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET"
                             " address = excluded.address, version = excluded.version,"
                             " started_at = excluded.started_at,"
                             " requests_per_second = excluded.requests_per_second,"
                             " live_instances = excluded.live_instances,"
                             " last_heartbeat = excluded.last_heartbeat"),
              {node.name, node.address, node.version, node.startedAt, node.requestsPerSecond,
               node.liveInstances, node.lastHeartbeat});
}

void Queries::deleteNode(const QString &name)
{
    m_db.exec(QStringLiteral("DELETE FROM nodes WHERE name = ?"), {name});
}

QList<NodeRecord> Queries::nodes()
{
    QList<NodeRecord> list;
    QSqlQuery query = m_db.exec(
            QStringLiteral("SELECT name, address, version, started_at, requests_per_second,"
                           " live_instances, last_heartbeat FROM nodes ORDER BY name"));
    while (query.next())
        list.append({query.value(0).toString(), query.value(1).toString(),
                     query.value(2).toString(), query.value(3).toLongLong(),
                     query.value(4).toDouble(), query.value(5).toLongLong(),
                     query.value(6).toLongLong()});
    return list;
}

} // namespace switchyard::store
