#pragma once

#include "CliArguments.h"

// keydeckctl --help, keys --help, workspace --help and usage --help.
class CliHelp final
{
public:
    static QString text(CliArguments::HelpTopic topic);
};
