#!/usr/bin/env bash
# The gateway against its floor and against nginx, in one run on loopback: wrk POSTs the same
# chat completion (keep-alive) to
#   1. keydeck-server mock-upstream, called directly (the floor),
#   2. nginx as a reverse proxy to it (proxy_pass, upstream keepalive, proxy_buffering off),
#   3. keydeck-server as the gateway to it: every request's key authorised (from the key cache),
#      rate-admitted, forwarded and metered into the store; then again with a key that has a
#      spend cap, so every request also reserves its worst case in the store.
# Prints requests/s, p50/p99 and non-2xx answers of each, and the ratios. With --postgres URL,
# the gateway is measured again on that PostgreSQL database. Needs nginx and wrk
# (./dev.sh bench installs them).
#
#   benchmarks/bench-gateway.sh [BUILD_DIR] [SECONDS] [CONNECTIONS] [--postgres URL]
set -euo pipefail
build=${1:-build}
seconds=${2:-10}
connections=${3:-32}
postgres=
[[ ${4:-} == --postgres ]] && postgres=${5:?--postgres needs a URL}
server=$build/app/server/keydeck-server
[[ -x $server ]] || { echo "no $server: build first" >&2; exit 2; }
command -v nginx >/dev/null && command -v wrk >/dev/null || { echo "needs nginx and wrk" >&2; exit 2; }

work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; [[ -f $work/nginx.pid ]] && kill "$(cat "$work/nginx.pid")" 2>/dev/null; rm -rf "$work"' EXIT

# Starts a keydeck-server command logging to $1 and prints the port it listens on.
start() {
    local log=$1
    shift
    "$server" "$@" >/dev/null 2>"$log" &
    for _ in $(seq 100); do grep -q '"msg":"listening"' "$log" && break; sleep 0.1; done
    grep -o '"port":[0-9]*' "$log" | head -1 | cut -d: -f2
}

mock_port=$(start "$work/mock.log" mock-upstream --listen 127.0.0.1:0)

nginx_port=$((mock_port + 1))
cat >"$work/nginx.conf" <<CONF
worker_processes 2;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 4096; }
http {
    access_log $work/nginx-access.log;
    upstream mock { server 127.0.0.1:$mock_port; keepalive 64; }
    server {
        listen 127.0.0.1:$nginx_port;
        location / {
            proxy_pass http://mock;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_buffering off;
        }
    }
}
CONF
nginx -c "$work/nginx.conf" -p "$work"

# A gateway on the store ($1) with one enterprise key; prints "PORT KEY".
gateway() {
    local store=$1 name=$2
    local admin
    admin=$("$server" init-admin --store "$store" 2>/dev/null)
    echo "$admin" >"$work/$name.admin"
    local port
    port=$(start "$work/$name.log" --store "$store" --listen 127.0.0.1:0 --io-threads 2 \
        --upstream "http://127.0.0.1:$mock_port/v1")
    local key
    key=$(curl -s -X POST "http://127.0.0.1:$port/v1/admin/keys" -H "Authorization: Bearer $admin" \
        -d '{"label":"bench","tier":"enterprise"}' | sed -n 's/.*"secret":"\([^"]*\)".*/\1/p')
    echo "$port $key"
}
read -r gateway_port key < <(gateway "$work/store.sqlite" sqlite)

cat >"$work/chat.lua" <<LUA
wrk.method = "POST"
wrk.body = '{"model":"gpt-4o-mini","max_tokens":16,"messages":[{"role":"user","content":"Say hello to the benchmark"}]}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $key"
LUA

run() { wrk -t2 -c"$connections" -d"${seconds}s" --latency -s "$work/chat.lua" "$1/v1/chat/completions" 2>&1; }
# One warm-up second each: the pools fill and the key is cached.
for url in "http://127.0.0.1:$mock_port" "http://127.0.0.1:$nginx_port" "http://127.0.0.1:$gateway_port"; do
    wrk -t1 -c4 -d1s -s "$work/chat.lua" "$url/v1/chat/completions" >/dev/null 2>&1
