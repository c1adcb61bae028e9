// Loads the real QML shell in a real window (offscreen in CI) through the same Application that
// main() uses, and walks the navigation.
#include "application.h"

#include <QQuickItem>
#include <QQuickWindow>
#include <QTemporaryDir>
#include <QTest>

using namespace switchyard::app;

class tst_MainWindow : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void shellShowsEveryView();
};

void tst_MainWindow::shellShowsEveryView()
{
    QTemporaryDir dataDir;
    Options options;
    options.listen = {QHostAddress::LocalHost, 0};
    options.dataDir = dataDir.path();
    Application app(options);
    QVERIFY(app.start());

    QQuickWindow *window = nullptr;
    for (QWindow *w : QGuiApplication::topLevelWindows())
        if ((window = qobject_cast<QQuickWindow *>(w)))
            break;
    QVERIFY(window);
    QVERIFY(QTest::qWaitForWindowExposed(window));

    auto *navigation = window->findChild<QQuickItem *>(QStringLiteral("navigation"));
    auto *pages = window->findChild<QQuickItem *>(QStringLiteral("pages"));
    auto *listen = window->findChild<QQuickItem *>(QStringLiteral("listenLabel"));
    QVERIFY(navigation && pages && listen);
    QVERIFY(listen->property("text").toString().contains(QStringLiteral("http://127.0.0.1:")));

    const QStringList expected {"Overview", "Namespaces",        "Dispatcher",
                                "Routing",  "Plans & customers", "Analytics",
                                "Tail",     "Playground",        "Versions"};
    QCOMPARE(navigation->property("count").toInt(), expected.size());
    for (int i = 0; i < expected.size(); ++i) {
        navigation->setProperty("currentIndex", i);
        QCOMPARE(pages->property("currentIndex").toInt(), i);
        QQuickItem *page = nullptr;
        for (QQuickItem *child : pages->childItems())
            if (child->isVisible() && child->property("title").isValid())
                page = child;
        QVERIFY(page);
        QCOMPARE(page->property("title").toString(), expected.at(i));
    }
}

QTEST_MAIN(tst_MainWindow)
#include "tst_mainwindow.moc"
