#pragma once

#include <QString>

// Counts as people read them in messages and printouts, the same whatever the system's locale.
class CountText final
{
public:
    // "10,000": the C locale's digits, thousands grouped.
    static QString grouped(qint64 n);
};
