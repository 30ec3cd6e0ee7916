#!/usr/bin/env bash
# Mail intake benchmarks (issue: email in and out).
#
#   tests/bench/mail.sh [sqlite|postgres|both] [MESSAGES]
#
# MESSAGES (default 2000) typical helpdesk mails of 5–20 KB (make_mail.py:
# plain text, half with an HTML alternative, one in five with an
# attachment), each a new ticket with an acknowledgement written to the
# outbox (mail.smtp.transport = none, so nothing leaves the machine). Per
# backend, on a fresh database:
#   1. mailgate (SQLite only, as the issue asks): one `itdesk mailgate`
#      process per message, one after the other, as an MTA pipe transport
#      runs it, each commit synced to disk (synchronous=FULL) → messages/s;
#   2. the HTTP door: `itdesk serve` and wrk posting distinct messages to
#      POST /api/v1/inbound/email, 8 connections, 20 s → messages/s, p99;
#   3. the IMAP door: MESSAGES delivered into a Dovecot Maildir on loopback,
#      then `itdesk mail poll` (fetch in batches of 100, take in, move to
#      Processed) → messages/s.
# Needs wrk, dovecot-imapd (Debian packages) and a release build.
set -euo pipefail
cd "$(dirname "$0")/../.."

which_backends="${1:-both}"
count="${2:-2000}"
duration="${BENCH_DURATION:-20s}"
pg_admin="${ITDESK_TEST_PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}"

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
[ -x /usr/sbin/dovecot ] || { echo "dovecot is missing: apt-get install dovecot-imapd" >&2; exit 1; }
cargo build --release --quiet
bin="$PWD/target/release/itdesk"
work=$(mktemp -d)
chmod 755 "$work"
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  [ -f "$work/dovecot/run/master.pid" ] && kill "$(cat "$work/dovecot/run/master.pid")" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
field() { sed -n "s/.*$1=\([0-9]*\).*/\1/p" <<<"$2"; }
rate() { python3 -c "print(f'{$1/$2:.0f}')"; }

echo "generating $count messages"
python3 tests/bench/make_mail.py "$work/mail" "$count"
echo "   $(du -sk "$work/mail" | cut -f1) KB, $(python3 -c "import os,sys; d=sys.argv[1]; s=[os.path.getsize(os.path.join(d,f)) for f in os.listdir(d)]; print(f'{min(s)/1024:.1f}–{max(s)/1024:.1f} KB, mean {sum(s)/len(s)/1024:.1f} KB')" "$work/mail")"

