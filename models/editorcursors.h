#pragma once

#include "editordocument.h"

#include <QList>
#include <QObject>
#include <QQmlEngine>
#include <QTextCursor>
#include <QVariantList>

#include <utility>

namespace switchyard::models {

// The code editor's further cursors, as Monaco has them: Alt+Click adds one where clicked,
// Ctrl+Alt+Up/Down (or Shift+Alt+Up/Down, where the desktop takes Ctrl+Alt) one on the line above
// or below every cursor at its column, Ctrl+D selects the word at the cursor and then adds the
// next occurrence of the selection, round the end, Ctrl+Shift+L every occurrence at once; Escape
// leaves the TextArea's own cursor alone.
// While there are more, typing, Backspace, Delete, Enter, Tab and paste act at every cursor
// (replacing each selection) in one undo step, Left/Right/Up/Down/Home/End move them all, and
// copy and cut take every selection.
// The added cursors are QTextCursors on the document, so every edit, wherever it comes from,
// moves them as it moves the text; cursors that meet become one. The TextArea keeps its own
// cursor (the primary): this reads it from the properties below and moves it through
// primaryMoved().
class EditorCursors : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(QQuickTextDocument *textDocument READ textDocument WRITE setTextDocument NOTIFY
                       textDocumentChanged)
    Q_PROPERTY(int cursorPosition READ cursorPosition WRITE setCursorPosition NOTIFY
                       cursorPositionChanged)
    Q_PROPERTY(
            int selectionStart READ selectionStart WRITE setSelectionStart NOTIFY selectionChanged)
    Q_PROPERTY(int selectionEnd READ selectionEnd WRITE setSelectionEnd NOTIFY selectionChanged)
    // Cursors are added and moved, but nothing is typed through them.
    Q_PROPERTY(bool readOnly READ readOnly WRITE setReadOnly NOTIFY readOnlyChanged)
    // Every cursor, the TextArea's own included: 1 until one is added.
    Q_PROPERTY(int count READ count NOTIFY cursorsChanged)
    // Where each added cursor stands, to draw its caret.
    Q_PROPERTY(QVariantList carets READ carets NOTIFY cursorsChanged)
    // The added cursors' selections cut at line ends, each {start, end} on one line.
    Q_PROPERTY(QVariantList segments READ segments NOTIFY cursorsChanged)
public:
    explicit EditorCursors(QObject *parent = nullptr);

    QQuickTextDocument *textDocument() const { return m_editor.textDocument(); }
    void setTextDocument(QQuickTextDocument *document) { m_editor.setTextDocument(document); }
    void setDocument(QTextDocument *document) { m_editor.setDocument(document); }
    QTextDocument *document() const { return m_editor.document(); }
    int cursorPosition() const { return m_editor.cursorPosition(); }
    void setCursorPosition(int position) { m_editor.setCursorPosition(position); }
    int selectionStart() const { return m_editor.selectionStart(); }
    void setSelectionStart(int position) { m_editor.setSelectionStart(position); }
    int selectionEnd() const { return m_editor.selectionEnd(); }
    void setSelectionEnd(int position) { m_editor.setSelectionEnd(position); }
    bool readOnly() const { return m_readOnly; }
    void setReadOnly(bool on);

    int count() const { return int(m_cursors.size()) + 1; }
    QVariantList carets() const { return m_carets; }
    QVariantList segments() const { return m_segments; }
    // Every cursor as (anchor, position), the primary's included, in the order of the text.
    QList<std::pair<int, int>> ranges() const;

    // Alt+Click: a cursor at `position`; on an added cursor, removes it instead.
    Q_INVOKABLE void addCursor(int position);
    // Ctrl+Alt+Up/Down: a cursor on the line above (below) each one, at its column or the line's
    // end when that is shorter.
    Q_INVOKABLE void addCursorAbove() { addVertical(-1); }
    Q_INVOKABLE void addCursorBelow() { addVertical(1); }
    // Ctrl+D: with nothing selected, selects the word at the cursor; then adds the next
    // occurrence of the selection after the last one added, round the end (whole words and
    // matching case when it started from a word, as Monaco does).
    Q_INVOKABLE void selectNextOccurrence() { selectOccurrences(false); }
    // Ctrl+Shift+L: every occurrence at once (the word at the cursor's, with nothing selected).
    Q_INVOKABLE void selectAllOccurrences() { selectOccurrences(true); }
    // Escape: only the TextArea's cursor is left; false when it was already alone.
    Q_INVOKABLE bool clear();
    // At every cursor, as one undo step.
    Q_INVOKABLE void insert(const QString &text);
    Q_INVOKABLE void backspace();
    Q_INVOKABLE void deleteForward();
    // The clipboard's text at every cursor; one line at each when it has as many lines as there
    // are cursors.
    Q_INVOKABLE void paste(const QString &text);
    // Every cursor's selection in the order of the text, a line each, as Monaco copies several;
    // empty when none has one.
    Q_INVOKABLE QString selectedText() const;
    // Ctrl+X: the selections to the clipboard and out of the text, in one undo step.
    Q_INVOKABLE void cut();
    // The keys above, as the TextArea receives them; true when handled here, false for the
    // TextArea to handle (everything, while it has the only cursor, but Ctrl+D and adding one).
    Q_INVOKABLE bool keyPress(int key, int modifiers, const QString &text);

Q_SIGNALS:
    void textDocumentChanged();
    void cursorPositionChanged();
    void selectionChanged();
    void readOnlyChanged();
    void cursorsChanged();
    // The TextArea's own cursor is to be put here (its selection from `anchor`).
    void primaryMoved(int anchor, int position);
    // A cursor was added at `position`: the view scrolls to it.
    void revealed(int position);

private:
    enum class Move { Left, Right, WordLeft, WordRight, Up, Down, Home, End };

    QTextCursor primary() const;
    void setPrimary(const QTextCursor &cursor);
    void addVertical(int direction);
    void selectOccurrences(bool all);
    void move(Move move, bool select);
    // Runs `edit` on every cursor, its index in the order of the text passed along, in one edit
    // block.
    template<typename Edit> void editAll(Edit edit);
    // Joins cursors that overlap or stand at the same place; one joined with the primary is the
    // primary.
    void merge(QTextCursor &primary);
    void attach();
    void onContentsChange(int position, int removed, int added);
    void publish();

    EditorDocument m_editor;
    QPointer<QTextDocument> m_attached;
    QMetaObject::Connection m_change;
    // The added cursors, oldest first.
    QList<QTextCursor> m_cursors;
    bool m_readOnly = false;
    bool m_editing = false;
    int m_length = 0;
    // Ctrl+D's selection was the word at the cursor: its occurrences are whole words.
    std::pair<int, int> m_word {-1, -1};
    bool m_wholeWord = false;
    QVariantList m_carets;
    QVariantList m_segments;
};

} // namespace switchyard::models
