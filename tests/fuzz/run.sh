#!/bin/sh
# Runs one fuzz target on its seeds: tests/fuzz/run.sh TARGET SECONDS [RUNS]
# (from the repository root, after mk/fuzz.mk built build-fuzz/fuzz_TARGET).
# New inputs go to build-fuzz/corpus/TARGET, a crash to build-fuzz/crashes/TARGET/;
# prints runs, exec/s and peak memory, and fails when the target found something.
set -eu
target=$1
seconds=$2
runs=${3:--1}
dir=${FUZZ_DIR:-build-fuzz}

case $target in
decode)   seeds="tests/fuzz/corpus/decode protocol/examples/valid"; dict=brug.dict; max_len=16384 ;;
dispatch) seeds="tests/fuzz/corpus/dispatch"; dict=brug.dict; max_len=4096 ;;
http)     seeds="tests/fuzz/corpus/http"; dict=http.dict; max_len=8192 ;;
http_api) seeds="tests/fuzz/corpus/http_api"; dict=http.dict; max_len=8192 ;;
ws_frame) seeds="tests/fuzz/corpus/ws_frame"; dict=ws_frame.dict; max_len=4096 ;;
*) echo "run.sh: no fuzz target $target" >&2; exit 2 ;;
esac

mkdir -p "$dir/corpus/$target" "$dir/crashes/$target"
log="$dir/fuzz-$target.log"
# Fewer frames of allocation stacks: most of a run's time otherwise goes to
# recording them. A crash replays with full stacks from its file.
if ! ASAN_OPTIONS=${ASAN_OPTIONS:-malloc_context_size=4} "$dir/fuzz_$target" "$dir/corpus/$target" $seeds \
        -dict="tests/fuzz/$dict" -max_len=$max_len -max_total_time="$seconds" -runs="$runs" \
        -artifact_prefix="$dir/crashes/$target/" -print_final_stats=1 >"$log" 2>&1; then
    tail -n 60 "$log"
    echo "fuzz: $target FAILED; the input is in $dir/crashes/$target/, the log in $log"
    exit 1
fi
runs_done=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log")
echo "fuzz: $target: $runs_done runs in ${seconds}s at most, $rate exec/s, peak ${rss} MB, no findings"
