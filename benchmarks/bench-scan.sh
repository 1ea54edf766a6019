#!/usr/bin/env bash
# keydeckctl scan against git's own search, in one run on one generated repository: FILES files
# in the work tree (a few holding real keys of a store, most holding none) and COMMITS commits
# that each change a file, packed. Prints the time of
#   1. keydeckctl scan of the work tree (--no-history) and git grep -E -I of the same pattern,
#   2. keydeckctl scan with the whole history and, for git, git grep of the work tree plus
#      git log --all -p over the history piped to grep -E,
# and the ratios. The pattern is the key shape (a dashed prefix, 38 letters and digits); scan
# also checks each find's checksum and looks its digest up in the store.
#
#   benchmarks/bench-scan.sh [BUILD_DIR] [FILES] [COMMITS]
set -euo pipefail
build=${1:-build}
files=${2:-100000}
commits=${3:-10000}
ctl=$build/app/cli/keydeckctl
[[ -x $ctl ]] || { echo "no $ctl: build first" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
store=$work/keys.sqlite
keys=()
for i in $(seq 5); do
    keys+=("$("$ctl" --store "$store" keys create --label "bench-$i" --no-keychain --json |
        sed -n 's/.*"secret": *"\([^"]*\)".*/\1/p')")
done

repo=$work/repo
git init -q "$repo"
# One commit with every file, then COMMITS - 1 that each rewrite one, through fast-import: a
# history of this size is made in seconds, not by a commit a process.
python3 - "$files" "$commits" "${keys[@]}" >"$work/stream" <<'PY'
import sys
files, commits, keys = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
out = sys.stdout.buffer
def blob(i, version):
    text = "// module %d, version %d\nexport const name = 'module-%d';\nexport const size = %d;\n" % (
        i, version, i, i * 7 % 1000)
    if i % (files // len(keys) or 1) == 0 and version == 0:
        text += "const token = '%s';\n" % keys[(i // (files // len(keys) or 1)) % len(keys)]
    return text.encode()
def commit(mark, parent, changes, when):
    out.write(b"commit refs/heads/main\nmark :%d\n" % mark)
    out.write(b"committer Bench <bench@example.com> %d +0000\n" % when)
    out.write(b"data 6\nchange\n")
    if parent:
        out.write(b"from :%d\n" % parent)
    for path, data in changes:
        out.write(b"M 100644 inline %s\ndata %d\n%s\n" % (path, len(data), data))
# A hundred files a folder: a commit then rewrites two small trees, not one of every file.
def path(i):
    return b"src/d%04d/m%06d.js" % (i // 100, i)
commit(1, 0, [(path(i), blob(i, 0)) for i in range(files)], 1700000000)
for c in range(1, commits):
    i = c * 7919 % files
    commit(c + 1, c, [(path(i), blob(i, c))], 1700000000 + c)
PY
git -C "$repo" fast-import --quiet <"$work/stream"
git -C "$repo" checkout -q main
git -C "$repo" gc -q

pattern='[a-z0-9]+(-[a-z0-9]+)*-[A-Za-z0-9]{38}'
seconds() { local start=$EPOCHREALTIME; "$@" >/dev/null 2>&1 || true; echo "$EPOCHREALTIME - $start" | bc; }
ratio() { echo "scale=2; $1 / $2" | bc; }

scan_tree=$(seconds "$ctl" --store "$store" scan "$repo" --no-history)
grep_tree=$(seconds git -C "$repo" grep -E -I -n "$pattern")
scan_all=$(seconds "$ctl" --store "$store" scan "$repo")
grep_all=$(seconds sh -c "git -C '$repo' grep -E -I -n '$pattern'; git -C '$repo' log --all -p --unified=0 --no-color | grep -E '$pattern'")
found=$("$ctl" --store "$store" scan "$repo" --json | grep -c '"label"' || true)

printf 'Repository: %s files, %s commits, %s keys of the store in it (found: %s)\n' \
    "$files" "$commits" "${#keys[@]}" "$found"
printf '%-34s %10s s\n' "keydeckctl scan --no-history" "$scan_tree" "git grep -E (work tree)" "$grep_tree"
printf 'work tree: scan / git grep %s\n' "$(ratio "$scan_tree" "$grep_tree")"
printf '%-34s %10s s\n' "keydeckctl scan (with history)" "$scan_all" "git grep + git log -p | grep" "$grep_all"
printf 'with history: scan / git %s\n' "$(ratio "$scan_all" "$grep_all")"
