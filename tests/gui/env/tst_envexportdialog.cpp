#include "ApiKeyFormat.h"
#include "ClipboardGuard.h"
#include "EnvExportDialog.h"
#include "SecretVault.h"
#include "TestSupport.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QProcess>
#include <QPushButton>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

using namespace Qt::StringLiterals;

namespace {
constexpr int VariableColumn = 2;

int git(const QString& dir, const QStringList& arguments)
{
    QProcess process;
    process.start(u"git"_s, QStringList{u"-C"_s, dir} + arguments);
    if (!process.waitForFinished(20000) || process.exitStatus() != QProcess::NormalExit)
        return -1;
    return process.exitCode();
}

bool failed(QFuture<void> future)
{
    try {
        future.waitForFinished();
    } catch (const std::exception&) {
        return true;
    }
    return false;
}

template <typename T> T* child(QObject* parent, const QString& name)
{
    T* found = parent->findChild<T*>(name);
    if (!found)
        qWarning("no child %s", qPrintable(name));
    return found;
}
} // namespace

class TestEnvExportDialog final : public QObject
{
    Q_OBJECT

private:
    struct Key
    {
        ApiKeyRecord record;
        QString secret;
    };

    QTemporaryDir m_dir;
    std::unique_ptr<SecretVault> m_vault;
    std::unique_ptr<ClipboardGuard> m_clipboard;
    int m_count = 0;

    // A key record as a store would hold it; its secret goes to the keychain only if asked.
    Key makeKey(const QString& label, bool inKeychain)
    {
        Key key;
        key.secret = ApiKeyFormat::generate(u"sk-aisa-", *QRandomGenerator::global());
        key.record.id = u"key_"_s + ApiKeyFormat::randomBase62(16, *QRandomGenerator::global());
        key.record.spec.label = label;
        key.record.prefix = u"sk-aisa-"_s;
        key.record.hint = ApiKeyFormat::displayHint(key.secret);
        key.record.digestHex = ApiKeyFormat::digestHex(key.secret);
        key.record.vaultEntry = u"st_test/"_s + key.record.id;
        if (inKeychain) {
            const QFuture<void> stored = m_vault->storeSecret(key.record.vaultEntry, key.secret);
            if (!waitForFuture(stored) || failed(stored))
                qWarning("could not store the secret of %s", qPrintable(label));
        }
        return key;
    }

    std::unique_ptr<EnvExportDialog> makeDialog(const QList<Key>& keys, const QString& baseUrl = {})
    {
        QList<ApiKeyRecord> records;
        for (const Key& key : keys)
            records << key.record;
        auto dialog = std::make_unique<EnvExportDialog>(records, *m_vault, *m_clipboard,
                                                        u"sk-aisa-"_s, baseUrl);
        dialog->show();
        return dialog;
    }

    QString freshFolder()
    {
        const QString folder = m_dir.filePath(u"f%1"_s.arg(++m_count));
        QDir().mkpath(folder);
        return folder;
    }

    static QString status(EnvExportDialog& dialog)
    {
        return child<QLabel>(&dialog, u"statusLabel"_s)->text();
    }

    static QString validation(EnvExportDialog& dialog)
    {
        return child<QLabel>(&dialog, u"validationLabel"_s)->text();
    }

    static QTableWidgetItem* variableItem(EnvExportDialog& dialog, int row)
    {
        return child<QTableWidget>(&dialog, u"varNameTable"_s)->item(row, VariableColumn);
    }

    static QPushButton* exportButton(EnvExportDialog& dialog)
    {
        return child<QPushButton>(&dialog, u"exportButton"_s);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_vault = std::make_unique<SecretVault>(u"KeyDeckEnvExportTest"_s);
        m_clipboard = std::make_unique<ClipboardGuard>(QGuiApplication::clipboard());
        const QFuture<SecretVault::Probe> probe = m_vault->probe();
        QVERIFY(waitForFuture(probe));
        QVERIFY2(probe.result().available, qPrintable(probe.result().reason));
    }

