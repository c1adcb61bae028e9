// The code editor's find bar, Replace all, Go to line, bracket jump, error link, completion
// (its list under the cursor, the Worker's bindings after `env.`) and multiple cursors (Alt+Click,
// Ctrl+Alt+Down, Ctrl+D, Ctrl+Shift+L; typing at each, copy, one Undo, Escape), used from the
// keyboard in the real window as a user does (the Namespaces view's editor), each checked in the
// editor's text, selection and cursor.
#include "../common/demowindow.h"

#include <QClipboard>
#include <QGuiApplication>
#include <QQuickItem>
#include <QQuickWindow>
#include <QRegularExpression>
#include <QTest>
#include <QtQuickTest/quicktest.h>

#include <algorithm>
#include <functional>

using namespace switchyard;

namespace {

const QString code = QStringLiteral("const greeting = 'hello';\n"
                                    "export default {\n"
                                    "  fetch() {\n"
                                    "    return new Response(greeting + ' ' + greeting);\n"
                                    "  },\n"
                                    "};\n");

// The 1-based line of `position` in `text`.
int lineOf(const QString &text, int position)
{
    return int(QStringView(text).left(position).count(u'\n')) + 1;
}

} // namespace

class tst_CodeEditor : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void init();
    void findStepsThroughMatches();
    void findOptionsAndEscape();
    void replaceAllIsOneUndoStep();
    void goToLine();
    void bracketJump();
    void errorTextGoesToTheError();
    void completesBindingsAfterEnv();
    void ctrlSpaceCompletesGlobals();
    void typesAtEveryCursor();
    void ctrlDSelectsEachOccurrence();

private:
    QQuickItem *child(QQuickItem *parent, const char *objectName) const
    {
        auto *item = parent->findChild<QQuickItem *>(QLatin1String(objectName));
        if (!item)
            qWarning("no %s", objectName);
        return item;
    }
    void click(QQuickItem *item)
    {
        QVERIFY(item);
        // A row or message just shown is placed at the next polish; click where it ends up.
        QVERIFY(QQuickTest::qWaitForPolish(m_window));
        const QPointF centre = item->mapToScene(QPointF(item->width() / 2, item->height() / 2));
        QTest::mouseClick(m_window, Qt::LeftButton, {}, centre.toPoint());
    }
    // Typed into whatever has the keyboard (QTest::keyClicks is for widgets only).
    void type(const QString &text)
    {
        for (QChar c : text)
            QTest::keyClick(m_window, c.toLatin1());
    }
    // Where `position` is in the window, just inside the character after it.
    QPoint scenePoint(int position) const
    {
        QRectF r;
        QMetaObject::invokeMethod(m_area, "positionToRectangle", Q_RETURN_ARG(QRectF, r),
                                  Q_ARG(int, position));
        return m_area->mapToScene(QPointF(r.x() + 1, r.y() + r.height() / 2)).toPoint();
    }
    // The added cursors' carets the editor draws (2 px wide, over the text).
    int drawnCarets() const
    {
        auto *flick = qvariant_cast<QQuickItem *>(m_editor->property("flickable"));
        auto *content = qvariant_cast<QQuickItem *>(flick->property("contentItem"));
        int n = 0;
        for (QQuickItem *item : content->childItems())
            if (item->inherits("QQuickRectangle") && item->isVisible() && item->width() == 2)
                ++n;
        return n;
    }
    int selectionStart() const { return m_area->property("selectionStart").toInt(); }
    int selectionEnd() const { return m_area->property("selectionEnd").toInt(); }
    QString text() const { return m_editor->property("text").toString(); }
    // The names the completion list's rows show, top to bottom (delegates are the list's items,
    // not its QObject children).
    QStringList shownNames(QQuickItem *list) const
    {
        QList<QQuickItem *> rows;
        const std::function<void(QQuickItem *)> collect = [&](QQuickItem *item) {
            if (item->inherits("QQuickItemDelegate") && item->isVisible())
                rows << item;
            for (QQuickItem *child : item->childItems())
                collect(child);
        };
        collect(list);
        std::sort(rows.begin(), rows.end(),
                  [](QQuickItem *a, QQuickItem *b) { return a->y() < b->y(); });
        QStringList names;
        for (QQuickItem *row : std::as_const(rows))
            names << row->property("name").toString();
        return names;
    }

    testing::DemoWindow m_demo;
    QQuickWindow *m_window = nullptr;
    QQuickItem *m_view = nullptr;
    QQuickItem *m_editor = nullptr;
    QQuickItem *m_area = nullptr;
};

