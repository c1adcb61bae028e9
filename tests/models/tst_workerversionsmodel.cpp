// The Versions view's models over the whole runtime with the admin API: a version uploaded
// through the admin API shows in the model at once; a deployment, split or rollback made in the
// model is what the dispatch listener serves next; refused deployments change nothing; the diff
// of two versions lists their modules' added and removed lines and their settings.
#include "../common/adminstack.h"
#include "../common/cloudflareapi.h"
#include "textdiff.h"
#include "versiondiffmodel.h"
#include "workerversionsmodel.h"

#include <QAbstractItemModelTester>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>

using namespace switchyard;
using models::VersionDiffModel;
using models::WorkerVersionsModel;
using namespace switchyard::testing;

namespace {

const QByteArray kToken = "versions-model-token";
const QByteArray kBoundary = "versions-model-boundary";

struct Part
{
    QByteArray name;
    QByteArray code;
};

// What wrangler sends for `versions upload`: metadata and the modules.
QByteArray upload(const QList<Part> &parts, const QJsonObject &extraMetadata = {})
{
    QJsonObject metadata {{QStringLiteral("main_module"), QString::fromUtf8(parts.first().name)}};
    for (auto it = extraMetadata.constBegin(); it != extraMetadata.constEnd(); ++it)
        metadata.insert(it.key(), it.value());
    QList<FormPart> form {{"metadata",
                           {},
                           "application/json",
                           QJsonDocument(metadata).toJson(QJsonDocument::Compact)}};
    for (const Part &part : parts)
        form.append({part.name, part.name, "application/javascript+module", part.code});
    return multipartForm(kBoundary, form);
}

QByteArray answering(const QByteArray &label)
{
    return "export default {\n  fetch() {\n    return new Response('" + label + "');\n  }\n};\n";
}

} // namespace

class tst_WorkerVersionsModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { m_v8 = std::make_unique<engine::V8Platform>(); }
    void cleanupTestCase() { m_v8.reset(); }
    void init();
    void cleanup();

    void uploadThroughAdminApiAppearsLive();
    void deploymentIsServedNext();
    void splitServesBothVersions();
    void refusedDeploymentsChangeNothing();
    void diffListsAddedAndRemovedLines();
    void textDiffOfBinaryContent();

private:
    // Uploads a version of the dispatcher through the admin API without deploying it.
    QString uploadVersion(const QList<Part> &parts, const QJsonObject &metadata = {})
    {
        const RawResponse r = m_admin.request(
                "POST", "/client/v4/accounts/acct/workers/scripts/dispatcher/versions",
                upload(parts, metadata), formContent(kBoundary));
        if (r.status != 200)
            qWarning() << r.body;
        return result(r).toObject().value(u"id").toString();
    }
    QJsonArray deployments()
    {
        return result(m_admin.request(
                              "GET",
                              "/client/v4/accounts/acct/workers/scripts/dispatcher/deployments"))
                .toObject()
                .value(u"deployments")
                .toArray();
    }
    QByteArray dispatch() { return m_admin.dispatch("any.localhost").body; }

    std::unique_ptr<engine::V8Platform> m_v8;
    AdminStack m_admin {kToken};
    std::unique_ptr<models::PlatformController> m_platform;
};

void tst_WorkerVersionsModel::init()
{
    const QString error = m_admin.start(*m_v8);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    m_platform = std::make_unique<models::PlatformController>(m_admin.service());
}

void tst_WorkerVersionsModel::cleanup()
{
    m_platform.reset();
    m_admin.stop();
}

