#!/usr/bin/env bash
# Usage: with-keyring.sh COMMAND [ARGS...]
#
# Runs COMMAND inside a private D-Bus session with its own gnome-keyring-daemon (the Secret
# Service) whose 'login' collection exists and is unlocked, under a throwaway HOME and XDG dirs.
# Tests thus never touch the user's real keyring, need no desktop session (root on a bare
# Debian 12, CI without TTY or stdin), and parallel runs each get their own bus and keyring.
# Exits with COMMAND's exit code, or 125 with a message when the keyring cannot be started.
set -euo pipefail

self=$(readlink -f "${BASH_SOURCE[0]}")
readonly self
readonly timeout_s=${KEYDECK_KEYRING_TIMEOUT:-20}

die() {
    echo "with-keyring.sh: $*" >&2
    exit 125
}

run_outside_session() {
    [[ $# -gt 0 ]] || die "usage: with-keyring.sh COMMAND [ARGS...]"
    local tool
    for tool in dbus-run-session dbus-send gnome-keyring-daemon; do
        command -v "$tool" >/dev/null ||
            die "$tool not found (apt-get install dbus-daemon dbus-bin gnome-keyring)"
    done

    root=$(mktemp -d "${TMPDIR:-/tmp}/keydeck-keyring.XXXXXX") || die "mktemp failed"
    trap 'rm -rf -- "$root"' EXIT
    # The XDG data/config dirs live under HOME so that a test can scan one tree for plaintext.
    export HOME=$root/home
    export XDG_DATA_HOME=$HOME/.local/share XDG_CONFIG_HOME=$HOME/.config
    export XDG_CACHE_HOME=$HOME/.cache XDG_RUNTIME_DIR=$root/runtime
    mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME" "$XDG_RUNTIME_DIR"
    chmod 0700 "$HOME" "$XDG_RUNTIME_DIR"
    # Without a display gcr-prompter fails at once, so an unlock prompt can neither hang a test
    # nor pop up on a developer's screen. Without desktop hints QtKeychain picks the Secret
    # Service (libsecret), not KWallet.
    unset DISPLAY WAYLAND_DISPLAY DBUS_SESSION_BUS_ADDRESS GNOME_KEYRING_CONTROL SSH_AUTH_SOCK \
        XDG_CURRENT_DESKTOP DESKTOP_SESSION GNOME_DESKTOP_SESSION_ID KDE_FULL_SESSION \
        KDE_SESSION_VERSION

    # Own process group, so that a TERM or Ctrl-C given to us reaches the test and the daemon.
    child=""
    trap '[[ -n $child ]] && kill -TERM -- "-$child" 2>/dev/null; wait; exit 143' TERM INT HUP
    set -m
    dbus-run-session -- "$self" --inside-session "$@" &
    child=$!
    set +m
    local rc=0
    wait "$child" || rc=$?
    exit "$rc"
}

secrets_call() {
    dbus-send --session --print-reply --reply-timeout=2000 --dest=org.freedesktop.secrets "$@"
}

run_inside_session() {
    # A fixed password: with an empty one gnome-keyring creates no login collection (it would
    # prompt for one), and an unencrypted keyring file would defeat the plaintext checks.
    gnome-keyring-daemon --foreground --unlock --components=secrets \
        >"$XDG_RUNTIME_DIR/keyring.env" 2>"$XDG_RUNTIME_DIR/keyring.log" <<<'keydeck-test-keyring' &
    daemon=$!
    trap 'kill "$daemon" 2>/dev/null || true; wait "$daemon" 2>/dev/null || true' EXIT

    local deadline=$((SECONDS + timeout_s)) locked=""
    while ((SECONDS < deadline)); do
        kill -0 "$daemon" 2>/dev/null || break
        # NameHasOwner does not trigger D-Bus activation of a second daemon.
        if dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
            org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null |
            grep -q 'boolean true'; then
            # libsecret writes to the 'default' alias: it must exist and be unlocked.
            locked=$(secrets_call /org/freedesktop/secrets/aliases/default \
                org.freedesktop.DBus.Properties.Get string:org.freedesktop.Secret.Collection \
                string:Locked 2>/dev/null || true)
            [[ $locked == *"boolean false"* ]] && break
        fi
        sleep 0.1
    done
    if [[ $locked != *"boolean false"* ]]; then
        cat "$XDG_RUNTIME_DIR/keyring.log" >&2 || true
        kill -0 "$daemon" 2>/dev/null || die "gnome-keyring-daemon exited during start-up"
        die "gnome-keyring-daemon gave no unlocked default collection within ${timeout_s}s"
    fi

    local line
    while IFS= read -r line; do
        [[ $line =~ ^[A-Z_]+= ]] && export "${line?}"
    done <"$XDG_RUNTIME_DIR/keyring.env"

    # Tests that lock, delete or freeze the keyring refuse to run without this marker, so that
    # they can never do it to a developer's real keyring.
    export KEYDECK_TEST_KEYRING=private

    local rc=0
    "$@" || rc=$?
    exit "$rc"
}

if [[ ${1:-} == --inside-session ]]; then
    shift
    run_inside_session "$@"
else
    run_outside_session "$@"
fi
