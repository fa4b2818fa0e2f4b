#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with its own unlocked GNOME Keyring (a
# real Secret Service), whose files live in a temporary folder removed afterwards.
#   packaging/with-keyring.sh cargo test
set -euo pipefail

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir/data" "$dir/runtime"
chmod 700 "$dir/runtime"
export XDG_DATA_HOME="$dir/data" XDG_RUNTIME_DIR="$dir/runtime"
export POPLAR_SECRET_SERVICE=1

# dbus-run-session ends the bus and the keyring daemon when the command exits.
exec dbus-run-session -- bash -c '
  printf "%s" "unlock-for-tests" | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  exec "$@"
' with-keyring "$@"
