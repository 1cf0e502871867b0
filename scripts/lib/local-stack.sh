# Shared by the measuring scripts (benchmark.sh, elasticity.sh, profile.sh): sourced, not run.

# Builds the project when any of the given jars is missing.
ensure_built() {
  for jar in "$@"; do
    [ -f "$jar" ] || { echo "building..."; mvn -q -B -DskipTests install; return; }
  done
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# Waits for the local stack (pid $2) to print its ready line in log $1; exits if it dies or takes 3 minutes.
await_stack_up() {
  for _ in $(seq 1 180); do
    grep -q "local stack is up" "$1" && return 0
    kill -0 "$2" 2>/dev/null || { echo "local stack failed, see $1"; exit 1; }
    sleep 1  # polling a log file for the ready line, bounded by the loop
  done
  echo "local stack did not come up, see $1"; exit 1
}

# Waits until the stack in log $1 (pid $2) has a parked worker: its warm pool filled, the fleet at rest as a burst
# would find it (the pool's worker starts after the first one is ready, so it may still load when the stack is up).
await_warm_pool() {
  for _ in $(seq 1 180); do
    grep -q "EIC-WORKER-PARKED" "$1" && return 0
    kill -0 "$2" 2>/dev/null || { echo "local stack failed, see $1"; exit 1; }
    sleep 1  # polling a log file for the marker, bounded by the loop
  done
  echo "the warm pool was not filled in 3 minutes, see $1"; exit 1
}

# Starts the launcher (ElasticMQ, S3Proxy, the web tier, the workers) in the background with the caller's EIC_*
# settings, its output in log $1, and waits until it is up; sets stack_pid. C1 only: see run-local.sh.
start_local_stack() {
  : > "$1"  # here, not by the background job's redirection: the ready wait must not read an earlier run's log
  java -Xmx768m -XX:TieredStopAtLevel=1 \
    -Dlogback.configurationFile="$EIC_HOME/scaling-infra/cli/src/main/resources/eic-logback.xml" \
    -jar "$EIC_HOME/scaling-infra/cli/target/scaling-infra.jar" local-stack > "$1" 2>&1 &
  stack_pid=$!
  await_stack_up "$1" "$stack_pid"
}
