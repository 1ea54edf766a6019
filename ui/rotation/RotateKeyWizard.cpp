#include "RotateKeyWizard.h"

#include "ClipboardGuard.h"
#include "Clock.h"
#include "EnvExportDialog.h"
#include "ErrorText.h"
#include "GatedWizardPage.h"
#include "KeyLabel.h"
#include "KeyStore.h"
#include "KeyTableModel.h"
#include "LifecycleStore.h"
#include "SecretPanel.h"
#include "SecretVault.h"
#include "StoreError.h"
#include "UsageStore.h"

#include <QAbstractButton>
#include <QCheckBox>
#include <QHBoxLayout>
#include <QHash>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>
#include <algorithm>
#include <limits>

using namespace Qt::StringLiterals;

namespace {
constexpr qint64 MinuteMs = 60'000;
constexpr int MaxQuietMinutes = 7 * 24 * 60;

QString plural(qint64 count, const QString& noun)
{
    return u"%1 %2%3"_s.arg(count).arg(noun, count == 1 ? QString() : u"s"_s);
}

// "less than a minute ago", "12 minutes ago", "3 h 5 min ago", "4 days ago".
QString formatAgo(qint64 elapsedMs)
{
    const qint64 minutes = qMax<qint64>(0, elapsedMs) / MinuteMs;
    if (minutes < 1)
        return u"less than a minute ago"_s;
    if (minutes < 60)
        return plural(minutes, u"minute"_s) + u" ago"_s;
    if (minutes < 24 * 60) {
        const qint64 rest = minutes % 60;
        return rest == 0 ? u"%1 h ago"_s.arg(minutes / 60)
                         : u"%1 h %2 min ago"_s.arg(minutes / 60).arg(rest);
    }
    return plural(minutes / (24 * 60), u"day"_s) + u" ago"_s;
}

QLabel* paragraph(const QString& text, QWidget* parent)
{
    auto* label = new QLabel(text, parent);
    label->setWordWrap(true);
    label->setTextFormat(Qt::RichText);
    return label;
}

QString quoted(const QString& label)
{
    return u"“%1”"_s.arg(label.toHtmlEscaped());
}

// Fixed colours on text and background, so the advice also reads in dark themes.
QString adviceStyle(bool safe)
{
    return safe ? u"QLabel { background: #e8f5e9; color: #1b5e20; border: 1px solid #81c784;"
                  " border-radius: 4px; padding: 8px 10px; font-weight: 600; }"_s
                : u"QLabel { background: #fff4e0; color: #6b4100; border: 1px solid #e8a33d;"
                  " border-radius: 4px; padding: 8px 10px; font-weight: 600; }"_s;
}

QMessageBox* confirmation(const QString& objectName, const QString& text, QWidget* parent)
{
    auto* box = new QMessageBox(QMessageBox::Warning, u"Revoke old key"_s, text,
                                QMessageBox::Yes | QMessageBox::No, parent);
    box->setObjectName(objectName);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setTextFormat(Qt::RichText);
    box->button(QMessageBox::Yes)->setText(u"Revoke"_s);
    // Final: Enter or Escape must never be what revokes.
    box->setDefaultButton(QMessageBox::No);
    box->setEscapeButton(QMessageBox::No);
    return box;
}
} // namespace

RotateKeyWizard::RotateKeyWizard(const ApiKeyRecord& oldKey, KeyStore& keys, UsageStore& usage,
                                 LifecycleStore& lifecycle, SecretVault& vault, const Clock& clock,
                                 ClipboardGuard& clipboard, QWidget* parent)
    : QWizard(parent)
    , m_oldKey(oldKey)
    , m_keys(keys)
    , m_usage(usage)
    , m_lifecycle(lifecycle)
    , m_vault(vault)
    , m_clock(clock)
    , m_clipboard(clipboard)
{
    setObjectName(u"rotateKeyWizard"_s);
    setWindowTitle(u"Rotate “%1”"_s.arg(oldKey.spec.label));
    setWizardStyle(QWizard::ModernStyle);
    setOption(QWizard::NoBackButtonOnStartPage);
    setButtonText(QWizard::CommitButton, u"&Next >"_s);
    setPage(CreatePageId, buildCreatePage());
    setPage(DeployPageId, buildDeployPage());
    setPage(RevokePageId, buildRevokePage());
    setStartId(CreatePageId);
    setMinimumSize(700, 480);

    m_trafficTimer.setInterval(RefreshIntervalMs);
    connect(&m_trafficTimer, &QTimer::timeout, this, &RotateKeyWizard::refreshTraffic);
    connect(&m_usage, &UsageStore::usageChanged, this, [this] {
        if (m_trafficTimer.isActive())
            refreshTraffic();
    });
    connect(this, &QWizard::currentIdChanged, this, [this](int id) {
        // Leaving at step 3 is a choice, not an abort: the rotation stays, the old key with it.
        setButtonText(QWizard::CancelButton, id == RevokePageId ? u"Revoke later"_s : u"Cancel"_s);
        updateCancelButton();
    });
}

