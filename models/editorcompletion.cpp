#include "editorcompletion.h"

#include "editornavigation.h"

#include <QRegularExpression>
#include <QSet>
#include <QTextCursor>

#include <algorithm>

namespace switchyard::models {

namespace {

using Suggestion = EditorCompletion::Suggestion;

bool isIdentifierChar(QChar c)
{
    return c.isLetterOrNumber() || c == u'_' || c == u'$';
}

QList<Suggestion> members(std::initializer_list<std::pair<const char *, const char *>> list)
{
    QList<Suggestion> out;
    for (const auto &[name, detail] : list) {
        const QString d = QString::fromUtf8(detail);
        out.append({QString::fromLatin1(name),
                    d.startsWith(u'(') ? QStringLiteral("method") : QStringLiteral("property"), d});
    }
    return out;
}

const QList<Suggestion> &bodyMembers()
{
    static const QList<Suggestion> list = members({{"body", "ReadableStream | null"},
                                                   {"bodyUsed", "boolean"},
                                                   {"headers", "Headers"},
                                                   {"arrayBuffer", "(): Promise<ArrayBuffer>"},
                                                   {"blob", "(): Promise<Blob>"},
                                                   {"formData", "(): Promise<FormData>"},
                                                   {"json", "(): Promise<any>"},
                                                   {"text", "(): Promise<string>"}});
    return list;
}

QList<Suggestion> requestMembers()
{
    return bodyMembers()
            + members({{"method", "string"},
                       {"url", "string"},
                       {"cf", "IncomingRequestCfProperties"},
                       {"signal", "AbortSignal"},
                       {"redirect", "string"},
                       {"fetcher", "Fetcher | null"},
                       {"clone", "(): Request"}});
}

QList<Suggestion> responseMembers()
{
    return bodyMembers()
            + members({{"status", "number"},
                       {"statusText", "string"},
                       {"ok", "boolean"},
                       {"redirected", "boolean"},
                       {"url", "string"},
                       {"webSocket", "WebSocket | null"},
                       {"clone", "(): Response"}});
}

QList<Suggestion> contextMembers(const QString &context)
{
    if (context == QLatin1String("request"))
        return requestMembers();
    if (context == QLatin1String("response"))
        return responseMembers();
    if (context == QLatin1String("Response"))
        return members({{"json", "(data, init?): Response"},
                        {"redirect", "(url, status?): Response"},
                        {"error", "(): Response"}});
    if (context == QLatin1String("url"))
        return members({{"href", "string"},
                        {"origin", "string"},
                        {"protocol", "string"},
                        {"username", "string"},
                        {"password", "string"},
                        {"host", "string"},
                        {"hostname", "string"},
                        {"port", "string"},
                        {"pathname", "string"},
                        {"search", "string"},
                        {"searchParams", "URLSearchParams"},
                        {"hash", "string"},
                        {"toString", "(): string"},
                        {"toJSON", "(): string"}});
    if (context == QLatin1String("headers"))
        return members({{"get", "(name): string | null"},
                        {"getAll", "(name): string[]"},
                        {"has", "(name): boolean"},
                        {"set", "(name, value): void"},
                        {"append", "(name, value): void"},
                        {"delete", "(name): void"},
                        {"entries", "(): Iterator"},
                        {"keys", "(): Iterator"},
                        {"values", "(): Iterator"},
                        {"forEach", "(callback): void"}});
    if (context == QLatin1String("crypto"))
        return members({{"subtle", "SubtleCrypto"},
                        {"getRandomValues", "(array): array"},
                        {"randomUUID", "(): string"},
                        {"DigestStream", "(algorithm)"}});
    if (context == QLatin1String("subtle"))
        return members({{"encrypt", "(algorithm, key, data): Promise<ArrayBuffer>"},
                        {"decrypt", "(algorithm, key, data): Promise<ArrayBuffer>"},
                        {"sign", "(algorithm, key, data): Promise<ArrayBuffer>"},
                        {"verify", "(algorithm, key, signature, data): Promise<boolean>"},
                        {"digest", "(algorithm, data): Promise<ArrayBuffer>"},
                        {"generateKey", "(algorithm, extractable, usages): Promise<CryptoKey>"},
                        {"deriveKey", "(algorithm, base, derived, extractable, usages)"},
                        {"deriveBits", "(algorithm, base, length): Promise<ArrayBuffer>"},
                        {"importKey", "(format, keyData, algorithm, extractable, usages)"},
                        {"exportKey", "(format, key): Promise<ArrayBuffer | JsonWebKey>"},
                        {"wrapKey", "(format, key, wrappingKey, algorithm)"},
                        {"unwrapKey", "(format, wrapped, unwrappingKey, algorithm, ...)"},
                        {"timingSafeEqual", "(a, b): boolean"}});
    if (context == QLatin1String("caches"))
        return members({{"default", "Cache"}, {"open", "(name): Promise<Cache>"}});
    if (context == QLatin1String("ctx"))
        return members({{"waitUntil", "(promise): void"}, {"passThroughOnException", "(): void"}});
    if (context == QLatin1String("event"))
        return members({{"request", "Request"},
                        {"respondWith", "(response): void"},
                        {"waitUntil", "(promise): void"},
                        {"passThroughOnException", "(): void"}});
    if (context == QLatin1String("console"))
        return members({{"log", "(...data): void"},
                        {"info", "(...data): void"},
                        {"warn", "(...data): void"},
                        {"error", "(...data): void"},
                        {"debug", "(...data): void"},
                        {"trace", "(...data): void"},
                        {"table", "(data): void"},
                        {"time", "(label?): void"},
                        {"timeEnd", "(label?): void"},
                        {"assert", "(condition, ...data): void"}});
    return {};
}

const QList<Suggestion> &globals()
{
    static const QList<Suggestion> list = [] {
        QList<Suggestion> out;
        const auto add = [&out](const char *kind, std::initializer_list<const char *> names) {
            for (const char *name : names)
                out.append({QString::fromLatin1(name), QString::fromLatin1(kind), {}});
        };
        add("function",
            {"fetch", "structuredClone", "setTimeout", "clearTimeout", "setInterval",
             "clearInterval", "queueMicrotask", "atob", "btoa", "addEventListener",
             "encodeURIComponent", "decodeURIComponent", "encodeURI", "decodeURI", "parseInt",
             "parseFloat", "isNaN", "isFinite"});
        add("class",
            {"Response",
             "Request",
             "Headers",
             "URL",
             "URLSearchParams",
             "URLPattern",
             "WebSocketPair",
             "WebSocket",
             "TextEncoder",
             "TextDecoder",
             "ReadableStream",
             "WritableStream",
             "TransformStream",
             "AbortController",
             "AbortSignal",
             "Blob",
             "File",
             "FormData",
             "Event",
             "EventTarget",
             "CompressionStream",
             "DecompressionStream",
             "FixedLengthStream",
             "HTMLRewriter",
             "Promise",
             "Map",
             "Set",
             "WeakMap",
             "Array",
             "Object",
             "String",
             "Number",
             "Boolean",
             "Date",
             "Error",
             "TypeError",
             "RegExp",
             "Uint8Array",
             "ArrayBuffer",
             "DataView",
             "BigInt",
             "Symbol",
             "Proxy"});
        add("namespace",
            {"crypto", "caches", "console", "JSON", "Math", "Reflect", "Intl", "globalThis",
             "navigator", "scheduler", "performance"});
        add("keyword", {"async",      "await",   "break",  "case",     "catch", "class",  "const",
                        "continue",   "default", "delete", "do",       "else",  "export", "extends",
                        "false",      "finally", "for",    "function", "if",    "import", "in",
                        "instanceof", "let",     "new",    "null",     "of",    "return", "static",
                        "super",      "switch",  "this",   "throw",    "true",  "try",    "typeof",
                        "undefined",  "var",     "void",   "while",    "yield"});
        return out;
    }();
    return list;
}

// Splits "NAME", "NAME (type)" or "NAME: type → target" into the name and the rest.
Suggestion bindingSuggestion(const QString &entry)
{
    static const QRegularExpression form(
            QStringLiteral("^\\s*([A-Za-z_$][\\w$]*)\\s*(?:\\((.*)\\)|:\\s*(.*))?\\s*$"));
    const auto match = form.match(entry);
    if (!match.hasMatch())
        return {entry.trimmed(), QStringLiteral("binding"), {}};
    const QString detail
            = match.captured(2).isEmpty() ? match.captured(3).trimmed() : match.captured(2);
    return {match.captured(1), QStringLiteral("binding"), detail};
}

} // namespace

EditorCompletion::EditorCompletion(QObject *parent) : QAbstractListModel(parent)
{
    connect(&m_editor, &EditorDocument::textDocumentChanged, this,
            &EditorCompletion::textDocumentChanged);
    connect(&m_editor, &EditorDocument::contentsChanged, this, &EditorCompletion::rescan);
    connect(&m_editor, &EditorDocument::cursorPositionChanged, this,
            &EditorCompletion::cursorPositionChanged);
    connect(&m_editor, &EditorDocument::cursorPositionChanged, this, &EditorCompletion::update);
}

int EditorCompletion::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant EditorCompletion::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Suggestion &row = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case NameRole:
        return row.name;
    case KindRole:
        return row.kind;
    case DetailRole:
        return row.detail;
    default:
        return {};
    }
}

