// What the code editor offers to complete at its cursor: the Worker's bindings after `env.`, the
// members of what stands before a dot, the Worker's globals, keywords and the document's own
// identifiers elsewhere, ordered by case and length; nothing in strings or comments; and the
// typed prefix replaced in one undo step. Members, globals and their signatures are
// @cloudflare/workers-types' (the package-lock.json in models/completion pins its version; a new
// version may change the signatures `details` expects).
#include "editorcompletion.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>
#include <QTextCursor>
#include <QTextDocument>

using switchyard::models::EditorCompletion;

namespace {

const QString handler = QStringLiteral("export default {\n"
                                       "  async fetch(req, bindings, context) {\n"
                                       "    const target = new URL(req.url);\n"
                                       "    const upstream = await fetch(req);\n"
                                       "    const copy = new Request(req);\n"
                                       "    return new Response('ok');\n"
                                       "  },\n"
                                       "};\n");

QStringList names(const EditorCompletion &completion)
{
    QStringList out;
    for (int row = 0; row < completion.rowCount(); ++row)
        out << completion.data(completion.index(row), EditorCompletion::NameRole).toString();
    return out;
}

} // namespace

class tst_EditorCompletion : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    // `text` with `|` where the cursor stands; `context` and `prefix` as found there; `first`:
    // the suggestions expected first, in order; `includes` and `excludes`: some expected
    // anywhere, and some that must not be offered.
    void suggestions_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("context");
        QTest::addColumn<QString>("prefix");
        QTest::addColumn<QStringList>("first");
        QTest::addColumn<QStringList>("includes");
        QTest::addColumn<QStringList>("excludes");
        const QStringList none;

        QTest::newRow("env: every binding") << "env.|"
                                            << "env"
                                            << "" << QStringList {"CACHE", "MY_KV", "API_URL"}
                                            << none << QStringList {"fetch", "env"};
        QTest::newRow("env: by prefix, any case")
                << "env.c|"
                << "env"
                << "c" << QStringList {"CACHE"} << none << QStringList {"MY_KV", "API_URL"};
        QTest::newRow("handler's own name for env") << handler + "bindings.M|"
                                                    << "env"
                                                    << "M" << QStringList {"MY_KV"} << none << none;
        QTest::newRow("request") << "request.|"
                                 << "request"
                                 << "" << QStringList {}
                                 << QStringList {"url",  "method",     "headers", "cf",
                                                 "json", "clone",      "bytes",   "signal",
                                                 "body", "arrayBuffer"}
                                 << QStringList {"status", "API_URL"};
        QTest::newRow("handler's request parameter")
                << handler + "req.me|"
                << "request"
                << "me" << QStringList {"method"} << none << none;
        QTest::newRow("new Request instance") << handler + "copy.h|"
                                              << "request"
                                              << "h" << QStringList {"headers"} << none << none;
        QTest::newRow("Response statics") << "Response.|"
                                          << "Response"
                                          << "" << QStringList {"json", "error", "redirect"} << none
                                          << QStringList {"status", "prototype"};
        QTest::newRow("await fetch gives a response")
                << handler + "upstream.st|"
                << "response"
                << "st" << QStringList {"status", "statusText"} << none << none;
        QTest::newRow("new URL instance")
                << handler + "target.pa|"
                << "url"
                << "pa" << QStringList {"password", "pathname"} << none << none;
        QTest::newRow("url") << "url.search|"
                             << "url"
                             << "search" << QStringList {"search", "searchParams"} << none << none;
        QTest::newRow("crypto.subtle")
                << "crypto.subtle.d|"
                << "subtle"
                << "d" << QStringList {"digest", "decrypt", "deriveKey", "deriveBits"} << none
                << QStringList {"sign"};
        QTest::newRow("crypto.subtle: workerd's own")
                << "crypto.subtle.t|"
                << "subtle"
                << "t" << QStringList {"timingSafeEqual"} << none << none;
        QTest::newRow("crypto") << "crypto.|"
                                << "crypto"
                                << "" << QStringList {}
                                << QStringList {"subtle", "randomUUID", "getRandomValues",
                                                "DigestStream"}
                                << none;
        QTest::newRow("caches") << "caches.|"
                                << "caches"
                                << "" << QStringList {"open", "default"} << none << none;
        QTest::newRow("caches.default")
                << "caches.default.|"
                << "cache"
                << "" << QStringList {"put", "match", "delete"} << none << QStringList {"open"};
        QTest::newRow("caches.open gives a cache")
                << "const mine = await caches.open('v1');\nmine.m|"
                << "cache"
                << "m" << QStringList {"match"} << none << none;
        QTest::newRow("cache") << "cache.p|"
                               << "cache"
                               << "p" << QStringList {"put"} << none << none;
        QTest::newRow("ctx") << "ctx.|"
                             << "ctx"
                             << "" << QStringList {}
                             << QStringList {"waitUntil", "passThroughOnException", "abort",
                                             "props", "exports"}
                             << QStringList {"respondWith"};
        QTest::newRow("handler's own name for ctx")
                << handler + "context.w|"
                << "ctx"
                << "w" << QStringList {"waitUntil"} << none << none;
        QTest::newRow("event") << "event.|"
                               << "event"
                               << "" << QStringList {}
                               << QStringList {"waitUntil",   "passThroughOnException",
                                               "respondWith", "request",
                                               "type",        "preventDefault"}
                               << none;
        QTest::newRow("console") << "console.l|"
                                 << "console"
                                 << "l" << QStringList {"log"} << none << none;
        QTest::newRow("console: every method")
                << "console.|"
                << "console"
                << "" << QStringList {}
                << QStringList {"log",   "warn",     "error",   "table",
                                "group", "groupEnd", "timeLog", "countReset"}
                << none;
        QTest::newRow("headers of a request")
                << "request.headers.g|"
                << "headers"
                << "g" << QStringList {"get", "getAll", "getSetCookie"} << none << none;
        QTest::newRow("url.searchParams")
                << "url.searchParams.g|"
                << "searchParams"
                << "g" << QStringList {"get", "getAll"} << none << QStringList {"getSetCookie"};
        QTest::newRow("new URLSearchParams instance")
                << "const query = new URLSearchParams('a=1');\nquery.s|"
                << "searchParams"
                << "s" << QStringList {"set", "size", "sort"} << none << none;
        QTest::newRow("globals: exact case and shorter first")
                << "Resp|"
                << ""
                << "Resp" << QStringList {"Response"} << none << none;
        QTest::newRow("globals in any case") << "resp|"
                                             << ""
                                             << "resp" << QStringList {"Response"} << none << none;
        QTest::newRow("exact case before any case")
                << "const readable = 1;\nRe|"
                << ""
                << "Re" << QStringList {"RegExp", "Reflect", "Request", "Response"}
                << QStringList {"return", "readable"} << QStringList {"Re"};
        QTest::newRow("globals, keywords and the document's identifiers")
                << "const greeting = 1;\ngr|\n"
                << ""
                << "gr" << QStringList {"greeting"} << none << QStringList {"gr"};
        QTest::newRow("keywords") << "ret|"
                                  << ""
                                  << "ret" << QStringList {"return"} << none << none;
        QTest::newRow("an empty prefix offers everything")
                << "const zebra = 1;\n|"
                << ""
                << "" << QStringList {}
                << QStringList {"fetch",        "WebSocketPair",   "const",       "zebra",
                                "URLPattern",   "structuredClone", "atob",        "btoa",
                                "HTMLRewriter", "reportError",     "WebAssembly", "globalThis",
                                "undefined",    "Iterator",        "scheduler"}
                // Classes that only type bindings and imports are not the Worker's globals.
                << QStringList {"D1Database", "DurableObjectNamespace", "KVNamespace",
                                "CloudflareWorkersModule"};
        QTest::newRow("unknown object: the document's names")
                << "const total = 1;\nfoo().to|"
                << "member"
                << "to" << QStringList {"total"} << none << QStringList {"toString", "typeof"};
        QTest::newRow("in a string") << "const s = 'Resp|';"
                                     << ""
                                     << "" << QStringList {} << none << QStringList {"Response"};
        QTest::newRow("in a template literal") << "`env.|`"
                                               << ""
                                               << "" << QStringList {} << none << none;
        QTest::newRow("in a template substitution")
                << "`${env.|}`"
                << "env"
                << "" << QStringList {"CACHE", "MY_KV", "API_URL"} << none << none;
        QTest::newRow("in a line comment") << "// Resp|\n"
                                           << ""
                                           << "" << QStringList {} << none << none;
        QTest::newRow("in a block comment") << "/* env.| */"
                                            << ""
                                            << "" << QStringList {} << none << none;
        QTest::newRow("after a closing quote")
                << "'a' + Resp|"
                << ""
                << "Resp" << QStringList {"Response"} << none << none;
        QTest::newRow("after a comment's line")
                << "// env\nResp|"
                << ""
                << "Resp" << QStringList {"Response"} << none << none;
        QTest::newRow("a number") << "1.|"
                                  << ""
                                  << "" << QStringList {} << none << none;
        QTest::newRow("nothing matches") << "Zzzq|"
                                         << ""
                                         << "Zzzq" << QStringList {} << none << none;
    }
    void suggestions()
    {
        QFETCH(QString, text);
        QFETCH(QString, context);
        QFETCH(QString, prefix);
        QFETCH(QStringList, first);
        QFETCH(QStringList, includes);
        QFETCH(QStringList, excludes);
        const int cursor = int(text.indexOf(u'|'));
        text.remove(cursor, 1);
        QTextDocument doc(text);
        EditorCompletion completion;
        QAbstractItemModelTester tester(&completion,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        completion.setBindings({QStringLiteral("MY_KV (KV namespace)"),
                                QStringLiteral("API_URL: text → https://example.com"),
                                QStringLiteral("CACHE")});
        completion.setDocument(&doc);
        completion.setCursorPosition(cursor);

        QCOMPARE(completion.context(), context);
        QCOMPARE(completion.prefix(), prefix);
        QCOMPARE(completion.prefixStart(), cursor - int(prefix.size()));
        const QStringList got = names(completion);
        QCOMPARE(completion.count(), int(got.size()));
        QCOMPARE(got.mid(0, first.size()), first);
        for (const QString &name : includes)
            QVERIFY2(got.contains(name),
                     qPrintable(name + QStringLiteral(" not in ") + got.join(u' ')));
        for (const QString &name : excludes)
            QVERIFY2(!got.contains(name),
                     qPrintable(name + QStringLiteral(" in ") + got.join(u' ')));
        if (first.isEmpty() && includes.isEmpty())
            QCOMPARE(got, QStringList());
        // Every suggestion starts with the prefix, in some case.
        for (const QString &name : got)
            QVERIFY2(name.startsWith(prefix, Qt::CaseInsensitive), qPrintable(name));
    }

    // Kind and detail as @cloudflare/workers-types declares them: a method's or function's
    // signature as its declaration writes it, a property's type.
    void details_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("detail");
        QTest::newRow("Headers.get") << "request.headers.get|"
                                     << "method"
                                     << "(name: string): string | null";
        QTest::newRow("a request's cf: the incoming request's")
                << "request.cf|"
                << "property"
                << "IncomingRequestCfProperties<unknown>";
        QTest::newRow("a nullable property") << "response.webSocket|"
                                             << "property"
                                             << "WebSocket | null";
        QTest::newRow("a static") << "Response.redirect|"
                                  << "method"
                                  << "(url: string, status?: number): Response";
        QTest::newRow("timingSafeEqual")
                << "crypto.subtle.timingSafeEqual|"
                << "method"
                << "(a: ArrayBuffer | ArrayBufferView, b: ArrayBuffer | ArrayBufferView): boolean";
        QTest::newRow("a getter") << "crypto.subtle|"
                                  << "property"
                                  << "SubtleCrypto";
        QTest::newRow("a class as a member") << "crypto.DigestStream|"
                                             << "class"
                                             << "";
        QTest::newRow("waitUntil") << "ctx.waitUntil|"
                                   << "method"
                                   << "(promise: Promise<any>): void";
        QTest::newRow("Cache.put")
                << "caches.default.put|"
                << "method"
                << "(request: RequestInfo | URL, response: Response): Promise<void>";
        QTest::newRow("a global function") << "atob|"
                                           << "function"
                                           << "(data: string): string";
        QTest::newRow("overloads") << "setTimeout|"
                                   << "function"
                                   << "(callback: (...args: any[]) => void, msDelay?: number): "
                                      "number (+1 overload)";
        QTest::newRow("a global class") << "URLPattern|"
                                        << "class"
                                        << "";
        QTest::newRow("an ECMAScript class") << "Promise|"
                                             << "class"
                                             << "";
        QTest::newRow("a global object") << "console|"
                                         << "namespace"
                                         << "Console";
        QTest::newRow("a global value") << "NaN|"
                                        << "variable"
                                        << "number";
        QTest::newRow("a keyword") << "return|"
                                   << "keyword"
                                   << "";
    }
    void details()
    {
        QFETCH(QString, text);
        QFETCH(QString, kind);
        QFETCH(QString, detail);
        const int cursor = int(text.indexOf(u'|'));
        text.remove(cursor, 1);
        QTextDocument doc(text);
        EditorCompletion completion;
        completion.setDocument(&doc);
        completion.setCursorPosition(cursor);
        QVERIFY(completion.count() > 0);
        // The name typed in full comes first: its exact case and the shortest.
        const QModelIndex first = completion.index(0);
        QCOMPARE(first.data(EditorCompletion::NameRole).toString(), completion.prefix());
        QCOMPARE(first.data(EditorCompletion::KindRole).toString(), kind);
        QCOMPARE(first.data(EditorCompletion::DetailRole).toString(), detail);
    }

    // The data generated from workers-types at build time is in the binary and complete.
    void generatedTypes()
    {
        for (const char *type : {"Request", "Response", "Response (static)", "Headers", "URL",
                                 "URLSearchParams", "Crypto", "SubtleCrypto", "CacheStorage",
                                 "Cache", "ExecutionContext", "FetchEvent", "Console"})
            QVERIFY2(!EditorCompletion::typeMembers(QString::fromLatin1(type)).isEmpty(), type);
        const auto response = EditorCompletion::typeMembers(QStringLiteral("Response"));
        QVERIFY2(response.size() >= 10, qPrintable(QString::number(response.size())));
        QVERIFY(response.contains(EditorCompletion::Suggestion {
                QStringLiteral("status"), QStringLiteral("property"), QStringLiteral("number")}));
        QVERIFY(response.contains(
                EditorCompletion::Suggestion {QStringLiteral("text"), QStringLiteral("method"),
                                              QStringLiteral("(): Promise<string>")}));
        QVERIFY(EditorCompletion::typeMembers(QStringLiteral("SubtleCrypto")).size() >= 13);
        for (const auto &member : response) {
            QVERIFY(!member.name.isEmpty());
            QVERIFY2(member.kind == u"method" || member.kind == u"property"
                             || member.kind == u"class",
                     qPrintable(member.name + u' ' + member.kind));
            // Symbol-keyed members are not reachable by a name.
            QVERIFY2(!member.name.startsWith(u"__@"), qPrintable(member.name));
        }
        QVERIFY(EditorCompletion::typeMembers(QStringLiteral("D1Database")).isEmpty());

        // The globals: well over the hand-written list they replace.
        QTextDocument doc(QStringLiteral(" "));
        EditorCompletion completion;
        completion.setDocument(&doc);
        completion.setCursorPosition(0);
        QVERIFY2(completion.count() > 150, qPrintable(QString::number(completion.count())));
    }

    void bindingRoles()
    {
        QTextDocument doc(QStringLiteral("env."));
        EditorCompletion completion;
        completion.setBindings({QStringLiteral("MY_KV (KV namespace)"),
                                QStringLiteral("API_URL: text → https://example.com")});
        completion.setDocument(&doc);
        completion.setCursorPosition(4);
        QCOMPARE(completion.count(), 2);
        const auto roles = completion.roleNames();
        QCOMPARE(roles.value(EditorCompletion::NameRole), QByteArray("name"));
        QCOMPARE(roles.value(EditorCompletion::KindRole), QByteArray("kind"));
        QCOMPARE(roles.value(EditorCompletion::DetailRole), QByteArray("detail"));
        // The shorter name first.
        const QModelIndex api = completion.index(1);
        QCOMPARE(api.data(EditorCompletion::NameRole).toString(), QStringLiteral("API_URL"));
        QCOMPARE(api.data(EditorCompletion::KindRole).toString(), QStringLiteral("binding"));
        QCOMPARE(api.data(EditorCompletion::DetailRole).toString(),
                 QStringLiteral("text → https://example.com"));
        const QModelIndex kv = completion.index(0);
        QCOMPARE(kv.data(EditorCompletion::DetailRole).toString(), QStringLiteral("KV namespace"));
        QCOMPARE(completion.name(0), QStringLiteral("MY_KV"));
        QCOMPARE(completion.name(2), QString());
    }

    // Choosing a suggestion replaces what was typed of it, in one undo step.
    void acceptReplacesThePrefix_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("choose");
        QTest::addColumn<QString>("expected");
        QTest::newRow("binding") << "return env.my|;"
                                 << "MY_KV"
                                 << "return env.MY_KV|;";
        QTest::newRow("nothing typed yet") << "env.|"
                                           << "CACHE"
                                           << "env.CACHE|";
        QTest::newRow("global in the wrong case") << "new resp|('x')"
                                                  << "Response"
                                                  << "new Response|('x')";
        QTest::newRow("member") << "ctx.wait|"
                                << "waitUntil"
                                << "ctx.waitUntil|";
    }
    void acceptReplacesThePrefix()
    {
        QFETCH(QString, text);
        QFETCH(QString, choose);
        QFETCH(QString, expected);
        const int cursor = int(text.indexOf(u'|'));
        text.remove(cursor, 1);
        const int after = int(expected.indexOf(u'|'));
        expected.remove(after, 1);
        QTextDocument doc(text);
        EditorCompletion completion;
        completion.setBindings({QStringLiteral("MY_KV (KV namespace)"), QStringLiteral("CACHE")});
        completion.setDocument(&doc);
        completion.setCursorPosition(cursor);
        const int row = int(names(completion).indexOf(choose));
        QVERIFY(row >= 0);
        QCOMPARE(completion.accept(row), after);
        QCOMPARE(doc.toPlainText(), expected);
        doc.undo();
        QCOMPARE(doc.toPlainText(), text);
    }

    void acceptWithoutARow()
    {
        QTextDocument doc(QStringLiteral("'Resp"));
        EditorCompletion completion;
        completion.setDocument(&doc);
        completion.setCursorPosition(5);
        QCOMPARE(completion.count(), 0);
        QCOMPARE(completion.accept(0), -1);
        QCOMPARE(doc.toPlainText(), QStringLiteral("'Resp"));
        EditorCompletion detached;
        QCOMPARE(detached.accept(0), -1);
    }

    // The list follows the bindings, the text and the cursor, each change a model reset.
    void followsChanges()
    {
        QTextDocument doc(QStringLiteral("env."));
        EditorCompletion completion;
        QAbstractItemModelTester tester(&completion,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy resets(&completion, &QAbstractItemModel::modelReset);
        QSignalSpy count(&completion, &EditorCompletion::countChanged);
        QSignalSpy bindings(&completion, &EditorCompletion::bindingsChanged);
        QSignalSpy prefix(&completion, &EditorCompletion::prefixChanged);
        completion.setDocument(&doc);
        completion.setCursorPosition(4);
        QCOMPARE(completion.count(), 0);
        QCOMPARE(completion.context(), QStringLiteral("env"));
        // Opening the document and moving to the dot each changed the list.
        QCOMPARE(resets.count(), 2);
        QCOMPARE(count.count(), 2);
        resets.clear();
        count.clear();

        completion.setBindings({QStringLiteral("ONE"), QStringLiteral("TWO")});
        QCOMPARE(bindings.count(), 1);
        QCOMPARE(resets.count(), 1);
        QCOMPARE(count.count(), 1);
        QCOMPARE(names(completion), QStringList({"ONE", "TWO"}));
        // The same list again changes nothing.
        completion.setBindings({QStringLiteral("ONE"), QStringLiteral("TWO")});
        QCOMPARE(bindings.count(), 1);
        QCOMPARE(resets.count(), 1);
        // Same count, other names: a reset, no count change.
        completion.setBindings({QStringLiteral("ONE"), QStringLiteral("THREE")});
        QCOMPARE(resets.count(), 2);
        QCOMPARE(count.count(), 1);
        QCOMPARE(names(completion), QStringList({"ONE", "THREE"}));

        // Typing narrows; the prefix follows.
        const int prefixes = int(prefix.count());
        QTextCursor end(&doc);
        end.movePosition(QTextCursor::End);
        end.insertText(QStringLiteral("T"));
        completion.setCursorPosition(5);
        QCOMPARE(names(completion), QStringList({"THREE"}));
        QCOMPARE(completion.prefix(), QStringLiteral("T"));
        QVERIFY(prefix.count() > prefixes);
        QCOMPARE(resets.count(), 3);
        QCOMPARE(count.count(), 2);

        // The cursor moved back before the dot: globals, not bindings.
        completion.setCursorPosition(3);
        QCOMPARE(completion.context(), QString());
        QCOMPARE(completion.prefix(), QStringLiteral("env"));
        QVERIFY(!names(completion).contains(QStringLiteral("THREE")));
        QVERIFY(!names(completion).contains(QStringLiteral("env")));

        // Another document: its text is read at once.
        QTextDocument other(QStringLiteral("console."));
        completion.setDocument(&other);
        completion.setCursorPosition(8);
        QCOMPARE(completion.context(), QStringLiteral("console"));
        QVERIFY(names(completion).contains(QStringLiteral("log")));
        completion.setDocument(nullptr);
        QCOMPARE(completion.count(), 0);
    }
};

QTEST_MAIN(tst_EditorCompletion)
#include "tst_editorcompletion.moc"
