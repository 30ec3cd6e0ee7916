#!/usr/bin/env bash
# Ticket queue benchmarks (issue: the service and its ticket queue).
#
#   tests/bench/tickets.sh [sqlite|postgres|both] [TICKETS]
#
# For each backend: load TICKETS (default 1,000,000) demo tickets into a fresh
# database, start `itdesk serve` (release build), then measure over HTTP on
# loopback with keep-alive, using wrk (Debian package `wrk`):
#   1. the queue listing: 50 open tickets of one queue sorted by priority,
#      8 concurrent clients, 20 s → requests/s, p50, p99;
#   2. the same listing filtered by assignee and sorted newest first;
#   3. ticket creation: POST /api/v1/tickets, 32 concurrent clients, 20 s →
#      tickets/s (2xx only), p99;
#   4. resident memory (VmRSS) of the serve process after all of it.
# wrk runs on the same machine and competes for the same cores.
set -euo pipefail
cd "$(dirname "$0")/../.."

which_backends="${1:-both}"
tickets="${2:-1000000}"
duration="${BENCH_DURATION:-20s}"
pg_admin="${ITDESK_TEST_PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}"

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
cargo build --release --quiet
bin="$PWD/target/release/itdesk"
work=$(mktemp -d)
server_pid=""
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

field() { sed -n "s/.*$1=\([0-9]*\).*/\1/p" <<<"$2"; }

report() { # name, wrk RESULT line
  local req dur non2xx p50 p99 rate
  req=$(field requests "$2"); dur=$(field duration_us "$2"); non2xx=$(field non2xx "$2")
  p50=$(field p50_us "$2"); p99=$(field p99_us "$2")
  rate=$(python3 -c "print(f'{($req-$non2xx)/($dur/1e6):.0f}')")
  printf '  %-58s %8s/s ok, non-2xx %s, p50 %.1f ms, p99 %.1f ms\n' "$1" "$rate" "$non2xx" \
    "$(python3 -c "print($p50/1000)")" "$(python3 -c "print($p99/1000)")"
}

bench_backend() {
  local backend=$1 url
  case $backend in
    sqlite) url="sqlite://$work/bench.db" ;;
    postgres)
      psql -q -d "$pg_admin" -c "DROP DATABASE IF EXISTS itdesk_bench" -c "CREATE DATABASE itdesk_bench"
      url="${pg_admin%/*}/itdesk_bench" ;;
  esac
  export ITDESK_DATABASE_URL="$url" RUST_LOG=warn
  echo "== $backend: loading $tickets tickets"
  local t0=$SECONDS
  "$bin" demo --tickets "$tickets" --months 36 --requesters 2000 | head -1
  echo "   load took $((SECONDS - t0)) s"
  if [ "$backend" = postgres ]; then psql -q -d "${url}" -c "VACUUM ANALYZE"; fi

  local port; port=$(free_port)
  "$bin" serve --bind "127.0.0.1:$port" >"$work/serve-$backend.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
  export TOKEN; TOKEN=$("$bin" admin create-token --email bench@example.org --role coordinator 2>/dev/null | tail -1)
  local base="http://127.0.0.1:$port/api/v1/tickets"
  local open; open=$(curl -fs -H "Authorization: Bearer $TOKEN" "$base?status=open&limit=200" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["items"]))')
  echo "   open tickets on the first page of 200: $open"

  wrk -t2 -c8 -d5s -s tests/bench/get_with_token.lua "$base?status=open&queue=network&sort=priority&limit=50" >/dev/null
  local r
  r=$(wrk -t2 -c8 -d"$duration" --latency -s tests/bench/get_with_token.lua "$base?status=open&queue=network&sort=priority&limit=50" | grep RESULT)
  report "list: open, queue=network, sort=priority, 50 rows, 8 clients" "$r"
  r=$(wrk -t2 -c8 -d"$duration" --latency -s tests/bench/get_with_token.lua "$base?status=open&assignee=agent@example.org&sort=-created_at&limit=50" | grep RESULT)
  report "list: open, assignee, sort=-created_at, 50 rows, 8 clients" "$r"
  r=$(wrk -t2 -c32 -d"$duration" --latency -s tests/bench/create_ticket.lua "$base" | grep RESULT)
  report "create: POST /api/v1/tickets, 32 clients" "$r"
  printf '  %-58s %s\n' "resident memory of itdesk serve afterwards" "$(awk '/VmRSS/ {printf "%.0f MB", $2/1024}' /proc/$server_pid/status)"
  kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
  if [ "$backend" = postgres ]; then psql -q -d "$pg_admin" -c "DROP DATABASE IF EXISTS itdesk_bench"; fi
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r)"
case $which_backends in
  both) bench_backend sqlite; bench_backend postgres ;;
  sqlite|postgres) bench_backend "$which_backends" ;;
  *) echo "usage: $0 [sqlite|postgres|both] [TICKETS]" >&2; exit 2 ;;
esac
