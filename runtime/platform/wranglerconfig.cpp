#include "wranglerconfig.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>

namespace switchyard::platform {

namespace {

QString lineColumn(const QByteArray &text, qsizetype offset)
{
    int line = 1, column = 1;
    for (qsizetype i = 0; i < offset && i < text.size(); ++i) {
        if (text.at(i) == '\n') {
            ++line;
            column = 1;
        } else {
            ++column;
        }
    }
    return QStringLiteral("%1:%2").arg(line).arg(column);
}

// A small TOML reader: tables, arrays of tables, dotted keys, strings (basic, literal and their
// multi-line forms), integers, floats, booleans, arrays and inline tables. Dates stay strings.
class TomlReader
{
public:
    explicit TomlReader(const QByteArray &text) : m_text(text) { }

    std::optional<QJsonObject> read(QString *error)
    {
        QJsonObject root;
        QStringList current; // path of the table that keys go to
        bool currentIsArray = false;
        while (true) {
            skipBlank(true);
            if (atEnd())
                break;
            if (peek() == '[') {
                const bool array = m_text.mid(m_pos, 2) == "[[";
                m_pos += array ? 2 : 1;
                QStringList path;
                if (!readKey(&path))
                    return fail(error);
                skipBlank(false);
                if (!expect(array ? "]]" : "]"))
                    return fail(error);
                current = path;
                currentIsArray = array;
                if (!openTable(root, path, array))
                    return fail(error);
            } else {
                QStringList key;
                if (!readKey(&key))
                    return fail(error);
                skipBlank(false);
                if (!expect("="))
                    return fail(error);
                skipBlank(false);
                QJsonValue value;
                if (!readValue(&value))
                    return fail(error);
                if (!assign(root, current, currentIsArray, key, value))
                    return fail(error);
            }
            skipBlank(false);
            if (!atEnd() && peek() != '\n') {
                m_error = QStringLiteral("expected the end of the line");
                return fail(error);
            }
        }
        return root;
    }

private:
    std::optional<QJsonObject> fail(QString *error)
    {
        *error = QStringLiteral("%1: %2").arg(lineColumn(m_text, m_pos), m_error);
        return std::nullopt;
    }
    bool atEnd() const { return m_pos >= m_text.size(); }
    char peek() const { return atEnd() ? '\0' : m_text.at(m_pos); }
    bool expect(const char *token)
    {
        const QByteArray t(token);
        if (m_text.mid(m_pos, t.size()) != t) {
            m_error = QStringLiteral("expected \"%1\"").arg(QLatin1String(token));
            return false;
        }
        m_pos += t.size();
        return true;
    }
    // Skips spaces and comments; with `newlines`, blank lines too.
    void skipBlank(bool newlines)
    {
        while (!atEnd()) {
            const char c = peek();
            if (c == ' ' || c == '\t' || c == '\r' || (newlines && c == '\n')) {
                ++m_pos;
            } else if (c == '#') {
                while (!atEnd() && peek() != '\n')
                    ++m_pos;
            } else {
                break;
            }
        }
    }
    bool readKey(QStringList *path)
    {
        while (true) {
            skipBlank(false);
            QString part;
            if (peek() == '"' || peek() == '\'') {
                QJsonValue v;
                if (!readString(&v))
                    return false;
                part = v.toString();
            } else {
                const qsizetype start = m_pos;
                while (!atEnd() && (isalnum(uchar(peek())) || peek() == '_' || peek() == '-'))
                    ++m_pos;
                if (m_pos == start) {
                    m_error = QStringLiteral("expected a key");
                    return false;
                }
                part = QString::fromUtf8(m_text.mid(start, m_pos - start));
            }
            path->append(part);
            if (path->size() > kMaxNesting) {
                m_error = QStringLiteral("a key has more than %1 parts").arg(kMaxNesting);
                return false;
            }
            skipBlank(false);
            if (peek() != '.')
                return true;
            ++m_pos;
        }
    }
    bool readString(QJsonValue *out)
    {
        const char quote = peek();
        const bool multi = m_text.mid(m_pos, 3) == QByteArray(3, quote);
        m_pos += multi ? 3 : 1;
        if (multi && peek() == '\n')
            ++m_pos;
        QByteArray value;
        while (true) {
            if (atEnd()) {
                m_error = QStringLiteral("unterminated string");
                return false;
            }
            const char c = peek();
            if (multi && m_text.mid(m_pos, 3) == QByteArray(3, quote)) {
                m_pos += 3;
                break;
            }
            if (!multi && c == quote) {
                ++m_pos;
                break;
            }
            if (!multi && c == '\n') {
                m_error = QStringLiteral("unterminated string");
                return false;
            }
            if (c == '\\' && quote == '"') {
                ++m_pos;
                const char e = peek();
                ++m_pos;
                switch (e) {
                case 'n':
                    value += '\n';
                    break;
                case 't':
                    value += '\t';
                    break;
                case 'r':
                    value += '\r';
                    break;
                case '"':
                    value += '"';
                    break;
                case '\\':
                    value += '\\';
                    break;
                case 'u':
                case 'U': {
                    const int n = e == 'u' ? 4 : 8;
                    bool ok = false;
                    const uint code = m_text.mid(m_pos, n).toUInt(&ok, 16);
                    if (!ok) {
                        m_error = QStringLiteral("invalid unicode escape");
                        return false;
                    }
                    m_pos += n;
                    const char32_t cp = code;
                    value += QString::fromUcs4(&cp, 1).toUtf8();
                    break;
                }
                case '\n':
                    if (multi) {
                        skipBlank(true);
                        break;
                    }
                    [[fallthrough]];
                default:
                    m_error = QStringLiteral("invalid escape \"\\%1\"").arg(QLatin1Char(e));
                    return false;
                }
                continue;
            }
            value += c;
            ++m_pos;
        }
        *out = QString::fromUtf8(value);
        return true;
    }
    bool readValue(QJsonValue *out)
    {
        const char c = peek();
        if (c == '"' || c == '\'')
            return readString(out);
        if (c == '[' || c == '{') {
            // Each level is a stack frame: a hostile file must not exhaust the stack.
            if (m_depth == kMaxNesting) {
                m_error = QStringLiteral("arrays and tables nest more than %1 deep")
                                  .arg(kMaxNesting);
                return false;
            }
            ++m_depth;
            const bool ok = readContainer(out);
            --m_depth;
            return ok;
        }
        return readScalar(out);
    }
    bool readContainer(QJsonValue *out)
    {
        const char c = peek();
        if (c == '[') {
            ++m_pos;
            QJsonArray array;
            while (true) {
                skipBlank(true);
                if (peek() == ']') {
                    ++m_pos;
                    break;
                }
                QJsonValue item;
                if (!readValue(&item))
                    return false;
                array.append(item);
                skipBlank(true);
                if (peek() == ',') {
                    ++m_pos;
                } else if (peek() != ']') {
                    m_error = QStringLiteral("expected \",\" or \"]\" in an array");
                    return false;
                }
            }
            *out = array;
            return true;
        }
        if (c == '{') {
            ++m_pos;
            QJsonObject table;
            skipBlank(false);
            if (peek() == '}') {
                ++m_pos;
                *out = table;
                return true;
            }
            while (true) {
                QStringList key;
                if (!readKey(&key))
                    return false;
                skipBlank(false);
                if (!expect("="))
                    return false;
                skipBlank(false);
                QJsonValue v;
                if (!readValue(&v))
                    return false;
                if (!assign(table, {}, false, key, v))
                    return false;
                skipBlank(false);
                if (peek() == ',') {
                    ++m_pos;
                    continue;
                }
                if (!expect("}"))
                    return false;
                break;
            }
            *out = table;
            return true;
        }
        return false;
    }
    bool readScalar(QJsonValue *out)
    {
        const qsizetype start = m_pos;
        while (!atEnd() && !QByteArray(" \t\r\n,]}#").contains(peek()))
            ++m_pos;
        QByteArray word = m_text.mid(start, m_pos - start);
        if (word == "true" || word == "false") {
            *out = word == "true";
            return true;
        }
        word.replace('_', "");
        bool ok = false;
        const qlonglong integer = word.toLongLong(&ok, 0);
        if (ok) {
            *out = double(integer);
            return true;
        }
        const double number = word.toDouble(&ok);
        if (ok) {
            *out = number;
            return true;
        }
        if (!word.isEmpty() && isdigit(uchar(word.at(0)))) {
            *out = QString::fromLatin1(word); // a date or time: kept as text
            return true;
        }
        m_pos = start;
        m_error = QStringLiteral("expected a value");
        return false;
    }
    // Walks `path` from `root`: the table there, empty where the path does not exist yet; the
    // last element of an array of tables is used. Fails when a part of the path is a value, which
    // TOML forbids extending (`a = 1` then `a.b = 2`).
    std::optional<QJsonObject> getPath(const QJsonObject &root, const QStringList &path)
    {
        QJsonObject o = root;
        for (qsizetype i = 0; i < path.size(); ++i) {
            const QJsonValue v = o.value(path.at(i));
            const QJsonArray array = v.toArray();
            if (v.isUndefined() || v.isObject()) {
                o = v.toObject();
            } else if (!array.isEmpty() && array.last().isObject()) {
                o = array.last().toObject();
            } else {
                m_error = QStringLiteral("\"%1\" is already defined as a value")
                                  .arg(path.first(i + 1).join(u'.'));
                return std::nullopt;
            }
        }
        return o;
    }
    static void setPath(QJsonObject &root, const QStringList &path, const QJsonObject &value)
    {
        if (path.isEmpty()) {
            root = value;
            return;
        }
        QJsonObject child;
        const QJsonValue existing = root.value(path.first());
        if (existing.isArray() && !existing.toArray().isEmpty()) {
            QJsonArray array = existing.toArray();
            QJsonObject last = array.last().toObject();
            setPath(last, path.mid(1), value);
            array.replace(array.size() - 1, last);
            root.insert(path.first(), array);
            return;
        }
        child = existing.toObject();
        setPath(child, path.mid(1), value);
        root.insert(path.first(), child);
    }
    bool openTable(QJsonObject &root, const QStringList &path, bool array)
    {
        const auto found = getPath(root, path.mid(0, path.size() - 1));
        if (!found)
            return false;
        QJsonObject parent = *found;
        const QJsonValue existing = parent.value(path.last());
        if (array) {
            if (!existing.isUndefined() && !existing.isArray()) {
                m_error = QStringLiteral("\"%1\" is already a table").arg(path.join(u'.'));
                return false;
            }
            QJsonArray a = existing.toArray();
            a.append(QJsonObject());
            parent.insert(path.last(), a);
        } else {
            if (!existing.isUndefined() && !existing.isObject()) {
                m_error = QStringLiteral("\"%1\" is already defined").arg(path.join(u'.'));
                return false;
            }
            parent.insert(path.last(), existing.toObject());
        }
        setPath(root, path.mid(0, path.size() - 1), parent);
        return true;
    }
    bool assign(QJsonObject &root, const QStringList &table, bool, const QStringList &key,
                const QJsonValue &value)
    {
        const QStringList full = table + key;
        const auto found = getPath(root, full.mid(0, full.size() - 1));
        if (!found)
            return false;
        QJsonObject parent = *found;
        if (parent.contains(full.last())) {
            m_error = QStringLiteral("\"%1\" is defined twice").arg(full.join(u'.'));
            return false;
        }
        parent.insert(full.last(), value);
        setPath(root, full.mid(0, full.size() - 1), parent);
        return true;
    }

