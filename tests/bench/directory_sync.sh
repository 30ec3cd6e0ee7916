#!/usr/bin/env bash
# What a directory sync of many people costs: `itdesk directory sync`
# against a real slapd (tests/ldap/start-slapd.sh) holding PEOPLE entries
# (default 5,000: given name, surname, mail, department, title, employee
# number, a manager for most), on a fresh database per backend.
#
#   tests/bench/directory_sync.sh [sqlite|postgres|both] [PEOPLE]   # default: both 5000
#
# Per backend it prints the wall time of
#   1. the first sync: every person created (accounts, people, history),
#   2. a second sync: nothing changed (every person compared),
#   3. a third after 10% of the entries were renamed or moved department
#      and 2% deleted: updates and deactivations,
# each from the command's start to its exit (the process, the LDAP search
# and the database work). Needs a release build (made first), slapd and
# ldap-utils, and for PostgreSQL a server at ITDESK_TEST_PG_ADMIN_URL
# (default postgres://postgres@127.0.0.1:5432/postgres).
set -euo pipefail
cd "$(dirname "$0")/../.."
which_backends="${1:-both}"
people="${2:-5000}"
pg_admin="${ITDESK_TEST_PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
if [ -n "${ITDESK_BENCH_BIN:-}" ]; then
  bin="$ITDESK_BENCH_BIN"
else
  cargo build --release --quiet
  bin="$PWD/target/release/itdesk"
fi
work=$(mktemp -d)
port=$((20000 + RANDOM % 20000))
cleanup() {
  [ -f "$work/slapd/slapd.pid" ] && kill "$(cat "$work/slapd/slapd.pid")" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
tests/ldap/start-slapd.sh "$work/slapd" "$port"
suffix="dc=example,dc=test"
ldap() { "$@" -x -H "ldap://127.0.0.1:$port" -D "cn=admin,$suffix" -w adminpw; }

# PEOPLE entries; person i reports to person (i / 10) (0 and below: no one).
python3 - "$people" >"$work/people.ldif" <<'PY'
import sys
n = int(sys.argv[1])
deps = ["Engineering", "Finance", "Sales", "Support", "Legal", "Marketing"]
for i in range(n):
    print(f"dn: uid=p{i},ou=people,dc=example,dc=test")
    print("objectClass: inetOrgPerson")
    print(f"uid: p{i}\ncn: Person {i}\ngivenName: Person\nsn: Number {i}")
    print(f"mail: p{i}@bench.test\ndepartmentNumber: {deps[i % len(deps)]}")
    print(f"title: Title {i % 40}\nemployeeNumber: E{i:06d}")
    if i >= 10:
        print(f"manager: uid=p{i // 10},ou=people,dc=example,dc=test")
    print()
PY
t0=$(date +%s.%N)
ldap ldapadd -c <"$work/people.ldif" >/dev/null
echo "loaded $people entries into slapd in $(echo "$(date +%s.%N) - $t0" | bc) s"

export ITDESK__DIRECTORY__URL="ldap://127.0.0.1:$port"
export ITDESK__DIRECTORY__STARTTLS=true
export ITDESK__DIRECTORY__CA_FILE="$work/slapd/tls/ca.pem"
export ITDESK__DIRECTORY__BIND_DN="cn=admin,$suffix"
export ITDESK__DIRECTORY__BIND_PASSWORD=adminpw
export ITDESK__DIRECTORY__PEOPLE_BASE="ou=people,$suffix"
export ITDESK__DIRECTORY__GROUPS_BASE="ou=groups,$suffix"
export ITDESK__DIRECTORY__NEW_USERS_OU="ou=people,$suffix"
export ITDESK__DIRECTORY__EMPTY_GROUP_MEMBER="cn=nobody,$suffix"
export ITDESK__DIRECTORY__PAGE_SIZE=1000
export ITDESK__LOG__LEVEL=warn

timed() { # label, database url
  local t0 t1 out
  t0=$(date +%s.%N)
  out=$("$bin" --database-url "$2" directory sync)
  t1=$(date +%s.%N)
  printf '  %-44s %6.2f s   %s\n' "$1" "$(echo "$t1 - $t0" | bc)" "$(tail -1 <<<"$out")"
}

changes() { # 10% renamed or moved, 2% deleted; then back for the next backend
  python3 - "$people" "$1" >"$work/changes.ldif" <<'PY'
import sys
n, phase = int(sys.argv[1]), sys.argv[2]
for i in range(0, n, 10):
    print(f"dn: uid=p{i},ou=people,dc=example,dc=test\nchangetype: modify")
    if phase == "change":
        print(f"replace: sn\nsn: Renamed {i}\n-\nreplace: departmentNumber\ndepartmentNumber: Moved\n")
    else:
        print(f"replace: sn\nsn: Number {i}\n-\nreplace: departmentNumber\ndepartmentNumber: {['Engineering', 'Finance', 'Sales', 'Support', 'Legal', 'Marketing'][i % 6]}\n")
PY
  ldap ldapmodify -c <"$work/changes.ldif" >/dev/null
}

run() { # backend, url
  echo "$1:"
  "$bin" --database-url "$2" migrate >/dev/null
  timed "first sync ($people created)" "$2"
  timed "second sync (nothing changed)" "$2"
  changes change
  for i in $(seq 3 50 "$people"); do echo "uid=p$i,ou=people,$suffix"; done >"$work/gone.txt"
  head -n $((people / 50)) "$work/gone.txt" | ldap ldapdelete -c >/dev/null 2>&1 || true
  timed "third sync (10% changed, 2% deleted)" "$2"
  changes back
  ldap ldapadd -c <"$work/people.ldif" >/dev/null 2>&1 || true
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r)"
if [ "$which_backends" != postgres ]; then
  run SQLite "sqlite://$work/itdesk.db"
fi
if [ "$which_backends" != sqlite ]; then
  psql -q -d "$pg_admin" -c "DROP DATABASE IF EXISTS itdesk_bench_sync" -c "CREATE DATABASE itdesk_bench_sync"
  run PostgreSQL "${pg_admin%/*}/itdesk_bench_sync"
  psql -q -d "$pg_admin" -c "DROP DATABASE IF EXISTS itdesk_bench_sync" || true
fi
