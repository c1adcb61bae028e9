// Edits made in the real window as a user makes them, checked where they take effect (the
// dispatch listener over loopback, the platform's store): mistakes that used to look like success
// (a host typed with capitals, a Worker with no fetch handler, a Playground URL without the
// listener's port, a custom hostname with no route) are normalised, refused or said; Ctrl+S saves;
// unsaved code is not dropped without asking; Revert and a namespace delete leave no stale error
// or Worker behind.
#include "../common/demowindow.h"
#include "../common/rawhttp.h"
#include "runtimestack.h"

#include "platform/platformservice.h"

#include <QAbstractItemModel>
#include <QFile>
#include <QQuickItem>
#include <QQuickWindow>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace switchyard;
using namespace switchyard::app;
using switchyard::testing::rawRequest;

class tst_Editing : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void routeHostIsStoredLowercase();
    void storedRouteWithCapitalsIsFlagged();
    void customHostnameIsLowercasedAndItsRouteSaid();
    void workerWithoutHandlersIsRefused();
    void workerWithoutFetchIsWarned();
    void ctrlSSavesTheWorker();
    void unsavedEditsAskBeforeSwitching();
    void revertClearsTheDispatcherError();
    void deletedNamespaceLeavesNoWorkerInTheEditor();
    void playgroundDefaultUrlReachesTheListener();
    void editorFollowsTheCursor();
    void keyboardSwitchesViews();
    void tabLeavesTheMetadataBox();
    void loadFileOpensADialog();
    void quittingAsksAboutUnsavedCode();
    // Last: it closes the window.
    void quittingWithNothingUnsavedCloses();

private:
    QQuickItem *view(const char *objectName) const { return m_demo.view(objectName); }
    QQuickItem *child(QQuickItem *parent, const char *objectName) const
    {
        auto *item = parent->findChild<QQuickItem *>(QLatin1String(objectName));
        if (!item)
            qWarning("no %s", objectName);
        return item;
    }
    void show(int index) { m_demo.show(index); }
    // A visible button with this text anywhere in the window (dialog buttons live in the overlay).
    QQuickItem *visibleButton(const QString &text) const
    {
        QList<QQuickItem *> pending {m_window->contentItem()};
        while (!pending.isEmpty()) {
            QQuickItem *item = pending.takeFirst();
            if (!item->isVisible())
                continue;
            if (item->inherits("QQuickAbstractButton") && item->property("text").toString() == text)
                return item;
            pending << item->childItems();
        }
        return nullptr;
    }
    void click(QQuickItem *item)
    {
        QVERIFY(item);
        const QPointF centre = item->mapToScene(QPointF(item->width() / 2, item->height() / 2));
        QTest::mouseClick(m_window, Qt::LeftButton, {}, centre.toPoint());
    }
    testing::RawResponse get(const QByteArray &host, const QByteArray &path = "/")
    {
        return rawRequest(m_demo.app().stack()->port(), "GET", host, path);
    }
    QVariant call(QObject *target, const char *method, const QVariant &arg = {})
    {
        QVariant result;
        const bool ok = arg.isValid()
                ? QMetaObject::invokeMethod(target, method, Q_RETURN_ARG(QVariant, result),
                                            Q_ARG(QVariant, arg))
                : QMetaObject::invokeMethod(target, method, Q_RETURN_ARG(QVariant, result));
        if (!ok)
            qWarning("cannot call %s", method);
        return result;
    }
    platform::PlatformService &service() { return m_demo.app().stack()->service(); }

    testing::DemoWindow m_demo;
    QQuickWindow *m_window = nullptr;
};

void tst_Editing::initTestCase()
{
    const QString error = m_demo.start(true);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    m_window = m_demo.window();
}

void tst_Editing::cleanupTestCase()
{
    m_demo.stop();
}

