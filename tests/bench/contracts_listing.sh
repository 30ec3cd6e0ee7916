#!/usr/bin/env bash
# The contracts listing at 10,000 contracts on SQLite and PostgreSQL
# (issue: vendors, contracts and purchase orders; target p99 < 15 ms).
#
#   tests/bench/contracts_listing.sh [sqlite|postgres|both] [DURATION]
#
# Loads the contracts of `cargo bench --bench contracts` (50 vendors, 200
# owners, ends spread over three years around today, notice deadlines
# stored) with BENCH_LOAD_ONLY=1 into a fresh database, starts the release
# `itdesk serve`, and runs wrk (2 threads, 8 connections, keep-alive,
# DURATION, default 10s, after a 3 s warm-up) on GET /api/v1/contracts:
# the first page (50, the nearest decision first), a page deep in the
# list, one vendor's contracts, and the contracts whose notice is due.
# PostgreSQL must listen on 127.0.0.1:5432 with trust auth (tests/run.sh
# starts one); the database itdesk_contracts_bench is dropped and created.
set -euo pipefail
cd "$(dirname "$0")/../.."

which_backends="${1:-both}"
duration="${2:-10s}"
pg_admin="${ITDESK_TEST_PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }

cargo build --release --quiet
bin="$PWD/target/release/itdesk"
work=$(mktemp -d)
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
field() { sed -n "s/.*$1=\([0-9]*\).*/\1/p" <<<"$2"; }
report() { # name, wrk RESULT line
  local req dur non2xx p50 p99
  req=$(field requests "$2"); dur=$(field duration_us "$2"); non2xx=$(field non2xx "$2")
  p50=$(field p50_us "$2"); p99=$(field p99_us "$2")
  python3 -c "print(f'  {\"$1\":<40} {($req-$non2xx)/($dur/1e6):7.0f}/s ok, non-2xx $non2xx, p50 {$p50/1000:.1f} ms, p99 {$p99/1000:.1f} ms')"
}

fresh_db() { # backend -> prints the URL of an empty database
  case $1 in
    sqlite) rm -f "$work"/bench.db*; echo "sqlite://$work/bench.db" ;;
    postgres)
      psql -q -d "$pg_admin" -c "DROP DATABASE IF EXISTS itdesk_contracts_bench" -c "CREATE DATABASE itdesk_contracts_bench" >&2
      echo "${pg_admin%/*}/itdesk_contracts_bench" ;;
  esac
}

measure() { # name, url
  wrk -t2 -c8 -d3s -s tests/bench/get_with_token.lua "$2" >/dev/null
  local r
  r=$(wrk -t2 -c8 -d"$duration" --latency -s tests/bench/get_with_token.lua "$2" | grep RESULT)
  report "$1" "$r"
}

bench_backend() {
  local backend=$1 url
  echo "== $backend"
  url=$(fresh_db "$backend")
  BENCH_LOAD_ONLY=1 BENCH_DATABASE_URL="$url" cargo bench --quiet --bench contracts | sed 's/^/  /'
  export ITDESK_DATABASE_URL="$url" RUST_LOG=warn
  local port; port=$(free_port)
  "$bin" serve --bind "127.0.0.1:$port" >"$work/serve-$backend.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
  export TOKEN; TOKEN=$("$bin" admin create-token --email bench@example.org --role coordinator 2>/dev/null | tail -1)
  local base="http://127.0.0.1:$port/api/v1/contracts"
  echo "  matching contracts: $(curl -fs -D - -o /dev/null -H "Authorization: Bearer $TOKEN" "$base" | sed -n 's/^x-total-count: *//Ip' | tr -d '\r')"
  measure "first page (50)" "$base"
  measure "page 100 (offset 4950)" "$base?offset=4950"
  measure "one vendor (200), first 50" "$base?vendor_id=v007"
  measure "notice due, first 50" "$base?status=notice_due"
  kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
}

case $which_backends in
  sqlite) bench_backend sqlite ;;
  postgres) bench_backend postgres ;;
  both) bench_backend sqlite; bench_backend postgres ;;
  *) echo "usage: $0 [sqlite|postgres|both] [DURATION]" >&2; exit 2 ;;
esac
