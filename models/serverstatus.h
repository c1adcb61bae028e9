#pragma once

#include <QObject>
#include <QQmlEngine>
#include <QUrl>

namespace switchyard::platform {
class PlatformService;
}

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
    // False while the shared store cannot be reached: the window shows a banner with
    // storeProblem, edits are refused, requests are still served.
    Q_PROPERTY(bool storeAvailable READ storeAvailable NOTIFY storeChanged)
    Q_PROPERTY(QString storeProblem READ storeProblem NOTIFY storeChanged)
public:
    explicit ServerStatus(QString engineVersion, QObject *parent = nullptr);

    QUrl listenUrl() const { return m_listenUrl; }
    void setListenUrl(const QUrl &url);
    QString version() const;
    QString engineVersion() const { return m_engineVersion; }
    bool storeAvailable() const { return m_storeAvailable; }
    QString storeProblem() const { return m_storeProblem; }
    // Follows `service`'s store from now on; not owned, must outlive this object.
    void watchStore(platform::PlatformService &service);

Q_SIGNALS:
    void listenUrlChanged();
    void storeChanged();

private:
    QUrl m_listenUrl;
    QString m_engineVersion;
    bool m_storeAvailable = true;
    QString m_storeProblem;
};

} // namespace switchyard::models