QHash<int, QByteArray> EditorCompletion::roleNames() const
{
    return {{NameRole, "name"}, {KindRole, "kind"}, {DetailRole, "detail"}};
}

void EditorCompletion::setBindings(const QStringList &bindings)
{
    if (m_bindings == bindings)
        return;
    m_bindings = bindings;
    Q_EMIT bindingsChanged();
    update();
}

QString EditorCompletion::name(int row) const
{
    return row >= 0 && row < m_rows.size() ? m_rows.at(row).name : QString();
}

int EditorCompletion::accept(int row)
{
    if (!m_editor.document() || row < 0 || row >= m_rows.size())
        return -1;
    const QString name = m_rows.at(row).name;
    const int start = m_prefixStart;
    const int end = qMin(m_editor.cursorPosition(), m_editor.document()->characterCount() - 1);
    QTextCursor cursor(m_editor.document());
    cursor.beginEditBlock();
    cursor.setPosition(start);
    cursor.setPosition(qMax(start, end), QTextCursor::KeepAnchor);
    cursor.insertText(name);
    cursor.endEditBlock();
    return start + int(name.size());
}

int EditorCompletion::identifierStart(const QString &text, int cursor)
{
    cursor = qBound(0, cursor, int(text.size()));
    int start = cursor;
    while (start > 0 && isIdentifierChar(text.at(start - 1)))
        --start;
    // A number is not an identifier (and `1.5` is not a member access).
    while (start < cursor && text.at(start).isDigit())
        ++start;
    return start;
}