void tst_CodeEditor::initTestCase()
{
    const QString error = m_demo.start(true);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    m_window = m_demo.window();
    m_demo.show(1);
    m_view = m_demo.view("namespacesView");
    QVERIFY(m_view);
    m_editor = qvariant_cast<QQuickItem *>(m_view->property("editor"));
    QVERIFY(m_editor);
    m_area = child(m_editor, "codeArea");
    QVERIFY(m_area);
}

void tst_CodeEditor::cleanupTestCase()
{
    m_demo.stop();
}

// Each test starts from the same unsaved Worker, the cursor at its start and no bar open.
void tst_CodeEditor::init()
{
    QVERIFY(QMetaObject::invokeMethod(m_view, "newWorker", Q_ARG(QVariant, code),
                                      Q_ARG(QVariant, QStringLiteral("greeter"))));
    QVERIFY(QMetaObject::invokeMethod(m_editor, "closeBars"));
    m_area->forceActiveFocus();
    m_area->setProperty("cursorPosition", 0);
    QTRY_VERIFY(m_area->hasActiveFocus());
}

void tst_CodeEditor::findStepsThroughMatches()
{
    const int first = int(code.indexOf(QLatin1String("greeting")));
    const int second = int(code.indexOf(QLatin1String("greeting"), first + 1));
    const int third = int(code.indexOf(QLatin1String("greeting"), second + 1));
    auto *field = child(m_editor, "findField");
    auto *status = child(m_editor, "findStatus");
    QVERIFY(field && status);

    QTest::keyClick(m_window, Qt::Key_F, Qt::ControlModifier);
    QTRY_VERIFY(field->hasActiveFocus());
    QVERIFY(child(m_editor, "findRow")->isVisible());
    QVERIFY(!child(m_editor, "replaceRow")->isVisible());
    // Typing finds as it goes: the first match from the cursor is selected.
    type(QStringLiteral("greeting"));
    QTRY_COMPARE(selectionStart(), first);
    QCOMPARE(selectionEnd(), first + 8);
    QCOMPARE(status->property("text").toString(), QStringLiteral("1 of 3"));

    QTest::keyClick(m_window, Qt::Key_Return);
    QTRY_COMPARE(selectionStart(), second);
    QCOMPARE(status->property("text").toString(), QStringLiteral("2 of 3"));
    QVERIFY(field->hasActiveFocus()); // still typing in the find field
    QTest::keyClick(m_window, Qt::Key_Enter);
    QTRY_COMPARE(selectionStart(), third);
    // Past the last, round to the first.
    QTest::keyClick(m_window, Qt::Key_Return);
    QTRY_COMPARE(selectionStart(), first);
    // Shift+Enter goes back, also round the start.
    QTest::keyClick(m_window, Qt::Key_Return, Qt::ShiftModifier);
    QTRY_COMPARE(selectionStart(), third);
    QCOMPARE(status->property("text").toString(), QStringLiteral("3 of 3"));
    QTest::keyClick(m_window, Qt::Key_F3);
    QTRY_COMPARE(selectionStart(), first);
    QTest::keyClick(m_window, Qt::Key_F3, Qt::ShiftModifier);
    QTRY_COMPARE(selectionStart(), third);
    // Every match has its highlight behind the text.
    QCOMPARE(qvariant_cast<QObject *>(m_editor->property("search"))->property("count").toInt(), 3);
}