    // Far beyond any wrangler file, far below what the stack holds.
    static constexpr int kMaxNesting = 64;

    const QByteArray &m_text;
    qsizetype m_pos = 0;
    int m_depth = 0; // arrays and inline tables open around m_pos
    QString m_error;
};

// Wrangler's keys that do not change what Switchyard runs; accepted and ignored.
const QStringList &ignoredKeys()
{
    static const QStringList keys {
            QStringLiteral("$schema"),       QStringLiteral("account_id"),
            QStringLiteral("workers_dev"),   QStringLiteral("preview_urls"),
            QStringLiteral("observability"), QStringLiteral("placement"),
            QStringLiteral("minify"),        QStringLiteral("build"),
            QStringLiteral("dev"),           QStringLiteral("upload_source_maps"),
            QStringLiteral("keep_vars"),     QStringLiteral("send_metrics")};
    return keys;
}

class ConfigReader
{
public:
    ConfigReader(const QString &fileName) : m_file(fileName) { }

    WranglerConfigResult read(const QJsonObject &root)
    {
        WranglerConfig c;
        c.path = m_file;
        for (auto it = root.begin(); it != root.end(); ++it) {
            const QString key = it.key();
            const QJsonValue v = it.value();
            if (key == u"name")
                c.name = string(key, v);
            else if (key == u"main")
                c.main = string(key, v);
            else if (key == u"compatibility_date")
                c.compatibilityDate = string(key, v);
            else if (key == u"compatibility_flags")
                c.compatibilityFlags = strings(key, v);
            else if (key == u"dispatch_namespaces")
                forEach(key, v, [&](const QString &at, const QJsonObject &o) {
                    WranglerConfig::DispatchNamespace d;
                    d.binding = required(at, o, QStringLiteral("binding"));
                    d.nameSpace = required(at, o, QStringLiteral("namespace"));
                    if (o.contains(u"outbound")) {
                        const QJsonObject out = o.value(u"outbound").toObject();
                        d.outboundService = required(at + QStringLiteral(".outbound"), out,
                                                     QStringLiteral("service"));
                        d.outboundParameters = strings(at + QStringLiteral(".outbound.parameters"),
                                                       out.value(u"parameters"));
                        onlyKeys(at + QStringLiteral(".outbound"), out,
                                 {"service", "parameters", "environment"});
                    }
                    onlyKeys(at, o,
                             {"binding", "namespace", "outbound", "experimental_remote", "remote"});
                    c.dispatchNamespaces << d;
                });
            else if (key == u"kv_namespaces")
                forEach(key, v, [&](const QString &at, const QJsonObject &o) {
                    c.kvNamespaces << WranglerConfig::KvNamespace {
                            required(at, o, QStringLiteral("binding")),
                            o.value(u"id").toString(o.value(u"binding").toString())};
                    onlyKeys(at, o, {"binding", "id", "preview_id", "remote"});
                });
            else if (key == u"analytics_engine_datasets")
                forEach(key, v, [&](const QString &at, const QJsonObject &o) {
                    const QString binding = required(at, o, QStringLiteral("binding"));
                    c.analyticsEngineDatasets << WranglerConfig::Dataset {
                            binding, o.value(u"dataset").toString(binding)};
                    onlyKeys(at, o, {"binding", "dataset"});
                });
            else if (key == u"services")
                forEach(key, v, [&](const QString &at, const QJsonObject &o) {
                    c.services << WranglerConfig::Service {
                            required(at, o, QStringLiteral("binding")),
                            required(at, o, QStringLiteral("service"))};
                    onlyKeys(at, o, {"binding", "service", "environment", "entrypoint"});
                });
            else if (key == u"tail_consumers")
                forEach(key, v, [&](const QString &at, const QJsonObject &o) {
                    c.tailConsumers << required(at, o, QStringLiteral("service"));
                    onlyKeys(at, o, {"service", "environment"});
                });
            else if (key == u"vars") {
                if (!v.isObject())
                    setError(key, QStringLiteral("must be a table of names to values"));
                c.vars = v.toObject().toVariantMap();
            } else if (!ignoredKeys().contains(key))
                setError(key, QStringLiteral("is not supported by Switchyard"));
            if (!m_error.isEmpty())
                return {std::nullopt, m_error};
        }
        if (c.main.isEmpty())
            setError(QStringLiteral("main"), QStringLiteral("is required (the entry module)"));
        if (!m_error.isEmpty())
            return {std::nullopt, m_error};
        return {c, {}};
    }

private:
    void setError(const QString &key, const QString &reason)
    {
        if (m_error.isEmpty())
            m_error = QStringLiteral("%1: %2: %3").arg(m_file, key, reason);
    }
    QString string(const QString &key, const QJsonValue &v)
    {
        if (!v.isString())
            setError(key, QStringLiteral("must be a string"));
        return v.toString();
    }
    QStringList strings(const QString &key, const QJsonValue &v)
    {
        QStringList out;
        if (v.isUndefined())
            return out;
        if (!v.isArray())
            setError(key, QStringLiteral("must be an array of strings"));
        for (const QJsonValue item : v.toArray()) {
            if (!item.isString())
                setError(key, QStringLiteral("must be an array of strings"));
            out << item.toString();
        }
        return out;
    }
    QString required(const QString &at, const QJsonObject &o, const QString &name)
    {
        const QJsonValue v = o.value(name);
        if (!v.isString() || v.toString().isEmpty())
            setError(at + u'.' + name, QStringLiteral("is required and must be a string"));
        return v.toString();
    }
    void onlyKeys(const QString &at, const QJsonObject &o,
                  std::initializer_list<const char *> known)
    {
        for (auto it = o.begin(); it != o.end(); ++it) {
            bool ok = false;
            for (const char *k : known)
                ok = ok || it.key() == QLatin1String(k);
            if (!ok)
                setError(at + u'.' + it.key(), QStringLiteral("is not supported by Switchyard"));
        }
    }
    template<typename F> void forEach(const QString &key, const QJsonValue &v, F f)
    {
        if (!v.isArray()) {
            setError(key, QStringLiteral("must be an array of tables"));
            return;
        }
        const QJsonArray a = v.toArray();
        for (int i = 0; i < a.size(); ++i) {
            const QString at = QStringLiteral("%1[%2]").arg(key).arg(i);
            if (!a.at(i).isObject()) {
                setError(at, QStringLiteral("must be a table"));
                return;
            }
            f(at, a.at(i).toObject());
        }
    }

