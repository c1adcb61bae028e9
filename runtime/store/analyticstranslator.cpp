// ClickHouse's dialect, as Analytics Engine's SQL API accepts it, to SQLite over analytics_rows.
#include "analyticslexer.h"
#include "analyticssql.h"

#include <QHash>
#include <QRegularExpression>
#include <QSet>

namespace switchyard::store {

using analytics::kMaxQueryBytes;
using analytics::matchParentheses;
using analytics::Token;
using analytics::tokenize;

namespace {

const QStringList &writeKeywords()
{
    static const QStringList words = {
            QStringLiteral("INSERT"),   QStringLiteral("UPDATE"),   QStringLiteral("DELETE"),
            QStringLiteral("DROP"),     QStringLiteral("CREATE"),   QStringLiteral("ALTER"),
            QStringLiteral("ATTACH"),   QStringLiteral("DETACH"),   QStringLiteral("REPLACE"),
            QStringLiteral("PRAGMA"),   QStringLiteral("VACUUM"),   QStringLiteral("TRUNCATE"),
            QStringLiteral("RENAME"),   QStringLiteral("GRANT"),    QStringLiteral("REVOKE"),
            QStringLiteral("OPTIMIZE"), QStringLiteral("SYSTEM"),   QStringLiteral("KILL"),
            QStringLiteral("REINDEX"),  QStringLiteral("ANALYZE"),  QStringLiteral("BEGIN"),
            QStringLiteral("COMMIT"),   QStringLiteral("ROLLBACK"), QStringLiteral("SAVEPOINT"),
            QStringLiteral("UPSERT"),   QStringLiteral("MERGE"),    QStringLiteral("INTO"),
    };
    return words;
}

bool isWriteKeyword(const Token &t)
{
    return t.kind == Token::Ident && writeKeywords().contains(t.text.toUpper());
}

// Keywords that pass through to SQLite unchanged.
const QSet<QString> &passKeywords()
{
    static const QSet<QString> words = {
            QStringLiteral("AND"),   QStringLiteral("OR"),    QStringLiteral("NOT"),
            QStringLiteral("IN"),    QStringLiteral("LIKE"),  QStringLiteral("BETWEEN"),
            QStringLiteral("IS"),    QStringLiteral("NULL"),  QStringLiteral("ASC"),
            QStringLiteral("DESC"),  QStringLiteral("CASE"),  QStringLiteral("WHEN"),
            QStringLiteral("THEN"),  QStringLiteral("ELSE"),  QStringLiteral("END"),
            QStringLiteral("TRUE"),  QStringLiteral("FALSE"), QStringLiteral("NULLS"),
            QStringLiteral("FIRST"), QStringLiteral("LAST"),  QStringLiteral("DISTINCT"),
    };
    return words;
}

const QSet<QString> &comparisonWords()
{
    static const QSet<QString> words = {
            QStringLiteral("AND"), QStringLiteral("OR"),   QStringLiteral("NOT"),
            QStringLiteral("IN"),  QStringLiteral("LIKE"), QStringLiteral("BETWEEN"),
            QStringLiteral("IS"),  QStringLiteral("="),    QStringLiteral("=="),
            QStringLiteral("!="),  QStringLiteral("<>"),   QStringLiteral("<"),
            QStringLiteral(">"),   QStringLiteral("<="),   QStringLiteral(">="),
    };
    return words;
}

// Analytics Engine's columns and their ClickHouse types.
std::optional<QString> columnType(const QString &name)
{
    static const QRegularExpression blob(QStringLiteral("^blob([1-9]|1[0-9]|20)$"));
    static const QRegularExpression dbl(QStringLiteral("^double([1-9]|1[0-9]|20)$"));
    if (name == QLatin1String("timestamp"))
        return QStringLiteral("DateTime");
    if (name == QLatin1String("index1") || name == QLatin1String("dataset")
        || blob.match(name).hasMatch())
        return QStringLiteral("String");
    if (dbl.match(name).hasMatch())
        return QStringLiteral("Float64");
    if (name == QLatin1String("_sample_interval"))
        return QStringLiteral("UInt32");
    return std::nullopt;
}

QStringList allColumns()
{
    QStringList columns {QStringLiteral("dataset"), QStringLiteral("timestamp"),
                         QStringLiteral("_sample_interval"), QStringLiteral("index1")};
    for (int i = 1; i <= 20; ++i)
        columns << QStringLiteral("blob%1").arg(i);
    for (int i = 1; i <= 20; ++i)
        columns << QStringLiteral("double%1").arg(i);
    return columns;
}

// The dataset as a table whose columns read as Analytics Engine's: blobs as text (empty when
// unset), doubles as 0 when unset, timestamp in seconds (DateTime).
QString datasetTable(AnalyticsDialect dialect)
{
    const bool pg = dialect == AnalyticsDialect::Postgres;
    // PostgreSQL's BYTEA cast to text is its hex form; the bytes are UTF-8 text.
    const QString text
            = pg ? QStringLiteral("convert_from(%1, 'UTF8')") : QStringLiteral("CAST(%1 AS TEXT)");
    QStringList columns {
            QStringLiteral("dataset"),
            pg ? QStringLiteral("timestamp / 1000 AS timestamp")
               : QStringLiteral("CAST(timestamp / 1000 AS INTEGER) AS timestamp"),
            QStringLiteral("_sample_interval"),
            QStringLiteral("COALESCE(%1, '') AS index1").arg(text.arg(QStringLiteral("index1")))};
    for (int i = 1; i <= 20; ++i)
        columns << QStringLiteral("COALESCE(%1, '') AS blob%2")
                           .arg(text.arg(QStringLiteral("blob%1").arg(i)))
                           .arg(i);
    for (int i = 1; i <= 20; ++i)
        columns << QStringLiteral("COALESCE(double%1, 0) AS double%1").arg(i);
    return QStringLiteral("(SELECT %1 FROM analytics_rows WHERE dataset = ?) AS t")
            .arg(columns.join(QStringLiteral(", ")));
}

QString quoteIdent(const QString &name)
{
    return QLatin1Char('"') + QString(name).replace(QLatin1Char('"'), QStringLiteral("\"\""))
            + QLatin1Char('"');
}

QString quoteString(const QString &text)
{
    return QLatin1Char('\'') + QString(text).replace(QLatin1Char('\''), QStringLiteral("''"))
            + QLatin1Char('\'');
}

std::optional<qint64> unitSeconds(QString unit)
{
    unit = unit.toUpper();
    if (unit.endsWith(QLatin1Char('S')))
        unit.chop(1);
    static const QHash<QString, qint64> units = {
            {QStringLiteral("SECOND"), 1},      {QStringLiteral("MINUTE"), 60},
            {QStringLiteral("HOUR"), 3600},     {QStringLiteral("DAY"), 86400},
            {QStringLiteral("WEEK"), 604800},   {QStringLiteral("MONTH"), 2592000},
            {QStringLiteral("YEAR"), 31536000},
    };
    if (!units.contains(unit))
        return std::nullopt;
    return units.value(unit);
}

class Translator
{
public:
    struct Expr
    {
        QString sql;
        QString type;
    };

