#include "appearance.h"

#include <QGuiApplication>
#include <QSettings>

namespace switchyard::models {

namespace {

const QString kKey = QStringLiteral("appearance/theme");

QPalette darkPalette()
{
    QPalette p;
    const QColor window(0x2b, 0x2d, 0x31), base(0x1e, 0x1f, 0x22), text(0xe6, 0xe6, 0xe6);
    const QColor disabledText(0x80, 0x80, 0x80), highlight(0x2f, 0x6f, 0xb3);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, window.darker(115));
    p.setColor(QPalette::ToolTipBase, base);
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, disabledText);
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, window.lighter(115));
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, Qt::white);
    p.setColor(QPalette::Light, window.lighter(150));
    p.setColor(QPalette::Midlight, window.lighter(125));
    p.setColor(QPalette::Mid, window.lighter(110));
    p.setColor(QPalette::Dark, window.darker(150));
    p.setColor(QPalette::Shadow, Qt::black);
    p.setColor(QPalette::Highlight, highlight);
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, QColor(0x90, 0xca, 0xf9));
    for (auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        p.setColor(QPalette::Disabled, role, disabledText);
    return p;
}

QPalette lightPalette()
{
    QPalette p;
    const QColor window(0xef, 0xef, 0xef), base(Qt::white), text(Qt::black);
    const QColor disabledText(0x9e, 0x9e, 0x9e);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, QColor(0xf7, 0xf7, 0xf7));
    p.setColor(QPalette::ToolTipBase, QColor(0xff, 0xff, 0xdc));
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, QColor(0x80, 0x80, 0x80));
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, window);
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, Qt::white);
    p.setColor(QPalette::Light, Qt::white);
    p.setColor(QPalette::Midlight, window.lighter(105));
    p.setColor(QPalette::Mid, window.darker(130));
    p.setColor(QPalette::Dark, window.darker(150));
    p.setColor(QPalette::Shadow, Qt::black);
    p.setColor(QPalette::Highlight, QColor(0x30, 0x8c, 0xc6));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, QColor(0x19, 0x76, 0xd2));
    for (auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        p.setColor(QPalette::Disabled, role, disabledText);
    return p;
}

} // namespace

Appearance::Appearance(QString settingsPath, QObject *parent)
    : QObject(parent), m_settingsPath(std::move(settingsPath)), m_system(QGuiApplication::palette())
{ }

bool Appearance::apply(const QString &mode)
{
    if (!modes().contains(mode))
        return false;
    if (mode == m_mode)
        return true;
    m_mode = mode;
    if (mode == QLatin1String("dark"))
        QGuiApplication::setPalette(darkPalette());
    else if (mode == QLatin1String("light"))
        QGuiApplication::setPalette(lightPalette());
    else
        QGuiApplication::setPalette(m_system);
    Q_EMIT modeChanged();
    return true;
}

bool Appearance::choose(const QString &mode)
{
    if (!apply(mode))
        return false;
    if (!m_settingsPath.isEmpty()) {
        QSettings settings(m_settingsPath, QSettings::IniFormat);
        settings.setValue(kKey, mode);
    }
    return true;
}

QString Appearance::kept() const
{
    if (m_settingsPath.isEmpty())
        return QStringLiteral("system");
    const QString mode = QSettings(m_settingsPath, QSettings::IniFormat).value(kKey).toString();
    return modes().contains(mode) ? mode : QStringLiteral("system");
}

} // namespace switchyard::models