    QString m_file;
    QString m_error;
};

} // namespace

std::optional<QJsonObject> parseJsonc(const QByteArray &text, QString *error)
{
    // Blank out comments and trailing commas, keeping offsets so errors point at the source.
    QByteArray clean = text;
    bool inString = false;
    for (qsizetype i = 0; i < clean.size(); ++i) {
        const char c = clean.at(i);
        if (inString) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                inString = false;
            continue;
        }
        if (c == '"') {
            inString = true;
        } else if (c == '/' && i + 1 < clean.size() && clean.at(i + 1) == '/') {
            while (i < clean.size() && clean.at(i) != '\n')
                clean[i++] = ' ';
        } else if (c == '/' && i + 1 < clean.size() && clean.at(i + 1) == '*') {
            const qsizetype end = clean.indexOf("*/", i + 2);
            const qsizetype stop = end < 0 ? clean.size() : end + 2;
            for (; i < stop; ++i)
                if (clean.at(i) != '\n')
                    clean[i] = ' ';
            --i;
        } else if (c == ',') {
            qsizetype j = i + 1;
            while (j < clean.size() && QByteArray(" \t\r\n").contains(clean.at(j)))
                ++j;
            if (j < clean.size() && (clean.at(j) == '}' || clean.at(j) == ']'))
                clean[i] = ' ';
        }
    }
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(clean, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        *error = QStringLiteral("%1: %2").arg(lineColumn(text, parseError.offset),
                                              parseError.errorString());
        return std::nullopt;
    }
    if (!doc.isObject()) {
        *error = QStringLiteral("1:1: the top level must be an object");
        return std::nullopt;
    }
    return doc.object();
}

