#!/bin/sh
# Runs a command inside a D-Bus session of its own, with gnome-keyring's
# Secret Service started and its login keyring unlocked by a test password,
# so that a test talks to a real keyring without touching the user's.
# Usage: with_secret_service.sh COMMAND [ARGS...]
set -eu
if ! command -v dbus-run-session >/dev/null || ! command -v gnome-keyring-daemon >/dev/null; then
    echo "with_secret_service.sh: dbus-run-session and gnome-keyring-daemon are needed" >&2
    exit 1
fi
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
export HOME="$home" XDG_DATA_HOME="$home/data" XDG_RUNTIME_DIR="$home/run"
mkdir -p "$XDG_DATA_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
exec dbus-run-session -- sh -c '
    printf "wsscope-test" | gnome-keyring-daemon --unlock --components=secrets >/dev/null
    WSSCOPE_TEST_SECRET_SERVICE=1 exec "$@"' sh "$@"
