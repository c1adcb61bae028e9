// The real views over the real runtime (the demo platform, V8, the dispatch listener), loaded
// through the same Application that main() uses: every view opens, an edit made in the Routing
// view changes the next HTTP response, a limit violation reaches the Analytics view within a
// second of its response, and a version deployed or rolled back in the Versions view is what the
// next request runs.
#include "../common/demowindow.h"
#include "../common/rawhttp.h"
#include "runtimestack.h"

#include "engine/engine.h"
#include "platform/platformservice.h"

#include <QAbstractItemModel>
#include <QElapsedTimer>
#include <QFile>
#include <QQuickItem>
#include <QQuickWindow>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QtQuickTest/quicktest.h>

#include <algorithm>

using namespace switchyard;
using namespace switchyard::app;
using switchyard::testing::rawRequest;

class tst_Views : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void everyViewOpens();
    void routingEditChangesNextResponse();
    void violationReachesAnalyticsWithinOneSecond();
    void invalidRouteIsRefusedInPlace();
    void overviewShowsInstances();
    void tablesSortAndResizeFromTheirHeaders();
    void chartsShowTheValueUnderThePointer();
    void themeIsForcedFromTheSidebar();
    void versionsViewDiffsAndDeploys();
    void routesPlansAndWorkersSortFromTheirHeaders();
    void workerDeleteIsUndoneFromTheBanner();
    void namespaceDeleteIsUndoneFromTheBanner();
    void newestDeleteTakesTheBannerOver();
    void workerChartsFollowTheChosenWorker();

private:
    QQuickItem *view(const char *objectName) const { return m_demo.view(objectName); }
    void show(int index) { m_demo.show(index); }
    testing::RawResponse get(const QByteArray &host)
    {
        return rawRequest(m_demo.app().stack()->port(), "GET", host, "/");
    }

    // By the visual tree: a Repeater's items are not QObject children of the view.
    QQuickItem *header(QQuickItem *in, const QString &text) const
    {
        for (QQuickItem *item : in->childItems()) {
            if (QByteArray(item->metaObject()->className()).startsWith("SortableHeader")
                && item->property("text").toString() == text && item->isVisible())
                return item;
            if (QQuickItem *found = header(item, text))
                return found;
        }
        return nullptr;
    }
    // The visible item of `in`'s visual tree named `objectName` whose `property` is `value`.
    QQuickItem *item(QQuickItem *in, const QString &objectName, const char *property,
                     const QVariant &value) const
    {
        for (QQuickItem *child : in->childItems()) {
            if (child->objectName() == objectName && child->property(property) == value
                && child->isVisible())
                return child;
            if (QQuickItem *found = item(child, objectName, property, value))
                return found;
        }
        return nullptr;
    }
    // The visible item named `objectName` in `in`'s visual tree.
    QQuickItem *named(QQuickItem *in, const QString &objectName) const
    {
        for (QQuickItem *child : in->childItems()) {
            if (child->objectName() == objectName && child->isVisible())
                return child;
            if (QQuickItem *found = named(child, objectName))
                return found;
        }
        return nullptr;
    }
    void click(QQuickItem *item) { QTest::mouseClick(m_window, Qt::LeftButton, {}, centre(item)); }
    QPoint centre(QQuickItem *item) const
    {
        return inWindow(item, {item->width() / 2, item->height() / 2});
    }
    QPoint inWindow(QQuickItem *item, QPointF local) const
    {
        return item->mapToScene(local).toPoint();
    }

    testing::DemoWindow m_demo;
    QQuickWindow *m_window = nullptr;
};

void tst_Views::initTestCase()
{
    // The theme choice is kept in the settings file: a test's, not the user's.
    QStandardPaths::setTestModeEnabled(true);
    QFile::remove(QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation)
                  + QStringLiteral("/switchyard.conf"));
    const QString error = m_demo.start();
    QVERIFY2(error.isEmpty(), qPrintable(error));
    m_window = m_demo.window();
}

void tst_Views::cleanupTestCase()
{
    m_demo.stop();
}

void tst_Views::everyViewOpens()
{
    const char *names[]
            = {"overviewView",  "namespacesView", "dispatcherView", "routingView", "plansView",
               "analyticsView", "tailView",       "playgroundView", "versionsView"};
    auto *pages = m_window->findChild<QQuickItem *>(QStringLiteral("pages"));
    QVERIFY(pages);
    for (int i = 0; i < 9; ++i) {
        show(i);
        QQuickItem *page = view(names[i]);
        QVERIFY2(page, names[i]);
        QTRY_VERIFY(page->isVisible());
        QVERIFY(page->width() > 100 && page->height() > 100);
        QVERIFY(!page->property("title").toString().isEmpty());
    }
    // The demo's data is in the views' models.
    auto *routes = qvariant_cast<QAbstractItemModel *>(view("routingView")->property("routes"));
    QVERIFY(routes);
    QCOMPARE(routes->rowCount(), 4);
    auto *code = view("dispatcherView")->findChild<QQuickItem *>(QStringLiteral("codeArea"));
    QVERIFY(code);
    QVERIFY(code->property("text").toString().contains(QStringLiteral("USER_ROUTING")));
}