QWizardPage* RotateKeyWizard::buildCreatePage()
{
    m_createPage = new GatedWizardPage(this);
    m_createPage->setObjectName(u"createPage"_s);
    m_createPage->setTitle(u"1. Create the new key"_s);
    m_createPage->setSubTitle(u"Step 1 of 3 — then deploy it, then revoke the old key."_s);
    m_createPage->setCommitPage(true);

    m_createIntro = paragraph(
        u"A new key with the same settings will be created as <b>%1</b>; the old key keeps "
        "working until you revoke it.<br><br>Copied: environment, permissions, expiry (unless "
        "it has passed), tier and rates, quota and spend caps, allowlists, owner and note. "
        "<b>The two keys share one budget</b>: the quota used and this day's, week's and "
        "month's spend carry over and count for both, so rotating never frees a limit. The new "
        "key's own usage log and history start empty."_s.arg(
            KeyLabel::nextVersion(m_oldKey.spec.label).toHtmlEscaped()),
        m_createPage);
    m_createIntro->setObjectName(u"createIntroLabel"_s);

    m_createButton = new QPushButton(u"Create new key"_s, m_createPage);
    m_createButton->setObjectName(u"createNewKeyButton"_s);
    m_createButton->setAutoDefault(false);
    m_createStatus = new QLabel(m_createPage);
    m_createStatus->setObjectName(u"createStatusLabel"_s);
    m_createStatus->setWordWrap(true);
    m_createStatus->setTextFormat(Qt::PlainText);
    auto* createRow = new QHBoxLayout;
    createRow->addWidget(m_createButton);
    createRow->addWidget(m_createStatus, 1);

    m_secretSlot = new QVBoxLayout;
    m_secretSlot->setSpacing(8);

    m_storedCheck = new QCheckBox(u"I have stored the new key"_s, m_createPage);
    m_storedCheck->setObjectName(u"storedCheck"_s);
    m_storedCheck->setEnabled(false);

    auto* layout = new QVBoxLayout(m_createPage);
    layout->setSpacing(12);
    layout->addWidget(m_createIntro);
    layout->addLayout(createRow);
    layout->addLayout(m_secretSlot);
    layout->addStretch(1);
    layout->addWidget(m_storedCheck);

    connect(m_createButton, &QPushButton::clicked, this, &RotateKeyWizard::createNewKey);
    connect(m_storedCheck, &QCheckBox::toggled, this, [this](bool checked) {
        m_createPage->setComplete(checked);
        updateCancelButton();
    });
    return m_createPage;
}

QWizardPage* RotateKeyWizard::buildDeployPage()
{
    auto* page = new QWizardPage(this);
    page->setObjectName(u"deployPage"_s);
    page->setTitle(u"2. Deploy the new key"_s);
    page->setSubTitle(u"Step 2 of 3 — the old key keeps working meanwhile."_s);

    m_deployIntro = paragraph(QString(), page);
    m_deployIntro->setObjectName(u"deployAdviceLabel"_s);

    auto* copyButton = new QPushButton(u"Copy new key"_s, page);
    copyButton->setObjectName(u"copyNewKeyButton"_s);
    copyButton->setToolTip(u"Copy the new key from this computer's keychain"_s);
    copyButton->setAutoDefault(false);
    auto* exportButton = new QPushButton(u"Export to .env…"_s, page);
    exportButton->setObjectName(u"exportEnvButton"_s);
    exportButton->setToolTip(u"Write the new key into a .env file (mode 0600)"_s);
    exportButton->setAutoDefault(false);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(copyButton);
    buttons->addWidget(exportButton);
    buttons->addStretch(1);

    m_deployStatus = new QLabel(page);
    m_deployStatus->setObjectName(u"deployStatusLabel"_s);
    m_deployStatus->setWordWrap(true);
    m_deployStatus->setTextFormat(Qt::PlainText);

    auto* layout = new QVBoxLayout(page);
    layout->setSpacing(12);
    layout->addWidget(m_deployIntro);
    layout->addLayout(buttons);
    layout->addWidget(m_deployStatus);
    layout->addStretch(1);

    connect(copyButton, &QPushButton::clicked, this, &RotateKeyWizard::copyNewKey);
    connect(exportButton, &QPushButton::clicked, this, &RotateKeyWizard::exportEnv);
    return page;
}

