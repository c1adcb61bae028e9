#include "schema.h"

#include <QRegularExpression>

namespace switchyard::store {

namespace {

QString analyticsColumns()
{
    QStringList columns;
    for (int i = 1; i <= 20; ++i)
        columns << QStringLiteral("blob%1 BLOB").arg(i);
    for (int i = 1; i <= 20; ++i)
        columns << QStringLiteral("double%1 REAL").arg(i);
    return columns.join(QStringLiteral(", "));
}

QList<SchemaStep> buildSteps()
{
    QList<SchemaStep> steps;

    // v1: the platform itself and Analytics Engine rows.
    steps.append({1,
                  {
                          QStringLiteral("CREATE TABLE dispatch_namespaces ("
                                         " id INTEGER PRIMARY KEY,"
                                         " name TEXT NOT NULL UNIQUE,"
                                         " trusted_workers INTEGER NOT NULL DEFAULT 0,"
                                         " created_at INTEGER NOT NULL)"),
                          QStringLiteral("CREATE TABLE scripts ("
                                         " id INTEGER PRIMARY KEY,"
                                         " namespace_id INTEGER NOT NULL"
                                         "  REFERENCES dispatch_namespaces(id) ON DELETE CASCADE,"
                                         " name TEXT NOT NULL,"
                                         " main_module TEXT NOT NULL,"
                                         " compatibility_date TEXT NOT NULL DEFAULT '',"
                                         " compatibility_flags TEXT NOT NULL DEFAULT '[]',"
                                         " bindings TEXT NOT NULL DEFAULT '[]',"
                                         " tags TEXT NOT NULL DEFAULT '[]',"
                                         " content_hash TEXT NOT NULL,"
                                         " created_at INTEGER NOT NULL,"
                                         " modified_at INTEGER NOT NULL,"
                                         " UNIQUE (namespace_id, name))"),
                          QStringLiteral("CREATE TABLE script_modules ("
                                         " script_id INTEGER NOT NULL"
                                         "  REFERENCES scripts(id) ON DELETE CASCADE,"
                                         " position INTEGER NOT NULL,"
                                         " name TEXT NOT NULL,"
                                         " content_type TEXT NOT NULL,"
                                         " code BLOB NOT NULL,"
                                         " PRIMARY KEY (script_id, name))"),
                          QStringLiteral("CREATE TABLE platform_workers ("
                                         " id INTEGER PRIMARY KEY,"
                                         " name TEXT NOT NULL UNIQUE,"
                                         " kind TEXT NOT NULL CHECK (kind IN"
                                         "  ('dispatcher', 'outbound', 'tail', 'other')),"
                                         " main_module TEXT NOT NULL,"
                                         " compatibility_date TEXT NOT NULL DEFAULT '',"
                                         " compatibility_flags TEXT NOT NULL DEFAULT '[]',"
                                         " bindings TEXT NOT NULL DEFAULT '[]',"
                                         " content_hash TEXT NOT NULL,"
                                         " created_at INTEGER NOT NULL,"
                                         " modified_at INTEGER NOT NULL)"),
                          QStringLiteral("CREATE TABLE platform_worker_modules ("
                                         " worker_id INTEGER NOT NULL"
                                         "  REFERENCES platform_workers(id) ON DELETE CASCADE,"
                                         " position INTEGER NOT NULL,"
                                         " name TEXT NOT NULL,"
                                         " content_type TEXT NOT NULL,"
                                         " code BLOB NOT NULL,"
                                         " PRIMARY KEY (worker_id, name))"),
                          // Key/value settings of the platform, e.g. "active_dispatcher".
                          QStringLiteral("CREATE TABLE settings ("
                                         " key TEXT PRIMARY KEY,"
                                         " value TEXT NOT NULL)"),
                          QStringLiteral("CREATE TABLE kv_namespaces ("
                                         " id TEXT PRIMARY KEY,"
                                         " title TEXT NOT NULL UNIQUE,"
                                         " created_at INTEGER NOT NULL)"),
                          QStringLiteral("CREATE TABLE kv_entries ("
                                         " namespace_id TEXT NOT NULL"
                                         "  REFERENCES kv_namespaces(id) ON DELETE CASCADE,"
                                         " key TEXT NOT NULL,"
                                         " value BLOB NOT NULL,"
                                         " metadata TEXT,"
                                         " expiration INTEGER,"
                                         " PRIMARY KEY (namespace_id, key))"),
                          QStringLiteral("CREATE TABLE custom_hostnames ("
                                         " hostname TEXT PRIMARY KEY,"
                                         " metadata TEXT NOT NULL DEFAULT '{}',"
                                         " created_at INTEGER NOT NULL,"
                                         " modified_at INTEGER NOT NULL)"),
                          QStringLiteral("CREATE TABLE analytics_datasets ("
                                         " name TEXT PRIMARY KEY,"
                                         " created_at INTEGER NOT NULL)"),
                          QStringLiteral("CREATE TABLE analytics_rows ("
                                         " id INTEGER PRIMARY KEY,"
                                         " dataset TEXT NOT NULL"
                                         "  REFERENCES analytics_datasets(name) ON DELETE CASCADE,"
                                         " timestamp INTEGER NOT NULL,"
                                         " index1 BLOB,"
                                         " %1,"
                                         " _sample_interval INTEGER NOT NULL DEFAULT 1)")
                                  .arg(analyticsColumns()),
                  }});

    // v2: the trace log, and the indexes that the trace view, the Analytics Engine SQL API and
    // the KV expiry sweep query by.
    steps.append({2,
                  {
                          QStringLiteral("CREATE TABLE traces ("
                                         " id INTEGER PRIMARY KEY,"
                                         " script_name TEXT NOT NULL,"
                                         " dispatch_namespace TEXT,"
                                         " script_tags TEXT NOT NULL DEFAULT '[]',"
                                         " event TEXT NOT NULL DEFAULT '{}',"
                                         " event_timestamp INTEGER NOT NULL,"
                                         " logs TEXT NOT NULL DEFAULT '[]',"
                                         " exceptions TEXT NOT NULL DEFAULT '[]',"
                                         " outcome TEXT NOT NULL,"
                                         " cpu_time INTEGER NOT NULL DEFAULT 0,"
                                         " wall_time INTEGER NOT NULL DEFAULT 0)"),
                          QStringLiteral("CREATE INDEX traces_by_time ON traces (event_timestamp)"),
                          QStringLiteral("CREATE INDEX traces_by_script ON traces"
                                         " (dispatch_namespace, script_name, event_timestamp)"),
                          QStringLiteral("CREATE INDEX analytics_rows_by_time ON analytics_rows"
                                         " (dataset, timestamp)"),
                          QStringLiteral("CREATE INDEX kv_entries_by_expiration ON kv_entries"
                                         " (expiration) WHERE expiration IS NOT NULL"),
                  }});

    // v3: no query reads traces by time or by script (the Tail reads the newest rows by id), but
    // every request's one or two trace rows paid for both indexes on the writer thread.
    steps.append({3,
                  {
                          QStringLiteral("DROP INDEX traces_by_time"),
                          QStringLiteral("DROP INDEX traces_by_script"),
                  }});

    // v4: a Worker names the Workers that receive its trace events (Cloudflare's
    // tail_consumers). Until now every tail Worker received every trace; a stored platform keeps
    // that for what its dispatcher runs by naming each tail Worker as the dispatcher's consumer.
    steps.append({4,
                  {
                          QStringLiteral("ALTER TABLE scripts ADD COLUMN"
                                         " tail_consumers TEXT NOT NULL DEFAULT '[]'"),
                          QStringLiteral("ALTER TABLE platform_workers ADD COLUMN"
                                         " tail_consumers TEXT NOT NULL DEFAULT '[]'"),
                          QStringLiteral("UPDATE platform_workers SET tail_consumers = ("
                                         "SELECT json_group_array(json_object('service', name))"
                                         " FROM (SELECT name FROM platform_workers"
                                         " WHERE kind = 'tail' ORDER BY name))"
                                         " WHERE kind = 'dispatcher'"
                                         " AND EXISTS (SELECT 1 FROM platform_workers"
                                         " WHERE kind = 'tail')"),
                  },
                  {
                          QStringLiteral("ALTER TABLE scripts ADD COLUMN"
                                         " tail_consumers TEXT NOT NULL DEFAULT '[]'"),
                          QStringLiteral("ALTER TABLE platform_workers ADD COLUMN"
                                         " tail_consumers TEXT NOT NULL DEFAULT '[]'"),
                          QStringLiteral("UPDATE platform_workers SET tail_consumers = ("
                                         "SELECT jsonb_agg(jsonb_build_object('service', t.name)"
                                         " ORDER BY t.name)::text"
                                         " FROM platform_workers AS t WHERE t.kind = 'tail')"
                                         " WHERE kind = 'dispatcher'"
                                         " AND EXISTS (SELECT 1 FROM platform_workers"
                                         " WHERE kind = 'tail')"),
                  }});

    // v5: Worker Versions and Deployments of platform Workers, as Cloudflare models them. Every
    // upload is a version (its code and bindings, immutable); a deployment names one version at
    // 100 % or two that split the traffic. platform_workers keeps the code of the deployment's
    // larger share, so a store read by an older build still runs. A platform stored before has
    // one version and one deployment per Worker: its current code.
    const QStringList versionTables {
            QStringLiteral("CREATE TABLE worker_versions ("
                           " id INTEGER PRIMARY KEY,"
                           " uuid TEXT NOT NULL UNIQUE,"
                           " worker_name TEXT NOT NULL,"
                           " number INTEGER NOT NULL,"
                           " main_module TEXT NOT NULL,"
                           " compatibility_date TEXT NOT NULL DEFAULT '',"
                           " compatibility_flags TEXT NOT NULL DEFAULT '[]',"
                           " bindings TEXT NOT NULL DEFAULT '[]',"
                           " content_hash TEXT NOT NULL,"
                           " annotations TEXT NOT NULL DEFAULT '{}',"
                           " source TEXT NOT NULL DEFAULT 'api',"
                           " author TEXT NOT NULL DEFAULT '',"
                           " created_at INTEGER NOT NULL,"
                           " UNIQUE (worker_name, number))"),
            QStringLiteral("CREATE TABLE worker_version_modules ("
                           " version_id INTEGER NOT NULL"
                           "  REFERENCES worker_versions(id) ON DELETE CASCADE,"
                           " position INTEGER NOT NULL,"
                           " name TEXT NOT NULL,"
                           " content_type TEXT NOT NULL,"
                           " code BLOB NOT NULL,"
                           " PRIMARY KEY (version_id, name))"),
            QStringLiteral("CREATE TABLE worker_deployments ("
                           " id INTEGER PRIMARY KEY,"
                           " uuid TEXT NOT NULL UNIQUE,"
                           " worker_name TEXT NOT NULL,"
                           " version_id TEXT NOT NULL,"
                           " percentage REAL NOT NULL,"
                           " split_version_id TEXT,"
                           " split_percentage REAL,"
                           " annotations TEXT NOT NULL DEFAULT '{}',"
                           " source TEXT NOT NULL DEFAULT 'api',"
                           " author TEXT NOT NULL DEFAULT '',"
                           " created_at INTEGER NOT NULL)"),
            QStringLiteral("CREATE INDEX worker_deployments_by_worker ON worker_deployments"
                           " (worker_name, id)"),
    };
    // The existing code as version 1 and its deployment; SQLite has no UUID function, so one is
    // made from random bytes in the version 4 layout.
    const QString sqliteUuid = QStringLiteral(
            "lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4'"
            " || substr(hex(randomblob(2)), 2) || '-'"
            " || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2)"
            " || '-' || hex(randomblob(6)))");
    auto backfill = [](const QString &uuid) {
        return QStringList {
                QStringLiteral("INSERT INTO worker_versions (uuid, worker_name, number,"
                               " main_module, compatibility_date, compatibility_flags, bindings,"
                               " content_hash, annotations, source, created_at)"
                               " SELECT %1, name, 1, main_module, compatibility_date,"
                               " compatibility_flags, bindings, content_hash,"
                               " '{\"workers/triggered_by\":\"upload\"}', 'api', modified_at"
                               " FROM platform_workers")
                        .arg(uuid),
                QStringLiteral("INSERT INTO worker_version_modules (version_id, position, name,"
                               " content_type, code)"
                               " SELECT v.id, m.position, m.name, m.content_type, m.code"
                               " FROM platform_worker_modules AS m"
                               " JOIN platform_workers AS w ON w.id = m.worker_id"
                               " JOIN worker_versions AS v ON v.worker_name = w.name"),
                QStringLiteral("INSERT INTO worker_deployments (uuid, worker_name, version_id,"
                               " percentage, annotations, source, created_at)"
                               " SELECT %1, worker_name, uuid, 100,"
                               " '{\"workers/triggered_by\":\"upload\"}', 'api', created_at"
                               " FROM worker_versions")
                        .arg(uuid),
        };
    };
    QStringList postgresVersionTables;
    for (const QString &statement : versionTables)
        postgresVersionTables << postgresStatement(statement);
    steps.append({5, versionTables + backfill(sqliteUuid),
                  postgresVersionTables + backfill(QStringLiteral("gen_random_uuid()::text"))});
    // v6: several nodes on one store. Each names the traces and data points it writes, and keeps
    // a row of its own in `nodes` current (a heartbeat every few seconds) so every node and the
    // GUI see the whole cluster.
    steps.append(
            {6,
             {
                     QStringLiteral("ALTER TABLE traces ADD COLUMN node TEXT NOT NULL DEFAULT ''"),
                     QStringLiteral("ALTER TABLE analytics_rows ADD COLUMN"
                                    " node TEXT NOT NULL DEFAULT ''"),
                     QStringLiteral("CREATE TABLE nodes ("
                                    " name TEXT PRIMARY KEY,"
                                    " address TEXT NOT NULL,"
                                    " version TEXT NOT NULL,"
                                    " started_at INTEGER NOT NULL,"
                                    " requests_per_second REAL NOT NULL DEFAULT 0,"
                                    " live_instances INTEGER NOT NULL DEFAULT 0,"
                                    " last_heartbeat INTEGER NOT NULL)"),
             }});
    return steps;
}

} // namespace

const QList<SchemaStep> &schemaSteps()
{
    static const QList<SchemaStep> steps = buildSteps();
    return steps;
}

int currentSchemaVersion()
{
    return schemaSteps().constLast().version;
}

QString postgresStatement(const QString &sqliteStatement)
{
    static const QRegularExpression rowid(QStringLiteral("\\bid INTEGER PRIMARY KEY\\b"));
    static const QRegularExpression integer(QStringLiteral("\\bINTEGER\\b"));
    static const QRegularExpression blob(QStringLiteral("\\bBLOB\\b"));
    static const QRegularExpression real(QStringLiteral("\\bREAL\\b"));
    QString statement = sqliteStatement;
    statement.replace(rowid,
                      QStringLiteral("id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"));
    statement.replace(integer, QStringLiteral("BIGINT"));
    statement.replace(blob, QStringLiteral("BYTEA"));
    statement.replace(real, QStringLiteral("DOUBLE PRECISION"));
    return statement;
}

} // namespace switchyard::store
