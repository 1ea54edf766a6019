#include "UpstreamUsage.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace {

qint64 count(const QJsonObject& usage, const QString& name)
{
    return qMax<qint64>(0, usage.value(name).toInteger());
}

} // namespace

void UpstreamUsage::readBody(const QByteArray& json)
{
    const QJsonObject usage = QJsonDocument::fromJson(json).object().value(u"usage"_s).toObject();
    if (usage.isEmpty())
        return;
    m_known = true;
    if (m_dialect == Dialect::Anthropic) {
        m_promptTokens = count(usage, u"input_tokens"_s) +
                         count(usage, u"cache_creation_input_tokens"_s) +
                         count(usage, u"cache_read_input_tokens"_s);
        m_completionTokens = count(usage, u"output_tokens"_s);
    } else {
        m_promptTokens = count(usage, u"prompt_tokens"_s);
        m_completionTokens = count(usage, u"completion_tokens"_s);
    }
}

bool UpstreamUsage::readEvent(const QByteArray& name, const QByteArray& data)
{
    if (data.isEmpty() || data == "[DONE]")
        return false;
    const QJsonObject object = QJsonDocument::fromJson(data).object();
    if (m_dialect == Dialect::Anthropic) {
        const QString type = object.value(u"type"_s).toString(QString::fromUtf8(name));
        if (type == u"message_start"_s) {
            const QJsonObject usage =
                object.value(u"message"_s).toObject().value(u"usage"_s).toObject();
            m_promptTokens = count(usage, u"input_tokens"_s) +
                             count(usage, u"cache_creation_input_tokens"_s) +
                             count(usage, u"cache_read_input_tokens"_s);
            m_completionTokens = count(usage, u"output_tokens"_s);
        } else if (type == u"message_delta"_s) {
            const QJsonObject usage = object.value(u"usage"_s).toObject();
            if (usage.contains(u"output_tokens"_s)) {
                m_completionTokens = count(usage, u"output_tokens"_s);
                m_known = true;
            }
        } else if (type == u"content_block_delta"_s) {
            ++m_contentPieces;
        }
        return false;
    }
    const QJsonArray choices = object.value(u"choices"_s).toArray();
    if (!choices.isEmpty())
        ++m_contentPieces;
    const QJsonObject usage = object.value(u"usage"_s).toObject();
    if (usage.isEmpty())
        return false;
    m_known = true;
    m_promptTokens = count(usage, u"prompt_tokens"_s);
    m_completionTokens = count(usage, u"completion_tokens"_s);
    return choices.isEmpty();
}
