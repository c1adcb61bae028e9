#pragma once

#include "editordocument.h"

#include <QAbstractListModel>
#include <QByteArray>
#include <QQmlEngine>
#include <QStringList>

namespace switchyard::models {

// What the code editor offers to complete at its cursor: the identifier being typed (`prefix`,
// from `prefixStart` to the cursor) and the names that fit where it stands. After `env.` those
// are the Worker's own bindings; after a Request, Response, URL, URLSearchParams, Headers, crypto,
// crypto.subtle, caches, a Cache, ctx or event, console, their members; anywhere else the Worker's
// globals, JavaScript's keywords and the identifiers already in the document. Members and globals,
// with their signatures, are what @cloudflare/workers-types declares (generated at build time,
// models/completion/README.md). Names that start with the prefix in any case are
// offered, those that match its case first, then the shorter ones. Nothing is offered inside a
// string, a template literal's text or a comment (EditorNavigation's scanner decides which).
// Which variable holds what is guessed from the code, not parsed: the parameters of a
// `fetch(request, env, ctx) {` handler, `x = new Request(`, `new URL(`, `new Response(`,
// `await fetch(`, `new URLSearchParams(`, `caches.default`, `await caches.open(`, and the usual
// names (request, req, env, ctx, event, url, response, res, cache, searchParams).
class EditorCompletion : public QAbstractListModel
{
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(QQuickTextDocument *textDocument READ textDocument WRITE setTextDocument NOTIFY
                       textDocumentChanged)
    Q_PROPERTY(int cursorPosition READ cursorPosition WRITE setCursorPosition NOTIFY
                       cursorPositionChanged)
    // The Worker's bindings, each "NAME", "NAME (type)" or "NAME: type → target" as the views
    // list them; the part after the name is shown as the suggestion's detail.
    Q_PROPERTY(QStringList bindings READ bindings WRITE setBindings NOTIFY bindingsChanged)
    Q_PROPERTY(int prefixStart READ prefixStart NOTIFY prefixChanged)
    Q_PROPERTY(QString prefix READ prefix NOTIFY prefixChanged)
    // What stands before the dot: "env", "request", "response", "Response", "url",
    // "searchParams", "headers", "crypto", "subtle", "caches", "cache", "ctx", "event", "console";
    // "member" for an object it does not know; empty outside a member access.
    Q_PROPERTY(QString context READ context NOTIFY prefixChanged)
    Q_PROPERTY(int count READ count NOTIFY countChanged)
public:
    enum Roles { NameRole = Qt::UserRole + 1, KindRole, DetailRole };
    Q_ENUM(Roles)

    struct Suggestion
    {
        QString name;
        // binding, property, method, function, class, namespace, variable, keyword, identifier
        QString kind;
        QString detail;
        bool operator==(const Suggestion &other) const = default;
    };

    explicit EditorCompletion(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    QQuickTextDocument *textDocument() const { return m_editor.textDocument(); }
    void setTextDocument(QQuickTextDocument *document) { m_editor.setTextDocument(document); }
    // The document completed in; what setTextDocument() sets, and what tests set directly.
    void setDocument(QTextDocument *document) { m_editor.setDocument(document); }
    int cursorPosition() const { return m_editor.cursorPosition(); }
    void setCursorPosition(int position) { m_editor.setCursorPosition(position); }
    QStringList bindings() const { return m_bindings; }
    void setBindings(const QStringList &bindings);
    int prefixStart() const { return m_prefixStart; }
    QString prefix() const { return m_prefix; }
    QString context() const { return m_context; }
    int count() const { return int(m_rows.size()); }
    const QList<Suggestion> &suggestions() const { return m_rows; }

    Q_INVOKABLE QString name(int row) const;
    // Replaces the typed prefix with suggestion `row`, in one undo step; returns the position
    // just after the inserted name, or -1 when there is no such row.
    Q_INVOKABLE int accept(int row);

    // The members @cloudflare/workers-types declares for `type` ("Request", "Response",
    // "Response (static)", "Headers", "URL", "URLSearchParams", "Crypto", "SubtleCrypto",
    // "CacheStorage", "Cache", "ExecutionContext", "FetchEvent", "Console"), by name; empty for
    // another type.
    static QList<Suggestion> typeMembers(const QString &type);
    // Where the identifier that ends at `cursor` starts (`cursor` itself when none does).
    static int identifierStart(const QString &text, int cursor);
    // Whether `cursor` stands in code, not in a string, template text or comment.
    static bool inCode(const QString &text, int cursor);

Q_SIGNALS:
    void textDocumentChanged();
    void cursorPositionChanged();
    void bindingsChanged();
    void prefixChanged();
    void countChanged();

private:
    void rescan();
    void update();
    // What fits `context`, leaving out the identifier being typed at `typedAt`.
    QList<Suggestion> candidates(const QString &context, int typedAt) const;
    QString contextBefore(int dot) const;

    EditorDocument m_editor;
    QString m_text;
    QByteArray m_mask;
    QStringList m_bindings;
    int m_prefixStart = 0;
    QString m_prefix;
    QString m_context;
    QList<Suggestion> m_rows;
};

} // namespace switchyard::models