    Translator(const QString &source, const QList<Token> &tokens, const QList<qsizetype> &match,
               AnalyticsDialect dialect)
        : m_src(source), m_t(tokens), m_match(match), m_pg(dialect == AnalyticsDialect::Postgres)
    { }

    // Seconds since the epoch shown as ClickHouse shows a DateTime.
    QString formatDateTime(const QString &seconds) const
    {
        return m_pg ? QStringLiteral("to_char(to_timestamp(%1) AT TIME ZONE 'UTC', "
                                     "'YYYY-MM-DD HH24:MI:SS')")
                              .arg(seconds)
                    : QStringLiteral("strftime('%Y-%m-%d %H:%M:%S', %1, 'unixepoch')").arg(seconds);
    }

    QString error;
    QSet<QString> aliases;

    // Translates tokens [from, to).
    std::optional<Expr> expr(qsizetype from, qsizetype to)
    {
        if (from >= to)
            return fail(QStringLiteral("an expression is missing"), from);
        QStringList parts;
        QStringList types;
        bool comparison = false;
        for (qsizetype i = from; i < to; ++i) {
            const Token &tok = m_t.at(i);
            const QString upper = tok.text.toUpper();
            if (tok.kind == Token::Number) {
                parts << tok.text;
                types << (tok.text.contains(QLatin1Char('.')) ? QStringLiteral("Float64")
                                                              : QStringLiteral("UInt8"));
            } else if (tok.kind == Token::String) {
                parts << quoteString(tok.text);
                types << QStringLiteral("String");
            } else if (tok.kind == Token::Symbol) {
                if (tok.text == QLatin1String("(")) {
                    const qsizetype close = matching(i);
                    if (close < 0 || close >= to)
                        return fail(QStringLiteral("unbalanced parenthesis"), i);
                    auto list = exprList(i + 1, close);
                    if (!list)
                        return std::nullopt;
                    QStringList sqls;
                    for (const Expr &e : *list)
                        sqls << e.sql;
                    parts << QLatin1Char('(') + sqls.join(QStringLiteral(", ")) + QLatin1Char(')');
                    types << (list->size() == 1 ? list->first().type : QStringLiteral("Tuple"));
                    i = close;
                } else if (tok.text == QLatin1String(";") || tok.text == QLatin1String(".")
                           || tok.text == QLatin1String(")") || tok.text == QLatin1String(",")) {
                    return fail(QStringLiteral("unexpected '%1'").arg(tok.text), i);
                } else {
                    comparison = comparison || comparisonWords().contains(tok.text);
                    parts << (tok.text == QLatin1String("==") ? QStringLiteral("=") : tok.text);
                }
            } else if (tok.kind == Token::Ident && upper == QLatin1String("INTERVAL")) {
                auto seconds = interval(i, to);
                if (!seconds)
                    return std::nullopt;
                parts << QString::number(*seconds);
                types << QStringLiteral("UInt64");
            } else if (tok.kind == Token::Ident && i + 1 < to
                       && m_t.at(i + 1).text == QLatin1String("(")
                       && !passKeywords().contains(upper)) {
                // A call; `AND (`, `IN (` and the like are keywords before a group.
                const qsizetype close = matching(i + 1);
                if (close < 0 || close >= to)
                    return fail(QStringLiteral("unbalanced parenthesis"), i + 1);
                auto call = function(tok.text, i + 2, close, i);
                if (!call)
                    return std::nullopt;
                parts << call->sql;
                types << call->type;
                i = close;
            } else if (tok.kind == Token::Ident && passKeywords().contains(upper)) {
                comparison = comparison || comparisonWords().contains(upper);
                parts << upper;
            } else if (tok.kind == Token::Ident && forbidden(tok)) {
                return std::nullopt;
            } else {
                // A column or an alias of the select list.
                if (auto type = columnType(tok.text)) {
                    parts << quoteIdent(tok.text);
                    types << *type;
                } else if (aliases.contains(tok.text)) {
                    parts << quoteIdent(tok.text);
                    types << QStringLiteral("Float64");
                } else {
                    return fail(QStringLiteral("unknown column \"%1\" (columns: timestamp, "
                                               "index1, blob1..blob20, double1..double20, "
                                               "_sample_interval)")
                                        .arg(tok.text),
                                i);
                }
            }
        }
        QString type;
        if (comparison)
            type = QStringLiteral("UInt8");
        else if (types.size() == 1)
            type = types.first();
        else if (types.contains(QStringLiteral("Float64")))
            type = QStringLiteral("Float64");
        else if (types.contains(QStringLiteral("DateTime")))
            type = QStringLiteral("DateTime");
        else
            type = QStringLiteral("Int64");
        return Expr {parts.join(QLatin1Char(' ')), type};
    }

