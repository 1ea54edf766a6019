#include "SecretServiceTools.h"

#include "ApiKeyFormat.h"

#include <QDBusConnection>
#include <QDBusConnectionInterface>
#include <QDBusMessage>
#include <QDBusObjectPath>
#include <QDBusVariant>
#include <QDirIterator>
#include <QFile>
#include <QProcess>
#include <QRandomGenerator>

using namespace Qt::StringLiterals;

namespace {

const QString kBusName = u"org.freedesktop.secrets"_s;
const QString kLoginPath = u"/org/freedesktop/secrets/collection/login"_s;

// Runs secret-tool; returns its exit code, or -1 with error set when it could not run.
int secretTool(const QStringList& arguments, QProcess::ProcessChannelMode channels,
               QByteArray* output, QString* error)
{
    QProcess process;
    process.setProcessChannelMode(channels);
    process.start(u"secret-tool"_s, arguments);
    if (!process.waitForStarted(5000) || !process.waitForFinished(15000)) {
        *error =
            u"secret-tool (package libsecret-tools) could not run: %1"_s.arg(process.errorString());
        return -1;
    }
    *output = process.readAllStandardOutput();
    return process.exitCode();
}

QDBusMessage callSecretService(const QString& path, const QString& interface, const QString& method,
                               const QVariantList& arguments)
{
    auto message = QDBusMessage::createMethodCall(kBusName, path, interface, method);
    message.setArguments(arguments);
    return QDBusConnection::sessionBus().call(message, QDBus::Block, 5000);
}

bool noPromptNeeded(const QDBusMessage& reply, QString* error)
{
    if (reply.type() == QDBusMessage::ErrorMessage) {
        *error = reply.errorMessage();
        return false;
    }
    const auto prompt = reply.arguments().constLast().value<QDBusObjectPath>();
    if (prompt.path() != u"/"_s) {
        *error = u"the Secret Service wants a prompt: "_s + prompt.path();
        return false;
    }
    return true;
}

} // namespace

bool SecretServiceTools::insidePrivateKeyring()
{
    return qEnvironmentVariable("KEYDECK_TEST_KEYRING") == u"private"_s;
}

QString SecretServiceTools::randomSecret()
{
    return ApiKeyFormat::generate(ApiKeyFormat::defaultPrefix(), *QRandomGenerator::global());
}

std::optional<QString> SecretServiceTools::lookup(const QString& service, const QString& keyId,
                                                  QString* error)
{
    // QtKeychain's libsecret backend keys entries by these attributes.
    QByteArray output;
    const int exitCode = secretTool({u"lookup"_s, u"server"_s, service, u"user"_s, keyId},
                                    QProcess::SeparateChannels, &output, error);
    if (exitCode != 0)
        return std::nullopt;
    return QString::fromUtf8(output);
}

QStringList SecretServiceTools::itemsOf(const QString& service, QString* error)
{
    // secret-tool prints the attributes on stderr.
    QByteArray output;
    secretTool({u"search"_s, u"--all"_s, u"server"_s, service}, QProcess::MergedChannels, &output,
               error);
    QStringList users;
    const QStringList lines = QString::fromUtf8(output).split(u'\n');
    for (const QString& line : lines) {
        if (line.startsWith(u"attribute.user = "_s))
            users += line.mid(17);
    }
    return users;
}

bool SecretServiceTools::lockLoginCollection(QString* error)
{
    const QList<QDBusObjectPath> objects{QDBusObjectPath(kLoginPath)};
    return noPromptNeeded(callSecretService(u"/org/freedesktop/secrets"_s,
                                            u"org.freedesktop.Secret.Service"_s, u"Lock"_s,
                                            {QVariant::fromValue(objects)}),
                          error);
}

bool SecretServiceTools::deleteLoginCollection(QString* error)
{
    return noPromptNeeded(
        callSecretService(kLoginPath, u"org.freedesktop.Secret.Collection"_s, u"Delete"_s, {}),
        error);
}

std::optional<bool> SecretServiceTools::loginCollectionLocked(QString* error)
{
    const QDBusMessage reply =
        callSecretService(kLoginPath, u"org.freedesktop.DBus.Properties"_s, u"Get"_s,
                          {u"org.freedesktop.Secret.Collection"_s, u"Locked"_s});
    if (reply.type() == QDBusMessage::ErrorMessage) {
        *error = reply.errorMessage();
        return std::nullopt;
    }
    return reply.arguments().constFirst().value<QDBusVariant>().variant().toBool();
}

qint64 SecretServiceTools::secretServicePid()
{
    const auto reply = QDBusConnection::sessionBus().interface()->servicePid(kBusName);
    return reply.isValid() ? qint64(reply.value()) : 0;
}

QStringList SecretServiceTools::filesContaining(const QString& dir, const QByteArray& needle,
                                                int* scanned)
{
    QStringList hits;
    QDirIterator it(dir, QDir::Files | QDir::Hidden | QDir::System | QDir::NoSymLinks,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        if (!it.fileInfo().isFile())
            continue;
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            continue;
        ++*scanned;
        if (file.readAll().contains(needle))
            hits += path;
    }
    return hits;
}
