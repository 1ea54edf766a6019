#pragma once

#include "StoreError.h"
#include "TestSupport.h"

#include <QFuture>
#include <QString>
#include <optional>
#include <type_traits>
#include <variant>

// How a KeyStore future ended, waited for on a spinning event loop, so tests assert on the value
// or on the StoreError without exceptions escaping into QTest.
template <typename T> class StoreOutcome final
{
public:
    using Value = std::conditional_t<std::is_void_v<T>, std::monostate, T>;

    explicit StoreOutcome(QFuture<T> future, int timeoutMs = 20000)
    {
        if (!waitForFuture(future, timeoutMs)) {
            m_problem = QStringLiteral("no answer within %1 ms").arg(timeoutMs);
            return;
        }
        try {
            if constexpr (std::is_void_v<T>) {
                future.waitForFinished();
                m_value = std::monostate();
            } else {
                m_value = future.result();
            }
        } catch (const StoreError& error) {
            m_error = error;
            m_problem =
                QStringLiteral("StoreError %1: %2").arg(int(error.code())).arg(error.fullText());
        } catch (const std::exception& error) {
            m_problem = QStringLiteral("unexpected exception: ") + QString::fromUtf8(error.what());
        }
    }

    bool ok() const { return m_value.has_value(); }
    const Value& value() const { return *m_value; }
    const std::optional<StoreError>& error() const { return m_error; }
    bool failedWith(StoreError::Code code) const { return m_error && m_error->code() == code; }
    bool namesField(const QString& field) const
    {
        if (!m_error)
            return false;
        for (const FieldError& fieldError : m_error->fieldErrors()) {
            if (fieldError.field == field)
                return true;
        }
        return false;
    }
    // For QVERIFY2: what happened instead.
    QString describe() const { return ok() ? QStringLiteral("succeeded") : m_problem; }

private:
    std::optional<Value> m_value;
    std::optional<StoreError> m_error;
    QString m_problem;
};

template <typename T> StoreOutcome<T> outcomeOf(const QFuture<T>& future, int timeoutMs = 20000)
{
    return StoreOutcome<T>(future, timeoutMs);
}
