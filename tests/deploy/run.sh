#!/usr/bin/env bash
# Every deploy/ check, for `make test`: the nginx site files (nginx -t), the
# systemd unit (systemd-analyze verify), the container files, and the live
# tests (nginx with one brug server, and with three shards, on loopback).
#   BRUG_BINARY=build/brug tests/deploy/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
export BRUG_BINARY=${BRUG_BINARY:-build/brug}

tests/deploy/check-nginx-configs.sh
tests/deploy/check-systemd-unit.sh
tests/deploy/check-compose.sh
node --test --test-concurrency=1 tests/deploy/single.test.mjs tests/deploy/sharding.test.mjs
