#include "jshighlighter.h"

#include <QTextDocument>

namespace switchyard::models {

JsHighlighter::JsHighlighter(QObject *parent) : QSyntaxHighlighter(parent)
{
    setUpFormats();
}

void JsHighlighter::setUpFormats()
{
    m_keyword.setForeground(m_dark ? QColor(0xc6, 0x78, 0xdd) : QColor(0x7b, 0x1f, 0xa2));
    m_keyword.setFontWeight(QFont::DemiBold);
    m_string.setForeground(m_dark ? QColor(0x98, 0xc3, 0x79) : QColor(0x2e, 0x7d, 0x32));
    m_number.setForeground(m_dark ? QColor(0xd1, 0x9a, 0x66) : QColor(0xb2, 0x55, 0x00));
    m_literal.setForeground(m_dark ? QColor(0x56, 0xb6, 0xc2) : QColor(0x00, 0x69, 0x7c));
    m_comment.setForeground(m_dark ? QColor(0x7f, 0x84, 0x8e) : QColor(0x75, 0x75, 0x75));
    m_comment.setFontItalic(true);
    m_error.setUnderlineStyle(QTextCharFormat::WaveUnderline);
    m_error.setUnderlineColor(QColor(0xd3, 0x2f, 0x2f));
    m_error.setBackground(QColor(0xd3, 0x2f, 0x2f, 40));
}

void JsHighlighter::setTextDocument(QQuickTextDocument *document)
{
    if (m_textDocument == document)
        return;
    m_textDocument = document;
    setDocument(document ? document->textDocument() : nullptr);
    Q_EMIT textDocumentChanged();
}

void JsHighlighter::setErrorLine(int line)
{
    if (m_errorLine == line)
        return;
    m_errorLine = line;
    rehighlight();
    Q_EMIT errorLineChanged();
}

void JsHighlighter::setDark(bool dark)
{
    if (m_dark == dark)
        return;
    m_dark = dark;
    setUpFormats();
    rehighlight();
    Q_EMIT darkChanged();
}

void JsHighlighter::highlightBlock(const QString &text)
{
    static const QRegularExpression keywords(QStringLiteral(
            "\\b(async|await|break|case|catch|class|const|continue|default|delete|do|else|export|"
            "extends|finally|for|from|function|if|import|in|instanceof|let|new|of|return|static|"
            "super|switch|this|throw|try|typeof|var|void|while|yield)\\b"));
    static const QRegularExpression literals(
            QStringLiteral("\\b(true|false|null|undefined|NaN|Infinity)\\b"));
    static const QRegularExpression numbers(
            QStringLiteral("\\b(0[xX][0-9a-fA-F_]+|\\d[\\d_]*(\\.\\d+)?([eE][+-]?\\d+)?n?)\\b"));
    for (const auto *rule : {&keywords, &literals, &numbers}) {
        const QTextCharFormat &format
                = rule == &keywords ? m_keyword : (rule == &literals ? m_literal : m_number);
        auto it = rule->globalMatch(text);
        while (it.hasNext()) {
            const auto m = it.next();
            setFormat(int(m.capturedStart()), int(m.capturedLength()), format);
        }
    }

    // Strings and comments last, over the keywords they contain, scanning once so that a quote
    // inside a comment (or // inside a string) is read correctly.
    int state = previousBlockState() < 0 ? Normal : previousBlockState();
    int i = 0;
    const int n = int(text.size());
    int start = 0;
    if (state == InBlockComment) {
        const int end = int(text.indexOf(QLatin1String("*/")));
        if (end < 0) {
            setFormat(0, n, m_comment);
            i = n;
        } else {
            setFormat(0, end + 2, m_comment);
            i = end + 2;
            state = Normal;
        }
    } else if (state == InTemplate) {
        int j = 0;
        while (j < n && !(text.at(j) == u'`' && (j == 0 || text.at(j - 1) != u'\\')))
            ++j;
        setFormat(0, qMin(j + 1, n), m_string);
        if (j < n) {
            i = j + 1;
            state = Normal;
        } else {
            i = n;
        }
    }
    while (i < n) {
        const QChar c = text.at(i);
        if (c == u'/' && i + 1 < n && text.at(i + 1) == u'/') {
            setFormat(i, n - i, m_comment);
            break;
        }
        if (c == u'/' && i + 1 < n && text.at(i + 1) == u'*') {
            const int end = int(text.indexOf(QLatin1String("*/"), i + 2));
            if (end < 0) {
                setFormat(i, n - i, m_comment);
                state = InBlockComment;
                break;
            }
            setFormat(i, end + 2 - i, m_comment);
            i = end + 2;
            continue;
        }
        if (c == u'"' || c == u'\'' || c == u'`') {
            start = i++;
            while (i < n && text.at(i) != c) {
                if (text.at(i) == u'\\')
                    ++i;
                ++i;
            }
            if (i >= n && c == u'`') {
                setFormat(start, n - start, m_string);
                state = InTemplate;
                break;
            }
            setFormat(start, qMin(i + 1, n) - start, m_string);
            ++i;
            continue;
        }
        ++i;
    }
    setCurrentBlockState(state);

    if (m_errorLine > 0 && currentBlock().blockNumber() + 1 == m_errorLine) {
        for (int k = 0; k < qMax(n, 1); ++k) {
            QTextCharFormat f = format(k);
            f.setUnderlineStyle(m_error.underlineStyle());
            f.setUnderlineColor(m_error.underlineColor());
            f.setBackground(m_error.background());
            setFormat(k, 1, f);
        }
    }
}

} // namespace switchyard::models
