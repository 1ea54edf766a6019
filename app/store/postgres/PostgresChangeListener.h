#pragma once

#include <QHash>
#include <QObject>
#include <QSqlDriver>
#include <QString>
#include <functional>

class QTimer;

// Hears other instances' writes the moment they commit: a connection of its own LISTENing on the
// store's change channel (SqlSchema::ChangesChannel), on a thread with an event loop of its own.
// Each announcement with a counter value it has not heard yet calls changed(), and so does
// (re)connecting - announcements made while no one listened are lost, so the store looks for
// itself (a resync). The connection is checked every few seconds and made again when lost.
// Lives on its own thread: start() and destruction happen there.
class PostgresChangeListener final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PostgresChangeListener)

public:
    // changed: called on the listener's thread.
    PostgresChangeListener(QString url, std::function<void()> changed);
    ~PostgresChangeListener() override;

    void start();

private:
    void listen();
    void check();
    void notified(const QString& name, QSqlDriver::NotificationSource source,
                  const QVariant& payload);

    const QString m_url;
    const std::function<void()> m_changed;
    const QString m_connectionName;
    QTimer* m_checkTimer = nullptr;
    bool m_listening = false;
    // The last value heard per counter: an announcement heard twice, or late, is not news.
    QHash<QString, qint64> m_heard;
};
