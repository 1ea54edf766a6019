#pragma once

#include <QObject>

class QSocketNotifier;

// SIGINT and SIGTERM as a Qt signal: the handler only writes a byte to a socket pair, which
// is all a signal handler may safely do; the event loop reads it and emits terminated().
class UnixSignalWatcher final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UnixSignalWatcher)

public:
    explicit UnixSignalWatcher(QObject* parent = nullptr);
    ~UnixSignalWatcher() override;

Q_SIGNALS:
    void terminated(int signal);

private:
    void readSignal();

    QSocketNotifier* m_notifier = nullptr;
};
