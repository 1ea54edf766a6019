// keydeck-server's GET /v1/admin/keys against the local store it serves, in the same run: a
// page of 100 keys, first and deep (half-way through), read through the admin API over
// loopback HTTP (keep-alive, one client) versus KeyStore::listKeysPage on the same file in
// this process. The ratio is what the REST layer (HTTP, JSON, auth, audit of nothing: reads
// are not audited) adds to the store's own work.
//
//   keydeck_bench_admin_api --store PATH [--runs N]
// PATH: a store with many keys, e.g. the one keydeck_bench_keys_page --store PATH fills; the
// server is opened with a master key, so the store is not changed.

#include "BenchAwait.h"
#include "BenchServer.h"
#include "KeyStore.h"
#include "SqliteStore.h"
#include "SystemClock.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRandomGenerator>
#include <QUrlQuery>
#include <algorithm>
#include <cstdio>

using namespace Qt::StringLiterals;

namespace {

double median(QList<double> values)
{
    std::sort(values.begin(), values.end());
    return values.at(values.size() / 2);
}

struct Http
{
    QNetworkAccessManager manager;
    QString base;
    QByteArray key;

    QByteArray send(const QByteArray& verb, const QString& pathAndQuery, int* status)
    {
        QNetworkRequest request(QUrl(base + pathAndQuery));
        request.setRawHeader("Authorization", "Bearer " + key);
        QNetworkReply* reply = manager.sendCustomRequest(request, verb);
        QEventLoop loop;
        QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        loop.exec();
        *status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QByteArray body = reply->error() == QNetworkReply::NoError ||
                                        reply->error() >= QNetworkReply::ContentAccessDenied
                                    ? reply->readAll()
                                    : reply->errorString().toUtf8();
        reply->deleteLater();
        return body;
    }
};

} // namespace

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    const QCommandLineOption storeOption(u"store"_s, u"A store with many keys."_s, u"PATH"_s);
    const QCommandLineOption runsOption(u"runs"_s, u"Requests per measure (default 50)."_s, u"N"_s,
                                        u"50"_s);
    parser.addOptions({storeOption, runsOption});
    parser.process(app);
    const QString path = parser.value(storeOption);
    if (path.isEmpty() || !QFileInfo::exists(path)) {
        std::fprintf(stderr, "give --store PATH of an existing store (keydeck_bench_keys_page "
                             "--store PATH fills one)\n");
        return 2;
    }
    const int runs = qMax(3, parser.value(runsOption).toInt());

    const SystemClock clock;
    SqliteStore store(path, clock, *QRandomGenerator::system());
    awaitInEventLoop(store.open().then([] { return true; }));
    KeyListQuery first;
    const qint64 total = awaitInEventLoop(store.keys().listKeysPage(first)).total;
    // The cursor half-way through, by walking pages of 1,000.
    KeyListQuery deep;
    deep.limit = KeyListQuery::MaxLimit;
    for (qint64 walked = 0; walked < total / 2;) {
        const KeyStore::Page page = awaitInEventLoop(store.keys().listKeysPage(deep));
        walked += page.keys.size();
        deep.cursor = page.nextCursor;
        if (deep.cursor.isEmpty())
            break;
    }
    deep.limit = first.limit;

    const auto local = [&](const KeyListQuery& query) {
        QList<double> ms;
        for (int i = 0; i < runs; ++i) {
            QElapsedTimer timer;
            timer.start();
            const KeyStore::Page page = awaitInEventLoop(store.keys().listKeysPage(query));
            ms << double(timer.nsecsElapsed()) / 1e6;
            if (page.keys.size() != query.limit)
                std::fprintf(stderr, "short page: %lld keys\n", qlonglong(page.keys.size()));
        }
        return median(ms);
    };
    const double localFirst = local(first);
    const double localDeep = local(deep);

    // Opened with a master key made for the run: the store is left as it was.
    const BenchServer server(path);
    Http http;
    http.key = server.adminKey().toLatin1();
    http.base = server.baseUrl();

    const auto rest = [&](const KeyListQuery& query) {
        QString target = u"/v1/admin/keys?limit=%1"_s.arg(query.limit);
        if (!query.cursor.isEmpty())
            target += u"&cursor="_s + QString::fromLatin1(QUrl::toPercentEncoding(query.cursor));
        QList<double> ms;
        for (int i = 0; i < runs; ++i) {
            QElapsedTimer timer;
            timer.start();
            int status = 0;
            const QByteArray body = http.send("GET", target, &status);
            ms << double(timer.nsecsElapsed()) / 1e6;
            if (status != 200)
                std::fprintf(stderr, "HTTP %d: %s\n", status, body.left(200).constData());
        }
        return median(ms);
    };
    const double restFirst = rest(first);
    const double restDeep = rest(deep);

    std::printf("keydeck-server admin API benchmark: %lld keys in %s, median of %d requests\n\n",
                qlonglong(total), qPrintable(path), runs);
    std::printf("%-46s %10s %10s %8s\n", "measure (ms)", "REST", "local", "ratio");
    std::printf("%-46s %10.2f %10.2f %8.2f\n", "GET /v1/admin/keys, first page of 100", restFirst,
                localFirst, restFirst / localFirst);
    std::printf("%-46s %10.2f %10.2f %8.2f\n", "GET /v1/admin/keys, page of 100 half-way", restDeep,
                localDeep, restDeep / localDeep);
    std::printf("\nlocal: KeyStore::listKeysPage on the same file in this process.\n");
    return 0;
}
