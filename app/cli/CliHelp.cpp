#include "CliHelp.h"

using namespace Qt::StringLiterals;

namespace {
QString general()
{
    return uR"(Usage: keydeckctl [--store PATH | --server URL] <command> [options]

Manage KeyDeck API keys from a terminal, on the same local store as the KeyDeck app or on a
keydeck-server.

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
  keys rotate ID|LABEL [--no-keychain] [--json]
                                    a replacement with the same settings and the label's
                                    version bumped (-v2, -v3); prints its secret once
  workspace show [--json]
  workspace set [--prefix P] [--subscription-prefix P] [--json]
  usage import FILE [--format jsonl|csv] [--skip-bad-lines] [--json]
                                    add usage events from a JSON Lines or CSV file
  usage summary [--from T] [--to T] [--key ID|LABEL] [--by hour|day|key|model] [--json]
                                    requests, errors, tokens and cost; last 30 days by default
  usage logs [--from T] [--to T] [--key ID|LABEL] [--limit N] [--json | --format jsonl|csv]
                                    the events, newest first
  alerts list [--all] [--json]      evaluates the alert rules, then lists the open alerts
  alerts ack ID [--json]            acknowledge an alert (it stays open until it clears)
  alerts rules [--json]             the alert rules
  export-env --out PATH --key ID|LABEL[=VAR] [--key ...] [--base-url URL]
                                    write keys from the keychain to a .env file (mode 0600)
  scan PATH... [--no-history] [--json]
                                    search files, folders and git repositories' whole history
                                    for this store's keys (never printed: label, id and hint)

Global options:
  --store PATH   the SQLite store (default: $KEYDECK_STORE, else the app's store)
  --server URL   a keydeck-server instead (default: $KEYDECK_SERVER); its admin key comes
                 from $KEYDECK_ADMIN_KEY, else the keychain entry the app's Connections page
                 saved for that URL; $KEYDECK_CA_FILE adds a PEM CA for its certificate
  --help, -h     this help; "keydeckctl keys --help" lists the key options,
                 "keydeckctl usage --help" the usage options and file format,
                 "keydeckctl alerts --help" the alerts,
                 "keydeckctl export-env --help" the .env export options
  --version      the version

The secret of a key is printed by "keys create" and "keys rotate" only, and saved in the OS keychain
(Secret Service) unless --no-keychain is given. No other command prints it.

Exit codes:
  0  success
  1  runtime error (the store or the keychain could not be used)
  2  usage or validation error (for usage import: a bad line); nothing was changed
  3  no key with that id or label
  4  refused: the key is revoked (revocation is final) or the label is in use
  5  denied: the store did not accept the credentials, or they may not do this
  6  scan found a key that still works (active, disabled or expired, but not revoked)
)"_s;
}

QString keys()
{
    return uR"(Usage: keydeckctl [--store PATH | --server URL] keys <create|list|show|update|disable|enable|revoke|delete|rotate>

  keys create --label L [key options] [--no-keychain] [--json]
  keys list [--json]
  keys show ID|LABEL [--json]
  keys update ID|LABEL [key options] [--json]
  keys disable|enable|revoke|delete ID|LABEL [--json]
  keys rotate ID|LABEL [--no-keychain] [--json]

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
  --owner TEXT                  who answers for the key, e.g. "Payments team"
  --note TEXT                   why it exists; at most 2,000 characters, may span lines

Create only:
  --no-keychain                 do not save the secret in the OS keychain
  --json                        print the record with "secret" and "keychain"
                                ("saved", "not_saved" or "skipped")

Rotate: step 1 of a rotation. Creates a key with the same settings (an expiry that has
passed is dropped) and the label's version bumped (prod-web-app -> prod-web-app-v2; a
label in use bumps further), prints its secret once like create and links the two keys
("rotated to" / "rotated from" in keys show). Deploy the new key, then finish with
"keys revoke OLD". Revoked keys and keys already rotated cannot be rotated (exit 4).

ID|LABEL is a key's id or its exact label; put it after -- if it starts with "-".
)"_s;
}

