#!/usr/bin/env bash
# Checks deploy/compose.yaml and deploy/Dockerfile where no Docker engine
# runs: the cross-file checks of check_container_files.py, then the Compose
# schema through whichever compose client is installed (neither needs an
# engine for `config`). Docker Compose v1 (Debian's docker-compose) predates
# the top-level `name:` key, so it reads a copy without that line.
set -euo pipefail
cd "$(dirname "$0")/../.."

python3 tests/deploy/check_container_files.py

if docker compose version >/dev/null 2>&1; then
  docker compose -f deploy/compose.yaml config -q
  echo "ok   docker compose config deploy/compose.yaml"
elif command -v docker-compose >/dev/null 2>&1; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  # A copy of deploy/ in the same layout, so that the relative paths resolve.
  cp -r deploy "$tmp/deploy"
  sed -i '/^name: /d' "$tmp/deploy/compose.yaml"
  (cd "$tmp/deploy" && docker-compose -f compose.yaml config -q)
  echo "ok   docker-compose (v1) config deploy/compose.yaml (without name:)"
else
  echo "skip compose schema check: no docker compose or docker-compose installed"
fi
