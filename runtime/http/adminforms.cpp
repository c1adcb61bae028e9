#include "adminforms.h"

#include <QJsonArray>
#include <QStringList>

namespace switchyard::http::admin {

namespace {

// "a[b][][c]" -> {"a", "b", "", "c"}; std::nullopt when the brackets do not pair up.
std::optional<QStringList> splitName(const QString &name)
{
    const qsizetype open = name.indexOf(QLatin1Char('['));
    if (open <= 0)
        return std::nullopt;
    QStringList tokens {name.left(open)};
    qsizetype i = open;
    while (i < name.size()) {
        if (name.at(i) != QLatin1Char('['))
            return std::nullopt;
        const qsizetype close = name.indexOf(QLatin1Char(']'), i + 1);
        if (close < 0)
            return std::nullopt;
        const QString token = name.mid(i + 1, close - i - 1);
        if (token.contains(QLatin1Char('[')))
            return std::nullopt;
        tokens.append(token);
        i = close + 1;
    }
    return tokens;
}

bool hasPath(const QJsonObject &object, const QStringList &tokens, qsizetype from)
{
    const QJsonValue value = object.value(tokens.at(from));
    if (value.isUndefined())
        return false;
    if (from + 1 == tokens.size())
        return true;
    if (tokens.at(from + 1).isEmpty())
        return value.isArray() && from + 2 < tokens.size()
                ? !value.toArray().isEmpty() && value.toArray().last().isObject()
                        && hasPath(value.toArray().last().toObject(), tokens, from + 2)
                : false;
    return value.isObject() && hasPath(value.toObject(), tokens, from + 1);
}

bool setIn(QJsonObject &object, const QStringList &tokens, qsizetype i, const QString &value)
{
    const QString &key = tokens.at(i);
    const QJsonValue current = object.value(key);
    if (i + 1 == tokens.size()) {
        if (!current.isUndefined() && !current.isString())
            return false;
        object.insert(key, value);
        return true;
    }
    if (tokens.at(i + 1).isEmpty()) {
        if (!current.isUndefined() && !current.isArray())
            return false;
        QJsonArray array = current.toArray();
        if (i + 2 == tokens.size()) {
            array.append(value);
        } else {
            const bool reuse = !array.isEmpty() && array.last().isObject()
                    && !hasPath(array.last().toObject(), tokens, i + 2);
            QJsonObject child = reuse ? array.last().toObject() : QJsonObject();
            if (!setIn(child, tokens, i + 2, value))
                return false;
            if (reuse)
                array.replace(array.size() - 1, child);
            else
                array.append(child);
        }
        object.insert(key, array);
        return true;
    }
    if (!current.isUndefined() && !current.isObject())
        return false;
    QJsonObject child = current.toObject();
    if (!setIn(child, tokens, i + 1, value))
        return false;
    object.insert(key, child);
    return true;
}

} // namespace

bool hasBracketFields(const QList<MultipartPart> &parts, const QString &root)
{
    const QString prefix = root + QLatin1Char('[');
    return std::any_of(parts.cbegin(), parts.cend(),
                       [&](const MultipartPart &p) { return p.name.startsWith(prefix); });
}

std::optional<QJsonObject> bracketFields(const QList<MultipartPart> &parts, const QString &root,
                                         QString *error)
{
    const QString prefix = root + QLatin1Char('[');
    QJsonObject form;
    for (const MultipartPart &part : parts) {
        if (!part.name.startsWith(prefix))
            continue;
        const auto tokens = splitName(part.name);
        if (!tokens) {
            *error = QStringLiteral("form field \"%1\" has unbalanced brackets").arg(part.name);
            return std::nullopt;
        }
        if (!setIn(form, *tokens, 0, QString::fromUtf8(part.body))) {
            *error = QStringLiteral("form field \"%1\" uses a name that another field already "
                                    "uses differently")
                             .arg(part.name);
            return std::nullopt;
        }
    }
    return form.value(root).toObject();
}

} // namespace switchyard::http::admin
