#pragma once

#include <QJsonObject>
#include <QMutex>
#include <QString>
#include <cstdio>

class Clock;

// Structured log: one JSON object per line. Every string passes the key redactor first, so a
// key pasted into a path, a label or an error message is written as its hint only.
class RequestLog final
{
    Q_DISABLE_COPY_MOVE(RequestLog)

public:
    RequestLog(std::FILE* out, const Clock& clock);

    void info(const QString& message, const QJsonObject& fields = {});
    void error(const QString& message, const QJsonObject& fields = {});

private:
    void write(const char* level, const QString& message, const QJsonObject& fields);

    std::FILE* m_out;
    const Clock& m_clock;
    QMutex m_mutex;
};
