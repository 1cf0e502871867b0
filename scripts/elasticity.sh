#!/usr/bin/env bash
# Local elasticity, measured: for each burst size and warm-pool size, a fresh local stack with
# autoscaling (shapes model, the controller deciding every second), one burst through POST /,
# then read:
#   - seconds from the first request (the load client's report) to a second worker in service
#     (the fleet's log: a parked worker activated, or a started one ready)
#   - seconds to drain (from the first request to the last answer)
#   - seconds from the drain to the fleet back at its minimum (the controller's own timeline,
#     GET /api/v1/fleet, one sample a second: one worker in service, desired one)
#   - requests not answered with a label (lost, refused or failed)
# Usage: scripts/elasticity.sh [burst ...]   (default: 60 300); results in target/elasticity/
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
bursts=("$@")
[ ${#bursts[@]} -gt 0 ] || bursts=(60 300)
out="$here/target/elasticity"
mkdir -p "$out"
. "$here/scripts/lib/local-stack.sh"
ensure_built scaling-infra/cli/target/scaling-infra.jar web-tier/target/web-tier-exec.jar app-tier/target/app-tier.jar \
  workload-generator/target/workload-generator.jar
export DJL_OFFLINE=true OPT_OUT_TRACKING=true EIC_HOME="$here"
stack_pid=""
stop_stack() { [ -z "$stack_pid" ] || { kill "$stack_pid" 2>/dev/null || true; wait "$stack_pid" 2>/dev/null || true; }; }
trap stop_stack EXIT
echo "| burst | warm pool | 2nd worker in service after (s) | drained after (s) | back to 1 worker after the drain (s) | lost |"
echo "|---|---|---|---|---|---|"
for burst in "${bursts[@]}"; do
  for warm in 0 1; do
    port=$(free_port); log="$out/stack-$burst-$warm.log"; rm -rf "$out/data"
    EIC_MODEL=shapes EIC_LOCAL_AUTOSCALE=true EIC_LOCAL_MIN_WORKERS=1 EIC_LOCAL_WARM_WORKERS=$warm \
    EIC_LOCAL_SCALING_PERIOD=1s EIC_PORT="$port" EIC_DATA_DIR="$out/data" start_local_stack "$log"
    url="http://127.0.0.1:$port/"
    if [ "$warm" -gt 0 ]; then  # the pool fills once the fleet has been still for 10 s
      for _ in $(seq 1 120); do grep -q "warm pool: parking" "$log" && break; sleep 1; done
      for _ in $(seq 1 120); do grep -q "parked: model loaded" "$out"/data/logs/worker-*.log 2>/dev/null && break; sleep 1; done
    fi
    java -jar workload-generator/target/workload-generator.jar --url "$url" --no-progress --generate "$burst" \
      --seed 13 --concurrency 100 --report "$out/burst-$burst-$warm.json" > "$out/burst-$burst-$warm.txt" || true
    for _ in $(seq 1 120); do  # back to the minimum: the controller's own view
      curl -s "${url}api/v1/fleet" > "$out/fleet-$burst-$warm.json" || true
      python3 -c "import json,sys; c=json.load(open(sys.argv[1]))['current']; sys.exit(0 if c['inService']==1 and c['desired']==1 else 1)" \
        "$out/fleet-$burst-$warm.json" 2>/dev/null && break
      sleep 1
    done
    python3 - "$out/fleet-$burst-$warm.json" "$out/burst-$burst-$warm.json" "$log" "$burst" "$warm" <<'PY'
import json, re, sys
from datetime import datetime, timezone
fleet, report = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
log, burst, warm = open(sys.argv[3]).read().splitlines(), sys.argv[4], sys.argv[5]
iso = lambda s: datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()
began = iso(report["startedAt"])
start = began + min(o["startMs"] for o in report["outcomes"]) / 1000
drained = began + max(o["startMs"] + o["latencyMs"] for o in report["outcomes"]) / 1000
day = datetime.fromtimestamp(start, timezone.utc).date().isoformat()
clock = lambda hms: iso(day + "T" + hms + "Z")
# a second worker in service: the fleet's activation of a parked one, or a started one's ready line
grew = None
for line in log:
    m = (re.search(r"^(\d\d:\d\d:\d\d\.\d+) .*warm pool: activated", line)
         or re.search(r"^\[worker-(?:[2-9]|\d\d+)\] (\d\d:\d\d:\d\d\.\d+) .* ready: model", line))
    if m and clock(m.group(1)) >= start:
        grew = clock(m.group(1)) - start
        break
samples = fleet["samples"]
back = next((iso(s["time"]) - drained for s in samples
             if iso(s["time"]) >= drained and s["inService"] == 1 and s["desired"] == 1), None)
lost = sum(1 for o in report["outcomes"] if o["status"] != 200)  # not answered with a label
f = lambda v: "-" if v is None else f"{v:.1f}"
print(f"| {burst} | {warm} | {f(grew)} | {drained - start:.1f} | {f(back)} | {lost} |")
PY
    stop_stack; stack_pid=""
  done
done
