// What the Tail view shows of a TraceItem's structured logs and exceptions: console arguments kept
// as JSON read back as the line a console prints, objects as compact JSON.
#include "tracesummary.h"

#include "engine/invocation.h"
#include "platform/trace.h"

#include <QTest>

using namespace switchyard;

class tst_TraceSummary : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void structuredLogsAndExceptionNames()
    {
        engine::InvocationResult result;
        result.outcome = engine::Outcome::Exception;
        result.logs = {{QStringLiteral("log"), QStringLiteral("hello 42 { a: 1 }"), 1,
                        QStringLiteral(R"(["hello",42,{"a":1},[true,null]])")},
                       {QStringLiteral("error"), QStringLiteral("written by the runtime"), 2, {}}};
        result.exceptions = {{QStringLiteral("TypeError"), QStringLiteral("bad type"), 3}};
        const store::TraceRecord trace = platform::makeTrace(
                QStringLiteral("logger"), QStringLiteral("production"), {},
                {QStringLiteral("GET"), QStringLiteral("http://l/"), {}, {}, {}}, 1, result);
        // The TraceItem keeps the arguments; a line the runtime wrote is one string.
        QCOMPARE(trace.logs.at(0).toObject().value(u"message").toArray().size(), 4);
        QCOMPARE(trace.logs.at(1).toObject().value(u"message").toArray(),
                 QJsonArray {QStringLiteral("written by the runtime")});
        const models::TraceSummary summary = models::summarize(trace);
        QCOMPARE(summary.logs,
                 QStringLiteral("log: hello 42 {\"a\":1} [true,null]\n"
                                "error: written by the runtime"));
        QCOMPARE(summary.exceptions, QStringLiteral("TypeError: bad type"));
    }
};

QTEST_MAIN(tst_TraceSummary)
#include "tst_tracesummary.moc"