QWizardPage* RotateKeyWizard::buildRevokePage()
{
    m_revokePage = new GatedWizardPage(this);
    m_revokePage->setObjectName(u"revokePage"_s);
    m_revokePage->setTitle(u"3. Revoke the old key"_s);
    m_revokePage->setSubTitle(
        u"Step 3 of 3 — revoke it once its usage shows that no client uses it any more."_s);

    m_requestsLabel = new QLabel(u"Checking the old key's requests…"_s, m_revokePage);
    m_requestsLabel->setObjectName(u"oldKeyRequestsLabel"_s);
    m_requestsLabel->setWordWrap(true);
    m_requestsLabel->setTextFormat(Qt::PlainText);
    QFont bigger = m_requestsLabel->font();
    bigger.setPointSizeF(bigger.pointSizeF() * 1.15);
    m_requestsLabel->setFont(bigger);
    m_clientsLabel = new QLabel(m_revokePage);
    m_clientsLabel->setObjectName(u"oldKeyClientsLabel"_s);
    m_clientsLabel->setWordWrap(true);
    m_clientsLabel->setTextFormat(Qt::PlainText);
    m_clientsLabel->hide();
    auto* liveNote = new QLabel(
        u"Live: updated as usage arrives and every %1 s."_s.arg(RefreshIntervalMs / 1000),
        m_revokePage);
    liveNote->setForegroundRole(QPalette::PlaceholderText);

    m_quietSpin = new QSpinBox(m_revokePage);
    m_quietSpin->setObjectName(u"quietMinutesSpin"_s);
    m_quietSpin->setRange(1, MaxQuietMinutes);
    m_quietSpin->setValue(DefaultQuietMinutes);
    m_quietSpin->setSuffix(u" minutes"_s);
    m_quietSpin->setToolTip(u"How long the old key must go without a request before revoking "
                            "it is recommended"_s);
    auto* quietRow = new QHBoxLayout;
    quietRow->addWidget(new QLabel(u"Recommend revoking after"_s, m_revokePage));
    quietRow->addWidget(m_quietSpin);
    quietRow->addWidget(new QLabel(u"without traffic on the old key"_s, m_revokePage));
    quietRow->addStretch(1);

    m_recommendation = new QLabel(m_revokePage);
    m_recommendation->setObjectName(u"recommendationLabel"_s);
    m_recommendation->setWordWrap(true);
    m_recommendation->setTextFormat(Qt::PlainText);

    m_revokeButton = new QPushButton(u"Revoke old key"_s, m_revokePage);
    m_revokeButton->setObjectName(u"revokeOldButton"_s);
    m_revokeButton->setAutoDefault(false);
    m_revokeButton->setEnabled(false);
    m_revokeButton->setStyleSheet(u"QPushButton { padding: 5px 16px; }"_s);
    auto* revokeNote =
        paragraph(u"Requests with %1 then fail at once with <code>401 revoked_api_key</code>. "
                  "This cannot be undone."_s.arg(quoted(m_oldKey.spec.label)),
                  m_revokePage);
    revokeNote->setForegroundRole(QPalette::PlaceholderText);
    auto* revokeRow = new QHBoxLayout;
    revokeRow->setSpacing(12);
    revokeRow->addWidget(m_revokeButton);
    revokeRow->addWidget(revokeNote, 1);

    m_revokeStatus = new QLabel(m_revokePage);
    m_revokeStatus->setObjectName(u"revokeStatusLabel"_s);
    m_revokeStatus->setWordWrap(true);
    m_revokeStatus->setTextFormat(Qt::PlainText);

    auto* layout = new QVBoxLayout(m_revokePage);
    layout->setSpacing(10);
    layout->addWidget(m_requestsLabel);
    layout->addWidget(m_clientsLabel);
    layout->addWidget(liveNote);
    layout->addSpacing(6);
    layout->addLayout(quietRow);
    layout->addWidget(m_recommendation);
    layout->addSpacing(6);
    layout->addLayout(revokeRow);
    layout->addWidget(m_revokeStatus);
    layout->addStretch(1);

    connect(m_quietSpin, &QSpinBox::valueChanged, this, &RotateKeyWizard::updateTrafficText);
    connect(m_revokeButton, &QPushButton::clicked, this, &RotateKeyWizard::confirmRevoke);
    return m_revokePage;
}

