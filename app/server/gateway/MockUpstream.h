#pragma once

#include "HttpHandler.h"

#include <QByteArray>
#include <QJsonObject>
#include <QStringList>

// A deterministic OpenAI- and Anthropic-compatible API with no model behind it: the upstream of
// tests and benchmarks (`keydeck-server mock-upstream`, `--upstream mock`). The same request gets
// the same answer and the same usage numbers; streams come as the real APIs send them.
class MockUpstream final : public HttpHandler
{
    Q_DISABLE_COPY_MOVE(MockUpstream)

public:
    // delayMs: how long every answer waits before its first byte. requiredKey: when set, a
    // request must carry it (Authorization: Bearer, or x-api-key on /v1/messages), or it is
    // refused 401 as the real APIs refuse a wrong key.
    explicit MockUpstream(qint64 delayMs = 0, QByteArray requiredKey = {});

    // The models GET /v1/models lists; any other model name is answered too.
    static QStringList models();
    // What the mock counts as the tokens of a text: one per started group of four characters.
    static qint64 tokensOf(const QString& text);

    void handle(HttpRequest request, HttpResponder respond) override;
    HttpResponse rejected(int status, const QString& message) override;

private:
    HttpResponse chatCompletion(const QJsonObject& body, bool legacy) const;
    HttpResponse embeddings(const QJsonObject& body) const;
    HttpResponse message(const QJsonObject& body) const;

    const qint64 m_delayMs;
    const QByteArray m_requiredKey;
};