void tst_CodeEditor::findOptionsAndEscape()
{
    // Ctrl+F takes the selection as the term.
    const int at = int(code.indexOf(QLatin1String("Response")));
    QVERIFY(QMetaObject::invokeMethod(m_area, "select", Q_ARG(int, at), Q_ARG(int, at + 8)));
    QTest::keyClick(m_window, Qt::Key_F, Qt::ControlModifier);
    auto *field = child(m_editor, "findField");
    auto *status = child(m_editor, "findStatus");
    QTRY_VERIFY(field->hasActiveFocus());
    QCOMPARE(field->property("text").toString(), QStringLiteral("Response"));
    QCOMPARE(status->property("text").toString(), QStringLiteral("1 of 1"));

    // Retyped in capitals: found in any case, not with Match case.
    QTest::keyClick(m_window, Qt::Key_A, Qt::ControlModifier);
    type(QStringLiteral("CONST"));
    QTRY_COMPARE(status->property("text").toString(), QStringLiteral("1 of 1"));
    QCOMPARE(selectionStart(), 0);
    click(child(m_editor, "matchCaseButton"));
    QTRY_COMPARE(status->property("text").toString(), QStringLiteral("No results"));
    click(child(m_editor, "matchCaseButton"));
    QTRY_COMPARE(status->property("text").toString(), QStringLiteral("1 of 1"));
    field->forceActiveFocus();
    QTest::keyClick(m_window, Qt::Key_A, Qt::ControlModifier);
    type(QStringLiteral("fetch"));
    QTRY_COMPARE(status->property("text").toString(), QStringLiteral("1 of 1"));
    // "fetc" is part of a word: Whole word finds it nowhere.
    QTest::keyClick(m_window, Qt::Key_Backspace);
    QTRY_COMPARE(status->property("text").toString(), QStringLiteral("1 of 1"));
    click(child(m_editor, "wholeWordButton"));
    QTRY_COMPARE(status->property("text").toString(), QStringLiteral("No results"));
    click(child(m_editor, "wholeWordButton"));

    // Escape closes the bar and gives the keyboard back to the code.
    field->forceActiveFocus();
    QTest::keyClick(m_window, Qt::Key_Escape);
    QTRY_VERIFY(!child(m_editor, "findRow")->isVisible());
    QVERIFY(m_area->hasActiveFocus());
    QCOMPARE(qvariant_cast<QObject *>(m_editor->property("search"))->property("count").toInt(), 0);
}

void tst_CodeEditor::replaceAllIsOneUndoStep()
{
    const int at = int(code.indexOf(QLatin1String("greeting")));
    QVERIFY(QMetaObject::invokeMethod(m_area, "select", Q_ARG(int, at), Q_ARG(int, at + 8)));
    QTest::keyClick(m_window, Qt::Key_H, Qt::ControlModifier);
    auto *replaceField = child(m_editor, "replaceField");
    QTRY_VERIFY(child(m_editor, "replaceRow")->isVisible());
    QCOMPARE(child(m_editor, "findField")->property("text").toString(), QStringLiteral("greeting"));
    click(replaceField);
    QTRY_VERIFY(replaceField->hasActiveFocus());
    type(QStringLiteral("salutation"));

    // Enter in the replace field replaces the selected match and selects the next.
    QTest::keyClick(m_window, Qt::Key_Return);
    QString once = code;
    once.replace(at, 8, QStringLiteral("salutation"));
    QTRY_COMPARE(text(), once);
    QCOMPARE(selectionStart(), int(once.indexOf(QLatin1String("greeting"))));

    click(child(m_editor, "replaceAllButton"));
    QString all = code;
    all.replace(QLatin1String("greeting"), QLatin1String("salutation"));
    QTRY_COMPARE(text(), all);
    QCOMPARE(child(m_editor, "findStatus")->property("text").toString(),
             QStringLiteral("No results"));
    QVERIFY(m_view->property("dirty").toBool());

    // Ctrl+Z in the code takes back all of Replace all, then the single replace.
    m_area->forceActiveFocus();
    QTest::keyClick(m_window, Qt::Key_Z, Qt::ControlModifier);
    QTRY_COMPARE(text(), once);
    QTest::keyClick(m_window, Qt::Key_Z, Qt::ControlModifier);
    QTRY_COMPARE(text(), code);
}

