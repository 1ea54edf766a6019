#include "ConnectionsPage.h"

#include "ApiKeyFormat.h"
#include "ConnectionSettings.h"
#include "ErrorText.h"
#include "PageHeading.h"
#include "SecretVault.h"
#include "StoreConnection.h"
#include "StoreError.h"

#include <QCheckBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontDatabase>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QVBoxLayout>
#include <algorithm>

using namespace Qt::StringLiterals;

namespace {
constexpr int MaxNameLength = 60;
constexpr int ListWidth = 250;
constexpr int FormMaxWidth = 640;
// The list item of the local store has no profile name.
constexpr int NameRole = Qt::UserRole;
// The list item of a server being added, until it is saved.
constexpr int NewRole = Qt::UserRole + 1;

QLabel* hintLabel(const QString& text, QWidget* parent)
{
    auto* label = new QLabel(text, parent);
    label->setWordWrap(true);
    label->setForegroundRole(QPalette::PlaceholderText);
    return label;
}

// Ends it with a full stop unless it ends a sentence already.
QString sentence(const QString& text)
{
    return text.endsWith(u'.') || text.endsWith(u'?') || text.endsWith(u'!') ? text
                                                                             : text + u'.';
}

// What a failed test or switch means, in words a user can act on, then the details.
QString explain(const std::exception& error)
{
    const auto* storeError = dynamic_cast<const StoreError*>(&error);
    if (!storeError)
        return ErrorText::describe(error);
    switch (storeError->code()) {
    case StoreError::Code::Unauthorized:
        return sentence(u"The server did not accept the admin key: "_s + storeError->message());
    case StoreError::Code::Forbidden:
        return sentence(u"The server knows this key, but it is not an admin key: "_s +
                        storeError->message());
    case StoreError::Code::Unavailable:
        return sentence(u"Cannot reach the server: "_s + storeError->message());
    default:
        return ErrorText::describe(error);
    }
}
} // namespace

ConnectionsPage::ConnectionsPage(ConnectionSettings& settings, SecretVault& vault, Factory factory,
                                 ConnectionChoice current, QString localLocation, QWidget* parent)
    : QWidget(parent)
    , m_settings(settings)
    , m_vault(vault)
    , m_factory(std::move(factory))
    , m_current(std::move(current))
    , m_localLocation(std::move(localLocation))
{
    setObjectName(u"connectionsPage"_s);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(20, 16, 20, 12);
    layout->setSpacing(16);
    layout->addWidget(new PageHeading(
        u"Connections"_s,
        u"Where KeyDeck keeps your keys: this computer's store, or a keydeck-server your team "
        "shares. Secrets and admin keys stay in this computer's keychain."_s,
        this));

    auto* body = new QHBoxLayout;
    body->setSpacing(16);
    auto* left = new QVBoxLayout;
    m_list = new QListWidget(this);
    m_list->setObjectName(u"connectionList"_s);
    m_list->setFixedWidth(ListWidth);
    m_list->setSpacing(2);
    auto* addButton = new QPushButton(u"Add server…"_s, this);
    addButton->setObjectName(u"addServerButton"_s);
    connect(addButton, &QPushButton::clicked, this, &ConnectionsPage::addServer);
    left->addWidget(m_list, 1);
    left->addWidget(addButton);
    body->addLayout(left);

    // Shown one at a time; a hidden one takes no room, so neither is stretched to the other.
    m_localPanel = buildLocalPanel();
    m_serverPanel = buildServerForm();
    auto* right = new QVBoxLayout;
    right->addWidget(m_localPanel);
    right->addWidget(m_serverPanel);
    m_result = new QLabel(this);
    m_result->setObjectName(u"connectionResult"_s);
    m_result->setWordWrap(true);
    m_result->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_result->setMaximumWidth(FormMaxWidth);
    m_result->hide();
    right->addWidget(m_result);
    right->addStretch();
    body->addLayout(right, 4);
    body->addStretch(1);
    layout->addLayout(body, 1);

    connect(m_list, &QListWidget::currentRowChanged, this, &ConnectionsPage::showSelected);
    connect(&m_settings, &ConnectionSettings::profilesChanged, this,
            [this] { reloadList(selectedName()); });
    reloadList(m_current.isLocal() ? QString() : m_current.server.name);
}