void tst_WorkerVersionsModel::uploadThroughAdminApiAppearsLive()
{
    WorkerVersionsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy platformChanged(&model, &WorkerVersionsModel::platformChanged);
    model.setPlatform(m_platform.get());
    model.setPlatform(m_platform.get());
    QCOMPARE(platformChanged.count(), 1);
    QVERIFY(model.workerNames().contains(QStringLiteral("dispatcher")));
    QCOMPARE(model.rowCount(), 0); // no Worker picked yet
    model.setWorkerName(QStringLiteral("dispatcher"));
    // The seeded dispatcher was one upload, deployed at 100 %.
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.index(0).data(WorkerVersionsModel::NumberRole).toLongLong(), 1);
    QCOMPARE(model.index(0).data(WorkerVersionsModel::PercentageRole).toDouble(), 100.0);
    QCOMPARE(model.servingText(), QStringLiteral("#1 at 100 %"));
    QCOMPARE(model.rollbackVersion(), QString());

    QSignalSpy count(&model, &WorkerVersionsModel::countChanged);
    QSignalSpy serving(&model, &WorkerVersionsModel::servingChanged);
    const QString id = uploadVersion(
            {{"index.js", answering("two")}},
            {{QStringLiteral("annotations"),
              QJsonObject {{QStringLiteral("workers/message"), QStringLiteral("second try")},
                           {QStringLiteral("workers/tag"), QStringLiteral("v2")}}}});
    QVERIFY(!id.isEmpty());
    // Live: the admin API's upload reached the model before the response was read.
    QCOMPARE(count.count(), 1);
    QCOMPARE(serving.count(), 0); // uploaded, not deployed
    QCOMPARE(model.rowCount(), 2);
    const QModelIndex newest = model.index(0);
    QCOMPARE(newest.data(WorkerVersionsModel::VersionIdRole).toString(), id);
    QCOMPARE(newest.data(WorkerVersionsModel::NumberRole).toLongLong(), 2);
    QCOMPARE(newest.data(WorkerVersionsModel::MessageRole).toString(),
             QStringLiteral("second try"));
    QCOMPARE(newest.data(WorkerVersionsModel::TagRole).toString(), QStringLiteral("v2"));
    QCOMPARE(newest.data(WorkerVersionsModel::LabelRole).toString(),
             QStringLiteral("#2 · second try"));
    QCOMPARE(newest.data(WorkerVersionsModel::TriggeredByRole).toString(),
             QStringLiteral("upload"));
    QCOMPARE(newest.data(WorkerVersionsModel::PercentageRole).toDouble(), 0.0);
    QCOMPARE(newest.data(WorkerVersionsModel::ServingRole).toBool(), false);
    QVERIFY(newest.data(WorkerVersionsModel::CreatedRole).toDateTime().isValid());
    QCOMPARE(model.indexOf(id), 0);
    QCOMPARE(model.versionIdAt(0), id);
    QCOMPARE(model.versionIdAt(5), QString());
    QCOMPARE(model.roleNames().value(WorkerVersionsModel::PercentageRole),
             QByteArray("percentage"));

    // Another Worker's versions are another list.
    model.setWorkerName(QStringLiteral("no-such-worker"));
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(model.servingText(), QString());
}

void tst_WorkerVersionsModel::deploymentIsServedNext()
{
    WorkerVersionsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setPlatform(m_platform.get());
    model.setWorkerName(QStringLiteral("dispatcher"));
    const QString seeded = model.versionIdAt(0);
    const RawResponse before = m_admin.dispatch("localhost");
    QCOMPARE(before.status, 200);
    const QString two = uploadVersion({{"index.js", answering("two")}});
    QVERIFY(dispatch() != "two"); // uploaded, not deployed

    QSignalSpy dataChanged(&model, &WorkerVersionsModel::dataChanged);
    QSignalSpy serving(&model, &WorkerVersionsModel::servingChanged);
    QCOMPARE(model.deploy(two, QStringLiteral("ship it")), QString());
    QCOMPARE(dispatch(), QByteArray("two"));
    QVERIFY(serving.count() >= 1);
    QVERIFY(dataChanged.count() >= 1); // the shares changed in place
    QCOMPARE(model.index(0).data(WorkerVersionsModel::PercentageRole).toDouble(), 100.0);
    QCOMPARE(model.index(1).data(WorkerVersionsModel::PercentageRole).toDouble(), 0.0);
    QCOMPARE(model.servingText(), QStringLiteral("#2 at 100 %"));
    // Made from the GUI, as Cloudflare records a dashboard deployment.
    QJsonObject latest = deployments().at(0).toObject();
    QCOMPARE(latest.value(u"source").toString(), QStringLiteral("dash"));
    QCOMPARE(latest.value(u"annotations").toObject().value(u"workers/message").toString(),
             QStringLiteral("ship it"));

    // Rollback: to the last version that served alone.
    QCOMPARE(model.rollbackVersion(), seeded);
    QCOMPARE(model.rollback(), QString());
    const RawResponse after = m_admin.dispatch("localhost");
    QCOMPARE(after.status, before.status);
    QCOMPARE(after.body, before.body);
    QCOMPARE(model.servingText(), QStringLiteral("#1 at 100 %"));
    latest = deployments().at(0).toObject();
    QCOMPARE(latest.value(u"annotations").toObject().value(u"workers/triggered_by").toString(),
             QStringLiteral("rollback"));
    // And back again: now #2 is the one that served alone before.
    QCOMPARE(model.rollbackVersion(), two);
}

