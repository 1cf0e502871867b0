#!/usr/bin/env bash
# End-to-end benchmark on this machine, in one run, for each model (default: all there are):
#   1. the raw model loop (model-tools bench, batch 1 and 8, 2 threads) - the reference, with its CPU per image;
#   2. a 400-image burst through the local stack with one worker (same network, same threads), after a
#      60-, a 200- and a 1000-request warm-up, each on a new stack: throughput and its ratio to raw;
#   3. 50 single requests one at a time: latency p50/p95 minus raw batch-1 inference = overhead;
#   4. 100 images at once to a fleet of one worker and the warm pool's parked one, autoscaling (1..cores, the
#      default: no more workers than the cores run): right after the stack starts (every JVM cold), then again
#      once the fleet is back at rest (the door warm, the fleet at its minimum); total time and fleet plot.
# During each burst it reads each process's CPU time (/proc/<pid>/stat) and prints CPU-ms per
# request for the queue + storage JVM (ElasticMQ, S3Proxy, fleet controller), the web tier and
# the worker, the worker's RSS after it, and the worker's non-model CPU per image (its CPU per
# request minus the raw loop's CPU per image at batch 8). From the answers' Server-Timing it
# prints each stage's median (burst and single requests); from the AWS-call counts each JVM logs
# at exit, the S3 and SQS calls per request (of the 200 + 400 + 50 requests of the second stack).
# Each process's CPU per request is split into its JIT (the JVM's compile-time counter, read with
# jcmd), its collector (the VM thread and GC workers) and the rest. Before the models: the CPU of one S3 or SQS call in
# isolation, client and server (scaling-infra sdk-bench, the local servers in one JVM).
# Models: shapes; resnet18-pt and resnet18-onnx, the shared random-weight ResNet-18
# (../shared/models/resnet18-random) in TorchScript on PyTorch and in ONNX on ONNX Runtime;
# resnet18-untrained (the Java-built network, where ../shared is absent).
# Usage: scripts/benchmark.sh [shapes|resnet18-pt|resnet18-onnx|resnet18-untrained ...]   Results: target/benchmark/
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
models=("$@")
shared="$here/../shared/models/resnet18-random"
if [ ${#models[@]} -eq 0 ]; then
  if [ -f "$shared/resnet18-random.onnx" ]; then models=(shapes resnet18-pt resnet18-onnx); else models=(shapes resnet18-untrained); fi
fi
spec() { # the EIC_MODEL of a benchmark model name
  case "$1" in
    resnet18-pt) echo "$shared/resnet18-random.pt" ;;
    resnet18-onnx) echo "$shared/resnet18-random.onnx" ;;
    *) echo "$1" ;;
  esac
}
out="$here/target/benchmark"
burst=400
mkdir -p "$out"
. "$here/scripts/lib/local-stack.sh"
ensure_built scaling-infra/cli/target/scaling-infra.jar web-tier/target/web-tier-exec.jar app-tier/target/app-tier.jar \
  model-tools/target/model-tools.jar workload-generator/target/workload-generator.jar
export DJL_OFFLINE=true OPT_OUT_TRACKING=true EIC_HOME="$here"

