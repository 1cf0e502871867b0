#!/usr/bin/env bash
# The reliability check (docs/reliability.md): starts the local stack on a fresh data
# directory under target/, submits IMAGES (default 1000) images through the async API with
# poison and large images mixed in, kills workers every 3 s, kills the web tier, freezes the
# queue and storage servers for 5 s, cuts the power of the whole stack and starts it again on
# the same data, then checks every accepted id and prints accepted / right / failed with
# reason / lost. Exit 0 when nothing was lost or wrongly failed.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
for jar in scaling-infra/cli/target/scaling-infra.jar web-tier/target/web-tier-exec.jar app-tier/target/app-tier.jar \
           workload-generator/target/workload-generator.jar; do
  [ -f "$jar" ] || { echo "building the project first..."; mvn -q -B -DskipTests install; break; }
done
mkdir -p target
export DJL_OFFLINE=true OPT_OUT_TRACKING=true
exec java -Deic.home="$here" -cp workload-generator/target/workload-generator.jar eic.load.chaos.ChaosMain "$@"
