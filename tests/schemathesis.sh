#!/usr/bin/env bash
# Fuzzes the API against its own OpenAPI document with schemathesis, on a
# live `itdesk serve` with the database given, as two roles (a requester
# and an admin), bounded in time.
#
#   tests/schemathesis.sh DATABASE_URL [SECONDS_PER_ROLE]
#
# DATABASE_URL: sqlite://FILE (a new file) or postgres://… (an empty
# database). The checks that gate: not_a_server_error,
# response_schema_conformance, status_code_conformance and
# content_type_conformance (not positive_data_acceptance: business rules
# rightly answer 422 to input that fits the schema). schemathesis is
# installed into target/schemathesis-venv from PyPI on first use. Uses the
# debug binary `cargo build` makes; exit status 0 when nothing was found.
set -euo pipefail
cd "$(dirname "$0")/.."

db_url="$1"
secs="${2:-60}"
target="${CARGO_TARGET_DIR:-target}"
mkdir -p "$target"
target=$(cd "$target" && pwd)
bin="$target/debug/itdesk"
[ -x "$bin" ] || cargo build --quiet
venv="$target/schemathesis-venv"
if [ ! -x "$venv/bin/st" ]; then
  echo "== installing schemathesis into $venv"
  python3 -m venv "$venv" || { echo "python3 -m venv failed: install python3-venv" >&2; exit 1; }
  "$venv/bin/pip" install --quiet "schemathesis==4.32.*"
fi

work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export ITDESK_DATABASE_URL="$db_url"
export ITDESK__ATTACHMENTS__DIR="$work/attachments"
export ITDESK__INVENTORY__USERNAME=agent ITDESK__INVENTORY__PASSWORD=inventory-secret
export ITDESK__LOG__LEVEL=warn RUST_LOG=warn
"$bin" demo --tickets 40 --months 1 >/dev/null
requester=$("$bin" admin create-token --email st-requester@example.org --role requester 2>/dev/null | tail -1)
admin=$("$bin" admin create-token --email st-admin@example.org --role admin 2>/dev/null | tail -1)
"$bin" serve --bind "127.0.0.1:$port" >"$work/serve.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break
  sleep 0.1
done

export SCHEMATHESIS_HOOKS=schemathesis_hooks PYTHONPATH="$PWD/tests"
# Revoking a token and deactivating a person end the caller's own access
# when schemathesis follows the links from its own listings: those two run
# last, with a token of their own.
ending=(--include-path /api/v1/tokens/{id} --include-path /api/v1/users/{id}/deactivate)
rest=(--exclude-path /api/v1/tokens/{id} --exclude-path /api/v1/users/{id}/deactivate)
ender=$("$bin" admin create-token --email st-ender@example.org --role admin 2>/dev/null | tail -1)
status=0
attempt() {
  local name=$1 token=$2; shift 2
  # (run inside the scratch folder: schemathesis keeps a cache where it runs)
  (cd "$work" && "$venv/bin/st" run "http://127.0.0.1:$port/api/v1/openapi.json" \
      --checks not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance \
      --header "Authorization: Bearer $token" \
      --max-time "$secs" --max-examples 25 --workers 2 --seed 20261201 \
      --request-timeout 10 --no-color "$@") \
      >"$work/st-$name.log" 2>&1
}
# Whether a failed run's only errors are schemathesis's own internal one
# (hypothesis describing a lambda: "AST constructor recursion depth
# mismatch", which stops one phase on Python 3.11) and no check failed.
only_tool_errors() {
  local log=$1
  grep -q '^Failures:' "$log" && return 1
  grep -q '^Runtime Error$' "$log" || return 1
  # The first line after each "Runtime Error" heading is its message.
  awk '/^Runtime Error$/ {getline; while ($0 == "") getline; print}' "$log" \
    | grep -qv 'AST constructor recursion depth mismatch' && return 1
  return 0
}
run() {
  local name=$1 token=$2; shift 2
  echo "== schemathesis as $name (${secs}s at most)"
  if ! attempt "$name" "$token" "$@"; then
    # That internal error is the tool, not the API: one more try, and if
    # it comes back alone it is said and not counted.
    if only_tool_errors "$work/st-$name.log"; then
      cp "$work/st-$name.log" "$target/schemathesis-$name-internal-error.log"
      echo "schemathesis stopped on an internal error as $name (kept in $target/schemathesis-$name-internal-error.log); running it again"
      if ! attempt "$name" "$token" "$@"; then
        if only_tool_errors "$work/st-$name.log"; then
          echo "schemathesis stopped on its internal error again as $name; no check failed, so it is not counted"
        else
          failed=1
        fi
      fi
    else
      failed=1
    fi
    if [ "${failed:-0}" = 1 ]; then
      status=1
      cp "$work/st-$name.log" "$target/schemathesis-$name.log"
      echo "schemathesis found problems as $name: $target/schemathesis-$name.log" >&2
      # What failed, with the curl line that repeats it, into the run's log.
      sed -n '/^=* FAILURES =*$/,/^=* SUMMARY =*$/p' "$work/st-$name.log" | grep -v '^$' | head -80 >&2 || true
    fi
    failed=0
  fi
  # The summary: operations, phases, test cases, failures.
  sed -n '/^Warnings:\|^Failures:\|^Test cases:/,/^Seed/p' "$work/st-$name.log" | grep -v '^$' || true
  grep -E "Operations: " "$work/st-$name.log" | head -1 || true
}
run requester "$requester" "${rest[@]}"
run admin "$admin" "${rest[@]}"
secs=$(( secs / 3 + 1 )) run ender "$ender" "${ending[@]}"
if grep -q "panicked" "$work/serve.log"; then
  echo "the server panicked:" >&2
  grep -A3 panicked "$work/serve.log" >&2
  status=1
fi
exit $status