done
direct=$(run "http://127.0.0.1:$mock_port")
proxied=$(run "http://127.0.0.1:$nginx_port")
ours=$(run "http://127.0.0.1:$gateway_port")

rps() { awk '/Requests\/sec/ { print $2 }' <<<"$1"; }
p50() { awk '/ 50%/ { print $2 }' <<<"$1"; }
p99() { awk '/ 99%/ { print $2 }' <<<"$1"; }
non2xx() { awk '/Non-2xx/ { n = $NF } END { print n + 0 }' <<<"$1"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

printf 'Chat completions, %s connections, %ss each, 2 wrk threads, loopback, 2 I/O threads\n\n' \
    "$connections" "$seconds"
printf '%-14s %12s %10s %10s %8s\n' "" requests/s p50 p99 non-2xx
printf '%-14s %12s %10s %10s %8s\n' "upstream" "$(rps "$direct")" "$(p50 "$direct")" "$(p99 "$direct")" "$(non2xx "$direct")"
printf '%-14s %12s %10s %10s %8s\n' "nginx" "$(rps "$proxied")" "$(p50 "$proxied")" "$(p99 "$proxied")" "$(non2xx "$proxied")"
printf '%-14s %12s %10s %10s %8s\n' "gateway" "$(rps "$ours")" "$(p50 "$ours")" "$(p99 "$ours")" "$(non2xx "$ours")"
printf '\ngateway / nginx %s   gateway / upstream %s   nginx / upstream %s\n' \
    "$(ratio "$(rps "$ours")" "$(rps "$proxied")")" "$(ratio "$(rps "$ours")" "$(rps "$direct")")" \
    "$(ratio "$(rps "$proxied")" "$(rps "$direct")")"

# Every request the gateway answered is in the store's usage (written in batches).
sleep 1
metered=$(curl -s "http://127.0.0.1:$gateway_port/v1/admin/usage/logs/count?from=2020-01-01T00:00:00Z" \
    -H "Authorization: Bearer $(cat "$work/sqlite.admin")" |
    sed -n 's/.*"count":\([0-9]*\).*/\1/p')
printf 'usage events metered by the gateway: %s\n' "$metered"

# The same with a key that has a spend cap: every request reserves its worst case in the store
# (a write transaction) before it goes upstream.
capped_key=$(curl -s -X POST "http://127.0.0.1:$gateway_port/v1/admin/keys" \
    -H "Authorization: Bearer $(cat "$work/sqlite.admin")" \
    -d '{"label":"bench-capped","tier":"enterprise","spend_cap_month":"1000000.00"}' |
    sed -n 's/.*"secret":"\([^"]*\)".*/\1/p')
sed "s/Bearer .*\"/Bearer $capped_key\"/" "$work/chat.lua" >"$work/capped.lua"
capped=$(wrk -t2 -c"$connections" -d"${seconds}s" --latency -s "$work/capped.lua" \
    "http://127.0.0.1:$gateway_port/v1/chat/completions" 2>&1)
printf '%-14s %12s %10s %10s %8s\n' "gateway capped" "$(rps "$capped")" "$(p50 "$capped")" "$(p99 "$capped")" "$(non2xx "$capped")"
printf 'capped key / nginx %s   capped / uncapped %s\n' "$(ratio "$(rps "$capped")" "$(rps "$proxied")")" \
    "$(ratio "$(rps "$capped")" "$(rps "$ours")")"

if [[ -n $postgres ]]; then
    read -r pg_port pg_key < <(gateway "$postgres" postgres)
    sed -i "s/Bearer .*\"/Bearer $pg_key\"/" "$work/chat.lua"
    wrk -t1 -c4 -d1s -s "$work/chat.lua" "http://127.0.0.1:$pg_port/v1/chat/completions" >/dev/null 2>&1
    pg=$(run "http://127.0.0.1:$pg_port")
    printf '%-14s %12s %10s %10s %8s\n' "gateway (pg)" "$(rps "$pg")" "$(p50 "$pg")" "$(p99 "$pg")" "$(non2xx "$pg")"
    printf 'gateway on PostgreSQL / nginx %s\n' "$(ratio "$(rps "$pg")" "$(rps "$proxied")")"
fi
