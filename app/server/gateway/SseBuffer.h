#pragma once

#include <QByteArray>
#include <QList>

// Cuts a Server-Sent Events byte stream into whole events however the bytes were split on the
// wire, so each event can be read (and passed on or dropped) as one.
class SseBuffer final
{
public:
    struct Event
    {
        // As received, blank line included: what a client is sent.
        QByteArray raw;
        QByteArray name;
        // The data lines joined by "\n".
        QByteArray data;
    };

    // The events these bytes complete.
    QList<Event> feed(const QByteArray& bytes);
    // What is left when the stream ends without a final blank line.
    QByteArray rest() const { return m_buffer; }

    // No event may grow without bound.
    static constexpr qsizetype MaxEventBytes = 4 * 1024 * 1024;
    bool overflowed() const { return m_overflowed; }

private:
    QByteArray m_buffer;
    bool m_overflowed = false;
};