void tst_Editing::routeHostIsStoredLowercase()
{
    show(3);
    QQuickItem *routing = view("routingView");
    auto *route = child(routing, "routeField");
    auto *worker = child(routing, "workerField");
    QVERIFY(route && worker);
    route->setProperty("text", QStringLiteral("Shop.Localhost"));
    worker->setProperty("editText", QStringLiteral("site"));
    // Said before saving, so the stored form is no surprise.
    QTRY_VERIFY(child(routing, "routeCaseNote")
                        ->property("text")
                        .toString()
                        .contains(QStringLiteral("shop.localhost")));
    QCOMPARE(call(routing, "submitRoute").toString(), QString());

    auto *routes = qvariant_cast<QAbstractItemModel *>(routing->property("routes"));
    QStringList keys;
    for (int i = 0; i < routes->rowCount(); ++i)
        keys << routes->index(i, 0).data(routes->roleNames().key("key")).toString();
    QVERIFY2(keys.contains(QStringLiteral("shop.localhost")), qPrintable(keys.join(u',')));
    QVERIFY(!keys.contains(QStringLiteral("Shop.Localhost")));

    // Whatever case a client sends, the listener hands the dispatcher a lowercase host and the
    // route matches.
    for (const QByteArray host : {"Shop.Localhost", "SHOP.LOCALHOST", "shop.localhost"}) {
        const auto response = get(host);
        QCOMPARE(response.status, 200);
        QVERIFY(response.body.contains("Acme Rockets"));
    }
    QCOMPARE(call(routing, "deleteRoute", QStringLiteral("shop.localhost")).toString(), QString());
    QCOMPARE(get("Shop.Localhost").status, 404);
}

void tst_Editing::storedRouteWithCapitalsIsFlagged()
{
    // Written past the GUI (the admin API stores keys as given): the table says it cannot match.
    const QString id = service().kvNamespaceByTitle(QStringLiteral("USER_ROUTING"))->id;
    QVERIFY(service().kvPut(id, QStringLiteral("Blog.Localhost"), "site"));
    show(3);
    auto *routes = qvariant_cast<QAbstractItemModel *>(view("routingView")->property("routes"));
    const auto roles = routes->roleNames();
    QString problem;
    QTRY_VERIFY([&] {
        for (int i = 0; i < routes->rowCount(); ++i)
            if (routes->index(i, 0).data(roles.key("key")).toString() == "Blog.Localhost")
                problem = routes->index(i, 0).data(roles.key("problem")).toString();
        return !problem.isEmpty();
    }());
    QVERIFY2(problem.contains(QStringLiteral("never matches")), qPrintable(problem));
    QCOMPARE(get("blog.localhost").status, 404);
    QVERIFY(service().kvDelete(id, QStringLiteral("Blog.Localhost")));
}

void tst_Editing::customHostnameIsLowercasedAndItsRouteSaid()
{
    show(3);
    QQuickItem *routing = view("routingView");
    auto *host = child(routing, "hostField");
    auto *metadata = child(routing, "metadataArea");
    host->setProperty("text", QStringLiteral("Shop.Example.COM"));
    metadata->setProperty("text", QStringLiteral("{\"customer\": \"acme\"}"));
    // Before any route exists the view says the hostname alone routes nothing.
    auto *note = child(routing, "hostnameRouteNote");
    QTRY_VERIFY(note->property("text").toString().contains(QStringLiteral("no route")));
    QCOMPARE(call(routing, "submitHostname").toString(), QString());
    QVERIFY(service().snapshot()->customHostname(QStringLiteral("shop.example.com")));
    QCOMPARE(host->property("text").toString(), QStringLiteral("shop.example.com"));

    auto *route = child(routing, "routeField");
    route->setProperty("text", QStringLiteral("shop.example.com"));
    child(routing, "workerField")->setProperty("editText", QStringLiteral("site"));
    QCOMPARE(call(routing, "submitRoute").toString(), QString());
    QTRY_VERIFY(
            note->property("text").toString().contains(QStringLiteral("go to the Worker site")));
    QCOMPARE(get("Shop.Example.com").status, 200);
    QCOMPARE(call(routing, "deleteRoute", QStringLiteral("shop.example.com")).toString(),
             QString());
}

