#pragma once

#include "AuditEntry.h"

#include <QFuture>
#include <QObject>

// The audit log of admin actions: appended by the server, read by admins, never edited.
// Every text a caller passes goes through the key redactor before it is stored, so a key
// pasted into a label or a target is kept as its hint.
class AuditStore : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AuditStore)

public:
    explicit AuditStore(QObject* parent = nullptr)
        : QObject(parent)
    {}
    ~AuditStore() override = default;

    // The stored entry, with its id (growing) and the store's clock as its time.
    virtual QFuture<AuditEntry> recordAudit(const AuditEntry& entry) = 0;

    struct Page
    {
        QList<AuditEntry> entries;
        // Empty on the last page.
        QString nextCursor;
    };
    // Newest first, limit per page (1-1000). cursor: a nextCursor this store gave, or empty for
    // the first page; any other is StoreError::Invalid naming "cursor".
    virtual QFuture<Page> auditEntries(const QString& cursor, int limit) = 0;
    static constexpr int MaxPageSize = 1000;
};
