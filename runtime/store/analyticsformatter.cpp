#include "analyticsformatter.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace switchyard::store::analytics {

namespace {

QJsonValue jsonValue(const QVariant &value, const QString &type)
{
    if (value.isNull())
        return QJsonValue::Null;
    // ClickHouse quotes 64-bit integers in JSON, so JavaScript clients lose no precision.
    if (type == QLatin1String("UInt64") || type == QLatin1String("Int64"))
        return QString::number(value.toLongLong());
    if (type == QLatin1String("Float64"))
        return value.toDouble();
    if (type == QLatin1String("UInt8") || type == QLatin1String("UInt32"))
        return value.toLongLong();
    return value.toString();
}

QString tsvEscape(QString text)
{
    return text.replace(QLatin1Char('\\'), QStringLiteral("\\\\"))
            .replace(QLatin1Char('\t'), QStringLiteral("\\t"))
            .replace(QLatin1Char('\n'), QStringLiteral("\\n"));
}

} // namespace

AnalyticsAnswer formatRows(const AnalyticsQuery &query, const QList<QVariantList> &rows,
                           qint64 before)
{
    AnalyticsAnswer answer;
    if (query.format == QLatin1String("JSON") || query.format == QLatin1String("JSONEachRow")) {
        QJsonArray data;
        QByteArray lines;
        for (const QVariantList &row : rows) {
            QJsonObject o;
            for (int c = 0; c < query.columns.size(); ++c)
                o.insert(query.columns.at(c).name, jsonValue(row.at(c), query.columns.at(c).type));
            data.append(o);
            lines += QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n';
        }
        if (query.format == QLatin1String("JSONEachRow")) {
            answer.body = lines;
            answer.contentType = "application/x-ndjson";
        } else {
            QJsonArray meta;
            for (const auto &column : query.columns)
                meta.append(QJsonObject {{QStringLiteral("name"), column.name},
                                         {QStringLiteral("type"), column.type}});
            const QJsonObject out {{QStringLiteral("meta"), meta},
                                   {QStringLiteral("data"), data},
                                   {QStringLiteral("rows"), int(rows.size())},
                                   {QStringLiteral("rows_before_limit_at_least"),
                                    double(before >= 0 ? before : rows.size())}};
            answer.body = QJsonDocument(out).toJson(QJsonDocument::Indented);
            answer.contentType = "application/json";
        }
    } else {
        QStringList lines;
        if (query.format == QLatin1String("TabSeparatedWithNames")) {
            QStringList names;
            for (const auto &column : query.columns)
                names << tsvEscape(column.name);
            lines << names.join(QLatin1Char('\t'));
        }
        for (const QVariantList &row : rows) {
            QStringList cells;
            // Through the column's type, as JSON: a backend's own types (PostgreSQL's booleans
            // and numerics) print as ClickHouse prints the column.
            for (qsizetype c = 0; c < row.size(); ++c) {
                const QJsonValue value = jsonValue(
                        row.at(c), c < query.columns.size() ? query.columns.at(c).type : QString());
                cells << tsvEscape(value.isDouble() ? QVariant(value.toDouble()).toString()
                                                    : value.toVariant().toString());
            }
            lines << cells.join(QLatin1Char('\t'));
        }
        answer.body
                = lines.isEmpty() ? QByteArray() : (lines.join(QLatin1Char('\n')) + u'\n').toUtf8();
        answer.contentType = "text/tab-separated-values; charset=UTF-8";
    }
    return answer;
}

} // namespace switchyard::store::analytics