std::optional<QJsonObject> parseToml(const QByteArray &text, QString *error)
{
    return TomlReader(text).read(error);
}

WranglerConfigResult parseWranglerConfig(const QByteArray &text, const QString &fileName)
{
    QString error;
    const bool toml = fileName.endsWith(QStringLiteral(".toml"));
    const auto root = toml ? parseToml(text, &error) : parseJsonc(text, &error);
    if (!root)
        return {std::nullopt, QStringLiteral("%1:%2").arg(fileName, error)};
    auto result = ConfigReader(fileName).read(*root);
    if (result.config && !QFileInfo(result.config->main).isAbsolute()) {
        result.config->main
                = QFileInfo(QFileInfo(fileName).absolutePath() + u'/' + result.config->main)
                          .absoluteFilePath();
    }
    return result;
}

WranglerConfigResult readWranglerConfig(const QString &path)
{
    const QString suffix = QFileInfo(path).suffix();
    if (suffix != u"toml" && suffix != u"json" && suffix != u"jsonc")
        return {std::nullopt,
                QStringLiteral("%1: not a wrangler.jsonc, wrangler.json or wrangler.toml")
                        .arg(path)};
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {std::nullopt, QStringLiteral("%1: %2").arg(path, file.errorString())};
    return parseWranglerConfig(file.readAll(), path);
}

} // namespace switchyard::platform
