#pragma once

#include <QString>
#include <functional>
#include <memory>

// A request body spooled to a private temporary file (mode 0600), removed when the last
// reference goes: what a streamed upload becomes once it is received.
class UploadFile final
{
    Q_DISABLE_COPY_MOVE(UploadFile)

public:
    explicit UploadFile(QString path);
    ~UploadFile();

    const QString& path() const { return m_path; }

private:
    QString m_path;
};

// The body of a request to an upload route, not read yet: the handler checks who is asking
// first, so nobody unauthenticated gets to fill the disk, and only then asks for it. A handler
// that answers without receiving it gets its connection closed after the answer.
class RequestUpload
{
public:
    RequestUpload() = default;
    virtual ~RequestUpload() = default;
    Q_DISABLE_COPY_MOVE(RequestUpload)

    // Called on an I/O thread: the file, or (file null) the HTTP status that fits the failure
    // (413 too large, 408 too slow, 400 malformed or cut short) and why.
    using Done =
        std::function<void(std::shared_ptr<UploadFile> file, int errorStatus, QString error)>;
    // Reads the body into a temporary file; at most once.
    virtual void receive(Done done) = 0;
};