void tst_Views::routingEditChangesNextResponse()
{
    show(3);
    QQuickItem *routing = view("routingView");
    QVERIFY(routing);
    // No route and no Worker named "shop": the demo dispatcher answers 404.
    QCOMPARE(get("shop.localhost").status, 404);

    // Fill the form as a user would and press Save route.
    auto *route = routing->findChild<QQuickItem *>(QStringLiteral("routeField"));
    auto *worker = routing->findChild<QQuickItem *>(QStringLiteral("workerField"));
    auto *save = routing->findChild<QQuickItem *>(QStringLiteral("saveRouteButton"));
    QVERIFY(route && worker && save);
    route->setProperty("text", QStringLiteral("shop.localhost"));
    worker->setProperty("editText", QStringLiteral("site"));
    QTRY_VERIFY(save->property("enabled").toBool());
    QVERIFY(QMetaObject::invokeMethod(save, "clicked"));
    auto *error = routing->findChild<QQuickItem *>(QStringLiteral("routeError"));
    QCOMPARE(error->property("text").toString(), QString());

    const auto next = get("shop.localhost");
    QCOMPARE(next.status, 200);
    QVERIFY(next.body.contains("Acme Rockets"));

    // And back: deleting the route through the view's action restores the 404.
    QVariant refused;
    QVERIFY(QMetaObject::invokeMethod(routing, "deleteRoute", Q_RETURN_ARG(QVariant, refused),
                                      Q_ARG(QVariant, QStringLiteral("shop.localhost"))));
    QCOMPARE(refused.toString(), QString());
    QCOMPARE(get("shop.localhost").status, 404);
}

void tst_Views::violationReachesAnalyticsWithinOneSecond()
{
    show(5);
    QQuickItem *analytics = view("analyticsView");
    QVERIFY(analytics);
    auto *violations = qvariant_cast<QAbstractItemModel *>(analytics->property("violations"));
    QVERIFY(violations);
    const int before = violations->rowCount();

    const auto response = get("cpu-burner.localhost");
    QCOMPARE(response.status, 429);
    QElapsedTimer sinceResponse;
    sinceResponse.start();
    QTRY_VERIFY_WITH_TIMEOUT(violations->rowCount() > before, 1000);
    qInfo("violation shown %lld ms after its response", sinceResponse.elapsed());
    const QModelIndex row = violations->index(0, 0);
    const auto roles = violations->roleNames();
    auto role = [&](const QByteArray &name) {
        return roles.key(name);
    };
    QCOMPARE(row.data(role("worker")).toString(), QStringLiteral("cpu-burner"));
    QCOMPARE(row.data(role("kind")).toString(), QStringLiteral("cpu_limit_exceeded"));
    QCOMPARE(row.data(role("plan")).toString(), QStringLiteral("free"));
    QCOMPARE(row.data(role("limit")).toString(), QStringLiteral("10 ms CPU"));

    // The dispatcher's data point is queryable through the SQL box.
    m_demo.app().stack()->service().flushAppends();
    QVariant error;
    QVERIFY(QMetaObject::invokeMethod(analytics, "runQuery", Q_RETURN_ARG(QVariant, error)));
    QCOMPARE(error.toString(), QString());
    auto *query = qvariant_cast<QAbstractItemModel *>(analytics->property("query"));
    QVERIFY(query && query->rowCount() >= 1);
}

void tst_Views::invalidRouteIsRefusedInPlace()
{
    show(3);
    QQuickItem *routing = view("routingView");
    auto *route = routing->findChild<QQuickItem *>(QStringLiteral("routeField"));
    auto *worker = routing->findChild<QQuickItem *>(QStringLiteral("workerField"));
    route->setProperty("text", QStringLiteral("ghost.localhost"));
    worker->setProperty("editText", QStringLiteral("ghost"));
    QVariant refused;
    QVERIFY(QMetaObject::invokeMethod(routing, "submitRoute", Q_RETURN_ARG(QVariant, refused)));
    QVERIFY(refused.toString().contains(QStringLiteral("no Worker ghost")));
    auto *error = routing->findChild<QQuickItem *>(QStringLiteral("routeError"));
    QCOMPARE(error->property("text").toString(), refused.toString());
    QCOMPARE(get("ghost.localhost").status, 404);
}