    void exportWritesTheSecretsAndThePreviewShowsOnlyHints()
    {
        const Key web = makeKey(u"prod-web-app"_s, true);
        const Key ci = makeKey(u"ci-tests"_s, true);
        auto dialog = makeDialog({web, ci}, u"https://api.example.com/v1"_s);

        QCOMPARE(variableItem(*dialog, 0)->text(), u"AISA_PROD_WEB_APP_API_KEY"_s);
        QCOMPARE(variableItem(*dialog, 1)->text(), u"AISA_CI_TESTS_API_KEY"_s);
        QVERIFY(child<QCheckBox>(dialog.get(), u"baseUrlCheck"_s)->isChecked());
        QVERIFY(!exportButton(*dialog)->isEnabled()); // no file yet
        QVERIFY(validation(*dialog).contains(u"File: choose where"_s));

        variableItem(*dialog, 1)->setText(u"CI_KEY"_s);
        const QString path = QDir(freshFolder()).filePath(u".env"_s);
        child<QLineEdit>(dialog.get(), u"pathEdit"_s)->setText(path);
        QVERIFY(exportButton(*dialog)->isEnabled());
        QCOMPARE(validation(*dialog), QString());

        const QString preview =
            child<QPlainTextEdit>(dialog.get(), u"previewEdit"_s)->toPlainText();
        QCOMPARE(preview, u"AISA_PROD_WEB_APP_API_KEY='%1'\nCI_KEY='%2'\n"
                          u"AISA_BASE_URL='https://api.example.com/v1'"_s.arg(web.record.hint,
                                                                              ci.record.hint));
        QVERIFY(!preview.contains(web.secret));
        QVERIFY(!preview.contains(ci.secret));

        QSignalSpy exported(dialog.get(), &EnvExportDialog::exported);
        QTest::mouseClick(exportButton(*dialog), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(exported.size() == 1, 20000);
        QCOMPARE(exported.at(0).at(0).toString(), path);
        QVERIFY2(status(*dialog).contains(u"Exported 3 variables to %1 (mode 0600)"_s.arg(path)),
                 qPrintable(status(*dialog)));
        QCOMPARE(TestSupport::readFile(path),
                 "AISA_PROD_WEB_APP_API_KEY='" + web.secret.toUtf8() + "'\nCI_KEY='" +
                     ci.secret.toUtf8() + "'\nAISA_BASE_URL='https://api.example.com/v1'\n");
        QCOMPARE(TestSupport::unixMode(path), 0600);
    }

    void anExistingFileKeepsItsLinesAndThePreviewSaysWhatIsReplaced()
    {
        const Key web = makeKey(u"prod-web-app"_s, true);
        auto dialog = makeDialog({web});
        QCOMPARE(variableItem(*dialog, 0)->text(), u"AISA_API_KEY"_s);
        const QString path = QDir(freshFolder()).filePath(u"app.env"_s);
        {
            QFile file(path);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write("# settings\r\nPORT=8080\r\nexport AISA_API_KEY=old\r\n");
        }
        dialog->setPath(path);
        auto* note = child<QLabel>(dialog.get(), u"previewNote"_s);
        QTRY_VERIFY(note->text().contains(u"Replaced in place: AISA_API_KEY (line 3)"_s));

        QTest::mouseClick(exportButton(*dialog), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(status(*dialog).startsWith(u"Exported 1 variable "_s), 20000);
        QCOMPARE(TestSupport::readFile(path),
                 "# settings\r\nPORT=8080\r\nexport AISA_API_KEY='" + web.secret.toUtf8() + "'\n");
    }

    void badFieldsAreNamedAndKeepExportDisabled()
    {
        const Key web = makeKey(u"prod-web-app"_s, false);
        auto dialog = makeDialog({web}, u"https://api.example.com/v1"_s);
        dialog->setPath(QDir(freshFolder()).filePath(u".env"_s));
        QVERIFY(exportButton(*dialog)->isEnabled());

        variableItem(*dialog, 0)->setText(u"1ABC"_s);
        QVERIFY(!exportButton(*dialog)->isEnabled());
        QVERIFY2(validation(*dialog).contains(
                     u"Variable of “prod-web-app”: variable 1ABC starts with a digit"_s),
                 qPrintable(validation(*dialog)));
        QVERIFY(!child<QPushButton>(dialog.get(), u"copyExportButton"_s)->isEnabled());

        variableItem(*dialog, 0)->setText(u"MY KEY"_s);
        QVERIFY(validation(*dialog).contains(u"contains a space"_s));

        variableItem(*dialog, 0)->setText(u"AISA_BASE_URL"_s);
        QVERIFY2(validation(*dialog).contains(u"Base URL variable: variable AISA_BASE_URL is "
                                              u"also used"_s),
                 qPrintable(validation(*dialog)));

        variableItem(*dialog, 0)->setText(u"AISA_API_KEY"_s);
        child<QLineEdit>(dialog.get(), u"baseUrlEdit"_s)->setText(u"ftp://files.example.com"_s);
        QVERIFY(validation(*dialog).contains(u"Base URL: must start with https://"_s));
        QVERIFY(!exportButton(*dialog)->isEnabled());
        child<QCheckBox>(dialog.get(), u"baseUrlCheck"_s)->setChecked(false);
        QVERIFY(exportButton(*dialog)->isEnabled());

        dialog->setPath(m_dir.filePath(u"no-such-folder/.env"_s));
        QVERIFY(validation(*dialog).contains(u"File: the folder"_s));
        QVERIFY(!exportButton(*dialog)->isEnabled());
    }

    void aMissingSecretIsNamedAndNothingIsWritten()
    {
        const Key web = makeKey(u"prod-web-app"_s, true);
        const Key laptop = makeKey(u"laptop-only"_s, false);
        auto dialog = makeDialog({web, laptop});
        const QString folder = freshFolder();
        const QString path = QDir(folder).filePath(u".env"_s);
        dialog->setPath(path);
        QVERIFY(exportButton(*dialog)->isEnabled());

        QTest::mouseClick(exportButton(*dialog), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(status(*dialog).contains(u"nothing was written"_s), 20000);
        QVERIFY2(status(*dialog).contains(
                     u"“laptop-only”: its secret is not in this computer's keychain"_s),
                 qPrintable(status(*dialog)));
        QVERIFY(!status(*dialog).contains(u"prod-web-app"_s));
        QVERIFY(!QFileInfo::exists(path));
        QCOMPARE(QDir(folder).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot),
                 QStringList());
        QVERIFY(exportButton(*dialog)->isEnabled()); // ready to try again
    }

    void gitWouldCommitTheFileSoTheDialogOffersGitignoreLines()
    {
        const Key web = makeKey(u"prod-web-app"_s, true);
        const QString repo = freshFolder();
        QCOMPARE(git(repo, {u"init"_s, u"-q"_s}), 0);
        const QString path = QDir(repo).filePath(u".env"_s);
        auto dialog = makeDialog({web});
        dialog->setPath(path);

        // Cancel: nothing is written.
        QTest::mouseClick(exportButton(*dialog), Qt::LeftButton);
        QMessageBox* box = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT((box = dialog->findChild<QMessageBox*>(u"gitIgnoreQuestion"_s)) &&
                                     box->isVisible(),
                                 20000);
        QVERIFY(box->text().contains(u"git does not ignore it"_s));
        QVERIFY(box->text().contains(u".env.local"_s));
        QTest::mouseClick(box->button(QMessageBox::Cancel), Qt::LeftButton);
        QTRY_VERIFY(status(*dialog).contains(u"cancelled"_s));
        QVERIFY(!QFileInfo::exists(path));
        QVERIFY(!QFileInfo::exists(QDir(repo).filePath(u".gitignore"_s)));
        QTRY_VERIFY(!dialog->findChild<QMessageBox*>(u"gitIgnoreQuestion"_s));

        // Yes: the lines are added, then the file is written and git ignores it.
        QTest::mouseClick(exportButton(*dialog), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT((box = dialog->findChild<QMessageBox*>(u"gitIgnoreQuestion"_s)) &&
                                     box->isVisible(),
                                 20000);
        QTest::mouseClick(box->button(QMessageBox::Yes), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(status(*dialog).startsWith(u"Exported"_s), 20000);
        QVERIFY(status(*dialog).contains(u"Added .env, .env.local, *.env"_s));
        QCOMPARE(TestSupport::readFile(QDir(repo).filePath(u".gitignore"_s)),
                 QByteArrayLiteral(".env\n.env.local\n*.env\n"));
        QCOMPARE(git(repo, {u"check-ignore"_s, u"-q"_s, u".env"_s}), 0);
        QCOMPARE(TestSupport::readFile(path), "AISA_API_KEY='" + web.secret.toUtf8() + "'\n");

        // Now ignored: no question the next time.
        QTest::mouseClick(exportButton(*dialog), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(status(*dialog).startsWith(u"Exported"_s) &&
                                     !status(*dialog).contains(u"Added"_s),
                                 20000);
        QVERIFY(!dialog->findChild<QMessageBox*>(u"gitIgnoreQuestion"_s));
    }

    void copyAsExportPutsTheLinesOnTheGuardedClipboard()
    {
        const Key web = makeKey(u"prod-web-app"_s, true);
        const Key ci = makeKey(u"ci-tests"_s, true);
        auto dialog = makeDialog({web, ci});
        QTest::mouseClick(child<QPushButton>(dialog.get(), u"copyExportButton"_s), Qt::LeftButton);
        const QString expected =
            u"export AISA_PROD_WEB_APP_API_KEY='%1'\n"
            u"export AISA_CI_TESTS_API_KEY='%2'\n"_s.arg(web.secret, ci.secret);
        QClipboard* clipboard = QGuiApplication::clipboard();
        QTRY_COMPARE_WITH_TIMEOUT(clipboard->text(), expected, 20000);
        QVERIFY(clipboard->mimeData()->hasFormat(u"x-kde-passwordManagerHint"_s));
        QVERIFY(m_clipboard->isClearPending());
        QVERIFY(!status(*dialog).contains(web.secret));
    }

    void codeSamplesUseTheVariableAndTheBaseUrl()
    {
        const Key web = makeKey(u"prod-web-app"_s, false);
        auto dialog = makeDialog({web}, u"https://api.example.com/v1"_s);
        auto* python = child<QAction>(dialog.get(), u"samplePython"_s);
        python->trigger();
        const QString text = QGuiApplication::clipboard()->text();
        QVERIFY2(text.contains(u"api_key=os.environ[\"AISA_API_KEY\"]"_s), qPrintable(text));
        QVERIFY(text.contains(u"base_url=os.environ[\"AISA_BASE_URL\"]"_s));

        child<QCheckBox>(dialog.get(), u"baseUrlCheck"_s)->setChecked(false);
        child<QAction>(dialog.get(), u"sampleJavaScript"_s)->trigger();
        const QString js = QGuiApplication::clipboard()->text();
        QVERIFY2(js.contains(u"apiKey: process.env.AISA_API_KEY"_s), qPrintable(js));
        QVERIFY(js.contains(u"baseURL: \"https://api.example.com/v1\""_s));

        child<QLineEdit>(dialog.get(), u"baseUrlEdit"_s)->clear();
        QVERIFY(!child<QPushButton>(dialog.get(), u"copySampleButton"_s)->isEnabled());
    }
};

QTEST_MAIN(TestEnvExportDialog)
#include "tst_envexportdialog.moc"
