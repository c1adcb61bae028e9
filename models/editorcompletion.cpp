#include "editorcompletion.h"

#include "editornavigation.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QRegularExpression>
#include <QSet>
#include <QTextCursor>

#include <algorithm>

Q_LOGGING_CATEGORY(lcCompletion, "switchyard.gui.completion")

namespace switchyard::models {

namespace {

using Suggestion = EditorCompletion::Suggestion;

bool isIdentifierChar(QChar c)
{
    return c.isLetterOrNumber() || c == u'_' || c == u'$';
}

// What @cloudflare/workers-types declares, read at build time by models/completion/generate.mjs
// (README.md there): each type's members, and the Worker's global scope. Offered as declared,
// as Cloudflare's editor offers it, including what Switchyard's runtime does not implement: the
// editor completes code for Cloudflare's Workers, not only for this runtime.
struct DeclaredTypes
{
    QHash<QString, QList<Suggestion>> types;
    QList<Suggestion> globals;
};

QList<Suggestion> suggestionsFrom(const QJsonArray &array)
{
    QList<Suggestion> out;
    out.reserve(array.size());
    for (const QJsonValue &value : array) {
        const QJsonObject entry = value.toObject();
        out.append({entry.value(u"name").toString(), entry.value(u"kind").toString(),
                    entry.value(u"detail").toString()});
    }
    return out;
}

const DeclaredTypes &declaredTypes()
{
    static const DeclaredTypes declared = [] {
        DeclaredTypes out;
        QFile file(QStringLiteral(":/switchyard/completion/workers-types.json"));
        if (!file.open(QIODevice::ReadOnly)) {
            qCWarning(lcCompletion) << "no completion data:" << file.errorString();
            return out;
        }
        QJsonParseError error;
        const QJsonObject root = QJsonDocument::fromJson(file.readAll(), &error).object();
        if (error.error != QJsonParseError::NoError)
            qCWarning(lcCompletion) << "completion data unreadable:" << error.errorString();
        const QJsonObject types = root.value(u"types").toObject();
        for (auto it = types.begin(); it != types.end(); ++it)
            out.types.insert(it.key(), suggestionsFrom(it.value().toArray()));
        out.globals = suggestionsFrom(root.value(u"globals").toArray());
        return out;
    }();
    return declared;
}

// The workers-types type each member context completes.
QString contextType(const QString &context)
{
    static const QHash<QString, QString> types {
            {QStringLiteral("request"), QStringLiteral("Request")},
            {QStringLiteral("response"), QStringLiteral("Response")},
            {QStringLiteral("Response"), QStringLiteral("Response (static)")},
            {QStringLiteral("url"), QStringLiteral("URL")},
            {QStringLiteral("searchParams"), QStringLiteral("URLSearchParams")},
            {QStringLiteral("headers"), QStringLiteral("Headers")},
            {QStringLiteral("crypto"), QStringLiteral("Crypto")},
            {QStringLiteral("subtle"), QStringLiteral("SubtleCrypto")},
            {QStringLiteral("caches"), QStringLiteral("CacheStorage")},
            {QStringLiteral("cache"), QStringLiteral("Cache")},
            {QStringLiteral("ctx"), QStringLiteral("ExecutionContext")},
            {QStringLiteral("event"), QStringLiteral("FetchEvent")},
            {QStringLiteral("console"), QStringLiteral("Console")},
    };
    return types.value(context);
}

const QList<Suggestion> &globals()
{
    static const QList<Suggestion> list = [] {
        QList<Suggestion> out = declaredTypes().globals;
        QSet<QString> declared;
        for (const Suggestion &s : std::as_const(out))
            declared.insert(s.name);
        // JavaScript's keywords are its syntax, which no declaration file lists.
        for (const char *keyword :
             {"async",      "await",   "break",  "case",     "catch", "class",  "const",
              "continue",   "default", "delete", "do",       "else",  "export", "extends",
              "false",      "finally", "for",    "function", "if",    "import", "in",
              "instanceof", "let",     "new",    "null",     "of",    "return", "static",
              "super",      "switch",  "this",   "throw",    "true",  "try",    "typeof",
              "undefined",  "var",     "void",   "while",    "yield"}) {
            const QString name = QString::fromLatin1(keyword);
            if (!declared.contains(name))
                out.append({name, QStringLiteral("keyword"), {}});
        }
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

QList<EditorCompletion::Suggestion> EditorCompletion::typeMembers(const QString &type)
{
    return declaredTypes().types.value(type);
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
    for (const char *known :
         {"Response", "crypto", "subtle", "caches", "console", "headers", "searchParams"})
        if (object == QLatin1String(known))
            return object;
    if (object == QLatin1String("default") && start >= 7
        && QStringView(m_text).mid(start - 7, 7) == QLatin1String("caches."))
        return QStringLiteral("cache");

    // The handler's parameters say which name is which: fetch(request, env, ctx) {.
    static const QRegularExpression handler(QStringLiteral(
            "\\bfetch\\s*\\(\\s*([A-Za-z_$][\\w$]*)?\\s*(?:,\\s*([A-Za-z_$][\\w$]*)\\s*)?"
            "(?:,\\s*([A-Za-z_$][\\w$]*)\\s*)?\\)\\s*\\{"));
    static const QRegularExpression created(QStringLiteral(
            "\\b([A-Za-z_$][\\w$]*)\\s*=\\s*(?:new\\s+(Request|Response|URLSearchParams|URL|"
            "Headers)\\b|"
            "await\\s+(fetch)\\b|(caches\\s*\\.\\s*default|await\\s+caches\\s*\\.\\s*open)\\b)"));
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
        if (match.capturedLength(4))
            return QStringLiteral("cache");
        const QString type = match.captured(2);
        if (type == QLatin1String("URLSearchParams"))
            return QStringLiteral("searchParams");
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
            {QStringLiteral("cache"), QStringLiteral("cache")},
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
        return typeMembers(contextType(context));
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