    std::optional<QList<Expr>> exprList(qsizetype from, qsizetype to)
    {
        QList<Expr> list;
        if (from == to)
            return list;
        for (const auto &[a, b] : splitCommas(from, to)) {
            auto e = expr(a, b);
            if (!e)
                return std::nullopt;
            list << *e;
        }
        return list;
    }

    // Top-level commas of [from, to); a parenthesised group is skipped in one step, so nesting
    // costs no rescans.
    QList<std::pair<qsizetype, qsizetype>> splitCommas(qsizetype from, qsizetype to) const
    {
        QList<std::pair<qsizetype, qsizetype>> ranges;
        qsizetype start = from;
        for (qsizetype i = from; i < to; ++i) {
            if (m_t.at(i).kind != Token::Symbol)
                continue;
            const QString &s = m_t.at(i).text;
            if (s == QLatin1String("(") && m_match.at(i) >= 0)
                i = m_match.at(i);
            else if (s == QLatin1String(",")) {
                ranges.append({start, i});
                start = i + 1;
            }
        }
        ranges.append({start, to});
        return ranges;
    }

    qsizetype matching(qsizetype open) const { return m_match.at(open); }

    bool forbidden(const Token &tok)
    {
        const QString upper = tok.text.toUpper();
        if (isWriteKeyword(tok)) {
            error = QStringLiteral("the Analytics Engine SQL API is read-only: %1 is not allowed")
                            .arg(upper);
            return true;
        }
        static const QStringList unsupported = {
                QStringLiteral("SELECT"), QStringLiteral("UNION"), QStringLiteral("JOIN"),
                QStringLiteral("WITH"),   QStringLiteral("FROM"),  QStringLiteral("ATTACH"),
        };
        if (unsupported.contains(upper)) {
            error = QStringLiteral("%1 is not supported here (one SELECT over one dataset, no "
                                   "subqueries or joins)")
                            .arg(upper);
            return true;
        }
        return false;
    }

