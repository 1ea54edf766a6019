#pragma once

#include <QFuture>
#include <QObject>
#include <exception>
#include <type_traits>

// Runs onValue(result) or onError(exception) on context's thread when a store or keychain future
// finishes. Returns the continuation, so a caller can chain onCanceled.
class FutureCallbacks final
{
public:
    template <typename T, typename OnValue, typename OnError>
    static QFuture<void> whenDone(QFuture<T> future, QObject* context, OnValue onValue,
                                  OnError onError)
    {
        return future.then(context, [onValue = std::move(onValue),
                                     onError = std::move(onError)](QFuture<T> done) mutable {
            try {
                done.waitForFinished(); // rethrows the future's exception, if any
            } catch (...) {
                onError(std::current_exception());
                return;
            }
            if constexpr (std::is_void_v<T>)
                onValue();
            else
                onValue(done.result());
        });
    }
};
