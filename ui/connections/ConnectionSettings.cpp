#include "ConnectionSettings.h"

#include <QSettings>

using namespace Qt::StringLiterals;

namespace {
const QString Group = u"connections"_s;
} // namespace

ConnectionSettings::ConnectionSettings(QSettings& settings, QObject* parent)
    : QObject(parent)
    , m_settings(settings)
{}

QList<ServerProfile> ConnectionSettings::profiles() const
{
    QList<ServerProfile> profiles;
    m_settings.beginGroup(Group);
    const int count = m_settings.beginReadArray(u"profiles"_s);
    for (int i = 0; i < count; ++i) {
        m_settings.setArrayIndex(i);
        ServerProfile profile;
        profile.name = m_settings.value(u"name"_s).toString();
        // A hand-edited entry that is no server address is left out rather than half-used.
        const auto url = ServerProfile::parseUrl(m_settings.value(u"url"_s).toString());
        if (profile.name.trimmed().isEmpty() || !url)
            continue;
        profile.url = *url;
        profile.verifyTls = m_settings.value(u"verify_tls"_s, true).toBool();
        profile.caFile = m_settings.value(u"ca_file"_s).toString();
        profiles << profile;
    }
    m_settings.endArray();
    m_settings.endGroup();
    return profiles;
}

std::optional<ServerProfile> ConnectionSettings::profile(const QString& name) const
{
    for (const ServerProfile& profile : profiles()) {
        if (profile.name == name)
            return profile;
    }
    return std::nullopt;
}

void ConnectionSettings::write(const QList<ServerProfile>& profiles)
{
    m_settings.beginGroup(Group);
    m_settings.remove(u"profiles"_s);
    m_settings.beginWriteArray(u"profiles"_s, int(profiles.size()));
    for (int i = 0; i < profiles.size(); ++i) {
        m_settings.setArrayIndex(i);
        m_settings.setValue(u"name"_s, profiles.at(i).name);
        m_settings.setValue(u"url"_s, profiles.at(i).url.toString());
        m_settings.setValue(u"verify_tls"_s, profiles.at(i).verifyTls);
        m_settings.setValue(u"ca_file"_s, profiles.at(i).caFile);
    }
    m_settings.endArray();
    m_settings.endGroup();
    m_settings.sync();
    Q_EMIT profilesChanged();
}

void ConnectionSettings::saveProfile(const ServerProfile& profile, const QString& previousName)
{
    QList<ServerProfile> all = profiles();
    const QString replaced = previousName.isEmpty() ? profile.name : previousName;
    for (ServerProfile& existing : all) {
        if (existing.name == replaced) {
            existing = profile;
            if (lastChoice() == replaced)
                setLastChoice(profile.name);
            return write(all);
        }
    }
    all << profile;
    write(all);
}

void ConnectionSettings::removeProfile(const QString& name)
{
    QList<ServerProfile> all = profiles();
    all.removeIf([&name](const ServerProfile& profile) { return profile.name == name; });
    if (lastChoice() == name)
        setLastChoice({});
    write(all);
}

QString ConnectionSettings::lastChoice() const
{
    return m_settings.value(Group + u"/last"_s).toString();
}

void ConnectionSettings::setLastChoice(const QString& profileName)
{
    m_settings.setValue(Group + u"/last"_s, profileName);
    m_settings.sync();
}
