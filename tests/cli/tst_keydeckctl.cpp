#include "ApiKeyFormat.h"
#include "KeydeckctlRunner.h"
#include "SecretServiceTools.h"
#include "SecretVault.h"
#include "TestSupport.h"
#include "UtcTime.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {
const QString VaultService = u"KeyDeck"_s;

using Run = KeydeckctlRunner::Run;

// Every line of text that is a well-formed key (shape and checksum).
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

QJsonObject jsonObject(const QString& text)
{
    return KeydeckctlRunner::jsonObject(text);
}

QJsonArray jsonArray(const QString& text)
{
    return KeydeckctlRunner::jsonArray(text);
}

// Whole seconds, so the RFC 3339 text round-trips exactly.
QString futureTime(int days)
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch() / 1000 * 1000;
    return UtcTime::toRfc3339(now + qint64(days) * 86'400'000);
}
} // namespace

class TestKeydeckctl final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_store;
    int m_storeCount = 0;

    // The default store must never be a real one, even when --store is left out.
    Run run(const QStringList& arguments, const QProcessEnvironment& extraEnv = {}) const
    {
        return KeydeckctlRunner(m_dir.filePath(u"xdg-data"_s)).run(arguments, extraEnv);
    }

    // keydeckctl --store <this test's store> ARGS
    Run ctl(const QStringList& arguments, const QProcessEnvironment& extraEnv = {}) const
    {
        return run(QStringList{u"--store"_s, m_store} + arguments, extraEnv);
    }

    QJsonObject createJson(const QStringList& arguments)
    {
        const Run r = ctl(QStringList{u"keys"_s, u"create"_s, u"--json"_s} + arguments);
        if (r.exitCode != 0)
            qWarning().noquote() << "create failed:" << r.err;
        return jsonObject(r.out);
    }

    QJsonObject showJson(const QString& idOrLabel) const
    {
        return jsonObject(ctl({u"keys"_s, u"show"_s, idOrLabel, u"--json"_s}).out);
    }

    QString listJson() const { return ctl({u"keys"_s, u"list"_s, u"--json"_s}).out; }

    // The secret QtKeychain holds for a key, read through the product's vault.
    // The secret QtKeychain holds for a key (its entry and digest from keys show --json).
    static std::optional<QString> vaultSecret(const QString& vaultEntry,
                                              const QByteArray& digestHex,
                                              SecretVault::Error::Code* code)
    {
        SecretVault vault(VaultService);
        const QFuture<QString> future = vault.readSecret(vaultEntry, digestHex);
        if (!waitForFuture(future))
            return std::nullopt;
        try {
            return future.result();
        } catch (const SecretVault::Error& e) {
            *code = e.code();
        }
        return std::nullopt;
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

    void createPrintsTheSecretOnceAndSavesItInTheKeychain()
    {
        const Run r =
            ctl({u"keys"_s, u"create"_s, u"--label"_s, u"prod-web-app"_s, u"--env"_s, u"prod"_s});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.err.isEmpty(), qPrintable(r.err));
        const QStringList keys = keysIn(r.out);
        QCOMPARE(keys.size(), 1);
        const QString secret = keys.first();
        QVERIFY(secret.startsWith(u"sk-"_s));
        QCOMPARE(r.out.count(secret), 1);
        QVERIFY(r.out.contains(u"This key will not be shown again."_s));
        QVERIFY(r.out.contains(u"Keychain: saved"_s));
        const Run shownText = ctl({u"keys"_s, u"show"_s, u"prod-web-app"_s});
        QVERIFY2(shownText.out.contains(u"Secret:          in this computer's keychain\n"_s),
                 qPrintable(shownText.out));

        const QJsonObject shown = showJson(u"prod-web-app"_s);
        const QString id = shown.value(u"id"_s).toString();
        QVERIFY(!id.isEmpty());
        // Named by the store's identity and the key id: a copy of the store cannot collide.
        const QString entry = shown.value(u"keychain_entry"_s).toString();
        QVERIFY2(entry.startsWith(u"st_"_s) && entry.endsWith(u'/' + id), qPrintable(entry));
        QString error;
        QCOMPARE(SecretServiceTools::lookup(VaultService, entry, &error),
                 std::optional<QString>(secret));
        QVERIFY2(error.isEmpty(), qPrintable(error));
        SecretVault::Error::Code code{};
        QCOMPARE(vaultSecret(entry, ApiKeyFormat::digestHex(secret), &code),
                 std::optional<QString>(secret));

        // Digest and hint only: the secret is in no file of the store.
        int scanned = 0;
        const QStringList leaks = SecretServiceTools::filesContaining(
            QFileInfo(m_store).absolutePath(), secret.toUtf8(), &scanned);
        QVERIFY(scanned > 0);
        QVERIFY2(leaks.isEmpty(), qPrintable(leaks.join(u", ")));
    }

    void createJsonCarriesTheSecretBesideTheRecord()
    {
        const Run r = ctl({u"keys"_s, u"create"_s, u"--label"_s, u"ci-tests"_s, u"--json"_s});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject o = jsonObject(r.out);
        const QString secret = o.value(u"secret"_s).toString();
        QVERIFY(ApiKeyFormat::isWellFormed(secret));
        QCOMPARE(o.value(u"keychain"_s).toString(), u"saved"_s);
        QCOMPARE(o.value(u"label"_s).toString(), u"ci-tests"_s);
        QCOMPARE(o.value(u"status"_s).toString(), u"active"_s);
        QCOMPARE(o.value(u"hint"_s).toString(), ApiKeyFormat::displayHint(secret));
        QVERIFY(!o.value(u"id"_s).toString().isEmpty());
        // The stored record is the one printed, minus the secret.
        QJsonObject withoutSecret = o;
        withoutSecret.remove(u"secret"_s);
        withoutSecret.remove(u"keychain"_s);
        QJsonObject shown = showJson(u"ci-tests"_s);
        // Saved here, so the key's secret is known to be on this computer.
        QCOMPARE(shown.take(u"secret_on_this_computer"_s), QJsonValue(true));
        QCOMPARE(shown, withoutSecret);
    }

    void noKeychainFlagSkipsTheKeychain()
    {
        const QJsonObject o = createJson({u"--label"_s, u"scratch"_s, u"--no-keychain"_s});
        QVERIFY(ApiKeyFormat::isWellFormed(o.value(u"secret"_s).toString()));
        QCOMPARE(o.value(u"keychain"_s).toString(), u"skipped"_s);
        SecretVault::Error::Code code{};
        QCOMPARE(vaultSecret(o.value(u"keychain_entry"_s).toString(), {}, &code), std::nullopt);
        QCOMPARE(code, SecretVault::Error::Code::NotFound);
        // keys show says so, as the app's key list does.
        QCOMPARE(showJson(u"scratch"_s).value(u"secret_on_this_computer"_s), QJsonValue(false));
        const Run shown = ctl({u"keys"_s, u"show"_s, u"scratch"_s});
        QVERIFY2(shown.out.contains(u"Secret:          not on this computer (it was shown once "
                                    "where the key was created)\n"_s),
                 qPrintable(shown.out));
    }

    void unavailableKeychainWarnsAndStillPrintsTheKey()
    {
        QProcessEnvironment noBus;
        noBus.insert(u"DBUS_SESSION_BUS_ADDRESS"_s, u"unix:path=/nonexistent"_s);

        const Run human = ctl({u"keys"_s, u"create"_s, u"--label"_s, u"offline"_s}, noBus);
        QCOMPARE(human.exitCode, 0);
        QCOMPARE(keysIn(human.out).size(), 1);
        QVERIFY2(human.err.contains(u"NOT saved in the OS keychain"_s), qPrintable(human.err));
        QVERIFY(!human.err.contains(keysIn(human.out).first()));

        const Run json =
            ctl({u"keys"_s, u"create"_s, u"--label"_s, u"offline-json"_s, u"--json"_s}, noBus);
        QCOMPARE(json.exitCode, 0);
        const QJsonObject o = jsonObject(json.out);
        QVERIFY(ApiKeyFormat::isWellFormed(o.value(u"secret"_s).toString()));
        QCOMPARE(o.value(u"keychain"_s).toString(), u"not_saved"_s);
        QVERIFY(!o.value(u"keychain_error"_s).toString().isEmpty());
        QVERIFY(json.err.contains(u"NOT saved"_s));

        QCOMPARE(ctl({u"keys"_s, u"show"_s, u"offline"_s}).exitCode, 0);
        QString error;
        QCOMPARE(SecretServiceTools::lookup(VaultService, o.value(u"keychain_entry"_s).toString(),
                                            &error),
                 std::nullopt);

        // Deleting still works; the warning says the keychain could not be cleaned.
        const Run deleted = ctl({u"keys"_s, u"delete"_s, u"offline"_s}, noBus);
        QCOMPARE(deleted.exitCode, 0);
        QVERIFY2(deleted.err.contains(u"may still be in the OS keychain"_s),
                 qPrintable(deleted.err));
        QCOMPARE(ctl({u"keys"_s, u"show"_s, u"offline"_s}).exitCode, 3);
    }

    void noOtherCommandPrintsTheSecret()
    {
        const QJsonObject created = createJson({u"--label"_s, u"watched"_s});
        const QString secret = created.value(u"secret"_s).toString();
        const QString id = created.value(u"id"_s).toString();
        const auto parts = ApiKeyFormat::parse(secret);
        QVERIFY(parts);

        const QList<QStringList> commands = {
            {u"keys"_s, u"list"_s},
            {u"keys"_s, u"list"_s, u"--json"_s},
            {u"keys"_s, u"show"_s, u"watched"_s},
            {u"keys"_s, u"show"_s, id, u"--json"_s},
            {u"keys"_s, u"update"_s, u"watched"_s, u"--tier"_s, u"pro"_s},
            {u"keys"_s, u"update"_s, id, u"--env"_s, u"prod"_s, u"--json"_s},
            {u"keys"_s, u"disable"_s, u"watched"_s},
            {u"keys"_s, u"enable"_s, u"watched"_s, u"--json"_s},
            {u"keys"_s, u"revoke"_s, u"watched"_s},
            {u"keys"_s, u"revoke"_s, u"watched"_s},
            {u"keys"_s, u"show"_s, u"watched"_s, u"--json"_s},
            {u"workspace"_s, u"show"_s},
            {u"keys"_s, u"delete"_s, u"watched"_s, u"--json"_s},
        };
        for (const QStringList& command : commands) {
            const Run r = ctl(command);
            const QString all = r.out + r.err;
            QVERIFY2(!all.isEmpty(), qPrintable(command.join(u' ')));
            QVERIFY2(!all.contains(parts->random), qPrintable(command.join(u' ')));
            QVERIFY2(keysIn(all).isEmpty(), qPrintable(command.join(u' ')));
        }
    }

    void showFindsAKeyByLabelAndById()
    {
        const QString label = u"café 東京 ☕"_s;
        const QString id =
            createJson({u"--label"_s, label, u"--no-keychain"_s}).value(u"id"_s).toString();
        const QString dashed =
            createJson({u"--label=-dash"_s, u"--no-keychain"_s}).value(u"id"_s).toString();

        const Run byLabel = ctl({u"keys"_s, u"show"_s, label});
        QCOMPARE(byLabel.exitCode, 0);
        QVERIFY(byLabel.out.contains(id));
        QVERIFY(byLabel.out.contains(label));
        QCOMPARE(showJson(id).value(u"label"_s).toString(), label);
        QCOMPARE(ctl({u"keys"_s, u"show"_s, u"--json"_s, u"--"_s, u"-dash"_s}).exitCode, 0);
        QCOMPARE(showJson(dashed).value(u"label"_s).toString(), u"-dash"_s);

        const Run list = ctl({u"keys"_s, u"list"_s});
        QCOMPARE(list.exitCode, 0);
        const QStringList lines = list.out.split(u'\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 3);
        for (const QString& column : {u"ID"_s, u"LABEL"_s, u"KEY"_s, u"ENV"_s, u"TYPE"_s,
                                      u"STATUS"_s, u"CREATED"_s, u"EXPIRES"_s, u"QUOTA"_s})
            QVERIFY2(lines.first().contains(column), qPrintable(column));
        // Aligned: every row's STATUS cell starts under the STATUS header.
        const qsizetype statusColumn = lines.first().indexOf(u"STATUS"_s);
        for (const QString& line : lines.mid(1))
            QVERIFY2(line.mid(statusColumn).startsWith(u"active"_s), qPrintable(line));

        const Run missing = ctl({u"keys"_s, u"show"_s, u"no-such-key"_s});
        QCOMPARE(missing.exitCode, 3);
        QVERIFY(missing.err.contains(u"\"no-such-key\": not found"_s));
    }

    void ownerAndNoteAreKeptAndShown()
    {
        createJson({u"--label"_s, u"noted"_s, u"--owner"_s, u"Payments team"_s, u"--note"_s,
                    u"Checkout in eu-west-1.\nRotate with the Friday deploy."_s,
                    u"--no-keychain"_s});
        const Run shown = ctl({u"keys"_s, u"show"_s, u"noted"_s});
        QCOMPARE(shown.exitCode, 0);
        QVERIFY2(shown.out.contains(u"Owner:           Payments team\n"_s), qPrintable(shown.out));
        // Each line of the note in the value column.
        QVERIFY2(shown.out.contains(u"Note:            Checkout in eu-west-1.\n"
                                    u"                 Rotate with the Friday deploy.\n"_s),
                 qPrintable(shown.out));
        QCOMPARE(showJson(u"noted"_s).value(u"owner"_s).toString(), u"Payments team"_s);

        // Cleared with an empty value; the other field stays.
        QCOMPARE(ctl({u"keys"_s, u"update"_s, u"noted"_s, u"--note"_s, u""_s}).exitCode, 0);
        const QJsonObject cleared = showJson(u"noted"_s);
        QCOMPARE(cleared.value(u"note"_s).toString(), QString());
        QCOMPARE(cleared.value(u"owner"_s).toString(), u"Payments team"_s);
    }

    void updateChangesOnlyTheGivenFields()
    {
        const QString expires = futureTime(400);
        createJson({u"--label"_s,         u"tuned"_s,
                    u"--env"_s,           u"staging"_s,
                    u"--tier"_s,          u"pro"_s,
                    u"--rpm"_s,           u"500"_s,
                    u"--tpm"_s,           u"100000"_s,
                    u"--quota-usd"_s,     u"25"_s,
                    u"--models"_s,        u"gpt-4o, gpt-4o-mini"_s,
                    u"--ips"_s,           u"10.0.0.0/8,::ffff:192.168.1.7"_s,
                    u"--expires"_s,       expires,
                    u"--spend-cap-day"_s, u"5"_s,
                    u"--permissions"_s,   u"read"_s,
                    u"--no-keychain"_s});
        const QJsonObject before = showJson(u"tuned"_s);
        QCOMPARE(before.value(u"ips"_s).toArray(), (QJsonArray{u"10.0.0.0/8"_s, u"192.168.1.7"_s}));
        QCOMPARE(before.value(u"expires_at"_s).toString(), expires);
        QCOMPARE(before.value(u"quota_usd"_s).toString(), u"25.00"_s);

        const Run update = ctl({u"keys"_s, u"update"_s, u"tuned"_s, u"--label"_s, u"tuned-v2"_s,
                                u"--quota-usd"_s, u"30.5"_s});
        QCOMPARE(update.exitCode, 0);
        const QJsonObject after = showJson(u"tuned-v2"_s);
        QStringList changed;
        for (auto it = after.constBegin(); it != after.constEnd(); ++it) {
            if (before.value(it.key()) != it.value())
                changed << it.key();
        }
        changed.sort();
        QCOMPARE(changed, (QStringList{u"label"_s, u"quota_remaining_usd"_s, u"quota_usd"_s,
                                       u"updated_at"_s}));
        QCOMPARE(after.value(u"quota_usd"_s).toString(), u"30.50"_s);

        QCOMPARE(ctl({u"keys"_s, u"update"_s, u"tuned-v2"_s, u"--expires"_s, u"never"_s,
                      u"--quota-usd"_s, u"unlimited"_s, u"--rpm"_s, u"default"_s,
                      u"--spend-cap-day"_s, u"none"_s, u"--models"_s, u""_s, u"--ips"_s, u""_s})
                     .exitCode,
                 0);
        const QJsonObject cleared = showJson(u"tuned-v2"_s);
        for (const QString& member :
             {u"expires_at"_s, u"quota_usd"_s, u"rpm"_s, u"spend_cap_day"_s})
            QVERIFY2(cleared.value(member).isNull(), qPrintable(member));
        QVERIFY(cleared.value(u"models"_s).toArray().isEmpty());
        QVERIFY(cleared.value(u"ips"_s).toArray().isEmpty());
        QCOMPARE(cleared.value(u"tpm"_s), before.value(u"tpm"_s));
        QCOMPARE(cleared.value(u"tier"_s), before.value(u"tier"_s));
        QCOMPARE(cleared.value(u"environment"_s), before.value(u"environment"_s));
        QCOMPARE(cleared.value(u"permissions"_s), before.value(u"permissions"_s));
    }

    void disableEnableAndFinalRevoke()
    {
        const QString id =
            createJson({u"--label"_s, u"switch"_s, u"--no-keychain"_s}).value(u"id"_s).toString();
        auto status = [&] {
            return showJson(id).value(u"status"_s).toString();
        };

        QCOMPARE(ctl({u"keys"_s, u"disable"_s, u"switch"_s}).exitCode, 0);
        QCOMPARE(status(), u"disabled"_s);
        QCOMPARE(jsonObject(ctl({u"keys"_s, u"enable"_s, id, u"--json"_s}).out)
                     .value(u"status"_s)
                     .toString(),
                 u"active"_s);
        QCOMPARE(status(), u"active"_s);
        QCOMPARE(ctl({u"keys"_s, u"revoke"_s, u"switch"_s}).exitCode, 0);
        QCOMPARE(status(), u"revoked"_s);

        const Run again = ctl({u"keys"_s, u"revoke"_s, u"switch"_s});
        QCOMPARE(again.exitCode, 4);
        QVERIFY2(again.err.contains(u"already revoked (revocation is final)"_s),
                 qPrintable(again.err));
        const QString listBefore = listJson();
        for (const QString& command : {u"enable"_s, u"disable"_s})
            QCOMPARE(ctl({u"keys"_s, command, u"switch"_s}).exitCode, 4);
        QCOMPARE(ctl({u"keys"_s, u"update"_s, u"switch"_s, u"--tier"_s, u"pro"_s}).exitCode, 4);
        QCOMPARE(listJson(), listBefore);
        QCOMPARE(status(), u"revoked"_s);
    }

    // A secret pasted where an id, label, command, option or value belongs never comes back in
    // full: not in an error, not in a table. A pasted secret of a stored key finds that key.
    void aPastedSecretIsNeverEchoed()
    {
        const QJsonObject created = createJson({u"--label"_s, u"echo-test"_s});
        const QString secret = created.value(u"secret"_s).toString();
        QVERIFY(ApiKeyFormat::isWellFormed(secret));
        const QString random = secret.mid(3, 30);
        const QString other = ApiKeyFormat::generate(u"sk-aisa-", *QRandomGenerator::global());
        const QString otherRandom = other.mid(8, 30);

        const Run found = ctl({u"keys"_s, u"show"_s, secret, u"--json"_s});
        QCOMPARE(found.exitCode, 0);
        QCOMPARE(jsonObject(found.out).value(u"label"_s).toString(), u"echo-test"_s);
        QVERIFY(!found.out.contains(random));

        const QList<QStringList> hostile{
            {u"keys"_s, u"show"_s, other},
            {u"keys"_s, u"revoke"_s, u"\"%1\""_s.arg(other)},
            {u"keys"_s, u"disable"_s, u"(%1)"_s.arg(other)},
            {u"keys"_s, u"show"_s, u"label %1 here"_s.arg(other)},
            {u"keys"_s, other},
            {other},
            {u"keys"_s, u"list"_s, u"--"_s + other},
            {u"keys"_s, u"create"_s, u"--label"_s, other},
            {u"keys"_s, u"create"_s, u"--label"_s, u"x"_s, u"--models"_s, u"gpt-4o,"_s + other},
            {u"keys"_s, u"create"_s, u"--label"_s, u"x"_s, u"--env"_s, other},
            {u"keys"_s, u"create"_s, u"--label"_s, u"x"_s, u"--tier"_s, other},
            {u"keys"_s, u"create"_s, u"--label"_s, u"x"_s, u"--expires"_s, other},
            {u"keys"_s, u"update"_s, u"echo-test"_s, u"--label"_s, u"'%1'"_s.arg(other)},
            {u"usage"_s, u"summary"_s, u"--key"_s, other},
            {u"alerts"_s, u"ack"_s, other},
        };
        const QString listBefore = listJson();
        for (const QStringList& arguments : hostile) {
            const Run r = ctl(arguments);
            const QString where = arguments.join(u' ').replace(otherRandom, u"<secret>"_s);
            QVERIFY2(r.exitCode != 0, qPrintable(where));
            QVERIFY2(!r.err.isEmpty(), qPrintable(where));
            QVERIFY2(!(r.out + r.err).contains(otherRandom),
                     qPrintable(where + u": "_s +
                                QString(r.out + r.err).replace(otherRandom, u"<!>"_s)));
        }
        QCOMPARE(listJson(), listBefore);
    }

    // Lookups take ids first: a label shaped like another key's id would be found in its place.
    void idShapedLabelsAreRefused()
    {
        const QJsonObject victim = createJson({u"--label"_s, u"victim"_s});
        const QString id = victim.value(u"id"_s).toString();
        const Run r = ctl({u"keys"_s, u"create"_s, u"--label"_s, id, u"--no-keychain"_s});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(u"--label"_s) && r.err.contains(u"key id"_s), qPrintable(r.err));
        QCOMPARE(ctl({u"keys"_s, u"create"_s, u"--label"_s, u"key_AAAABBBBCCCCDDDD"_s,
                      u"--no-keychain"_s})
                     .exitCode,
                 2);
        QCOMPARE(showJson(id).value(u"label"_s).toString(), u"victim"_s);
    }

    // cp keydeck.sqlite copy.sqlite; deleting a key in the copy must not destroy the secret the
    // original still relies on: the copy notices that it is another file.
    void aCopyOfTheStoreNeverRemovesTheOriginalsSecrets()
    {
        const QJsonObject created = createJson({u"--label"_s, u"shared"_s});
        const QString secret = created.value(u"secret"_s).toString();
        const QString entry = created.value(u"keychain_entry"_s).toString();
        QVERIFY(ApiKeyFormat::isWellFormed(secret));
        const QString copy = m_dir.filePath(u"copy-%1.sqlite"_s.arg(++m_storeCount));
        QVERIFY(QFile::copy(m_store, copy));

        const Run deleted =
            run({u"--store"_s, copy, u"keys"_s, u"delete"_s, u"shared"_s, u"--json"_s});
        QCOMPARE(deleted.exitCode, 0);
        QCOMPARE(jsonObject(deleted.out).value(u"keychain"_s).toString(), u"kept_for_original"_s);
        const Run text =
            run({u"--store"_s, copy, u"keys"_s, u"create"_s, u"--label"_s, u"copy-own"_s});
        QCOMPARE(text.exitCode, 0);
        const Run deletedOwn =
            run({u"--store"_s, copy, u"keys"_s, u"delete"_s, u"copy-own"_s, u"--json"_s});
        QCOMPARE(jsonObject(deletedOwn.out).value(u"keychain"_s).toString(), u"removed"_s);

        QString error;
        QCOMPARE(SecretServiceTools::lookup(VaultService, entry, &error),
                 std::optional<QString>(secret));
        QCOMPARE(showJson(u"shared"_s).value(u"keychain_entry"_s).toString(), entry);
        // The original still owns it.
        const Run original = ctl({u"keys"_s, u"delete"_s, u"shared"_s, u"--json"_s});
        QCOMPARE(jsonObject(original.out).value(u"keychain"_s).toString(), u"removed"_s);
        QCOMPARE(SecretServiceTools::lookup(VaultService, entry, &error), std::nullopt);
    }

    void deleteRemovesTheKeyAndItsKeychainEntry()
    {
        const QJsonObject created = createJson({u"--label"_s, u"doomed"_s});
        const QString id = created.value(u"id"_s).toString();
        const QString entry = created.value(u"keychain_entry"_s).toString();
        QString error;
        QVERIFY(SecretServiceTools::lookup(VaultService, entry, &error).has_value());

        const Run r = ctl({u"keys"_s, u"delete"_s, u"doomed"_s, u"--json"_s});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(jsonObject(r.out).value(u"keychain"_s).toString(), u"removed"_s);
        QCOMPARE(ctl({u"keys"_s, u"show"_s, id}).exitCode, 3);
        QCOMPARE(SecretServiceTools::lookup(VaultService, entry, &error), std::nullopt);
        QCOMPARE(ctl({u"keys"_s, u"delete"_s, id}).exitCode, 3);

        // A key created without the keychain deletes cleanly too.
        createJson({u"--label"_s, u"bare"_s, u"--no-keychain"_s});
        const Run bare = ctl({u"keys"_s, u"delete"_s, u"bare"_s, u"--json"_s});
        QCOMPARE(bare.exitCode, 0);
        QCOMPARE(jsonObject(bare.out).value(u"keychain"_s).toString(), u"removed"_s);
        QVERIFY2(bare.err.isEmpty(), qPrintable(bare.err));
    }

    void badInputNamesTheFlagAndChangesNothing_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("flag");
        QTest::addColumn<int>("exitCode");

        const QStringList create = {u"keys"_s, u"create"_s};
        const QStringList update = {u"keys"_s, u"update"_s, u"base"_s};
        auto row = [](const char* name, const QStringList& arguments, const QString& flag,
                      int code = 2) {
            QTest::newRow(name) << arguments << flag << code;
        };
        row("label 10,000 chars", create + QStringList{u"--label"_s, QString(10'000, u'x')},
            u"--label"_s);
        row("label empty", create + QStringList{u"--label"_s, u""_s}, u"--label"_s);
        row("label missing", create + QStringList{u"--env"_s, u"prod"_s}, u"--label"_s);
        row("label newline", create + QStringList{u"--label"_s, u"a\nb"_s}, u"--label"_s);
        row("label escape", create + QStringList{u"--label"_s, u"a\x1b[31mred"_s}, u"--label"_s);
        row("label twice", create + QStringList{u"--label"_s, u"a"_s, u"--label"_s, u"b"_s},
            u"--label"_s);
        row("label without value", create + QStringList{u"--label"_s}, u"--label"_s);
        row("label in use", create + QStringList{u"--label"_s, u"base"_s}, u"--label"_s, 4);
        row("quota negative", create + QStringList{u"--label"_s, u"q"_s, u"--quota-usd"_s, u"-5"_s},
            u"--quota-usd"_s);
        row("quota exponent",
            create + QStringList{u"--label"_s, u"q"_s, u"--quota-usd"_s, u"1e3"_s},
            u"--quota-usd"_s);
        row("quota 7 decimals",
            create + QStringList{u"--label"_s, u"q"_s, u"--quota-usd"_s, u"25.0000001"_s},
            u"--quota-usd"_s);
        row("expires bare date",
            create + QStringList{u"--label"_s, u"e"_s, u"--expires"_s, u"2027-01-31"_s},
            u"--expires"_s);
        row("expires no zone",
            create + QStringList{u"--label"_s, u"e"_s, u"--expires"_s, u"2027-01-31T00:00:00"_s},
            u"--expires"_s);
        row("expires past",
            create + QStringList{u"--label"_s, u"e"_s, u"--expires"_s, u"2001-01-31T00:00:00Z"_s},
            u"--expires"_s);
        row("ips short form", create + QStringList{u"--label"_s, u"i"_s, u"--ips"_s, u"1.2.3/24"_s},
            u"--ips"_s);
        row("ips leading zero",
            create + QStringList{u"--label"_s, u"i"_s, u"--ips"_s, u"010.0.0.1"_s}, u"--ips"_s);
        row("ips host bits",
            create + QStringList{u"--label"_s, u"i"_s, u"--ips"_s, u"10.0.0.1/8"_s}, u"--ips"_s);
        row("ips netmask",
            create + QStringList{u"--label"_s, u"i"_s, u"--ips"_s, u"10.0.0.0/255.0.0.0"_s},
            u"--ips"_s);
        row("rpm above tier", create + QStringList{u"--label"_s, u"r"_s, u"--rpm"_s, u"6"_s},
            u"--rpm"_s);
        row("rpm not a number", create + QStringList{u"--label"_s, u"r"_s, u"--rpm"_s, u"fast"_s},
            u"--rpm"_s);
        row("tpm above tier",
            create + QStringList{u"--label"_s, u"r"_s, u"--tier"_s, u"starter"_s, u"--tpm"_s,
                                 u"999999999"_s},
            u"--tpm"_s);
        row("permission unknown",
            create + QStringList{u"--label"_s, u"p"_s, u"--permissions"_s, u"read,owner"_s},
            u"--permissions"_s);
        row("tier unknown", create + QStringList{u"--label"_s, u"t"_s, u"--tier"_s, u"gold"_s},
            u"--tier"_s);
        row("type unknown", create + QStringList{u"--label"_s, u"t"_s, u"--type"_s, u"premium"_s},
            u"--type"_s);
        row("billing day 29",
            create + QStringList{u"--label"_s, u"b"_s, u"--type"_s, u"subscription"_s,
                                 u"--billing-day"_s, u"29"_s},
            u"--billing-day"_s);
        row("day cap above week cap",
            create + QStringList{u"--label"_s, u"c"_s, u"--spend-cap-day"_s, u"10"_s,
                                 u"--spend-cap-week"_s, u"5"_s},
            u"--spend-cap-day"_s);
        row("model name",
            create + QStringList{u"--label"_s, u"m"_s, u"--models"_s, u"gpt-4o,$(rm)"_s},
            u"--models"_s);
        row("owner with a line break",
            create + QStringList{u"--label"_s, u"o"_s, u"--owner"_s, u"ops\nteam"_s}, u"--owner"_s);
        row("note with an escape",
            create + QStringList{u"--label"_s, u"o"_s, u"--note"_s, u"a\x1b[31mred"_s},
            u"--note"_s);
        row("note 2,001 chars",
            create + QStringList{u"--label"_s, u"o"_s, u"--note"_s, QString(2001, u'n')},
            u"--note"_s);
        row("month cap above quota",
            create + QStringList{u"--label"_s, u"c"_s, u"--quota-usd"_s, u"10"_s,
                                 u"--spend-cap-month"_s, u"20"_s},
            u"--spend-cap-month"_s);
        row("unknown flag", create + QStringList{u"--label"_s, u"u"_s, u"--bogus"_s, u"1"_s},
            u"--bogus"_s);
        row("switch with value", create + QStringList{u"--label"_s, u"u"_s, u"--json=yes"_s},
            u"--json"_s);
        row("flag of another command", QStringList{u"keys"_s, u"list"_s, u"--label"_s, u"x"_s},
            u"--label"_s);
        row("update rpm above tier", update + QStringList{u"--rpm"_s, u"1001"_s}, u"--rpm"_s);
        row("update tier below override", update + QStringList{u"--tier"_s, u"free"_s}, u"--rpm"_s);
        row("update ips", update + QStringList{u"--ips"_s, u"192.168.1.1/24"_s}, u"--ips"_s);
        row("update label empty", update + QStringList{u"--label"_s, u""_s}, u"--label"_s);
        row("update nothing", update, u"keys update"_s);
    }

    void badInputNamesTheFlagAndChangesNothing()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, flag);
        QFETCH(int, exitCode);

        createJson({u"--label"_s, u"base"_s, u"--tier"_s, u"pro"_s, u"--rpm"_s, u"500"_s});
        const QString before = listJson();
        QCOMPARE(jsonArray(before).size(), 1);
        QString error;
        QStringList itemsBefore = SecretServiceTools::itemsOf(VaultService, &error);
        itemsBefore.sort();

        const Run r = ctl(arguments);
        QCOMPARE(r.exitCode, exitCode);
        QVERIFY2(r.err.startsWith(u"keydeckctl: "_s + flag + u": "_s), qPrintable(r.err));
        QVERIFY2(r.out.isEmpty(), qPrintable(r.out));
        // Stored text never reaches the terminal raw.
        QVERIFY(!r.err.contains(u'\x1b'));

        QCOMPARE(listJson(), before);
        // The Secret Service lists items in no set order.
        QStringList itemsAfter = SecretServiceTools::itemsOf(VaultService, &error);
        itemsAfter.sort();
        QCOMPARE(itemsAfter, itemsBefore);
        QVERIFY2(error.isEmpty(), qPrintable(error));
    }

    void hostBitsErrorSuggestsTheNetwork()
    {
        const Run r =
            ctl({u"keys"_s, u"create"_s, u"--label"_s, u"n"_s, u"--ips"_s, u"10.0.0.1/8"_s});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(u"did you mean 10.0.0.0/8?"_s), qPrintable(r.err));
    }

    void workspacePrefixShapesNewKeys()
    {
        const Run bad = ctl({u"workspace"_s, u"set"_s, u"--prefix"_s, u"SK_"_s});
        QCOMPARE(bad.exitCode, 2);
        QVERIFY2(bad.err.startsWith(u"keydeckctl: --prefix: "_s), qPrintable(bad.err));

        const Run set = ctl({u"workspace"_s, u"set"_s, u"--prefix"_s, u"sk-aisa-"_s,
                             u"--subscription-prefix"_s, u"sk-aisa-sub-"_s, u"--json"_s});
        QCOMPARE(set.exitCode, 0);
        const QJsonObject shown = jsonObject(ctl({u"workspace"_s, u"show"_s, u"--json"_s}).out);
        QCOMPARE(shown.value(u"standard_prefix"_s).toString(), u"sk-aisa-"_s);
        QCOMPARE(shown.value(u"subscription_prefix"_s).toString(), u"sk-aisa-sub-"_s);

        const QString standard = createJson({u"--label"_s, u"branded"_s, u"--no-keychain"_s})
                                     .value(u"secret"_s)
                                     .toString();
        QVERIFY2(standard.startsWith(u"sk-aisa-"_s) && ApiKeyFormat::isWellFormed(standard),
                 qPrintable(standard));
        const QString subscription =
            createJson({u"--label"_s, u"branded-sub"_s, u"--type"_s, u"subscription"_s,
                        u"--billing-day"_s, u"15"_s, u"--no-keychain"_s})
                .value(u"secret"_s)
                .toString();
        QVERIFY2(subscription.startsWith(u"sk-aisa-sub-"_s), qPrintable(subscription));
        QCOMPARE(showJson(u"branded-sub"_s).value(u"billing_cycle_day"_s).toInt(), 15);
    }

    void storeComesFromTheFlagOrTheEnvironment()
    {
        // Read-only commands never create a store, e.g. on a mistyped path.
        const Run empty = ctl({u"keys"_s, u"list"_s, u"--json"_s});
        QCOMPARE(empty.exitCode, 0);
        QCOMPARE(jsonArray(empty.out).size(), 0);
        QCOMPARE(ctl({u"keys"_s, u"show"_s, u"x"_s}).exitCode, 1);
        QVERIFY(!QFileInfo::exists(m_store));

        createJson({u"--label"_s, u"env-store"_s, u"--no-keychain"_s});
        QProcessEnvironment env;
        env.insert(u"KEYDECK_STORE"_s, m_store);
        const Run viaEnv = run({u"keys"_s, u"show"_s, u"env-store"_s}, env);
        QCOMPARE(viaEnv.exitCode, 0);
        // Without either, the app's default store (here under the test's XDG_DATA_HOME).
        QCOMPARE(run({u"keys"_s, u"show"_s, u"env-store"_s}).exitCode, 1);
    }

    void helpAndVersion()
    {
        const Run help = run({u"--help"_s});
        QCOMPARE(help.exitCode, 0);
        QVERIFY(help.out.contains(u"Exit codes"_s));
        const Run keysHelp = run({u"keys"_s, u"--help"_s});
        QCOMPARE(keysHelp.exitCode, 0);
        QVERIFY(keysHelp.out.contains(u"--spend-cap-month"_s));
        const Run version = run({u"--version"_s});
        QCOMPARE(version.exitCode, 0);
        QVERIFY(version.out.startsWith(u"keydeckctl "_s));
        const Run nothing = run({});
        QCOMPARE(nothing.exitCode, 2);
        QVERIFY(nothing.out.isEmpty());
        QVERIFY(nothing.err.startsWith(u"keydeckctl: "_s));
    }
};

QTEST_GUILESS_MAIN(TestKeydeckctl)
#include "tst_keydeckctl.moc"
