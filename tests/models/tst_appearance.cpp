// The window's look: forced light or dark through the application palette (which Theme.qml and
// the controls read), back to the system's, the window's choice kept for the next start and a
// broken or foreign settings file read as "system".
#include "appearance.h"

#include <QGuiApplication>
#include <QPalette>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using switchyard::models::Appearance;

namespace {
qreal windowLightness()
{
    return QGuiApplication::palette().color(QPalette::Window).lightnessF();
}
} // namespace

class tst_Appearance : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void forcesLightAndDark()
    {
        const QPalette system = QGuiApplication::palette();
        Appearance appearance({});
        QSignalSpy changed(&appearance, &Appearance::modeChanged);
        QCOMPARE(appearance.mode(), QStringLiteral("system"));

        QVERIFY(appearance.apply(QStringLiteral("dark")));
        QCOMPARE(appearance.mode(), QStringLiteral("dark"));
        QCOMPARE(changed.count(), 1);
        QVERIFY(windowLightness() < 0.5);
        QVERIFY(QGuiApplication::palette().color(QPalette::Text).lightnessF() > 0.5);

        QVERIFY(appearance.apply(QStringLiteral("dark")));
        QCOMPARE(changed.count(), 1);

        QVERIFY(appearance.apply(QStringLiteral("light")));
        QVERIFY(windowLightness() > 0.5);
        QVERIFY(QGuiApplication::palette().color(QPalette::Text).lightnessF() < 0.5);

        QVERIFY(appearance.apply(QStringLiteral("system")));
        QCOMPARE(QGuiApplication::palette().color(QPalette::Window),
                 system.color(QPalette::Window));
        QCOMPARE(changed.count(), 3);

        QVERIFY(!appearance.apply(QStringLiteral("sepia")));
        QVERIFY(!appearance.apply(QString()));
        QCOMPARE(appearance.mode(), QStringLiteral("system"));
        QCOMPARE(changed.count(), 3);
    }

    void choiceIsKeptForTheNextStart()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("switchyard.conf"));
        {
            Appearance first(path);
            QCOMPARE(first.kept(), QStringLiteral("system"));
            QVERIFY(first.choose(QStringLiteral("dark")));
            QVERIFY(!first.choose(QStringLiteral("sepia")));
            first.apply(QStringLiteral("light")); // --theme for one run is not kept
        }
        Appearance second(path);
        QCOMPARE(second.kept(), QStringLiteral("dark"));

        QSettings(path, QSettings::IniFormat)
                .setValue(QStringLiteral("appearance/theme"), QStringLiteral("<script>"));
        QCOMPARE(Appearance(path).kept(), QStringLiteral("system"));
        second.apply(QStringLiteral("system"));
    }
};

QTEST_MAIN(tst_Appearance)
#include "tst_appearance.moc"
