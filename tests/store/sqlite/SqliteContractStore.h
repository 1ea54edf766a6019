#pragma once

#include "StoreConnection.h"

#include <QString>
#include <memory>

class ManualClock;

// The contract suites' factory for the SQLite store: a fresh, opened store at path.
namespace SqliteContractStore {
// nullptr (with a warning saying why) when the store does not open.
std::unique_ptr<StoreConnection> open(const QString& path, ManualClock& clock);
} // namespace SqliteContractStore
