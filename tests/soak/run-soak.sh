#!/bin/sh
# The long versions of the reliability tests (issue 5), run by `make soak`:
#   - 200 kill -9 cycles under write load, with --sync full and --sync normal
#     (acks/s of each in the summary),
#   - reconnect storms of 500 and 1000 participants,
#   - 100,000 malformed frames against a live server,
#   - the slow consumer and the anonymity canary, several times over.
# Usage: tests/soak/run-soak.sh BUILD_DIR
# Sizes: SOAK_CYCLES (200), SOAK_MALFORMED (100000), SOAK_REPEAT (5).
# Output: every figure on stdout (lines starting with [reliability] or
# [anonymity]), the full Catch2 output in BUILD_DIR/soak.log.
set -eu
build=${1:-build}
bin="$build/brug-integration"
log="$build/soak.log"
[ -x "$bin" ] || { echo "run-soak: $bin is missing (build the brug-integration target)" >&2; exit 2; }
: >"$log"
status=0
step() {
    name=$1; shift
    echo "== $name" | tee -a "$log"
    start=$(date +%s)
    if "$@" >>"$log" 2>&1; then result=passed; else result=FAILED; status=1; fi
    echo "   $result in $(( $(date +%s) - start )) s" | tee -a "$log"
}

step "kill -9 cycles (${SOAK_CYCLES:-200} each, --sync full and normal), reconnect storms 500 and 1000" \
    env BRUG_CRASH_CYCLES="${SOAK_CYCLES:-200}" "$bin" "[soak]" --durations yes
step "malformed input: ${SOAK_MALFORMED:-100000} frames" \
    env BRUG_MALFORMED_FRAMES="${SOAK_MALFORMED:-100000}" "$bin" "[malformed]" --durations yes
step "slow consumer and anonymity canary, run 1" \
    "$bin" "[slow],[anonymity]" --durations yes
i=1
while [ "$i" -lt "${SOAK_REPEAT:-5}" ]; do
    step "slow consumer and anonymity canary, run $((i + 1))" "$bin" "[slow],[anonymity]" --durations yes
    i=$((i + 1))
done
echo "== figures"
grep -E '^\[(reliability|anonymity)\]|FAILED|passed|failed' "$log" | grep -v '^   ' || true
exit $status