void tst_Views::overviewShowsInstances()
{
    show(0);
    QQuickItem *overview = view("overviewView");
    QVERIFY(overview);
    QTRY_VERIFY(overview->isVisible());
    auto *live = overview->findChild<QQuickItem *>(QStringLiteral("liveInstancesTile"));
    auto *memory = overview->findChild<QQuickItem *>(QStringLiteral("instanceMemoryTile"));
    auto *evictions = overview->findChild<QQuickItem *>(QStringLiteral("evictionsTile"));
    QVERIFY(live && memory && evictions);
    QVERIFY(live->isVisible() && memory->isVisible() && evictions->isVisible());

    // A request leaves the dispatcher's and the site's Instances alive, and their memory counted;
    // the tiles follow within a sample or two.
    QCOMPARE(get("site.localhost").status, 200);
    QTRY_VERIFY_WITH_TIMEOUT(live->property("value").toString().toInt() >= 2, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(
            memory->property("value").toString().section(u' ', 0, 0).toDouble() > 0, 10000);
    QVERIFY(memory->property("value").toString().endsWith(QStringLiteral(" MiB")));
    const double budgetMiB = double(m_demo.app().stack()->engine().memoryBudgetBytes()) / (1 << 20);
    QVERIFY2(memory->property("heading").toString().contains(QString::number(budgetMiB, 'f', 0)),
             qPrintable(memory->property("heading").toString()));
    bool number = false;
    evictions->property("value").toString().toInt(&number);
    QVERIFY(number);
}

// A click on a column title sorts the table by it (again: the other way round), and dragging the
// title's right edge widens the column, in the violations table and in the SQL results.
void tst_Views::tablesSortAndResizeFromTheirHeaders()
{
    show(5);
    QQuickItem *analytics = view("analyticsView");
    QTRY_VERIFY(analytics->isVisible());
    auto *violations = qvariant_cast<QAbstractItemModel *>(analytics->property("violations"));
    QCOMPARE(get("cpu-burner.localhost").status, 429);
    // fanout calls site.localhost on the port its own request named.
    const QByteArray fanout
            = "fanout.localhost:" + QByteArray::number(m_demo.app().stack()->port());
    // Its first request, which compiles what six fetches use, can pass the free plan's 10 ms on a
    // loaded machine and be counted as a CPU violation: one warm request first.
    QCOMPARE(rawRequest(m_demo.app().stack()->port(), "GET", fanout, "/?n=1").status, 200);
    const testing::RawResponse over
            = rawRequest(m_demo.app().stack()->port(), "GET", fanout, "/?n=6");
    QCOMPARE(over.status, 429);
    QVERIFY2(over.body.startsWith("subrequest_limit_exceeded"), over.body.constData());
    const int kindRole = violations->roleNames().key("kind");
    const auto kinds = [&] {
        QStringList values;
        for (int row = 0; row < violations->rowCount(); ++row)
            values << violations->index(row, 0).data(kindRole).toString();
        return values;
    };
    QTRY_VERIFY2(kinds().contains(QStringLiteral("subrequest_limit_exceeded"))
                         && kinds().contains(QStringLiteral("cpu_limit_exceeded")),
                 qPrintable(kinds().join(u',')));

    QQuickItem *kind = header(analytics, QStringLiteral("kind"));
    QVERIFY(kind);
    const QPoint centre = inWindow(kind, {kind->width() / 3, kind->height() / 2});
    QTest::mouseClick(m_window, Qt::LeftButton, {}, centre);
    QTRY_COMPARE(violations->property("sortRoleName").toString(), QStringLiteral("kind"));
    QStringList sorted = kinds();
    std::sort(sorted.begin(), sorted.end());
    QCOMPARE(kinds(), sorted);
    QVERIFY(sorted.first() != sorted.last());
    QTest::mouseClick(m_window, Qt::LeftButton, {}, centre);
    QTRY_VERIFY(violations->property("descending").toBool());
    std::reverse(sorted.begin(), sorted.end());
    QCOMPARE(kinds(), sorted);

    const qreal before = kind->width();
    const QPoint edge = inWindow(kind, {kind->width() - 3, kind->height() / 2});
    QTest::mousePress(m_window, Qt::LeftButton, {}, edge);
    for (int dx = 10; dx <= 60; dx += 10)
        QTest::mouseMove(m_window, edge + QPoint(dx, 0));
    QTest::mouseRelease(m_window, Qt::LeftButton, {}, edge + QPoint(60, 0));
    QTRY_VERIFY2(kind->width() > before + 40,
                 qPrintable(QStringLiteral("%1 -> %2").arg(before).arg(kind->width())));
    QVERIFY2(violations->property("descending").toBool(), "a drag on the edge is not a click");

    m_demo.app().stack()->service().flushAppends();
    QVariant error;
    QVERIFY(QMetaObject::invokeMethod(analytics, "runQuery", Q_RETURN_ARG(QVariant, error)));
    QCOMPARE(error.toString(), QString());
    auto *query = qvariant_cast<QAbstractItemModel *>(analytics->property("query"));
    QTRY_VERIFY(query->rowCount() > 0);
    QTRY_VERIFY(header(analytics, QStringLiteral("worker")));
    QQuickItem *worker = header(analytics, QStringLiteral("worker"));
    QTest::mouseClick(m_window, Qt::LeftButton, {},
                      inWindow(worker, {worker->width() / 3, worker->height() / 2}));
    QTRY_COMPARE(query->property("sortColumn").toInt(), 0);
    QStringList workers;
    for (int row = 0; row < query->rowCount(); ++row)
        workers << query->index(row, 0).data(query->roleNames().key("cells")).toStringList().at(0);
    QStringList expected = workers;
    std::sort(expected.begin(), expected.end(), [](const QString &a, const QString &b) {
        return a.compare(b, Qt::CaseInsensitive) < 0;
    });
    QCOMPARE(workers, expected);
}

// Hovering a chart names the value under the pointer and how long ago it was; the newest is at
// the right edge.
void tst_Views::chartsShowTheValueUnderThePointer()
{
    show(0);
    QQuickItem *overview = view("overviewView");
    QTRY_VERIFY(overview->isVisible());
    auto *chart = overview->findChild<QQuickItem *>(QStringLiteral("requestChart"));
    QVERIFY(chart);
    for (int i = 0; i < 3; ++i)
        QCOMPARE(get("site.localhost").status, 200);
    QTRY_VERIFY(chart->property("values").toList().size() > 1);
    QCOMPARE(chart->property("hoveredText").toString(), QString());

    QTest::mouseMove(m_window, inWindow(chart, {chart->width() - 1, chart->height() / 2}));
    QTRY_VERIFY2(chart->property("hoveredText").toString().endsWith(QStringLiteral("req/s, now")),
                 qPrintable(chart->property("hoveredText").toString()));
    QTest::mouseMove(m_window, inWindow(chart, {1, chart->height() / 2}));
    QTRY_VERIFY2(chart->property("hoveredText").toString().endsWith(QStringLiteral(" s ago")),
                 qPrintable(chart->property("hoveredText").toString()));
    QCOMPARE(chart->property("hoveredIndex").toInt(), 0);
    QTest::mouseMove(m_window, QPoint(1, 1));
    QTRY_COMPARE(chart->property("hoveredIndex").toInt(), -1);
}

// The sidebar's theme picker forces dark or light over the system's; the window's colours follow
// at once, and the choice is kept for the next start.
void tst_Views::themeIsForcedFromTheSidebar()
{
    auto *picker = m_window->findChild<QQuickItem *>(QStringLiteral("themePicker"));
    QVERIFY(picker);
    const auto lightness = [this] {
        return m_window->color().lightnessF();
    };
    QCOMPARE(picker->property("currentValue").toString(), QStringLiteral("system"));
    const qreal system = lightness();

    picker->forceActiveFocus();
    QTest::keyClick(m_window, Qt::Key_Down);
    QTest::keyClick(m_window, Qt::Key_Down);
    QTRY_COMPARE(picker->property("currentValue").toString(), QStringLiteral("dark"));
    QTRY_VERIFY2(lightness() < 0.5, qPrintable(QString::number(lightness())));
    const QString settings = QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation)
            + QStringLiteral("/switchyard.conf");
    QCOMPARE(QSettings(settings, QSettings::IniFormat)
                     .value(QStringLiteral("appearance/theme"))
                     .toString(),
             QStringLiteral("dark"));

    QTest::keyClick(m_window, Qt::Key_Up);
    QTRY_VERIFY(lightness() > 0.5);
    QTest::keyClick(m_window, Qt::Key_Up);
    QTRY_COMPARE(picker->property("currentValue").toString(), QStringLiteral("system"));
    QTRY_COMPARE(lightness(), system);
}

