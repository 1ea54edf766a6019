#pragma once

#include "ServerProfile.h"

#include <QList>
#include <QObject>

class QSettings;

// The server profiles and the last connection chosen, kept in the platform's QSettings (never
// an admin key: those are in the keychain, under ServerProfile::adminKeyEntry()).
class ConnectionSettings final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConnectionSettings)

public:
    explicit ConnectionSettings(QSettings& settings, QObject* parent = nullptr);

    // By name, in the order saved.
    QList<ServerProfile> profiles() const;
    std::optional<ServerProfile> profile(const QString& name) const;
    // Replaces the profile previously called previousName (or of the same name), else adds it.
    void saveProfile(const ServerProfile& profile, const QString& previousName = {});
    void removeProfile(const QString& name);

    // The profile connected to last; empty: the local store.
    QString lastChoice() const;
    void setLastChoice(const QString& profileName);

Q_SIGNALS:
    void profilesChanged();

private:
    void write(const QList<ServerProfile>& profiles);

    QSettings& m_settings;
};
