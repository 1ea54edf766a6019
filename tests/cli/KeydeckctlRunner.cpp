#include "KeydeckctlRunner.h"

#include <QDebug>
#include <QJsonDocument>
#include <QProcess>

using namespace Qt::StringLiterals;

KeydeckctlRunner::KeydeckctlRunner(QString xdgDataHome)
    : m_xdgDataHome(std::move(xdgDataHome))
{}

QString KeydeckctlRunner::program()
{
    return QStringLiteral(KEYDECKCTL_PATH);
}

KeydeckctlRunner::Run KeydeckctlRunner::run(const QStringList& arguments,
                                            const QProcessEnvironment& extraEnv) const
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"XDG_DATA_HOME"_s, m_xdgDataHome);
    env.remove(u"KEYDECK_STORE"_s);
    const QStringList extraKeys = extraEnv.keys();
    for (const QString& key : extraKeys)
        env.insert(key, extraEnv.value(key));

    QProcess process;
    process.setProcessEnvironment(env);
    process.start(program(), arguments);
    Run result;
    if (!process.waitForStarted(10000) || !process.waitForFinished(60000)) {
        qWarning().noquote() << "keydeckctl did not run:" << process.errorString();
        process.kill();
        process.waitForFinished();
        return result;
    }
    result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -2;
    result.out = QString::fromUtf8(process.readAllStandardOutput());
    result.err = QString::fromUtf8(process.readAllStandardError());
    return result;
}

QJsonObject KeydeckctlRunner::jsonObject(const QString& text)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(text.toUtf8(), &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        qWarning().noquote() << "not a JSON object:" << error.errorString() << text.left(500);
    return doc.object();
}

QJsonArray KeydeckctlRunner::jsonArray(const QString& text)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(text.toUtf8(), &error);
    if (error.error != QJsonParseError::NoError || !doc.isArray())
        qWarning().noquote() << "not a JSON array:" << error.errorString() << text.left(500);
    return doc.array();
}
