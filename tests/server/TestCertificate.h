#pragma once

#include <QString>

// A self-signed certificate for 127.0.0.1 (and its key) made with the openssl tool, for servers
// the tests speak HTTPS with.
class TestCertificate final
{
public:
    // Writes cert.pem and key.pem into the folder (made if missing); false and the reason when
    // openssl fails.
    static bool make(const QString& folder, QString* error);

    explicit TestCertificate(const QString& folder);
    QString certificatePath() const { return m_certificatePath; }
    QString keyPath() const { return m_keyPath; }

private:
    QString m_certificatePath;
    QString m_keyPath;
};
