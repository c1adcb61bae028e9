#pragma once

#include <QObject>
#include <QPalette>
#include <QQmlEngine>
#include <QString>
#include <QStringList>

namespace switchyard::models {

// The window's light or dark look: the system's, or one the user forces. The application palette
// carries it, so Theme.qml (which reads the system palette) and the Fusion controls follow at once.
// A choice made in the window is kept in the settings file for the next start; `--theme` sets
// one for this run only.
class Appearance : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Appearance is provided by the application")
    Q_PROPERTY(QString mode READ mode NOTIFY modeChanged)
    Q_PROPERTY(QStringList modes READ modes CONSTANT)
public:
    // settingsPath: the INI file the window's choice is kept in; empty keeps nothing.
    explicit Appearance(QString settingsPath, QObject *parent = nullptr);

    static QStringList modes()
    {
        return {QStringLiteral("system"), QStringLiteral("light"), QStringLiteral("dark")};
    }
    QString mode() const { return m_mode; }
    // Applies a mode for this run; false, and nothing changes, for a mode not in modes().
    bool apply(const QString &mode);
    // The window's choice: applied and kept for the next start.
    Q_INVOKABLE bool choose(const QString &mode);
    // The kept choice, or "system".
    QString kept() const;

Q_SIGNALS:
    void modeChanged();

private:
    QString m_settingsPath;
    QPalette m_system; // the palette the platform gave, for "system"
    QString m_mode = QStringLiteral("system");
};

} // namespace switchyard::models
