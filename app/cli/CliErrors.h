#pragma once

#include "StoreError.h"

#include <QString>
#include <exception>
#include <optional>

// Reads the failures that arrive in store and keychain futures, for keydeckctl's messages.
class CliErrors final
{
public:
    // What went wrong, in the words of the store or keychain that failed.
    static QString text(const std::exception_ptr& error);
    static std::optional<StoreError> storeError(const std::exception_ptr& error);
    static bool isStoreNotFound(const std::exception_ptr& error);
    // Deleting or reading an entry that is not there.
    static bool isVaultNotFound(const std::exception_ptr& error);
};
