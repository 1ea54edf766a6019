#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QProcess>
#include <QStringList>

// The real keydeck-server binary on a loopback port the system picks, for tests that talk to
// it as any client would. Everything it logs is kept, so tests can check what it wrote.
class ServerProcess final
{
    Q_DISABLE_COPY_MOVE(ServerProcess)

public:
    ServerProcess() = default;
    ~ServerProcess();

    static QString program();

    // For the next start().
    void setEnvironment(const QProcessEnvironment& environment)
    {
        m_process.setProcessEnvironment(environment);
    }
    // Starts `keydeck-server --listen 127.0.0.1:PORT ARGS` (port 0: one the system picks) and
    // waits for its "listening" line.
    bool start(const QStringList& arguments, quint16 port = 0);
    // SIGTERM, then the exit code (-1 if it had to be killed).
    int stop();
    bool isRunning() const { return m_process.state() == QProcess::Running; }
    quint16 port() const { return m_port; }
    QString baseUrl(const QString& scheme = QStringLiteral("http")) const;
    // Everything on standard error (the JSON log) so far.
    QByteArray log();
    // Sends raw bytes on a fresh connection; returns what came back before it closed or went
    // quiet for quietMs.
    QByteArray exchange(const QByteArray& bytes, int quietMs = 1500) const;

    // `keydeck-server ARGS` to its end: exit code, stdout, stderr.
    struct Run
    {
        int exitCode = -1;
        QByteArray out;
        QByteArray err;
    };
    static Run run(const QStringList& arguments, const QByteArray& input = {});

private:
    QProcess m_process;
    QByteArray m_log;
    quint16 m_port = 0;
};

// One request with the curl command-line tool, as an operator would send it.
struct CurlReply
{
    int status = 0;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
    int curlExit = -1;

    QByteArray header(const QByteArray& name) const;
    QJsonObject json() const;
    QString errorCode() const;
    QString errorMessage() const;
    QString errorParam() const;
};

CurlReply curl(const QByteArray& method, const QString& url, const QStringList& headers = {},
               const QByteArray& body = {}, const QStringList& extra = {});
