// The JSON of usage, alerts and usage queries that keydeckctl prints and the admin API serves
// reads back to what it was written from, and bad input is refused naming the member.
#include "AlertJson.h"
#include "UsageJson.h"
#include "UsageQueryParams.h"

#include <QTest>

using namespace Qt::StringLiterals;

class TestUsageJson final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void totalsRowsAndPointsRoundTrip()
    {
        const UsageTotals totals{7, 2, 1'000, 250, 1'234'567, 900};
        QString error;
        QCOMPARE(UsageJson::totalsFromJson(UsageJson::totalsToJson(totals), &error), totals);
        QCOMPARE(UsageJson::totalsToJson(totals).value(u"cost_usd"_s).toString(), u"1.234567"_s);

        const QList<UsageGroupRow> rows{{u"key_a"_s, 0, totals}, {u"gpt-4o"_s, 0, {}}};
        const UsageJson::Labels labels{{u"key_a"_s, u"web"_s}};
        const QJsonArray json = UsageJson::groupsToJson(rows, &labels);
        QCOMPARE(json.at(0)[u"label"_s].toString(), u"web"_s);
        QVERIFY(json.at(1)[u"label"_s].isNull());
        QCOMPARE(UsageJson::groupsFromJson(json, &error), rows);

        const QList<UsageSeries::Point> points{{1'700'000'100'000, totals}};
        QCOMPARE(UsageJson::pointsFromJson(UsageJson::pointsToJson(points), &error), points);
    }

    void eventsAndKeyUsageRoundTrip()
    {
        UsageEvent event;
        event.timeMs = 1'700'000'000'123;
        event.key = u"key_a"_s;
        event.model = u"gpt-4o"_s;
        event.endpoint = u"/v1/chat/completions"_s;
        event.status = 429;
        event.promptTokens = 12;
        event.completionTokens = 3;
        event.costMicros = 17;
        event.latencyMs = 250;
        event.clientIp = u"10.0.0.1"_s;
        event.requestId = u"r-1"_s;
        QString error;
        QCOMPARE(UsageJson::eventsFromJson(UsageJson::eventsToJson({event}), &error),
                 QList<UsageEvent>{event});
        const auto labelled =
            UsageJson::eventsToJson({event}, [](const QString&) { return u"web"_s; });
        QCOMPARE(labelled.at(0)[u"key"_s].toString(), u"web"_s);

        const KeyUsage usage{u"key_a"_s, 1'700'000'000'000, 5, 6, 7, 8};
        const KeyUsage unused{u"key_b"_s, std::nullopt, 0, 0, 0, 0};
        QCOMPARE(UsageJson::keyUsageFromJson(UsageJson::keyUsageToJson({usage, unused}), &error),
                 (QList<KeyUsage>{usage, unused}));
    }

    void badJsonNamesTheMember()
    {
        QString error;
        QJsonObject totals = UsageJson::totalsToJson({});
        totals[u"requests"_s] = -1;
        QVERIFY(!UsageJson::totalsFromJson(totals, &error));
        QVERIFY2(error.startsWith(u"requests"_s), qPrintable(error));
        totals = UsageJson::totalsToJson({});
        totals[u"cost_usd"_s] = 1.5;
        QVERIFY(!UsageJson::totalsFromJson(totals, &error));
        QVERIFY2(error.startsWith(u"cost_usd"_s), qPrintable(error));
        QVERIFY(!UsageJson::eventsFromJson(QJsonArray{QJsonObject(), 3}, &error));
        QVERIFY2(error.startsWith(u"[0]"_s), qPrintable(error));
    }

    void importReportRoundTrips()
    {
        UsageImportReport report;
        report.linesRead = 10;
        report.imported = 8;
        report.duplicates = 1;
        report.skipped = 1;
        report.committed = true;
        report.errors = {{4, {u"status"_s, u"must be a number"_s}}};
        QString error;
        const auto back =
            UsageJson::importReportFromJson(UsageJson::importReportToJson(report, u"f"_s), &error);
        QVERIFY(back);
        QCOMPARE(back->imported, 8);
        QCOMPARE(back->errors.size(), 1);
        QCOMPARE(back->errors.at(0).error, (FieldError{u"status"_s, u"must be a number"_s}));
        QVERIFY(back->committed);
    }

    void alertsAndRulesRoundTrip()
    {
        const Alert alert{3,
                          2,
                          u"key_a"_s,
                          u"web: spent $6.00 today"_s,
                          1'700'000'000'000,
                          1'700'000'100'000,
                          std::nullopt,
                          Alert::Severity::Critical};
        QString error;
        QJsonObject json = AlertJson::alertToJson(alert, {{u"key_a"_s, u"web"_s}});
        QCOMPARE(json.value(u"status"_s).toString(), u"acknowledged"_s);
        QCOMPARE(json.value(u"severity"_s).toString(), u"critical"_s);
        QCOMPARE(AlertJson::alertFromJson(json, &error), alert);
        // A server from before severities: its alerts were warnings.
        json.remove(u"severity"_s);
        QCOMPARE(AlertJson::alertFromJson(json, &error)->severity, Alert::Severity::Warning);
        json.insert(u"severity"_s, u"dire"_s);
        QVERIFY(!AlertJson::alertFromJson(json, &error));
        QCOMPARE(error, u"severity: must be notice, warning or critical"_s);

        AlertRule rule;
        rule.id = 9;
        rule.kind = AlertRule::Kind::SpendPerDayAbove;
        rule.threshold = 5'000'000;
        rule.keyId = u"key_a"_s;
        const QJsonObject ruleJson = AlertJson::ruleToJson(rule);
        QCOMPARE(ruleJson.value(u"threshold"_s).toString(), u"5.00"_s);
        FieldErrors errors;
        QCOMPARE(AlertJson::ruleFromJson(ruleJson, rule, &errors), rule);
        QVERIFY(errors.isEmpty());
    }

    void badRulesNameEachMember()
    {
        FieldErrors errors;
        const AlertRule base;
        AlertJson::ruleFromJson(
            {{u"kind"_s, u"sometimes"_s}, {u"key_id"_s, 5}, {u"enabled"_s, u"yes"_s}}, base,
            &errors);
        QStringList fields;
        for (const FieldError& e : errors)
            fields << e.field;
        QCOMPARE(fields, (QStringList{u"kind"_s, u"key_id"_s, u"enabled"_s}));
        errors.clear();
        AlertJson::ruleFromJson(
            {{u"kind"_s, u"quota_remaining_below_percent"_s}, {u"threshold"_s, 150}}, base,
            &errors);
        QCOMPARE(errors.size(), 1);
        QCOMPARE(errors.at(0).field, u"threshold"_s);
        errors.clear();
        AlertJson::ruleFromJson({{u"kind"_s, u"spend_per_week_above"_s}, {u"threshold"_s, 5}}, base,
                                &errors);
        QCOMPARE(errors.size(), 1);
        QVERIFY2(errors.at(0).message.contains(u"USD"_s), qPrintable(errors.at(0).message));
    }

    void usageQueriesRoundTripThroughTheQueryString()
    {
        UsageQuery query;
        query.fromMs = 1'700'000'000'000;
        query.toMs = 1'700'000'900'001;
        query.keyIds = {u"key_a"_s, u"key_b"_s};
        query.models = {u"gpt-4o,2024"_s, u"odd&name=x%y"_s};
        query.statusClass = UsageQuery::StatusClass::ClientError;
        const QUrlQuery url(UsageQueryParams::toUrlQuery(query).query(QUrl::FullyEncoded));
        FieldError error;
        const auto parsed = UsageQueryParams::fromUrlQuery(url, 0, &error);
        QVERIFY2(parsed, qPrintable(error.toString()));
        // Ids go as key_id, taken as they are; "key" is for what a person types (id or label).
        QVERIFY(parsed->keys.isEmpty());
        QCOMPARE(parsed->query, query);
        const auto both = UsageQueryParams::fromUrlQuery(
            QUrlQuery(
                u"key=prod-web-app&key_id=key_a&from=2020-01-01T00:00:00Z&to=2020-01-01T00:00:00Z"_s),
            0, &error);
        QVERIFY2(both, qPrintable(error.toString()));
        QCOMPARE(both->keys, QStringList{u"prod-web-app"_s});
        QCOMPARE(both->query.keyIds, QStringList{u"key_a"_s});
        // An empty range is a range: it holds nothing.
        QCOMPARE(both->query.fromMs, both->query.toMs);
    }

    void usageQueryDefaultsAndErrors()
    {
        FieldError error;
        const qint64 now = 1'800'000'000'000;
        const auto defaults = UsageQueryParams::fromUrlQuery(QUrlQuery(), now, &error);
        QVERIFY(defaults);
        QCOMPARE(defaults->query.toMs, now);
        QCOMPARE(defaults->query.fromMs, now - UsageQueryParams::DefaultRangeMs);
        QVERIFY(!UsageQueryParams::fromUrlQuery(QUrlQuery(u"status=fine"_s), now, &error));
        QCOMPARE(error.field, u"status"_s);
        QVERIFY(!UsageQueryParams::fromUrlQuery(
            QUrlQuery(u"to=2020-01-01T00:00:00Z&from=2021-01-01T00:00:00Z"_s), now, &error));
        QCOMPARE(error.field, u"to"_s);
        QVERIFY(!UsageQueryParams::fromUrlQuery(QUrlQuery(u"from=soon"_s), now, &error));
        QCOMPARE(error.field, u"from"_s);
        QUrlQuery many;
        for (int i = 0; i <= UsageQueryParams::MaxListed; ++i)
            many.addQueryItem(u"key"_s, u"k%1"_s.arg(i));
        QVERIFY(!UsageQueryParams::fromUrlQuery(many, now, &error));
        QCOMPARE(error.field, u"key"_s);
    }
};

QTEST_GUILESS_MAIN(TestUsageJson)
#include "tst_usagejson.moc"
