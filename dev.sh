#!/usr/bin/env bash
# One entry point for humans and CI:
#   ./dev.sh run [app args]  install what is missing, build, start KeyDeck on the local store
#   ./dev.sh test            install what is missing, build with warnings as errors, run every test;
#                            then the unit and store tests again under ASan + UBSan (clang), and
#                            each fuzz target for KEYDECK_FUZZ_SECONDS (20) from its seeds
#   ./dev.sh bench           build and run the benchmarks
set -euo pipefail
cd "$(dirname "$0")"

PACKAGES=(
    build-essential cmake ninja-build pkg-config
    qt6-base-dev qt6-base-dev-tools libqt6sql6-sqlite qt6-svg-dev qt6-charts-dev qtkeychain-qt6-dev
    libgl-dev libqt6opengl6-dev libxkbcommon-dev fonts-dejavu-core
    dbus dbus-bin gnome-keyring libsecret-tools
    xvfb xauth libbenchmark-dev sqlite3 libsqlite3-dev git
    clang libclang-rt-14-dev llvm-14
    libboost1.81-dev libssl-dev libtomlplusplus-dev prometheus-cpp-dev curl openssl ca-certificates
    libqt6sql6-psql postgresql postgresql-common
)

install_deps() {
    local missing=()
    for p in "${PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
    # Node.js may come from elsewhere (a newer one is often installed by hand): Debian's only
    # when there is none, never over it.
    if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
        missing+=(nodejs npm)
    fi
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "dev.sh: installing ${missing[*]}"
    local sudo=()
    [ "$(id -u)" -eq 0 ] || sudo=(sudo)
    "${sudo[@]}" apt-get update
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
}

# The npm packages the tests use as clients, exactly as tests/npm/package-lock.json pins them.
install_npm() {
    local stamp=tests/npm/node_modules/.package-lock.json
    if [ ! -f "$stamp" ] || [ tests/npm/package-lock.json -nt "$stamp" ]; then
        # Node trusts its own CA list unless told otherwise; the system's is the one admins
        # keep (and the one a TLS-inspecting network's CA is added to).
        local bundle=/etc/ssl/certs/ca-certificates.crt
        [ -f "$bundle" ] && export NODE_EXTRA_CA_CERTS=$bundle
        npm ci --prefix tests/npm --no-audit --no-fund --ignore-scripts
    fi
}

build() {
    local preset=$1
    cmake --preset "$preset"
    cmake --build --preset "$preset" -j "$(nproc)"
}

cmd=${1:-run}
shift || true
case "$cmd" in
run)
    install_deps
    build default
    exec ./build/ui/keydeck "$@"
    ;;
test)
    install_deps
    install_npm
    build ci
    # A throw-away PostgreSQL cluster for the PostgreSQL store's tests, gone when ctest ends.
    pg_virtualenv ctest --preset ci -j "$(nproc)" "$@"
    cmake --preset sanitize -DKEYDECK_FUZZ_SECONDS="${KEYDECK_FUZZ_SECONDS:-20}"
    cmake --build --preset sanitize -j "$(nproc)"
    ASAN_SYMBOLIZER_PATH=/usr/lib/llvm-14/bin/llvm-symbolizer \
        pg_virtualenv ctest --preset sanitize -j "$(nproc)"
    ;;
bench)
    PACKAGES+=(nginx-light wrk bc)
    install_deps
    build default
    # keydeck_bench_admin_api needs a store with many keys (see README, Performance): by hand.
    for b in build/benchmarks/keydeck_bench_keys_page build/benchmarks/keydeck_bench_usage; do
        [ -x "$b" ] && QT_QPA_PLATFORM=offscreen "$b"
    done
    benchmarks/bench-http.sh build
    benchmarks/bench-import-reads.sh build
    ;;
*)
    echo "usage: ./dev.sh run|test|bench" >&2
    exit 2
    ;;
esac