void tst_CodeEditor::goToLine()
{
    auto *field = child(m_editor, "lineField");
    auto *error = child(m_editor, "lineError");
    QTest::keyClick(m_window, Qt::Key_G, Qt::ControlModifier);
    QTRY_VERIFY(field->hasActiveFocus());
    QVERIFY(child(m_editor, "lineRow")->isVisible());

    // Junk is said where it was typed, and Enter does nothing with it.
    type(QStringLiteral("four"));
    QTRY_VERIFY(error->isVisible());
    QCOMPARE(error->property("text").toString(),
             QStringLiteral("Type a line number, or line:column"));
    QTest::keyClick(m_window, Qt::Key_Return);
    QVERIFY(field->hasActiveFocus());
    QCOMPARE(m_area->property("cursorPosition").toInt(), 0);

    QTest::keyClick(m_window, Qt::Key_A, Qt::ControlModifier);
    type(QStringLiteral("4:12"));
    QTRY_VERIFY(!error->isVisible());
    QTest::keyClick(m_window, Qt::Key_Return);
    QTRY_VERIFY(m_area->hasActiveFocus());
    QVERIFY(!child(m_editor, "lineRow")->isVisible());
    const int line4 = int(code.indexOf(QLatin1String("    return")));
    QCOMPARE(m_area->property("cursorPosition").toInt(), line4 + 11);

    // Past the end: the last line.
    QTest::keyClick(m_window, Qt::Key_G, Qt::ControlModifier);
    QTRY_VERIFY(field->hasActiveFocus());
    type(QStringLiteral("500"));
    QTest::keyClick(m_window, Qt::Key_Return);
    QTRY_VERIFY(m_area->hasActiveFocus());
    QCOMPARE(lineOf(code, m_area->property("cursorPosition").toInt()), 7);

    // A line below the viewport is scrolled to.
    QString tall = code;
    for (int i = 0; i < 300; ++i)
        tall += QStringLiteral("// line %1\n").arg(i + 8);
    m_editor->setProperty("text", tall);
    auto *flick = qvariant_cast<QQuickItem *>(m_editor->property("flickable"));
    QCOMPARE(flick->property("contentY").toReal(), 0.0);
    QTest::keyClick(m_window, Qt::Key_G, Qt::ControlModifier);
    QTRY_VERIFY(field->hasActiveFocus());
    type(QStringLiteral("250"));
    QTest::keyClick(m_window, Qt::Key_Return);
    QTRY_VERIFY(m_area->hasActiveFocus());
    QCOMPARE(lineOf(tall, m_area->property("cursorPosition").toInt()), 250);
    QTRY_VERIFY(flick->property("contentY").toReal() > 0);
    const qreal y = m_area->property("cursorRectangle").toRectF().y()
            - flick->property("contentY").toReal();
    QVERIFY2(y >= 0 && y < flick->height(), qPrintable(QString::number(y)));
}

void tst_CodeEditor::bracketJump()
{
    auto *navigation = qvariant_cast<QObject *>(m_editor->property("navigation"));
    const int open = int(code.indexOf(QLatin1String("() {"))) + 3;
    const int close = int(code.indexOf(QLatin1String("  },"))) + 2;
    m_area->setProperty("cursorPosition", open);
    QTRY_COMPARE(navigation->property("matchingBracket").toInt(), close);
    QTest::keyClick(m_window, Qt::Key_M, Qt::ControlModifier);
    QTRY_COMPARE(m_area->property("cursorPosition").toInt(), close);
    QTest::keyClick(m_window, Qt::Key_M, Qt::ControlModifier);
    QTRY_COMPARE(m_area->property("cursorPosition").toInt(), open);
}