ConnectionsPage::~ConnectionsPage() = default;

QWidget* ConnectionsPage::buildLocalPanel()
{
    auto* group = new QGroupBox(u"This computer"_s, this);
    group->setObjectName(u"localPanel"_s);
    group->setMaximumWidth(FormMaxWidth);
    auto* layout = new QVBoxLayout(group);
    auto* where = new QLabel(m_localLocation, group);
    where->setObjectName(u"localLocationLabel"_s);
    where->setWordWrap(true);
    where->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(hintLabel(u"Keys, usage and alerts in a SQLite file for you alone; the "
                                "secrets in the keychain."_s,
                                group));
    layout->addWidget(where);
    m_useLocalButton = new QPushButton(group);
    m_useLocalButton->setObjectName(u"useLocalButton"_s);
    connect(m_useLocalButton, &QPushButton::clicked, this,
            [this] { Q_EMIT connectRequested(ConnectionChoice::local()); });
    auto* row = new QHBoxLayout;
    row->addWidget(m_useLocalButton);
    row->addStretch();
    layout->addLayout(row);
    return group;
}

QWidget* ConnectionsPage::buildServerForm()
{
    auto* group = new QGroupBox(u"Server"_s, this);
    group->setObjectName(u"serverForm"_s);
    group->setMaximumWidth(FormMaxWidth);
    auto* form = new QFormLayout(group);
    form->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);

    m_nameEdit = new QLineEdit(group);
    m_nameEdit->setObjectName(u"profileNameEdit"_s);
    m_nameEdit->setMaxLength(MaxNameLength);
    m_nameEdit->setPlaceholderText(u"Production"_s);
    form->addRow(u"Name"_s, m_nameEdit);

    m_urlEdit = new QLineEdit(group);
    m_urlEdit->setObjectName(u"serverUrlEdit"_s);
    m_urlEdit->setPlaceholderText(u"https://keys.example.com"_s);
    form->addRow(u"Server address"_s, m_urlEdit);

    m_adminKeyEdit = new QLineEdit(group);
    m_adminKeyEdit->setObjectName(u"adminKeyEdit"_s);
    m_adminKeyEdit->setEchoMode(QLineEdit::Password);
    m_adminKeyEdit->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_adminKeyEdit->setPlaceholderText(u"sk-…"_s);
    form->addRow(u"Admin key"_s, m_adminKeyEdit);
    m_adminKeyHint = hintLabel(QString(), group);
    m_adminKeyHint->setObjectName(u"adminKeyHint"_s);
    m_adminKeyHint->setMinimumWidth(380);
    form->addRow(QString(), m_adminKeyHint);

    m_verifyTlsCheck = new QCheckBox(u"Check the server's certificate (HTTPS)"_s, group);
    m_verifyTlsCheck->setObjectName(u"verifyTlsCheck"_s);
    form->addRow(QString(), m_verifyTlsCheck);

    m_caFileEdit = new QLineEdit(group);
    m_caFileEdit->setObjectName(u"caFileEdit"_s);
    m_caFileEdit->setPlaceholderText(u"Only for a private certificate authority"_s);
    auto* browse = new QPushButton(u"Browse…"_s, group);
    browse->setObjectName(u"caFileBrowseButton"_s);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString file =
            QFileDialog::getOpenFileName(this, u"CA certificate"_s, QString(),
                                         u"PEM certificates (*.pem *.crt);;All files (*)"_s);
        if (!file.isEmpty())
            m_caFileEdit->setText(file);
    });
    auto* caRow = new QHBoxLayout;
    caRow->addWidget(m_caFileEdit, 1);
    caRow->addWidget(browse);
    form->addRow(u"CA certificate"_s, caRow);

    m_formError = new QLabel(group);
    m_formError->setObjectName(u"connectionFormError"_s);
    m_formError->setWordWrap(true);
    QPalette palette = m_formError->palette();
    palette.setColor(QPalette::WindowText, QColor(0xc6, 0x28, 0x28));
    m_formError->setPalette(palette);
    m_formError->hide();
    form->addRow(m_formError);

    m_testButton = new QPushButton(u"Test connection"_s, group);
    m_testButton->setObjectName(u"testConnectionButton"_s);
    m_saveButton = new QPushButton(u"Save"_s, group);
    m_saveButton->setObjectName(u"saveProfileButton"_s);
    m_connectButton = new QPushButton(u"Connect"_s, group);
    m_connectButton->setObjectName(u"connectButton"_s);
    m_connectButton->setDefault(true);
    m_deleteButton = new QPushButton(u"Delete"_s, group);
    m_deleteButton->setObjectName(u"deleteProfileButton"_s);
    connect(m_testButton, &QPushButton::clicked, this, &ConnectionsPage::testConnection);
    connect(m_saveButton, &QPushButton::clicked, this, [this] { saveProfile({}); });
    connect(m_connectButton, &QPushButton::clicked, this, &ConnectionsPage::connectSelected);
    connect(m_deleteButton, &QPushButton::clicked, this, &ConnectionsPage::deleteProfile);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_testButton);
    buttons->addWidget(m_saveButton);
    buttons->addWidget(m_connectButton);
    buttons->addStretch();
    buttons->addWidget(m_deleteButton);
    form->addRow(buttons);
    return group;
}