// The Versions view over the running dispatcher: two versions uploaded, their diff shown with
// its added and removed lines, another pair picked from the keyboard, then a click on a
// version's Deploy and on Roll back, each checked by the next response of the dispatch listener.
void tst_Views::versionsViewDiffsAndDeploys()
{
    platform::PlatformService &service = m_demo.app().stack()->service();
    const auto answering = [](const QByteArray &label) {
        store::WorkerCode code;
        code.modules
                = {{QStringLiteral("index.js"), QStringLiteral("application/javascript+module"),
                    "export default {\n  fetch() {\n    return new Response('" + label
                            + "');\n  }\n};\n"}};
        code.mainModule = QStringLiteral("index.js");
        return code;
    };
    const testing::RawResponse seeded = get("localhost");
    QCOMPARE(seeded.status, 200);
    platform::WorkerChangeMeta meta;
    meta.annotations.insert(QStringLiteral("workers/message"), QStringLiteral("gui two"));
    const auto two = service.addPlatformWorkerVersion(QStringLiteral("dispatcher"),
                                                      answering("gui-two"), meta);
    QVERIFY2(two, qPrintable(two.errorMessage()));
    meta.annotations.insert(QStringLiteral("workers/message"), QStringLiteral("gui three"));
    const auto three = service.addPlatformWorkerVersion(QStringLiteral("dispatcher"),
                                                        answering("gui-three"), meta);
    QVERIFY2(three, qPrintable(three.errorMessage()));

    show(8);
    QQuickItem *versions = view("versionsView");
    QVERIFY(versions);
    QTRY_VERIFY(versions->isVisible());
    QVERIFY(QQuickTest::qWaitForPolish(m_window));
    auto *list = qvariant_cast<QAbstractItemModel *>(versions->property("versions"));
    auto *diff = qvariant_cast<QAbstractItemModel *>(versions->property("diff"));
    QVERIFY(list && diff);
    QCOMPARE(list->property("workerName").toString(), QStringLiteral("dispatcher"));
    QTRY_COMPARE(list->rowCount(), 3);
    auto *serving = versions->findChild<QQuickItem *>(QStringLiteral("servingLabel"));
    QCOMPARE(serving->property("text").toString(), QStringLiteral("Serving: #1 at 100 %"));

    // Shown at once: the newest against the one before it, one line each way.
    QCOMPARE(diff->property("fromVersion").toString(), two.value()->id);
    QCOMPARE(diff->property("toVersion").toString(), three.value()->id);
    const int kind = diff->roleNames().key("kind"), text = diff->roleNames().key("text");
    const auto lines = [&](const QString &which) {
        QStringList found;
        for (int row = 0; row < diff->rowCount(); ++row)
            if (diff->index(row, 0).data(kind).toString() == which)
                found << diff->index(row, 0).data(text).toString();
        return found;
    };
    QCOMPARE(lines(QStringLiteral("removed")),
             QStringList {QStringLiteral("    return new Response('gui-two');")});
    QCOMPARE(lines(QStringLiteral("added")),
             QStringList {QStringLiteral("    return new Response('gui-three');")});
    auto *added = versions->findChild<QQuickItem *>(QStringLiteral("addedLabel"));
    auto *removed = versions->findChild<QQuickItem *>(QStringLiteral("removedLabel"));
    QCOMPARE(added->property("text").toString(), QStringLiteral("+1"));
    QCOMPARE(removed->property("text").toString(), QStringLiteral("−1"));
    auto *diffList = versions->findChild<QQuickItem *>(QStringLiteral("diffList"));
    QTRY_VERIFY(diffList->property("count").toInt() == diff->rowCount());

    // Another pair from the keyboard: the seeded dispatcher against #3.
    auto *from = versions->findChild<QQuickItem *>(QStringLiteral("diffFromPicker"));
    from->forceActiveFocus();
    QTest::keyClick(m_window, Qt::Key_Down);
    QTRY_COMPARE(from->property("currentIndex").toInt(), 2);
    QTRY_VERIFY(diff->property("fromVersion").toString() != two.value()->id);
    QVERIFY(lines(QStringLiteral("removed")).size() > 10); // the demo dispatcher's code
    QVERIFY(lines(QStringLiteral("removed")).join(u'\n').contains(QStringLiteral("USER_ROUTING")));
    QCOMPARE(removed->property("text").toString(),
             QStringLiteral("−%1").arg(diff->property("removed").toInt()));

    // A click on #2's Deploy: the next response is #2's.
    QQuickItem *deploy
            = item(versions, QStringLiteral("deployVersionButton"), "versionId", two.value()->id);
    QVERIFY(deploy);
    QTest::mouseClick(m_window, Qt::LeftButton, {}, centre(deploy));
    QTRY_COMPARE(get("localhost").body, QByteArray("gui-two"));
    QCOMPARE(serving->property("text").toString(), QStringLiteral("Serving: #2 at 100 %"));
    auto *note = versions->findChild<QQuickItem *>(QStringLiteral("deployNote"));
    QVERIFY(note->property("text").toString().contains(QStringLiteral("#2")));
    QCOMPARE(versions->findChild<QQuickItem *>(QStringLiteral("deployError"))
                     ->property("text")
                     .toString(),
             QString());

    // Roll back: the seeded dispatcher answers again, exactly as before.
    auto *rollback = versions->findChild<QQuickItem *>(QStringLiteral("rollbackButton"));
    QVERIFY(rollback->property("enabled").toBool());
    QTest::mouseClick(m_window, Qt::LeftButton, {}, centre(rollback));
    QTRY_COMPARE(serving->property("text").toString(), QStringLiteral("Serving: #1 at 100 %"));
    const testing::RawResponse back = get("localhost");
    QCOMPARE(back.status, seeded.status);
    QCOMPARE(back.body, seeded.body);
}

