#include "EnvFile.h"

#include "EnvVarName.h"

#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QSaveFile>
#include <QSet>
#include <algorithm>

using namespace Qt::StringLiterals;

namespace {
bool isNameStart(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

bool isNameChar(char c)
{
    return isNameStart(c) || (c >= '0' && c <= '9');
}

bool isBlank(char c)
{
    return c == ' ' || c == '\t';
}

// Where a value that opens a quote right after "=" closes: the index after the closing quote,
// or -1 when it never does. Double quotes honour backslash escapes, as in sh and dotenv.
qsizetype quotedValueEnd(const QByteArray& bytes, qsizetype open)
{
    const char quote = bytes.at(open);
    for (qsizetype i = open + 1; i < bytes.size(); ++i) {
        const char c = bytes.at(i);
        if (quote == '"' && c == '\\')
            ++i;
        else if (c == quote)
            return i + 1;
    }
    return -1;
}
} // namespace

EnvFile::EnvFile(QByteArray bytes)
    : m_bytes(std::move(bytes))
{}

std::optional<EnvFile> EnvFile::load(const QString& path, QString* error)
{
    const QFileInfo info(path);
    if (const QString link = symlinkProblem(path); !link.isEmpty()) {
        *error = link;
        return std::nullopt;
    }
    if (!info.exists())
        return EnvFile();
    // A FIFO or device would block or never end: only plain files are .env files.
    if (!info.isFile()) {
        *error = u"%1 is not a regular file"_s.arg(path);
        return std::nullopt;
    }
    if (info.size() > MaxFileBytes) {
        *error =
            u"%1 is larger than %2 bytes; that is not a .env file"_s.arg(path).arg(MaxFileBytes);
        return std::nullopt;
    }
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = u"cannot read %1: %2"_s.arg(path, file.errorString());
        return std::nullopt;
    }
    QByteArray bytes = file.read(MaxFileBytes + 1);
    if (bytes.size() > MaxFileBytes) {
        *error =
            u"%1 is larger than %2 bytes; that is not a .env file"_s.arg(path).arg(MaxFileBytes);
        return std::nullopt;
    }
    return EnvFile(std::move(bytes));
}

QList<EnvFile::Assignment> EnvFile::assignments() const
{
    QList<Assignment> found;
    const QByteArray& b = m_bytes;
    const qsizetype n = b.size();
    qsizetype pos = 0;
    int line = 1;
    while (pos < n) {
        qsizetype lineEnd = b.indexOf('\n', pos);
        if (lineEnd < 0)
            lineEnd = n;

        qsizetype i = pos;
        while (i < lineEnd && isBlank(b.at(i)))
            ++i;
        if (b.sliced(i, lineEnd - i).startsWith("export") && i + 6 < lineEnd &&
            isBlank(b.at(i + 6))) {
            i += 6;
            while (i < lineEnd && isBlank(b.at(i)))
                ++i;
        }
        const qsizetype nameStart = i;
        if (i < lineEnd && isNameStart(b.at(i))) {
            while (i < lineEnd && isNameChar(b.at(i)))
                ++i;
        }
        if (i == nameStart || i >= lineEnd || b.at(i) != '=') {
            pos = lineEnd + 1;
            ++line;
            continue;
        }

        Assignment a;
        a.name = b.sliced(nameStart, i - nameStart);
        a.nameStart = nameStart;
        a.line = line;
        qsizetype last = lineEnd; // the line ending that closes this assignment
        const qsizetype valueStart = i + 1;
        if (valueStart < lineEnd && (b.at(valueStart) == '\'' || b.at(valueStart) == '"')) {
            const qsizetype close = quotedValueEnd(b, valueStart);
            if (close < 0) {
                a.unterminated = true;
            } else if (close > lineEnd) {
                // A multi-line value: it runs to the end of the line where its quote closes.
                last = b.indexOf('\n', close);
                if (last < 0)
                    last = n;
            }
        }
        a.end = last > valueStart && b.at(last - 1) == '\r' ? last - 1 : last;
        found << a;
        line += int(std::count(b.cbegin() + pos, b.cbegin() + std::min(last, n), '\n')) + 1;
        pos = last + 1;
    }
    return found;
}

QList<int> EnvFile::linesAssigning(const QString& name) const
{
    const QByteArray wanted = name.toUtf8();
    QList<int> lines;
    const QList<Assignment> all = assignments();
    for (const Assignment& a : all) {
        if (a.name == wanted)
            lines << a.line;
    }
    return lines;
}

