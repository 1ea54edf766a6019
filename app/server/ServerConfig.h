#pragma once

#include "CidrBlock.h"
#include "UpstreamConfig.h"

#include <QByteArray>
#include <QString>
#include <QStringList>
#include <QtGlobal>
#include <optional>

// Everything keydeck-server can be told, after flags, the environment and the config file
// were merged (in that order of precedence) and checked.
struct ServerConfig
{
    QString listenHost = QStringLiteral("127.0.0.1");
    quint16 listenPort = 8080;
    QString store;
    // The one-line upstream: every model in both dialects that no [[upstreams]] entry serves.
    // "mock" unless upstreams are configured; empty then unless given too.
    QString upstream = QStringLiteral("mock");
    QList<UpstreamConfig> upstreams;
    qint64 upstreamTimeoutMs = 60'000;
    // Sent to the one-line upstream; never a client's key.
    QByteArray upstreamApiKey;
    QString tlsCert;
    QString tlsKey;
    bool allowInsecureHttp = false;
    // Peers whose X-Forwarded-For is believed (ForwardedFor).
    QList<CidrBlock> trustedProxies;
    int ioThreads = 2;
    // Limits every request meets: the header block, the body (streamed uploads have their
    // own), and the time to receive the whole request; an idle keep-alive connection closes.
    qint64 maxHeaderBytes = 16 * 1024;
    qint64 maxBodyBytes = 1024 * 1024;
    qint64 maxUploadBytes = qint64(1) << 30;
    qint64 requestTimeoutMs = 30'000;
    qint64 idleTimeoutMs = 60'000;
    // The SHA-256 (lower-case hex) of a master admin key kept outside the store: it opens the
    // admin API when the store has no admin key left, and a store can stay empty of them.
    QByteArray adminKeySha256;

    bool tlsEnabled() const { return !tlsCert.isEmpty(); }
    QString listenAddress() const;
};