// The routes, plans, customers and Workers tables sort by a click on a column title (again: the
// other way round; numbers as numbers), and the route and plan columns resize from their edge.
void tst_Views::routesPlansAndWorkersSortFromTheirHeaders()
{
    const auto column = [](QAbstractItemModel *model, const QByteArray &role) {
        QStringList values;
        for (int row = 0; row < model->rowCount(); ++row)
            values << model->index(row, 0).data(model->roleNames().key(role)).toString();
        return values;
    };
    const auto click = [this](QQuickItem *title) {
        QTest::mouseClick(m_window, Qt::LeftButton, {},
                          inWindow(title, {title->width() / 3, title->height() / 2}));
    };

    show(3);
    QQuickItem *routing = view("routingView");
    QTRY_VERIFY(routing->isVisible());
    QVERIFY(QQuickTest::qWaitForPolish(m_window));
    auto *routes = qvariant_cast<QAbstractItemModel *>(routing->property("sortedRoutes"));
    QVERIFY(routes);
    QTRY_VERIFY(header(routing, QStringLiteral("Worker")));
    click(header(routing, QStringLiteral("Worker")));
    QTRY_COMPARE(routes->property("sortRoleName").toString(), QStringLiteral("value"));
    QStringList workers = column(routes, "value");
    QStringList expected = workers;
    std::sort(expected.begin(), expected.end());
    QCOMPARE(workers, expected);
    QVERIFY(expected.first() != expected.last());
    click(header(routing, QStringLiteral("Worker")));
    QTRY_VERIFY(routes->property("descending").toBool());
    std::reverse(expected.begin(), expected.end());
    QCOMPARE(column(routes, "value"), expected);
    QQuickItem *route = header(routing, QStringLiteral("route"));
    const qreal before = route->width();
    const QPoint edge = inWindow(route, {route->width() - 3, route->height() / 2});
    QTest::mousePress(m_window, Qt::LeftButton, {}, edge);
    for (int dx = -10; dx >= -60; dx -= 10)
        QTest::mouseMove(m_window, edge + QPoint(dx, 0));
    QTest::mouseRelease(m_window, Qt::LeftButton, {}, edge + QPoint(-60, 0));
    QTRY_VERIFY2(route->width() < before - 40,
                 qPrintable(QStringLiteral("%1 -> %2").arg(before).arg(route->width())));

    show(4);
    QQuickItem *plansView = view("plansView");
    QTRY_VERIFY(plansView->isVisible());
    QVERIFY(QQuickTest::qWaitForPolish(m_window));
    auto *plans = qvariant_cast<QAbstractItemModel *>(plansView->property("sortedPlans"));
    QTRY_VERIFY(header(plansView, QStringLiteral("CPU ms")));
    click(header(plansView, QStringLiteral("CPU ms")));
    QTRY_COMPARE(plans->property("sortRoleName").toString(), QStringLiteral("cpuMs"));
    QList<int> cpu;
    for (const QString &value : column(plans, "cpuMs"))
        cpu << value.toInt();
    QVERIFY(cpu.size() >= 3);
    QVERIFY(std::is_sorted(cpu.begin(), cpu.end()));
    QVERIFY(cpu.first() < cpu.last());
    auto *customers = qvariant_cast<QAbstractItemModel *>(plansView->property("sortedCustomers"));
    click(header(plansView, QStringLiteral("customer")));
    QTRY_COMPARE(customers->property("sortRoleName").toString(), QStringLiteral("key"));
    QStringList names = column(customers, "key");
    expected = names;
    std::sort(expected.begin(), expected.end());
    QCOMPARE(names, expected);

    show(1);
    QQuickItem *namespaces = view("namespacesView");
    QTRY_VERIFY(namespaces->isVisible());
    // Laid out before a click: a view shown for the first time has its rows placed at its polish.
    QVERIFY(QQuickTest::qWaitForPolish(m_window));
    auto *sortedWorkers
            = qvariant_cast<QAbstractItemModel *>(namespaces->property("sortedWorkers"));
    QTRY_VERIFY(header(namespaces, QStringLiteral("Worker")));
    click(header(namespaces, QStringLiteral("Worker")));
    QTRY_COMPARE(sortedWorkers->property("sortRoleName").toString(), QStringLiteral("name"));
    click(header(namespaces, QStringLiteral("Worker")));
    QTRY_VERIFY(sortedWorkers->property("descending").toBool());
    names = column(sortedWorkers, "name");
    expected = names;
    std::sort(expected.begin(), expected.end(), std::greater<>());
    QCOMPARE(names, expected);
    QVERIFY(names.size() >= 3);
}

