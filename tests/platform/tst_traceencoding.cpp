// A trace has one JSON text: what the store keeps (the traces row, written on the writer thread)
// and what is served (to tail Workers and the Tail view now, to the admin API and the Tail view
// after a restart, read back from the store) must be the same trace, down to the escapes.
#include "platform/trace.h"
#include "store/database.h"
#include "store/queries.h"

#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

using namespace switchyard;
using namespace switchyard::platform;

Q_DECLARE_METATYPE(engine::RequestData)
Q_DECLARE_METATYPE(engine::InvocationResult)

class tst_TraceEncoding : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void storedAndServedAgree_data();
    void storedAndServedAgree();
};

void tst_TraceEncoding::storedAndServedAgree_data()
{
    QTest::addColumn<engine::RequestData>("request");
    QTest::addColumn<engine::InvocationResult>("result");
    QTest::addColumn<QStringList>("tags");
    QTest::addColumn<QString>("dispatchNamespace");

    engine::RequestData plain;
    plain.url = QStringLiteral("https://example.com/");
    engine::InvocationResult ok;
    ok.outcome = engine::Outcome::Ok;
    ok.response = engine::ResponseData {};
    ok.cpuTimeMs = 1.4;
    ok.wallTimeMs = 2.6;
    QTest::newRow("plain") << plain << ok << QStringList() << QString();

    engine::RequestData hostile;
    hostile.method = QStringLiteral("PO\"ST");
    hostile.url = QStringLiteral("https://example.com/\u00e9?q=\"\\\t\x01\x1f");
    const QString lone = QString(QChar(0xd800)) + u'x' + QChar(0xdfff);
    hostile.headers = {{QStringLiteral("X-Dup"), QStringLiteral("a")},
                       {QStringLiteral("x-dup"), QStringLiteral("b")},
                       {QStringLiteral("Content-Type"), QStringLiteral("text/plain; \u20ac")},
                       {QStringLiteral("X-Emoji"), QStringLiteral("\U0001F600")},
                       {QStringLiteral("X-Lone"), lone},
                       {QStringLiteral("X-Ctl"), QStringLiteral("\b\f\n\r")}};
    engine::InvocationResult thrown;
    thrown.outcome = engine::Outcome::Exception;
    thrown.logs = {{QStringLiteral("log"), QStringLiteral("hi \"there\""), 1'700'000'000'123, {}},
                   {QStringLiteral("error"), lone, 1'700'000'000'124, {}}};
    thrown.exceptions
            = {{QStringLiteral("TypeError"), QStringLiteral("x is \u00e9"), 1'700'000'000'125}};
    QTest::newRow("escapes, duplicates, logs")
            << hostile << thrown << QStringList {QStringLiteral("a"), QStringLiteral("\u00fc")}
            << QStringLiteral("prod");
}

void tst_TraceEncoding::storedAndServedAgree()
{
    QFETCH(engine::RequestData, request);
    QFETCH(engine::InvocationResult, result);
    QFETCH(QStringList, tags);
    QFETCH(QString, dispatchNamespace);
    const qint64 startedAt = 1'700'000'000'000;

    // Served now: tail Workers and a watching Tail view.
    const store::TraceRecord served
            = makeTrace(QStringLiteral("w"), dispatchNamespace, tags, request, startedAt, result);
    // Stored by the writer thread when nobody watches.
    const store::TraceRow row = makeTraceRow(QStringLiteral("w"), dispatchNamespace, tags, request,
                                             startedAt, result);
    // Stored from a watched trace.
    const store::TraceRow fromRecord = store::traceRow(served);
    QCOMPARE(fromRecord.event, row.event);
    QCOMPARE(fromRecord.scriptTags, row.scriptTags);
    QCOMPARE(fromRecord.logs, row.logs);
    QCOMPARE(fromRecord.exceptions, row.exceptions);

    // Served later: read back through SQLite.
    QTemporaryDir dir;
    QString error;
    auto db = store::Database::open(dir.filePath(QStringLiteral("t.db")), &error);
    QVERIFY2(db, qPrintable(error));
    store::Queries queries(*db);
    QVERIFY(!db->transaction([&] { queries.insertTraceRows({row}); }));
    const QList<store::TraceRecord> stored = queries.recentTraces(1);
    QCOMPARE(stored.size(), 1);
    const QByteArray servedJson = QJsonDocument(traceToJson(served)).toJson(QJsonDocument::Compact);
    QCOMPARE(QJsonDocument(traceToJson(stored.first())).toJson(QJsonDocument::Compact), servedJson);
    QCOMPARE(store::traceRow(stored.first()).event, row.event);
    // The event is the TraceItem's, with the duplicate header combined.
    if (request.headers.size() > 1)
        QCOMPARE(served.event.value(u"request")
                         .toObject()
                         .value(u"headers")
                         .toObject()
                         .value(u"x-dup"),
                 QJsonValue(QStringLiteral("a, b")));
}

QTEST_GUILESS_MAIN(tst_TraceEncoding)
#include "tst_traceencoding.moc"
