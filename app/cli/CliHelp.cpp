#include "CliHelp.h"

using namespace Qt::StringLiterals;

namespace {
QString general()
{
    return uR"(Usage: keydeckctl [--store PATH] <command> [options]

Manage KeyDeck API keys from a terminal, on the same local store as the KeyDeck app.

Commands:
  keys create --label L [key options] [--no-keychain] [--json]
                                    create a key; prints its secret once
  keys list [--json]                all keys, newest first
  keys show ID|LABEL [--json]       every field of one key
  keys update ID|LABEL [key options] [--json]
                                    change only the options given
  keys disable|enable ID|LABEL [--json]
  keys revoke ID|LABEL [--json]     immediate and final
  keys delete ID|LABEL [--json]     also removes the secret from the keychain
  workspace show [--json]
  workspace set [--prefix P] [--subscription-prefix P] [--json]

Global options:
  --store PATH   the SQLite store (default: $KEYDECK_STORE, else the app's store)
  --help, -h     this help; "keydeckctl keys --help" lists the key options
  --version      the version

The secret of a key is printed by "keys create" only, and saved in the OS keychain
(Secret Service) unless --no-keychain is given. No other command prints it.

Exit codes:
  0  success
  1  runtime error (the store or the keychain could not be used)
  2  usage or validation error; nothing was changed
  3  no key with that id or label
  4  refused: the key is revoked (revocation is final) or the label is in use
)"_s;
}

QString keys()
{
    return uR"(Usage: keydeckctl [--store PATH] keys <create|list|show|update|disable|enable|revoke|delete>

  keys create --label L [key options] [--no-keychain] [--json]
  keys list [--json]
  keys show ID|LABEL [--json]
  keys update ID|LABEL [key options] [--json]
  keys disable|enable|revoke|delete ID|LABEL [--json]

Key options (update changes only those given):
  --label L                     required for create; unique; at most 64 characters
  --env E                       dev (default), staging, prod or a custom name
  --type standard|subscription  subscription keys: quota resets every billing cycle
  --billing-day N               subscription billing day, 1-28 (default 1)
  --permissions P,...           read, write, admin, webhook (default read,write)
  --models M,...                model allowlist; '' allows every model (default)
  --ips CIDR,...                IP allowlist, e.g. 192.168.1.0/24,10.0.0.1; '' allows any
  --expires TIME|never          RFC 3339 with a zone, e.g. 2027-01-31T00:00:00Z
  --quota-usd USD|unlimited     e.g. 25.00 (default unlimited)
  --tier free|starter|pro|enterprise
                                free 5 req/min, starter 100, pro 1,000, enterprise custom
  --rpm N|default               requests/minute, never above the tier's
  --tpm N|default               tokens/minute, never above the tier's
  --spend-cap-day USD|none
  --spend-cap-week USD|none
  --spend-cap-month USD|none

Create only:
  --no-keychain                 do not save the secret in the OS keychain
  --json                        print the record with "secret" and "keychain"
                                ("saved", "not_saved" or "skipped")

ID|LABEL is a key's id or its exact label; put it after -- if it starts with "-".
)"_s;
}

QString workspace()
{
    return uR"(Usage: keydeckctl [--store PATH] workspace <show|set>

  workspace show [--json]
  workspace set [--prefix P] [--subscription-prefix P] [--json]

  --prefix P                prefix of new standard keys, e.g. sk-aisa- (default sk-)
  --subscription-prefix P   prefix of new subscription keys (default sk-sub-)

Prefixes are lower-case letters and digits in groups ending with "-". Existing keys keep
their prefix.
)"_s;
}
} // namespace

QString CliHelp::text(CliArguments::HelpTopic topic)
{
    switch (topic) {
    case CliArguments::HelpTopic::Keys:
        return keys();
    case CliArguments::HelpTopic::Workspace:
        return workspace();
    case CliArguments::HelpTopic::General:
        break;
    }
    return general();
}