QString ConnectionsPage::selectedName() const
{
    const QListWidgetItem* item = m_list->currentItem();
    return item ? item->data(NameRole).toString() : QString();
}

void ConnectionsPage::reloadList(const QString& select)
{
    const QSignalBlocker blocker(m_list);
    m_list->clear();
    const auto add = [this](const QString& title, const QString& detail, const QString& name,
                            bool inUse) {
        auto* item = new QListWidgetItem(
            (inUse ? u"● "_s : u"   "_s) + title + u'\n' + u"     "_s + detail, m_list);
        item->setData(NameRole, name);
        item->setToolTip(inUse ? u"In use now"_s : QString());
        QFont font = item->font();
        font.setBold(inUse);
        item->setFont(font);
        return item;
    };
    add(u"This computer"_s, u"local store"_s, QString(), m_current.isLocal());
    for (const ServerProfile& profile : m_settings.profiles())
        add(profile.name, profile.url.host(), profile.name,
            !m_current.isLocal() && m_current.server.name == profile.name);
    int row = 0;
    for (int i = 1; i < m_list->count(); ++i) {
        if (m_list->item(i)->data(NameRole).toString() == select)
            row = i;
    }
    m_list->setCurrentRow(row);
    showSelected();
}

bool ConnectionsPage::isNewItem(const QListWidgetItem* item)
{
    return item && item->data(NewRole).toBool();
}

void ConnectionsPage::showSelected()
{
    setFormError({});
    m_result->hide();
    if (isNewItem(m_list->currentItem()))
        return;
    // Leaving a server that was being added drops it.
    for (int i = m_list->count() - 1; i > 0; --i) {
        if (isNewItem(m_list->item(i))) {
            const QSignalBlocker blocker(m_list);
            delete m_list->takeItem(i);
        }
    }
    if (m_list->currentRow() <= 0) {
        m_localPanel->show();
        m_serverPanel->hide();
        m_useLocalButton->setEnabled(!m_current.isLocal());
        m_useLocalButton->setText(m_current.isLocal() ? u"In use"_s
                                                      : u"Use this computer's store"_s);
        return;
    }
    m_localPanel->hide();
    m_serverPanel->show();
    const std::optional<ServerProfile> profile = m_settings.profile(selectedName());
    m_editing = profile ? profile->name : QString();
    m_nameEdit->setText(profile ? profile->name : QString());
    m_urlEdit->setText(profile ? profile->url.toString() : QString());
    m_verifyTlsCheck->setChecked(profile ? profile->verifyTls : true);
    m_caFileEdit->setText(profile ? profile->caFile : QString());
    m_adminKeyEdit->clear();
    m_adminKeyHint->setText(u"Saved in this computer's keychain. Leave it empty to keep the one "
                            "saved, or paste another to replace it."_s);
    m_deleteButton->setEnabled(!isInUse(m_editing));
    m_deleteButton->setToolTip(isInUse(m_editing) ? u"In use: connect to another store first"_s
                                                  : QString());
    m_connectButton->setText(isInUse(m_editing) ? u"Reconnect"_s : u"Connect"_s);
}

