#include "SseBuffer.h"

namespace {

// Where the blank line ending the first event at or after from is, and how long it is; -1 if
// none yet.
std::pair<qsizetype, qsizetype> eventEnd(const QByteArray& buffer, qsizetype from)
{
    qsizetype best = -1;
    qsizetype length = 0;
    for (const char* separator : {"\n\n", "\r\n\r\n", "\r\r"}) {
        const qsizetype at = buffer.indexOf(separator, from);
        if (at >= 0 && (best < 0 || at < best)) {
            best = at;
            length = qsizetype(qstrlen(separator));
        }
    }
    return {best, length};
}

SseBuffer::Event parse(QByteArray raw, qsizetype bodyLength)
{
    SseBuffer::Event event;
    const QByteArray body = raw.left(bodyLength);
    QList<QByteArray> data;
    for (QByteArray line : body.split('\n')) {
        if (line.endsWith('\r'))
            line.chop(1);
        const qsizetype colon = line.indexOf(':');
        const QByteArray field = colon < 0 ? line : line.left(colon);
        QByteArray value = colon < 0 ? QByteArray() : line.mid(colon + 1);
        if (value.startsWith(' '))
            value.remove(0, 1);
        if (field == "data")
            data << value;
        else if (field == "event")
            event.name = value;
    }
    event.data = data.join('\n');
    event.raw = std::move(raw);
    return event;
}

} // namespace

QList<SseBuffer::Event> SseBuffer::feed(const QByteArray& bytes)
{
    // Only the new bytes (and the three before them, where a separator may have begun) are
    // searched, and what was consumed is removed once: linear in what arrives.
    qsizetype from = qMax<qsizetype>(0, m_buffer.size() - 3);
    m_buffer += bytes;
    QList<Event> events;
    qsizetype consumed = 0;
    for (;;) {
        const auto [at, length] = eventEnd(m_buffer, qMax(from, consumed));
        if (at < 0)
            break;
        events << parse(m_buffer.mid(consumed, at + length - consumed), at - consumed);
        consumed = at + length;
        from = consumed;
    }
    m_buffer.remove(0, consumed);
    if (m_buffer.size() > MaxEventBytes) {
        m_overflowed = true;
        m_buffer.clear();
    }
    return events;
}
