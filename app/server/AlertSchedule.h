#pragma once

#include <QObject>
#include <QTimer>

class RequestLog;
class StoreConnection;

// Alert evaluation on the server: shortly after usage or keys change, and every interval
// besides (expiry and rotation come due with time alone). Raised alerts reach clients as the
// store's alertsChanged, through the events stream. Lives on the store thread.
class AlertSchedule final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AlertSchedule)

public:
    AlertSchedule(StoreConnection& store, RequestLog& log, int intervalMs = 60'000,
                  int settleMs = 1'000, QObject* parent = nullptr);

private:
    void evaluate();

    StoreConnection& m_store;
    RequestLog& m_log;
    QTimer m_interval;
    // Many changes in a row (an import, a burst of traffic) make one evaluation.
    QTimer m_settle;
    bool m_running = false;
    bool m_again = false;
};
