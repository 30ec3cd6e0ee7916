#!/usr/bin/env bash
# Ticket queue benchmarks (issues: the service and its ticket queue; the
# queue at a million tickets).
#
#   tests/bench/tickets.sh [sqlite|postgres|both] [TICKETS]
#   BENCH_REUSE=1 tests/bench/tickets.sh both      # keep the loaded data
#                                                  # and use it again
#   BENCH_NO_BUILD=1 …                             # the binaries built last
#
# For each backend: load TICKETS (default 1,000,000) demo tickets into a fresh
# database (with BENCH_REUSE=1 into target/bench/tickets-TICKETS.db or the
# PostgreSQL database itdesk_bench_TICKETS, kept and used again by the next
# run; each run's creations stay in it), start `itdesk serve` (release
# build), then measure over HTTP on loopback with keep-alive, using wrk
# (Debian package `wrk`):
#   1. the queue listing: 50 open tickets of one queue sorted by priority,
#      8 concurrent clients → requests/s, p50, p99;
#   2. the same listing filtered by assignee and sorted newest first;
#   3. the floor: the same 8 clients on GET /api/v1/me (authentication and
#      the framework, no database), and each listing's p99 as a multiple
#      of it;
#   4. the listings' SQL alone, in-process (`cargo bench --bench
#      ticket_listing`: the handler's `list_tickets` without HTTP, 1 and 8
#      threads);
#   5. the query plans of both listings (EXPLAIN (ANALYZE, BUFFERS) on
#      PostgreSQL, EXPLAIN QUERY PLAN on SQLite) into
#      tests/bench/plans/BACKEND-LISTING.txt;
#   6. ticket creation: POST /api/v1/tickets, 32 concurrent clients →
#      tickets/s (2xx only), p99;
#   7. resident memory (VmRSS) of the serve process after all of it.
# The database is read once into the OS file cache before the runs.
# Each wrk run lasts BENCH_DURATION (default 20s). wrk runs on the same
# machine and competes for the same cores.
set -euo pipefail
cd "$(dirname "$0")/../.."

which_backends="${1:-both}"
tickets="${2:-1000000}"
duration="${BENCH_DURATION:-20s}"
reuse="${BENCH_REUSE:-0}"
pg_admin="${ITDESK_TEST_PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}"

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
bin="$PWD/target/release/itdesk"
if [ "${BENCH_NO_BUILD:-0}" = 1 ]; then
  # The binaries built last (e.g. to measure a build while the sources change).
  sql_bench=$(ls -t target/release/deps/ticket_listing-* 2>/dev/null | grep -v '\.d$' | head -1)
