#pragma once

#include "editordocument.h"

#include <QObject>
#include <QQmlEngine>
#include <QVariantList>

namespace switchyard::models {

// Find and replace in the code editor's document. Matches are plain text (no regular
// expressions), optionally case-sensitive and whole-word, found again whenever the text changes;
// the view selects them and draws them, this decides where they are. A replace is made on the
// document itself, one edit block each, so the editor's Undo takes back a Replace all at once.
class EditorSearch : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(QQuickTextDocument *textDocument READ textDocument WRITE setTextDocument NOTIFY
                       textDocumentChanged)
    Q_PROPERTY(QString term READ term WRITE setTerm NOTIFY termChanged)
    Q_PROPERTY(bool caseSensitive READ caseSensitive WRITE setCaseSensitive NOTIFY
                       caseSensitiveChanged)
    Q_PROPERTY(bool wholeWord READ wholeWord WRITE setWholeWord NOTIFY wholeWordChanged)
    // The editor's selection: the match it covers is the current one.
    Q_PROPERTY(
            int selectionStart READ selectionStart WRITE setSelectionStart NOTIFY selectionChanged)
    Q_PROPERTY(int selectionEnd READ selectionEnd WRITE setSelectionEnd NOTIFY selectionChanged)
    // Where each match starts; every match is `length` characters long.
    Q_PROPERTY(QVariantList matches READ matches NOTIFY matchesChanged)
    Q_PROPERTY(int count READ count NOTIFY matchesChanged)
    Q_PROPERTY(int length READ length NOTIFY matchesChanged)
    // Index of the selected match, or -1 when the selection is not a match.
    Q_PROPERTY(int current READ current NOTIFY currentChanged)
    // "3 of 7", "7 matches", "No results", or empty with no term.
    Q_PROPERTY(QString status READ status NOTIFY statusChanged)
public:
    explicit EditorSearch(QObject *parent = nullptr);

    QQuickTextDocument *textDocument() const { return m_editor.textDocument(); }
    void setTextDocument(QQuickTextDocument *document) { m_editor.setTextDocument(document); }
    // The document searched; what setTextDocument() sets, and what tests set directly.
    void setDocument(QTextDocument *document) { m_editor.setDocument(document); }
    QTextDocument *document() const { return m_editor.document(); }

    QString term() const { return m_term; }
    void setTerm(const QString &term);
    bool caseSensitive() const { return m_caseSensitive; }
    void setCaseSensitive(bool on);
    bool wholeWord() const { return m_wholeWord; }
    void setWholeWord(bool on);
    int selectionStart() const { return m_editor.selectionStart(); }
    void setSelectionStart(int position) { m_editor.setSelectionStart(position); }
    int selectionEnd() const { return m_editor.selectionEnd(); }
    void setSelectionEnd(int position) { m_editor.setSelectionEnd(position); }

    QVariantList matches() const;
    int count() const { return int(m_matches.size()); }
    int length() const { return m_matches.isEmpty() ? 0 : int(m_term.size()); }
    int current() const { return m_current; }
    QString status() const { return m_status; }

    // The first match starting at or after `from`, wrapping to the first one; -1 with none.
    Q_INVOKABLE int next(int from) const;
    // The last match starting before `before`, wrapping to the last one; -1 with none.
    Q_INVOKABLE int previous(int before) const;
    // From the editor's selection: the match after the current one, or the first at or after the
    // selection when it is not a match (so a term typed longer keeps the match it had); and the
    // one before the selection. Both wrap; -1 with no match.
    Q_INVOKABLE int nextMatch() const;
    Q_INVOKABLE int previousMatch() const;
    Q_INVOKABLE int start(int index) const;
    Q_INVOKABLE int end(int index) const;
    // Replaces the match [start, end) if it is one, in one undo step; returns the match to select
    // next (searching on after the replacement, or from `start` when it was not a match).
    Q_INVOKABLE int replace(int start, int end, const QString &replacement);
    // Replaces every match in one undo step; returns how many.
    Q_INVOKABLE int replaceAll(const QString &replacement);

    // Every match of `term` in `text`, as the editor finds them: left to right, not overlapping.
    static QList<int> find(const QString &text, const QString &term, bool caseSensitive,
                           bool wholeWord);

Q_SIGNALS:
    void textDocumentChanged();
    void termChanged();
    void caseSensitiveChanged();
    void wholeWordChanged();
    void selectionChanged();
    void matchesChanged();
    void currentChanged();
    void statusChanged();

private:
    void refind();
    void updateCurrent();
    void updateStatus();

    EditorDocument m_editor;
    QString m_term;
    bool m_caseSensitive = false;
    bool m_wholeWord = false;
    QList<int> m_matches;
    int m_current = -1;
    QString m_status;
};

} // namespace switchyard::models
