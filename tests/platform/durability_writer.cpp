// Helper of tst_durability: writes KV entries through the platform service as fast as it can and
// prints "ack <key>" for each write only after the service call has returned, until it is killed.
// It uses the same Database and PlatformService as `switchyard --headless`, without the rest of the
// app, so what the test measures is the store's durability alone.
//
// usage: durability_writer <database file> <first index>
#include "platform/clock.h"
#include "platform/platformservice.h"
#include "store/database.h"

#include <QCoreApplication>

#include <unistd.h>

using namespace switchyard;

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() != 3) {
        fprintf(stderr, "usage: durability_writer <database file> <first index>\n");
        return 2;
    }
    QString error;
    auto database = store::Database::open(args.at(1), &error);
    if (!database) {
        fprintf(stderr, "%s\n", qPrintable(error));
        return 1;
    }
    platform::SystemClock clock;
    platform::PlatformService service(*database, clock);
    if (const auto loaded = service.load(); !loaded) {
        fprintf(stderr, "%s\n", qPrintable(loaded.errorMessage()));
        return 1;
    }
    const QString title = QStringLiteral("DURABILITY");
    auto ns = service.kvNamespaceByTitle(title);
    if (!ns) {
        const auto created = service.createKvNamespace(title);
        if (!created) {
            fprintf(stderr, "%s\n", qPrintable(created.errorMessage()));
            return 1;
        }
        ns = created.value();
    }
    // Unbuffered writes: a line on stdout means the write was acknowledged, nothing more.
    const QByteArray ready = "ready\n";
    if (::write(STDOUT_FILENO, ready.constData(), size_t(ready.size())) < 0)
        return 1;
    for (qint64 i = args.at(2).toLongLong();; ++i) {
        const QString key = QStringLiteral("key-%1").arg(i);
        const QByteArray value = "value-" + QByteArray::number(i) + QByteArray(i % 512, 'x');
        const auto written = service.kvPut(ns->id, key, value);
        if (!written) {
            fprintf(stderr, "%s\n", qPrintable(written.errorMessage()));
            return 1;
        }
        const QByteArray line = "ack " + key.toUtf8() + '\n';
        if (::write(STDOUT_FILENO, line.constData(), size_t(line.size())) < 0)
            return 1;
    }
}
