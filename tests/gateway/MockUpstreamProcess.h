#pragma once

#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

// `keydeck-server mock-upstream` in a process of its own on a loopback port the system picks:
// an upstream the gateway reaches over the network, which a test can slow down, give a key to
// require, or stop.
class MockUpstreamProcess final
{
    Q_DISABLE_COPY_MOVE(MockUpstreamProcess)

public:
    MockUpstreamProcess() = default;
    ~MockUpstreamProcess();

    // extraArguments: such as --delay-ms N. requiredKey: KEYDECK_MOCK_API_KEY, empty for none.
    // false (with a warning saying why) when it does not start listening.
    bool start(const QStringList& extraArguments = {}, const QString& requiredKey = {});
    void stop();
    // http://127.0.0.1:PORT/v1
    QString baseUrl() const;

private:
    QProcess m_process;
    int m_port = 0;
};
