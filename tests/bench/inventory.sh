#!/usr/bin/env bash
# Inventory intake benchmark (issue: asset lifecycle and inventory).
#
#   tests/bench/inventory.sh [sqlite|postgres|both] [PACKAGES] [RUNS]
#
# PACKAGES (default 1200) per inventory, RUNS (default 30) per case, posted
# one at a time to POST /api/v1/inventory/ocs of a running release
# `itdesk serve` with curl (zlib body, basic auth), as an agent does:
#   new device   — RUNS distinct devices: a discovered asset and PACKAGES
#                  installations each;
#   same again   — device 0 re-inventoried RUNS times, nothing changed;
#   upgrade      — device 0 with 100 packages replaced (100 ended, 100 new).
# Prints the median and the slowest request time (curl's time_total, so
# it includes HTTP and decompression).
set -euo pipefail
cd "$(dirname "$0")/../.."

which_backends="${1:-both}"
packages="${2:-1200}"
runs="${3:-30}"
pg_admin="${ITDESK_TEST_PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}"

cargo build --release --quiet
bin="$PWD/target/release/itdesk"
work=$(mktemp -d)
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

python3 tests/bench/make_inventory.py "$work/inv" "$runs" "$packages"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
stats() { python3 -c '
import sys
t = sorted(float(x) * 1000 for x in sys.stdin.read().split())
print(f"median {t[len(t)//2]:6.1f} ms   slowest {t[-1]:6.1f} ms   ({len(t)} requests)")'; }

post() {
  curl -sS -o /dev/null -w '%{time_total}\n' --fail -u agent:bench \
    -H 'Content-Type: application/x-compress-zlib' --data-binary "@$1" "$url"
}

bench_backend() {
  local backend=$1 db_url
  case $backend in
    sqlite) db_url="sqlite://$work/bench.db"; rm -f "$work"/bench.db* ;;
    postgres)
      psql -q -d "$pg_admin" -c "DROP DATABASE IF EXISTS itdesk_inv_bench" -c "CREATE DATABASE itdesk_inv_bench"
      db_url="${pg_admin%/*}/itdesk_inv_bench" ;;
  esac
  local port; port=$(free_port)
  ITDESK_DATABASE_URL="$db_url" RUST_LOG=warn ITDESK__INVENTORY__USERNAME=agent ITDESK__INVENTORY__PASSWORD=bench \
    "$bin" serve --bind "127.0.0.1:$port" >"$work/serve.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
  url="http://127.0.0.1:$port/api/v1/inventory/ocs"
  echo "== $backend"
  printf '  %-14s ' "new device"; for i in $(seq 0 $((runs - 1))); do post "$work/inv/dev-$i.zlib"; done | stats
  printf '  %-14s ' "same again"; for _ in $(seq 1 "$runs"); do post "$work/inv/dev-0.zlib"; done | stats
  printf '  %-14s ' "upgrade"; for i in $(seq 1 "$runs"); do
    if [ $((i % 2)) = 1 ]; then post "$work/inv/dev-0-changed.zlib"; else post "$work/inv/dev-0.zlib"; fi
  done | stats
  kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
  [ "$backend" = postgres ] && psql -q -d "$pg_admin" -c "DROP DATABASE IF EXISTS itdesk_inv_bench"
  return 0
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r)"
case $which_backends in
  both) bench_backend sqlite; bench_backend postgres ;;
  sqlite|postgres) bench_backend "$which_backends" ;;
  *) echo "usage: $0 [sqlite|postgres|both] [PACKAGES] [RUNS]" >&2; exit 2 ;;
esac
