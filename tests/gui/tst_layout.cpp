// Every view of the real window (the demo platform, with traffic in the live views) at the
// smallest supported size and at 1920×1080: no control lies outside the window or its list, no
// field is squeezed below a usable width, no button narrower than its text, no two controls or
// messages overlap, and no QML warning (polish loop, binding loop, TypeError) is logged on the
// way. Screenshots of each view go to $SWITCHYARD_LAYOUT_SHOTS when it is set, for a look by eye.
#include "../common/demowindow.h"
#include "../common/rawhttp.h"
#include "runtimestack.h"

#include "platform/platformservice.h"

#include <QDir>
#include <QMutex>
#include <QQuickItem>
#include <QQuickWindow>
#include <QScopeGuard>
#include <QTemporaryDir>
#include <QTest>
#include <QtQuickTest/quicktest.h>

using namespace switchyard;
using namespace switchyard::app;
using switchyard::testing::rawRequest;

namespace {

QMutex warningsLock;
QStringList warnings;
QtMessageHandler previousHandler = nullptr;

void collectWarnings(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    if (type != QtDebugMsg && type != QtInfoMsg) {
        QMutexLocker lock(&warningsLock);
        warnings << message;
    }
    previousHandler(type, context, message);
}

QStringList takeWarnings()
{
    QMutexLocker lock(&warningsLock);
    QStringList taken;
    for (const QString &w : std::as_const(warnings))
        // The offscreen platform's own notices are about the test's display, not the views.
        if (!w.contains(QLatin1String("propagateSizeHints")))
            taken << w;
    warnings.clear();
    return taken;
}

bool isA(const QObject *o, const char *className)
{
    return o->inherits(className);
}

bool isControl(const QQuickItem *item)
{
    return isA(item, "QQuickAbstractButton") || isA(item, "QQuickTextField")
            || isA(item, "QQuickTextArea") || isA(item, "QQuickComboBox")
            || isA(item, "QQuickSpinBox");
}

bool isStandaloneLabel(const QQuickItem *item)
{
    // A message or caption of its own, not the text inside a button or field.
    if (!isA(item, "QQuickLabel") || item->property("text").toString().isEmpty())
        return false;
    for (QQuickItem *p = item->parentItem(); p; p = p->parentItem())
        if (isControl(p) && !isA(p, "QQuickItemDelegate"))
            return false;
    return true;
}

QString describe(const QQuickItem *item)
{
    QString name = item->objectName();
    if (name.isEmpty())
        name = item->property("text").toString().left(40);
    if (name.isEmpty())
        name = item->property("placeholderText").toString().left(40);
    return QStringLiteral("%1 \"%2\"").arg(QLatin1String(item->metaObject()->className()), name);
}

struct Placed
{
    QQuickItem *item;
    QRectF rect; // in window coordinates
    QQuickItem *clipper; // nearest clipping ancestor, or null
};

} // namespace

class tst_Layout : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void everyViewFits_data();
    void everyViewFits();

private:
    void show(int index) { m_demo.show(index); }
    void collect(QQuickItem *item, QQuickItem *clipper, QList<Placed> *out);

    switchyard::testing::DemoWindow m_demo;
    QQuickWindow *m_window = nullptr;
};

void tst_Layout::initTestCase()
{
    previousHandler = qInstallMessageHandler(collectWarnings);
    const QString error = m_demo.start();
    QVERIFY2(error.isEmpty(), qPrintable(error));
    m_window = m_demo.window();
    // Something in every live view: an answer, a violation, an exception, a 404.
    const quint16 port = m_demo.app().stack()->port();
    for (const char *host : {"site.localhost", "cpu-burner.localhost", "thrower.localhost",
                             "nobody.localhost", "api.localhost"})
        rawRequest(port, "GET", host, "/");
    // A second version of the dispatcher, so the Versions view has a diff and a split to lay out.
    auto &service = m_demo.app().stack()->service();
    const auto dispatcher = service.platformWorker(QStringLiteral("dispatcher"));
    QVERIFY(dispatcher);
    store::WorkerCode code = dispatcher->code;
    code.modules.first().code.append("\n// a second version\n");
    platform::WorkerChangeMeta meta;
    meta.annotations.insert(QStringLiteral("workers/message"),
                            QStringLiteral("a deployment message long enough to need eliding "
                                           "in the narrowest window"));
    QVERIFY(service.addPlatformWorkerVersion(QStringLiteral("dispatcher"), code, meta));
}

void tst_Layout::cleanupTestCase()
{
    m_demo.stop();
    qInstallMessageHandler(previousHandler);
}