void tst_CodeEditor::errorTextGoesToTheError()
{
    const QString broken
            = QStringLiteral("export default {\n  fetch() {\n    return 1 +;\n  }\n};\n");
    QVERIFY(QMetaObject::invokeMethod(m_view, "newWorker", Q_ARG(QVariant, broken),
                                      Q_ARG(QVariant, QStringLiteral("broken"))));
    QVariant refused;
    QVERIFY(QMetaObject::invokeMethod(m_view, "save", Q_RETURN_ARG(QVariant, refused)));
    QVERIFY(!refused.toString().isEmpty());
    const int line = m_editor->property("errorLine").toInt();
    QVERIFY2(line > 1, qPrintable(refused.toString()));
    m_area->setProperty("cursorPosition", 0);
    auto *error = child(m_view, "saveError");
    QTRY_VERIFY(error->isVisible());
    click(error);
    QTRY_VERIFY(m_area->hasActiveFocus());
    QTRY_COMPARE(lineOf(broken, m_area->property("cursorPosition").toInt()), line);
    // On the column the error names, too.
    const int column = m_editor->property("errorColumn").toInt();
    QVERIFY(column > 0);
    const int position = m_area->property("cursorPosition").toInt();
    QCOMPARE(position - int(broken.lastIndexOf(u'\n', position - 1)), column);
}

// The demo's "site" Worker has a SITE_NAME binding: typing `env.` offers it at once, under the
// line typed on, and Down then Enter puts the chosen name in place.
void tst_CodeEditor::completesBindingsAfterEnv()
{
    QVERIFY(QMetaObject::invokeMethod(m_view, "openWorker",
                                      Q_ARG(QVariant, QStringLiteral("site"))));
    QCOMPARE(m_view->property("currentNamespace").toString(), QStringLiteral("production"));
    const QString code = text();
    QVERIFY(code.endsWith(u'\n'));
    auto *popup = qvariant_cast<QObject *>(m_editor->property("completionPopup"));
    auto *list = child(m_editor, "completionList");
    auto *completion = qvariant_cast<QObject *>(m_editor->property("completion"));
    QVERIFY(popup && list && completion);
    m_area->forceActiveFocus();
    QTRY_VERIFY(m_area->hasActiveFocus());
    m_area->setProperty("cursorPosition", int(code.size()));
    type(QStringLiteral("env"));
    QVERIFY(!popup->property("opened").toBool());
    // The view hands the editor the open Worker's own binding.
    type(QStringLiteral("."));
    QTRY_VERIFY(popup->property("opened").toBool());
    QCOMPARE(completion->property("context").toString(), QStringLiteral("env"));
    QCOMPARE(list->property("count").toInt(), 1);
    QCOMPARE(shownNames(list), QStringList({"SITE_NAME"}));
    QTest::keyClick(m_window, Qt::Key_Escape);
    QTRY_VERIFY(!popup->property("opened").toBool());
    QCOMPARE(text(), code + QStringLiteral("env."));

    // With a second binding (as another Worker would have), Ctrl+Space offers both, the shorter
    // first.
    m_editor->setProperty("bindings",
                          QStringList {QStringLiteral("SITE_NAME (plain_text)"),
                                       QStringLiteral("SESSIONS (kv_namespace)")});
    QTest::keyClick(m_window, Qt::Key_Space, Qt::ControlModifier);
    QTRY_VERIFY(popup->property("opened").toBool());
    QCOMPARE(list->property("count").toInt(), 2);
    QTRY_COMPARE(shownNames(list), QStringList({"SESSIONS", "SITE_NAME"}));

    // The list lies under the line being typed on, inside the window.
    auto *popupItem = qvariant_cast<QQuickItem *>(popup->property("contentItem"))->parentItem();
    QVERIFY(popupItem);
    const QRectF popupRect
            = popupItem->mapRectToScene(QRectF(0, 0, popupItem->width(), popupItem->height()));
    const QRectF cursor = m_area->mapRectToScene(m_area->property("cursorRectangle").toRectF());
    QVERIFY2(popupRect.top() >= cursor.bottom() - 1 || popupRect.bottom() <= cursor.top() + 1,
             qPrintable(QStringLiteral("popup %1,%2 %3x%4 cursor %5,%6")
                                .arg(popupRect.x())
                                .arg(popupRect.y())
                                .arg(popupRect.width())
                                .arg(popupRect.height())
                                .arg(cursor.x())
                                .arg(cursor.y())));
    QVERIFY(QRectF(QPointF(0, 0), QSizeF(m_window->size())).contains(popupRect));

    // Typing narrows the list; a letter that matches nothing closes it, Backspace does not
    // bring it back by itself, Ctrl+Space does.
    type(QStringLiteral("s"));
    QTRY_COMPARE(list->property("count").toInt(), 2);
    type(QStringLiteral("i"));
    QTRY_COMPARE(list->property("count").toInt(), 1);
    QVERIFY(popup->property("opened").toBool());
    QTest::keyClick(m_window, Qt::Key_Backspace);
    QTRY_COMPARE(list->property("count").toInt(), 2);
    QVERIFY(popup->property("opened").toBool());
    type(QStringLiteral("x"));
    QTRY_VERIFY(!popup->property("opened").toBool());
    QTest::keyClick(m_window, Qt::Key_Backspace);
    QTest::qWait(100);
    QVERIFY(!popup->property("opened").toBool());
    QTest::keyClick(m_window, Qt::Key_Space, Qt::ControlModifier);
    QTRY_VERIFY(popup->property("opened").toBool());
    QCOMPARE(list->property("count").toInt(), 2);

    // Down then Enter: the second suggestion replaces the typed "s".
    QCOMPARE(list->property("currentIndex").toInt(), 0);
    QTest::keyClick(m_window, Qt::Key_Down);
    QTRY_COMPARE(list->property("currentIndex").toInt(), 1);
    QTest::keyClick(m_window, Qt::Key_Up);
    QTRY_COMPARE(list->property("currentIndex").toInt(), 0);
    QTest::keyClick(m_window, Qt::Key_Down);
    QTRY_COMPARE(list->property("currentIndex").toInt(), 1);
    QTest::keyClick(m_window, Qt::Key_Return);
    QTRY_VERIFY(!popup->property("opened").toBool());
    QCOMPARE(text(), code + QStringLiteral("env.SITE_NAME"));
    QCOMPARE(m_area->property("cursorPosition").toInt(), int(text().size()));
    QVERIFY(m_area->hasActiveFocus());

    // Escape closes the list and leaves the text as it is; Enter is a new line again.
    type(QStringLiteral(";"));
    QTest::keyClick(m_window, Qt::Key_Return);
    type(QStringLiteral("env."));
    QTRY_VERIFY(popup->property("opened").toBool());
    QTest::keyClick(m_window, Qt::Key_Escape);
    QTRY_VERIFY(!popup->property("opened").toBool());
    QCOMPARE(text(), code + QStringLiteral("env.SITE_NAME;\nenv."));
    // In a comment, a dot opens nothing.
    type(QStringLiteral(" // see env."));
    QTest::qWait(100);
    QVERIFY(!popup->property("opened").toBool());
}

