#include "KeyEnums.h"

using namespace Qt::StringLiterals;

QString KeyEnums::typeName(KeyType type)
{
    return type == KeyType::Subscription ? u"subscription"_s : u"standard"_s;
}

std::optional<KeyType> KeyEnums::typeFromName(QStringView name)
{
    if (name == u"standard")
        return KeyType::Standard;
    if (name == u"subscription")
        return KeyType::Subscription;
    return std::nullopt;
}

QString KeyEnums::statusName(KeyStatus status)
{
    switch (status) {
    case KeyStatus::Active:
        return u"active"_s;
    case KeyStatus::Disabled:
        return u"disabled"_s;
    case KeyStatus::Revoked:
        return u"revoked"_s;
    case KeyStatus::Expired:
        return u"expired"_s;
    }
    return {};
}

std::optional<KeyStatus> KeyEnums::statusFromName(QStringView name)
{
    for (KeyStatus s :
         {KeyStatus::Active, KeyStatus::Disabled, KeyStatus::Revoked, KeyStatus::Expired}) {
        if (name == statusName(s))
            return s;
    }
    return std::nullopt;
}

QString KeyEnums::tierName(Tier tier)
{
    switch (tier) {
    case Tier::Free:
        return u"free"_s;
    case Tier::Starter:
        return u"starter"_s;
    case Tier::Pro:
        return u"pro"_s;
    case Tier::Enterprise:
        return u"enterprise"_s;
    }
    return {};
}

std::optional<Tier> KeyEnums::tierFromName(QStringView name)
{
    for (Tier t : allTiers()) {
        if (name == tierName(t))
            return t;
    }
    return std::nullopt;
}

QList<Tier> KeyEnums::allTiers()
{
    return {Tier::Free, Tier::Starter, Tier::Pro, Tier::Enterprise};
}

QString KeyEnums::permissionName(Permission permission)
{
    switch (permission) {
    case Permission::Read:
        return u"read"_s;
    case Permission::Write:
        return u"write"_s;
    case Permission::Admin:
        return u"admin"_s;
    case Permission::Webhook:
        return u"webhook"_s;
    }
    return {};
}

QList<Permission> KeyEnums::allPermissions()
{
    return {Permission::Read, Permission::Write, Permission::Admin, Permission::Webhook};
}

QStringList KeyEnums::permissionNames(Permissions permissions)
{
    QStringList names;
    for (Permission p : allPermissions()) {
        if (permissions.testFlag(p))
            names << permissionName(p);
    }
    return names;
}

std::optional<Permissions> KeyEnums::permissionsFromNames(const QStringList& names, QString* error)
{
    Permissions result;
    for (const QString& raw : names) {
        const QString name = raw.trimmed();
        if (name.isEmpty())
            continue;
        bool known = false;
        for (Permission p : allPermissions()) {
            if (name == permissionName(p)) {
                result |= p;
                known = true;
            }
        }
        if (!known) {
            if (error)
                *error = u"unknown permission \"%1\" (use read, write, admin, webhook)"_s.arg(name);
            return std::nullopt;
        }
    }
    return result;
}
