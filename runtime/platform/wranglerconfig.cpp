#include "wranglerconfig.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>

#include <toml++/toml.h>

#include <sstream>

namespace switchyard::platform {

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

namespace {

// Far beyond any wrangler file, far below what the stack holds.
constexpr int kMaxNesting = 64;

// toml++ recurses once per part of a dotted key and once per nested array or inline table; a
// hostile file (`a.a.a...` with 100000 parts) overflows the stack inside toml::parse before it
// can report anything. This scan runs first and bounds both, skipping strings and comments so
// that only the file's structure is counted. It reads nothing else: toml++ checks the syntax.
std::optional<QString> tooDeep(const QByteArray &text)
{
    int depth = 0; // arrays and tables open here
    int parts = 1; // parts of the key or table name being read
    const auto three = [&text](qsizetype i, char c) {
        return i + 2 < text.size() && text.at(i) == c && text.at(i + 1) == c && text.at(i + 2) == c;
    };
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char c = text.at(i);
        if (c == '#') {
            while (i + 1 < text.size() && text.at(i + 1) != '\n')
                ++i;
        } else if (c == '"' || c == '\'') {
            const bool multi = three(i, c);
            i += multi ? 3 : 1;
            for (; i < text.size(); ++i) {
                if (c == '"' && text.at(i) == '\\') {
                    ++i;
                } else if (multi ? three(i, c) : text.at(i) == c) {
                    // A multi-line string may end in up to two more quotes: """a"""""
                    i += multi ? 2 : 0;
                    while (multi && i + 1 < text.size() && text.at(i + 1) == c)
                        ++i;
                    break;
                } else if (!multi && text.at(i) == '\n') {
                    break;
                }
            }
        } else if (c == '[' || c == '{') {
            parts = 1;
            if (++depth > kMaxNesting)
                return QStringLiteral("%1: arrays and tables nest more than %2 deep")
                        .arg(lineColumn(text, i))
                        .arg(kMaxNesting);
        } else if (c == ']' || c == '}') {
            parts = 1;
            depth = qMax(0, depth - 1);
        } else if (c == '.') {
            if (++parts > kMaxNesting)
                return QStringLiteral("%1: a key has more than %2 parts")
                        .arg(lineColumn(text, i + 1))
                        .arg(kMaxNesting);
        } else if (!isalnum(uchar(c)) && c != '_' && c != '-' && c != ' ' && c != '\t') {
            parts = 1; // "=", ",", a line break: whatever follows starts a new key
        }
    }
    return std::nullopt;
}

QJsonValue toJson(const toml::node &node)
{
    if (const auto *table = node.as_table()) {
        QJsonObject o;
        for (const auto &[key, value] : *table)
            o.insert(QString::fromUtf8(key.data(), qsizetype(key.length())), toJson(value));
        return o;
    }
    if (const auto *array = node.as_array()) {
        QJsonArray a;
        for (const auto &value : *array)
            a.append(toJson(value));
        return a;
    }
    if (const auto *s = node.as_string())
        return QString::fromStdString(s->get());
    if (const auto *i = node.as_integer())
        return double(i->get());
    if (const auto *f = node.as_floating_point())
        return f->get();
    if (const auto *b = node.as_boolean())
        return b->get();
    // Dates and times: kept as the text TOML writes them.
    std::ostringstream text;
    node.visit([&text](const auto &value) { text << value; });
    return QString::fromStdString(text.str());
}

// Wrangler's keys that do not change what Switchyard runs; accepted and ignored.
const QStringList &ignoredKeys()
{
    static const QStringList keys {
            QStringLiteral("$schema"), QStringLiteral("account_id"), QStringLiteral("workers_dev"),
            QStringLiteral("preview_urls"), QStringLiteral("observability"),
            QStringLiteral("placement"), QStringLiteral("minify"), QStringLiteral("build"),
            QStringLiteral("dev"), QStringLiteral("upload_source_maps"),
            QStringLiteral("keep_vars"), QStringLiteral("send_metrics"),
            // How wrangler finds and types modules; Switchyard collects them itself.
            QStringLiteral("no_bundle"), QStringLiteral("find_additional_modules"),
            QStringLiteral("rules"), QStringLiteral("base_dir")};
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
    if (const auto deep = tooDeep(text)) {
        *error = *deep;
        return std::nullopt;
    }
    try {
        const toml::table table = toml::parse(std::string_view(text.constData(), text.size()));
        return toJson(table).toObject();
    } catch (const toml::parse_error &e) {
        *error = QStringLiteral("%1:%2: %3")
                         .arg(e.source().begin.line)
                         .arg(e.source().begin.column)
                         .arg(QString::fromUtf8(e.description().data(),
                                                qsizetype(e.description().size())));
        return std::nullopt;
    }
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

QJsonArray metadataBindings(const WranglerConfig &config)
{
    QJsonArray bindings;
    for (const auto &d : config.dispatchNamespaces) {
        QJsonObject binding {{QStringLiteral("type"), QStringLiteral("dispatch_namespace")},
                             {QStringLiteral("name"), d.binding},
                             {QStringLiteral("namespace"), d.nameSpace}};
        if (!d.outboundService.isEmpty()) {
            QJsonArray params;
            for (const QString &p : d.outboundParameters)
                params.append(QJsonObject {{QStringLiteral("name"), p}});
            binding.insert(
                    QStringLiteral("outbound"),
                    QJsonObject {{QStringLiteral("worker"),
                                  QJsonObject {{QStringLiteral("service"), d.outboundService}}},
                                 {QStringLiteral("params"), params}});
        }
        bindings.append(binding);
    }
    for (const auto &kv : config.kvNamespaces)
        bindings.append(QJsonObject {{QStringLiteral("type"), QStringLiteral("kv_namespace")},
                                     {QStringLiteral("name"), kv.binding},
                                     {QStringLiteral("namespace_id"), kv.id}});
    for (const auto &ds : config.analyticsEngineDatasets)
        bindings.append(QJsonObject {{QStringLiteral("type"), QStringLiteral("analytics_engine")},
                                     {QStringLiteral("name"), ds.binding},
                                     {QStringLiteral("dataset"), ds.dataset}});
    for (const auto &s : config.services)
        bindings.append(QJsonObject {{QStringLiteral("type"), QStringLiteral("service")},
                                     {QStringLiteral("name"), s.binding},
                                     {QStringLiteral("service"), s.service}});
    for (auto it = config.vars.begin(); it != config.vars.end(); ++it) {
        const bool text = it.value().typeId() == QMetaType::QString;
        QJsonObject binding {{QStringLiteral("name"), it.key()},
                             {QStringLiteral("type"),
                              text ? QStringLiteral("plain_text") : QStringLiteral("json")}};
        binding.insert(text ? QStringLiteral("text") : QStringLiteral("json"),
                       QJsonValue::fromVariant(it.value()));
        bindings.append(binding);
    }
    return bindings;
}

QJsonArray metadataTailConsumers(const WranglerConfig &config)
{
    QJsonArray consumers;
    for (const QString &tail : config.tailConsumers)
        consumers.append(QJsonObject {{QStringLiteral("service"), tail}});
    return consumers;
}

} // namespace switchyard::platform
