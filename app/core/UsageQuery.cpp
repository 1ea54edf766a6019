#include "UsageQuery.h"

std::pair<int, int> UsageQuery::statusRange(StatusClass statusClass)
{
    switch (statusClass) {
    case StatusClass::All:
        return {0, 999};
    case StatusClass::Success:
        return {0, 399};
    case StatusClass::ClientError:
        return {400, 499};
    case StatusClass::ServerError:
        return {500, 999};
    case StatusClass::Errors:
        return {400, 999};
    }
    return {0, 999};
}
