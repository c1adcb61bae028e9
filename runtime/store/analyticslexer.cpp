#include "analyticslexer.h"

#include <QSet>

namespace switchyard::store::analytics {

bool tokenize(const QString &s, QList<Token> *out, QString *error)
{
    qsizetype i = 0;
    const qsizetype n = s.size();
    while (i < n) {
        const QChar c = s.at(i);
        if (c.isSpace()) {
            ++i;
        } else if (s.mid(i, 2) == QLatin1String("--")) {
            while (i < n && s.at(i) != QLatin1Char('\n'))
                ++i;
        } else if (s.mid(i, 2) == QLatin1String("/*")) {
            const qsizetype close = s.indexOf(QLatin1String("*/"), i + 2);
            if (close < 0) {
                *error = QStringLiteral("unterminated /* comment at offset %1").arg(i);
                return false;
            }
            i = close + 2;
        } else if (c.isLetter() || c == QLatin1Char('_')) {
            const qsizetype start = i;
            while (i < n && (s.at(i).isLetterOrNumber() || s.at(i) == QLatin1Char('_')))
                ++i;
            out->append({Token::Ident, s.mid(start, i - start), start, i});
        } else if (c.isDigit() || (c == QLatin1Char('.') && i + 1 < n && s.at(i + 1).isDigit())) {
            const qsizetype start = i;
            while (i < n && (s.at(i).isDigit() || s.at(i) == QLatin1Char('.')))
                ++i;
            if (i < n && (s.at(i) == QLatin1Char('e') || s.at(i) == QLatin1Char('E'))) {
                ++i;
                if (i < n && (s.at(i) == QLatin1Char('+') || s.at(i) == QLatin1Char('-')))
                    ++i;
                while (i < n && s.at(i).isDigit())
                    ++i;
            }
            out->append({Token::Number, s.mid(start, i - start), start, i});
        } else if (c == QLatin1Char('\'') || c == QLatin1Char('"') || c == QLatin1Char('`')) {
            const qsizetype start = i++;
            QString text;
            bool closed = false;
            while (i < n) {
                const QChar d = s.at(i);
                if (d == QLatin1Char('\\') && i + 1 < n) {
                    text += s.at(i + 1);
                    i += 2;
                } else if (d == c && i + 1 < n && s.at(i + 1) == c) {
                    text += c;
                    i += 2;
                } else if (d == c) {
                    ++i;
                    closed = true;
                    break;
                } else {
                    text += d;
                    ++i;
                }
            }
            if (!closed) {
                *error = QStringLiteral("unterminated %1 at offset %2").arg(c).arg(start);
                return false;
            }
            out->append({c == QLatin1Char('\'') ? Token::String : Token::Quoted, text, start, i});
        } else {
            static const QStringList twoChar
                    = {QStringLiteral("<="), QStringLiteral(">="), QStringLiteral("!="),
                       QStringLiteral("<>"), QStringLiteral("=="), QStringLiteral("||")};
            const QString two = s.mid(i, 2);
            if (twoChar.contains(two)) {
                out->append({Token::Symbol, two, i, i + 2});
                i += 2;
            } else if (QStringLiteral("(),*+-/%=<>;.").contains(c)) {
                out->append({Token::Symbol, QString(c), i, i + 1});
                ++i;
            } else {
                *error = QStringLiteral("unexpected character '%1' at offset %2").arg(c).arg(i);
                return false;
            }
        }
    }
    return true;
}

// For each '(' token the index of its ')' (-1 when unclosed and for other tokens), in one pass.
// Refuses nesting deeper than kMaxParseDepth: the translator recurses once per level.
bool matchParentheses(const QList<Token> &tokens, QList<qsizetype> *match, QString *error)
{
    match->fill(-1, tokens.size());
    QList<qsizetype> open;
    for (qsizetype i = 0; i < tokens.size(); ++i) {
        const Token &t = tokens.at(i);
        if (t.kind != Token::Symbol)
            continue;
        if (t.text == QLatin1String("(")) {
            if (open.size() == kMaxParseDepth) {
                *error = QStringLiteral("Maximum parse depth (%1) exceeded at offset %2: "
                                        "parentheses and function calls nest deeper than that")
                                 .arg(kMaxParseDepth)
                                 .arg(t.pos);
                return false;
            }
            open.append(i);
        } else if (t.text == QLatin1String(")") && !open.isEmpty()) {
            (*match)[open.takeLast()] = i;
        }
    }
    return true;
}

} // namespace switchyard::store::analytics
