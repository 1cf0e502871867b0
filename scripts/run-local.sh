#!/usr/bin/env bash
# Starts the whole EIC stack on this machine, in the foreground: ElasticMQ (SQS) and
# S3Proxy (S3) with their data under .eic-local/, the web tier on 127.0.0.1:${EIC_PORT:-8080}
# and the worker fleet. Ctrl-C or SIGTERM stops everything it started.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"

jars=(scaling-infra/cli/target/scaling-infra.jar web-tier/target/web-tier-exec.jar app-tier/target/app-tier.jar)
missing=0
for jar in "${jars[@]}"; do [ -f "$jar" ] || missing=1; done
if [ "$missing" = 1 ] || [ "${EIC_REBUILD:-0}" = 1 ]; then
  echo "building the project (first run, or EIC_REBUILD=1)..."
  mvn -q -B -DskipTests install
fi

export EIC_HOME="$here"
export DJL_OFFLINE=true OPT_OUT_TRACKING=true
# exec: the JVM gets Ctrl-C/SIGTERM directly and its shutdown hook stops the children.
# C1 only: this JVM serves ElasticMQ and S3Proxy, and C2's compilations cost them more CPU than they
# saved within the first thousand requests (docs/benchmarks.md, the JIT split).
exec java -Xmx768m -XX:TieredStopAtLevel=1 -Dlogback.configurationFile="$here/scaling-infra/cli/src/main/resources/eic-logback.xml" \
  -jar scaling-infra/cli/target/scaling-infra.jar local-stack "$@"