// Ctrl+Space opens the list on what is typed; Tab takes the first suggestion.
void tst_CodeEditor::ctrlSpaceCompletesGlobals()
{
    auto *popup = qvariant_cast<QObject *>(m_editor->property("completionPopup"));
    auto *list = child(m_editor, "completionList");
    const int end = int(code.indexOf(QLatin1String("\n};")));
    m_area->setProperty("cursorPosition", end);
    QTest::keyClick(m_window, Qt::Key_Return);
    type(QStringLiteral("Resp"));
    QVERIFY(!popup->property("opened").toBool());
    QTest::keyClick(m_window, Qt::Key_Space, Qt::ControlModifier);
    QTRY_VERIFY(popup->property("opened").toBool());
    auto *completion = qvariant_cast<QObject *>(m_editor->property("completion"));
    QString first;
    QVERIFY(QMetaObject::invokeMethod(completion, "name", Q_RETURN_ARG(QString, first),
                                      Q_ARG(int, 0)));
    QCOMPARE(first, QStringLiteral("Response"));
    QTRY_COMPARE(shownNames(list).value(0), QStringLiteral("Response"));
    QTest::keyClick(m_window, Qt::Key_Tab);
    QTRY_VERIFY(!popup->property("opened").toBool());
    QString expected = code;
    expected.insert(end, QStringLiteral("\nResponse"));
    QCOMPARE(text(), expected);

    // Inside a string, Ctrl+Space offers nothing.
    type(QStringLiteral(" + 'Resp"));
    QTest::keyClick(m_window, Qt::Key_Space, Qt::ControlModifier);
    QTest::qWait(100);
    QVERIFY(!popup->property("opened").toBool());
    QCOMPARE(completion->property("count").toInt(), 0);
}

