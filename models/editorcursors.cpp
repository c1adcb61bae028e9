#include "editorcursors.h"

#include "editorsearch.h"

#include <QClipboard>
#include <QGuiApplication>
#include <QTextBlock>

#include <algorithm>

namespace switchyard::models {

namespace {

bool isWordChar(QChar c)
{
    return c.isLetterOrNumber() || c == u'_' || c == u'$';
}

// The identifier `position` stands in or just after, as [start, end); empty when none.
std::pair<int, int> wordAt(const QString &text, int position)
{
    int start = qBound(0, position, int(text.size()));
    int end = start;
    while (start > 0 && isWordChar(text.at(start - 1)))
        --start;
    while (end < text.size() && isWordChar(text.at(end)))
        ++end;
    return {start, end};
}

bool overlap(const QTextCursor &a, const QTextCursor &b)
{
    const int as = a.selectionStart(), ae = a.selectionEnd();
    const int bs = b.selectionStart(), be = b.selectionEnd();
    if (as == bs && ae == be)
        return true;
    // Sharing characters, or a caret strictly inside the other's selection. Selections that only
    // touch stay apart, as Monaco keeps them.
    return qMax(as, bs) < qMin(ae, be) || (as == ae && bs < as && as < be)
            || (bs == be && as < bs && bs < ae);
}

// `into` grows to cover `other` too, keeping the side its cursor is on.
void join(QTextCursor &into, const QTextCursor &other)
{
    const int start = qMin(into.selectionStart(), other.selectionStart());
    const int end = qMax(into.selectionEnd(), other.selectionEnd());
    // Left as it is when it covers both: setting a cursor forgets the column Up and Down keep.
    if (start == into.selectionStart() && end == into.selectionEnd())
        return;
    const bool forward = into.position() >= into.anchor();
    into.setPosition(forward ? start : end);
    into.setPosition(forward ? end : start, QTextCursor::KeepAnchor);
}

} // namespace

EditorCursors::EditorCursors(QObject *parent) : QObject(parent)
{
    connect(&m_editor, &EditorDocument::textDocumentChanged, this,
            &EditorCursors::textDocumentChanged);
    connect(&m_editor, &EditorDocument::contentsChanged, this, &EditorCursors::attach);
    connect(&m_editor, &EditorDocument::cursorPositionChanged, this,
            &EditorCursors::cursorPositionChanged);
    connect(&m_editor, &EditorDocument::selectionChanged, this, &EditorCursors::selectionChanged);
}

void EditorCursors::setReadOnly(bool on)
{
    if (m_readOnly == on)
        return;
    m_readOnly = on;
    Q_EMIT readOnlyChanged();
}

void EditorCursors::attach()
{
    if (m_attached != document()) {
        disconnect(m_change);
        m_attached = document();
        m_cursors.clear();
        if (m_attached) {
            m_change = connect(m_attached, &QTextDocument::contentsChange, this,
                               &EditorCursors::onContentsChange);
            m_length = m_attached->characterCount();
        }
    }
    publish();
}

void EditorCursors::onContentsChange(int position, int removed, int added)
{
    Q_UNUSED(added);
    // The whole text replaced (another Worker opened, or everything selected and typed over):
    // the added cursors would all have fallen to its start.
    if (!m_editing && position == 0 && removed > 0 && removed >= m_length - 1)
        m_cursors.clear();
    m_length = m_attached ? m_attached->characterCount() : 0;
    publish();
}

QList<std::pair<int, int>> EditorCursors::ranges() const
{
    QList<std::pair<int, int>> list;
    if (!document())
        return list;
    const QTextCursor p = primary();
    list.append({p.anchor(), p.position()});
    for (const QTextCursor &c : m_cursors)
        list.append({c.anchor(), c.position()});
    std::sort(list.begin(), list.end(), [](const auto &a, const auto &b) {
        return std::min(a.first, a.second) < std::min(b.first, b.second);
    });
    return list;
}

QTextCursor EditorCursors::primary() const
{
    QTextCursor cursor(document());
    const int last = document()->characterCount() - 1;
    cursor.setPosition(qBound(0, m_editor.anchor(), last));
    cursor.setPosition(qBound(0, m_editor.cursorPosition(), last), QTextCursor::KeepAnchor);
    return cursor;
}

void EditorCursors::setPrimary(const QTextCursor &cursor)
{
    const int anchor = cursor.anchor();
    const int position = cursor.position();
    const QTextCursor before = primary();
    if (before.anchor() == anchor && before.position() == position)
        return;
    // Set here as well as through the TextArea, so the next key sees it however the view binds.
    m_editor.setSelectionStart(qMin(anchor, position));
    m_editor.setSelectionEnd(qMax(anchor, position));
    m_editor.setCursorPosition(position);
    Q_EMIT primaryMoved(anchor, position);
}

void EditorCursors::merge(QTextCursor &primary)
{
    bool joined = true;
    while (joined) {
        joined = false;
        for (qsizetype i = 0; i < m_cursors.size() && !joined; ++i) {
            if (overlap(primary, m_cursors.at(i))) {
                join(primary, m_cursors.at(i));
                m_cursors.removeAt(i);
                joined = true;
                break;
            }
            // The newer of two stays, so the last one added is still last.
            for (qsizetype j = i + 1; j < m_cursors.size(); ++j) {
                if (overlap(m_cursors.at(i), m_cursors.at(j))) {
                    join(m_cursors[j], m_cursors.at(i));
                    m_cursors.removeAt(i);
                    joined = true;
                    break;
                }
            }
        }
    }
}

void EditorCursors::publish()
{
    QVariantList carets;
    QVariantList segments;
    QTextDocument *doc = document();
    for (const QTextCursor &c : std::as_const(m_cursors)) {
        carets.append(c.position());
        int start = c.selectionStart();
        const int end = c.selectionEnd();
        while (doc && start < end) {
            const QTextBlock block = doc->findBlock(start);
            if (!block.isValid())
                break;
            const int lineEnd = qMin(end, block.position() + block.length() - 1);
            segments.append(QVariantMap {{QStringLiteral("start"), start},
                                         {QStringLiteral("end"), lineEnd}});
            start = block.position() + block.length();
        }
    }
    if (carets == m_carets && segments == m_segments)
        return;
    m_carets = std::move(carets);
    m_segments = std::move(segments);
    Q_EMIT cursorsChanged();
}

void EditorCursors::addCursor(int position)
{
    if (!document())
        return;
    position = qBound(0, position, document()->characterCount() - 1);
    for (qsizetype i = 0; i < m_cursors.size(); ++i) {
        if (!m_cursors.at(i).hasSelection() && m_cursors.at(i).position() == position) {
            m_cursors.removeAt(i);
            publish();
            return;
        }
    }
    QTextCursor p = primary();
    QTextCursor added(document());
    added.setPosition(position);
    m_cursors.append(added);
    merge(p);
    setPrimary(p);
    publish();
}

void EditorCursors::addVertical(int direction)
{
    if (!document())
        return;
    // Up and Down go by laid out lines: a document no view shows has none until asked.
    document()->documentLayout();
    QTextCursor p = primary();
    merge(p);
    QList<QTextCursor> sources = m_cursors;
    sources.prepend(p);
    int reveal = -1;
    for (const QTextCursor &source : std::as_const(sources)) {
        // Moved as the TextArea moves a cursor up and down, so one carried past a short line
        // comes back to its column on the next long one.
        QTextCursor added = source;
        added.clearSelection();
        if (!added.movePosition(direction < 0 ? QTextCursor::Up : QTextCursor::Down))
            continue;
        m_cursors.append(added);
        const int at = added.position();
        if (reveal < 0 || (direction < 0 ? at < reveal : at > reveal))
            reveal = at;
    }
    merge(p);
    setPrimary(p);
    publish();
    if (reveal >= 0)
        Q_EMIT revealed(reveal);
}

void EditorCursors::selectOccurrences(bool all)
{
    QTextDocument *doc = document();
    if (!doc)
        return;
    const QString text = doc->toPlainText();
    QTextCursor p = primary();
    merge(p);
    if (!p.hasSelection()) {
        // First the word at each cursor; the next Ctrl+D looks for it.
        const auto selectWord = [&text](QTextCursor &c) {
            if (c.hasSelection())
                return;
            const auto [start, end] = wordAt(text, c.position());
            c.setPosition(start);
            c.setPosition(end, QTextCursor::KeepAnchor);
        };
        selectWord(p);
        for (QTextCursor &c : m_cursors)
            selectWord(c);
        m_word = {p.selectionStart(), p.selectionEnd()};
        m_wholeWord = true;
        if (!all || !p.hasSelection()) {
            merge(p);
            setPrimary(p);
            publish();
            return;
        }
    }
    if (m_cursors.isEmpty())
        m_wholeWord = p.selectionStart() == m_word.first && p.selectionEnd() == m_word.second;
    const int length = p.selectionEnd() - p.selectionStart();
    const QString term = text.mid(p.selectionStart(), length);
    const QList<int> found = EditorSearch::find(text, term, true, m_wholeWord);
    const auto taken = [&](int start) {
        if (p.selectionStart() == start && p.selectionEnd() == start + length)
            return true;
        return std::any_of(m_cursors.cbegin(), m_cursors.cend(), [&](const QTextCursor &c) {
            return c.selectionStart() == start && c.selectionEnd() == start + length;
        });
    };
    if (all) {
        for (int at : found) {
            if (taken(at))
                continue;
            QTextCursor added(doc);
            added.setPosition(at);
            added.setPosition(at + length, QTextCursor::KeepAnchor);
            m_cursors.append(added);
        }
        merge(p);
        setPrimary(p);
        publish();
        return;
    }
    const QTextCursor &last = m_cursors.isEmpty() ? p : m_cursors.constLast();
    const auto from = std::lower_bound(found.cbegin(), found.cend(), last.selectionEnd());
    int next = -1;
    for (auto it = from; it != found.cend() && next < 0; ++it)
        if (!taken(*it))
            next = *it;
    for (auto it = found.cbegin(); it != from && next < 0; ++it)
        if (!taken(*it))
            next = *it;
    if (next < 0)
        return;
    QTextCursor added(doc);
    added.setPosition(next);
    added.setPosition(next + length, QTextCursor::KeepAnchor);
    m_cursors.append(added);
    merge(p);
    setPrimary(p);
    publish();
    Q_EMIT revealed(next);
}

bool EditorCursors::clear()
{
    if (m_cursors.isEmpty())
        return false;
    m_cursors.clear();
    publish();
    return true;
}

template<typename Edit> void EditorCursors::editAll(Edit edit)
{
    QTextDocument *doc = document();
    if (!doc || m_readOnly)
        return;
    QTextCursor p = primary();
    merge(p);
    QList<QTextCursor *> order {&p};
    for (QTextCursor &c : m_cursors)
        order.append(&c);
    std::sort(order.begin(), order.end(), [](const QTextCursor *a, const QTextCursor *b) {
        return a->selectionStart() < b->selectionStart();
    });
    // Each edit moves the cursors after it (they are the document's own), so the order they are
    // edited in does not matter; one edit block makes them one undo step.
    m_editing = true;
    QTextCursor block(doc);
    block.beginEditBlock();
    for (qsizetype i = 0; i < order.size(); ++i)
        edit(*order.at(i), int(i));
    block.endEditBlock();
    m_editing = false;
    merge(p);
    setPrimary(p);
    publish();
}

void EditorCursors::insert(const QString &text)
{
    editAll([&text](QTextCursor &c, int) { c.insertText(text); });
}

void EditorCursors::backspace()
{
    editAll([](QTextCursor &c, int) {
        if (c.hasSelection())
            c.removeSelectedText();
        else
            c.deletePreviousChar();
    });
}

void EditorCursors::deleteForward()
{
    editAll([](QTextCursor &c, int) {
        if (c.hasSelection())
            c.removeSelectedText();
        else
            c.deleteChar();
    });
}

void EditorCursors::paste(const QString &text)
{
    QString pasted = text;
    pasted.replace(QLatin1String("\r\n"), QLatin1String("\n"));
    QStringList lines = pasted.split(u'\n');
    if (lines.size() > 1 && lines.constLast().isEmpty())
        lines.removeLast();
    if (count() > 1 && lines.size() == count())
        editAll([&lines](QTextCursor &c, int i) { c.insertText(lines.at(i)); });
    else
        insert(pasted);
}

QString EditorCursors::selectedText() const
{
    if (!document())
        return {};
    QList<QTextCursor> all = m_cursors;
    all.append(primary());
    std::sort(all.begin(), all.end(), [](const QTextCursor &a, const QTextCursor &b) {
        return a.selectionStart() < b.selectionStart();
    });
    QStringList parts;
    for (const QTextCursor &c : std::as_const(all))
        if (c.hasSelection())
            parts.append(c.selectedText().replace(QChar::ParagraphSeparator, u'\n'));
    return parts.join(u'\n');
}

void EditorCursors::cut()
{
    const QString text = selectedText();
    if (text.isEmpty() || m_readOnly)
        return;
    QGuiApplication::clipboard()->setText(text);
    editAll([](QTextCursor &c, int) { c.removeSelectedText(); });
}

void EditorCursors::move(Move move, bool select)
{
    if (!document())
        return;
    document()->documentLayout();
    QTextCursor p = primary();
    merge(p);
    const auto mode = select ? QTextCursor::KeepAnchor : QTextCursor::MoveAnchor;
    const auto step = [&](QTextCursor &c) {
        // Left and Right first close a selection onto its own end, as the TextArea does.
        if (!select && c.hasSelection() && (move == Move::Left || move == Move::Right)) {
            c.setPosition(move == Move::Left ? c.selectionStart() : c.selectionEnd());
            return;
        }
        switch (move) {
        case Move::Left:
            c.movePosition(QTextCursor::PreviousCharacter, mode);
            break;
        case Move::Right:
            c.movePosition(QTextCursor::NextCharacter, mode);
            break;
        case Move::WordLeft:
            c.movePosition(QTextCursor::PreviousWord, mode);
            break;
        case Move::WordRight:
            c.movePosition(QTextCursor::NextWord, mode);
            break;
        case Move::Home:
            c.movePosition(QTextCursor::StartOfBlock, mode);
            break;
        case Move::End:
            c.movePosition(QTextCursor::EndOfBlock, mode);
            break;
        case Move::Up:
            // Past the first line, its start; past the last, its end.
            if (!c.movePosition(QTextCursor::Up, mode))
                c.movePosition(QTextCursor::StartOfBlock, mode);
            break;
        case Move::Down:
            if (!c.movePosition(QTextCursor::Down, mode))
                c.movePosition(QTextCursor::EndOfBlock, mode);
            break;
        }
    };
    step(p);
    for (QTextCursor &c : m_cursors)
        step(c);
    merge(p);
    setPrimary(p);
    publish();
}

bool EditorCursors::keyPress(int key, int modifiers, const QString &text)
{
    const auto mods = Qt::KeyboardModifiers::fromInt(modifiers)
            & (Qt::ShiftModifier | Qt::ControlModifier | Qt::AltModifier | Qt::MetaModifier);
    if (key == Qt::Key_D && mods == Qt::ControlModifier) {
        selectNextOccurrence();
        return true;
    }
    if (key == Qt::Key_L && mods == (Qt::ControlModifier | Qt::ShiftModifier)) {
        selectAllOccurrences();
        return true;
    }
    if ((key == Qt::Key_Up || key == Qt::Key_Down)
        && (mods == (Qt::ControlModifier | Qt::AltModifier)
            || mods == (Qt::ShiftModifier | Qt::AltModifier))) {
        addVertical(key == Qt::Key_Up ? -1 : 1);
        return true;
    }
    if (m_cursors.isEmpty())
        return false;
    const auto only = [mods](Qt::KeyboardModifiers allowed) {
        return !(mods & ~allowed);
    };
    const bool shift = mods.testFlag(Qt::ShiftModifier);
    const bool plain = only(Qt::ShiftModifier);
    switch (key) {
    case Qt::Key_Escape:
        return mods == Qt::NoModifier && clear();
    case Qt::Key_Backspace:
        if (!plain)
            return false;
        backspace();
        return true;
    case Qt::Key_C:
    case Qt::Key_X:
        if (mods != Qt::ControlModifier)
            break;
        if (key == Qt::Key_X)
            cut();
        else if (const QString text = selectedText(); !text.isEmpty())
            QGuiApplication::clipboard()->setText(text);
        return true;
    case Qt::Key_Delete:
        if (mods == Qt::ShiftModifier) {
            cut();
            return true;
        }
        if (!plain)
            return false;
        deleteForward();
        return true;
    case Qt::Key_Return:
    case Qt::Key_Enter:
        if (!plain)
            return false;
        insert(QStringLiteral("\n"));
        return true;
    case Qt::Key_Tab:
        if (mods != Qt::NoModifier)
            return false;
        // Two spaces, as the TextArea indents.
        insert(QStringLiteral("  "));
        return true;
    case Qt::Key_Left:
    case Qt::Key_Right:
        if (!only(Qt::ShiftModifier | Qt::ControlModifier))
            return false;
        if (mods.testFlag(Qt::ControlModifier))
            move(key == Qt::Key_Left ? Move::WordLeft : Move::WordRight, shift);
        else
            move(key == Qt::Key_Left ? Move::Left : Move::Right, shift);
        return true;
    case Qt::Key_Up:
    case Qt::Key_Down:
    case Qt::Key_Home:
    case Qt::Key_End:
        if (!plain)
            return false;
        move(key == Qt::Key_Up             ? Move::Up
                     : key == Qt::Key_Down ? Move::Down
                     : key == Qt::Key_Home ? Move::Home
                                           : Move::End,
             shift);
        return true;
    case Qt::Key_V:
        if (mods != Qt::ControlModifier)
            break;
        paste(QGuiApplication::clipboard()->text());
        return true;
    case Qt::Key_Insert:
        if (mods == Qt::ControlModifier) {
            if (const QString text = selectedText(); !text.isEmpty())
                QGuiApplication::clipboard()->setText(text);
            return true;
        }
        if (mods != Qt::ShiftModifier)
            return false;
        paste(QGuiApplication::clipboard()->text());
        return true;
    case Qt::Key_A:
        // Select all is one selection again: the TextArea makes it.
        if (mods == Qt::ControlModifier)
            clear();
        break;
    default:
        break;
    }
    if (!plain || text.isEmpty())
        return false;
    for (QChar c : text)
        if (!c.isPrint())
            return false;
    insert(text);
    return true;
}

} // namespace switchyard::models
