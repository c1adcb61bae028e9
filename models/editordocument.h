#pragma once

#include <QObject>
#include <QPointer>
#include <QQuickTextDocument>
#include <QTextDocument>

namespace switchyard::models {

// What each of the code editor's helpers follows: the document a TextArea hands over as a
// QQuickTextDocument (or a QTextDocument a test sets directly), told again whenever its text
// changes, and the TextArea's cursor and selection. The helpers own one and forward their QML
// properties to it.
class EditorDocument : public QObject
{
    Q_OBJECT
public:
    explicit EditorDocument(QObject *parent = nullptr);

    QQuickTextDocument *textDocument() const { return m_textDocument; }
    void setTextDocument(QQuickTextDocument *document);
    QTextDocument *document() const { return m_document; }
    void setDocument(QTextDocument *document);

    int cursorPosition() const { return m_cursor; }
    void setCursorPosition(int position);
    int selectionStart() const { return m_selectionStart; }
    void setSelectionStart(int position);
    int selectionEnd() const { return m_selectionEnd; }
    void setSelectionEnd(int position);
    // Where the selection was started from: the end of it the cursor is not at.
    int anchor() const;

Q_SIGNALS:
    void textDocumentChanged();
    // The text changed, or another document (or none) was set.
    void contentsChanged();
    void cursorPositionChanged();
    void selectionChanged();

private:
    QPointer<QQuickTextDocument> m_textDocument;
    QPointer<QTextDocument> m_document;
    QMetaObject::Connection m_contents;
    int m_cursor = 0;
    int m_selectionStart = 0;
    int m_selectionEnd = 0;
};

} // namespace switchyard::models
