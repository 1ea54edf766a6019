#pragma once

#include <QByteArray>
#include <QtGlobal>

// The tokens an upstream's answer reports, read from its JSON body or from the events of its
// stream, in the OpenAI or the Anthropic dialect.
class UpstreamUsage final
{
public:
    enum class Dialect
    {
        OpenAi,
        Anthropic
    };

    explicit UpstreamUsage(Dialect dialect)
        : m_dialect(dialect)
    {}

    void readBody(const QByteArray& json);
    // One stream event's data. OpenAI: the usage chunk (asked for with include_usage);
    // Anthropic: message_start's input tokens and the last message_delta's output tokens (they
    // are cumulative). Returns whether the event is the usage-only chunk of an OpenAI stream.
    bool readEvent(const QByteArray& name, const QByteArray& data);

    // Whether the answer's whole usage came (an Anthropic stream tells its prompt tokens first,
    // which promptTokens() has from then on).
    bool known() const { return m_known; }
    qint64 promptTokens() const { return m_promptTokens; }
    qint64 completionTokens() const { return m_completionTokens; }
    // Content pieces relayed: what a stream cut off before its usage is settled with.
    qint64 contentPieces() const { return m_contentPieces; }

private:
    Dialect m_dialect;
    bool m_known = false;
    qint64 m_promptTokens = 0;
    qint64 m_completionTokens = 0;
    qint64 m_contentPieces = 0;
};
