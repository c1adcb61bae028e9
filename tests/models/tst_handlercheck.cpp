// The text-level check the editors run before a save: code with no handler is refused with
// Cloudflare's error, code whose handlers leave out fetch is flagged, and comments or strings that
// merely mention handlers count for nothing.
#include "handlercheck.h"

#include <QTest>

using namespace switchyard::models;

Q_DECLARE_METATYPE(switchyard::models::Handlers)

class tst_HandlerCheck : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void classifies_data();
    void classifies();
    void otherModulesCount();
    void messages();
};

void tst_HandlerCheck::classifies_data()
{
    QTest::addColumn<QString>("code");
    QTest::addColumn<Handlers>("expected");

    QTest::newRow("module fetch") << "export default { async fetch(request) { return new "
                                     "Response('hi') } }"
                                  << Handlers::Fetch;
    QTest::newRow("module fetch shorthand")
            << "function fetch() {}\nexport default { fetch }" << Handlers::Fetch;
    QTest::newRow("export list as default")
            << "const h = { fetch() {} }\nexport { h as default }" << Handlers::Fetch;
    QTest::newRow("service worker fetch")
            << "addEventListener('fetch', e => e.respondWith(new Response('x')))"
            << Handlers::Fetch;
    QTest::newRow("scheduled only")
            << "export default { async scheduled(event, env) {} }" << Handlers::NoFetch;
    QTest::newRow("service worker scheduled only")
            << "addEventListener(\"scheduled\", e => {})" << Handlers::NoFetch;
    QTest::newRow("empty") << "" << Handlers::None;
    QTest::newRow("named exports only")
            << "export const fetch = 1;\nexport function x() {}" << Handlers::None;
    QTest::newRow("only in a comment")
            << "// export default { fetch() {} }\n/* addEventListener('fetch', f) */\nconst a = 1;"
            << Handlers::None;
    QTest::newRow("only in a string")
            << "console.log('export default { fetch }', `addEventListener(\"fetch\")`)"
            << Handlers::None;
    QTest::newRow("fetch only in a string")
            << "export default { scheduled() { console.log('fetch') } }" << Handlers::NoFetch;
}

void tst_HandlerCheck::classifies()
{
    QFETCH(QString, code);
    QFETCH(Handlers, expected);
    QCOMPARE(checkHandlers({code}), expected);
}

void tst_HandlerCheck::otherModulesCount()
{
    // A bundle whose main module re-exports the handler object from another module.
    const QString main = QStringLiteral("export { default } from './app.js'");
    const QString app = QStringLiteral("export default { fetch() { return new Response('') } }");
    QCOMPARE(checkHandlers({main, app}), Handlers::Fetch);
    QCOMPARE(checkHandlers({main}), Handlers::NoFetch);
}

void tst_HandlerCheck::messages()
{
    QCOMPARE(noHandlersMessage(),
             QStringLiteral("The uploaded script has no registered event handlers. [code: 10068]"));
    QVERIFY(noFetchWarning().contains(
            QStringLiteral("Handler does not export a fetch() function.")));
}

QTEST_GUILESS_MAIN(tst_HandlerCheck)
#include "tst_handlercheck.moc"
