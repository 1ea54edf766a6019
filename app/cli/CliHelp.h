#pragma once

#include "CliArguments.h"

// keydeckctl --help, keys --help and workspace --help.
class CliHelp final
{
public:
    static QString text(CliArguments::HelpTopic topic);
};