bool EditorCompletion::inCode(const QString &text, int cursor)
{
    // The scanner's verdict on one more character typed at the cursor: a closing quote is part
    // of its string, but what follows it is code again.
    const QString upTo = text.left(qBound(0, cursor, int(text.size()))) + u' ';
    return EditorNavigation::codeMask(upTo).back() != 0;
}

void EditorCompletion::rescan()
{
    m_text = m_editor.document() ? m_editor.document()->toPlainText() : QString();
    m_mask = EditorNavigation::codeMask(m_text);
    update();
}

QString EditorCompletion::contextBefore(int dot) const
{
    const int start = identifierStart(m_text, dot);
    if (start == dot)
        // A digit before the dot is a number; anything else, e.g. `f().`, an unknown object.
        return dot > 0 && m_text.at(dot - 1).isDigit() ? QString() : QStringLiteral("member");
    const QString object = m_text.mid(start, dot - start);
    for (const char *known : {"Response", "crypto", "subtle", "caches", "console", "headers"})
        if (object == QLatin1String(known))
            return object;

    // The handler's parameters say which name is which: fetch(request, env, ctx) {.
    static const QRegularExpression handler(QStringLiteral(
            "\\bfetch\\s*\\(\\s*([A-Za-z_$][\\w$]*)?\\s*(?:,\\s*([A-Za-z_$][\\w$]*)\\s*)?"
            "(?:,\\s*([A-Za-z_$][\\w$]*)\\s*)?\\)\\s*\\{"));
    static const QRegularExpression created(QStringLiteral(
            "\\b([A-Za-z_$][\\w$]*)\\s*=\\s*(?:new\\s+(Request|Response|URL|Headers)\\b|"
            "await\\s+(fetch)\\b)"));
    for (auto it = handler.globalMatch(m_text); it.hasNext();) {
        const auto match = it.next();
        if (!m_mask.at(match.capturedStart(0)))
            continue;
        if (match.captured(1) == object)
            return QStringLiteral("request");
        if (match.captured(2) == object)
            return QStringLiteral("env");
        if (match.captured(3) == object)
            return QStringLiteral("ctx");
    }
    for (auto it = created.globalMatch(m_text); it.hasNext();) {
        const auto match = it.next();
        if (match.captured(1) != object || !m_mask.at(match.capturedStart(0)))
            continue;
        const QString type = match.captured(2);
        if (type == QLatin1String("Request"))
            return QStringLiteral("request");
        if (type == QLatin1String("URL"))
            return QStringLiteral("url");
        if (type == QLatin1String("Headers"))
            return QStringLiteral("headers");
        return QStringLiteral("response"); // new Response( or await fetch(
    }
    static const QHash<QString, QString> usual {
            {QStringLiteral("request"), QStringLiteral("request")},
            {QStringLiteral("req"), QStringLiteral("request")},
            {QStringLiteral("env"), QStringLiteral("env")},
            {QStringLiteral("ctx"), QStringLiteral("ctx")},
            {QStringLiteral("event"), QStringLiteral("event")},
            {QStringLiteral("url"), QStringLiteral("url")},
            {QStringLiteral("response"), QStringLiteral("response")},
            {QStringLiteral("res"), QStringLiteral("response")},
    };
    return usual.value(object, QStringLiteral("member"));
}