// Alt+Click and Ctrl+Alt+Down add cursors; what is typed lands at each of them, Ctrl+Z takes
// each keystroke back at all of them at once, and Escape or a plain click leaves one cursor.
void tst_CodeEditor::typesAtEveryCursor()
{
    QTest::failOnWarning(QRegularExpression(QStringLiteral("\\.qml|QML|qml:")));
    auto *cursors = qvariant_cast<QObject *>(m_editor->property("cursors"));
    QVERIFY(cursors);
    const QString lines = QStringLiteral("let a = 1;\nlet b = 2;\nlet c = 3;\n");
    m_editor->setProperty("text", lines);
    QCOMPARE(cursors->property("count").toInt(), 1);
    // Clicked where the text is: scrolled back to its start (a test before may have left it
    // further down).
    auto *flick = qvariant_cast<QQuickItem *>(m_editor->property("flickable"));
    flick->setProperty("contentX", 0);
    flick->setProperty("contentY", 0);
    m_area->setProperty("cursorPosition", 4);

    QTest::keyClick(m_window, Qt::Key_Down, Qt::ControlModifier | Qt::AltModifier);
    QTRY_COMPARE(cursors->property("count").toInt(), 2);
    QCOMPARE(m_area->property("cursorPosition").toInt(), 4);
    QTest::mouseClick(m_window, Qt::LeftButton, Qt::AltModifier, scenePoint(26));
    QTRY_COMPARE(cursors->property("count").toInt(), 3);
    QVERIFY(m_area->hasActiveFocus());
    QCOMPARE(m_area->property("cursorPosition").toInt(), 4);
    QTRY_COMPARE(drawnCarets(), 2);

    type(QStringLiteral("xy"));
    QTRY_COMPARE(text(), QStringLiteral("let xya = 1;\nlet xyb = 2;\nlet xyc = 3;\n"));
    QCOMPARE(m_area->property("cursorPosition").toInt(), 6);
    QTest::keyClick(m_window, Qt::Key_Backspace);
    QTRY_COMPARE(text(), QStringLiteral("let xa = 1;\nlet xb = 2;\nlet xc = 3;\n"));
    QTest::keyClick(m_window, Qt::Key_Return);
    QTRY_COMPARE(text(), QStringLiteral("let x\na = 1;\nlet x\nb = 2;\nlet x\nc = 3;\n"));
    QTest::keyClick(m_window, Qt::Key_Tab);
    QTRY_COMPARE(text(), QStringLiteral("let x\n  a = 1;\nlet x\n  b = 2;\nlet x\n  c = 3;\n"));
    // The carets follow the text they stand in.
    QTRY_COMPARE(drawnCarets(), 2);
    QCOMPARE(m_area->property("cursorPosition").toInt(), 8);

    // Each Ctrl+Z is one keystroke at all three.
    QTest::keyClick(m_window, Qt::Key_Z, Qt::ControlModifier);
    QTRY_COMPARE(text(), QStringLiteral("let x\na = 1;\nlet x\nb = 2;\nlet x\nc = 3;\n"));
    QTest::keyClick(m_window, Qt::Key_Z, Qt::ControlModifier);
    QTRY_COMPARE(text(), QStringLiteral("let xa = 1;\nlet xb = 2;\nlet xc = 3;\n"));
    QTest::keyClick(m_window, Qt::Key_Z, Qt::ControlModifier);
    QTest::keyClick(m_window, Qt::Key_Z, Qt::ControlModifier);
    QTest::keyClick(m_window, Qt::Key_Z, Qt::ControlModifier);
    QTRY_COMPARE(text(), lines);

    // Escape: one cursor again, and typing is the TextArea's.
    QVERIFY(cursors->property("count").toInt() > 1);
    QTest::keyClick(m_window, Qt::Key_Escape);
    QTRY_COMPARE(cursors->property("count").toInt(), 1);
    QTRY_COMPARE(drawnCarets(), 0);
    const int at = m_area->property("cursorPosition").toInt();
    type(QStringLiteral("z"));
    QString typed = lines;
    typed.insert(at, u'z');
    QTRY_COMPARE(text(), typed);

    // A plain click drops the added cursors too, and puts the TextArea's where it lands.
    QTest::mouseClick(m_window, Qt::LeftButton, Qt::AltModifier, scenePoint(2));
    QTRY_COMPARE(cursors->property("count").toInt(), 2);
    QTest::mouseClick(m_window, Qt::LeftButton, {}, scenePoint(15));
    QTRY_COMPARE(cursors->property("count").toInt(), 1);
    QCOMPARE(m_area->property("cursorPosition").toInt(), 15);
}