// Deleting a Worker takes effect at once and offers it back in a banner: Undo restores it (the
// next request runs it again); left alone, the banner goes by itself.
void tst_Views::workerDeleteIsUndoneFromTheBanner()
{
    show(1);
    QQuickItem *namespaces = view("namespacesView");
    QTRY_VERIFY(namespaces->isVisible());
    QVERIFY(QQuickTest::qWaitForPolish(m_window));
    const testing::RawResponse before = get("thrower.localhost");
    QVERIFY(before.status != 404);
    QVERIFY(QMetaObject::invokeMethod(namespaces, "openWorker",
                                      Q_ARG(QVariant, QStringLiteral("thrower"))));
    QCOMPARE(namespaces->property("currentWorker").toString(), QStringLiteral("thrower"));
    auto *remove = namespaces->findChild<QQuickItem *>(QStringLiteral("deleteWorkerButton"));
    QVERIFY(remove);
    QTest::mouseClick(m_window, Qt::LeftButton, {}, centre(remove));
    QTRY_VERIFY(!m_demo.app().stack()->service().script(QStringLiteral("production"),
                                                        QStringLiteral("thrower")));
    QVERIFY(get("thrower.localhost").status != before.status);
    auto *banner = namespaces->findChild<QQuickItem *>(QStringLiteral("undoBanner"));
    QTRY_VERIFY(banner->isVisible());
    QVERIFY(banner->property("message").toString().contains(QStringLiteral("thrower")));
    QQuickItem *undo = nullptr;
    QTRY_VERIFY((undo = named(banner, QStringLiteral("undoButton"))) && undo->width() > 0);
    click(undo);
    QTRY_VERIFY(!banner->isVisible());
    const testing::RawResponse after = get("thrower.localhost");
    QCOMPARE(after.status, before.status);
    QCOMPARE(after.body, before.body);
    QCOMPARE(m_demo.app()
                     .stack()
                     ->service()
                     .script(QStringLiteral("production"), QStringLiteral("thrower"))
                     ->tags,
             (QStringList {QStringLiteral("customer:hooli"), QStringLiteral("plan:pro")}));

    // Not undone: the banner times out by itself (shortened here from its ten seconds).
    auto *timer = qvariant_cast<QObject *>(banner->property("timer"));
    QVERIFY(timer);
    timer->setProperty("interval", 200);
    QVERIFY(QMetaObject::invokeMethod(namespaces, "openWorker",
                                      Q_ARG(QVariant, QStringLiteral("thrower"))));
    QTest::mouseClick(m_window, Qt::LeftButton, {}, centre(remove));
    QTRY_VERIFY(banner->isVisible());
    QTRY_VERIFY(!banner->isVisible());
    QVERIFY(!m_demo.app().stack()->service().script(QStringLiteral("production"),
                                                    QStringLiteral("thrower")));
    QCOMPARE(get("thrower.localhost").status, 404);
}

