#include "signalwatcher.h"

#include <QSocketNotifier>

#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <unistd.h>

namespace switchyard::app {

namespace {

int g_pipe[2] = {-1, -1};
volatile sig_atomic_t g_received = 0;

void onSignal(int signal)
{
    if (g_received) {
        // Asked twice: whatever the graceful path is waiting for, stop now.
        _exit(128 + signal);
    }
    g_received = 1;
    const int saved = errno;
    const unsigned char byte = static_cast<unsigned char>(signal);
    [[maybe_unused]] const ssize_t written = ::write(g_pipe[1], &byte, 1);
    errno = saved;
}

} // namespace

SignalWatcher::SignalWatcher(QObject *parent) : QObject(parent) { }

SignalWatcher::~SignalWatcher()
{
    if (!m_installed)
        return;
    // Back to the default action: the process is on its way out anyway.
    struct sigaction action = {};
    action.sa_handler = SIG_DFL;
    sigemptyset(&action.sa_mask);
    ::sigaction(SIGTERM, &action, nullptr);
    ::sigaction(SIGINT, &action, nullptr);
    delete m_notifier;
    ::close(g_pipe[0]);
    ::close(g_pipe[1]);
    g_pipe[0] = g_pipe[1] = -1;
}

bool SignalWatcher::install(QString *error)
{
    if (::pipe2(g_pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
        *error = QStringLiteral("cannot create the signal pipe: %1").arg(qt_error_string(errno));
        return false;
    }
    m_notifier = new QSocketNotifier(g_pipe[0], QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, &SignalWatcher::readPipe);
    struct sigaction action = {};
    action.sa_handler = &onSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    for (int signal : {SIGTERM, SIGINT}) {
        if (::sigaction(signal, &action, nullptr) != 0) {
            *error = QStringLiteral("cannot handle signal %1: %2")
                             .arg(signal)
                             .arg(qt_error_string(errno));
            return false;
        }
    }
    m_installed = true;
    return true;
}

void SignalWatcher::readPipe()
{
    unsigned char byte = 0;
    while (::read(g_pipe[0], &byte, 1) == 1) {
        const int signal = byte;
        Q_EMIT terminationRequested(signal,
                                    signal == SIGTERM ? QStringLiteral("SIGTERM")
                                            : signal == SIGINT
                                            ? QStringLiteral("SIGINT")
                                            : QStringLiteral("signal %1").arg(signal));
    }
}

} // namespace switchyard::app
