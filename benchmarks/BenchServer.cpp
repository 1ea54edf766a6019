#include "BenchServer.h"

#include "ApiKeyFormat.h"
#include "BenchAwait.h"

#include <QCoreApplication>
#include <QRandomGenerator>
#include <QRegularExpression>

using namespace Qt::StringLiterals;

BenchServer::BenchServer(const QString& storePath)
{
    m_adminKey = ApiKeyFormat::generate(ApiKeyFormat::defaultPrefix(), *QRandomGenerator::system());
    const QString& key = m_adminKey;
    m_process.start(QStringLiteral(KEYDECK_SERVER_PATH),
                    {u"--store"_s, storePath, u"--listen"_s, u"127.0.0.1:0"_s,
                     u"--admin-key-sha256"_s, QString::fromLatin1(ApiKeyFormat::digestHex(key))});
    m_process.waitForStarted();
    static const QRegularExpression listening(u"\"port\":(\\d+)"_s);
    QByteArray log;
    while (!listening.match(QString::fromUtf8(log)).hasMatch() &&
           m_process.state() == QProcess::Running) {
        m_process.waitForReadyRead(200);
        log += m_process.readAllStandardError();
    }
    if (m_process.state() != QProcess::Running)
        qFatal("keydeck-server did not start: %s", log.constData());
    // Its request log is not what is measured, and must not fill a pipe nobody reads.
    QObject::connect(&m_process, &QProcess::readyReadStandardError, &m_process,
                     [this] { m_process.readAllStandardError(); });
    m_baseUrl = u"http://127.0.0.1:"_s + listening.match(QString::fromUtf8(log)).captured(1);
    RestSettings settings;
    settings.serverUrl = QUrl(m_baseUrl);
    settings.adminKey = key;
    m_store = std::make_unique<RestStore>(settings);
    awaitInEventLoop(m_store->open());
}

BenchServer::~BenchServer()
{
    m_store.reset();
    m_process.terminate();
    m_process.waitForFinished(10'000);
}