void tst_WorkerVersionsModel::splitServesBothVersions()
{
    WorkerVersionsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setPlatform(m_platform.get());
    model.setWorkerName(QStringLiteral("dispatcher"));
    const QString alpha = uploadVersion({{"index.js", answering("alpha")}});
    const QString beta = uploadVersion({{"index.js", answering("beta")}});
    QCOMPARE(model.deploySplit(alpha, 50, beta), QString());
    QCOMPARE(model.servingText(), QStringLiteral("#2 at 50 % · #3 at 50 %"));
    QCOMPARE(model.index(model.indexOf(alpha)).data(WorkerVersionsModel::PercentageRole).toDouble(),
             50.0);
    QCOMPARE(model.index(model.indexOf(beta)).data(WorkerVersionsModel::ServingRole).toBool(),
             true);
    // 200 requests at 50 %: one side never chosen has probability 2^-199.
    int a = 0, b = 0;
    for (int i = 0; i < 200; ++i) {
        const QByteArray body = dispatch();
        if (body == "alpha")
            ++a;
        else if (body == "beta")
            ++b;
        else
            QFAIL(body.constData());
    }
    QVERIFY2(a > 0 && b > 0, qPrintable(QStringLiteral("%1 / %2").arg(a).arg(b)));
    // A split is not a rollback target: the seeded version, which served alone, is.
    QCOMPARE(model.rollbackVersion(), model.versionIdAt(model.rowCount() - 1));
}

void tst_WorkerVersionsModel::refusedDeploymentsChangeNothing()
{
    WorkerVersionsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setPlatform(m_platform.get());
    model.setWorkerName(QStringLiteral("dispatcher"));
    const QString two = uploadVersion({{"index.js", answering("two")}});
    const QString seeded = model.versionIdAt(1);
    const QByteArray served = dispatch();
    QSignalSpy serving(&model, &WorkerVersionsModel::servingChanged);
    QVERIFY(model.deploy(QStringLiteral("00000000-0000-0000-0000-000000000000"))
                    .contains(QStringLiteral("was not found")));
    QVERIFY(!model.deploySplit(two, 150, seeded).isEmpty());
    QVERIFY(!model.deploySplit(two, 50, two).isEmpty());
    QVERIFY(!model.deploySplit(two, 50, QString()).isEmpty());
    // No earlier deployment of one other version yet.
    QVERIFY(!model.rollback().isEmpty());
    // A message longer than Cloudflare's annotations take.
    QVERIFY(!model.deploy(two, QString(platform::PlatformService::kMaxAnnotationLength + 1, u'x'))
                     .isEmpty());
    QCOMPARE(serving.count(), 0);
    QCOMPARE(dispatch(), served);
    QCOMPARE(model.servingText(), QStringLiteral("#1 at 100 %"));
    QCOMPARE(deployments().size(), 1);

    model.setWorkerName(QStringLiteral("no-such-worker"));
    QVERIFY(model.deploy(two).contains(QStringLiteral("does not exist")));
}

