#!/usr/bin/env bash
# The monthly report over the queue bench's data set (issue: monthly
# metrics for leadership): 1,000,000 demo tickets over 36 months with their
# history.
#
#   tests/bench/report.sh [sqlite|postgres|both] [TICKETS]
#   BENCH_REUSE=1 tests/bench/report.sh both   # the data tickets.sh keeps
#   BENCH_NO_BUILD=1 …                         # the binary built last
#   BENCH_KEEP_FROZEN=1 …                      # keep the last run's freezes:
#                                              # steps 3 and 4 only
#
# For each backend (release build, `itdesk report` on the command line, the
# database read into the OS file cache first), for the last full month M:
#   1. cold: no month frozen — `report monthly --month M --format json`
#      computes M and each of the eleven months of its trend (one range of
#      tickets per month, never the whole table);
#   2. `report freeze` of the eleven months before M, each timed (what the
#      job does once a month);
#   3. the report as a month's close serves it: `report monthly --month M
#      --live` in json, html and xlsx (M computed, its trend from the frozen
#      months);
#   4. `export tickets` of month M (csv).
# Each: wall time and the process's peak memory (max RSS, /usr/bin/time).
set -euo pipefail
cd "$(dirname "$0")/../.."

which_backends="${1:-both}"
tickets="${2:-1000000}"
reuse="${BENCH_REUSE:-0}"
pg_admin="${ITDESK_TEST_PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
bin="$PWD/target/release/itdesk"
[ "${BENCH_NO_BUILD:-0}" = 1 ] || cargo build --release --quiet
[ -x /usr/bin/time ] || { echo "/usr/bin/time is missing: apt-get install time" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p target/bench

month=$(python3 -c 'import datetime as d; t=d.date.today().replace(day=1)-d.timedelta(days=1); print(t.strftime("%Y-%m"))')
months_before=$(python3 -c "
import datetime as d
y, m = map(int, '$month'.split('-'))
out = []
for _ in range(11):
    m -= 1
    if m == 0: y, m = y - 1, 12
    out.append(f'{y:04d}-{m:02d}')
print(' '.join(reversed(out)))")

# load and warm: the data set, shared with tickets.sh.
source tests/bench/data.sh

# Runs the binary with ARGS, prints "label: S s, RSS MB".
timed() { # label args…
  local label=$1; shift
  /usr/bin/time -f '%e %M' -o "$work/time" "$bin" "$@" >"$work/out" 2>"$work/err" \
    || { echo "   $label failed:"; cat "$work/err"; return 1; }
  read -r secs kb <"$work/time"
  printf '   %-52s %6.2f s  %5d MB\n' "$label" "$secs" "$((kb / 1024))"
}

bench_backend() {
  local backend=$1 url
  case $backend in
    sqlite)
      local file="$PWD/target/bench/tickets-$tickets.db"
      [ "$reuse" = 1 ] || file="$work/bench.db"
      url="sqlite://$file"
      export ITDESK_DATABASE_URL="$url" RUST_LOG=warn
      [ -f "$file" ] || load sqlite "$url" ;;
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
  # Earlier runs' freezes go: every run measures the same states.
  [ "${BENCH_KEEP_FROZEN:-0}" = 1 ] || case $backend in
    sqlite) sqlite3 "${url#sqlite://}" "DELETE FROM report_months" 2>/dev/null || true ;;
    postgres) psql -q -d "$url" -c "DELETE FROM report_months" 2>/dev/null || true ;;
  esac
  "$bin" migrate >/dev/null
  warm "$backend" "$url"
  echo "== $backend: month $month"
  if [ "${BENCH_KEEP_FROZEN:-0}" != 1 ]; then
    timed "1. cold: nothing frozen (json)" report monthly --month "$month" --format json
    python3 -c "import json; r=json.load(open('$work/out')); t=r['tickets']; print(f\"      {t['created']['total']} created, {t['resolved']} resolved, backlog {t['backlog_end']}, SLA attainment {r['sla']['attainment']}\")"
    local m
    for m in $months_before; do
      timed "2. freeze $m" report freeze --month "$m"
    done
  fi
  timed "3. the month's close: trend frozen (json)" report monthly --month "$month" --live --format json
  timed "3. … html" report monthly --month "$month" --live --format html
  timed "3. … xlsx" report monthly --month "$month" --live --format xlsx --output "$work/r.xlsx"
  local first last
  first="$month-01"
  last=$(python3 -c "import calendar; y,m=map(int,'$month'.split('-')); print(f'$month-{calendar.monthrange(y,m)[1]:02d}')")
  timed "4. export tickets of $month (csv)" export tickets --from "$first" --to "$last" --output "$work/t.csv"
  echo "      $(($(wc -l <"$work/t.csv") - 1)) rows"
}

for b in sqlite postgres; do
  case $which_backends in both|"$b") bench_backend "$b" ;; esac
done
