#pragma once

#include <QFuture>
#include <QString>
#include <QTest>

// Waits for a future while spinning the event loop (so .then(context) continuations and
// keychain jobs run), failing the test after timeoutMs.
template <typename T> bool waitForFuture(const QFuture<T>& future, int timeoutMs = 20000)
{
    return QTest::qWaitFor([&] { return future.isFinished(); }, timeoutMs);
}

class TestSupport final
{
public:
    // Runs f, returns the exception's text, or empty when nothing was thrown.
    template <typename F> static QString errorText(F&& f)
    {
        try {
            f();
        } catch (const std::exception& e) {
            return QString::fromUtf8(e.what());
        }
        return {};
    }
    // A fresh key spec that passes validation, with a unique label.
    static QString uniqueLabel(const QString& stem);
};