    QString text(qsizetype from, qsizetype to) const
    {
        return m_src.mid(m_t.at(from).pos, m_t.at(to - 1).end - m_t.at(from).pos).simplified();
    }

private:
    std::nullopt_t fail(const QString &message, qsizetype at)
    {
        if (error.isEmpty())
            error = at < m_t.size()
                    ? QStringLiteral("%1 at offset %2").arg(message).arg(m_t.at(at).pos)
                    : message;
        return std::nullopt;
    }

    // INTERVAL '1' DAY, INTERVAL 1 DAY, INTERVAL '1 DAY'; advances `i` past it.
    std::optional<qint64> interval(qsizetype &i, qsizetype to)
    {
        const qsizetype at = i;
        if (i + 1 >= to)
            return fail(QStringLiteral("INTERVAL needs an amount and a unit"), at);
        QString amount = m_t.at(i + 1).text.trimmed();
        QString unit;
        if (m_t.at(i + 1).kind == Token::String && amount.contains(QLatin1Char(' '))) {
            unit = amount.section(QLatin1Char(' '), 1).trimmed();
            amount = amount.section(QLatin1Char(' '), 0, 0);
            i += 1;
        } else {
            if (i + 2 >= to)
                return fail(QStringLiteral("INTERVAL needs a unit"), at);
            unit = m_t.at(i + 2).text;
            i += 2;
        }
        bool ok = false;
        const qint64 n = amount.toLongLong(&ok);
        const auto seconds = unitSeconds(unit);
        if (!ok || !seconds)
            return fail(QStringLiteral("INTERVAL '%1' %2 is not an amount and a unit (SECOND, "
                                       "MINUTE, HOUR, DAY, WEEK, MONTH, YEAR)")
                                .arg(amount, unit),
                        at);
        return n * *seconds;
    }

