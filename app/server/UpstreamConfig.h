#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

// An API the gateway forwards to, from the config file's [[upstreams]]: requests in its dialect
// (OpenAI's routes, or Anthropic's /v1/messages) for the models it serves go there, with its
// own key.
struct UpstreamConfig
{
    enum class Kind
    {
        OpenAi,
        Anthropic
    };

    QString name;
    // http(s)://HOST[:PORT]/PATH, where the API's /v1 is.
    QString baseUrl;
    Kind kind = Kind::OpenAi;
    // Exact model names, or prefixes ending in '*' ("claude-*").
    QStringList models;
    // From api_key in the file or the variable api_key_env names; never a flag.
    QByteArray apiKey;

    bool serves(const QString& model) const;
    // The exact names among models (what GET /v1/models can list).
    QStringList exactModels() const;
    static QString kindName(Kind kind);
};
