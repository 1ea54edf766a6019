#pragma once

#include <QString>
#include <QStringList>

class QProcess;

// git on a folder that may be hostile: its .git/config can name programs git would run
// (core.fsmonitor when the index is read, hooks, a pager); none of them runs, the index is not
// rewritten, and the folder decides the repository, not variables a hook or shell may have set.
class SafeGit final
{
public:
    static void start(QProcess& process, const QString& gitProgram, const QString& dir,
                      const QStringList& arguments);
};
