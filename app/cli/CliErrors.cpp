#include "CliErrors.h"

#include "SecretVault.h"

using namespace Qt::StringLiterals;

QString CliErrors::text(const std::exception_ptr& error)
{
    try {
        std::rethrow_exception(error);
    } catch (const SecretVault::Error& e) {
        return e.message();
    } catch (const StoreError& e) {
        return e.fullText();
    } catch (const std::exception& e) {
        return QString::fromUtf8(e.what());
    } catch (...) {
        return u"unknown error"_s;
    }
}

std::optional<StoreError> CliErrors::storeError(const std::exception_ptr& error)
{
    try {
        std::rethrow_exception(error);
    } catch (const StoreError& e) {
        return e;
    } catch (...) {
        return std::nullopt;
    }
}

bool CliErrors::isStoreNotFound(const std::exception_ptr& error)
{
    const std::optional<StoreError> e = storeError(error);
    return e && e->code() == StoreError::Code::NotFound;
}

bool CliErrors::isVaultNotFound(const std::exception_ptr& error)
{
    try {
        std::rethrow_exception(error);
    } catch (const SecretVault::Error& e) {
        return e.code() == SecretVault::Error::Code::NotFound;
    } catch (...) {
        return false;
    }
}