void tst_Layout::collect(QQuickItem *item, QQuickItem *clipper, QList<Placed> *out)
{
    if (!item->isVisible() || item->opacity() <= 0.0)
        return;
    const QRectF rect = item->mapRectToScene(QRectF(0, 0, item->width(), item->height()));
    if (isControl(item) || isStandaloneLabel(item))
        out->append({item, rect, clipper});
    // Inside a list or editor the clipping rectangle is the bound, not the window.
    QQuickItem *nextClipper = item->clip() ? item : clipper;
    for (QQuickItem *child : item->childItems())
        collect(child, nextClipper, out);
}

void tst_Layout::everyViewFits_data()
{
    QTest::addColumn<QSize>("size");
    QTest::addColumn<int>("view");
    // For the views with a code editor, also with its find and replace rows open, with Go to
    // line open saying why it cannot read what was typed, and with the completion list open at
    // the end of the code.
    QTest::addColumn<QString>("editorBar");
    const char *names[] = {"overview",  "namespaces", "dispatcher", "routing", "plans",
                           "analytics", "tail",       "playground", "versions"};
    for (const QSize size : {QSize(1000, 700), QSize(1920, 1080)}) {
        for (int i = 0; i < 9; ++i) {
            QTest::addRow("%dx%d %s", size.width(), size.height(), names[i])
                    << size << i << QString();
            if (i == 1 || i == 2)
                for (const char *bar : {"find", "line", "completion"})
                    QTest::addRow("%dx%d %s %s", size.width(), size.height(), names[i], bar)
                            << size << i << QString::fromLatin1(bar);
        }
    }
}

