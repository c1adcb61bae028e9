// The multipart/form-data parser that Worker uploads go through: what wrangler, curl -F and
// undici write, and the broken bodies it must refuse instead of guessing.
#include "http/multipart.h"

#include <QTest>

using namespace switchyard::http;

class tst_Multipart : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void boundary_data();
    void boundary();
    void parse_data();
    void parse();
};

void tst_Multipart::boundary_data()
{
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<QByteArray>("expected"); // null: refused

    QTest::newRow("plain") << QByteArray("multipart/form-data; boundary=abc") << QByteArray("abc");
    QTest::newRow("quoted") << QByteArray("multipart/form-data; boundary=\"a b\"")
                            << QByteArray("a b");
    QTest::newRow("case and spaces")
            << QByteArray("Multipart/Form-Data ;  charset=utf-8; Boundary=----X")
            << QByteArray("----X");
    QTest::newRow("undici") << QByteArray("multipart/form-data; boundary=----formdata-undici-0123")
                            << QByteArray("----formdata-undici-0123");
    QTest::newRow("not multipart") << QByteArray("application/json") << QByteArray();
    QTest::newRow("no boundary") << QByteArray("multipart/form-data") << QByteArray();
    QTest::newRow("empty boundary") << QByteArray("multipart/form-data; boundary=") << QByteArray();
    QTest::newRow("too long") << QByteArray("multipart/form-data; boundary=" + QByteArray(71, 'x'))
                              << QByteArray();
}

void tst_Multipart::boundary()
{
    QFETCH(QByteArray, contentType);
    QFETCH(QByteArray, expected);
    const auto b = multipartBoundary(contentType);
    QCOMPARE(b.has_value(), !expected.isNull());
    if (b)
        QCOMPARE(*b, expected);
}

void tst_Multipart::parse_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QStringList>("names"); // empty with `error` set: refused
    QTest::addColumn<QList<QByteArray>>("bodies");
    QTest::addColumn<QList<QByteArray>>("types");
    QTest::addColumn<QString>("error"); // a fragment of the message

    const QByteArray wrangler
            = "----formdata-undici-1\r\n"
              "Content-Disposition: form-data; name=\"metadata\"\r\n\r\n"
              "{\"main_module\":\"index.js\"}\r\n"
              "----formdata-undici-1\r\n"
              "Content-Disposition: form-data; name=\"index.js\"; filename=\"index.js\"\r\n"
              "Content-Type: application/javascript+module\r\n\r\n"
              "export { x as default };\r\n//# sourceMappingURL=index.js.map\r\n"
              "----formdata-undici-1\r\n"
              "Content-Disposition: form-data; name=\"index.js.map\"; filename=\"index.js.map\"\r\n"
              "Content-Type: application/source-map\r\n\r\n"
              "{}\r\n"
              "----formdata-undici-1--\r\n";
    QTest::newRow("wrangler upload")
            << wrangler
            << QStringList {QStringLiteral("metadata"), QStringLiteral("index.js"),
                            QStringLiteral("index.js.map")}
            << QList<QByteArray> {"{\"main_module\":\"index.js\"}",
                                  "export { x as default };\r\n//# sourceMappingURL=index.js.map",
                                  "{}"}
            << QList<QByteArray> {"", "application/javascript+module", "application/source-map"}
            << QString();
    QTest::newRow("preamble, epilogue, empty part, charset")
            << QByteArray("ignored preamble\r\n----formdata-undici-1\r\n"
                          "Content-Disposition: form-data; name=\"a\"\r\n"
                          "Content-Type: Text/Plain; charset=utf-8\r\n\r\n"
                          "\r\n----formdata-undici-1--\r\nepilogue")
            << QStringList {QStringLiteral("a")} << QList<QByteArray> {""}
            << QList<QByteArray> {"text/plain"} << QString();
    QTest::newRow("escaped quote in name")
            << QByteArray("----formdata-undici-1\r\n"
                          "Content-Disposition: form-data; name=\"a%22b\"\r\n\r\nx\r\n"
                          "----formdata-undici-1--")
            << QStringList {QStringLiteral("a\"b")} << QList<QByteArray> {"x"}
            << QList<QByteArray> {""} << QString();
    const QByteArray binary = QByteArray("\r\n") + QByteArray(1, '\0') + QByteArray("\r\n--x");
    QTest::newRow("binary body with CR LF inside")
            << QByteArray("----formdata-undici-1\r\n"
                          "Content-Disposition: form-data; name=\"w\"\r\n\r\n")
                    + binary + QByteArray("\r\n----formdata-undici-1--")
            << QStringList {QStringLiteral("w")} << QList<QByteArray> {binary}
            << QList<QByteArray> {""} << QString();

    const QStringList none;
    const QList<QByteArray> nothing;
    QTest::newRow("no boundary in body") << QByteArray("hello") << none << nothing << nothing
                                         << QStringLiteral("does not contain its boundary");
    QTest::newRow("cut short") << QByteArray(
            "----formdata-undici-1\r\n"
            "Content-Disposition: form-data; name=\"metadata\"\r\n\r\n{\"main")
                               << none << nothing << nothing
                               << QStringLiteral("not closed by the boundary");
    QTest::newRow("no closing delimiter")
            << QByteArray("----formdata-undici-1\r\n"
                          "Content-Disposition: form-data; name=\"a\"\r\n\r\nx\r\n"
                          "----formdata-undici-1")
            << none << nothing << nothing << QStringLiteral("part 2");
    QTest::newRow("headers never end")
            << QByteArray("----formdata-undici-1\r\nContent-Disposition: form-data; name=\"a\"")
            << none << nothing << nothing << QStringLiteral("headers do not end");
    QTest::newRow("no name") << QByteArray(
            "----formdata-undici-1\r\nContent-Disposition: form-data\r\n\r\nx\r\n"
            "----formdata-undici-1--")
                             << none << nothing << nothing << QStringLiteral("has no name");
    QTest::newRow("no disposition")
            << QByteArray("----formdata-undici-1\r\nContent-Type: text/plain\r\n\r\nx\r\n"
                          "----formdata-undici-1--")
            << none << nothing << nothing << QStringLiteral("no Content-Disposition");
    QTest::newRow("malformed header")
            << QByteArray("----formdata-undici-1\r\nthis is not a header\r\n\r\nx\r\n"
                          "----formdata-undici-1--")
            << none << nothing << nothing << QStringLiteral("malformed header line");
}

void tst_Multipart::parse()
{
    QFETCH(QByteArray, body);
    QFETCH(QStringList, names);
    QFETCH(QList<QByteArray>, bodies);
    QFETCH(QList<QByteArray>, types);
    QFETCH(QString, error);

    const MultipartResult result = parseMultipart(body, "--formdata-undici-1");
    if (!error.isEmpty()) {
        QVERIFY2(result.error.contains(error), qPrintable(result.error));
        QVERIFY(result.parts.isEmpty());
        return;
    }
    QVERIFY2(result.error.isEmpty(), qPrintable(result.error));
    QCOMPARE(result.parts.size(), names.size());
    for (qsizetype i = 0; i < names.size(); ++i) {
        QCOMPARE(result.parts.at(i).name, names.at(i));
        QCOMPARE(result.parts.at(i).body, bodies.at(i));
        QCOMPARE(result.parts.at(i).contentType, types.at(i));
    }
}

QTEST_GUILESS_MAIN(tst_Multipart)
#include "tst_multipart.moc"