void tst_WorkerVersionsModel::diffListsAddedAndRemovedLines()
{
    const QString one = uploadVersion(
            {{"index.js", answering("one")}, {"gone.js", "export const old = 1;\n"}},
            {{QStringLiteral("compatibility_date"), QStringLiteral("2024-09-01")}});
    const QString two = uploadVersion(
            {{"index.js", answering("two")}, {"util.js", "export const helper = 2;\n"}},
            {{QStringLiteral("compatibility_date"), QStringLiteral("2025-01-01")}});
    QVERIFY(!one.isEmpty() && !two.isEmpty());

    VersionDiffModel diff;
    QAbstractItemModelTester tester(&diff, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy changed(&diff, &VersionDiffModel::diffChanged);
    diff.setPlatform(m_platform.get());
    diff.setWorkerName(QStringLiteral("dispatcher"));
    diff.setFromVersion(one);
    QVERIFY(!diff.note().isEmpty()); // one side only
    QCOMPARE(diff.rowCount(), 0);
    diff.setToVersion(two);
    QCOMPARE(diff.note(), QString());

    QStringList rows;
    for (int i = 0; i < diff.rowCount(); ++i) {
        const QModelIndex index = diff.index(i);
        rows << index.data(VersionDiffModel::KindRole).toString() + QLatin1Char(' ')
                        + index.data(VersionDiffModel::TextRole).toString();
    }
    const QStringList expected {
            QStringLiteral("module index.js"),
            QStringLiteral("hunk @@ -1,5 +1,5 @@"),
            QStringLiteral("context export default {"),
            QStringLiteral("context   fetch() {"),
            QStringLiteral("removed     return new Response('one');"),
            QStringLiteral("added     return new Response('two');"),
            QStringLiteral("context   }"),
            QStringLiteral("context };"),
    };
    QCOMPARE(rows.mid(0, expected.size()), expected);
    QVERIFY(rows.contains(QStringLiteral("module gone.js (removed)")));
    QVERIFY(rows.contains(QStringLiteral("removed export const old = 1;")));
    QVERIFY(rows.contains(QStringLiteral("module util.js (added)")));
    QVERIFY(rows.contains(QStringLiteral("added export const helper = 2;")));
    QVERIFY(rows.contains(QStringLiteral("module Settings")));
    QVERIFY(rows.contains(QStringLiteral("removed     \"compatibility_date\": \"2024-09-01\",")));
    QVERIFY(rows.contains(QStringLiteral("added     \"compatibility_date\": \"2025-01-01\",")));
    QCOMPARE(diff.added(), 3);
    QCOMPARE(diff.removed(), 3);
    // Line numbers on each side: the changed line is the third of both.
    const int removedRow
            = int(rows.indexOf(QStringLiteral("removed     return new Response('one');")));
    QCOMPARE(diff.index(removedRow).data(VersionDiffModel::OldLineRole).toInt(), 3);
    QCOMPARE(diff.index(removedRow).data(VersionDiffModel::NewLineRole).toInt(), 0);
    QCOMPARE(diff.index(removedRow + 1).data(VersionDiffModel::NewLineRole).toInt(), 3);

    // The other way round swaps the sides.
    diff.setFromVersion(two);
    diff.setToVersion(one);
    QCOMPARE(diff.added(), 3);
    QVERIFY(diff.index(4).data(VersionDiffModel::TextRole).toString().contains(u"'two'"));
    QCOMPARE(diff.index(4).data(VersionDiffModel::KindRole).toString(), QStringLiteral("removed"));

    // The same version, and the same code in two versions.
    diff.setToVersion(two);
    QCOMPARE(diff.rowCount(), 0);
    QVERIFY(!diff.note().isEmpty());
    const QString again = uploadVersion(
            {{"index.js", answering("two")}, {"util.js", "export const helper = 2;\n"}},
            {{QStringLiteral("compatibility_date"), QStringLiteral("2025-01-01")}});
    diff.setToVersion(again);
    QCOMPARE(diff.rowCount(), 0);
    QVERIFY(diff.note().startsWith(QStringLiteral("No differences")));
    // A version that is not there.
    diff.setToVersion(QStringLiteral("not-a-version"));
    QCOMPARE(diff.rowCount(), 0);
    QVERIFY(diff.note().contains(QStringLiteral("not-a-version")));
    QVERIFY(changed.count() >= 6);
}

void tst_WorkerVersionsModel::textDiffOfBinaryContent()
{
    const models::TextDiff binary
            = models::diffText(QByteArray("\0asm\1\0\0\0", 8), QByteArray("\0asm\1\0\0\1", 8));
    QVERIFY(binary.differs);
    QVERIFY(binary.binary);
    QVERIFY(binary.lines.isEmpty());
    const models::TextDiff same = models::diffText("a\n", "a\n");
    QVERIFY(!same.differs);
    QVERIFY(same.lines.isEmpty());
    // A last line without a line break is still one line, not two.
    const models::TextDiff noBreak = models::diffText("a\nb", "a\nc");
    QCOMPARE(noBreak.added, 1);
    QCOMPARE(noBreak.removed, 1);
    QCOMPARE(noBreak.lines.size(), 4); // hunk, context a, -b, +c
    QCOMPARE(noBreak.lines.last().text, QStringLiteral("c"));
}

QTEST_MAIN(tst_WorkerVersionsModel)
#include "tst_workerversionsmodel.moc"
