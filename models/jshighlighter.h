#pragma once

#include <QPointer>
#include <QQmlEngine>
#include <QQuickTextDocument>
#include <QRegularExpression>
#include <QSyntaxHighlighter>

namespace switchyard::models {

// JavaScript colouring for the code editor's TextArea (keywords, strings and template literals,
// numbers, comments), plus the line a load error points at, underlined in red.
class JsHighlighter : public QSyntaxHighlighter
{
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(QQuickTextDocument *textDocument READ textDocument WRITE setTextDocument NOTIFY
                       textDocumentChanged)
    Q_PROPERTY(int errorLine READ errorLine WRITE setErrorLine NOTIFY errorLineChanged)
    Q_PROPERTY(bool dark READ dark WRITE setDark NOTIFY darkChanged)
public:
    explicit JsHighlighter(QObject *parent = nullptr);

    QQuickTextDocument *textDocument() const { return m_textDocument; }
    void setTextDocument(QQuickTextDocument *document);
    int errorLine() const { return m_errorLine; } // 1-based; 0 for none
    void setErrorLine(int line);
    bool dark() const { return m_dark; }
    void setDark(bool dark);

Q_SIGNALS:
    void textDocumentChanged();
    void errorLineChanged();
    void darkChanged();

protected:
    void highlightBlock(const QString &text) override;

private:
    enum State { Normal = 0, InBlockComment = 1, InTemplate = 2 };
    void setUpFormats();

    QPointer<QQuickTextDocument> m_textDocument;
    int m_errorLine = 0;
    bool m_dark = false;
    QTextCharFormat m_keyword, m_string, m_number, m_comment, m_literal, m_error;
};

} // namespace switchyard::models
