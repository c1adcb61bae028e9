#include "editorsearch.h"

#include <QTextCursor>

#include <algorithm>

namespace switchyard::models {

namespace {

// What a JavaScript identifier is made of, so "whole word" agrees with the language: `$el` and
// `_id` are words, `a.b` is two.
bool isWordChar(QChar c)
{
    return c.isLetterOrNumber() || c == u'_' || c == u'$';
}

} // namespace

EditorSearch::EditorSearch(QObject *parent) : QObject(parent)
{
    connect(&m_editor, &EditorDocument::textDocumentChanged, this,
            &EditorSearch::textDocumentChanged);
    connect(&m_editor, &EditorDocument::contentsChanged, this, &EditorSearch::refind);
    connect(&m_editor, &EditorDocument::selectionChanged, this, &EditorSearch::selectionChanged);
    connect(&m_editor, &EditorDocument::selectionChanged, this, &EditorSearch::updateCurrent);
}

void EditorSearch::setTerm(const QString &term)
{
    if (m_term == term)
        return;
    m_term = term;
    Q_EMIT termChanged();
    refind();
}

void EditorSearch::setCaseSensitive(bool on)
{
    if (m_caseSensitive == on)
        return;
    m_caseSensitive = on;
    Q_EMIT caseSensitiveChanged();
    refind();
}

void EditorSearch::setWholeWord(bool on)
{
    if (m_wholeWord == on)
        return;
    m_wholeWord = on;
    Q_EMIT wholeWordChanged();
    refind();
}

QVariantList EditorSearch::matches() const
{
    QVariantList list;
    list.reserve(m_matches.size());
    for (int start : m_matches)
        list.append(start);
    return list;
}

QList<int> EditorSearch::find(const QString &text, const QString &term, bool caseSensitive,
                              bool wholeWord)
{
    QList<int> found;
    if (term.isEmpty())
        return found;
    const Qt::CaseSensitivity cs = caseSensitive ? Qt::CaseSensitive : Qt::CaseInsensitive;
    const qsizetype length = term.size();
    qsizetype at = text.indexOf(term, 0, cs);
    while (at >= 0) {
        const bool word = !wholeWord
                || ((at == 0 || !isWordChar(text.at(at - 1)))
                    && (at + length >= text.size() || !isWordChar(text.at(at + length))));
        if (word) {
            found.append(int(at));
            at = text.indexOf(term, at + length, cs);
        } else {
            at = text.indexOf(term, at + 1, cs);
        }
    }
    return found;
}

void EditorSearch::refind()
{
    // One character per document position (a block break is one '\n'), so a match's index in
    // this text is its position in the document and in the TextArea.
    const QString text = document() ? document()->toPlainText() : QString();
    QList<int> found = find(text, m_term, m_caseSensitive, m_wholeWord);
    if (found != m_matches) {
        m_matches = std::move(found);
        Q_EMIT matchesChanged();
    }
    updateCurrent();
    updateStatus();
}

void EditorSearch::updateCurrent()
{
    int current = -1;
    if (selectionEnd() - selectionStart() == m_term.size()) {
        const auto it = std::lower_bound(m_matches.cbegin(), m_matches.cend(), selectionStart());
        if (it != m_matches.cend() && *it == selectionStart())
            current = int(it - m_matches.cbegin());
    }
    if (current != m_current) {
        m_current = current;
        Q_EMIT currentChanged();
    }
    updateStatus();
}

void EditorSearch::updateStatus()
{
    QString status;
    if (!m_term.isEmpty()) {
        if (m_matches.isEmpty())
            status = tr("No results");
        else if (m_current >= 0)
            status = tr("%1 of %2").arg(m_current + 1).arg(m_matches.size());
        else
            status = m_matches.size() == 1 ? tr("1 match") : tr("%1 matches").arg(m_matches.size());
    }
    if (status != m_status) {
        m_status = status;
        Q_EMIT statusChanged();
    }
}

int EditorSearch::next(int from) const
{
    if (m_matches.isEmpty())
        return -1;
    const auto it = std::lower_bound(m_matches.cbegin(), m_matches.cend(), from);
    return it == m_matches.cend() ? 0 : int(it - m_matches.cbegin());
}

int EditorSearch::previous(int before) const
{
    if (m_matches.isEmpty())
        return -1;
    const auto it = std::lower_bound(m_matches.cbegin(), m_matches.cend(), before);
    return it == m_matches.cbegin() ? int(m_matches.size()) - 1 : int(it - m_matches.cbegin()) - 1;
}

int EditorSearch::nextMatch() const
{
    return next(m_current >= 0 ? selectionEnd() : selectionStart());
}

int EditorSearch::previousMatch() const
{
    return previous(selectionStart());
}

int EditorSearch::start(int index) const
{
    return index >= 0 && index < m_matches.size() ? m_matches.at(index) : -1;
}

int EditorSearch::end(int index) const
{
    return index >= 0 && index < m_matches.size() ? m_matches.at(index) + int(m_term.size()) : -1;
}

int EditorSearch::replace(int start, int end, const QString &replacement)
{
    if (!document() || end - start != m_term.size() || !m_matches.contains(start))
        return next(start);
    QTextCursor cursor(document());
    cursor.beginEditBlock();
    cursor.setPosition(start);
    cursor.setPosition(end, QTextCursor::KeepAnchor);
    cursor.insertText(replacement);
    cursor.endEditBlock();
    // contentsChanged has found the matches again by now.
    return next(start + int(replacement.size()));
}

int EditorSearch::replaceAll(const QString &replacement)
{
    if (!document() || m_matches.isEmpty())
        return 0;
    const QList<int> targets = m_matches;
    const int length = int(m_term.size());
    QTextCursor cursor(document());
    cursor.beginEditBlock();
    // From the last match back, so the positions still to replace stay where they were found.
    for (auto it = targets.crbegin(); it != targets.crend(); ++it) {
        cursor.setPosition(*it);
        cursor.setPosition(*it + length, QTextCursor::KeepAnchor);
        cursor.insertText(replacement);
    }
    cursor.endEditBlock();
    return int(targets.size());
}

} // namespace switchyard::models
