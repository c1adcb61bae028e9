#include "editordocument.h"

namespace switchyard::models {

EditorDocument::EditorDocument(QObject *parent) : QObject(parent) { }

void EditorDocument::setTextDocument(QQuickTextDocument *document)
{
    if (m_textDocument == document)
        return;
    m_textDocument = document;
    setDocument(document ? document->textDocument() : nullptr);
    Q_EMIT textDocumentChanged();
}

void EditorDocument::setDocument(QTextDocument *document)
{
    if (m_document == document)
        return;
    disconnect(m_contents);
    m_document = document;
    if (document)
        m_contents = connect(document, &QTextDocument::contentsChanged, this,
                             &EditorDocument::contentsChanged);
    Q_EMIT contentsChanged();
}

void EditorDocument::setCursorPosition(int position)
{
    if (m_cursor == position)
        return;
    m_cursor = position;
    Q_EMIT cursorPositionChanged();
}

void EditorDocument::setSelectionStart(int position)
{
    if (m_selectionStart == position)
        return;
    m_selectionStart = position;
    Q_EMIT selectionChanged();
}

void EditorDocument::setSelectionEnd(int position)
{
    if (m_selectionEnd == position)
        return;
    m_selectionEnd = position;
    Q_EMIT selectionChanged();
}

int EditorDocument::anchor() const
{
    if (m_selectionStart == m_selectionEnd)
        return m_cursor;
    return m_cursor == m_selectionStart ? m_selectionEnd : m_selectionStart;
}

} // namespace switchyard::models
