#!/usr/bin/env bash
# What one message costs through `itdesk mailgate`, as an MTA's pipe
# transport runs it: one process per message, one after the other, each
# commit durable before the process exits 0 (synchronous = FULL on SQLite).
#
#   tests/bench/mailgate.sh [sqlite|postgres|both] [MESSAGES]    # default: both 1000
#
# Per backend, on a fresh database, it prints
#   - the bare start: `itdesk --version`, MESSAGES times (the floor any
#     process pays here: exec, dynamic loading, exit),
#   - a message with `itdesk serve` running: `itdesk mailgate < m.eml` hands
#     each of MESSAGES distinct mails of 5–20 KB (make_mail.py) to the
#     service over its socket (mail.mailgate_socket) and waits for the
#     durable commit: a new ticket with an acknowledgement queued,
#   - a message with no service: mailgate opens the database itself
#     (connection included), MESSAGES more mails,
# PostgreSQL twice when its local socket exists: over TCP on 127.0.0.1 and
# over the Unix socket (ITDESK_BENCH_PG_SOCKET_DIR, default
# /var/run/postgresql), as a service on the database's own machine connects;
# and first the harness's own floor (`/bin/true`, the same way),
# as milliseconds per process (mean and median), and the median less the
# harness's own floor. Needs a release
# build (made first) and, for PostgreSQL, a server at
# ITDESK_TEST_PG_ADMIN_URL (default postgres://postgres@127.0.0.1:5432/postgres).
set -euo pipefail
cd "$(dirname "$0")/../.."

which_backends="${1:-both}"
count="${2:-1000}"
pg_admin="${ITDESK_TEST_PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
pg_socket_dir="${ITDESK_BENCH_PG_SOCKET_DIR:-/var/run/postgresql}"
# ITDESK_BENCH_BIN: time another build (an earlier commit's, say) instead.
# ITDESK_BENCH_AGAINST: a second build handed every other message while the
# service runs, printed beside this one's (A/B on the same messages).
if [ -n "${ITDESK_BENCH_BIN:-}" ]; then
  bin="$ITDESK_BENCH_BIN"
else
  cargo build --release --quiet
  bin="$PWD/target/release/itdesk"
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 tests/bench/make_mail.py "$work/mail" "$((2 * count + 1))" >/dev/null

# Times COMMAND once per input line of $work/list (each line a file fed on
# stdin, or "-" for none); prints "mean median" in ms.
time_each() {
  python3 - "$@" <<'PY'
import subprocess, sys, time, statistics, os
cmd = sys.argv[1:]
# AGAINST: another build, run on every other input (A/B, so that the
# machine's drift hits both alike); its figures go to standard error.
cmds = [cmd] + ([[os.environ["AGAINST"]] + cmd[1:]] if os.environ.get("AGAINST") else [])
files = [l.strip() for l in open(os.environ["LIST"]) if l.strip()]
times = [[] for _ in cmds]
for i, f in enumerate(files):
    run = cmds[i % len(cmds)]
    stdin = subprocess.DEVNULL if f == "-" else open(f, "rb")
    t0 = time.perf_counter()
    r = subprocess.run(run, stdin=stdin, stdout=subprocess.DEVNULL)
    times[i % len(cmds)].append((time.perf_counter() - t0) * 1000)
    if r.returncode != 0:
        sys.exit(f"{' '.join(run)} exited {r.returncode} on {f}")
if len(cmds) > 1:
    t = times[1]
    print(f"          the same messages, every other one through {cmds[1][0]}: "
          f"{statistics.mean(t):.2f} ms mean, {statistics.median(t):.2f} ms median "
          f"(this build: {statistics.median(times[0]):.2f})", file=sys.stderr)
print(f"{statistics.mean(times[0]):.2f} {statistics.median(times[0]):.2f}")
PY
}

