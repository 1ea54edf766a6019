#include "ApiKeyFormat.h"
#include "KeydeckctlRunner.h"
#include "SecretServiceTools.h"

#include <QDateTime>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {
const QString VaultService = u"KeyDeck"_s;
constexpr qint64 DayMs = 86'400'000;

using Run = KeydeckctlRunner::Run;

QStringList keysIn(const QString& text)
{
    QStringList keys;
    const QStringList lines = text.split(u'\n');
    for (const QString& line : lines) {
        if (ApiKeyFormat::isWellFormed(line))
            keys << line;
    }
    return keys;
}

// Runs one statement on the store file as another program would; true when it changed a row.
bool changeStore(const QString& path, const QString& sql)
{
    static int connections = 0;
    const QString name = u"lifecycle-probe-%1"_s.arg(++connections);
    bool changed = false;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, name);
        db.setDatabaseName(path);
        if (db.open()) {
            QSqlQuery query(db);
            changed = query.exec(sql) && query.numRowsAffected() > 0;
        }
    }
    QSqlDatabase::removeDatabase(name);
    return changed;
}
} // namespace

class TestKeydeckctlLifecycle final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_store;
    int m_storeCount = 0;

    Run ctl(const QStringList& arguments) const
    {
        return KeydeckctlRunner(m_dir.filePath(u"xdg-data"_s))
            .run(QStringList{u"--store"_s, m_store} + arguments);
    }

    QString createKey(const QString& label)
    {
        const Run r =
            ctl({u"keys"_s, u"create"_s, u"--label"_s, label, u"--no-keychain"_s, u"--json"_s});
        if (r.exitCode != 0)
            qWarning().noquote() << "create failed:" << r.err;
        return KeydeckctlRunner::jsonObject(r.out).value(u"id"_s).toString();
    }

    QJsonObject showJson(const QString& key) const
    {
        return KeydeckctlRunner::jsonObject(ctl({u"keys"_s, u"show"_s, key, u"--json"_s}).out);
    }

    QJsonArray alertsJson(bool all = false) const
    {
        QStringList arguments{u"alerts"_s, u"list"_s, u"--json"_s};
        if (all)
            arguments << u"--all"_s;
        const Run r = ctl(arguments);
        if (r.exitCode != 0)
            qWarning().noquote() << "alerts list failed:" << r.err;
        return KeydeckctlRunner::jsonArray(r.out);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY2(QFileInfo(KeydeckctlRunner::program()).isExecutable(),
                 qPrintable(KeydeckctlRunner::program()));
        QVERIFY2(SecretServiceTools::insidePrivateKeyring(),
                 "run through tests/support/with-keyring.sh (ctest does)");
    }

    void init() { m_store = m_dir.filePath(u"store-%1/keys.sqlite"_s.arg(++m_storeCount)); }

    void rotatePrintsTheNewSecretOnceAndLinksTheKeys()
    {
        const Run created = ctl({u"keys"_s, u"create"_s, u"--label"_s, u"prod-web-app"_s,
                                 u"--env"_s, u"prod"_s, u"--tier"_s, u"pro"_s});
        QCOMPARE(created.exitCode, 0);
        const QStringList oldSecrets = keysIn(created.out);
        QCOMPARE(oldSecrets.size(), 1);
        const QString oldId = showJson(u"prod-web-app"_s).value(u"id"_s).toString();
        QVERIFY(!oldId.isEmpty());

        const Run r = ctl({u"keys"_s, u"rotate"_s, u"prod-web-app"_s});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.err.isEmpty(), qPrintable(r.err));
        const QStringList secrets = keysIn(r.out);
        QCOMPARE(secrets.size(), 1);
        const QString secret = secrets.first();
        QVERIFY(secret != oldSecrets.first());
        QCOMPARE(r.out.count(secret), 1);
        QVERIFY(r.out.contains(u"prod-web-app-v2"_s));
        QVERIFY(r.out.contains(u"This key will not be shown again."_s));
        QVERIFY(r.out.contains(u"Keychain: saved"_s));
        QVERIFY2(r.out.contains(u"Deploy it, then revoke the old key: "
                                "keydeckctl keys revoke prod-web-app\n"_s),
                 qPrintable(r.out));

        const QJsonObject fresh = showJson(u"prod-web-app-v2"_s);
        const QString newId = fresh.value(u"id"_s).toString();
        QVERIFY(!newId.isEmpty());
        QCOMPARE(fresh.value(u"environment"_s).toString(), u"prod"_s);
        QCOMPARE(fresh.value(u"tier"_s).toString(), u"pro"_s);
        QCOMPARE(fresh.value(u"rotated_from_id"_s).toString(), oldId);
        QVERIFY(fresh.value(u"rotated_to_id"_s).isNull());
        QCOMPARE(showJson(oldId).value(u"rotated_to_id"_s).toString(), newId);
        QString error;
        QCOMPARE(SecretServiceTools::lookup(VaultService,
                                            fresh.value(u"keychain_entry"_s).toString(), &error),
                 std::optional<QString>(secret));
        QVERIFY2(error.isEmpty(), qPrintable(error));
        // The old key's secret stays where it was until the old key is deleted.
        QCOMPARE(SecretServiceTools::lookup(
                     VaultService, showJson(oldId).value(u"keychain_entry"_s).toString(), &error),
                 std::optional<QString>(oldSecrets.first()));

        const Run showOld = ctl({u"keys"_s, u"show"_s, u"prod-web-app"_s});
        QCOMPARE(showOld.exitCode, 0);
        QVERIFY2(showOld.out.contains(u"Rotated to:      prod-web-app-v2 (%1)"_s.arg(newId)),
                 qPrintable(showOld.out));
        QVERIFY(!showOld.out.contains(secret));
        const Run showNew = ctl({u"keys"_s, u"show"_s, u"prod-web-app-v2"_s});
        QVERIFY2(showNew.out.contains(u"Rotated from:    prod-web-app (%1)"_s.arg(oldId)),
                 qPrintable(showNew.out));
        QVERIFY(!showNew.out.contains(secret));

        const Run again = ctl({u"keys"_s, u"rotate"_s, u"prod-web-app"_s});
        QCOMPARE(again.exitCode, 4);
        QVERIFY2(again.err.contains(u"already rotated to \"prod-web-app-v2\""_s),
                 qPrintable(again.err));
        QCOMPARE(keysIn(again.out), QStringList());

        // Step 3: revoking the old key finishes the rotation.
        const Run revoked = ctl({u"keys"_s, u"revoke"_s, u"prod-web-app"_s});
        QCOMPARE(revoked.exitCode, 0);
        QCOMPARE(showJson(oldId).value(u"status"_s).toString(), u"revoked"_s);
        QCOMPARE(showJson(newId).value(u"status"_s).toString(), u"active"_s);
        QCOMPARE(ctl({u"keys"_s, u"rotate"_s, oldId}).exitCode, 4);
    }

    void rotateJsonCarriesTheSecretAndTheLink()
    {
        const QString oldId = createKey(u"ci-runner-v9"_s);
        QVERIFY(!oldId.isEmpty());
        const Run r = ctl({u"keys"_s, u"rotate"_s, oldId, u"--no-keychain"_s, u"--json"_s});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject o = KeydeckctlRunner::jsonObject(r.out);
        QCOMPARE(o.value(u"label"_s).toString(), u"ci-runner-v10"_s);
        QVERIFY(ApiKeyFormat::isWellFormed(o.value(u"secret"_s).toString()));
        QCOMPARE(o.value(u"keychain"_s).toString(), u"skipped"_s);
        QCOMPARE(o.value(u"rotated_from_id"_s).toString(), oldId);
        QCOMPARE(o.value(u"rotated_from_label"_s).toString(), u"ci-runner-v9"_s);
        QVERIFY(o.value(u"rotated_to_id"_s).isNull());
        QString error;
        QCOMPARE(SecretServiceTools::lookup(VaultService, o.value(u"keychain_entry"_s).toString(),
                                            &error),
                 std::nullopt);
    }

    void rotatingAnUnknownKeyIsNotFound()
    {
        QVERIFY(!createKey(u"prod-web-app"_s).isEmpty());
        const Run r = ctl({u"keys"_s, u"rotate"_s, u"no-such-key"_s, u"--no-keychain"_s});
        QCOMPARE(r.exitCode, 3);
        QVERIFY2(r.err.contains(u"no-such-key"_s), qPrintable(r.err));
    }

    void alertsListRaisesRotationDueOnceAndAckSilencesIt()
    {
        const QString id = createKey(u"legacy-backend"_s);
        QVERIFY(!id.isEmpty());
        QVERIFY(!createKey(u"fresh-frontend"_s).isEmpty());
        const Run none = ctl({u"alerts"_s, u"list"_s});
        QCOMPARE(none.exitCode, 0);
        QCOMPARE(none.out, u"No open alerts.\n"_s);

        const qint64 longAgo = QDateTime::currentMSecsSinceEpoch() - 120 * DayMs;
        QVERIFY(changeStore(
            m_store, u"UPDATE keys SET created_at = %1 WHERE id = '%2'"_s.arg(longAgo).arg(id)));
        const Run listed = ctl({u"alerts"_s, u"list"_s});
        QCOMPARE(listed.exitCode, 0);
        const QStringList lines = listed.out.split(u'\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 2);
        QVERIFY(lines.at(0).startsWith(u"ID"_s));
        QVERIFY2(lines.at(1).contains(u"legacy-backend"_s) && lines.at(1).contains(u"open"_s) &&
                     lines.at(1).contains(u"rotation is due"_s),
                 qPrintable(listed.out));

        QJsonArray alerts = alertsJson();
        QCOMPARE(alerts.size(), 1);
        QJsonObject alert = alerts.first().toObject();
        const qint64 alertId = alert.value(u"id"_s).toInteger();
        QVERIFY(alertId > 0);
        QCOMPARE(alert.value(u"key_id"_s).toString(), id);
        QCOMPARE(alert.value(u"key_label"_s).toString(), u"legacy-backend"_s);
        QCOMPARE(alert.value(u"status"_s).toString(), u"open"_s);
        QVERIFY(alert.value(u"raised_at"_s).toString().endsWith(u'Z'));
        QVERIFY(alert.value(u"acknowledged_at"_s).isNull());
        QVERIFY(alert.value(u"cleared_at"_s).isNull());
        QVERIFY(alert.value(u"rule_id"_s).toInteger() > 0);
        QCOMPARE(alert.value(u"severity"_s).toString(), u"notice"_s);
        QVERIFY2(lines.at(0).contains(u"SEVERITY"_s) && lines.at(1).contains(u"notice"_s),
                 qPrintable(listed.out));

        const Run acked = ctl({u"alerts"_s, u"ack"_s, QString::number(alertId)});
        QCOMPARE(acked.exitCode, 0);
        QVERIFY2(acked.out.contains(u"Acknowledged alert %1"_s.arg(alertId)),
                 qPrintable(acked.out));
        alerts = alertsJson();
        QCOMPARE(alerts.size(), 1);
        alert = alerts.first().toObject();
        QCOMPARE(alert.value(u"id"_s).toInteger(), alertId);
        QCOMPARE(alert.value(u"status"_s).toString(), u"acknowledged"_s);
        QVERIFY(alert.value(u"acknowledged_at"_s).toString().endsWith(u'Z'));

        // Rotating clears it: the old key now waits for its revocation, which is a notice.
        QCOMPARE(ctl({u"keys"_s, u"rotate"_s, id, u"--no-keychain"_s}).exitCode, 0);
        alerts = alertsJson();
        QCOMPARE(alerts.size(), 1);
        QCOMPARE(alerts.first().toObject().value(u"key_id"_s).toString(), id);
        QVERIFY2(alerts.first().toObject().value(u"message"_s).toString().contains(
                     u"rotated to legacy-backend-v2; revoke it once its clients have moved"_s),
                 qPrintable(alerts.first().toObject().value(u"message"_s).toString()));
        QCOMPARE(alerts.first().toObject().value(u"severity"_s).toString(), u"notice"_s);
        alerts = alertsJson(true);
        QCOMPARE(alerts.size(), 2);
        QCOMPARE(alerts.last().toObject().value(u"status"_s).toString(), u"cleared"_s);
        const Run all = ctl({u"alerts"_s, u"list"_s, u"--all"_s});
        QVERIFY2(all.out.contains(u"cleared"_s), qPrintable(all.out));
    }

    void ackRefusesUnknownAndMalformedIds()
    {
        QVERIFY(!createKey(u"prod-web-app"_s).isEmpty());
        const Run unknown = ctl({u"alerts"_s, u"ack"_s, u"999"_s});
        QCOMPARE(unknown.exitCode, 3);
        QVERIFY2(unknown.err.contains(u"alert 999"_s), qPrintable(unknown.err));
        QCOMPARE(ctl({u"alerts"_s, u"ack"_s, u"first"_s}).exitCode, 2);
        QCOMPARE(ctl({u"alerts"_s, u"ack"_s}).exitCode, 2);
    }

    void rulesListTheDefaults()
    {
        QVERIFY(!createKey(u"prod-web-app"_s).isEmpty());
        const Run r = ctl({u"alerts"_s, u"rules"_s, u"--json"_s});
        QCOMPARE(r.exitCode, 0);
        const QJsonArray rules = KeydeckctlRunner::jsonArray(r.out);
        QCOMPARE(rules.size(), 4);
        const QJsonObject rotation = rules.at(0).toObject();
        QCOMPARE(rotation.value(u"kind"_s).toString(), u"rotation_due"_s);
        QCOMPARE(rotation.value(u"threshold"_s).toInteger(), 90);
        QVERIFY(rotation.value(u"key_id"_s).isNull());
        QCOMPARE(rotation.value(u"enabled"_s).toBool(), true);
        QCOMPARE(rules.at(1).toObject().value(u"kind"_s).toString(), u"expiring_within_days"_s);
        QCOMPARE(rules.at(1).toObject().value(u"threshold"_s).toInteger(), 14);
        // A key refused by its quota or a cap while it still says active is worth a warning.
        QCOMPARE(rules.at(2).toObject().value(u"kind"_s).toString(), u"limit_used_percent"_s);
        QCOMPARE(rules.at(2).toObject().value(u"threshold"_s).toInteger(), 100);
        QCOMPARE(rules.at(3).toObject().value(u"kind"_s).toString(), u"rotation_pending"_s);
        QCOMPARE(rules.at(3).toObject().value(u"threshold"_s).toInteger(), 7);
        const Run text = ctl({u"alerts"_s, u"rules"_s});
        QVERIFY2(text.out.contains(u"Rotation due after 90 days"_s), qPrintable(text.out));
        QVERIFY2(text.out.contains(u"Quota used up or spend cap reached"_s), qPrintable(text.out));
    }

    void alertsListCreatesNoStore()
    {
        const Run r = ctl({u"alerts"_s, u"list"_s, u"--json"_s});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.out.trimmed(), u"[]"_s);
        QVERIFY(!QFileInfo::exists(m_store));
    }
};

QTEST_GUILESS_MAIN(TestKeydeckctlLifecycle)
#include "tst_keydeckctl_lifecycle.moc"
