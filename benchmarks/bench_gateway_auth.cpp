// What authorising one gateway request costs when its key is in the key cache, against one
// SHA-256 of the key (the floor: every request's key must be hashed to be looked up). The hot
// path is timed as the gateway runs it: the credential read from the headers, format and
// checksum, the digest, the cache lookup, the key's checks (GatewayApi::keyRefusal and
// modelRefusal) and the rate admission.
//
//   ./keydeck_bench_gateway_auth [--runs N]
#include "ApiKeyFormat.h"
#include "ApiKeyRecord.h"
#include "CidrBlock.h"
#include "GatewayApi.h"
#include "HttpRequest.h"
#include "KeyCache.h"
#include "RateLimiter.h"
#include "RequestCredential.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QRandomGenerator>
#include <algorithm>
#include <cstdio>

using namespace Qt::StringLiterals;

namespace {

// Nanoseconds per call, the median of 7 rounds of `runs` calls.
template <typename Call> double nsPerCall(int runs, Call call)
{
    QList<double> rounds;
    for (int round = 0; round < 7; ++round) {
        QElapsedTimer timer;
        timer.start();
        for (int i = 0; i < runs; ++i)
            call(i);
        rounds << double(timer.nsecsElapsed()) / runs;
    }
    std::sort(rounds.begin(), rounds.end());
    return rounds.at(3);
}

} // namespace

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(u"Gateway authorisation from the key cache vs SHA-256."_s);
    parser.addHelpOption();
    const QCommandLineOption runsOption(u"runs"_s, u"Calls per round (200000)."_s, u"n"_s,
                                        u"200000"_s);
    parser.addOption(runsOption);
    parser.process(app);
    const int runs = qMax(1000, parser.value(runsOption).toInt());

    // A realistic cache: 10,000 keys, the one asked for among them, with an IP and a model
    // allowlist to check.
    KeyCache cache;
    QRandomGenerator random(20260101);
    QString secret;
    for (int i = 0; i < 10'000; ++i) {
        const QString key = ApiKeyFormat::generate(u"sk-"_s, random);
        ApiKeyRecord record;
        record.id = u"key_%1"_s.arg(i);
        record.hint = ApiKeyFormat::displayHint(key);
        record.spec.tier = Tier::Enterprise;
        record.spec.models = {u"gpt-4o"_s, u"gpt-4o-mini"_s};
        record.spec.ipAllowlist = *CidrBlock::parseList(u"10.0.0.0/8, 127.0.0.1"_s);
        cache.put(ApiKeyFormat::digestHex(key), record, cache.generation());
        if (i == 5000)
            secret = key;
    }
    HttpRequest request;
    request.method = "POST";
    request.path = "/v1/chat/completions";
    request.headers.insert("authorization", "Bearer " + secret.toLatin1());
    request.headers.insert("content-type", "application/json");
    request.clientAddress = u"127.0.0.1"_s;
    const QString model = u"gpt-4o-mini"_s;
    qint64 now = 0;
    RateLimiter limiter([&now] { return now; });
    const RateLimiter::Limits limits{1'000'000'000, 1'000'000'000};

    const QByteArray secretBytes = secret.toLatin1();
    qint64 sink = 0;
    const double sha = nsPerCall(runs, [&](int) {
        sink += QCryptographicHash::hash(secretBytes, QCryptographicHash::Sha256).at(0);
    });
    const double authorise = nsPerCall(runs, [&](int i) {
        now = i;
        const std::optional<QString> credential = RequestCredential::of(request);
        if (!credential || !ApiKeyFormat::isWellFormed(*credential))
            std::abort();
        const std::shared_ptr<const ApiKeyRecord> key =
            cache.find(ApiKeyFormat::digestHex(*credential));
        if (!key || GatewayApi::keyRefusal(*key, 1'767'225'600'000, request.clientAddress) ||
            GatewayApi::modelRefusal(*key, model))
            std::abort();
        sink += limiter.admit(key->id, limits, 100).allowed;
    });
    std::printf("Authorising one request from the key cache (10,000 keys cached), median of 7 "
                "rounds of %d\n\n",
                runs);
    std::printf("  SHA-256 of the key            %8.0f ns\n", sha);
    std::printf("  authorisation from the cache  %8.0f ns\n", authorise);
    std::printf("  ratio                         %8.2f   (goal <= 3)\n", authorise / sha);
    return sink == 42 ? 1 : 0;
}
