// The code editor's further cursors: added by Alt+Click, Ctrl+Alt+Up/Down, Ctrl+D (walking the
// occurrences round the end) and Ctrl+Shift+L, collapsed by Escape; copy and cut of every
// selection; typing, Backspace, Delete, Enter, Tab and paste at every cursor in one undo step;
// cursors carried along by edits before them, and merged when they meet. Shown as text with `|` for
// each caret and [ ] round each selection.
#include "editorcursors.h"

#include <QClipboard>
#include <QGuiApplication>
#include <QSignalSpy>
#include <QTest>
#include <QTextCursor>
#include <QTextDocument>

using switchyard::models::EditorCursors;

namespace {

// The document's text with every cursor drawn in.
QString shown(const EditorCursors &cursors)
{
    QString text = cursors.document()->toPlainText();
    const auto ranges = cursors.ranges();
    for (auto it = ranges.crbegin(); it != ranges.crend(); ++it) {
        const auto [anchor, position] = *it;
        if (anchor == position) {
            text.insert(position, u'|');
        } else {
            text.insert(qMax(anchor, position), u']');
            text.insert(qMin(anchor, position), u'[');
        }
    }
    return text;
}

// Sets the document to `marked` without its one `|`, and the TextArea's cursor there.
void setUp(QTextDocument &doc, EditorCursors &cursors, const QString &marked)
{
    const int at = int(marked.indexOf(u'|'));
    QString text = marked;
    text.remove(at, 1);
    doc.setPlainText(text);
    cursors.setDocument(&doc);
    cursors.setSelectionStart(at);
    cursors.setSelectionEnd(at);
    cursors.setCursorPosition(at);
}

bool key(EditorCursors &cursors, int key, Qt::KeyboardModifiers modifiers = Qt::NoModifier,
         const QString &text = {})
{
    return cursors.keyPress(key, int(modifiers), text);
}

bool type(EditorCursors &cursors, const QString &text)
{
    bool handled = true;
    for (QChar c : text)
        handled = key(cursors, c.unicode(), Qt::NoModifier, QString(c)) && handled;
    return handled;
}

} // namespace