// Deleting a namespace asks nothing and takes effect at once; Undo from the banner puts it back
// with every Worker, and they answer as before.
void tst_Views::namespaceDeleteIsUndoneFromTheBanner()
{
    auto &service = m_demo.app().stack()->service();
    show(1);
    QQuickItem *namespaces = view("namespacesView");
    QTRY_VERIFY(namespaces->isVisible());
    QVERIFY(QQuickTest::qWaitForPolish(m_window));
    QTRY_COMPARE(namespaces->property("currentNamespace").toString(), QStringLiteral("production"));
    QTRY_VERIFY(!namespaces->property("dirty").toBool());
    const QList<QByteArray> hosts {"localhost", "api.localhost", "json-api.localhost"};
    QHash<QByteArray, testing::RawResponse> before;
    for (const QByteArray &host : hosts)
        before.insert(host, get(host));
    QCOMPARE(before.value("localhost").status, 200);
    const qsizetype workers = service.listScripts(QStringLiteral("production")).value().size();
    QVERIFY(workers >= 3);

    auto *remove = namespaces->findChild<QQuickItem *>(QStringLiteral("deleteNamespaceButton"));
    QVERIFY(remove);
    click(remove);
    QTRY_VERIFY(service.namespaces().isEmpty());
    QVERIFY(get("localhost").status != 200);
    auto *banner = namespaces->findChild<QQuickItem *>(QStringLiteral("undoBanner"));
    QTRY_VERIFY(banner->isVisible());
    QVERIFY2(banner->property("message").toString().contains(QStringLiteral("production")),
             qPrintable(banner->property("message").toString()));
    QQuickItem *undo = nullptr;
    QTRY_VERIFY((undo = named(banner, QStringLiteral("undoButton"))) && undo->width() > 0);
    click(undo);
    QTRY_VERIFY(!banner->isVisible());
    QCOMPARE(service.namespaces().size(), 1);
    QCOMPARE(service.listScripts(QStringLiteral("production")).value().size(), workers);
    for (const QByteArray &host : hosts) {
        const testing::RawResponse after = get(host);
        QCOMPARE(after.status, before.value(host).status);
        QCOMPARE(after.body, before.value(host).body);
    }
    // The view shows the namespace again, with its Workers.
    auto *list = namespaces->findChild<QQuickItem *>(QStringLiteral("namespaceList"));
    QTRY_COMPARE(list->property("count").toInt(), 1);
    QTRY_COMPARE(namespaces->property("currentNamespace").toString(), QStringLiteral("production"));
    auto *sorted = qvariant_cast<QAbstractItemModel *>(namespaces->property("sortedWorkers"));
    QTRY_COMPARE(qsizetype(sorted->rowCount()), workers);
}

// One banner, one Undo: a second delete while it shows takes it over, and Undo brings back
// that newest delete (a custom hostname with its metadata); the older one (a route) stays
// deleted.
void tst_Views::newestDeleteTakesTheBannerOver()
{
    auto &service = m_demo.app().stack()->service();
    QVERIFY(service.putCustomHostname(QStringLiteral("shop.example.com"),
                                      R"({"customer":"acme"})"));
    show(3);
    QQuickItem *routing = view("routingView");
    QTRY_VERIFY(routing->isVisible());
    QVERIFY(QQuickTest::qWaitForPolish(m_window));
    const QString routes = QStringLiteral("USER_ROUTING");
    const QString routesId = service.kvNamespaceByTitle(routes)->id;
    QVERIFY(service.kvGet(routesId, QStringLiteral("api.localhost")));

    QQuickItem *row = nullptr;
    QTRY_VERIFY((row = item(routing, QString(), "key", QStringLiteral("api.localhost"))));
    QQuickItem *deleteRoute = named(row, QStringLiteral("deleteRouteButton"));
    QVERIFY(deleteRoute);
    click(deleteRoute);
    QTRY_VERIFY(!service.kvGet(routesId, QStringLiteral("api.localhost")));
    auto *banner = routing->findChild<QQuickItem *>(QStringLiteral("undoBanner"));
    QTRY_VERIFY(banner->isVisible());
    QVERIFY(banner->property("message").toString().contains(QStringLiteral("api.localhost")));

    auto *hostField = routing->findChild<QQuickItem *>(QStringLiteral("hostField"));
    hostField->setProperty("text", QStringLiteral("shop.example.com"));
    auto *deleteHost = routing->findChild<QQuickItem *>(QStringLiteral("deleteHostnameButton"));
    QTRY_VERIFY(deleteHost->isEnabled());
    QVERIFY(QQuickTest::qWaitForPolish(m_window)); // the banner moved the view down
    click(deleteHost);
    QTRY_VERIFY(!service.customHostname(QStringLiteral("shop.example.com")));
    QTRY_VERIFY(
            banner->property("message").toString().contains(QStringLiteral("shop.example.com")));

    QVERIFY(QQuickTest::qWaitForPolish(m_window));
    click(named(banner, QStringLiteral("undoButton")));
    QTRY_VERIFY(!banner->isVisible());
    QTRY_VERIFY(service.customHostname(QStringLiteral("shop.example.com")));
    QCOMPARE(service.customHostname(QStringLiteral("shop.example.com"))
                     ->metadata.value(u"customer")
                     .toString(),
             QStringLiteral("acme"));
    QVERIFY(!service.kvGet(routesId, QStringLiteral("api.localhost")));

    // Left as the demo had it for the tests after this one.
    QVERIFY(service.kvPut(routesId, QStringLiteral("api.localhost"), "json-api"));
    QVERIFY(service.deleteCustomHostname(QStringLiteral("shop.example.com")));
}

