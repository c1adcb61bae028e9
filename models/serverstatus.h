#pragma once

#include <QObject>
#include <QQmlEngine>
#include <QUrl>

namespace switchyard::models {

// What the window shows about the running process: where the dispatch listener answers, the
// version. main() creates it and hands it to the root QML object.
class ServerStatus : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("ServerStatus is provided by the application")
    Q_PROPERTY(QUrl listenUrl READ listenUrl NOTIFY listenUrlChanged)
    Q_PROPERTY(QString version READ version CONSTANT)
    Q_PROPERTY(QString engineVersion READ engineVersion CONSTANT)
public:
    explicit ServerStatus(QString engineVersion, QObject *parent = nullptr);

    QUrl listenUrl() const { return m_listenUrl; }
    void setListenUrl(const QUrl &url);
    QString version() const;
    QString engineVersion() const { return m_engineVersion; }

Q_SIGNALS:
    void listenUrlChanged();

private:
    QUrl m_listenUrl;
    QString m_engineVersion;
};

} // namespace switchyard::models
