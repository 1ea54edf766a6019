#include "MockUpstream.h"

#include "StreamSink.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace {

// The answer, one word per streamed chunk; max_tokens cuts it short as a real model would.
const QStringList AnswerWords = u"This is a deterministic answer from the KeyDeck mock upstream, "
                                "long enough to stream in several chunks."_s.split(u' ');

QByteArray compact(const QJsonObject& object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QByteArray sse(const QJsonObject& object)
{
    return "data: " + compact(object) + "\n\n";
}

QByteArray anthropicEvent(const char* name, const QJsonObject& object)
{
    return QByteArray("event: ") + name + "\ndata: " + compact(object) + "\n\n";
}

HttpResponse openAiError(int status, const QString& type, const QString& message)
{
    return HttpResponse::json(
        status,
        QJsonDocument(QJsonObject{{u"error"_s, QJsonObject{{u"message"_s, message},
                                                           {u"type"_s, type},
                                                           {u"param"_s, QJsonValue::Null},
                                                           {u"code"_s, QJsonValue::Null}}}}));
}

// Server-Sent Events, all at once: the mock has nothing to wait for between them.
HttpResponse streamOf(const QList<QByteArray>& events)
{
    HttpResponse response;
    response.contentType = "text/event-stream";
    response.stream = [events](const std::shared_ptr<StreamSink>& sink) {
        for (const QByteArray& event : events) {
            if (!sink->write(event))
                return;
        }
        sink->finish();
    };
    return response;
}

// The words of the answer a request with this max_tokens gets (at least one).
QStringList answerFor(const QJsonObject& body)
{
    const QJsonValue limit = body.contains(u"max_completion_tokens"_s)
                                 ? body.value(u"max_completion_tokens"_s)
                                 : body.value(u"max_tokens"_s);
    const qsizetype words = limit.isDouble()
                                ? qBound<qsizetype>(1, limit.toInteger(), AnswerWords.size())
                                : AnswerWords.size();
    return AnswerWords.mid(0, words);
}

QString textOfContent(const QJsonValue& content)
{
    if (content.isString())
        return content.toString();
    QString text;
    for (const QJsonValue& part : content.toArray())
        text += part.toObject().value(u"text"_s).toString();
    return text;
}

qint64 promptTokens(const QJsonObject& body)
{
    qint64 tokens = 0;
    for (const QJsonValue& message : body.value(u"messages"_s).toArray())
        tokens += 3 + MockUpstream::tokensOf(textOfContent(message.toObject().value(u"content"_s)));
    if (body.value(u"system"_s).isString())
        tokens += MockUpstream::tokensOf(body.value(u"system"_s).toString());
    const QJsonValue prompt = body.value(u"prompt"_s);
    if (prompt.isString())
        tokens += MockUpstream::tokensOf(prompt.toString());
    for (const QJsonValue& part : prompt.toArray())
        tokens += MockUpstream::tokensOf(part.toString());
    return qMax<qint64>(1, tokens);
}

QString idFor(const char* prefix, const QJsonObject& body)
{
    return QString::fromLatin1(prefix) +
           QString::fromLatin1(QCryptographicHash::hash(compact(body), QCryptographicHash::Sha256)
                                   .toHex()
                                   .left(24));
}

} // namespace

MockUpstream::MockUpstream(qint64 delayMs, QByteArray requiredKey)
    : m_delayMs(delayMs)
    , m_requiredKey(std::move(requiredKey))
{}

QStringList MockUpstream::models()
{
    return {u"gpt-4o"_s,
            u"gpt-4o-mini"_s,
            u"o3-mini"_s,
            u"text-embedding-3-small"_s,
            u"claude-3-5-sonnet-latest"_s,
            u"claude-3-5-haiku-latest"_s};
}

qint64 MockUpstream::tokensOf(const QString& text)
{
    return (text.size() + 3) / 4;
}

