#!/usr/bin/env bash
# What onboarding costs from approval: a release `itdesk serve` against a
# real slapd (tests/ldap/start-slapd.sh), with a template of 5 groups, a
# laptop from stock, 4 technician tasks and the manager's mail, on a fresh
# database per backend.
#
#   tests/bench/onboarding.sh [sqlite|postgres|both] [BATCH]   # default: both 200
#
# Per backend it prints
#   1. one onboarding: planned, then the time from its approval until the
#      run reads `done` (account, password, 5 groups, device and its
#      hand-over ticket, seat, 4 task tickets, mail), polled every 20 ms;
#   2. BATCH onboardings planned one after another (each reads the
#      directory for a free account name), then all approved and the time
#      until the last is `done`.
# The job runner polls every `jobs.poll_ms` (here 100 ms; 1,000 by default,
# which adds up to a second before a run's first step). Needs a release
# build (made first), slapd and ldap-utils, and for PostgreSQL a server at
# ITDESK_TEST_PG_ADMIN_URL (default postgres://postgres@127.0.0.1:5432/postgres).
set -euo pipefail
cd "$(dirname "$0")/../.."
which_backends="${1:-both}"
batch="${2:-200}"
pg_admin="${ITDESK_TEST_PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
if [ -n "${ITDESK_BENCH_BIN:-}" ]; then
  bin="$ITDESK_BENCH_BIN"
else
  cargo build --release --quiet
  bin="$PWD/target/release/itdesk"
