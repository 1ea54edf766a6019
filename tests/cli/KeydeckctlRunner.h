#pragma once

#include <QJsonArray>
#include <QJsonObject>
#include <QProcessEnvironment>
#include <QStringList>

// Runs the real keydeckctl binary (KEYDECKCTL_PATH) the way a user does, with a default store
// that can never be a real one.
class KeydeckctlRunner final
{
public:
    struct Run
    {
        int exitCode = -1;
        QString out;
        QString err;
    };

    // xdgDataHome: where the default store would go when a run gives no --store.
    explicit KeydeckctlRunner(QString xdgDataHome);

    static QString program();
    Run run(const QStringList& arguments, const QProcessEnvironment& extraEnv = {}) const;

    // Parsed output; a warning with the text when it is not the expected JSON.
    static QJsonObject jsonObject(const QString& text);
    static QJsonArray jsonArray(const QString& text);

private:
    QString m_xdgDataHome;
};
