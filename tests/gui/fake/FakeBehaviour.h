#pragma once

#include "StoreError.h"

#include <QFuture>
#include <QObject>
#include <QPromise>
#include <QTimer>
#include <memory>
#include <optional>
#include <type_traits>

// How a fake store answers: after delayMs (a slow store or network), and with failure instead
// of a result when one is set (a store that is down, refuses the credentials, ...). Answers
// arrive on the fake's thread through its event loop, as a real store's do.
struct FakeBehaviour
{
    int delayMs = 0;
    std::optional<StoreError> failure;
    int calls = 0;

    // What the fakes answer to what they do not keep.
    static StoreError unsupported(const QString& what)
    {
        return StoreError(StoreError::Code::Unavailable,
                          QStringLiteral("The test store keeps no %1.").arg(what));
    }

    template <typename T, typename Work> QFuture<T> answer(QObject* context, Work work)
    {
        ++calls;
        auto promise = std::make_shared<QPromise<T>>();
        promise->start();
        QTimer::singleShot(delayMs, context, [promise, failure = failure, work = std::move(work)] {
            if (failure) {
                promise->setException(*failure);
            } else {
                try {
                    if constexpr (std::is_void_v<T>)
                        work();
                    else
                        promise->addResult(work());
                } catch (const StoreError& error) {
                    promise->setException(error);
                }
            }
            promise->finish();
        });
        return promise->future();
    }
};
