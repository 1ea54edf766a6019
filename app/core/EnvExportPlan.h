#pragma once

#include "ApiKeyRecord.h"
#include "EnvFile.h"
#include "FieldError.h"

#include <QHash>

// What one .env export writes: which keys under which variable names, where, and optionally the
// API's base URL. Shared by the Export to .env dialog and keydeckctl export-env so both check
// the same things and name the same defaults.
class EnvExportPlan final
{
public:
    struct Entry
    {
        QString keyId;
        QString vaultEntry;   // the keychain entry of its secret
        QByteArray digestHex; // what the secret read from it must hash to
        QString label;
        QString hint; // display hint, shown in place of the secret
        KeyStatus status = KeyStatus::Active;
        QString variable;
    };

    // Entries for records with default names (EnvVarName::defaults) from the workspace prefix.
    EnvExportPlan(const QList<ApiKeyRecord>& records, const QString& workspacePrefix);

    const QList<Entry>& entries() const { return m_entries; }
    void setVariable(qsizetype index, const QString& name);
    void setPath(const QString& absolutePath) { m_path = absolutePath; }
    const QString& path() const { return m_path; }
    // An empty variable writes no base URL line.
    void setBaseUrl(const QString& variable, const QString& url);
    const QString& baseUrlVariable() const { return m_baseUrlVariable; }
    const QString& baseUrl() const { return m_baseUrl; }
    QString defaultBaseUrlVariable() const;

    // Fields: "file", "key \"LABEL\"", "base URL variable", "base URL".
    FieldErrors validate() const;
    static QString keyField(const QString& label);

    // What is written, with secretsById holding every entry's secret.
    QList<EnvFile::Variable> variables(const QHash<QString, QString>& secretsById) const;
    // The same with display hints in place of secrets, for previews.
    QList<EnvFile::Variable> maskedVariables() const;

private:
    QList<Entry> m_entries;
    QString m_prefix;
    QString m_path;
    QString m_baseUrlVariable;
    QString m_baseUrl;
};