    std::optional<Expr> function(const QString &name, qsizetype from, qsizetype to, qsizetype at)
    {
        const QString f = name.toLower();
        auto args = [&]() {
            return exprList(from, to);
        };
        auto bucket = [](const Expr &t, qint64 seconds) {
            return Expr {QStringLiteral("((%1) - ((%1) %% %2))")
                                 .arg(t.sql)
                                 .arg(seconds)
                                 .replace(QStringLiteral("%%"), QStringLiteral("%")),
                         QStringLiteral("DateTime")};
        };
        if (f == QLatin1String("count")) {
            if (from == to || (to == from + 1 && m_t.at(from).text == QLatin1String("*")))
                return Expr {QStringLiteral("count(*)"), QStringLiteral("UInt64")};
            auto a = expr(from, to);
            if (!a)
                return std::nullopt;
            return Expr {QStringLiteral("count(%1)").arg(a->sql), QStringLiteral("UInt64")};
        }
        auto list = args();
        if (!list)
            return std::nullopt;
        const qsizetype n = list->size();
        auto need = [&](qsizetype count) -> bool {
            if (n == count)
                return true;
            fail(QStringLiteral("%1() takes %2 argument(s), got %3").arg(name).arg(count).arg(n),
                 at);
            return false;
        };
        auto integerOr = [](const QString &type) {
            return type == QLatin1String("Float64") ? type : QStringLiteral("UInt64");
        };
        if (f == QLatin1String("sum") && need(1))
            return Expr {QStringLiteral("sum(%1)").arg(list->at(0).sql),
                         integerOr(list->at(0).type)};
        if (f == QLatin1String("avg") && need(1))
            return Expr {QStringLiteral("avg(%1)").arg(list->at(0).sql), QStringLiteral("Float64")};
        if ((f == QLatin1String("min") || f == QLatin1String("max")) && need(1))
            return Expr {QStringLiteral("%1(%2)").arg(f, list->at(0).sql), list->at(0).type};
        if (f == QLatin1String("countif") && need(1))
            return Expr {QStringLiteral("sum(CASE WHEN %1 THEN 1 ELSE 0 END)").arg(list->at(0).sql),
                         QStringLiteral("UInt64")};
        if (f == QLatin1String("sumif") && need(2))
            return Expr {QStringLiteral("sum(CASE WHEN %2 THEN %1 ELSE 0 END)")
                                 .arg(list->at(0).sql, list->at(1).sql),
                         integerOr(list->at(0).type)};
        if (f == QLatin1String("now") && need(0))
            return Expr {m_pg ? QStringLiteral("CAST(extract(epoch FROM now()) AS BIGINT)")
                              : QStringLiteral("CAST(strftime('%s', 'now') AS INTEGER)"),
                         QStringLiteral("DateTime")};
        if (f == QLatin1String("today") && need(0))
            return Expr {m_pg ? QStringLiteral("CAST(extract(epoch FROM date_trunc('day', now() "
                                               "AT TIME ZONE 'UTC')) AS BIGINT)")
                              : QStringLiteral("CAST(strftime('%s', 'now', 'start of day') AS "
                                               "INTEGER)"),
                         QStringLiteral("DateTime")};
        if (f == QLatin1String("tostartofinterval") && need(2))
            return bucket(list->at(0), list->at(1).sql.toLongLong());
        if (f == QLatin1String("tostartofminute") && need(1))
            return bucket(list->at(0), 60);
        if (f == QLatin1String("tostartofhour") && need(1))
            return bucket(list->at(0), 3600);
        if (f == QLatin1String("tostartofday") && need(1))
            return bucket(list->at(0), 86400);
        if (f == QLatin1String("todatetime") && need(1)) {
            if (list->at(0).type == QLatin1String("String"))
                return Expr {(m_pg ? QStringLiteral("CAST(extract(epoch FROM CAST(%1 AS "
                                                    "timestamp)) AS BIGINT)")
                                   : QStringLiteral("CAST(strftime('%s', %1) AS INTEGER)"))
                                     .arg(list->at(0).sql),
                             QStringLiteral("DateTime")};
            return Expr {list->at(0).sql, QStringLiteral("DateTime")};
        }
        if (f == QLatin1String("tounixtimestamp") && need(1))
            return Expr {list->at(0).sql, QStringLiteral("UInt32")};
        if (f == QLatin1String("intdiv") && need(2))
            return Expr {(m_pg ? QStringLiteral("(CAST(%1 AS BIGINT) / CAST(%2 AS BIGINT))")
                               : QStringLiteral("(CAST(%1 AS INTEGER) / CAST(%2 AS INTEGER))"))
                                 .arg(list->at(0).sql, list->at(1).sql),
                         QStringLiteral("Int64")};
        if (f == QLatin1String("if") && need(3))
            return Expr {QStringLiteral("(CASE WHEN %1 THEN %2 ELSE %3 END)")
                                 .arg(list->at(0).sql, list->at(1).sql, list->at(2).sql),
                         list->at(1).type};
        if ((f == QLatin1String("lower") || f == QLatin1String("upper")) && need(1))
            return Expr {QStringLiteral("%1(%2)").arg(f, list->at(0).sql),
                         QStringLiteral("String")};
        if (f == QLatin1String("length") && need(1))
            return Expr {QStringLiteral("length(%1)").arg(list->at(0).sql),
                         QStringLiteral("UInt64")};
        if (f == QLatin1String("abs") && need(1))
            return Expr {QStringLiteral("abs(%1)").arg(list->at(0).sql), list->at(0).type};
        if (f == QLatin1String("round") && (n == 1 || n == 2)) {
            QStringList sqls;
            for (const Expr &e : *list)
                sqls << e.sql;
            // PostgreSQL rounds to a number of digits only a numeric.
            if (m_pg && n == 2)
                return Expr {QStringLiteral("CAST(round(CAST(%1 AS numeric), %2) AS double "
                                            "precision)")
                                     .arg(sqls.at(0), sqls.at(1)),
                             QStringLiteral("Float64")};
            return Expr {QStringLiteral("round(%1)").arg(sqls.join(QStringLiteral(", "))),
                         QStringLiteral("Float64")};
        }
        if (!error.isEmpty())
            return std::nullopt;
        return fail(QStringLiteral("unsupported function %1() (supported: count, sum, avg, min, "
                                   "max, countIf, sumIf, now, today, toStartOfInterval, "
                                   "toStartOfMinute, toStartOfHour, toStartOfDay, toDateTime, "
                                   "toUnixTimestamp, intDiv, if, lower, upper, length, abs, "
                                   "round)")
                            .arg(name),
                    at);
    }

