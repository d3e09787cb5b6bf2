#!/usr/bin/env bash
# Checks deploy/systemd/brug.service with `systemd-analyze verify`, exactly as
# shipped. verify insists that ExecStart's binary exists, so the check builds
# a throwaway root: the unit in etc/systemd/system, a stand-in executable at
# usr/local/bin/brug (the built binary if there is one, else /bin/true), and
# this machine's own units (for multi-user.target, sysinit.target, ...).
# verify exits 0 on an unknown key or a misspelt system call group and only
# prints a warning, so any output at all fails the check. Then the same with
# the TLS drop-in (deploy/systemd/tls.conf) added.
set -euo pipefail
cd "$(dirname "$0")/../.."

command -v systemd-analyze >/dev/null \
  || { echo "check-systemd-unit: systemd-analyze is not installed (apt-get install systemd)" >&2; exit 1; }

units=""
for d in /usr/lib/systemd/system /lib/systemd/system; do
  [ -d "$d" ] && { units=$d; break; }
done
[ -n "$units" ] || { echo "check-systemd-unit: no system unit folder found" >&2; exit 1; }

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/etc/systemd/system" "$root/usr/local/bin" "$root/usr/lib/systemd"
cp -r "$units" "$root/usr/lib/systemd/system"
cp deploy/systemd/brug.service "$root/etc/systemd/system/"
binary=${BRUG_BINARY:-build/brug}
[ -x "$binary" ] || binary=/bin/true
cp "$binary" "$root/usr/local/bin/brug"

verify() {
  if out=$(systemd-analyze verify --root="$root" brug.service 2>&1) && [ -z "$out" ]; then
    echo "ok   systemd-analyze verify $1"
  else
    echo "FAIL systemd-analyze verify $1"
    echo "$out" | sed 's/^/     /'
    exit 1
  fi
}
verify deploy/systemd/brug.service

# How exposed the sandbox leaves the service, as systemd rates it (lower is
# better; for information, the unit's comments say why each gap is left).
if score=$(systemd-analyze security --offline=true --root="$root" brug.service 2>/dev/null | grep 'Overall exposure'); then
  echo "info $score"
fi

# The TLS drop-in of docs/operations.md, on top of the unit.
mkdir -p "$root/etc/systemd/system/brug.service.d"
cp deploy/systemd/tls.conf "$root/etc/systemd/system/brug.service.d/"
verify "deploy/systemd/brug.service + tls.conf"