void tst_Editing::workerWithoutHandlersIsRefused()
{
    show(1);
    QQuickItem *ns = view("namespacesView");
    QVERIFY(QMetaObject::invokeMethod(ns, "newWorker",
                                      Q_ARG(QVariant, QStringLiteral("const x = 1;\n")),
                                      Q_ARG(QVariant, QStringLiteral("idle"))));
    const QString refused = call(ns, "save").toString();
    QCOMPARE(refused,
             QStringLiteral("The uploaded script has no registered event handlers. [code: 10068]"));
    QCOMPARE(child(ns, "saveError")->property("text").toString(), refused);
    QVERIFY(!service().script(QStringLiteral("production"), QStringLiteral("idle")));
    QCOMPARE(get("idle.localhost").status, 404);
}

void tst_Editing::workerWithoutFetchIsWarned()
{
    show(1);
    QQuickItem *ns = view("namespacesView");
    QVERIFY(QMetaObject::invokeMethod(
            ns, "newWorker",
            Q_ARG(QVariant, QStringLiteral("export default { async scheduled() {} };\n")),
            Q_ARG(QVariant, QStringLiteral("cron-only"))));
    QCOMPARE(call(ns, "save").toString(), QString());
    // Saved (Cloudflare accepts it), but not as "live": the note names the failure to come.
    const QString note = child(ns, "savedNote")->property("text").toString();
    QVERIFY2(note.contains(QStringLiteral("Handler does not export a fetch() function.")),
             qPrintable(note));
    QVERIFY(!note.contains(QStringLiteral("live")));
    QCOMPARE(get("cron-only.localhost").status, 500);
    QVERIFY(service().deleteScript(QStringLiteral("production"), QStringLiteral("cron-only")));
}

void tst_Editing::ctrlSSavesTheWorker()
{
    show(1);
    QQuickItem *ns = view("namespacesView");
    QVERIFY(QMetaObject::invokeMethod(ns, "openWorker", Q_ARG(QVariant, QStringLiteral("site"))));
    auto *editor = qvariant_cast<QQuickItem *>(ns->property("editor"));
    auto *marker = child(ns, "unsavedMarker");
    QVERIFY(editor && marker);
    QCOMPARE(marker->property("text").toString(), QString());
    const QString code = QStringLiteral(
            "export default { fetch() { return new Response('saved with ctrl+s') } };\n");
    editor->setProperty("text", code);
    QTRY_VERIFY(!marker->property("text").toString().isEmpty());

    QTest::keyClick(m_window, Qt::Key_S, Qt::ControlModifier);
    QTRY_COMPARE(marker->property("text").toString(), QString());
    QCOMPARE(child(ns, "saveError")->property("text").toString(), QString());
    const auto response = get("site.localhost");
    QCOMPARE(response.status, 200);
    QCOMPARE(response.body, QByteArray("saved with ctrl+s"));
}

void tst_Editing::unsavedEditsAskBeforeSwitching()
{
    show(1);
    QQuickItem *ns = view("namespacesView");
    QVERIFY(QMetaObject::invokeMethod(ns, "openWorker", Q_ARG(QVariant, QStringLiteral("site"))));
    auto *editor = qvariant_cast<QQuickItem *>(ns->property("editor"));
    auto *dialog = qvariant_cast<QObject *>(ns->property("unsavedDialog"));
    QVERIFY(editor && dialog);
    const QString edited = QStringLiteral(
            "export default { fetch() { return new Response('kept after asking') } };\n");
    editor->setProperty("text", edited);

    // Cancel: nothing changes.
    QVERIFY(QMetaObject::invokeMethod(ns, "requestOpenWorker",
                                      Q_ARG(QVariant, QStringLiteral("json-api"))));
    QTRY_VERIFY(dialog->property("opened").toBool());
    click(visibleButton(QStringLiteral("Cancel")));
    QTRY_VERIFY(!dialog->property("visible").toBool());
    QCOMPARE(ns->property("currentWorker").toString(), QStringLiteral("site"));
    QCOMPARE(editor->property("text").toString(), edited);

    // Save: the edit is stored, then the other Worker opens.
    QVERIFY(QMetaObject::invokeMethod(ns, "requestOpenWorker",
                                      Q_ARG(QVariant, QStringLiteral("json-api"))));
    QTRY_VERIFY(dialog->property("opened").toBool());
    click(visibleButton(QStringLiteral("Save")));
    QTRY_COMPARE(ns->property("currentWorker").toString(), QStringLiteral("json-api"));
    QCOMPARE(get("site.localhost").body, QByteArray("kept after asking"));

    // Discard: the edit is dropped, the other Worker opens.
    editor->setProperty("text", QStringLiteral("export default { fetch() { return 1 } }"));
    QVERIFY(QMetaObject::invokeMethod(ns, "requestOpenWorker",
                                      Q_ARG(QVariant, QStringLiteral("site"))));
    QTRY_VERIFY(dialog->property("opened").toBool());
    click(visibleButton(QStringLiteral("Discard")));
    QTRY_COMPARE(ns->property("currentWorker").toString(), QStringLiteral("site"));
    QCOMPARE(editor->property("text").toString(), edited);
    QVERIFY(service().script(QStringLiteral("production"), QStringLiteral("json-api")));
}

