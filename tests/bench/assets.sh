#!/usr/bin/env bash
# Asset import and asset list benchmarks (issue: asset lifecycle and inventory).
#
#   tests/bench/assets.sh [sqlite|postgres|both] [IMPORT_ROWS] [LIST_ASSETS] [DURATION]
#
# import — `itdesk import assets` (release build) of an IMPORT_ROWS-row
#          (default 50,000) Lansweeper-style CSV through the generic
#          profile (tests/bench/lansweeper.toml: semicolons, day/month/year
#          dates, "1.049,50 €" amounts, category names mapped) into an empty,
#          migrated database; three runs, each on a fresh database, then the
#          same file again on the full one (every row matched, nothing to
#          change). Wall time of the whole command.
# list   — LIST_ASSETS (default 200,000) assets loaded by the same import,
#          then `itdesk serve` and wrk (2 threads, 8 connections, keep-alive,
#          DURATION, default 10s, after a 3 s warm-up) on GET /api/v1/assets
#          with 50-row pages under filters; prints requests/s and p50/p99.
set -euo pipefail
cd "$(dirname "$0")/../.."

which_backends="${1:-both}"
import_rows="${2:-50000}"
list_assets="${3:-200000}"
duration="${4:-10s}"
pg_admin="${ITDESK_TEST_PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }

cargo build --release --quiet
bin="$PWD/target/release/itdesk"
mapping="$PWD/tests/bench/lansweeper.toml"
work=$(mktemp -d)
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

python3 tests/bench/make_assets_csv.py "$work/import.csv" "$import_rows"
python3 tests/bench/make_assets_csv.py "$work/list.csv" "$list_assets" 7
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
field() { sed -n "s/.*$1=\([0-9]*\).*/\1/p" <<<"$2"; }
report() { # name, wrk RESULT line
  local req dur non2xx p50 p99
  req=$(field requests "$2"); dur=$(field duration_us "$2"); non2xx=$(field non2xx "$2")
  p50=$(field p50_us "$2"); p99=$(field p99_us "$2")
  python3 -c "print(f'  {\"$1\":<52} {($req-$non2xx)/($dur/1e6):7.0f}/s ok, non-2xx $non2xx, p50 {$p50/1000:.1f} ms, p99 {$p99/1000:.1f} ms')"
}

fresh_db() { # backend -> prints the URL of an empty, migrated database
  case $1 in
    sqlite) rm -f "$work"/bench.db*; echo "sqlite://$work/bench.db" ;;
    postgres)
      psql -q -d "$pg_admin" -c "DROP DATABASE IF EXISTS itdesk_assets_bench" -c "CREATE DATABASE itdesk_assets_bench" >&2
      echo "${pg_admin%/*}/itdesk_assets_bench" ;;
  esac
}

timed_import() { # db_url file -> seconds
  local t0 t1 out
  t0=$(date +%s.%N)
  out=$(ITDESK_DATABASE_URL="$1" RUST_LOG=warn "$bin" import assets "$2" --profile generic --mapping "$mapping" | head -1)
  t1=$(date +%s.%N)
  python3 -c "print(f'{$t1 - $t0:.2f} s   ($out)')"
}

bench_backend() {
  local backend=$1 url
  echo "== $backend"
  for run in 1 2 3; do
    url=$(fresh_db "$backend"); ITDESK_DATABASE_URL="$url" RUST_LOG=warn "$bin" migrate >/dev/null
    printf '  import %s rows, run %s: %s\n' "$import_rows" "$run" "$(timed_import "$url" "$work/import.csv")"
  done
  printf '  same file again (all matched):   %s\n' "$(timed_import "$url" "$work/import.csv")"

  url=$(fresh_db "$backend"); ITDESK_DATABASE_URL="$url" RUST_LOG=warn "$bin" migrate >/dev/null
  printf '  load %s assets for the list: %s\n' "$list_assets" "$(timed_import "$url" "$work/list.csv")"
  export ITDESK_DATABASE_URL="$url" RUST_LOG=warn
  local port; port=$(free_port)
  "$bin" serve --bind "127.0.0.1:$port" >"$work/serve-$backend.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
  export TOKEN; TOKEN=$("$bin" admin create-token --email bench@example.org --role asset_manager 2>/dev/null | tail -1)
  local base="http://127.0.0.1:$port/api/v1/assets"
  local hamburg
  hamburg=$(curl -fs -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$port/api/v1/locations" |
    python3 -c 'import json,sys; print([l["id"] for l in json.load(sys.stdin) if l["name"] == "Hamburg"][0])')
  local n
  n=$(curl -fs -H "Authorization: Bearer $TOKEN" "$base?status=deployed&category=laptop&limit=50" |
    python3 -c 'import json,sys; print(len(json.load(sys.stdin)["items"]))')
  echo "  rows on a page of deployed laptops: $n"
  wrk -t2 -c8 -d3s -s tests/bench/get_with_token.lua "$base?status=deployed&category=laptop&limit=50" >/dev/null
  local r
  r=$(wrk -t2 -c8 -d"$duration" --latency -s tests/bench/get_with_token.lua "$base?status=deployed&category=laptop&limit=50" | grep RESULT)
  report "deployed laptops, 50 rows" "$r"
  r=$(wrk -t2 -c8 -d"$duration" --latency -s tests/bench/get_with_token.lua "$base?location=$hamburg&status=in_stock,in_repair&limit=50" | grep RESULT)
  report "Hamburg, in stock or in repair, 50 rows" "$r"
  r=$(wrk -t2 -c8 -d"$duration" --latency -s tests/bench/get_with_token.lua "$base?status=in_repair&category=server&limit=50" | grep RESULT)
  report "servers in repair (rare), 50 rows" "$r"
  r=$(wrk -t2 -c8 -d"$duration" --latency -s tests/bench/get_with_token.lua "$base?warranty_before=2025-06-01&limit=50" | grep RESULT)
  report "warranty ending before 2025-06-01, 50 rows" "$r"
  kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
  if [ "$backend" = sqlite ]; then echo "  database file: $(du -sh "${url#sqlite://}" | cut -f1)"; fi
}

case $which_backends in
  sqlite) bench_backend sqlite ;;
  postgres) bench_backend postgres ;;
  both) bench_backend sqlite; bench_backend postgres ;;
  *) echo "usage: $0 [sqlite|postgres|both] [IMPORT_ROWS] [LIST_ASSETS] [DURATION]" >&2; exit 2 ;;
esac