void ConnectionsPage::addServer()
{
    QListWidgetItem* item = nullptr;
    for (int i = 0; i < m_list->count() && !item; ++i) {
        if (isNewItem(m_list->item(i)))
            item = m_list->item(i);
    }
    if (!item) {
        item = new QListWidgetItem(u"   New server\n     not saved yet"_s, m_list);
        item->setData(NewRole, true);
        QFont font = item->font();
        font.setItalic(true);
        item->setFont(font);
    }
    {
        const QSignalBlocker blocker(m_list);
        m_list->setCurrentItem(item);
    }
    m_localPanel->hide();
    m_serverPanel->show();
    m_editing.clear();
    m_nameEdit->clear();
    m_urlEdit->clear();
    m_adminKeyEdit->clear();
    m_caFileEdit->clear();
    m_verifyTlsCheck->setChecked(true);
    m_adminKeyHint->setText(u"Create one on the server with keydeck-server init-admin. It is "
                            "kept in this computer's keychain, never in a file."_s);
    m_deleteButton->setEnabled(false);
    m_connectButton->setText(u"Connect"_s);
    setFormError({});
    m_result->hide();
    m_nameEdit->setFocus();
}

void ConnectionsPage::setFormError(const QString& text)
{
    m_formError->setText(text);
    m_formError->setVisible(!text.isEmpty());
}

void ConnectionsPage::setResult(const QString& text, bool good)
{
    m_result->setText((good ? u"✓ "_s : u"✗ "_s) + text);
    QPalette palette = m_result->palette();
    palette.setColor(QPalette::WindowText,
                     good ? QColor(0x2e, 0x7d, 0x32) : QColor(0xc6, 0x28, 0x28));
    m_result->setPalette(palette);
    m_result->show();
}

void ConnectionsPage::showNotice(const QString& text)
{
    m_result->setText(text);
    m_result->setPalette(palette());
    m_result->show();
}

void ConnectionsPage::setBusy(bool busy)
{
    for (QPushButton* button : {m_testButton, m_saveButton, m_connectButton})
        button->setEnabled(!busy);
    m_deleteButton->setEnabled(!busy && !m_editing.isEmpty() && !isInUse(m_editing));
}

bool ConnectionsPage::isInUse(const QString& profileName) const
{
    return !m_current.isLocal() && m_current.server.name == profileName;
}

std::optional<ServerProfile> ConnectionsPage::formProfile()
{
    ServerProfile profile;
    profile.name = m_nameEdit->text().trimmed();
    if (profile.name.isEmpty()) {
        setFormError(u"Name: give the server a name, such as Production."_s);
        m_nameEdit->setFocus();
        return std::nullopt;
    }
    if (profile.name == u"This computer"_s ||
        (profile.name != m_editing && m_settings.profile(profile.name))) {
        setFormError(u"Name: another connection is called %1."_s.arg(profile.name));
        m_nameEdit->setFocus();
        return std::nullopt;
    }
    QString error;
    const std::optional<QUrl> url = ServerProfile::parseUrl(m_urlEdit->text(), &error);
    if (!url) {
        setFormError(u"Server address: "_s + error + u'.');
        m_urlEdit->setFocus();
        return std::nullopt;
    }
    profile.url = *url;
    profile.verifyTls = m_verifyTlsCheck->isChecked();
    profile.caFile = m_caFileEdit->text().trimmed();
    if (!profile.caFile.isEmpty() && !QFileInfo(profile.caFile).isReadable()) {
        setFormError(u"CA certificate: cannot read %1."_s.arg(profile.caFile));
        m_caFileEdit->setFocus();
        return std::nullopt;
    }
    setFormError({});
    return profile;
}

bool ConnectionsPage::checkAdminKey()
{
    const QString key = m_adminKeyEdit->text().trimmed();
    if (!key.isEmpty() && !ApiKeyFormat::isWellFormed(key)) {
        setFormError(u"Admin key: this is not a whole KeyDeck key (a typo, or a part missing)."_s);
        m_adminKeyEdit->setFocus();
        return false;
    }
    const std::optional<ServerProfile> saved = m_settings.profile(m_editing);
    if (key.isEmpty() && (!saved || saved->url != ServerProfile::parseUrl(m_urlEdit->text()))) {
        setFormError(saved ? u"Admin key: the address changed, so give the admin key for the "
                             "new one."_s
                           : u"Admin key: a new server needs its admin key."_s);
        m_adminKeyEdit->setFocus();
        return false;
    }
    return true;
}