void tst_Editing::revertClearsTheDispatcherError()
{
    show(2);
    QQuickItem *dispatcher = view("dispatcherView");
    auto *editor = qvariant_cast<QQuickItem *>(dispatcher->property("editor"));
    auto *error = child(dispatcher, "dispatcherError");
    const QString running = editor->property("text").toString();
    editor->setProperty("text", QStringLiteral("export default {\n  fetch( {\n}\n"));
    QVERIFY(!call(dispatcher, "save").toString().isEmpty());
    QVERIFY(error->isVisible());
    QVERIFY(editor->property("errorLine").toInt() > 0);

    click(child(dispatcher, "revertButton"));
    QTRY_VERIFY(!error->isVisible());
    QCOMPARE(error->property("text").toString(), QString());
    QCOMPARE(editor->property("errorLine").toInt(), 0);
    QCOMPARE(editor->property("text").toString(), running);
}

void tst_Editing::deletedNamespaceLeavesNoWorkerInTheEditor()
{
    QVERIFY(service().createNamespace(QStringLiteral("aaa-scratch"), false));
    show(1);
    QQuickItem *ns = view("namespacesView");
    auto *list = child(ns, "namespaceList");
    QTRY_VERIFY(list->property("count").toInt() >= 2);
    // Namespaces are listed by name: the scratch one is first.
    QVERIFY(QMetaObject::invokeMethod(ns, "requestNamespace", Q_ARG(QVariant, 0)));
    QTRY_COMPARE(ns->property("currentNamespace").toString(), QStringLiteral("aaa-scratch"));
    QVERIFY(QMetaObject::invokeMethod(
            ns, "newWorker",
            Q_ARG(QVariant,
                  QStringLiteral("export default { fetch() { return new Response('t') } }")),
            Q_ARG(QVariant, QStringLiteral("temp"))));
    QCOMPARE(call(ns, "save").toString(), QString());
    QCOMPARE(ns->property("currentWorker").toString(), QStringLiteral("temp"));

    QVERIFY(service().deleteNamespace(QStringLiteral("aaa-scratch")));
    QTRY_COMPARE(ns->property("currentNamespace").toString(), QStringLiteral("production"));
    QTRY_VERIFY(ns->property("currentWorker").toString() != QStringLiteral("temp"));
    const QString shown = ns->property("currentWorker").toString();
    QVERIFY(shown.isEmpty() || service().script(QStringLiteral("production"), shown) != nullptr);
    QCOMPARE(child(ns, "saveError")->property("text").toString(), QString());
    QCOMPARE(child(ns, "namespaceError")->property("text").toString(), QString());
}

