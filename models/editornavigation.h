#pragma once

#include "editordocument.h"

#include <QByteArray>
#include <QObject>
#include <QQmlEngine>

namespace switchyard::models {

// Where the code editor's cursor can go besides typing: the bracket matching the one beside the
// cursor (Ctrl+M), and a typed line[:column] (Ctrl+G). Brackets are read by a small scanner that
// knows JavaScript's strings, template literals (with their ${} substitutions) and comments, so a
// "(" in a log message does not pair with code; it is not a parser, and does not know regular
// expression literals.
class EditorNavigation : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(QQuickTextDocument *textDocument READ textDocument WRITE setTextDocument NOTIFY
                       textDocumentChanged)
    Q_PROPERTY(int cursorPosition READ cursorPosition WRITE setCursorPosition NOTIFY
                       cursorPositionChanged)
    // The bracket beside the cursor (the one after it first, else the one before), or -1.
    Q_PROPERTY(int bracket READ bracket NOTIFY bracketsChanged)
    // Its partner, or -1 when it has none (unbalanced code).
    Q_PROPERTY(int matchingBracket READ matchingBracket NOTIFY bracketsChanged)
    // What the user typed into Go to line, and where that is: -1 with an empty or unreadable
    // entry, which `lineError` then explains (empty for an empty entry).
    Q_PROPERTY(QString lineInput READ lineInput WRITE setLineInput NOTIFY lineInputChanged)
    Q_PROPERTY(int linePosition READ linePosition NOTIFY lineTargetChanged)
    Q_PROPERTY(QString lineError READ lineError NOTIFY lineTargetChanged)
public:
    explicit EditorNavigation(QObject *parent = nullptr);

    QQuickTextDocument *textDocument() const { return m_editor.textDocument(); }
    void setTextDocument(QQuickTextDocument *document) { m_editor.setTextDocument(document); }
    void setDocument(QTextDocument *document) { m_editor.setDocument(document); }
    int cursorPosition() const { return m_editor.cursorPosition(); }
    void setCursorPosition(int position) { m_editor.setCursorPosition(position); }
    int bracket() const { return m_bracket; }
    int matchingBracket() const { return m_matching; }
    QString lineInput() const { return m_lineInput; }
    void setLineInput(const QString &input);
    int linePosition() const { return m_linePosition; }
    QString lineError() const { return m_lineError; }

    // The position of 1-based `line` and `column`, each clamped into the document.
    Q_INVOKABLE int positionOf(int line, int column = 1) const;

    // One byte per character of `text`: 1 where it is code, 0 inside a string, the text of a
    // template literal, or a comment.
    static QByteArray codeMask(const QString &text);
    // The partner of the bracket at `at` in `text`, or -1 (no bracket there, inside a string or
    // comment, or unbalanced). Only brackets of the same kind are counted.
    static int matchingBracket(const QString &text, const QByteArray &mask, int at);
    // The bracket `cursor` stands beside: the one at `cursor`, else the one before it; or -1.
    static int bracketBeside(const QString &text, const QByteArray &mask, int cursor);

Q_SIGNALS:
    void textDocumentChanged();
    void cursorPositionChanged();
    void bracketsChanged();
    void lineInputChanged();
    void lineTargetChanged();

private:
    void rescan();
    void updateBrackets();
    void updateLineTarget();

    EditorDocument m_editor;
    QString m_text;
    QByteArray m_mask;
    int m_bracket = -1;
    int m_matching = -1;
    QString m_lineInput;
    int m_linePosition = -1;
    QString m_lineError;
};

} // namespace switchyard::models
