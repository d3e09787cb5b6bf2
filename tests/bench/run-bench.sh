#!/usr/bin/env bash
# make bench: runs each load scenario against a fresh server process from the
# release build, and prints a table of the figures (and the raw JSON lines
# into build/bench/results.jsonl, for docs/performance.md).
#
#   tests/bench/run-bench.sh [BUILD_DIR] [scenario ...]
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
shift || true
scenarios=("$@")
[ ${#scenarios[@]} -gt 0 ] || scenarios=(allhands saturation many durable durable100 durable-open durable100-open coldstart)

load="$build/brug-load"
out="$build/bench"
mkdir -p "$out"
results="$out/results.jsonl"
: > "$results"

run() {
  local name=$1; shift
  echo "bench: $name ..." >&2
  if "$load" --binary "$build/brug" "$@" > "$out/$name.json" 2> "$out/$name.err"; then
    sed "s/^{/{\"run\":\"$name\",/" "$out/$name.json" >> "$results"
  else
    echo "bench: $name failed: $(tail -1 "$out/$name.err")" >&2
  fi
}

for s in "${scenarios[@]}"; do
  case $s in
    allhands)   run allhands   --scenario allhands --participants 1000 --posters 10 --rate 20 --seconds 15 ;;
    saturation) run saturation --scenario saturation --participants 1000 --posters 10 --rate 400 --seconds 10 ;;
    many)       run many       --scenario many --workshops 500 --participants 20 --rate 250 --seconds 15 ;;
    durable)    run durable    --scenario durable --workshops 1 --posters 64 --seconds 10 ;;
    durable100) run durable100 --scenario durable --workshops 100 --posters 200 --seconds 10 ;;
    # Open loop: 20,000 posts/s on a schedule; ack latency from each post's scheduled time.
    durable-open)    run durable-open    --scenario durable --workshops 1 --posters 64 --rate 20000 --seconds 10 ;;
    durable100-open) run durable100-open --scenario durable --workshops 100 --posters 200 --rate 20000 --seconds 10 ;;
    coldstart)  run coldstart  --scenario coldstart --cold-workshops 1000 --cold-cards 200 ;;
    *) echo "unknown scenario $s" >&2; exit 2 ;;
  esac
done

python3 - "$results" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
def g(r, *path):
    for p in path:
        if not isinstance(r, dict) or p not in r: return ""
        r = r[p]
    if isinstance(r, float):
        return f"{r:.0f}" if abs(r) >= 1000 else f"{r:.3g}"
    return str(r)
print(f"{'run':<15} {'conns':>6} {'deliv/s':>9} {'lost':>5} {'p50 ms':>7} {'p99 ms':>7} {'p99.9':>7} "
      f"{'cpu us/deliv (user+sys)':>24} {'KiB/conn':>8} {'acks/s':>8} {'ack p99':>8} {'other':>s}")
for r in rows:
    cpu = r.get("server_cpu_us_per_delivery")
    cpu_s = f"{cpu['total']:.2f} ({cpu['user']:.2f}+{cpu['system']:.2f})" if cpu else ""
    other = ""
    if r.get("scenario") == "coldstart":
        other = f"listening {g(r,'listening_ms')} ms, first welcome {g(r,'first_welcome_ms')} ms, {g(r,'cards')} cards, {g(r,'db_mib')} MiB"
    if r.get("scenario") == "durable":
        other = (f"{r.get('mode','closed')} loop, ack p50 {g(r,'ack_latency_ms','p50')} ms, "
                 f"commit ms p50 {g(r,'commit_ms','p50')} p99 {g(r,'commit_ms','p99')}, "
                 f"{g(r,'change_sets_per_commit','mean')} per commit, "
                 f"cpu us/ack {g(r,'server_cpu_us_per_ack')} (generator {g(r,'generator_cpu_us_per_ack')})")
    if "all_posted_ms" in r:
        other = f"all {r.get('connections',0)-1} posted in {g(r,'all_posted_ms')} ms"
    print(f"{r['run']:<15} {g(r,'connections'):>6} {g(r,'deliveries_per_s'):>9} {g(r,'lost_deliveries'):>5} "
          f"{g(r,'latency_ms','p50'):>7} {g(r,'latency_ms','p99'):>7} {g(r,'latency_ms','p999'):>7} "
          f"{cpu_s:>24} {g(r,'rss_per_connection_kib'):>8} {g(r,'acks_per_s'):>8} {g(r,'ack_latency_ms','p99'):>8} {other}")
PY
