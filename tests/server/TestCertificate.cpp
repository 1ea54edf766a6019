#include "TestCertificate.h"

#include <QDir>
#include <QProcess>

using namespace Qt::StringLiterals;

TestCertificate::TestCertificate(const QString& folder)
    : m_certificatePath(QDir(folder).filePath(u"cert.pem"_s))
    , m_keyPath(QDir(folder).filePath(u"key.pem"_s))
{}

bool TestCertificate::make(const QString& folder, QString* error)
{
    if (!QDir().mkpath(folder)) {
        *error = u"cannot make %1"_s.arg(folder);
        return false;
    }
    const TestCertificate paths(folder);
    QProcess openssl;
    openssl.setProcessChannelMode(QProcess::MergedChannels);
    openssl.start(u"openssl"_s,
                  {u"req"_s, u"-x509"_s, u"-newkey"_s, u"ec"_s, u"-pkeyopt"_s,
                   u"ec_paramgen_curve:prime256v1"_s, u"-nodes"_s, u"-days"_s, u"1"_s, u"-subj"_s,
                   u"/CN=127.0.0.1"_s, u"-addext"_s, u"subjectAltName=IP:127.0.0.1"_s, u"-keyout"_s,
                   paths.keyPath(), u"-out"_s, paths.certificatePath()});
    if (!openssl.waitForFinished(30'000) || openssl.exitStatus() != QProcess::NormalExit ||
        openssl.exitCode() != 0) {
        *error = u"openssl req failed: "_s + QString::fromLocal8Bit(openssl.readAll());
        return false;
    }
    return true;
}
