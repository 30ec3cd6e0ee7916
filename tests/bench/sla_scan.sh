#!/usr/bin/env bash
# SLA timer worker benchmark (issue: SLA timers).
#
#   tests/bench/sla_scan.sh [sqlite|postgres|both] [TICKETS]     # default: both, 100000
#
# Loads TICKETS demo tickets that are all still open (filed over the last
# month, with comments and history; `itdesk demo --all-open`), which also
# computes every ticket's SLA, then times `itdesk sla scan --at T` — one pass
# of the timer worker as if it ran at T — for T one minute, one hour and one
# day ahead (what a pass finds after that long without one) and thirty days
# ahead (every threshold of every ticket has passed: the worst catch-up).
# Each pass runs on a fresh copy of the loaded state.
set -euo pipefail
cd "$(dirname "$0")/../.."

which_backends="${1:-both}"
tickets="${2:-100000}"
pg_admin="${ITDESK_TEST_PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
cargo build --release --quiet
bin="$PWD/target/release/itdesk"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export RUST_LOG=warn

offsets=("1 minute" "1 hour" "1 day" "30 days")

bench_backend() {
  local backend=$1
  echo "== $backend: loading $tickets open tickets"
  local t0=$SECONDS
  case $backend in
    sqlite)
      ITDESK_DATABASE_URL="sqlite://$work/base.db" "$bin" demo --tickets "$tickets" --months 1 --requesters 2000 --all-open | head -1
      ;;
    postgres)
      psql -q -d "$pg_admin" -c "DROP DATABASE IF EXISTS itdesk_sla_base" -c "CREATE DATABASE itdesk_sla_base"
      ITDESK_DATABASE_URL="${pg_admin%/*}/itdesk_sla_base" "$bin" demo --tickets "$tickets" --months 1 --requesters 2000 --all-open | head -1
      psql -q -d "${pg_admin%/*}/itdesk_sla_base" -c "VACUUM ANALYZE"
      ;;
  esac
  echo "   load and first SLA computation took $((SECONDS - t0)) s"
  for off in "${offsets[@]}"; do
    local url
    case $backend in
      sqlite)
        cp "$work/base.db" "$work/run.db"; rm -f "$work/run.db-wal" "$work/run.db-shm"
        url="sqlite://$work/run.db" ;;
      postgres)
        psql -q -d "$pg_admin" -c "DROP DATABASE IF EXISTS itdesk_sla_run" -c "CREATE DATABASE itdesk_sla_run TEMPLATE itdesk_sla_base"
        url="${pg_admin%/*}/itdesk_sla_run" ;;
    esac
    local at; at=$(date -u -d "$off" +%Y-%m-%dT%H:%M:%SZ)
    printf '  scan %-9s ahead: ' "$off"
    ITDESK_DATABASE_URL="$url" "$bin" sla scan --at "$at"
  done
  if [ "$backend" = postgres ]; then
    psql -q -d "$pg_admin" -c "DROP DATABASE IF EXISTS itdesk_sla_run" -c "DROP DATABASE IF EXISTS itdesk_sla_base"
  fi
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r)"
case $which_backends in
  both) bench_backend sqlite; bench_backend postgres ;;
  sqlite|postgres) bench_backend "$which_backends" ;;
  *) echo "usage: $0 [sqlite|postgres|both] [TICKETS]" >&2; exit 2 ;;
esac