// Ctrl+D selects the word at the cursor, then each next occurrence round the end; copy takes
// them all, what is typed replaces them all, and Ctrl+Z puts them back a keystroke at a time.
// Ctrl+Shift+L selects every occurrence at once.
void tst_CodeEditor::ctrlDSelectsEachOccurrence()
{
    QTest::failOnWarning(QRegularExpression(QStringLiteral("\\.qml|QML|qml:")));
    auto *cursors = qvariant_cast<QObject *>(m_editor->property("cursors"));
    const int first = int(code.indexOf(QLatin1String("greeting")));
    const int second = int(code.indexOf(QLatin1String("greeting"), first + 1));
    const int third = int(code.indexOf(QLatin1String("greeting"), second + 1));
    m_area->setProperty("cursorPosition", second + 3);

    QTest::keyClick(m_window, Qt::Key_D, Qt::ControlModifier);
    QTRY_COMPARE(selectionStart(), second);
    QCOMPARE(selectionEnd(), second + 8);
    QCOMPARE(cursors->property("count").toInt(), 1);
    QTest::keyClick(m_window, Qt::Key_D, Qt::ControlModifier);
    QTRY_COMPARE(cursors->property("count").toInt(), 2);
    QTest::keyClick(m_window, Qt::Key_D, Qt::ControlModifier);
    QTRY_COMPARE(cursors->property("count").toInt(), 3);
    QCOMPARE(cursors->property("segments").toList().size(), 2);
    // The TextArea keeps the one it started from.
    QCOMPARE(selectionStart(), second);
    // Copy takes all three, a line each.
    QGuiApplication::clipboard()->clear();
    QTest::keyClick(m_window, Qt::Key_C, Qt::ControlModifier);
    QTRY_COMPARE(QGuiApplication::clipboard()->text(),
                 QStringLiteral("greeting\ngreeting\ngreeting"));

    type(QStringLiteral("hi"));
    QString replaced = code;
    replaced.replace(QLatin1String("greeting"), QLatin1String("hi"));
    QTRY_COMPARE(text(), replaced);
    QVERIFY(third > second);
    QTest::keyClick(m_window, Qt::Key_Z, Qt::ControlModifier);
    QTest::keyClick(m_window, Qt::Key_Z, Qt::ControlModifier);
    QTRY_COMPARE(text(), code);
    QTest::keyClick(m_window, Qt::Key_Escape);
    QTRY_COMPARE(cursors->property("count").toInt(), 1);

    // Ctrl+Shift+L: all of them at once.
    m_area->setProperty("cursorPosition", first + 1);
    QTest::keyClick(m_window, Qt::Key_L, Qt::ControlModifier | Qt::ShiftModifier);
    QTRY_COMPARE(cursors->property("count").toInt(), 3);
    QCOMPARE(selectionStart(), first);
    QCOMPARE(selectionEnd(), first + 8);
    QTest::keyClick(m_window, Qt::Key_Escape);
    QTRY_COMPARE(cursors->property("count").toInt(), 1);
}

QTEST_MAIN(tst_CodeEditor)
#include "tst_codeeditor.moc"