stack_pid=""
start_stack() { # $1 model, $2 autoscale, $3 log
  local port; port=$(free_port)
  rm -rf "$out/data"
  EIC_MODEL="$(spec "$1")" EIC_LOCAL_AUTOSCALE="$2" EIC_LOCAL_MIN_WORKERS=1 EIC_PORT="$port" \
  EIC_DATA_DIR="$out/data" EIC_THREADS_INTRA_OP=$([ "$2" = true ] && echo 1 || echo 2) start_local_stack "$3"
  url="http://127.0.0.1:$port/"
}
# Waits (up to 2 minutes) until the fleet controller's last period saw an empty queue, its minimum in service and a
# parked worker, as GET /api/v1/fleet tells.
await_fleet_at_rest() {
  python3 - "${url}api/v1/fleet" <<'PY' || { echo "the fleet did not come to rest"; exit 1; }
import json, sys, time, urllib.request
deadline = time.monotonic() + 120
while time.monotonic() < deadline:
    t = json.load(urllib.request.urlopen(sys.argv[1]))
    c = t.get("current") or {}
    if c.get("visible") == 0 and c.get("inFlight") == 0 and c.get("inService") == c.get("desired") == t["min"] \
            and c.get("parked", 0) >= 1:
        sys.exit(0)
    time.sleep(0.5)  # polling the controller's state for the condition, bounded by the deadline
sys.exit(1)
PY
}
stop_stack() { kill "$stack_pid" 2>/dev/null || true; wait "$stack_pid" 2>/dev/null || true; }
trap stop_stack EXIT
# The load client's exit code judges labels (the shapes model misreads about 1 drawing in 400): it reports, it does not stop the run.
load() { java -jar workload-generator/target/workload-generator.jar --url "$url" --no-progress $labels "$@" || true; }
json() { python3 -c "import json,sys; r=json.load(open('$1')); print($2)"; }
# CPU seconds (user + system) of a process, and the pids of the stack's web tier and worker
cpu() { awk '{ printf "%.3f", ($14 + $15) / 100 }' "/proc/$1/stat"; }
child() { pgrep -P "$stack_pid" -f "$1" | head -1; }
rss_mb() { awk '/VmRSS/ { printf "%d", $2 / 1024 }' "/proc/$1/status"; }
# CPU seconds of a JVM's JIT (its compilers' total time, from its own counters: compiler threads come and
# go) and of its VM thread (the serial collector runs there) and GC workers
jit_gc() {
  local jit; jit=$(jcmd "$1" PerfCounter.print 2>/dev/null | awk -F= '/^java.ci.totalTime=/ { t = $2 }
    /^sun.os.hrt.frequency=/ { f = $2 } END { printf "%.2f", (f > 0 ? t / f : 0) }')
  python3 - "$1" "$jit" <<'PY'
import glob, sys
gc = 0.0
for f in glob.glob(f"/proc/{sys.argv[1]}/task/*/stat"):
    try:
        s = open(f).read()
    except OSError:
        continue
    name, rest = s[s.index("(") + 1:s.rindex(")")], s[s.rindex(")") + 2:].split()
    if name.startswith(("VM Thread", "GC Thread")):
        gc += (int(rest[11]) + int(rest[12])) / 100
print(f"{sys.argv[2]} {gc:.2f}")
PY
}

echo "== one call's CPU in isolation (scaling-infra sdk-bench)"
java -jar scaling-infra/cli/target/scaling-infra.jar sdk-bench --calls 1000 2>&1 | grep -E '^(sdk-defaults|project) ' | tee "$out/sdk-calls.txt"

for model in "${models[@]}"; do
  echo "== $model"
  labels=""; [ "$model" = shapes ] || labels="--ignore-labels"  # only shapes knows the generated images
  EIC_MODEL="$(spec "$model")" EIC_THREADS_INTRA_OP=2 java -jar model-tools/target/model-tools.jar bench --batches 1,8 --images 200 \
    2> "$out/$model-raw.log" | grep '^model=' | tee "$out/$model-raw.txt"
  field() { grep "batch=$1 " "$out/$model-raw.txt" | sed "s#.* $2=\([0-9.]*\).*#\1#"; }
  raw_b8=$(field 8 'images/s'); raw_b1_ms=$(field 1 'ms/image'); raw_cpu_b8=$(field 8 'cpu-ms/image')

  rows=()
  for warm in 60 200 1000; do
    start_stack "$model" false "$out/$model-stack-w$warm.log"
    # warm-up: the JIT of four JVMs, connections, the model
    load --generate "$warm" --seed 99 --concurrency 8 > /dev/null
    web_pid=$(child web-tier); worker_pid=$(child app-tier)
    before=("$(cpu "$stack_pid")" "$(cpu "$web_pid")" "$(cpu "$worker_pid")")
    split_before="$(jit_gc "$stack_pid") $(jit_gc "$web_pid") $(jit_gc "$worker_pid")"
    load --generate "$burst" --seed 7 --concurrency 50 --report "$out/$model-burst-w$warm.json" \
      --chart "$out/$model-burst-w$warm.svg" | tee "$out/$model-burst-w$warm.txt"
    after=("$(cpu "$stack_pid")" "$(cpu "$web_pid")" "$(cpu "$worker_pid")")
    split_after="$(jit_gc "$stack_pid") $(jit_gc "$web_pid") $(jit_gc "$worker_pid")"
    rss=$(rss_mb "$worker_pid")
    cpu_ms=$(python3 -c "import sys; b=list(map(float,sys.argv[1:4])); a=list(map(float,sys.argv[4:7])); \
      print(' '.join(f'{(y-x)*1000/int(sys.argv[7]):.1f}' for x,y in zip(b,a)))" "${before[@]}" "${after[@]}" "$burst")
    echo "warm-up $warm: cpu-ms per request (queue+storage web worker): $cpu_ms; worker rss ${rss} MB" \
      | tee "$out/$model-cpu-w$warm.txt"
    # of each process's CPU per request: the JIT compiling, the collector, and the rest (the work itself)
    python3 -c "import sys; b=list(map(float,sys.argv[1:7])); a=list(map(float,sys.argv[7:13])); n=int(sys.argv[13]); \
      t=[float(x) for x in sys.argv[14:17]]; \
      print('warm-up $warm: of it, jit / gc / the rest (queue+storage; web; worker): ' + '; '.join( \
        f'{(a[2*i]-b[2*i])*1000/n:.1f} / {(a[2*i+1]-b[2*i+1])*1000/n:.1f} / {t[i]-(a[2*i]-b[2*i]+a[2*i+1]-b[2*i+1])*1000/n:.1f}' \
        for i in range(3)))" $split_before $split_after "$burst" $cpu_ms | tee -a "$out/$model-cpu-w$warm.txt"
    if [ "$warm" = 200 ]; then
      load --generate 50 --seed 8 --concurrency 1 --report "$out/$model-single.json" | tee "$out/$model-single.txt"
    fi
    stop_stack
    rows+=("$warm $(json "$out/$model-burst-w$warm.json" "round(r['throughputPerSecond'],1)") $cpu_ms $rss")
    if [ "$warm" = 200 ]; then
      # every JVM logs its AWS calls at exit; the second stack served 200 + 400 + 50 requests
      python3 - "$out/data/logs" $((warm + burst + 50)) <<'PY' | tee "$out/$model-calls.txt"
import glob, re, sys
from collections import Counter
calls = Counter()
for f in glob.glob(sys.argv[1] + "/*.log"):
    for line in open(f, errors="replace"):
        m = re.search(r"AWS calls since start: (.*)", line)
        if m:
            for part in m.group(1).split(", "):
                name, n = part.rsplit("=", 1)
                calls[(f.rsplit("/", 1)[1].split(".")[0].rstrip("-0123456789"), name)] += int(n)
n = int(sys.argv[2])
for who in ("web", "worker"):
    mine = {k[1]: v for k, v in calls.items() if k[0] == who}
    s3 = sum(v for k, v in mine.items() if k.startswith("S3 ")); sqs = sum(v for k, v in mine.items() if k.startswith("Sqs "))
    print(f"calls per request, {who}: S3 {s3/n:.2f}  SQS {sqs/n:.2f}  (" +
          ", ".join(f"{k} {v/n:.2f}" for k, v in sorted(mine.items()) if v / n >= 0.01) + ")")
PY
    fi
  done

  start_stack "$model" true "$out/$model-cold.log"
  await_warm_pool "$out/$model-cold.log" "$stack_pid"
  load --generate 100 --seed 9 --concurrency 100 --report "$out/$model-cold.json" --chart "$out/$model-cold.svg" \
    | tee "$out/$model-cold.txt"
  # The same burst again once the fleet is back at rest (one worker in service, one parked): what a service that
  # has been running meets - the door and the local servers warm, the fleet at its minimum.
  await_fleet_at_rest
  load --generate 100 --seed 10 --concurrency 100 --report "$out/$model-rest.json" --chart "$out/$model-rest.svg" \
    | tee "$out/$model-rest.txt"
  stop_stack

  p50=$(json "$out/$model-single.json" "round(r['latencyMs']['p50'],1)")
  p95=$(json "$out/$model-single.json" "round(r['latencyMs']['p95'],1)")
  cold="$(json "$out/$model-cold.json" "round(r['wallSeconds'],2)") / $(json "$out/$model-rest.json" "round(r['wallSeconds'],2)")"
  for row in "${rows[@]}"; do
    python3 - "$model" "$cold" "$raw_b8" "$raw_b1_ms" "$raw_cpu_b8" "$p50" "$p95" $row <<'PY' | tee -a "$out/summary.md"
import sys
m, cold = sys.argv[1:3]
raw, b1, rawcpu, p50, p95, warm, e2e, q, w, k, rss = map(float, sys.argv[3:])
print(f"| {m} | {warm:.0f} | {raw:.1f} | {e2e:.1f} | {e2e/raw:.2f} | {b1:.1f} | {p50:.1f} / {p95:.1f} | {p50-b1:.1f} / {p95-b1:.1f} "
      f"| {cold} | {q:.1f} / {w:.1f} / {k:.1f} = {q+w+k:.1f} ({(q+w+k)/rawcpu:.1f}x the model) | {rawcpu:.2f} | {k-rawcpu:.1f} | {rss:.0f} |")
PY
  done
  for f in "$out/$model-burst-w200.json" "$out/$model-single.json"; do
    echo "stage medians ms, $(basename "$f" .json): $(json "$f" "'  '.join(f'{k} {v:.1f}' for k, v in (r.get('stageMediansMs') or {}).items())")"
  done | tee -a "$out/$model-stages.txt"
done
echo "columns: model | warm-up | raw b8 img/s | e2e img/s | ratio | raw b1 ms | single p50/p95 ms | overhead p50/p95 ms | 100 s: cold / at rest"
echo "         | cpu-ms/request queue+storage / web / worker = total (x the raw model's CPU per image) | raw b8 cpu-ms/image"
echo "         | worker non-model cpu-ms/image | worker rss MB   (single and cold: of the 200 warm-up stack and the cold run)"
echo "results in $out (summary.md, *.json, *.svg, *-calls.txt, *-stages.txt)"