FieldErrors EnvFile::validate(const QList<Variable>& variables)
{
    FieldErrors errors;
    QHash<QString, int> seen;
    for (const Variable& v : variables) {
        QString problem;
        const QString field = v.name.isEmpty() ? u"variable name"_s : v.name;
        if (!EnvVarName::isValid(v.name, &problem)) {
            errors << FieldError{field, problem};
            continue;
        }
        if (seen[v.name]++ == 1)
            errors << FieldError{field, u"is given more than once"_s};
        // A single-quoted sh word cannot hold a quote; line breaks and NUL end or cut the line
        // for every .env reader.
        if (v.value.contains(u'\''))
            errors << FieldError{field, u"the value contains a single quote (')"_s};
        if (v.value.contains(u'\n') || v.value.contains(u'\r'))
            errors << FieldError{field, u"the value contains a line break"_s};
        if (v.value.contains(QChar(0)))
            errors << FieldError{field, u"the value contains a NUL character"_s};
    }
    return errors;
}

QString EnvFile::quoted(const QString& value)
{
    return u'\'' + value + u'\'';
}

QString EnvFile::assignment(const Variable& variable)
{
    return variable.name + u'=' + quoted(variable.value);
}

QString EnvFile::exportLine(const Variable& variable)
{
    return u"export "_s + assignment(variable);
}

FieldErrors EnvFile::set(const QList<Variable>& variables)
{
    FieldErrors errors = validate(variables);
    if (!errors.isEmpty())
        return errors;

    QHash<QByteArray, QByteArray> replacement;
    for (const Variable& v : variables)
        replacement.insert(v.name.toUtf8(), assignment(v).toUtf8());

    const QList<Assignment> existing = assignments();
    QSet<QByteArray> replaced;
    for (const Assignment& a : existing) {
        // Whatever comes after such a line is read as part of its value: sh refuses the file
        // and dotenv loaders swallow what KeyDeck would add.
        if (a.unterminated) {
            errors << FieldError{u"file"_s,
                                 u"line %1 (%2) opens a quote that never closes; fix that line by "
                                 u"hand first"_s.arg(a.line)
                                     .arg(QString::fromLatin1(a.name))};
        }
        if (replacement.contains(a.name))
            replaced.insert(a.name);
    }
    if (!errors.isEmpty())
        return errors;

    QByteArray out;
    out.reserve(m_bytes.size() + 256);
    qsizetype pos = 0;
    for (const Assignment& a : existing) {
        if (!replacement.contains(a.name))
            continue;
        out += m_bytes.sliced(pos, a.nameStart - pos);
        out += replacement.value(a.name);
        pos = a.end;
        // sh reads a CR before the line feed into the value: KeyDeck's lines end with LF alone,
        // whatever the rest of the file uses (dotenv loaders read both).
        if (pos + 1 < m_bytes.size() && m_bytes.at(pos) == '\r' && m_bytes.at(pos + 1) == '\n')
            ++pos;
    }
    out += m_bytes.sliced(pos);

    const QByteArray eol = "\n";
    bool needsBreak = !out.isEmpty() && !out.endsWith('\n');
    for (const Variable& v : variables) {
        const QByteArray name = v.name.toUtf8();
        if (replaced.contains(name))
            continue;
        if (needsBreak)
            out += eol;
        needsBreak = false;
        out += replacement.value(name) + eol;
    }
    m_bytes = std::move(out);
    return {};
}

QString EnvFile::symlinkProblem(const QString& path)
{
    const QFileInfo info(path);
    if (!info.isSymLink())
        return {};
    return u"%1 is a symbolic link (to %2); KeyDeck does not write secrets through links: "
           u"choose the file itself"_s.arg(path, info.symLinkTarget());
}

bool EnvFile::save(const QString& path, QString* error) const
{
    // QSaveFile would follow the link: rewrite (and chmod) its target, or create a dangling
    // link's target wherever it points.
    if (const QString link = symlinkProblem(path); !link.isEmpty()) {
        *error = link;
        return false;
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        *error = u"cannot write %1: %2"_s.arg(path, file.errorString());
        return false;
    }
    // Before any byte is written: a new QSaveFile gets 0666 minus the umask, and one replacing
    // a file copies that file's mode.
    if (!file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner)) {
        *error = u"cannot make %1 private to its owner: %2"_s.arg(path, file.errorString());
        file.cancelWriting();
        return false;
    }
    if (file.write(m_bytes) != m_bytes.size() || !file.commit()) {
        *error = u"cannot write %1: %2"_s.arg(path, file.errorString());
        return false;
    }
    return true;
}
