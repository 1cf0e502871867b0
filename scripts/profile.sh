#!/usr/bin/env bash
# Where the CPU goes, by package and method, in each JVM of the local stack under the benchmark's
# burst: one worker, autoscaling off, a 200-request warm-up, then JFR (Flight Recorder, in every
# JDK) records the launcher (ElasticMQ + S3Proxy), the web tier and the worker through a burst.
# Usage: scripts/profile.sh [MODEL] [BURST]   (shapes, 400)   Results: target/profile/
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
model="${1:-shapes}"; burst="${2:-400}"
out="$here/target/profile"
rm -rf "$out"; mkdir -p "$out"
. "$here/scripts/lib/local-stack.sh"
ensure_built scaling-infra/cli/target/scaling-infra.jar web-tier/target/web-tier-exec.jar app-tier/target/app-tier.jar \
  workload-generator/target/workload-generator.jar
export DJL_OFFLINE=true OPT_OUT_TRACKING=true EIC_HOME="$here"
port=$(free_port)
stack_pid=""
trap '[ -z "$stack_pid" ] || { kill "$stack_pid" 2>/dev/null || true; wait "$stack_pid" 2>/dev/null || true; }' EXIT
EIC_MODEL="$model" EIC_LOCAL_AUTOSCALE=false EIC_LOCAL_MIN_WORKERS=1 EIC_PORT="$port" EIC_DATA_DIR="$out/data" \
EIC_THREADS_INTRA_OP=2 start_local_stack "$out/stack.log"
load() { java -jar workload-generator/target/workload-generator.jar --url "http://127.0.0.1:$port/" --no-progress \
  --ignore-labels "$@" > /dev/null || true; }
load --generate 200 --seed 99 --concurrency 8
declare -A pids=([launcher]="$stack_pid" [web]="$(pgrep -P "$stack_pid" -f web-tier | head -1)" \
  [worker]="$(pgrep -P "$stack_pid" -f app-tier | head -1)")
for name in "${!pids[@]}"; do jcmd "${pids[$name]}" JFR.start name=eic settings=profile > /dev/null; done
load --generate "$burst" --seed 7 --concurrency 50
for name in launcher web worker; do
  jcmd "${pids[$name]}" JFR.dump name=eic filename="$out/$name.jfr" > /dev/null
  echo "== $name"
  python3 "$here/scripts/lib/jfr_hot.py" "$out/$name.jfr" 15 | tee "$out/$name.txt"
done
echo "recordings in $out (open them in JDK Mission Control for the call trees)"