run() {
  local backend=$1 url
  case $backend in
    sqlite) url="sqlite://$work/itdesk.db"; rm -f "$work"/itdesk.db* ;;
    postgres|pg-socket)
      psql -q -d "$pg_admin" -c "DROP DATABASE IF EXISTS itdesk_bench_mailgate" -c "CREATE DATABASE itdesk_bench_mailgate"
      url="${pg_admin%/*}/itdesk_bench_mailgate"
      if [ "$backend" = pg-socket ]; then
        # The admin URL's user and port, through the socket in pg_socket_dir.
        url=$(python3 - "$pg_admin" "$pg_socket_dir" <<'PY'
import sys, urllib.parse
u = urllib.parse.urlsplit(sys.argv[1])
user = u.username or "postgres"
host = urllib.parse.quote(sys.argv[2], safe="")
print(f"postgres://{user}@{host}:{u.port or 5432}/itdesk_bench_mailgate")
PY
)
      fi ;;
  esac
  export ITDESK_DATABASE_URL="$url" RUST_LOG=warn ITDESK__MAIL__MAILGATE_SOCKET="$work/mailgate.sock"
  "$bin" migrate >/dev/null
  # One message first: the database's first one also writes the SLA
  # definitions and secrets, which no later message repeats.
  local all=("$work"/mail/*.eml)
  "$bin" mailgate <"${all[0]}" >/dev/null
  printf '%s\n' "${all[@]:1:$count}" >"$work/served"
  printf '%s\n' "${all[@]:$((count + 1))}" >"$work/alone"
  printf -- '-\n%.0s' $(seq 1 "$count") >"$work/bare"
  local port; port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  "$bin" serve --bind "127.0.0.1:$port" >"$work/serve.log" 2>&1 &
  local pid=$!
  for _ in $(seq 1 100); do [ -S "$work/mailgate.sock" ] && break; sleep 0.1; done
  [ -S "$work/mailgate.sock" ] || { echo "itdesk serve did not open its mailgate socket" >&2; cat "$work/serve.log" >&2; exit 1; }
  local bare served alone
  bare=$(LIST="$work/bare" time_each "$bin" --version)
  served=$(LIST="$work/served" AGAINST="${ITDESK_BENCH_AGAINST:-}" time_each "$bin" mailgate)
  kill "$pid"; wait "$pid" 2>/dev/null || true
  alone=$(LIST="$work/alone" time_each "$bin" mailgate)
  read -r bare_mean bare_median <<<"$bare"
  read -r served_mean served_median <<<"$served"
  read -r alone_mean alone_median <<<"$alone"
  printf '%-9s bare start (itdesk --version):      %6s ms mean, %6s ms median\n' "$backend" "$bare_mean" "$bare_median"
  printf '%-9s a message, itdesk serve running:    %6s ms mean, %6s ms median  (%s messages/s; %s ms median without the harness floor)\n' \
    "$backend" "$served_mean" "$served_median" "$(python3 -c "print(f'{1000/$served_mean:.0f}')")" \
    "$(python3 -c "print(f'{$served_median-$true_median:.2f}')")"
  printf '%-9s a message, no service (direct):     %6s ms mean, %6s ms median  (%s messages/s)\n' \
    "$backend" "$alone_mean" "$alone_median" "$(python3 -c "print(f'{1000/$alone_mean:.0f}')")"
  [ "$backend" != sqlite ] && psql -q -d "$pg_admin" -c "DROP DATABASE IF EXISTS itdesk_bench_mailgate" || true
}

echo "$(nproc) cores, $(uname -sr), $count messages of $(du -sk "$work/mail" | cut -f1) KB in all"
printf -- '-\n%.0s' $(seq 1 "$count") >"$work/bare"
read -r true_mean true_median <<<"$(LIST="$work/bare" time_each /bin/true)"
printf 'harness   floor (/bin/true, started the same way): %6s ms mean, %6s ms median\n' "$true_mean" "$true_median"
postgres_runs() {
  run postgres
  local pg_port; pg_port=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.urlsplit(sys.argv[1]).port or 5432)' "$pg_admin")
  if [ -S "$pg_socket_dir/.s.PGSQL.$pg_port" ]; then run pg-socket; fi
}
case $which_backends in
  sqlite) run sqlite ;;
  postgres) postgres_runs ;;
  both) run sqlite; postgres_runs ;;
  *) echo "usage: $0 [sqlite|postgres|both] [MESSAGES]" >&2; exit 2 ;;
esac