void RotateKeyWizard::resumeAtRevoke(const ApiKeyRecord& newKey)
{
    m_newKey = newKey;
    m_oldKey.rotatedToId = newKey.id;
    m_resumed = true;
    setStartId(RevokePageId);
}

void RotateKeyWizard::initializePage(int id)
{
    QWizard::initializePage(id);
    if (id == DeployPageId) {
        m_deployIntro->setText(
            u"<p>Put <b>%1</b> wherever your apps and CI read %2 today — an environment "
            "variable, a <code>.env</code> file, your CI's secret settings or a secret manager — "
            "then deploy or restart them so they pick it up.</p>"
            "<p>Keep one key per environment and service, and keep <code>.env</code> files out "
            "of git. When every client runs with the new key, the old one stops receiving "
            "requests: the next step shows when that happened.</p>"_s.arg(
                m_newKey.spec.label.toHtmlEscaped(), quoted(m_oldKey.spec.label)));
    } else if (id == RevokePageId && !m_revoked) {
        m_trafficTimer.start();
        refreshTraffic();
    }
}

void RotateKeyWizard::createNewKey()
{
    if (m_rotating || !m_newKey.id.isEmpty())
        return;
    m_rotating = true;
    m_createButton->setEnabled(false);
    m_createStatus->setStyleSheet(QString());
    m_createStatus->setText(u"Creating…"_s);
    updateCancelButton();
    // Not cancelled with the wizard: a key the store created is always shown and saved.
    m_lifecycle.rotateKey(m_oldKey.id)
        .then(this,
              [this](const CreatedKey& created) {
                  m_rotating = false;
                  showNewKey(created);
              })
        .onFailed(this, [this](const std::exception& error) {
            m_rotating = false;
            const auto* storeError = dynamic_cast<const StoreError*>(&error);
            // Revoked or already rotated: trying again cannot help.
            const bool hopeless = storeError && (storeError->code() == StoreError::Code::Final ||
                                                 storeError->code() == StoreError::Code::Conflict);
            m_createButton->setEnabled(!hopeless);
            m_createStatus->setStyleSheet(u"color: #b3261e;"_s);
            m_createStatus->setText(
                u"The new key was not created: %1"_s.arg(ErrorText::describe(error)));
            updateCancelButton();
        });
}

void RotateKeyWizard::showNewKey(const CreatedKey& created)
{
    m_newKey = created.record;
    m_oldKey.rotatedToId = m_newKey.id;
    m_createButton->hide();
    m_createStatus->setStyleSheet(QString());
    m_createStatus->clear();
    m_createIntro->setText(
        u"Created <b>%1</b> with the settings of %2, which keeps working until you revoke it."
        "<br><b>The new key is shown only here, once:</b> copy it now and store it somewhere "
        "safe."_s.arg(m_newKey.spec.label.toHtmlEscaped(), quoted(m_oldKey.spec.label)));

    auto* panel = new SecretPanel(created.secret, m_clipboard, m_createPage);
    panel->secretField()->setObjectName(u"newSecretField"_s);
    m_secretSlot->addWidget(panel);
    panel->saveToKeychain(m_vault, m_newKey.vaultEntry);

    m_storedCheck->setEnabled(true);
    updateCancelButton();
    Q_EMIT keyRotated(m_newKey);
}

bool RotateKeyWizard::canClose() const
{
    // As with a newly generated key: its only sight must not be closed by accident.
    // A resumed rotation shows no secret: the new key's was shown when it was created.
    return !m_rotating && !m_revoking &&
           (m_newKey.id.isEmpty() || m_resumed || m_storedCheck->isChecked());
}

void RotateKeyWizard::updateCancelButton()
{
    if (QAbstractButton* cancel = button(QWizard::CancelButton))
        cancel->setEnabled(canClose());
}

void RotateKeyWizard::reject()
{
    if (!canClose())
        return;
    m_trafficTimer.stop();
    QWizard::reject();
}

