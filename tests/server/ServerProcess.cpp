#include "ServerProcess.h"

#include <QDeadlineTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTcpSocket>
#include <csignal>

using namespace Qt::StringLiterals;

ServerProcess::~ServerProcess()
{
    if (isRunning())
        stop();
}

QString ServerProcess::program()
{
    return QStringLiteral(KEYDECK_SERVER_PATH);
}

bool ServerProcess::start(const QStringList& arguments, quint16 port)
{
    m_process.setProgram(program());
    m_process.setArguments(QStringList{u"--listen"_s, u"127.0.0.1:%1"_s.arg(port)} + arguments);
    m_process.start();
    if (!m_process.waitForStarted(10'000))
        return false;
    static const QRegularExpression listening(u"\"msg\":\"listening\".*\"port\":(\\d+)"_s);
    const QDeadlineTimer deadline(20'000);
    while (!deadline.hasExpired()) {
        m_process.waitForReadyRead(200);
        m_log += m_process.readAllStandardError();
        const QRegularExpressionMatch match = listening.match(QString::fromUtf8(m_log));
        if (match.hasMatch()) {
            m_port = quint16(match.captured(1).toUInt());
            return true;
        }
        if (m_process.state() != QProcess::Running)
            return false;
    }
    return false;
}

int ServerProcess::stop()
{
    ::kill(pid_t(m_process.processId()), SIGTERM);
    if (!m_process.waitForFinished(15'000)) {
        m_process.kill();
        m_process.waitForFinished();
        return -1;
    }
    m_log += m_process.readAllStandardError();
    return m_process.exitStatus() == QProcess::NormalExit ? m_process.exitCode() : -1;
}

QString ServerProcess::baseUrl(const QString& scheme) const
{
    return u"%1://127.0.0.1:%2"_s.arg(scheme).arg(m_port);
}

QByteArray ServerProcess::log()
{
    m_log += m_process.readAllStandardError();
    return m_log;
}

QByteArray ServerProcess::exchange(const QByteArray& bytes, int quietMs) const
{
    QTcpSocket socket;
    socket.connectToHost(u"127.0.0.1"_s, m_port);
    if (!socket.waitForConnected(5000))
        return {};
    socket.write(bytes);
    socket.waitForBytesWritten(5000);
    QByteArray received;
    while (socket.waitForReadyRead(quietMs))
        received += socket.readAll();
    return received + socket.readAll();
}

ServerProcess::Run ServerProcess::run(const QStringList& arguments, const QByteArray& input)
{
    QProcess process;
    process.start(program(), arguments);
    process.waitForStarted();
    if (!input.isEmpty())
        process.write(input);
    process.closeWriteChannel();
    Run result;
    if (!process.waitForFinished(30'000)) {
        process.kill();
        process.waitForFinished();
        return result;
    }
    result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    result.out = process.readAllStandardOutput();
    result.err = process.readAllStandardError();
    return result;
}

QByteArray CurlReply::header(const QByteArray& name) const
{
    for (const auto& [key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

QJsonObject CurlReply::json() const
{
    return QJsonDocument::fromJson(body).object();
}

QString CurlReply::errorCode() const
{
    return json().value(u"error"_s).toObject().value(u"code"_s).toString();
}

QString CurlReply::errorMessage() const
{
    return json().value(u"error"_s).toObject().value(u"message"_s).toString();
}

QString CurlReply::errorParam() const
{
    return json().value(u"error"_s).toObject().value(u"param"_s).toString();
}

CurlReply curl(const QByteArray& method, const QString& url, const QStringList& headers,
               const QByteArray& body, const QStringList& extra)
{
    // --globoff: braces and brackets in a path are sent as they are, not expanded.
    QStringList arguments{
        u"--silent"_s,   u"--show-error"_s, u"--include"_s, u"--globoff"_s,
        u"--max-time"_s, u"30"_s,           u"--request"_s, QString::fromLatin1(method)};
    for (const QString& header : headers)
        arguments << u"--header"_s << header;
    if (!body.isEmpty())
        arguments << u"--header"_s << u"Content-Type: application/json"_s << u"--data-binary"_s
                  << u"@-"_s;
    arguments << extra << url;
    QProcess process;
    process.start(u"curl"_s, arguments);
    process.waitForStarted();
    process.write(body);
    process.closeWriteChannel();
    process.waitForFinished(60'000);
    CurlReply reply;
    reply.curlExit = process.exitCode();
    QByteArray output = process.readAllStandardOutput();
    // Interim 100 Continue blocks come first; the final response is the last header block.
    qsizetype end = output.indexOf("\r\n\r\n");
    while (end >= 0 && output.startsWith("HTTP/1.1 100")) {
        output.remove(0, end + 4);
        end = output.indexOf("\r\n\r\n");
    }
    if (end < 0)
        return reply;
    const QList<QByteArray> lines = output.left(end).split('\n');
    reply.status = lines.value(0).split(' ').value(1).toInt();
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines.at(i).trimmed();
        const qsizetype colon = line.indexOf(':');
        if (colon > 0)
            reply.headers.append({line.left(colon).trimmed(), line.mid(colon + 1).trimmed()});
    }
    reply.body = output.mid(end + 4);
    return reply;
}
