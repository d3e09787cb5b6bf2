#!/usr/bin/env bash
# Installs what Brug needs to build, run and test, and nothing when all is there.
# Idempotent: checks each Debian package and the npm tree before touching apt/npm.
#   deploy/install-deps.sh          build + run + test dependencies
#   deploy/install-deps.sh --run    only what `make run` needs (no browser, no node)
set -euo pipefail
cd "$(dirname "$0")/.."

mode=${1:-all}

build_pkgs=(build-essential cmake pkg-config libboost1.81-dev nlohmann-json3-dev
            libsqlitecpp-dev libsqlite3-dev libssl-dev ccache libqrencode-dev
            libstemmer-dev libjemalloc-dev catch2)
test_pkgs=(chromium nginx sqlite3 clang libfuzzer-14-dev libclang-rt-14-dev openssl python3-yaml systemd)

want=("${build_pkgs[@]}")
[ "$mode" = --run ] || want+=("${test_pkgs[@]}")

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

[ "$mode" = --run ] && exit 0

# Browser tests: playwright-core and ws from npm, pinned by package-lock.json.
# Node itself comes with the machine (Node 20); Debian's nodejs 18 is too old.
if ! command -v node >/dev/null 2>&1; then
  echo "install-deps: node (20 or newer) is needed for the browser tests" >&2
  exit 1
fi
if [ ! -d tests/browser/node_modules/playwright-core ] || [ ! -d tests/browser/node_modules/ws ] \
   || [ tests/browser/package-lock.json -nt tests/browser/node_modules/.package-lock.json ]; then
  echo "install-deps: npm ci in tests/browser"
  (cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)
fi
