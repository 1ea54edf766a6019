#pragma once

#include <QString>
#include <optional>

// The one rule for text that tables and messages show (labels, models, endpoints, request ids):
// no control characters, line breaks, bidi overrides or zero-width characters, which make one
// text look like another, and no U+FFFD, which is what invalid UTF-8 decodes to.
class PlainText final
{
public:
    // Why text breaks the rule ("contains …"), or nullopt.
    static std::optional<QString> problem(QStringView text);
};
