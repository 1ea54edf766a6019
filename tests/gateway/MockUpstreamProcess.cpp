#include "MockUpstreamProcess.h"

#include "ServerProcess.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::StringLiterals;

MockUpstreamProcess::~MockUpstreamProcess()
{
    stop();
}

bool MockUpstreamProcess::start(const QStringList& extraArguments, const QString& requiredKey)
{
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    if (!requiredKey.isEmpty())
        environment.insert(u"KEYDECK_MOCK_API_KEY"_s, requiredKey);
    m_process.setProcessEnvironment(environment);
    m_process.start(ServerProcess::program(),
                    QStringList{u"mock-upstream"_s, u"--listen"_s, u"127.0.0.1:0"_s} +
                        extraArguments);
    if (!m_process.waitForStarted()) {
        qWarning("mock-upstream did not start: %s", qPrintable(m_process.errorString()));
        return false;
    }
    // Its first log line says where it listens.
    QByteArray log;
    QElapsedTimer waited;
    waited.start();
    while (!log.contains("\"port\"") && waited.elapsed() < 10'000) {
        m_process.waitForReadyRead(200);
        log += m_process.readAllStandardError();
    }
    m_port =
        QJsonDocument::fromJson(log.trimmed().split('\n').last()).object().value(u"port"_s).toInt();
    if (m_port <= 0)
        qWarning("mock-upstream is not listening: %s", log.constData());
    return m_port > 0;
}

void MockUpstreamProcess::stop()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    m_process.terminate();
    if (!m_process.waitForFinished(5000))
        m_process.kill();
    m_process.waitForFinished(5000);
}

QString MockUpstreamProcess::baseUrl() const
{
    return u"http://127.0.0.1:%1/v1"_s.arg(m_port);
}
