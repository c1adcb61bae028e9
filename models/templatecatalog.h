#pragma once

#include <QObject>
#include <QQmlEngine>
#include <QUrl>

namespace switchyard::models {

// Where new code comes from: the shipped dispatcher templates (the seed page's four and the demo
// dispatcher), a user Worker starter, and files the user picks.
class TemplateCatalog : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    // [{name, title}] of dispatcher templates, in picker order.
    Q_PROPERTY(QVariantList dispatcherTemplates READ dispatcherTemplates CONSTANT)
public:
    explicit TemplateCatalog(QObject *parent = nullptr);

    QVariantList dispatcherTemplates() const;

    // The code of a template by name ("path", "subdomain", "kv", "custom-limits", "demo",
    // "worker"), or empty for an unknown name.
    Q_INVOKABLE QString code(const QString &name) const;
    // The text of a local file; empty (and *error, to QML: use readError) when unreadable.
    Q_INVOKABLE QString readFile(const QUrl &url);
    Q_INVOKABLE QString readError() const { return m_readError; }

private:
    QString m_readError;
};

} // namespace switchyard::models