void tst_Editing::playgroundDefaultUrlReachesTheListener()
{
    show(7);
    QQuickItem *playground = view("playgroundView");
    auto *url = child(playground, "urlField");
    const QString port = QString::number(m_demo.app().stack()->port());
    QCOMPARE(url->property("text").toString(),
             QStringLiteral("http://cpu-burner.localhost:%1/").arg(port));
    QCOMPARE(child(playground, "urlNote")->property("text").toString(), QString());

    // fanout fetch()es site on its own URL's port: with the listener's port it gets there.
    url->setProperty("text", QStringLiteral("http://fanout.localhost:%1/?n=2").arg(port));
    QCOMPARE(call(playground, "send").toString(), QString());
    auto *controller = qvariant_cast<QObject *>(playground->property("playground"));
    QTRY_VERIFY(!controller->property("busy").toBool());
    QCOMPARE(controller->property("status").toInt(), 200);
    QVERIFY(controller->property("responseBody").toString().contains(QStringLiteral("[200,200]")));

    // Without the port the view says what will happen before anything is sent.
    url->setProperty("text", QStringLiteral("http://fanout.localhost/?n=2"));
    QTRY_VERIFY(child(playground, "urlNote")->property("text").toString().contains(port));
}

void tst_Editing::editorFollowsTheCursor()
{
    show(1);
    QQuickItem *ns = view("namespacesView");
    QString longLine = QStringLiteral("export default { fetch() { return new Response('");
    longLine += QString(400, u'x') + QStringLiteral("') } };\n// last line\n");
    QVERIFY(QMetaObject::invokeMethod(ns, "newWorker", Q_ARG(QVariant, longLine),
                                      Q_ARG(QVariant, QStringLiteral("wide"))));
    auto *editor = qvariant_cast<QQuickItem *>(ns->property("editor"));
    auto *area = child(editor, "codeArea");
    auto *flick = qvariant_cast<QQuickItem *>(editor->property("flickable"));
    QVERIFY(area && flick);
    QCOMPARE(flick->property("contentX").toReal(), 0.0);

    // The end of the long line is far right of the viewport: the text scrolls to it.
    area->forceActiveFocus();
    area->setProperty("cursorPosition", longLine.indexOf(u'\n'));
    QTRY_VERIFY(flick->property("contentX").toReal() > 100);
    const QRectF cursor = area->property("cursorRectangle").toRectF();
    const qreal x = cursor.x() - flick->property("contentX").toReal();
    QVERIFY2(x >= 0 && x <= flick->width(), qPrintable(QString::number(x)));
    // Back at the start of a line, the view follows back.
    area->setProperty("cursorPosition", longLine.indexOf(QLatin1String("// last")));
    QTRY_COMPARE(flick->property("contentX").toReal(), 0.0);

    // A click well below the last line still lands in the text (and focuses it).
    m_window->findChild<QQuickItem *>(QStringLiteral("navigation"))->forceActiveFocus();
    QVERIFY(!area->hasActiveFocus());
    const QPointF below = flick->mapToScene(QPointF(flick->width() / 2, flick->height() - 40));
    QTest::mouseClick(m_window, Qt::LeftButton, {}, below.toPoint());
    QTRY_VERIFY(area->hasActiveFocus());
    QVERIFY(QMetaObject::invokeMethod(ns, "newWorker", Q_ARG(QVariant, QString()),
                                      Q_ARG(QVariant, QString())));
}

void tst_Editing::keyboardSwitchesViews()
{
    auto *navigation = m_window->findChild<QQuickItem *>(QStringLiteral("navigation"));
    QTest::keyClick(m_window, Qt::Key_4, Qt::ControlModifier);
    QTRY_COMPARE(navigation->property("currentIndex").toInt(), 3);
    QTest::keyClick(m_window, Qt::Key_1, Qt::ControlModifier);
    QTRY_COMPARE(navigation->property("currentIndex").toInt(), 0);
    navigation->forceActiveFocus();
    QTest::keyClick(m_window, Qt::Key_Down);
    QTRY_COMPARE(navigation->property("currentIndex").toInt(), 1);
    QTest::keyClick(m_window, Qt::Key_Down);
    QTRY_COMPARE(navigation->property("currentIndex").toInt(), 2);
    QTest::keyClick(m_window, Qt::Key_Up);
    QTRY_COMPARE(navigation->property("currentIndex").toInt(), 1);
}