// The Namespaces view charts the Worker in its editor and the Dispatcher view the dispatcher,
// from the live traces, each naming the value under the pointer.
void tst_Views::workerChartsFollowTheChosenWorker()
{
    auto &service = m_demo.app().stack()->service();
    // What the chart should count: the chosen Worker's stored traces within its window.
    const auto stored = [&](QObject *activity) {
        auto *rows = qobject_cast<QAbstractItemModel *>(activity);
        const qint64 since = rows->index(0, 0)
                                     .data(rows->roleNames().key("start"))
                                     .toDateTime()
                                     .toMSecsSinceEpoch();
        const auto traces
                = service.storedTraces(activity->property("namespaceName").toString(),
                                       activity->property("workerName").toString(), since, 1000000);
        return traces ? int(traces.value().size()) : -1;
    };

    show(1);
    QQuickItem *namespaces = view("namespacesView");
    QTRY_VERIFY(namespaces->isVisible());
    QVERIFY(QQuickTest::qWaitForPolish(m_window));
    auto *charts = qvariant_cast<QQuickItem *>(namespaces->property("charts"));
    QVERIFY(charts);
    auto *activity = qvariant_cast<QObject *>(charts->property("activity"));
    QVERIFY(activity);
    QVERIFY(QMetaObject::invokeMethod(namespaces, "openWorker",
                                      Q_ARG(QVariant, QStringLiteral("json-api"))));
    QCOMPARE(activity->property("workerName").toString(), QStringLiteral("json-api"));
    QCOMPARE(activity->property("namespaceName").toString(), QStringLiteral("production"));
    for (int i = 0; i < 3; ++i)
        QCOMPARE(get("api.localhost").status, 200);
    QCOMPARE(get("localhost").status, 200); // the site's: not counted here
    QTRY_VERIFY_WITH_TIMEOUT(activity->property("requests").toInt() >= 3, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(activity->property("requests").toInt(), stored(activity), 10000);
    QVERIFY(activity->property("requestSeries").toList().size() == 60);

    QVERIFY(QMetaObject::invokeMethod(namespaces, "openWorker",
                                      Q_ARG(QVariant, QStringLiteral("site"))));
    QCOMPARE(activity->property("workerName").toString(), QStringLiteral("site"));
    QTRY_VERIFY_WITH_TIMEOUT(activity->property("requests").toInt() >= 1, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(activity->property("requests").toInt(), stored(activity), 10000);

    QVERIFY(QQuickTest::qWaitForPolish(m_window));
    QQuickItem *requests = named(charts, QStringLiteral("workerRequestChart"));
    QVERIFY(requests);
    auto *line = qvariant_cast<QQuickItem *>(requests->property("chart"));
    QVERIFY(line);
    QTRY_VERIFY(line->width() > 20);
    QTest::mouseMove(m_window, inWindow(line, {line->width() - 1, line->height() / 2}));
    QTRY_VERIFY2(line->property("hoveredText").toString().endsWith(QStringLiteral("requests, now")),
                 qPrintable(line->property("hoveredText").toString()));
    QTest::mouseMove(m_window, QPoint(1, 1));
    QTRY_COMPARE(line->property("hoveredIndex").toInt(), -1);

    // The dispatcher's charts count every request it took.
    show(2);
    QQuickItem *dispatcher = view("dispatcherView");
    QTRY_VERIFY(dispatcher->isVisible());
    auto *dispatcherCharts = qvariant_cast<QQuickItem *>(dispatcher->property("charts"));
    QVERIFY(dispatcherCharts);
    auto *dispatched = qvariant_cast<QObject *>(dispatcherCharts->property("activity"));
    QCOMPARE(dispatched->property("workerName").toString(), QStringLiteral("dispatcher"));
    QCOMPARE(dispatched->property("namespaceName").toString(), QString());
    QCOMPARE(get("localhost").status, 200);
    QTRY_VERIFY_WITH_TIMEOUT(dispatched->property("requests").toInt() >= 5, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(dispatched->property("requests").toInt(), stored(dispatched), 10000);
}

QTEST_MAIN(tst_Views)
#include "tst_views.moc"
