#include "KeyEvent.h"

using namespace Qt::StringLiterals;

QString KeyEvent::kindName(Kind kind)
{
    switch (kind) {
    case Kind::Created:
        return u"created"_s;
    case Kind::Updated:
        return u"updated"_s;
    case Kind::Rotated:
        return u"rotated"_s;
    case Kind::QuotaReset:
        return u"quota_reset"_s;
    case Kind::Disabled:
        return u"disabled"_s;
    case Kind::Enabled:
        return u"enabled"_s;
    case Kind::Revoked:
        return u"revoked"_s;
    }
    return {};
}
