#!/usr/bin/env bash
# The one command that runs every test of itdesk.
#
#   tests/run.sh
#
# 1. installs what is missing (Debian packages: chromium and chromium-driver
#    for the browser test, libssl-dev and pkg-config to build the bundled
#    PostgreSQL client library (libpq is compiled in), postgresql itself
#    when no server is reachable, dovecot-imapd and python3-aiosmtpd for the
#    real IMAP and SMTP servers the mail tests start on loopback ports of
#    their own — each test starts and stops its own — and
#    fusioninventory-agent, which a test runs against the service, and
#    slapd and ldap-utils for the OpenLDAP server each test binary starts
#    (tests/ldap/start-slapd.sh), and samba, samba-ad-dc and
#    samba-ad-provision for the Samba AD domain controller);
# 2b. provisions and starts one Samba AD DC for the whole run
#    (tests/samba/start-samba.sh; AD's ports are fixed: 389, 636, 88, …);
# 2. makes sure PostgreSQL answers on 127.0.0.1:5432 (starting the local
#    cluster if it is installed but stopped) and creates a fresh database;
# 3. checks formatting and lints;
# 4. runs `cargo test` against SQLite, then again against PostgreSQL;
# 5. fuzzes the API against its OpenAPI document with schemathesis on a
#    live server on each backend (tests/schemathesis.sh; schemathesis comes
#    from PyPI into target/schemathesis-venv), and runs each cargo-fuzz
#    target for a short while (tests/fuzz/run.sh; cargo-fuzz from crates.io);
# 6. stops what it started (the DC, the slapd servers, PostgreSQL).
#
# Environment:
#   ITDESK_TEST_PG_ADMIN_URL  where to create the test database
#                             (default postgres://postgres@127.0.0.1:5432/postgres)
#   ITDESK_SKIP_LINT=1        skip cargo fmt --check and clippy
#   ITDESK_SKIP_FUZZ=1        skip schemathesis and the fuzz targets
#   ITDESK_FUZZ_SECONDS       seconds per fuzz target (default 30)
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\n== %s\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

started_pg=""
samba_dir="$PWD/target/tmp/samba"
stop_samba() {
  if [ -f "$samba_dir/samba.pid" ]; then
    kill "$(cat "$samba_dir/samba.pid")" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$(cat "$samba_dir/samba.pid")" 2>/dev/null || break; sleep 0.1; done
  fi
}
cleanup() {
  stop_samba
  # The OpenLDAP servers the test binaries started (one each).
  pkill -f "slapd -F $PWD/target/tmp/slapd-" 2>/dev/null || true
  if [ -n "$started_pg" ]; then
    log "stopping the PostgreSQL cluster this script started"
    as_root pg_ctlcluster --skip-systemctl-redirect $started_pg stop || true
  fi
}
trap cleanup EXIT

# --- 1. packages -------------------------------------------------------------
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
# The monthly report draws its mailed charts with this font.
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
dpkg -s libssl-dev >/dev/null 2>&1 || missing+=(libssl-dev)
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
command -v pg_isready >/dev/null 2>&1 || missing+=(postgresql-client)
[ -x /usr/sbin/dovecot ] || missing+=(dovecot-imapd)
/usr/bin/python3 -c 'import aiosmtpd' >/dev/null 2>&1 || missing+=(python3-aiosmtpd)
[ -x /usr/bin/fusioninventory-agent ] || missing+=(fusioninventory-agent)
[ -x /usr/sbin/slapd ] || missing+=(slapd)
command -v ldapsearch >/dev/null 2>&1 || missing+=(ldap-utils)
[ -x /usr/sbin/samba ] || missing+=(samba)
dpkg -s samba-ad-dc >/dev/null 2>&1 || missing+=(samba-ad-dc)
[ -d /usr/share/samba/setup ] || missing+=(samba-ad-provision)
command -v curl >/dev/null 2>&1 || missing+=(curl)
python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || missing+=(python3-venv)
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]}"
  ls /var/lib/apt/lists/*InRelease >/dev/null 2>&1 || as_root apt-get update
  as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends "${missing[@]}"
fi

# --- 2. PostgreSQL -------------------------------------------------------------
admin_url="${ITDESK_TEST_PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
if ! pg_isready -q -d "$admin_url"; then
  if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
    log "installing postgresql"
    ls /var/lib/apt/lists/*InRelease >/dev/null 2>&1 || as_root apt-get update
    as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends postgresql
  fi
  version=$(ls /etc/postgresql | sort -V | tail -1)
  log "starting PostgreSQL $version"
  as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start
  started_pg="$version main"
  for _ in $(seq 1 50); do pg_isready -q -d "$admin_url" && break; sleep 0.2; done
fi
pg_isready -q -d "$admin_url" || { echo "PostgreSQL is not reachable at $admin_url; start it or set ITDESK_TEST_PG_ADMIN_URL" >&2; exit 1; }
test_db="itdesk_test"
psql -q -d "$admin_url" -c "DROP DATABASE IF EXISTS $test_db" -c "CREATE DATABASE $test_db"
pg_url="${admin_url%/*}/$test_db"

# --- 2b. the Samba AD domain controller ---------------------------------------------
log "provisioning and starting the Samba AD DC ($samba_dir)"
stop_samba
rm -rf "$samba_dir"
tests/samba/start-samba.sh "$samba_dir"
export ITDESK_TEST_SAMBA_DIR="$samba_dir"

# --- 3. lints --------------------------------------------------------------------
if [ "${ITDESK_SKIP_LINT:-}" != 1 ]; then
  log "cargo fmt --check"
  cargo fmt --check
  log "cargo clippy"
  cargo clippy --all-targets --quiet -- -D warnings
fi

# --- 4. the suite, twice -------------------------------------------------------
log "cargo test against SQLite"
env -u ITDESK_TEST_DATABASE_URL cargo test

log "cargo test against PostgreSQL ($pg_url)"
ITDESK_TEST_DATABASE_URL="$pg_url" cargo test

# --- 5. fuzzing ------------------------------------------------------------------
if [ "${ITDESK_SKIP_FUZZ:-}" != 1 ]; then
  cargo build --quiet
  log "schemathesis against SQLite"
  st_db=$(mktemp -d)
  tests/schemathesis.sh "sqlite://$st_db/itdesk.db"
  rm -rf "$st_db"
  log "schemathesis against PostgreSQL"
  psql -q -d "$admin_url" -c "DROP DATABASE IF EXISTS itdesk_schemathesis" -c "CREATE DATABASE itdesk_schemathesis"
  tests/schemathesis.sh "${admin_url%/*}/itdesk_schemathesis?sslmode=disable"
  psql -q -d "$admin_url" -c "DROP DATABASE IF EXISTS itdesk_schemathesis" || true
  log "fuzz targets, ${ITDESK_FUZZ_SECONDS:-30} s each"
  ITDESK_FUZZ_BUILD="${ITDESK_FUZZ_BUILD:-dev}" tests/fuzz/run.sh "${ITDESK_FUZZ_SECONDS:-30}"
fi

psql -q -d "$admin_url" -c "DROP DATABASE IF EXISTS $test_db" || true
log "all tests passed on SQLite and PostgreSQL"