void tst_Editing::tabLeavesTheMetadataBox()
{
    show(3);
    QQuickItem *routing = view("routingView");
    auto *metadata = child(routing, "metadataArea");
    metadata->setProperty("text", QString());
    metadata->forceActiveFocus();
    QVERIFY(metadata->hasActiveFocus());
    QTest::keyClick(m_window, Qt::Key_Tab);
    QTRY_VERIFY(!metadata->hasActiveFocus());
    QCOMPARE(metadata->property("text").toString(), QString());
    QTest::keyClick(m_window, Qt::Key_Backtab, Qt::ShiftModifier);
    QTRY_VERIFY(metadata->hasActiveFocus());
}

void tst_Editing::loadFileOpensADialog()
{
    show(1);
    QQuickItem *ns = view("namespacesView");
    QVERIFY(QMetaObject::invokeMethod(ns, "openWorker", Q_ARG(QVariant, QStringLiteral("site"))));
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("My Worker.mjs"));
    const QByteArray code = "export default { fetch() { return new Response('from a file') } };\n";
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(code);
    file.close();

    click(child(ns, "loadFileButton"));
    auto *dialog = qvariant_cast<QObject *>(ns->property("fileDialog"));
    QVERIFY(dialog);
    QTRY_VERIFY(dialog->property("visible").toBool());
    QVERIFY(QMetaObject::invokeMethod(dialog, "reject"));
    QTRY_VERIFY(!dialog->property("visible").toBool());
    // What the dialog's accepted file goes to.
    QVERIFY(QMetaObject::invokeMethod(ns, "loadFile", Q_ARG(QVariant, QUrl::fromLocalFile(path))));
    // A new Worker named after the file, its code in the editor, not yet saved.
    QTRY_COMPARE(child(ns, "workerNameField")->property("text").toString(),
                 QStringLiteral("my-worker"));
    auto *editor = qvariant_cast<QQuickItem *>(ns->property("editor"));
    QCOMPARE(editor->property("text").toString(), QString::fromUtf8(code));
    QCOMPARE(ns->property("currentWorker").toString(), QString());
    QVERIFY(ns->property("dirty").toBool());
    QVERIFY(QMetaObject::invokeMethod(ns, "newWorker", Q_ARG(QVariant, QString()),
                                      Q_ARG(QVariant, QString())));
}

void tst_Editing::quittingAsksAboutUnsavedCode()
{
    show(2);
    QQuickItem *dispatcher = view("dispatcherView");
    auto *editor = qvariant_cast<QQuickItem *>(dispatcher->property("editor"));
    const QString running = editor->property("text").toString();
    editor->setProperty("text", running + QStringLiteral("\n// not saved\n"));
    auto *quit = m_window->findChild<QObject *>(QStringLiteral("quitDialog"));
    QVERIFY(quit);

    QSignalSpy quitting(qApp, &QCoreApplication::aboutToQuit);
    QTest::keyClick(m_window, Qt::Key_Q, Qt::ControlModifier);
    QTRY_VERIFY(quit->property("opened").toBool());
    QVERIFY(m_window->isVisible());
    click(visibleButton(QStringLiteral("Cancel")));
    QTRY_VERIFY(!quit->property("visible").toBool());
    QVERIFY(m_window->isVisible());
    QCOMPARE(editor->property("text").toString(), running + QStringLiteral("\n// not saved\n"));
    QVERIFY(QMetaObject::invokeMethod(dispatcher, "showCurrent"));
    QCOMPARE(quitting.count(), 0);
}

void tst_Editing::quittingWithNothingUnsavedCloses()
{
    QVERIFY(QMetaObject::invokeMethod(view("namespacesView"), "openWorker",
                                      Q_ARG(QVariant, QStringLiteral("site"))));
    QVERIFY(QMetaObject::invokeMethod(view("dispatcherView"), "showCurrent"));
    QTest::keyClick(m_window, Qt::Key_Q, Qt::ControlModifier);
    QTRY_VERIFY(!m_window->isVisible());
    QVERIFY(!m_window->findChild<QObject *>(QStringLiteral("quitDialog"))
                     ->property("visible")
                     .toBool());
}

QTEST_MAIN(tst_Editing)
#include "tst_editing.moc"
