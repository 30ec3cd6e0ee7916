# The queue bench's data set, sourced by tickets.sh and report.sh (which
# set `bin`, the release binary, and `tickets`, how many to load).

# Loads the demo tickets (the callers skip it when BENCH_REUSE=1 finds
# them loaded already).
load() { # backend url
  local t0=$SECONDS
  echo "== $1: loading $tickets tickets"
  "$bin" demo --tickets "$tickets" --months 36 --requesters 2000 | head -1
  echo "   load took $((SECONDS - t0)) s"
  if [ "$1" = postgres ]; then psql -q -d "$2" -c "VACUUM ANALYZE"; fi
}

# Reads the whole database once, so that every run starts with it in the
# OS file cache, as a service that has been running holds it (a cold cache
# after a load or a reboot slowed creation by a third at first).
warm() { # backend url
  local t0=$SECONDS
  if [ "$1" = postgres ]; then
    psql -q -d "$2" -c "CREATE EXTENSION IF NOT EXISTS pg_prewarm" \
      -c "SELECT sum(pg_prewarm(c.oid, 'read')) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind IN ('r', 'i')" >/dev/null 2>&1 \
      || { echo "   (pg_prewarm is not available: the runs start with a cold cache)"; return 0; }
  else
    cat "${2#sqlite://}" "${2#sqlite://}-wal" >/dev/null 2>&1 || true
  fi
  echo "   database read into the file cache in $((SECONDS - t0)) s"
}