void MockUpstream::handle(HttpRequest request, HttpResponder respond)
{
    const auto send = [this, &respond](HttpResponse response) {
        response.delayMs = m_delayMs;
        respond(std::move(response));
    };
    if (!m_requiredKey.isEmpty()) {
        const QByteArray bearer = request.header("authorization");
        const bool anthropic = request.path == "/v1/messages";
        const bool known = bearer == "Bearer " + m_requiredKey ||
                           (anthropic && request.header("x-api-key") == m_requiredKey);
        if (!known && anthropic)
            return send(HttpResponse::json(
                401, QJsonDocument(QJsonObject{
                         {u"type"_s, u"error"_s},
                         {u"error"_s, QJsonObject{{u"type"_s, u"authentication_error"_s},
                                                  {u"message"_s, u"invalid x-api-key"_s}}}})));
        if (!known)
            return send(openAiError(401, u"invalid_request_error"_s,
                                    u"Incorrect API key provided: "_s +
                                        QString::fromLatin1(bearer.mid(7, 10)) + u"..."_s));
    }
    if (request.method == "GET" && request.path == "/v1/models") {
        QJsonArray data;
        for (const QString& model : models())
            data.append(QJsonObject{{u"id"_s, model},
                                    {u"object"_s, u"model"_s},
                                    {u"created"_s, 1'767'225'600},
                                    {u"owned_by"_s, u"keydeck-mock"_s}});
        return send(HttpResponse::json(
            200, QJsonDocument(QJsonObject{{u"object"_s, u"list"_s}, {u"data"_s, data}})));
    }
    static const QList<QByteArray> Posts{"/v1/chat/completions", "/v1/completions",
                                         "/v1/embeddings", "/v1/messages"};
    if (!Posts.contains(request.path))
        return send(openAiError(404, u"invalid_request_error"_s, u"no such route"_s));
    if (request.method != "POST")
        return send(openAiError(405, u"invalid_request_error"_s, u"use POST"_s));
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(request.body, &parseError);
    if (!document.isObject())
        return send(
            openAiError(400, u"invalid_request_error"_s, u"the body must be a JSON object"_s));
    const QJsonObject body = document.object();
    if (request.path == "/v1/embeddings")
        return send(embeddings(body));
    if (request.path == "/v1/messages")
        return send(message(body));
    send(chatCompletion(body, request.path == "/v1/completions"));
}

HttpResponse MockUpstream::rejected(int status, const QString& message)
{
    return openAiError(status, u"invalid_request_error"_s, message);
}

HttpResponse MockUpstream::chatCompletion(const QJsonObject& body, bool legacy) const
{
    const QString model = body.value(u"model"_s).toString(u"gpt-4o"_s);
    const QStringList words = answerFor(body);
    const qint64 prompt = promptTokens(body);
    const qint64 completion = words.size();
    const QJsonObject usage{{u"prompt_tokens"_s, prompt},
                            {u"completion_tokens"_s, completion},
                            {u"total_tokens"_s, prompt + completion}};
    const QString id = idFor(legacy ? "cmpl-" : "chatcmpl-", body);
    const QString object = legacy ? u"text_completion"_s : u"chat.completion"_s;
    const QString finish = words.size() < AnswerWords.size() ? u"length"_s : u"stop"_s;
    if (!body.value(u"stream"_s).toBool()) {
        QJsonObject choice{{u"index"_s, 0}, {u"finish_reason"_s, finish}};
        if (legacy) {
            choice[u"text"_s] = words.join(u' ');
            choice[u"logprobs"_s] = QJsonValue::Null;
        } else {
            choice[u"message"_s] = QJsonObject{{u"role"_s, u"assistant"_s},
                                               {u"content"_s, words.join(u' ')},
                                               {u"refusal"_s, QJsonValue::Null}};
        }
        return HttpResponse::json(200, QJsonDocument(QJsonObject{{u"id"_s, id},
                                                                 {u"object"_s, object},
                                                                 {u"created"_s, 1'767'225'600},
                                                                 {u"model"_s, model},
                                                                 {u"choices"_s, QJsonArray{choice}},
                                                                 {u"usage"_s, usage}}));
    }
    const bool includeUsage =
        body.value(u"stream_options"_s).toObject().value(u"include_usage"_s).toBool();
    const QString chunkObject = legacy ? u"text_completion"_s : u"chat.completion.chunk"_s;
    QList<QByteArray> events;
    const auto chunk = [&](const QJsonValue& choice) {
        QJsonObject piece{{u"id"_s, id},
                          {u"object"_s, chunkObject},
                          {u"created"_s, 1'767'225'600},
                          {u"model"_s, model},
                          {u"choices"_s, choice.isNull() ? QJsonArray() : QJsonArray{choice}}};
        if (includeUsage)
            piece[u"usage"_s] = QJsonValue::Null;
        return piece;
    };
    for (qsizetype i = 0; i < words.size(); ++i) {
        const QString piece = i == 0 ? words.at(i) : u" "_s + words.at(i);
        QJsonObject choice{{u"index"_s, 0}, {u"finish_reason"_s, QJsonValue::Null}};
        if (legacy)
            choice[u"text"_s] = piece;
        else
            choice[u"delta"_s] =
                i == 0 ? QJsonObject{{u"role"_s, u"assistant"_s}, {u"content"_s, piece}}
                       : QJsonObject{{u"content"_s, piece}};
        events << sse(chunk(choice));
    }
    QJsonObject last{{u"index"_s, 0}, {u"finish_reason"_s, finish}};
    if (legacy)
        last[u"text"_s] = QString();
    else
        last[u"delta"_s] = QJsonObject();
    events << sse(chunk(last));
    if (includeUsage) {
        QJsonObject usageChunk = chunk(QJsonValue::Null);
        usageChunk[u"usage"_s] = usage;
        events << sse(usageChunk);
    }
    events << "data: [DONE]\n\n";
    return streamOf(events);
}

HttpResponse MockUpstream::embeddings(const QJsonObject& body) const
{
    QStringList inputs;
    const QJsonValue input = body.value(u"input"_s);
    if (input.isString())
        inputs << input.toString();
    for (const QJsonValue& item : input.toArray())
        inputs << item.toString();
    if (inputs.isEmpty())
        return openAiError(400, u"invalid_request_error"_s, u"input: must not be empty"_s);
    QJsonArray data;
    qint64 tokens = 0;
    for (qsizetype i = 0; i < inputs.size(); ++i) {
        const QByteArray hash =
            QCryptographicHash::hash(inputs.at(i).toUtf8(), QCryptographicHash::Sha256);
        QJsonArray vector;
        QByteArray packed;
        for (int d = 0; d < 8; ++d) {
            const float component = float(static_cast<unsigned char>(hash.at(d))) / 255.0f - 0.5f;
            vector.append(double(component));
            packed.append(reinterpret_cast<const char*>(&component), sizeof component);
        }
        // The SDKs ask for base64 (little-endian float32s) unless told otherwise.
        const bool base64 = body.value(u"encoding_format"_s).toString() == u"base64"_s;
        data.append(
            QJsonObject{{u"object"_s, u"embedding"_s},
                        {u"index"_s, i},
                        {u"embedding"_s, base64 ? QJsonValue(QString::fromLatin1(packed.toBase64()))
                                                : QJsonValue(vector)}});
        tokens += qMax<qint64>(1, tokensOf(inputs.at(i)));
    }
    return HttpResponse::json(
        200,
        QJsonDocument(QJsonObject{
            {u"object"_s, u"list"_s},
            {u"data"_s, data},
            {u"model"_s, body.value(u"model"_s).toString(u"text-embedding-3-small"_s)},
            {u"usage"_s, QJsonObject{{u"prompt_tokens"_s, tokens}, {u"total_tokens"_s, tokens}}}}));
}

HttpResponse MockUpstream::message(const QJsonObject& body) const
{
    const QString model = body.value(u"model"_s).toString(u"claude-3-5-haiku-latest"_s);
    const QStringList words = answerFor(body);
    const qint64 input = promptTokens(body);
    const qint64 output = words.size();
    const QString id = idFor("msg_", body);
    const QString stop = words.size() < AnswerWords.size() ? u"max_tokens"_s : u"end_turn"_s;
    if (!body.value(u"stream"_s).toBool()) {
        return HttpResponse::json(
            200, QJsonDocument(QJsonObject{
                     {u"id"_s, id},
                     {u"type"_s, u"message"_s},
                     {u"role"_s, u"assistant"_s},
                     {u"model"_s, model},
                     {u"content"_s, QJsonArray{QJsonObject{{u"type"_s, u"text"_s},
                                                           {u"text"_s, words.join(u' ')}}}},
                     {u"stop_reason"_s, stop},
                     {u"stop_sequence"_s, QJsonValue::Null},
                     {u"usage"_s,
                      QJsonObject{{u"input_tokens"_s, input}, {u"output_tokens"_s, output}}}}));
    }
    QList<QByteArray> events;
    events << anthropicEvent(
        "message_start",
        QJsonObject{
            {u"type"_s, u"message_start"_s},
            {u"message"_s, QJsonObject{{u"id"_s, id},
                                       {u"type"_s, u"message"_s},
                                       {u"role"_s, u"assistant"_s},
                                       {u"model"_s, model},
                                       {u"content"_s, QJsonArray()},
                                       {u"stop_reason"_s, QJsonValue::Null},
                                       {u"stop_sequence"_s, QJsonValue::Null},
                                       {u"usage"_s, QJsonObject{{u"input_tokens"_s, input},
                                                                {u"output_tokens"_s, 1}}}}}});
    events << anthropicEvent(
        "content_block_start",
        QJsonObject{{u"type"_s, u"content_block_start"_s},
                    {u"index"_s, 0},
                    {u"content_block"_s, QJsonObject{{u"type"_s, u"text"_s}, {u"text"_s, u""_s}}}});
    for (qsizetype i = 0; i < words.size(); ++i) {
        events << anthropicEvent(
            "content_block_delta",
            QJsonObject{{u"type"_s, u"content_block_delta"_s},
                        {u"index"_s, 0},
                        {u"delta"_s,
                         QJsonObject{{u"type"_s, u"text_delta"_s},
                                     {u"text"_s, i == 0 ? words.at(i) : u" "_s + words.at(i)}}}});
        // Usage so far, as the API sends it mid-stream now and then: cumulative, not a delta.
        if (i == words.size() / 2 && i + 1 < words.size())
            events << anthropicEvent(
                "message_delta",
                QJsonObject{{u"type"_s, u"message_delta"_s},
                            {u"delta"_s, QJsonObject{{u"stop_reason"_s, QJsonValue::Null},
                                                     {u"stop_sequence"_s, QJsonValue::Null}}},
                            {u"usage"_s, QJsonObject{{u"output_tokens"_s, i + 1}}}});
    }
    events << anthropicEvent("content_block_stop",
                             QJsonObject{{u"type"_s, u"content_block_stop"_s}, {u"index"_s, 0}});
    events << anthropicEvent(
        "message_delta",
        QJsonObject{{u"type"_s, u"message_delta"_s},
                    {u"delta"_s,
                     QJsonObject{{u"stop_reason"_s, stop}, {u"stop_sequence"_s, QJsonValue::Null}}},
                    {u"usage"_s, QJsonObject{{u"output_tokens"_s, output}}}});
    events << anthropicEvent("message_stop", QJsonObject{{u"type"_s, u"message_stop"_s}});
    return streamOf(events);
}
