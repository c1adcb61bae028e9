#include "handlercheck.h"

#include "engine/limits.h"

#include <QCoreApplication>

namespace switchyard::models {

namespace {

struct Token
{
    enum Kind { Identifier, String, Punct } kind;
    QString text;
};

bool identStart(QChar c)
{
    return c.isLetter() || c == u'_' || c == u'$';
}

// Just enough of JavaScript's lexical grammar to tell code from comments and strings. Template
// literals count as strings (their `${}` parts are skipped with them); a `/` is always
// punctuation, so a regular expression's body reads as tokens, which can only add mentions.
QList<Token> tokenize(const QString &code)
{
    QList<Token> tokens;
    const qsizetype n = code.size();
    qsizetype i = 0;
    while (i < n) {
        const QChar c = code.at(i);
        if (c.isSpace()) {
            ++i;
        } else if (c == u'/' && i + 1 < n && code.at(i + 1) == u'/') {
            while (i < n && code.at(i) != u'\n')
                ++i;
        } else if (c == u'/' && i + 1 < n && code.at(i + 1) == u'*') {
            const qsizetype end = code.indexOf(QLatin1String("*/"), i + 2);
            i = end < 0 ? n : end + 2;
        } else if (c == u'"' || c == u'\'' || c == u'`') {
            QString text;
            ++i;
            while (i < n && code.at(i) != c) {
                if (code.at(i) == u'\\' && i + 1 < n)
                    ++i;
                text += code.at(i++);
            }
            ++i;
            tokens.append({Token::String, text});
        } else if (identStart(c)) {
            const qsizetype start = i;
            while (i < n && (identStart(code.at(i)) || code.at(i).isDigit()))
                ++i;
            tokens.append({Token::Identifier, code.mid(start, i - start)});
        } else {
            tokens.append({Token::Punct, QString(c)});
            ++i;
        }
    }
    return tokens;
}

bool isIdent(const QList<Token> &t, qsizetype i, QLatin1String name)
{
    return i >= 0 && i < t.size() && t.at(i).kind == Token::Identifier && t.at(i).text == name;
}

bool isPunct(const QList<Token> &t, qsizetype i, QChar c)
{
    return i >= 0 && i < t.size() && t.at(i).kind == Token::Punct && t.at(i).text == c;
}

} // namespace

Handlers checkHandlers(const QStringList &modules)
{
    bool defaultExport = false;
    bool fetchListener = false;
    bool otherListener = false;
    bool mentionsFetch = false;
    for (const QString &module : modules) {
        const QList<Token> t = tokenize(module);
        bool inExportList = false;
        for (qsizetype i = 0; i < t.size(); ++i) {
            if (isIdent(t, i, QLatin1String("fetch")))
                mentionsFetch = true;
            if (isIdent(t, i, QLatin1String("export")) && isPunct(t, i + 1, u'{'))
                inExportList = true;
            else if (inExportList && isPunct(t, i, u'}'))
                inExportList = false;
            if (isIdent(t, i, QLatin1String("default"))
                && (isIdent(t, i - 1, QLatin1String("export"))
                    || isIdent(t, i - 1, QLatin1String("as")) || inExportList))
                defaultExport = true;
            if (isIdent(t, i, QLatin1String("addEventListener")) && isPunct(t, i + 1, u'(')
                && i + 2 < t.size() && t.at(i + 2).kind == Token::String) {
                if (t.at(i + 2).text == QLatin1String("fetch"))
                    fetchListener = true;
                else
                    otherListener = true;
            }
        }
    }
    if (fetchListener)
        return Handlers::Fetch;
    if (defaultExport)
        return mentionsFetch ? Handlers::Fetch : Handlers::NoFetch;
    return otherListener ? Handlers::NoFetch : Handlers::None;
}

QString noHandlersMessage()
{
    return QStringLiteral("The uploaded script has no registered event handlers. [code: 10068]");
}

QString noFetchWarning()
{
    return QCoreApplication::translate("HandlerCheck", "Every request to it will fail: %1")
            .arg(QLatin1String(engine::messages::noFetchHandler));
}

} // namespace switchyard::models