else
  cargo build --release --quiet
  # The in-process listing bench, built now with the release profile (the
  # library is the one just built) and run by its path (so that a change
  # to the sources during the run cannot start a build).
  sql_bench=$(cargo build --release --quiet --bench ticket_listing --message-format=json 2>/dev/null \
    | python3 -c 'import json,sys
for m in map(json.loads, sys.stdin):
    if m.get("reason") == "compiler-artifact" and "bench" in m["target"]["kind"] and m.get("executable"):
        print(m["executable"])' | tail -1)
fi
[ -x "$sql_bench" ] || { echo "cargo bench --bench ticket_listing did not build" >&2; exit 1; }
work=$(mktemp -d)
server_pid=""
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
mkdir -p target/bench tests/bench/plans

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

# load and warm: the data set, shared with report.sh.
source tests/bench/data.sh

# The plans of both listings, as list_tickets asks for them.
plans() { # backend url
  local out=tests/bench/plans order_q="ORDER BY tickets.priority ASC, tickets.created_at ASC, tickets.id ASC LIMIT 51"
  local order_a="ORDER BY tickets.created_at DESC, tickets.id DESC LIMIT 51"
  if [ "$1" = postgres ]; then
    local q a
    q=$(psql -tAq -d "$2" -c "SELECT id FROM queues WHERE slug = 'network'")
    a=$(psql -tAq -d "$2" -c "SELECT id FROM users WHERE email = 'agent@example.org'")
    psql -q -d "$2" -c "EXPLAIN (ANALYZE, BUFFERS) SELECT * FROM tickets WHERE tickets.is_open = true AND tickets.queue_id = '$q' $order_q" >"$out/postgres-queue.txt"
    psql -q -d "$2" -c "EXPLAIN (ANALYZE, BUFFERS) SELECT * FROM tickets WHERE tickets.is_open = true AND tickets.assignee_id = '$a' $order_a" >"$out/postgres-assignee.txt"
  else
    local db=${2#sqlite://} q a
    q=$(sqlite3 "$db" "SELECT id FROM queues WHERE slug = 'network'")
    a=$(sqlite3 "$db" "SELECT id FROM users WHERE email = 'agent@example.org'")
    sqlite3 "$db" "EXPLAIN QUERY PLAN SELECT * FROM tickets WHERE tickets.is_open = 1 AND tickets.queue_id = '$q' $order_q" >"$out/sqlite-queue.txt"
    sqlite3 "$db" "EXPLAIN QUERY PLAN SELECT * FROM tickets WHERE tickets.is_open = 1 AND tickets.assignee_id = '$a' $order_a" >"$out/sqlite-assignee.txt"
  fi
  echo "   plans: $out/$1-queue.txt, $out/$1-assignee.txt"
}

bench_backend() {
  local backend=$1 url
  case $backend in
    sqlite)
      if [ "$reuse" = 1 ]; then
        local file="$PWD/target/bench/tickets-$tickets.db"
        url="sqlite://$file"
        [ -f "$file" ] || { export ITDESK_DATABASE_URL="$url" RUST_LOG=warn; load sqlite "$url"; }
      else
        url="sqlite://$work/bench.db"
        export ITDESK_DATABASE_URL="$url" RUST_LOG=warn; load sqlite "$url"
      fi ;;
    postgres)
      local name=itdesk_bench
      [ "$reuse" = 1 ] && name="itdesk_bench_$tickets"
      url="${pg_admin%/*}/$name"
      export ITDESK_DATABASE_URL="$url" RUST_LOG=warn
      if [ "$reuse" != 1 ] || [ -z "$(psql -tAq -d "$pg_admin" -c "SELECT 1 FROM pg_database WHERE datname = '$name'")" ]; then
        psql -q -d "$pg_admin" -c "DROP DATABASE IF EXISTS $name" -c "CREATE DATABASE $name"
        load postgres "$url"
      fi ;;
  esac
  export ITDESK_DATABASE_URL="$url" RUST_LOG=warn
  echo "== $backend: $(case $backend in sqlite) sqlite3 "${url#sqlite://}" "SELECT count(*) FROM tickets";; postgres) psql -tAq -d "$url" -c "SELECT count(*) FROM tickets";; esac) tickets"

  warm "$backend" "$url"
  local port; port=$(free_port)
  "$bin" serve --bind "127.0.0.1:$port" >"$work/serve-$backend.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
  export TOKEN; TOKEN=$("$bin" admin create-token --email bench@example.org --role coordinator 2>/dev/null | tail -1)
  local base="http://127.0.0.1:$port/api/v1/tickets"
  local open; open=$(curl -fs -H "Authorization: Bearer $TOKEN" "$base?status=open&limit=200" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["items"]))')
  echo "   open tickets on the first page of 200: $open"

  local queue="$base?status=open&queue=network&sort=priority&limit=50"
  local mine="$base?status=open&assignee=agent@example.org&sort=-created_at&limit=50"
  local me="http://127.0.0.1:$port/api/v1/me"
  wrk -t2 -c8 -d5s -s tests/bench/get_with_token.lua "$queue" >/dev/null
  wrk -t2 -c8 -d5s -s tests/bench/get_with_token.lua "$mine" >/dev/null
  local rq ra rf
  rq=$(wrk -t2 -c8 -d"$duration" --latency -s tests/bench/get_with_token.lua "$queue" | grep RESULT)
  report "list: open, queue=network, sort=priority, 50 rows, 8 clients" "$rq"
  ra=$(wrk -t2 -c8 -d"$duration" --latency -s tests/bench/get_with_token.lua "$mine" | grep RESULT)
  report "list: open, assignee, sort=-created_at, 50 rows, 8 clients" "$ra"
  rf=$(wrk -t2 -c8 -d"$duration" --latency -s tests/bench/get_with_token.lua "$me" | grep RESULT)
  report "floor: GET /api/v1/me (auth, no database), 8 clients" "$rf"
  python3 - "$(field p99_us "$rq")" "$(field p99_us "$ra")" "$(field p99_us "$rf")" <<'PY'
import sys
q, a, f = (int(x) for x in sys.argv[1:])
print(f"  p99 over the floor's: queue listing {q/f:.1f}x, assignee listing {a/f:.1f}x (floor {f/1000:.1f} ms)")
PY

  echo "   the listings' SQL alone, in-process (server idle):"
  BENCH_DATABASE_URL="$url" BENCH_SECONDS="${BENCH_SQL_SECONDS:-10}" "$sql_bench" \
    | sed -n 's/^SQL /  SQL /p; s/^\([a-z]*: .* rows.*\)/  \1/p'
  plans "$backend" "$url"

  local rc
  rc=$(wrk -t2 -c32 -d"$duration" --latency -s tests/bench/create_ticket.lua "$base" | grep RESULT)
  report "create: POST /api/v1/tickets, 32 clients" "$rc"
  printf '  %-58s %s\n' "resident memory of itdesk serve afterwards" "$(awk '/VmRSS/ {printf "%.0f MB", $2/1024}' /proc/$server_pid/status)"
  kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
  if [ "$backend" = postgres ] && [ "$reuse" != 1 ]; then psql -q -d "$pg_admin" -c "DROP DATABASE IF EXISTS itdesk_bench"; fi
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r)"
case $which_backends in
  both) bench_backend sqlite; bench_backend postgres ;;
  sqlite|postgres) bench_backend "$which_backends" ;;
  *) echo "usage: $0 [sqlite|postgres|both] [TICKETS]" >&2; exit 2 ;;
esac
