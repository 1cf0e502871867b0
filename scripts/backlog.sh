#!/usr/bin/env bash
# The backlog check (docs/reliability.md): starts the local stack on a fresh data directory
# under target/ with one worker and the reconciler on a compressed clock (uploads older than
# 20 s, a pass every 5 s), submits IMAGES (default 2000) good images through the async API at
# once, waits for every answer and prints accepted / right / lost / enqueued again / classified
# twice. Exit 0 when every image ended right and no work was done twice.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
exec "$here/scripts/chaos.sh" --backlog "${1:-2000}" "${2:-16}"