void RotateKeyWizard::copyNewKey()
{
    m_vault.readSecret(m_newKey.vaultEntry, m_newKey.digestHex)
        .then(this,
              [this](const QString& secret) {
                  m_clipboard.copySecret(secret);
                  const int seconds = m_clipboard.clearDelaySeconds();
                  m_deployStatus->setStyleSheet(QString());
                  m_deployStatus->setText(
                      seconds > 0 ? u"New key copied — the clipboard clears in %1 s."_s.arg(seconds)
                                  : u"New key copied."_s);
              })
        .onFailed(this, [this](const std::exception& error) {
            m_deployStatus->setStyleSheet(u"color: #b3261e;"_s);
            m_deployStatus->setText(u"Could not read the new key from the keychain: %1"_s.arg(
                ErrorText::describe(error)));
        });
}

void RotateKeyWizard::exportEnv()
{
    m_keys.workspaceSettings()
        .then(this,
              [this](const WorkspaceSettings& settings) {
                  auto* dialog = new EnvExportDialog({m_newKey}, m_vault, m_clipboard,
                                                     settings.standardPrefix, QString(), this);
                  dialog->setAttribute(Qt::WA_DeleteOnClose);
                  connect(dialog, &EnvExportDialog::exported, this,
                          [this](const QString& path, int count) {
                              m_deployStatus->setStyleSheet(QString());
                              m_deployStatus->setText(u"Exported %1 to %2 (mode 0600)."_s.arg(
                                  plural(count, u"variable"_s), path));
                          });
                  dialog->open();
              })
        .onFailed(this, [this](const std::exception& error) {
            m_deployStatus->setStyleSheet(u"color: #b3261e;"_s);
            m_deployStatus->setText(
                u"Could not read the workspace settings: %1"_s.arg(ErrorText::describe(error)));
        });
}

void RotateKeyWizard::refreshTraffic()
{
    if (m_newKey.id.isEmpty() || m_revoked)
        return;
    if (m_trafficBusy) {
        m_trafficAgain = true;
        return;
    }
    m_trafficBusy = true;
    UsageQuery since;
    since.fromMs = m_newKey.createdAtMs;
    // Open-ended: clients' clocks may run ahead of ours.
    since.toMs = std::numeric_limits<qint64>::max();
    since.keyIds = {m_oldKey.id};
    UsageQuery ever = since;
    ever.fromMs = 0;
    const auto failed = [this](const std::exception& error) {
        m_trafficBusy = false;
        m_requestsLabel->setText(
            u"Could not read the old key's usage: %1"_s.arg(ErrorText::describe(error)));
    };
    // Who still sends the old key: the addresses of its latest requests since the rotation.
    m_usage.usageLogs(since, UsageStore::LogColumn::Time, Qt::DescendingOrder, {}, ClientSample)
        .then(this, [this](const UsageStore::LogPage& page) { showClients(page.events); })
        .onFailed(this, [this](const std::exception&) { m_clientsLabel->hide(); });
    // Logs, not roll-ups: the count must start at the rotation, not at its 15-minute slot.
    m_usage.usageLogCount(since)
        .then(this,
              [this, ever, failed](qint64 count) {
                  m_usage.usageLogs(ever, UsageStore::LogColumn::Time, Qt::DescendingOrder, {}, 1)
                      .then(this,
                            [this, count](const UsageStore::LogPage& page) {
                                const QList<UsageEvent>& last = page.events;
                                m_requestsSinceRotation = count;
                                m_lastRequestMs = last.isEmpty()
                                                      ? std::nullopt
                                                      : std::optional(last.constFirst().timeMs);
                                m_trafficKnown = true;
                                trafficRead();
                            })
                      .onFailed(this, failed);
              })
        .onFailed(this, failed);
}

void RotateKeyWizard::showClients(const QList<UsageEvent>& events)
{
    // Most requests first; ties by address, so the list does not jump between refreshes.
    QHash<QString, qint64> counts;
    for (const UsageEvent& event : events)
        ++counts[event.clientIp.isEmpty() ? u"unknown address"_s : event.clientIp];
    QList<std::pair<QString, qint64>> clients;
    for (auto it = counts.cbegin(); it != counts.cend(); ++it)
        clients.append({it.key(), it.value()});
    std::sort(clients.begin(), clients.end(), [](const auto& a, const auto& b) {
        return a.second != b.second ? a.second > b.second : a.first < b.first;
    });
    if (clients.isEmpty()) {
        m_clientsLabel->hide();
        return;
    }
    QStringList shown;
    for (const auto& [address, count] : clients.first(qMin<qsizetype>(clients.size(), MaxClients)))
        shown << u"%1 (%2)"_s.arg(address, plural(count, u"request"_s));
    QString text = u"Still sent from: "_s + shown.join(u", "_s);
    if (clients.size() > MaxClients)
        text += u" and %1 more"_s.arg(clients.size() - MaxClients);
    if (events.size() == ClientSample)
        text += u" — among its latest %1 requests"_s.arg(ClientSample);
    m_clientsLabel->setText(text);
    m_clientsLabel->show();
}