class tst_EditorCursors : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void altClickAddsAndRemoves()
    {
        QTextDocument doc;
        EditorCursors cursors;
        setUp(doc, cursors, QStringLiteral("|const a = 1;\nconst b = 2;\n"));
        QSignalSpy changed(&cursors, &EditorCursors::cursorsChanged);
        QSignalSpy moved(&cursors, &EditorCursors::primaryMoved);
        QCOMPARE(cursors.count(), 1);

        cursors.addCursor(13);
        QCOMPARE(shown(cursors), QStringLiteral("|const a = 1;\n|const b = 2;\n"));
        QCOMPARE(cursors.count(), 2);
        QCOMPARE(cursors.carets(), QVariantList {13});
        QCOMPARE(changed.size(), 1);
        // The TextArea's own cursor stays where it was.
        QCOMPARE(moved.size(), 0);

        // Where a cursor already is: the TextArea's adds nothing, an added one goes away.
        cursors.addCursor(0);
        QCOMPARE(cursors.count(), 2);
        QCOMPARE(changed.size(), 1);
        cursors.addCursor(13);
        QCOMPARE(cursors.count(), 1);
        QCOMPARE(changed.size(), 2);
        QCOMPARE(cursors.carets(), QVariantList {});
    }

    void verticalAddsKeepTheColumn()
    {
        QTextDocument doc;
        EditorCursors cursors;
        setUp(doc, cursors, QStringLiteral("abcd|ef\nab\nabcdef"));
        QSignalSpy revealed(&cursors, &EditorCursors::revealed);
        QVERIFY(key(cursors, Qt::Key_Down, Qt::ControlModifier | Qt::AltModifier));
        // Clamped to the short line's end...
        QCOMPARE(shown(cursors), QStringLiteral("abcd|ef\nab|\nabcdef"));
        QCOMPARE(revealed.size(), 1);
        QCOMPARE(revealed.last().at(0).toInt(), 9);
        // ...and back on its column on the next long one; the one below the first merges.
        QVERIFY(key(cursors, Qt::Key_Down, Qt::ControlModifier | Qt::AltModifier));
        QCOMPARE(shown(cursors), QStringLiteral("abcd|ef\nab|\nabcd|ef"));
        QCOMPARE(revealed.last().at(0).toInt(), 14);
        // Nothing below the last line, nothing new above the first.
        QVERIFY(key(cursors, Qt::Key_Down, Qt::ControlModifier | Qt::AltModifier));
        QCOMPARE(shown(cursors), QStringLiteral("abcd|ef\nab|\nabcd|ef"));
        QVERIFY(key(cursors, Qt::Key_Up, Qt::ControlModifier | Qt::AltModifier));
        QCOMPARE(shown(cursors), QStringLiteral("abcd|ef\nab|\nabcd|ef"));

        // Shift+Alt does the same, where the desktop keeps Ctrl+Alt+arrows for itself.
        setUp(doc, cursors, QStringLiteral("abcdef\nab\nab|cdef"));
        QCOMPARE(cursors.count(), 1);
        QVERIFY(key(cursors, Qt::Key_Up, Qt::ShiftModifier | Qt::AltModifier));
        QCOMPARE(shown(cursors), QStringLiteral("abcdef\nab|\nab|cdef"));
    }

    void typesAtEveryCursorInOneUndoStep()
    {
        const QString original = QStringLiteral("let a;\nlet b;\nlet c;\n");
        QTextDocument doc;
        EditorCursors cursors;
        setUp(doc, cursors, QStringLiteral("let |a;\nlet b;\nlet c;\n"));
        cursors.addCursor(11);
        cursors.addCursor(18);
        QCOMPARE(shown(cursors), QStringLiteral("let |a;\nlet |b;\nlet |c;\n"));
        QSignalSpy moved(&cursors, &EditorCursors::primaryMoved);
        QSignalSpy steps(&doc, &QTextDocument::undoCommandAdded);

        QVERIFY(type(cursors, QStringLiteral("xy")));
        QCOMPARE(shown(cursors), QStringLiteral("let xy|a;\nlet xy|b;\nlet xy|c;\n"));
        QCOMPARE(moved.last().at(1).toInt(), 6);
        QCOMPARE(steps.size(), 2);
        QVERIFY(key(cursors, Qt::Key_Backspace));
        QCOMPARE(shown(cursors), QStringLiteral("let x|a;\nlet x|b;\nlet x|c;\n"));
        QVERIFY(key(cursors, Qt::Key_Delete));
        QCOMPARE(shown(cursors), QStringLiteral("let x|;\nlet x|;\nlet x|;\n"));
        QVERIFY(key(cursors, Qt::Key_Tab));
        QCOMPARE(shown(cursors), QStringLiteral("let x  |;\nlet x  |;\nlet x  |;\n"));
        QVERIFY(key(cursors, Qt::Key_Return));
        QCOMPARE(shown(cursors), QStringLiteral("let x  \n|;\nlet x  \n|;\nlet x  \n|;\n"));
        QCOMPARE(steps.size(), 6);

        // One Undo takes back one keystroke at all three cursors.
        doc.undo();
        QCOMPARE(doc.toPlainText(), QStringLiteral("let x  ;\nlet x  ;\nlet x  ;\n"));
        for (int i = 0; i < 5; ++i)
            doc.undo();
        QCOMPARE(doc.toPlainText(), original);
        QVERIFY(!doc.isUndoAvailable());
    }

    void readOnlyTypesNothing()
    {
        QTextDocument doc;
        EditorCursors cursors;
        setUp(doc, cursors, QStringLiteral("|a\nb\n"));
        cursors.addCursor(2);
        cursors.setReadOnly(true);
        cursors.insert(QStringLiteral("x"));
        cursors.backspace();
        QCOMPARE(doc.toPlainText(), QStringLiteral("a\nb\n"));
        QCOMPARE(cursors.count(), 2);
    }

    void ctrlDWalksOccurrencesAndWraps()
    {
        const QString original = QStringLiteral("foo bar foo foobar foo\n");
        QTextDocument doc;
        EditorCursors cursors;
        setUp(doc, cursors, QStringLiteral("foo bar f|oo foobar foo\n"));
        QSignalSpy changed(&cursors, &EditorCursors::cursorsChanged);
        QSignalSpy moved(&cursors, &EditorCursors::primaryMoved);
        QSignalSpy revealed(&cursors, &EditorCursors::revealed);

        // First the word at the cursor, in the TextArea's own selection.
        QVERIFY(key(cursors, Qt::Key_D, Qt::ControlModifier));
        QCOMPARE(shown(cursors), QStringLiteral("foo bar [foo] foobar foo\n"));
        QCOMPARE(cursors.count(), 1);
        QCOMPARE(moved.size(), 1);
        QCOMPARE(moved.last().at(0).toInt(), 8);
        QCOMPARE(moved.last().at(1).toInt(), 11);
        // Then each next whole word, round the end; `foobar` is another word.
        QVERIFY(key(cursors, Qt::Key_D, Qt::ControlModifier));
        QCOMPARE(shown(cursors), QStringLiteral("foo bar [foo] foobar [foo]\n"));
        QCOMPARE(revealed.last().at(0).toInt(), 19);
        QVERIFY(key(cursors, Qt::Key_D, Qt::ControlModifier));
        QCOMPARE(shown(cursors), QStringLiteral("[foo] bar [foo] foobar [foo]\n"));
        QCOMPARE(revealed.last().at(0).toInt(), 0);
        QCOMPARE(cursors.segments().size(), 2);
        QCOMPARE(cursors.segments().at(1).toMap().value(QStringLiteral("start")).toInt(), 0);
        QCOMPARE(cursors.segments().at(1).toMap().value(QStringLiteral("end")).toInt(), 3);
        // All taken: nothing more.
        const int changes = int(changed.size());
        QVERIFY(key(cursors, Qt::Key_D, Qt::ControlModifier));
        QCOMPARE(cursors.count(), 3);
        QCOMPARE(changed.size(), changes);

        // Typing replaces every selection, in one undo step.
        QVERIFY(type(cursors, QStringLiteral("b")));
        QCOMPARE(shown(cursors), QStringLiteral("b| bar b| foobar b|\n"));
        doc.undo();
        QCOMPARE(doc.toPlainText(), original);

        // From a selection the user made, any occurrence, inside words too.
        setUp(doc, cursors, QStringLiteral("|foo bar foo foobar foo\n"));
        cursors.setSelectionEnd(3);
        cursors.setCursorPosition(3);
        QVERIFY(key(cursors, Qt::Key_D, Qt::ControlModifier));
        QVERIFY(key(cursors, Qt::Key_D, Qt::ControlModifier));
        QCOMPARE(shown(cursors), QStringLiteral("[foo] bar [foo] [foo]bar foo\n"));
    }

    void ctrlShiftLSelectsEveryOccurrence()
    {
        QTextDocument doc;
        EditorCursors cursors;
        setUp(doc, cursors, QStringLiteral("foo bar f|oo foobar foo\n"));
        QSignalSpy changed(&cursors, &EditorCursors::cursorsChanged);
        QVERIFY(key(cursors, Qt::Key_L, Qt::ControlModifier | Qt::ShiftModifier));
        QCOMPARE(shown(cursors), QStringLiteral("[foo] bar [foo] foobar [foo]\n"));
        QCOMPARE(changed.size(), 1);
        // On a space there is no word: nothing.
        setUp(doc, cursors, QStringLiteral("foo | foo\n"));
        QVERIFY(key(cursors, Qt::Key_L, Qt::ControlModifier | Qt::ShiftModifier));
        QCOMPARE(shown(cursors), QStringLiteral("foo | foo\n"));
    }

    void escapeLeavesOneCursor()
    {
        QTextDocument doc;
        EditorCursors cursors;
        setUp(doc, cursors, QStringLiteral("a|\nb\nc\n"));
        QVERIFY(!key(cursors, Qt::Key_Escape));
        QVERIFY(key(cursors, Qt::Key_Down, Qt::ControlModifier | Qt::AltModifier));
        QVERIFY(key(cursors, Qt::Key_Down, Qt::ControlModifier | Qt::AltModifier));
        QCOMPARE(cursors.count(), 3);
        QSignalSpy changed(&cursors, &EditorCursors::cursorsChanged);
        QSignalSpy moved(&cursors, &EditorCursors::primaryMoved);
        QVERIFY(key(cursors, Qt::Key_Escape));
        QCOMPARE(shown(cursors), QStringLiteral("a|\nb\nc\n"));
        QCOMPARE(changed.size(), 1);
        QCOMPARE(moved.size(), 0);
        // Alone again, keys are the TextArea's.
        QVERIFY(!key(cursors, Qt::Key_Escape));
        QVERIFY(!type(cursors, QStringLiteral("x")));
        QVERIFY(!key(cursors, Qt::Key_Left));
        QCOMPARE(doc.toPlainText(), QStringLiteral("a\nb\nc\n"));
    }

    void movesEveryCursor()
    {
        QTextDocument doc;
        EditorCursors cursors;
        setUp(doc, cursors, QStringLiteral("ab|cd\nefgh\nij\n"));
        cursors.addCursor(7);
        QCOMPARE(shown(cursors), QStringLiteral("ab|cd\nef|gh\nij\n"));
        QVERIFY(key(cursors, Qt::Key_Right));
        QCOMPARE(shown(cursors), QStringLiteral("abc|d\nefg|h\nij\n"));
        QVERIFY(key(cursors, Qt::Key_Home));
        QCOMPARE(shown(cursors), QStringLiteral("|abcd\n|efgh\nij\n"));
        QVERIFY(key(cursors, Qt::Key_End, Qt::ShiftModifier));
        QCOMPARE(shown(cursors), QStringLiteral("[abcd]\n[efgh]\nij\n"));
        // Left closes each selection onto its start.
        QVERIFY(key(cursors, Qt::Key_Left));
        QCOMPARE(shown(cursors), QStringLiteral("|abcd\n|efgh\nij\n"));
        QVERIFY(key(cursors, Qt::Key_End));
        QVERIFY(key(cursors, Qt::Key_Down));
        QCOMPARE(shown(cursors), QStringLiteral("abcd\nefgh|\nij|\n"));
    }

    void editsBeforeACursorMoveIt()
    {
        QTextDocument doc;
        EditorCursors cursors;
        setUp(doc, cursors, QStringLiteral("|const a = 1;\nconst b = 2;\n"));
        cursors.addCursor(19);
        QSignalSpy changed(&cursors, &EditorCursors::cursorsChanged);
        // An edit from elsewhere (the TextArea's own typing, a replace, an undo).
        QTextCursor(&doc).insertText(QStringLiteral("// two\n"));
        QCOMPARE(cursors.carets(), QVariantList {26});
        QCOMPARE(changed.size(), 1);
        QTextCursor after(&doc);
        after.setPosition(30);
        after.insertText(QStringLiteral("zzz"));
        QCOMPARE(cursors.carets(), QVariantList {26});
        QCOMPARE(changed.size(), 1);

        // Edits at the cursors themselves move the ones after them as well.
        setUp(doc, cursors, QStringLiteral("|a\nb\nc"));
        cursors.addCursor(2);
        cursors.addCursor(4);
        QVERIFY(key(cursors, Qt::Key_Return));
        QCOMPARE(shown(cursors), QStringLiteral("\n|a\n\n|b\n\n|c"));
    }

    void cursorsThatMeetMerge()
    {
        QTextDocument doc;
        EditorCursors cursors;
        setUp(doc, cursors, QStringLiteral("a|bcd"));
        cursors.addCursor(2);
        QCOMPARE(cursors.count(), 2);
        QVERIFY(key(cursors, Qt::Key_Left));
        QCOMPARE(shown(cursors), QStringLiteral("|a|bcd"));
        QSignalSpy changed(&cursors, &EditorCursors::cursorsChanged);
        QVERIFY(key(cursors, Qt::Key_Left));
        QCOMPARE(shown(cursors), QStringLiteral("|abcd"));
        QCOMPARE(cursors.count(), 1);
        QCOMPARE(changed.size(), 1);

        // Backspace at two neighbouring cursors: both characters go, one cursor is left.
        setUp(doc, cursors, QStringLiteral("a|bcd"));
        cursors.addCursor(2);
        QVERIFY(key(cursors, Qt::Key_Backspace));
        QCOMPARE(shown(cursors), QStringLiteral("|cd"));
        QCOMPARE(cursors.count(), 1);

        // Overlapping selections become one.
        setUp(doc, cursors, QStringLiteral("aaa|a"));
        QVERIFY(key(cursors, Qt::Key_D, Qt::ControlModifier));
        QCOMPARE(shown(cursors), QStringLiteral("[aaaa]"));
        cursors.addCursor(2);
        QCOMPARE(cursors.count(), 1);
    }

    void pasteSpreadsLinesOverCursors()
    {
        QTextDocument doc;
        EditorCursors cursors;
        setUp(doc, cursors, QStringLiteral("|a\nb\nc"));
        cursors.addCursor(2);
        cursors.addCursor(4);
        cursors.paste(QStringLiteral("1\n2\n3\n"));
        QCOMPARE(shown(cursors), QStringLiteral("1|a\n2|b\n3|c"));
        cursors.paste(QStringLiteral("x\ny"));
        QCOMPARE(doc.toPlainText(), QStringLiteral("1x\nya\n2x\nyb\n3x\nyc"));
        QCOMPARE(cursors.count(), 3);
    }

    void copiesAndCutsEverySelection()
    {
        QTextDocument doc;
        EditorCursors cursors;
        setUp(doc, cursors, QStringLiteral("a|1 b2\nc3 a1\n"));
        QVERIFY(key(cursors, Qt::Key_D, Qt::ControlModifier));
        QVERIFY(key(cursors, Qt::Key_D, Qt::ControlModifier));
        QCOMPARE(shown(cursors), QStringLiteral("[a1] b2\nc3 [a1]\n"));
        QGuiApplication::clipboard()->clear();
        QVERIFY(key(cursors, Qt::Key_C, Qt::ControlModifier));
        QCOMPARE(QGuiApplication::clipboard()->text(), QStringLiteral("a1\na1"));
        QCOMPARE(doc.toPlainText(), QStringLiteral("a1 b2\nc3 a1\n"));

        QGuiApplication::clipboard()->clear();
        QVERIFY(key(cursors, Qt::Key_X, Qt::ControlModifier));
        QCOMPARE(QGuiApplication::clipboard()->text(), QStringLiteral("a1\na1"));
        QCOMPARE(shown(cursors), QStringLiteral("| b2\nc3 |\n"));
        // Pasted back at as many cursors: one line each, as they were.
        QVERIFY(key(cursors, Qt::Key_V, Qt::ControlModifier));
        QCOMPARE(shown(cursors), QStringLiteral("a1| b2\nc3 a1|\n"));
        doc.undo();
        doc.undo();
        QCOMPARE(doc.toPlainText(), QStringLiteral("a1 b2\nc3 a1\n"));
    }

    void newTextDropsTheAddedCursors()
    {
        QTextDocument doc;
        EditorCursors cursors;
        setUp(doc, cursors, QStringLiteral("|a\nb\nc"));
        cursors.addCursor(2);
        cursors.addCursor(4);
        QSignalSpy changed(&cursors, &EditorCursors::cursorsChanged);
        doc.setPlainText(QStringLiteral("another\nworker\n"));
        QCOMPARE(cursors.count(), 1);
        QCOMPARE(changed.size(), 1);

        cursors.addCursor(3);
        QTextDocument other(QStringLiteral("x"));
        cursors.setDocument(&other);
        QCOMPARE(cursors.count(), 1);
    }
};

QTEST_MAIN(tst_EditorCursors)
#include "tst_editorcursors.moc"
