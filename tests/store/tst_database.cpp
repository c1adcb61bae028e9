// What only an SQLite file has: a connection name each, a zero-byte file taken as new, and a file
// that is newer or not ours refused without a byte of it changing. The schema, its migrations,
// transactions and the batch writer are tst_pgstore's, on SQLite and PostgreSQL alike.
#include "store/database.h"
#include "store/schema.h"

#include <QFile>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace switchyard::store;

class tst_Database : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void eachConnectionHasItsOwnName();
    void zeroByteFileIsANewStore();
    void refusesUntouched_data();
    void refusesUntouched();

private:
    QString path() const { return m_dir->filePath(QStringLiteral("switchyard.db")); }
    static QByteArray bytes(const QString &file);
    static qint64 scalar(Database &db, const QString &sql);
    std::unique_ptr<QTemporaryDir> m_dir;
};

QByteArray tst_Database::bytes(const QString &file)
{
    QFile f(file);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

qint64 tst_Database::scalar(Database &db, const QString &sql)
{
    QSqlQuery query = db.exec(sql);
    return query.next() ? query.value(0).toLongLong() : -1;
}

void tst_Database::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void tst_Database::eachConnectionHasItsOwnName()
{
    QString error;
    auto a = Database::open(path(), &error);
    auto b = Database::open(path(), &error);
    QVERIFY(a && b);
    QVERIFY(a->connectionName() != b->connectionName());
    QVERIFY(!QSqlDatabase::contains(QLatin1String(QSqlDatabase::defaultConnection)));
    a.reset();
    QCOMPARE(scalar(*b, QStringLiteral("SELECT count(*) FROM kv_namespaces")), 0);
}

void tst_Database::zeroByteFileIsANewStore()
{
    // As `touch` leaves it: a new database, not a foreign one.
    QFile empty(path());
    QVERIFY(empty.open(QIODevice::WriteOnly));
    empty.close();
    QString error;
    auto db = Database::open(path(), &error);
    QVERIFY2(db, qPrintable(error));
    QCOMPARE(db->userVersion(), currentSchemaVersion());
    QCOMPARE(scalar(*db, QStringLiteral("PRAGMA application_id")), kApplicationId);
    QCOMPARE(db->integrityCheck(), QStringLiteral("ok"));
}

void tst_Database::refusesUntouched_data()
{
    QTest::addColumn<QString>("setup"); // how to make the file
    QTest::addColumn<QString>("expected"); // part of the message
    QTest::newRow("newer") << QStringLiteral("newer")
                           << QStringLiteral("has schema version 99, newer than the %1 this build "
                                             "of Switchyard knows; it was left untouched")
                                      .arg(currentSchemaVersion());
    QTest::newRow("foreign tables") << QStringLiteral("foreign")
                                    << QStringLiteral("is not a Switchyard database "
                                                      "(application_id 0x00000000, 1 schema "
                                                      "objects); it was left untouched");
    QTest::newRow("other application")
            << QStringLiteral("otherapp")
            << QStringLiteral("is not a Switchyard database (application_id 0x0000beef, 0 schema "
                              "objects)");
    QTest::newRow("not sqlite") << QStringLiteral("garbage")
                                << QStringLiteral("is not a Switchyard database (SQLite cannot "
                                                  "read it: file is not a database)");
}

void tst_Database::refusesUntouched()
{
    QFETCH(QString, setup);
    QFETCH(QString, expected);
    if (setup == QLatin1String("garbage")) {
        QFile file(path());
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QByteArray(8192, 'x'));
    } else {
        // Build the file with a plain connection, then close it so nothing holds it open.
        const QString name = QStringLiteral("setup");
        {
            QSqlDatabase raw = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
            raw.setDatabaseName(path());
            QVERIFY(raw.open());
            QSqlQuery query(raw);
            if (setup == QLatin1String("newer")) {
                QVERIFY(query.exec(QStringLiteral("CREATE TABLE future (x)")));
                QVERIFY(query.exec(
                        QStringLiteral("PRAGMA application_id = %1").arg(kApplicationId)));
                QVERIFY(query.exec(QStringLiteral("PRAGMA user_version = 99")));
            } else if (setup == QLatin1String("foreign")) {
                QVERIFY(query.exec(QStringLiteral("CREATE TABLE photos (id INTEGER)")));
            } else {
                QVERIFY(query.exec(QStringLiteral("PRAGMA application_id = 48879")));
            }
            query = QSqlQuery();
            raw.close();
        }
        QSqlDatabase::removeDatabase(name);
    }
    const QByteArray before = bytes(path());
    QVERIFY(!before.isEmpty());

    QString error;
    auto db = Database::open(path(), &error);
    QVERIFY(!db);
    QVERIFY2(error.contains(expected), qPrintable(error));
    QVERIFY2(error.contains(path()), qPrintable(error));
    QCOMPARE(bytes(path()), before);
    QVERIFY(!QFile::exists(path() + QStringLiteral("-wal")));
}

QTEST_GUILESS_MAIN(tst_Database)
#include "tst_database.moc"
