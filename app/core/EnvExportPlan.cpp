#include "EnvExportPlan.h"

#include "CodeSample.h"
#include "EnvVarName.h"

#include <QDir>
#include <QFileInfo>

using namespace Qt::StringLiterals;

namespace {
QString variableProblem(const QString& name, const QString& problem)
{
    return name.isEmpty() ? u"variable name "_s + problem : u"variable %1 %2"_s.arg(name, problem);
}

FieldErrors pathErrors(const QString& path)
{
    const QString field = u"file"_s;
    if (path.isEmpty())
        return {{field, u"choose where to write the .env file"_s}};
    if (!QDir::isAbsolutePath(path))
        return {{field, u"give the full path of the file"_s}};
    const QFileInfo info(path);
    if (info.isDir())
        return {{field, u"%1 is a folder; add a file name such as .env"_s.arg(path)}};
    if (info.exists() && !info.isFile())
        return {{field, u"%1 is not a regular file"_s.arg(path)}};
    if (!QFileInfo(info.absolutePath()).isDir())
        return {{field, u"the folder %1 does not exist"_s.arg(info.absolutePath())}};
    return {};
}
} // namespace

EnvExportPlan::EnvExportPlan(const QList<ApiKeyRecord>& records, const QString& workspacePrefix)
    : m_prefix(workspacePrefix)
{
    QStringList labels;
    for (const ApiKeyRecord& record : records)
        labels << record.spec.label;
    const QStringList names = EnvVarName::defaults(workspacePrefix, labels);
    for (qsizetype i = 0; i < records.size(); ++i) {
        const ApiKeyRecord& r = records.at(i);
        m_entries << Entry{r.id,   r.vaultEntry, r.digestHex, r.spec.label,
                           r.hint, r.status,     names.at(i)};
    }
}

void EnvExportPlan::setVariable(qsizetype index, const QString& name)
{
    m_entries[index].variable = name;
}

void EnvExportPlan::setBaseUrl(const QString& variable, const QString& url)
{
    m_baseUrlVariable = variable;
    m_baseUrl = url;
}

QString EnvExportPlan::defaultBaseUrlVariable() const
{
    return EnvVarName::baseUrl(m_prefix);
}

QString EnvExportPlan::keyField(const QString& label)
{
    return u"key \"%1\""_s.arg(label);
}

FieldErrors EnvExportPlan::validate() const
{
    FieldErrors errors = pathErrors(m_path);
    if (m_entries.isEmpty())
        errors << FieldError{u"keys"_s, u"select at least one key"_s};

    QHash<QString, QString> usedBy; // variable -> field that uses it
    auto checkName = [&](const QString& field, const QString& name) {
        QString problem;
        if (!EnvVarName::isValid(name, &problem)) {
            errors << FieldError{field, variableProblem(name, problem)};
        } else if (usedBy.contains(name)) {
            errors << FieldError{
                field, u"variable %1 is also used for %2"_s.arg(name, usedBy.value(name))};
        } else {
            usedBy.insert(name, field);
        }
    };
    for (const Entry& entry : m_entries) {
        const QString field = keyField(entry.label);
        if (entry.status == KeyStatus::Revoked) {
            errors << FieldError{field, u"is revoked: every request with it fails with 401 "
                                        u"revoked_api_key"_s};
        }
        checkName(field, entry.variable);
    }
    if (!m_baseUrlVariable.isEmpty()) {
        checkName(u"base URL variable"_s, m_baseUrlVariable);
        QString problem;
        if (!CodeSample::isValidBaseUrl(m_baseUrl, &problem))
            errors << FieldError{u"base URL"_s, problem};
    }
    return errors;
}

QList<EnvFile::Variable> EnvExportPlan::variables(const QHash<QString, QString>& secretsById) const
{
    QList<EnvFile::Variable> out;
    for (const Entry& entry : m_entries)
        out << EnvFile::Variable{entry.variable, secretsById.value(entry.keyId)};
    if (!m_baseUrlVariable.isEmpty())
        out << EnvFile::Variable{m_baseUrlVariable, m_baseUrl};
    return out;
}

QList<EnvFile::Variable> EnvExportPlan::maskedVariables() const
{
    QHash<QString, QString> hints;
    for (const Entry& entry : m_entries)
        hints.insert(entry.keyId, entry.hint);
    return variables(hints);
}
