#include "editornavigation.h"

#include <QRegularExpression>
#include <QTextBlock>

#include <limits>

namespace switchyard::models {

namespace {

QChar partnerOf(QChar c)
{
    switch (c.unicode()) {
    case u'(':
        return u')';
    case u')':
        return u'(';
    case u'[':
        return u']';
    case u']':
        return u'[';
    case u'{':
        return u'}';
    case u'}':
        return u'{';
    default:
        return {};
    }
}

bool isOpening(QChar c)
{
    return c == u'(' || c == u'[' || c == u'{';
}

} // namespace

EditorNavigation::EditorNavigation(QObject *parent) : QObject(parent)
{
    connect(&m_editor, &EditorDocument::textDocumentChanged, this,
            &EditorNavigation::textDocumentChanged);
    connect(&m_editor, &EditorDocument::contentsChanged, this, &EditorNavigation::rescan);
    connect(&m_editor, &EditorDocument::cursorPositionChanged, this,
            &EditorNavigation::cursorPositionChanged);
    connect(&m_editor, &EditorDocument::cursorPositionChanged, this,
            &EditorNavigation::updateBrackets);
}

void EditorNavigation::setLineInput(const QString &input)
{
    if (m_lineInput == input)
        return;
    m_lineInput = input;
    Q_EMIT lineInputChanged();
    updateLineTarget();
}

void EditorNavigation::rescan()
{
    m_text = m_editor.document() ? m_editor.document()->toPlainText() : QString();
    m_mask = codeMask(m_text);
    updateBrackets();
    updateLineTarget();
}

void EditorNavigation::updateBrackets()
{
    const int bracket = bracketBeside(m_text, m_mask, m_editor.cursorPosition());
    const int matching = bracket >= 0 ? matchingBracket(m_text, m_mask, bracket) : -1;
    if (bracket == m_bracket && matching == m_matching)
        return;
    m_bracket = bracket;
    m_matching = matching;
    Q_EMIT bracketsChanged();
}

void EditorNavigation::updateLineTarget()
{
    static const QRegularExpression lineColumn(
            QStringLiteral("^\\s*(\\d+)\\s*(?::\\s*(\\d*)\\s*)?$"));
    int position = -1;
    QString error;
    if (!m_lineInput.trimmed().isEmpty()) {
        const auto match = lineColumn.match(m_lineInput);
        if (match.hasMatch()) {
            // Past the end is clamped, so an overlong number is just "the end".
            const auto number = [](const QString &digits) {
                bool ok = false;
                const qint64 value = digits.toLongLong(&ok);
                return !ok || value > std::numeric_limits<int>::max()
                        ? std::numeric_limits<int>::max()
                        : int(value);
            };
            const QString column = match.captured(2);
            position = positionOf(number(match.captured(1)), column.isEmpty() ? 1 : number(column));
        } else {
            error = tr("Type a line number, or line:column");
        }
    }
    if (position == m_linePosition && error == m_lineError)
        return;
    m_linePosition = position;
    m_lineError = error;
    Q_EMIT lineTargetChanged();
}

int EditorNavigation::positionOf(int line, int column) const
{
    if (!m_editor.document())
        return 0;
    const int blocks = m_editor.document()->blockCount();
    const QTextBlock block = m_editor.document()->findBlockByNumber(qBound(1, line, blocks) - 1);
    // length() counts the block's break; the last column is the one just before it.
    return block.position() + qBound(1, column, block.length()) - 1;
}

QByteArray EditorNavigation::codeMask(const QString &text)
{
    enum State { Code, LineComment, BlockComment, Quoted, Template };
    const qsizetype n = text.size();
    QByteArray mask(n, 0);
    State state = Code;
    QChar quote;
    // One entry per open ${ substitution: the depth of plain braces inside it, so the } that
    // closes it is told from one that closes an object literal within it.
    QList<int> substitutions;
    qsizetype i = 0;
    while (i < n) {
        const QChar c = text.at(i);
        const QChar next = i + 1 < n ? text.at(i + 1) : QChar();
        switch (state) {
        case Code:
            if (c == u'/' && next == u'/') {
                state = LineComment;
                i += 2;
            } else if (c == u'/' && next == u'*') {
                state = BlockComment;
                i += 2;
            } else if (c == u'\'' || c == u'"') {
                state = Quoted;
                quote = c;
                ++i;
            } else if (c == u'`') {
                state = Template;
                ++i;
            } else {
                if (!substitutions.isEmpty() && c == u'{') {
                    ++substitutions.last();
                } else if (!substitutions.isEmpty() && c == u'}') {
                    if (substitutions.last() == 0) {
                        substitutions.removeLast();
                        state = Template;
                    } else {
                        --substitutions.last();
                    }
                }
                mask[i] = 1;
                ++i;
            }
            break;
        case LineComment:
            if (c == u'\n') {
                state = Code;
                mask[i] = 1;
            }
            ++i;
            break;
        case BlockComment:
            if (c == u'*' && next == u'/') {
                state = Code;
                i += 2;
            } else {
                ++i;
            }
            break;
        case Quoted:
            if (c == u'\\') {
                i += 2;
                break;
            }
            // A quote left open ends with its line, as the engine would refuse it there.
            if (c == quote || c == u'\n')
                state = Code;
            ++i;
            break;
        case Template:
            if (c == u'\\') {
                i += 2;
            } else if (c == u'`') {
                state = Code;
                ++i;
            } else if (c == u'$' && next == u'{') {
                // The brace of ${ is code: it pairs with the } that ends the substitution.
                mask[i + 1] = 1;
                substitutions.append(0);
                state = Code;
                i += 2;
            } else {
                ++i;
            }
            break;
        }
    }
    return mask;
}

int EditorNavigation::matchingBracket(const QString &text, const QByteArray &mask, int at)
{
    if (at < 0 || at >= text.size() || at >= mask.size() || !mask.at(at))
        return -1;
    const QChar bracket = text.at(at);
    const QChar partner = partnerOf(bracket);
    if (partner.isNull())
        return -1;
    const int step = isOpening(bracket) ? 1 : -1;
    int depth = 0;
    for (int i = at; i >= 0 && i < text.size(); i += step) {
        if (!mask.at(i))
            continue;
        const QChar c = text.at(i);
        if (c == bracket)
            ++depth;
        else if (c == partner && --depth == 0)
            return i;
    }
    return -1;
}

int EditorNavigation::bracketBeside(const QString &text, const QByteArray &mask, int cursor)
{
    for (const int at : {cursor, cursor - 1})
        if (at >= 0 && at < text.size() && at < mask.size() && mask.at(at)
            && !partnerOf(text.at(at)).isNull())
            return at;
    return -1;
}

} // namespace switchyard::models
