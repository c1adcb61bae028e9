#pragma once

#include <QList>
#include <QString>

// The Analytics Engine SQL translator's lexer: text to tokens, and the parenthesis structure the
// translator walks. Internal to the store library.
namespace switchyard::store::analytics {

// ClickHouse's max_query_size (bytes) is 262144 by default, its max_parser_depth 1000. The depth
// here is lower: the translator recurses a few times per level, and SQLite's own parser gives up
// on the translated query at about 90 levels with nothing better than "parser stack overflow".
inline constexpr qsizetype kMaxQueryBytes = 262144;
inline constexpr qsizetype kMaxParseDepth = 64;

struct Token
{
    enum Kind { Ident, Quoted, String, Number, Symbol };
    Kind kind = Symbol;
    QString text; // identifiers as written, strings unquoted
    qsizetype pos = 0;
    qsizetype end = 0;

    bool is(const char *keyword) const
    {
        return (kind == Ident || kind == Symbol)
                && text.compare(QLatin1String(keyword), Qt::CaseInsensitive) == 0;
    }
};

// Splits `s` into tokens; false with a message naming the offset on a character no token starts
// with or an unterminated string.
bool tokenize(const QString &s, QList<Token> *out, QString *error);

// For each '(' token the index of its ')' (-1 when unclosed and for other tokens), in one pass.
// Refuses nesting deeper than kMaxParseDepth: the translator recurses once per level.
bool matchParentheses(const QList<Token> &tokens, QList<qsizetype> *match, QString *error);

} // namespace switchyard::store::analytics
