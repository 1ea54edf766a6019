#include "SpendLeases.h"

#include "RequestLog.h"
#include "SpendStore.h"

#include <QCoreApplication>
#include <QRandomGenerator>
#include <QSysInfo>

using namespace Qt::StringLiterals;

SpendLeases::SpendLeases(SpendStore& spend, RequestLog& log, QString holder, QObject* parent)
    : QObject(parent)
    , m_spend(spend)
    , m_log(log)
    , m_holder(std::move(holder))
{
    // Three renewals a lease: one missed (a slow store) does not lose a reservation.
    m_timer.setInterval(int(SpendStore::LeaseMs / 3));
    connect(&m_timer, &QTimer::timeout, this, &SpendLeases::renewAndSweep);
    m_timer.start();
    renewAndSweep();
}

SpendLeases::~SpendLeases()
{
    releaseAndWait();
}

QString SpendLeases::newHolder()
{
    return u"gw-%1-%2-%3"_s.arg(QSysInfo::machineHostName())
        .arg(QCoreApplication::applicationPid())
        .arg(QRandomGenerator::system()->generate(), 8, 16, QChar(u'0'));
}

void SpendLeases::renewAndSweep()
{
    const auto logged = [this](const char* what) {
        return [this, what](const std::exception& error) {
            m_log.error(QString::fromLatin1(what),
                        {{u"holder"_s, m_holder}, {u"error"_s, QString::fromUtf8(error.what())}});
            return qint64(0);
        };
    };
    m_spend.renewReservations(m_holder).onFailed(this, logged("spend reservations not renewed"));
    m_spend.sweepReservations()
        .then(this,
              [this](qint64 swept) {
                  if (swept > 0)
                      m_log.info(u"lapsed spend reservations released"_s,
                                 {{u"count"_s, QString::number(swept)}});
                  return swept;
              })
        .onFailed(this, logged("lapsed spend reservations not swept"));
}

void SpendLeases::releaseAndWait()
{
    if (m_released)
        return;
    m_released = true;
    m_timer.stop();
    QFuture<qint64> released = m_spend.releaseReservations(m_holder);
    released.waitForFinished();
    try {
        released.result();
    } catch (const std::exception& error) {
        m_log.error(u"spend reservations not released at shutdown; they lapse in a minute"_s,
                    {{u"holder"_s, m_holder}, {u"error"_s, QString::fromUtf8(error.what())}});
    }
}