void tst_Layout::everyViewFits()
{
    QFETCH(QSize, size);
    QFETCH(int, view);
    QFETCH(QString, editorBar);
    m_window->resize(size);
    show(view);
    auto *pages = m_window->findChild<QQuickItem *>(QStringLiteral("pages"));
    QQuickItem *page = nullptr;
    for (QQuickItem *child : pages->childItems())
        if (child->isVisible() && child->property("title").isValid())
            page = child;
    QVERIFY(page);
    // An editor is checked with unsaved code in it, so its marker and what it moves are too;
    // edited as the view opens, before its first layout, as a user's first keystroke can be.
    auto *editor = qvariant_cast<QQuickItem *>(page->property("editor"));
    const QString savedCode = editor ? editor->property("text").toString() : QString();
    if (editor) {
        editor->setProperty("text", savedCode + QStringLiteral("\n// edited\n"));
        QVERIFY(page->property("dirty").toBool());
    }
    if (editorBar == QLatin1String("find")) {
        QVERIFY(QMetaObject::invokeMethod(editor, "openFind", Q_ARG(QVariant, true)));
        // A term found several times, so the count and the highlights are laid out too.
        editor->findChild<QQuickItem *>(QStringLiteral("findField"))
                ->setProperty("text", QStringLiteral("e"));
        QVERIFY(qvariant_cast<QObject *>(editor->property("search"))->property("count").toInt()
                > 1);
    } else if (editorBar == QLatin1String("line")) {
        QVERIFY(QMetaObject::invokeMethod(editor, "openLine"));
        editor->findChild<QQuickItem *>(QStringLiteral("lineField"))
                ->setProperty("text", QStringLiteral("not a line"));
    }
    QQuickItem *popup = nullptr;
    if (editorBar == QLatin1String("completion")) {
        // Typed on the last line, as far down as the code goes: the list must find room.
        const QString typed = savedCode + QStringLiteral("\n// edited\nRe");
        editor->setProperty("text", typed);
        auto *area = editor->findChild<QQuickItem *>(QStringLiteral("codeArea"));
        area->forceActiveFocus();
        area->setProperty("cursorPosition", int(typed.size()));
        QVERIFY(QMetaObject::invokeMethod(editor, "openCompletion", Q_ARG(QVariant, false)));
        auto *popupObject = qvariant_cast<QObject *>(editor->property("completionPopup"));
        QTRY_VERIFY(popupObject->property("opened").toBool());
        popup = qvariant_cast<QQuickItem *>(popupObject->property("contentItem"))->parentItem();
    }
    const auto restore = qScopeGuard([&] {
        if (editor) {
            QMetaObject::invokeMethod(editor, "closeCompletion");
            editor->setProperty("text", savedCode);
            QMetaObject::invokeMethod(editor, "closeBars");
        }
    });
    // A view that undoes deletes is checked with its banner showing, and a long message in it.
    auto *undoBanner = qvariant_cast<QQuickItem *>(page->property("undoBanner"));
    if (undoBanner)
        QVERIFY(QMetaObject::invokeMethod(
                undoBanner, "offer",
                Q_ARG(QVariant,
                      QStringLiteral("Deleted namespace a-namespace-with-a-long-name "
                                     "and its 12 Workers from the platform")),
                Q_ARG(QVariant, QVariant())));
    const auto dismiss = qScopeGuard([&] {
        if (undoBanner)
            QMetaObject::invokeMethod(undoBanner, "dismiss");
    });
    QTRY_COMPARE(m_window->size(), size);
    QVERIFY(QQuickTest::qWaitForPolish(m_window));
    QTest::qWait(50); // one more turn for models that flush on a timer
    QVERIFY(QQuickTest::qWaitForPolish(m_window));

    if (const QString dir = qEnvironmentVariable("SWITCHYARD_LAYOUT_SHOTS"); !dir.isEmpty()) {
        QDir().mkpath(dir);
        const QString name
                = editorBar.isEmpty() ? page->objectName() : page->objectName() + u'-' + editorBar;
        m_window->grabWindow().save(QDir(dir).filePath(
                QStringLiteral("%1x%2-%3.png").arg(size.width()).arg(size.height()).arg(name)));
    }

    QList<Placed> placed;
    collect(page, nullptr, &placed);
    QVERIFY(placed.size() > 3);
    const QRectF windowRect(QPointF(0, 0), QSizeF(m_window->size()));
    QStringList problems;
    // The completion list lies in the window's overlay, not in the view: inside the window, and
    // never over the line being typed on.
    if (popup) {
        collect(popup, nullptr, &placed);
        auto *area = editor->findChild<QQuickItem *>(QStringLiteral("codeArea"));
        const QRectF list = popup->mapRectToScene(QRectF(0, 0, popup->width(), popup->height()));
        const QRectF line = area->mapRectToScene(area->property("cursorRectangle").toRectF());
        if (!windowRect.adjusted(-1, -1, 1, 1).contains(list))
            problems << QStringLiteral("the completion list at %1,%2 %3×%4 leaves the window")
                                .arg(list.x())
                                .arg(list.y())
                                .arg(list.width())
                                .arg(list.height());
        if (list.top() < line.bottom() - 1 && list.bottom() > line.top() + 1)
            problems << QStringLiteral("the completion list covers the line typed on");
    }
    for (const Placed &p : std::as_const(placed)) {
        QRectF bound = windowRect;
        if (p.clipper) {
            // A list scrolls vertically: only what shows in its rows must fit across. A view
            // wider than its viewport (the code editor, SQL results) scrolls sideways on purpose.
            const bool flick = isA(p.clipper, "QQuickFlickable");
            const QRectF clip = p.clipper->mapRectToScene(
                    QRectF(0, 0, p.clipper->width(), p.clipper->height()));
            if (!clip.intersects(p.rect))
                continue;
            if (flick && p.clipper->property("contentWidth").toReal() > p.clipper->width() + 1)
                continue;
            bound = QRectF(clip.left(), p.rect.top(), clip.width(), p.rect.height())
                            .intersected(windowRect);
        }
        if (!bound.adjusted(-1, -1, 1, 1).contains(p.rect))
            problems << QStringLiteral("%1 at %2,%3 %4×%5 lies outside %6,%7 %8×%9")
                                .arg(describe(p.item))
                                .arg(p.rect.x())
                                .arg(p.rect.y())
                                .arg(p.rect.width())
                                .arg(p.rect.height())
                                .arg(bound.x())
                                .arg(bound.y())
                                .arg(bound.width())
                                .arg(bound.height());
        if ((isA(p.item, "QQuickTextField") || isA(p.item, "QQuickComboBox"))
            && p.rect.width() < 80)
            problems << QStringLiteral("%1 is squeezed to %2 px")
                                .arg(describe(p.item))
                                .arg(p.rect.width());
        if (isA(p.item, "QQuickButton") && !isA(p.item, "QQuickItemDelegate")
            && p.rect.width() + 1 < p.item->implicitWidth())
            problems << QStringLiteral("%1 is %2 px, narrower than its text (%3)")
                                .arg(describe(p.item))
                                .arg(p.rect.width())
                                .arg(p.item->implicitWidth());
    }
    // Overlaps between things that stand on their own (not a delegate and what it contains).
    for (qsizetype i = 0; i < placed.size(); ++i) {
        for (qsizetype j = i + 1; j < placed.size(); ++j) {
            const Placed &a = placed.at(i);
            const Placed &b = placed.at(j);
            if (a.item->isAncestorOf(b.item) || b.item->isAncestorOf(a.item))
                continue;
            if (a.clipper != b.clipper)
                continue;
            const QRectF overlap = a.rect.intersected(b.rect);
            if (overlap.width() > 2 && overlap.height() > 2)
                problems
                        << QStringLiteral("%1 overlaps %2").arg(describe(a.item), describe(b.item));
        }
    }
    const QStringList logged = takeWarnings();
    for (const QString &w : logged)
        problems << QStringLiteral("warning: %1").arg(w);
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join(u'\n')));
}

QTEST_MAIN(tst_Layout)
#include "tst_layout.moc"