QString workspace()
{
    return uR"(Usage: keydeckctl [--store PATH | --server URL] workspace <show|set>

  workspace show [--json]
  workspace set [--prefix P] [--subscription-prefix P] [--json]

  --prefix P                prefix of new standard keys, e.g. sk-aisa- (default sk-)
  --subscription-prefix P   prefix of new subscription keys (default sk-sub-)

Prefixes are lower-case letters and digits in groups ending with "-". Existing keys keep
their prefix.
)"_s;
}
QString usage()
{
    return uR"(Usage: keydeckctl [--store PATH | --server URL] usage <import|summary|logs>

  usage import FILE [--format jsonl|csv] [--skip-bad-lines] [--json]
  usage summary [--from T] [--to T] [--key ID|LABEL] [--by hour|day|key|model] [--json]
  usage logs [--from T] [--to T] [--key ID|LABEL] [--limit N] [--json | --format jsonl|csv]

Import:
  --format jsonl|csv   the file's format (default: .csv files are CSV, others JSON Lines)
  --skip-bad-lines     import the good lines and report the bad ones; without it a bad
                       line fails the whole import (exit 2) and nothing is imported
  --json               print {lines_read, imported, duplicates, skipped, errors}
  Events whose request_id is already stored are skipped, so importing a file twice
  counts it once.

Range and filter (summary and logs):
  --from T, --to T     RFC 3339 with Z or an offset, e.g. 2027-01-31T00:00:00Z; the range
                       is [from, to), widened to quarter hours (usage is rolled up per 15
                       minutes). Default: the 30 days up to now.
  --key ID|LABEL       one key (exit 3 when there is none)

Summary:
  --by hour|day        one row per hour or day of the LOCAL time zone (TZ), empty ones
                       included; a day may have 23 or 25 hours
  --by key|model       one row per key or model, highest cost first
  --json               {from, to, requests, errors, prompt_tokens, completion_tokens,
                       cost_usd} (cost as an exact decimal string) and, with --by, "rows":
                       [{group, same fields}]; key rows add "label", time rows name their
                       start in RFC 3339 with the local offset

Logs:
  --limit N            the newest N events, 1-10000 (default 50; with --format every event
                       in the range)
  --json               a JSON array of events in the import format
  --format jsonl|csv   export in exactly the import format, one event per line, keys named
                       by label: "usage logs --format csv > u.csv" then "usage import u.csv"
                       on another store (with keys of the same labels) gives the same totals

File format (import and export), one event per JSON object or CSV row:
  time               RFC 3339 with Z or an offset (required)
  key                the key's id or label (required)
  model              (required)
  endpoint, status (default 200), prompt_tokens, completion_tokens,
  cost_usd           decimal string or number; priced from the price table when absent
  latency_ms, ip, request_id
Times are shown in the local time zone; JSON carries UTC.
)"_s;
}

QString alerts()
{
    return uR"(Usage: keydeckctl [--store PATH | --server URL] alerts <list|ack|rules>

  alerts list [--all] [--json]   evaluate the rules, then list the open alerts, newest first
  alerts ack ID [--json]         acknowledge alert ID: it stops asking for attention
  alerts rules [--json]          the alert rules the KeyDeck app edits

An alert is raised once when its rule's condition starts to hold for a key, and stays open
(acknowledged or not) until the condition clears; it is raised again only if the
condition comes back. A new store has two rules: rotation due after 90 days and
expiring within 14 days.

  --all    also the alerts whose condition has cleared
  --json   list: [{id, rule_id, key_id, key_label, message, raised_at, acknowledged_at,
           cleared_at, status}] with status "open", "acknowledged" or "cleared";
           rules: [{id, kind, threshold, key_id, enabled, description}] where threshold is
           a decimal USD string for money rules and a number of days or percent otherwise
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
    case CliArguments::HelpTopic::Usage:
        return usage();
    case CliArguments::HelpTopic::Alerts:
        return alerts();
    case CliArguments::HelpTopic::General:
        break;
    }
    return general();
}
