#pragma once

#include "FieldError.h"

#include <exception>

// Turns what a KeyStore or SecretVault future failed with into text for a message box.
class ErrorText final
{
public:
    // StoreError: its message and every field error, with the fields named as the form names
    // them; SecretVault::Error: its message; anything else: what().
    static QString describe(const std::exception& error);
    // "quota_usd" -> "Quota": the label the user sees next to the field.
    static QString fieldLabel(const QString& field);
    static QString describe(const FieldError& error);
};