QList<Suggestion> EditorCompletion::candidates(const QString &context, int typedAt) const
{
    if (context == QLatin1String("env")) {
        QList<Suggestion> out;
        for (const QString &entry : m_bindings)
            out.append(bindingSuggestion(entry));
        return out;
    }
    QList<Suggestion> out;
    const bool global = context.isEmpty();
    if (global)
        out = globals();
    else if (context != QLatin1String("member"))
        return contextMembers(context);
    // Identifiers already written, but not the one being typed.
    QSet<QString> seen;
    for (const Suggestion &s : std::as_const(out))
        seen.insert(s.name);
    const int n = int(m_text.size());
    for (int i = 0; i < n;) {
        if (!m_mask.at(i) || !isIdentifierChar(m_text.at(i))) {
            ++i;
            continue;
        }
        int end = i;
        while (end < n && m_mask.at(end) && isIdentifierChar(m_text.at(end)))
            ++end;
        const QString word = m_text.mid(i, end - i);
        if (i != typedAt && !word.at(0).isDigit() && !seen.contains(word)) {
            seen.insert(word);
            out.append({word, QStringLiteral("identifier"), {}});
        }
        i = end;
    }
    return out;
}

void EditorCompletion::update()
{
    const int cursor = qBound(0, m_editor.cursorPosition(), int(m_text.size()));
    int start = cursor;
    QString context;
    QList<Suggestion> rows;
    if (m_editor.document() && inCode(m_text, cursor)) {
        start = identifierStart(m_text, cursor);
        const bool number = start < cursor ? false : cursor > 0 && m_text.at(cursor - 1).isDigit();
        if (!number) {
            const bool member = start > 0 && m_text.at(start - 1) == u'.';
            context = member ? contextBefore(start - 1) : QString();
            if (!member || !context.isNull()) {
                const QString prefix = m_text.mid(start, cursor - start);
                for (const Suggestion &s : candidates(context, start))
                    if (s.name.startsWith(prefix, Qt::CaseInsensitive))
                        rows.append(s);
                std::stable_sort(rows.begin(), rows.end(),
                                 [&prefix](const Suggestion &a, const Suggestion &b) {
                                     const bool aCase = a.name.startsWith(prefix);
                                     const bool bCase = b.name.startsWith(prefix);
                                     if (aCase != bCase)
                                         return aCase;
                                     if (a.name.size() != b.name.size())
                                         return a.name.size() < b.name.size();
                                     return a.name.compare(b.name, Qt::CaseInsensitive) < 0;
                                 });
            }
        }
    }
    const QString prefix = m_text.mid(start, cursor - start);
    if (start != m_prefixStart || prefix != m_prefix || context != m_context) {
        m_prefixStart = start;
        m_prefix = prefix;
        m_context = context;
        Q_EMIT prefixChanged();
    }
    if (rows != m_rows) {
        const bool countChanges = rows.size() != m_rows.size();
        beginResetModel();
        m_rows = rows;
        endResetModel();
        if (countChanges)
            Q_EMIT countChanged();
    }
}

} // namespace switchyard::models
