#pragma once

#include <QFuture>
#include <QString>
#include <QTest>
#include <optional>

// Waits for a future while spinning the event loop (so .then(context) continuations and
// keychain jobs run), failing the test after timeoutMs.
template <typename T> bool waitForFuture(const QFuture<T>& future, int timeoutMs = 20000)
{
    return QTest::qWaitFor([&] { return future.isFinished(); }, timeoutMs);
}

class TestSupport final
{
public:
    // Built with AddressSanitizer (the sanitizer preset), whose quarantine makes memory
    // figures meaningless.
#if defined(__SANITIZE_ADDRESS__)
    static constexpr bool UnderAddressSanitizer = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
    static constexpr bool UnderAddressSanitizer = true;
#else
    static constexpr bool UnderAddressSanitizer = false;
#endif
#else
    static constexpr bool UnderAddressSanitizer = false;
#endif

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
    // Waits for the future (spinning the event loop) and gives its value; on failure or timeout
    // logs what failed, naming `what`, and gives nullopt.
    template <typename T>
    static std::optional<T> valueOf(const QFuture<T>& future, const QString& what)
    {
        if (!waitForFuture(future)) {
            qWarning("%s: timed out", qPrintable(what));
            return std::nullopt;
        }
        try {
            return future.result();
        } catch (const std::exception& error) {
            qWarning("%s: %s", qPrintable(what), error.what());
            return std::nullopt;
        }
    }
    // Whole-file helpers: empty / false / -1 on failure.
    static QByteArray readFile(const QString& path);
    static bool writeFile(const QString& path, const QByteArray& bytes);
    // The mode bits as the kernel has them (07777), not as Qt maps them.
    static int unixMode(const QString& path);
    // An instant written in RFC 3339 ("2026-12-03T10:00:00Z"), as UTC milliseconds.
    static qint64 at(const char* rfc3339);
    // A fresh key spec that passes validation, with a unique label.
    static QString uniqueLabel(const QString& stem);
};
