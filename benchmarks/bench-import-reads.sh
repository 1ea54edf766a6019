#!/usr/bin/env bash
# What a long usage import costs everyone else on keydeck-server: the latency of
# GET /v1/admin/keys?limit=10 (one client, ten a second) while the server imports a generated
# usage file of LINES lines streamed to POST /v1/admin/usage/import, against the same request on
# the same server with nothing else running, in the same run. Prints both and their ratio.
#
#   benchmarks/bench-import-reads.sh [BUILD_DIR] [LINES]
set -euo pipefail
build=${1:-build}
lines=${2:-500000}
server=$build/app/server/keydeck-server
[[ -x $server ]] || { echo "no $server: build first" >&2; exit 2; }

work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT
key=$("$server" init-admin --store "$work/store.sqlite" 2>/dev/null)
"$server" --store "$work/store.sqlite" --listen 127.0.0.1:0 --max-upload-bytes 4000000000 \
    2>"$work/server.log" &
for _ in $(seq 100); do grep -q '"msg":"listening"' "$work/server.log" && break; sleep 0.1; done
base="http://127.0.0.1:$(grep -o '"port":[0-9]*' "$work/server.log" | head -1 | cut -d: -f2)"
auth="Authorization: Bearer $key"
curl -s -H "$auth" -d '{"label":"batch"}' "$base/v1/admin/keys" >/dev/null
awk -v n="$lines" 'BEGIN { for (i = 0; i < n; i++)
    printf "{\"time\":\"2026-11-%02dT%02d:%02d:00Z\",\"key\":\"batch\",\"model\":\"gpt-4o-mini\",\"endpoint\":\"/v1/chat/completions\",\"status\":200,\"prompt_tokens\":%d,\"completion_tokens\":20,\"latency_ms\":50,\"request_id\":\"r%d\"}\n",
        1 + i % 28, i % 24, i % 60, 10 + i % 100, i }' >"$work/usage.jsonl"

# Times of GET /v1/admin/keys?limit=10, one per line, while $1 (a pid) runs or for $2 requests.
sample() {
    local n=0
    while { [[ -n $1 ]] && kill -0 "$1" 2>/dev/null; } || { [[ -z $1 ]] && ((n < $2)); }; do
        curl -s -o /dev/null -w '%{time_total}\n' -H "$auth" "$base/v1/admin/keys?limit=10"
        n=$((n + 1))
        sleep 0.1
    done
}
stats() { sort -n | awk '{ v[NR] = $1; s += $1 } END { printf "%d %.2f %.2f %.2f\n", NR, 1000 * s / NR, 1000 * v[int(NR * 0.5) + 1], 1000 * v[NR] }'; }

read -r idle_n idle_mean idle_p50 idle_max < <(sample "" 50 | stats)
start=$(date +%s.%N)
curl -s -H "$auth" --data-binary @"$work/usage.jsonl" "$base/v1/admin/usage/import?name=usage.jsonl" \
    >"$work/import.json" &
importer=$!
read -r busy_n busy_mean busy_p50 busy_max < <(sample "$importer" 0 | stats)
wait "$importer"
seconds=$(echo "$(date +%s.%N) - $start" | bc)
grep -q '"committed":true' "$work/import.json" || { echo "import failed: $(cat "$work/import.json")" >&2; exit 1; }

printf 'GET /v1/admin/keys?limit=10 while importing %d lines (%.1f s):\n\n' "$lines" "$seconds"
printf '%-22s %9s %9s %9s %9s\n' "" requests "mean ms" "p50 ms" "max ms"
printf '%-22s %9d %9.2f %9.2f %9.2f\n' "nothing else running" "$idle_n" "$idle_mean" "$idle_p50" "$idle_max"
printf '%-22s %9d %9.2f %9.2f %9.2f\n' "during the import" "$busy_n" "$busy_mean" "$busy_p50" "$busy_max"
printf '\nratio (during / idle): mean %.2f, max %.2f\n' "$(echo "$busy_mean / $idle_mean" | bc -l)" \
    "$(echo "$busy_max / $idle_max" | bc -l)"
