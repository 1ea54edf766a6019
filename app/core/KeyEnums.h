#pragma once

#include <QFlags>
#include <QString>
#include <QStringList>
#include <optional>

enum class KeyType
{
    Standard,
    Subscription
};

// What is stored. Expired is never stored: it is derived from expires_at (see ApiKeyRecord).
enum class KeyStatus
{
    Active,
    Disabled,
    Revoked,
    Expired
};

enum class Tier
{
    Free,
    Starter,
    Pro,
    Enterprise
};

enum class Permission : unsigned
{
    Read = 0x1,
    Write = 0x2,
    Admin = 0x4,
    Webhook = 0x8,
};
Q_DECLARE_FLAGS(Permissions, Permission)
Q_DECLARE_OPERATORS_FOR_FLAGS(Permissions)

// The wire/CLI names of the enums above ("standard", "revoked", "pro", "read,write").
class KeyEnums final
{
public:
    static QString typeName(KeyType type);
    static std::optional<KeyType> typeFromName(QStringView name);

    static QString statusName(KeyStatus status);
    static std::optional<KeyStatus> statusFromName(QStringView name);

    static QString tierName(Tier tier);
    static std::optional<Tier> tierFromName(QStringView name);
    static QList<Tier> allTiers();

    static QString permissionName(Permission permission);
    static QList<Permission> allPermissions();
    static QStringList permissionNames(Permissions permissions);
    // "read,write" -> flags; unknown names are an error naming the bad one.
    static std::optional<Permissions> permissionsFromNames(const QStringList& names,
                                                           QString* error = nullptr);
};