    const QString &m_src;
    const QList<Token> &m_t;
    const QList<qsizetype> &m_match; // for each '(' the index of its ')', else -1
    const bool m_pg;
};

AnalyticsTranslation refuse(const QString &message)
{
    return {std::nullopt, message};
}

} // namespace

AnalyticsTranslation translateAnalyticsSql(const QString &text, AnalyticsDialect dialect)
{
    if (const qsizetype bytes = text.toUtf8().size(); bytes > kMaxQueryBytes)
        return refuse(QStringLiteral("Max query size exceeded: the query is %1 bytes, at most %2 "
                                     "are accepted")
                              .arg(bytes)
                              .arg(kMaxQueryBytes));
    QList<Token> tokens;
    QString error;
    if (!tokenize(text, &tokens, &error))
        return refuse(error);
    QList<qsizetype> match;
    if (!matchParentheses(tokens, &match, &error))
        return refuse(error);
    while (!tokens.isEmpty() && tokens.constLast().text == QLatin1String(";")
           && tokens.constLast().kind == Token::Symbol)
        tokens.removeLast();
    if (tokens.isEmpty())
        return refuse(QStringLiteral("the query is empty"));
    // Writes first: a write hidden after a ';' is named as what it is.
    for (const Token &t : tokens) {
        if (isWriteKeyword(t))
            return refuse(QStringLiteral("the Analytics Engine SQL API is read-only: %1 is not "
                                         "allowed")
                                  .arg(t.text.toUpper()));
    }
    for (const Token &t : tokens) {
        if (t.kind == Token::Symbol && t.text == QLatin1String(";"))
            return refuse(QStringLiteral("one statement at a time: ';' at offset %1").arg(t.pos));
    }

    // FORMAT comes last in any statement.
    AnalyticsQuery query;
    qsizetype end = tokens.size();
    if (end >= 2 && tokens.at(end - 2).is("FORMAT")) {
        static const QStringList formats
                = {QStringLiteral("JSON"), QStringLiteral("JSONEachRow"),
                   QStringLiteral("TabSeparated"), QStringLiteral("TabSeparatedWithNames")};
        const QString name = tokens.at(end - 1).text;
        const auto found = std::find_if(formats.cbegin(), formats.cend(), [&](const QString &f) {
            return f.compare(name, Qt::CaseInsensitive) == 0;
        });
        if (found == formats.cend())
            return refuse(QStringLiteral("unsupported FORMAT %1 (use JSON, JSONEachRow, "
                                         "TabSeparated or TabSeparatedWithNames)")
                                  .arg(name));
        query.format = *found;
        end -= 2;
    }

    if (tokens.at(0).is("SHOW")) {
        if (end != 2 || !tokens.at(1).is("TABLES"))
            return refuse(QStringLiteral("only SHOW TABLES is supported"));
        query.sql = QStringLiteral("SELECT name AS dataset FROM analytics_datasets ORDER BY name");
        query.columns = {{QStringLiteral("dataset"), QStringLiteral("String")}};
        return {query, {}};
    }
    if (!tokens.at(0).is("SELECT"))
        return refuse(QStringLiteral("unsupported statement %1: only SELECT and SHOW TABLES are "
                                     "supported")
                              .arg(tokens.at(0).text.toUpper()));

    // Clause boundaries at parenthesis depth 0.
    struct Clause
    {
        QString name;
        qsizetype from = 0;
        qsizetype to = 0;
    };
    QList<Clause> clauses {{QStringLiteral("SELECT"), 1, end}};
    int depth = 0;
    for (qsizetype i = 1; i < end; ++i) {
        const Token &t = tokens.at(i);
        if (t.kind == Token::Symbol && t.text == QLatin1String("("))
            ++depth;
        else if (t.kind == Token::Symbol && t.text == QLatin1String(")"))
            --depth;
        if (depth != 0 || t.kind != Token::Ident)
            continue;
        QString name = t.text.toUpper();
        qsizetype skip = 1;
        if ((name == QLatin1String("GROUP") || name == QLatin1String("ORDER")) && i + 1 < end
            && tokens.at(i + 1).is("BY")) {
            name += QStringLiteral(" BY");
            skip = 2;
        } else if (name != QLatin1String("FROM") && name != QLatin1String("WHERE")
                   && name != QLatin1String("HAVING") && name != QLatin1String("LIMIT")
                   && name != QLatin1String("OFFSET")) {
            continue;
        }
        for (const Clause &c : clauses) {
            if (c.name == name)
                return refuse(QStringLiteral("%1 appears twice").arg(name));
        }
        clauses.last().to = i;
        clauses.append({name, i + skip, end});
    }
    auto clause = [&](const char *name) -> const Clause * {
        for (const Clause &c : clauses) {
            if (c.name == QLatin1String(name))
                return &c;
        }
        return nullptr;
    };
    static const QStringList order
            = {QStringLiteral("SELECT"),   QStringLiteral("FROM"),   QStringLiteral("WHERE"),
               QStringLiteral("GROUP BY"), QStringLiteral("HAVING"), QStringLiteral("ORDER BY"),
               QStringLiteral("LIMIT"),    QStringLiteral("OFFSET")};
    for (qsizetype i = 1; i < clauses.size(); ++i) {
        if (order.indexOf(clauses.at(i).name) < order.indexOf(clauses.at(i - 1).name))
            return refuse(QStringLiteral("%1 must come before %2")
                                  .arg(clauses.at(i).name, clauses.at(i - 1).name));
    }

    const Clause *from = clause("FROM");
    if (!from || from->to - from->from != 1
        || (tokens.at(from->from).kind != Token::Ident
            && tokens.at(from->from).kind != Token::Quoted))
        return refuse(QStringLiteral("FROM must name one dataset, e.g. SELECT count() FROM "
                                     "my_dataset"));
    const QString dataset = tokens.at(from->from).text;
    query.bindings << dataset;

    Translator tr(text, tokens, match, dialect);
    const Clause *select = clause("SELECT");
    // Aliases first, so ORDER BY and HAVING may use them.
    QList<std::pair<qsizetype, qsizetype>> items = tr.splitCommas(select->from, select->to);
    for (const auto &[a, b] : items) {
        if (b - a >= 3 && tokens.at(b - 2).is("AS"))
            tr.aliases.insert(tokens.at(b - 1).text);
    }
    QStringList selectSql;
    for (const auto &[a, b] : items) {
        if (b - a == 1 && tokens.at(a).text == QLatin1String("*")) {
            for (const QString &column : allColumns()) {
                const QString type = *columnType(column);
                selectSql << (type == QLatin1String("DateTime")
                                      ? tr.formatDateTime(quoteIdent(column))
                                      : quoteIdent(column));
                query.columns.append({column, type});
            }
            continue;
        }
        qsizetype exprEnd = b;
        QString name;
        if (b - a >= 3 && tokens.at(b - 2).is("AS")) {
            exprEnd = b - 2;
            name = tokens.at(b - 1).text;
        }
        if (exprEnd <= a)
            return refuse(QStringLiteral("an empty item in the SELECT list"));
        auto e = tr.expr(a, exprEnd);
        if (!e)
            return refuse(tr.error);
        if (name.isEmpty())
            name = tr.text(a, exprEnd);
        QString sql = e->type == QLatin1String("DateTime") ? tr.formatDateTime(e->sql) : e->sql;
        selectSql << sql + QStringLiteral(" AS ") + quoteIdent(name);
        query.columns.append({name, e->type});
    }

    QString sql = QStringLiteral("SELECT %1 FROM %2")
                          .arg(selectSql.join(QStringLiteral(", ")), datasetTable(dialect));
    auto appendClause = [&](const char *name, const QString &keyword) -> bool {
        const Clause *c = clause(name);
        if (!c)
            return true;
        auto list = tr.exprList(c->from, c->to);
        if (!list || list->isEmpty()) {
            if (tr.error.isEmpty())
                tr.error = QStringLiteral("%1 is empty").arg(QLatin1String(name));
            return false;
        }
        QStringList sqls;
        for (const auto &e : *list)
            sqls << e.sql;
        sql += QLatin1Char(' ') + keyword + QLatin1Char(' ') + sqls.join(QStringLiteral(", "));
        return true;
    };
    if (!appendClause("WHERE", QStringLiteral("WHERE"))
        || !appendClause("GROUP BY", QStringLiteral("GROUP BY"))
        || !appendClause("HAVING", QStringLiteral("HAVING"))
        || !appendClause("ORDER BY", QStringLiteral("ORDER BY")))
        return refuse(tr.error);

    auto integerClause = [&](const Clause *c, qint64 *value) -> bool {
        if (!c)
            return true;
        bool ok = c->to - c->from == 1 && tokens.at(c->from).kind == Token::Number;
        *value = ok ? tokens.at(c->from).text.toLongLong(&ok) : 0;
        return ok && *value >= 0;
    };
    qint64 limit = -1, offset = 0;
    const Clause *limitClause = clause("LIMIT");
    if (limitClause && limitClause->to - limitClause->from == 3
        && tokens.at(limitClause->from + 1).text == QLatin1String(",")) {
        // ClickHouse's LIMIT offset, count.
        bool a = false, b = false;
        offset = tokens.at(limitClause->from).text.toLongLong(&a);
        limit = tokens.at(limitClause->from + 2).text.toLongLong(&b);
        if (!a || !b)
            return refuse(QStringLiteral("LIMIT takes non-negative integers"));
    } else if (!integerClause(limitClause, &limit)) {
        return refuse(QStringLiteral("LIMIT takes a non-negative integer"));
    }
    if (!integerClause(clause("OFFSET"), &offset))
        return refuse(QStringLiteral("OFFSET takes a non-negative integer"));
    if (limitClause) {
        query.countSql = QStringLiteral("SELECT count(*) FROM (%1) AS counted").arg(sql);
        sql += QStringLiteral(" LIMIT %1 OFFSET %2").arg(limit).arg(offset);
    }
    query.sql = sql;
    return {query, {}};
}

} // namespace switchyard::store
