#pragma once

#include <QObject>
#include <QString>

class QSocketNotifier;

namespace switchyard::app {

// SIGTERM and SIGINT as a Qt signal on the thread that installed the watcher. The handler only
// write()s the signal number to a pipe (async-signal-safe); a QSocketNotifier reads it in the
// event loop. The first signal asks for a graceful shutdown; a second one, while that runs, ends
// the process at once with 128 + the signal's number, as the shell reports a signal death.
// One per process.
class SignalWatcher : public QObject
{
    Q_OBJECT
public:
    explicit SignalWatcher(QObject *parent = nullptr);
    ~SignalWatcher() override;

    // Returns false with `error` set when the pipe or the handlers cannot be set up.
    bool install(QString *error);

Q_SIGNALS:
    void terminationRequested(int signal, const QString &name);

private:
    void readPipe();

    QSocketNotifier *m_notifier = nullptr;
    bool m_installed = false;
};

} // namespace switchyard::app
