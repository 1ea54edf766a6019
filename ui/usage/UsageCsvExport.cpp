#include "UsageCsvExport.h"

#include "StoreError.h"
#include "UsageCodec.h"
#include "UsageStore.h"

#include <QPromise>
#include <QSaveFile>
#include <memory>

using namespace Qt::StringLiterals;

namespace {
struct ExportState
{
    UsageStore* store = nullptr;
    UsageQuery query;
    QHash<QString, QString> keyLabels;
    QObject* context = nullptr;
    QSaveFile file;
    QPromise<qint64> promise;
    qint64 written = 0;
};

void fail(const std::shared_ptr<ExportState>& state, const QString& message)
{
    state->file.cancelWriting();
    state->promise.setException(
        std::make_exception_ptr(StoreError(StoreError::Code::Unavailable, message)));
    state->promise.finish();
}

void writePage(const std::shared_ptr<ExportState>& state)
{
    if (state->promise.isCanceled()) {
        state->file.cancelWriting();
        state->promise.finish();
        return;
    }
    // Oldest first: events that arrive while the export runs land after the rows already read,
    // so paging by offset neither skips nor repeats a row.
    state->store
        ->usageLogs(state->query, state->written, UsageCsvExport::PageSize,
                    UsageStore::LogColumn::Time, Qt::AscendingOrder)
        .then(QtFuture::Launch::Async,
              [labels = state->keyLabels](const QList<UsageEvent>& events) {
                  QByteArray text;
                  for (const UsageEvent& event : events)
                      text += UsageCodec::toCsvLine(event, labels.value(event.key, event.key));
                  return std::pair(text, qint64(events.size()));
              })
        .then(state->context,
              [state](const std::pair<QByteArray, qint64>& page) {
                  if (state->file.write(page.first) != page.first.size()) {
                      fail(state, u"Could not write %1: %2"_s.arg(state->file.fileName(),
                                                                  state->file.errorString()));
                      return;
                  }
                  state->written += page.second;
                  state->promise.setProgressValue(
                      int(qMin<qint64>(state->written, std::numeric_limits<int>::max())));
                  if (page.second == UsageCsvExport::PageSize) {
                      writePage(state);
                      return;
                  }
                  if (!state->file.commit()) {
                      fail(state, u"Could not save %1: %2"_s.arg(state->file.fileName(),
                                                                 state->file.errorString()));
                      return;
                  }
                  state->promise.addResult(state->written);
                  state->promise.finish();
              })
        .onFailed(state->context, [state](const std::exception& error) {
            const auto* storeError = dynamic_cast<const StoreError*>(&error);
            fail(state, storeError ? storeError->fullText() : QString::fromUtf8(error.what()));
        });
}
} // namespace

QFuture<qint64> UsageCsvExport::start(UsageStore& store, const UsageQuery& query,
                                      const QHash<QString, QString>& keyLabels, const QString& path,
                                      qint64 expectedRows, QObject* context)
{
    auto state = std::make_shared<ExportState>();
    state->store = &store;
    state->query = query;
    state->keyLabels = keyLabels;
    state->context = context;
    state->file.setFileName(path);
    QFuture<qint64> future = state->promise.future();
    state->promise.start();
    state->promise.setProgressRange(
        0, int(qMin<qint64>(qMax<qint64>(expectedRows, 1), std::numeric_limits<int>::max())));
    // Client IPs and request ids are not for every account on the machine.
    if (!state->file.open(QIODevice::WriteOnly) ||
        !state->file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner)) {
        fail(state, u"Could not write %1: %2"_s.arg(path, state->file.errorString()));
        return future;
    }
    const QByteArray header = UsageCodec::csvHeaderLine();
    if (state->file.write(header) != header.size()) {
        fail(state, u"Could not write %1: %2"_s.arg(path, state->file.errorString()));
        return future;
    }
    writePage(state);
    return future;
}
