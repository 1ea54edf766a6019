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
    QString cursor;
};

void fail(const std::shared_ptr<ExportState>& state, const QString& message)
{
    state->file.cancelWriting();
    state->promise.setException(
        std::make_exception_ptr(StoreError(StoreError::Code::Unavailable, message)));
    state->promise.finish();
}

struct Page
{
    QByteArray text;
    qint64 rows = 0;
    QString nextCursor;
};

void writePage(const std::shared_ptr<ExportState>& state)
{
    if (state->promise.isCanceled()) {
        state->file.cancelWriting();
        state->promise.finish();
        return;
    }
    // Page after page from the store's cursor: events stored while the export runs (a backdated
    // import) never make it write a row twice or leave one out.
    state->store
        ->usageLogs(state->query, UsageStore::LogColumn::Time, Qt::AscendingOrder, state->cursor,
                    UsageCsvExport::PageSize)
        .then(QtFuture::Launch::Async,
              [labels = state->keyLabels](const UsageStore::LogPage& logPage) {
                  Page page{{}, qint64(logPage.events.size()), logPage.nextCursor};
                  for (const UsageEvent& event : logPage.events)
                      page.text += UsageCodec::toCsvLine(event, labels.value(event.key, event.key));
                  return page;
              })
        .then(state->context,
              [state](const Page& page) {
                  if (state->file.write(page.text) != page.text.size()) {
                      fail(state, u"Could not write %1: %2"_s.arg(state->file.fileName(),
                                                                  state->file.errorString()));
                      return;
                  }
                  state->written += page.rows;
                  state->cursor = page.nextCursor;
                  state->promise.setProgressValue(
                      int(qMin<qint64>(state->written, std::numeric_limits<int>::max())));
                  if (!state->cursor.isEmpty()) {
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
