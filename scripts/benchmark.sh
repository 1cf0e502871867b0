#!/usr/bin/env bash
# End-to-end benchmark on this machine, in one run, for one model (default: both):
#   1. the raw model loop (model-tools bench, batch 8, 2 threads) - the reference;
#   2. after a 200-image warm-up, a 400-image burst through the local stack with one worker (same network, same threads):
#      end-to-end throughput and its ratio to raw;
#   3. 50 single requests one at a time: latency p50/p95 minus raw batch-1 inference = overhead;
#   4. 100 images from a cold fleet of 1 worker with autoscaling (1..4): total time and fleet plot.
# During the burst it reads each process's CPU time (/proc/<pid>/stat) and prints CPU-ms per
# request for the queue + storage JVM (ElasticMQ, S3Proxy, fleet controller), the web tier and
# the worker, and the worker's RSS after it.
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
  EIC_MODEL="$(spec "$1")" EIC_LOCAL_AUTOSCALE="$2" EIC_LOCAL_MIN_WORKERS=1 EIC_LOCAL_MAX_WORKERS=4 EIC_PORT="$port" \
  EIC_DATA_DIR="$out/data" EIC_THREADS_INTRA_OP=$([ "$2" = true ] && echo 1 || echo 2) \
    java -Xmx768m -Dlogback.configurationFile="$here/scaling-infra/cli/src/main/resources/eic-logback.xml" \
      -jar scaling-infra/cli/target/scaling-infra.jar local-stack > "$3" 2>&1 &
  stack_pid=$!
  await_stack_up "$3" "$stack_pid"
  url="http://127.0.0.1:$port/"
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

for model in "${models[@]}"; do
  echo "== $model"
  labels=""; [ "$model" = shapes ] || labels="--ignore-labels"  # only shapes knows the generated images
  EIC_MODEL="$(spec "$model")" EIC_THREADS_INTRA_OP=2 java -jar model-tools/target/model-tools.jar bench --batches 1,8 --images 200 \
    | grep '^model=' | tee "$out/$model-raw.txt"
  raw_b8=$(grep 'batch=8 ' "$out/$model-raw.txt" | sed 's/.*images\/s=\([0-9.]*\).*/\1/')
  raw_b1_ms=$(grep 'batch=1 ' "$out/$model-raw.txt" | sed 's/.*ms\/image=\([0-9.]*\).*/\1/')

  start_stack "$model" false "$out/$model-stack.log"
  # warm-up: the JIT of four JVMs, connections, the model; a shorter one measured compilation, not the path
  load --generate 200 --seed 99 --concurrency 8 > /dev/null
  web_pid=$(child web-tier); worker_pid=$(child app-tier)
  before=("$(cpu "$stack_pid")" "$(cpu "$web_pid")" "$(cpu "$worker_pid")")
  load --generate "$burst" --seed 7 --concurrency 50 --report "$out/$model-burst.json" --chart "$out/$model-burst.svg" \
    | tee "$out/$model-burst.txt"
  after=("$(cpu "$stack_pid")" "$(cpu "$web_pid")" "$(cpu "$worker_pid")")
  rss=$(rss_mb "$worker_pid")
  cpu_ms=$(python3 -c "import sys; b=list(map(float,sys.argv[1:4])); a=list(map(float,sys.argv[4:7])); \
    print(' '.join(f'{(y-x)*1000/int(sys.argv[7]):.1f}' for x,y in zip(b,a)))" "${before[@]}" "${after[@]}" "$burst")
  echo "cpu-ms per request (queue+storage web worker): $cpu_ms; worker rss ${rss} MB" | tee "$out/$model-cpu.txt"
  load --generate 50 --seed 8 --concurrency 1 --report "$out/$model-single.json" | tee "$out/$model-single.txt"
  stop_stack

  start_stack "$model" true "$out/$model-cold.log"
  load --generate 100 --seed 9 --concurrency 100 --report "$out/$model-cold.json" --chart "$out/$model-cold.svg" \
    | tee "$out/$model-cold.txt"
  stop_stack

  e2e=$(json "$out/$model-burst.json" "round(r['throughputPerSecond'],1)")
  p50=$(json "$out/$model-single.json" "round(r['latencyMs']['p50'],1)")
  p95=$(json "$out/$model-single.json" "round(r['latencyMs']['p95'],1)")
  cold=$(json "$out/$model-cold.json" "round(r['wallSeconds'],2)")
  python3 - "$model" "$raw_b8" "$e2e" "$raw_b1_ms" "$p50" "$p95" "$cold" $cpu_ms "$rss" <<'PY' | tee -a "$out/summary.md"
import sys
m = sys.argv[1]
raw, e2e, b1, p50, p95, cold, q, w, k, rss = map(float, sys.argv[2:])
print(f"| {m} | {raw:.1f} | {e2e:.1f} | {e2e/raw:.2f} | {b1:.1f} | {p50:.1f} / {p95:.1f} | {p50-b1:.1f} / {p95-b1:.1f} "
      f"| {cold:.2f} | {q:.1f} / {w:.1f} / {k:.1f} = {q+w+k:.1f} | {rss:.0f} |")
PY
done
echo "columns: model | raw b8 img/s | e2e img/s | ratio | raw b1 ms | single p50/p95 ms | overhead p50/p95 ms | 100 cold s | cpu-ms/request queue+storage / web / worker = total | worker rss MB"
echo "results in $out (summary.md, *.json, *.svg)"