void RotateKeyWizard::trafficRead()
{
    m_trafficBusy = false;
    updateTrafficText();
    if (std::exchange(m_trafficAgain, false))
        refreshTraffic();
}

bool RotateKeyWizard::isQuiet() const
{
    return m_trafficKnown && (!m_lastRequestMs || m_clock.nowUtcMs() - *m_lastRequestMs >=
                                                      qint64(m_quietSpin->value()) * MinuteMs);
}

void RotateKeyWizard::updateTrafficText()
{
    if (!m_trafficKnown || m_revoked)
        return;
    const qint64 now = m_clock.nowUtcMs();
    const QString since = KeyTableModel::formatLocalTime(m_newKey.createdAtMs);
    const QString label = u"“%1”"_s.arg(m_oldKey.spec.label);
    if (m_requestsSinceRotation > 0 && m_lastRequestMs)
        m_requestsLabel->setText(u"%1 with %2 since %3; last one %4"_s.arg(
            plural(m_requestsSinceRotation, u"request"_s), label, since,
            formatAgo(now - *m_lastRequestMs)));
    else
        m_requestsLabel->setText(u"No requests with %1 since %2"_s.arg(label, since));

    const int minutes = m_quietSpin->value();
    const bool quiet = isQuiet();
    if (quiet)
        m_recommendation->setText(
            u"Safe to revoke: no traffic for %1"_s.arg(plural(minutes, u"minute"_s)));
    else
        m_recommendation->setText(
            u"Still in use: last request %1 — wait until it has been quiet for %2"_s.arg(
                formatAgo(now - *m_lastRequestMs), plural(minutes, u"minute"_s)));
    m_recommendation->setProperty("safe", quiet);
    m_recommendation->setStyleSheet(adviceStyle(quiet));
    m_revokeButton->setEnabled(!m_revoking);
}

void RotateKeyWizard::confirmRevoke()
{
    if (!m_trafficKnown || m_revoking || m_revoked)
        return;
    const QString label = quoted(m_oldKey.spec.label);
    QMessageBox* box =
        isQuiet()
            ? confirmation(
                  u"revokeConfirm"_s,
                  u"<p><b>Revoke %1?</b></p><p>Requests using it will fail immediately "
                  "with <code>401 revoked_api_key</code>. This cannot be undone.</p>"_s.arg(label),
                  this)
            : confirmation(
                  u"revokeEarlyConfirm"_s,
                  u"<p><b>The old key was used %1.</b></p><p>Revoking now will break clients "
                  "still using it. Revoke anyway?</p>"_s.arg(
                      formatAgo(m_clock.nowUtcMs() - *m_lastRequestMs)),
                  this);
    connect(box, &QMessageBox::finished, this, [this, box] {
        if (box->clickedButton() == box->button(QMessageBox::Yes))
            revokeOldKey();
    });
    box->open();
}

void RotateKeyWizard::revokeOldKey()
{
    m_revoking = true;
    m_revokeButton->setEnabled(false);
    m_revokeStatus->setStyleSheet(QString());
    m_revokeStatus->setText(u"Revoking…"_s);
    updateCancelButton();
    m_keys.revokeKey(m_oldKey.id)
        .then(this,
              [this](const ApiKeyRecord& revoked) {
                  m_revoking = false;
                  m_revoked = true;
                  m_oldKey = revoked;
                  m_trafficTimer.stop();
                  m_quietSpin->setEnabled(false);
                  m_revokeButton->hide();
                  m_revokeStatus->setStyleSheet(u"color: #1b5e20; font-weight: 600;"_s);
                  m_revokeStatus->setText(
                      u"Rotation complete: “%1” is revoked and “%2” replaces it."_s.arg(
                          revoked.spec.label, m_newKey.spec.label));
                  setOption(QWizard::NoCancelButtonOnLastPage);
                  m_revokePage->setComplete(true);
                  updateCancelButton();
                  Q_EMIT oldKeyRevoked(revoked);
              })
        .onFailed(this, [this](const std::exception& error) {
            m_revoking = false;
            m_revokeButton->setEnabled(true);
            m_revokeStatus->setStyleSheet(u"color: #b3261e;"_s);
            m_revokeStatus->setText(
                u"The old key was not revoked: %1"_s.arg(ErrorText::describe(error)));
            updateCancelButton();
        });
}
