#!/usr/bin/env bash
# Receiving a 200-unit order with serials on SQLite and
# PostgreSQL (see tests/bench/README.md). PostgreSQL must listen on
# 127.0.0.1:5432 with trust auth (tests/run.sh starts one); the database
# itdesk_bench is dropped and created again.
#
#   tests/bench/receiving.sh [sqlite|postgres|both]
set -euo pipefail
cd "$(dirname "$0")/../.."
which="${1:-both}"
if [[ "$which" == sqlite || "$which" == both ]]; then
    echo "== SQLite"
    cargo bench --bench receiving
fi
if [[ "$which" == postgres || "$which" == both ]]; then
    echo "== PostgreSQL"
    psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS itdesk_bench" -c "CREATE DATABASE itdesk_bench"
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/itdesk_bench cargo bench --bench receiving
fi
