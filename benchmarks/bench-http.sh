#!/usr/bin/env bash
# keydeck-server's HTTP layer against nginx in the same run: wrk on a route that answers from
# the HTTP layer alone (an unknown path: routing, a JSON 404, metrics and a log line each),
# against nginx answering the same body from its config, both on loopback with keep-alive.
# Prints requests/s and latency of both and their ratio. Needs nginx and wrk (./dev.sh bench
# installs them).
#
#   benchmarks/bench-http.sh [BUILD_DIR] [SECONDS] [CONNECTIONS]
set -euo pipefail
build=${1:-build}
seconds=${2:-10}
connections=${3:-32}
server=$build/app/server/keydeck-server
[[ -x $server ]] || { echo "no $server: build first" >&2; exit 2; }
command -v nginx >/dev/null && command -v wrk >/dev/null || { echo "needs nginx and wrk" >&2; exit 2; }

work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; [[ -f $work/nginx.pid ]] && kill "$(cat "$work/nginx.pid")" 2>/dev/null; rm -rf "$work"' EXIT

"$server" --store "$work/store.sqlite" --listen 127.0.0.1:0 --io-threads 2 2>"$work/server.log" &
for _ in $(seq 100); do grep -q '"msg":"listening"' "$work/server.log" && break; sleep 0.1; done
port=$(grep -o '"port":[0-9]*' "$work/server.log" | head -1 | cut -d: -f2)
body=$(curl -s "http://127.0.0.1:$port/nothing")

nginx_port=$((port + 1))
cat >"$work/nginx.conf" <<CONF
worker_processes 2;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
    access_log $work/nginx-access.log;
    server {
        listen 127.0.0.1:$nginx_port;
        location / { default_type application/json; return 404 '$body'; }
    }
}
CONF
nginx -c "$work/nginx.conf" -p "$work"
sleep 0.5

run() { wrk -t2 -c"$connections" -d"${seconds}s" --latency "$1" 2>&1; }
ours=$(run "http://127.0.0.1:$port/nothing")
theirs=$(run "http://127.0.0.1:$nginx_port/nothing")
rps() { awk '/Requests\/sec/ { print $2 }' <<<"$1"; }
p50() { awk '/ 50%/ { print $2 }' <<<"$1"; }
p99() { awk '/ 99%/ { print $2 }' <<<"$1"; }

printf 'HTTP layer, %s connections, %ss each, 2 wrk threads, loopback\n\n' "$connections" "$seconds"
printf '%-26s %14s %14s %8s\n' measure keydeck-server nginx ratio
printf '%-26s %14s %14s %8.2f\n' "requests/s" "$(rps "$ours")" "$(rps "$theirs")" \
    "$(awk -v a="$(rps "$ours")" -v b="$(rps "$theirs")" 'BEGIN { print a / b }')"
printf '%-26s %14s %14s\n' "latency p50" "$(p50 "$ours")" "$(p50 "$theirs")"
printf '%-26s %14s %14s\n' "latency p99" "$(p99 "$ours")" "$(p99 "$theirs")"
printf '\nratio > 1: keydeck-server answers more requests per second than nginx.\n'
