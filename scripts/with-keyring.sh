#!/usr/bin/env bash
# Runs a command with an unlocked OS keyring (gnome-keyring's Secret Service on
# a private D-Bus session), so tests exercise the real keyring path. Fails if
# the tools are missing: the keyring tests are never skipped.
set -euo pipefail
if [[ -n "${CHITTI_KEYRING_READY:-}" ]]; then exec "$@"; fi
for tool in dbus-run-session gnome-keyring-daemon; do
  command -v "$tool" >/dev/null || { echo "with-keyring: '$tool' is missing (apt-get install -y dbus dbus-x11 gnome-keyring)" >&2; exit 1; }
done
export CHITTI_KEYRING_READY=1
# A fresh, private keyring folder each run: an existing login keyring with
# another password would stay locked and make the daemon prompt for it.
keyrings=$(mktemp -d)
trap 'rm -rf "$keyrings"' EXIT
export CHITTI_TEST_KEYRINGS="$keyrings"
# shellcheck disable=SC2016
dbus-run-session -- bash -c 'printf %s chitti-test | XDG_DATA_HOME="$CHITTI_TEST_KEYRINGS" gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; exec "$@"' bash "$@"