start_dovecot() {
  local d="$work/dovecot" port=$1
  rm -rf "$d"; mkdir -p "$d/run" "$d/Maildir/cur" "$d/Maildir/new" "$d/Maildir/tmp"
  chown -R 65534:65534 "$d"
  echo "bench@example.org:{PLAIN}bench-secret:65534:65534::$d::" >"$d/passwd"
  cat >"$d/dovecot.conf" <<CONF
base_dir = $d/run
state_dir = $d/run/state
instance_name = itdesk-bench-$port
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
log_path = $d/run/dovecot.log
first_valid_uid = 65534
last_valid_uid = 0
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $d/passwd
}
userdb {
  driver = passwd-file
  args = username_format=%u $d/passwd
}
mail_location = maildir:$d/Maildir
namespace inbox {
  inbox = yes
  separator = /
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $port
  }
  inet_listener imaps {
    port = 0
  }
}
service stats {
  unix_listener stats-reader {
    mode = 0600
  }
  unix_listener stats-writer {
    mode = 0666
  }
}
CONF
  /usr/sbin/dovecot -c "$d/dovecot.conf"
  for _ in $(seq 1 100); do (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.05; done
  # Deliver as an MDA would: write to tmp/, rename into new/.
  local i=0
  for f in "$work"/mail/*.eml; do
    i=$((i + 1))
    cp "$f" "$d/Maildir/tmp/$i.bench"
    mv "$d/Maildir/tmp/$i.bench" "$d/Maildir/new/$((1700000000 + i)).M${i}P$$.bench"
  done
  chown -R 65534:65534 "$d/Maildir"
}

bench_backend() {
  local backend=$1 url
  fresh() {
    case $backend in
      sqlite) rm -f "$work"/bench.db*; url="sqlite://$work/bench.db" ;;
      postgres)
        psql -q -d "$pg_admin" -c "DROP DATABASE IF EXISTS itdesk_bench" -c "CREATE DATABASE itdesk_bench"
        url="${pg_admin%/*}/itdesk_bench" ;;
    esac
    export ITDESK_DATABASE_URL="$url"
    "$bin" migrate >/dev/null
  }
  export RUST_LOG=warn
  echo "== $backend"

  if [ "$backend" = sqlite ]; then
    fresh
    local n=0 t0 t1 code
    t0=$(date +%s.%N)
    for f in "$work"/mail/*.eml; do
      "$bin" mailgate <"$f" >/dev/null || { code=$?; echo "mailgate exited $code on $f" >&2; exit 1; }
      n=$((n + 1))
    done
    t1=$(date +%s.%N)
    local secs; secs=$(python3 -c "print($t1 - $t0)")
    printf '  %-58s %6s messages/s (%d in %.1f s)\n' "mailgate, one process per message, sequential" "$(rate "$n" "$secs")" "$n" "$secs"
  fi

  fresh
  local port; port=$(free_port)
  "$bin" serve --bind "127.0.0.1:$port" >"$work/serve-$backend.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
  export TOKEN; TOKEN=$("$bin" admin create-token --email mta@example.org --role agent 2>/dev/null | tail -1)
  export MAIL_DIR="$work/mail" MAIL_COUNT=$((count < 500 ? count : 500))
  local r req dur non2xx p99
  r=$(wrk -t2 -c8 -d"$duration" --latency -s tests/bench/inbound_email.lua "http://127.0.0.1:$port/api/v1/inbound/email" | grep RESULT)
  req=$(field requests "$r"); dur=$(field duration_us "$r"); non2xx=$(field non2xx "$r"); p99=$(field p99_us "$r")
  printf '  %-58s %6s messages/s (non-2xx %s, p99 %.1f ms)\n' "HTTP door, POST /api/v1/inbound/email, 8 connections" \
    "$(rate "($req-$non2xx)" "($dur/1e6)")" "$non2xx" "$(python3 -c "print($p99/1000)")"
  # Ticket numbers are sequential: the newest number is the ticket count.
  # (wrk stops counting at the deadline, so a few answers in flight may be
  # tickets it did not count.)
  local tickets; tickets=$(curl -fs -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$port/api/v1/tickets?limit=1&status=any&sort=-created_at" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["number"])')
  echo "     ($tickets tickets for $((req - non2xx)) answered messages)"
  [ "$tickets" -ge $((req - non2xx)) ] || { echo "fewer tickets than accepted messages" >&2; exit 1; }
  kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""

  fresh
  local iport; iport=$(free_port)
  start_dovecot "$iport"
  local out
  out=$(ITDESK__MAIL__IMAP__HOST=127.0.0.1 ITDESK__MAIL__IMAP__PORT=$iport ITDESK__MAIL__IMAP__USER=bench@example.org \
    ITDESK__MAIL__IMAP__PASSWORD=bench-secret ITDESK__MAIL__IMAP__BATCH=100 "$bin" mail poll)
  local taken secs
  taken=$(python3 -c "import json,sys; print(json.loads(sys.argv[1])['taken_in'])" "$out")
  secs=$(python3 -c "import json,sys; print(json.loads(sys.argv[1])['seconds'])" "$out")
  printf '  %-58s %6s messages/s (%d in %.1f s)\n' "IMAP door, itdesk mail poll, batches of 100" "$(rate "$taken" "$secs")" "$taken" "$secs"
  [ "$taken" = "$count" ] || { echo "IMAP took in $taken of $count: $out" >&2; exit 1; }
  kill "$(cat "$work/dovecot/run/master.pid")"; sleep 0.2
  if [ "$backend" = postgres ]; then psql -q -d "$pg_admin" -c "DROP DATABASE IF EXISTS itdesk_bench"; fi
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r)"
case $which_backends in
  both) bench_backend sqlite; bench_backend postgres ;;
  sqlite|postgres) bench_backend "$which_backends" ;;
  *) echo "usage: $0 [sqlite|postgres|both] [MESSAGES]" >&2; exit 2 ;;
esac