void ConnectionsPage::testConnection()
{
    const std::optional<ServerProfile> profile = formProfile();
    if (!profile || !checkAdminKey())
        return;
    ConnectionChoice choice = ConnectionChoice::of(*profile);
    choice.adminKey = m_adminKeyEdit->text().trimmed();
    setBusy(true);
    showNotice(u"Testing %1…"_s.arg(profile->url.toString()));
    m_testConnection = m_factory(choice);
    StoreConnection* connection = m_testConnection.get();
    connection->open()
        .then(this,
              [this, connection] {
                  const QString version = connection->serverVersion();
                  setResult(u"Connected: %1 takes this admin key."_s.arg(
                                version.isEmpty() ? u"the server"_s : version),
                            true);
              })
        .onFailed(this, [this](const std::exception& error) { setResult(explain(error), false); })
        .then(this, [this] { setBusy(false); });
}

void ConnectionsPage::saveProfile(std::function<void(const ServerProfile&)> then)
{
    const std::optional<ServerProfile> profile = formProfile();
    if (!profile || !checkAdminKey())
        return;
    const QString key = m_adminKeyEdit->text().trimmed();
    const QString previous = m_editing;
    const std::optional<ServerProfile> before = m_settings.profile(previous);
    const auto finish = [this, profile = *profile, previous, before, then] {
        m_settings.saveProfile(profile, previous);
        m_adminKeyEdit->clear();
        // The old address's key goes when no profile uses that address any more.
        if (before && before->url != profile.url) {
            const QList<ServerProfile> all = m_settings.profiles();
            const bool shared = std::any_of(all.cbegin(), all.cend(), [&](const ServerProfile& p) {
                return p.url == before->url;
            });
            if (!shared)
                m_vault.removeSecret(ServerProfile::adminKeyEntry(before->url));
        }
        m_editing = profile.name;
        reloadList(profile.name);
        Q_EMIT statusMessage(u"Saved the connection %1"_s.arg(profile.name), 5000);
        if (then)
            then(profile);
    };
    if (key.isEmpty()) {
        finish();
        return;
    }
    setBusy(true);
    m_vault.storeSecret(ServerProfile::adminKeyEntry(profile->url), key)
        .then(this,
              [this, finish] {
                  setBusy(false);
                  finish();
              })
        .onFailed(this, [this](const std::exception& error) {
            setBusy(false);
            // Nothing is saved without its key: a profile that cannot connect is no use.
            setFormError(u"Admin key: the keychain could not keep it, so nothing was saved. "_s +
                         ErrorText::describe(error));
        });
}

void ConnectionsPage::deleteProfile()
{
    const std::optional<ServerProfile> profile = m_settings.profile(m_editing);
    if (!profile || isInUse(profile->name))
        return;
    const auto answer = QMessageBox::question(
        this, u"Delete connection"_s,
        u"Delete the connection %1 (%2)?\n\nIts admin key is removed from this computer's "
        "keychain. Nothing on the server changes."_s.arg(profile->name, profile->url.toString()));
    if (answer != QMessageBox::Yes)
        return;
    m_settings.removeProfile(profile->name);
    const QList<ServerProfile> all = m_settings.profiles();
    if (std::none_of(all.cbegin(), all.cend(),
                     [&](const ServerProfile& p) { return p.url == profile->url; }))
        m_vault.removeSecret(ServerProfile::adminKeyEntry(profile->url));
    m_editing.clear();
    reloadList({});
    Q_EMIT statusMessage(u"Deleted the connection %1"_s.arg(profile->name), 5000);
}

void ConnectionsPage::connectSelected()
{
    saveProfile([this](const ServerProfile& profile) {
        showNotice(u"Connecting to %1…"_s.arg(profile.url.toString()));
        setBusy(true);
        Q_EMIT connectRequested(ConnectionChoice::of(profile));
    });
}

void ConnectionsPage::showConnectFailure(const ConnectionChoice& choice,
                                         const std::exception& error)
{
    setBusy(false);
    setResult(u"Could not switch to %1. %2 KeyDeck stays on %3."_s.arg(
                  choice.title(), explain(error), m_current.title()),
              false);
}

void ConnectionsPage::showConnected(const QString& text)
{
    setResult(text, true);
}
