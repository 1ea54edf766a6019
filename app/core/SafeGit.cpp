#include "SafeGit.h"

#include <QProcess>
#include <QProcessEnvironment>

using namespace Qt::StringLiterals;

void SafeGit::start(QProcess& process, const QString& gitProgram, const QString& dir,
                    const QStringList& arguments)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const QString& name :
         {u"GIT_DIR"_s, u"GIT_WORK_TREE"_s, u"GIT_INDEX_FILE"_s, u"GIT_CEILING_DIRECTORIES"_s})
        env.remove(name);
    env.insert(u"GIT_OPTIONAL_LOCKS"_s, u"0"_s);
    env.insert(u"GIT_TERMINAL_PROMPT"_s, u"0"_s);
    env.insert(u"GIT_PAGER"_s, u"cat"_s);
    process.setProcessEnvironment(env);
    process.setStandardInputFile(QProcess::nullDevice());
    const QStringList safe{
        u"-c"_s,        u"core.fsmonitor=false"_s,      u"-c"_s, u"core.hooksPath=/dev/null"_s,
        u"-c"_s,        u"core.untrackedCache=false"_s, u"-c"_s, u"diff.external="_s,
        u"--no-pager"_s};
    process.start(gitProgram, safe + QStringList{u"-C"_s, dir} + arguments);
}