fi
work=$(mktemp -d)
port=$((20000 + RANDOM % 20000))
serve_pid=""
cleanup() {
  [ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null || true
  [ -f "$work/slapd/slapd.pid" ] && kill "$(cat "$work/slapd/slapd.pid")" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
tests/ldap/start-slapd.sh "$work/slapd" "$port"
suffix="dc=example,dc=test"
for g in 1 2 3 4 5; do
  printf 'dn: cn=bench%s,ou=groups,%s\nobjectClass: groupOfNames\ncn: bench%s\nmember: cn=nobody,%s\n\n' \
    "$g" "$suffix" "$g" "$suffix"
done | ldapadd -x -H "ldap://127.0.0.1:$port" -D "cn=admin,$suffix" -w adminpw >/dev/null

export ITDESK__DIRECTORY__URL="ldap://127.0.0.1:$port"
export ITDESK__DIRECTORY__STARTTLS=true
export ITDESK__DIRECTORY__CA_FILE="$work/slapd/tls/ca.pem"
export ITDESK__DIRECTORY__BIND_DN="cn=admin,$suffix"
export ITDESK__DIRECTORY__BIND_PASSWORD=adminpw
export ITDESK__DIRECTORY__PEOPLE_BASE="ou=people,$suffix"
export ITDESK__DIRECTORY__GROUPS_BASE="ou=groups,$suffix"
export ITDESK__DIRECTORY__NEW_USERS_OU="ou=people,$suffix"
export ITDESK__DIRECTORY__DISABLED_OU="ou=disabled,$suffix"
export ITDESK__DIRECTORY__EMPTY_GROUP_MEMBER="cn=nobody,$suffix"
export ITDESK__DIRECTORY__UPN_SUFFIX="bench.test"
export ITDESK__DIRECTORY__SYNC_INTERVAL_MINUTES=0
export ITDESK__ONBOARDING__CALENDAR=24x7
export ITDESK__JOBS__POLL_MS=100
export ITDESK__LOG__LEVEL=warn
export ITDESK__ATTACHMENTS__DIR="$work/attachments"

run() { # backend, database url
  echo "$1:"
  local http=$((port + 10))
  "$bin" --database-url "$2" migrate >/dev/null
  local token
  token=$("$bin" --database-url "$2" admin create-token --email bench@bench.test --role admin 2>/dev/null | tail -1)
  "$bin" --database-url "$2" serve --bind "127.0.0.1:$http" >"$work/serve.log" 2>&1 &
  serve_pid=$!
  for _ in $(seq 1 100); do
    curl -sf "http://127.0.0.1:$http/healthz" >/dev/null && break
    sleep 0.1
  done
  python3 - "http://127.0.0.1:$http" "$token" "$batch" "$suffix" <<'PY'
import json, sys, time, urllib.request

base, token, batch, suffix = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]

def call(method, path, body=None):
    req = urllib.request.Request(base + path, method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(req) as r:
        return json.loads(r.read() or b"null")

call("PUT", "/api/v1/onboarding/templates/bench", {"name": "bench",
    "groups": [f"cn=bench{g},ou=groups,{suffix}" for g in range(1, 6)],
    "device_category": "laptop", "license_products": ["Bench Office"],
    "tasks": [{"title": t, "due_days": d} for t, d in
              [("Prepare the desk", -1), ("Order a badge", -2), ("Welcome session", 0), ("Check in", 5)]]})
model = call("POST", "/api/v1/models", {"manufacturer": "Dell", "name": "Bench 14", "category": "laptop"})
for i in range(batch + 1):
    call("POST", "/api/v1/assets", {"asset_tag": f"BN-{i:04d}", "model_id": model["id"], "status": "in_stock"})
product = call("POST", "/api/v1/licenses/products", {"publisher": "Bench", "name": "Bench Office"})
call("POST", "/api/v1/licenses/entitlements", {"product_id": product["id"], "metric": "user", "quantity": batch + 1})
call("POST", "/api/v1/people", {"email": "boss@bench.test", "given_name": "Bea", "surname": "Boss"})

def ask(i):
    return call("POST", "/api/v1/onboarding/runs", {"kind": "onboard", "effective_on": "2026-01-05",
        "person": {"given_name": "New", "surname": f"Hire {i}", "manager": "boss@bench.test"}})

def status(run_id):
    return call("GET", f"/api/v1/onboarding/runs/{run_id}")["status"]

one = ask(0)
t0 = time.monotonic()
call("POST", f"/api/v1/onboarding/runs/{one['id']}/approve")
while status(one["id"]) not in ("done", "failed"):
    time.sleep(0.02)
took = time.monotonic() - t0
state = call("GET", f"/api/v1/onboarding/runs/{one['id']}")
assert state["status"] == "done", state
print(f"  one onboarding, approval to done ({len(state['steps'])} steps)  {took:6.2f} s")

t0 = time.monotonic()
runs = [ask(i) for i in range(1, batch + 1)]
planned = time.monotonic() - t0
t0 = time.monotonic()
for r in runs:
    call("POST", f"/api/v1/onboarding/runs/{r['id']}/approve")
while True:
    req = urllib.request.Request(base + "/api/v1/onboarding/runs?status=done&limit=1",
                                 headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(req) as r:
        done = int(r.headers["X-Total-Count"])
    if done >= batch + 1:
        break
    failed = call("GET", "/api/v1/onboarding/runs?status=failed&limit=1")
    assert not failed, failed
    time.sleep(0.1)
took = time.monotonic() - t0
print(f"  {batch} onboardings planned                  {planned:6.2f} s")
print(f"  {batch} onboardings, approval to all done    {took:6.2f} s")
PY
  kill "$serve_pid" 2>/dev/null || true
  wait "$serve_pid" 2>/dev/null || true
  serve_pid=""
  # The next backend starts from an empty directory again.
  ldapdelete -x -H "ldap://127.0.0.1:$port" -D "cn=admin,$suffix" -w adminpw -r "ou=people,$suffix" >/dev/null 2>&1 || true
  printf 'dn: ou=people,%s\nobjectClass: organizationalUnit\nou: people\n' "$suffix" |
    ldapadd -x -H "ldap://127.0.0.1:$port" -D "cn=admin,$suffix" -w adminpw >/dev/null
  for g in 1 2 3 4 5; do
    printf 'dn: cn=bench%s,ou=groups,%s\nchangetype: modify\nreplace: member\nmember: cn=nobody,%s\n\n' "$g" "$suffix" "$suffix"
  done | ldapmodify -x -H "ldap://127.0.0.1:$port" -D "cn=admin,$suffix" -w adminpw >/dev/null
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r)"
if [ "$which_backends" != postgres ]; then
  run SQLite "sqlite://$work/itdesk.db"
fi
if [ "$which_backends" != sqlite ]; then
  psql -q -d "$pg_admin" -c "DROP DATABASE IF EXISTS itdesk_bench_onboarding" -c "CREATE DATABASE itdesk_bench_onboarding"
  run PostgreSQL "${pg_admin%/*}/itdesk_bench_onboarding"
  psql -q -d "$pg_admin" -c "DROP DATABASE IF EXISTS itdesk_bench_onboarding" || true
fi
