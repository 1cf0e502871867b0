# Shared by the measuring scripts (benchmark.sh, elasticity.sh): sourced, not run.

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
