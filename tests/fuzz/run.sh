#!/usr/bin/env bash
# Runs the cargo-fuzz targets for a given time each and prints what they did.
#
#   tests/fuzz/run.sh SECONDS [TARGET ...]     (default: every target)
#
# Targets: inbound (the mail pipeline), csv_import (the asset import reader),
# inventory (the OCS inventory door). Installs cargo-fuzz when missing. The
# fuzz crate is its own workspace with its own target directory
# (tests/fuzz/target); the corpus grows in tests/fuzz/corpus/TARGET and
# crashes land in tests/fuzz/artifacts/TARGET (both kept out of git).
#
# libFuzzer's instrumentation needs no nightly: without a sanitizer (-s none)
# the flags cargo-fuzz passes are stable ones, apart from a few -Z options
# that RUSTC_BOOTSTRAP=1 lets the stable compiler accept for this build only.
# ITDESK_FUZZ_BUILD=dev builds without optimisations (a quarter of the build
# time, fewer executions per second: what tests/run.sh uses for its short
# runs); the default is an optimised build with debug assertions.
# Exit status: 0 when no target crashed.
set -euo pipefail
cd "$(dirname "$0")/../.."

secs="${1:-60}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(inbound csv_import inventory)

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "== installing cargo-fuzz (once)"
  cargo install cargo-fuzz --locked
fi
export RUSTC_BOOTSTRAP=1
# The fuzz crate is its own workspace; without a lock file of its own it would
# resolve the newest versions of every dependency on a clean clone, not the
# ones the service is built and tested with. Start from the service's lock
# (cargo adds libfuzzer-sys and keeps the rest).
[ -f tests/fuzz/Cargo.lock ] || cp Cargo.lock tests/fuzz/Cargo.lock
build=()
[ "${ITDESK_FUZZ_BUILD:-release}" = dev ] && build=(--dev)

status=0
for t in "${targets[@]}"; do
  mkdir -p "tests/fuzz/corpus/$t"
  log="tests/fuzz/target/$t.log"
  mkdir -p tests/fuzz/target
  echo "== fuzzing $t for ${secs}s"
  if cargo fuzz run --fuzz-dir tests/fuzz -s none "${build[@]}" "$t" \
      "tests/fuzz/corpus/$t" "tests/fuzz/seeds/$t" \
      -- -max_total_time="$secs" -max_len=65536 -print_final_stats=1 >"$log" 2>&1; then
    result="no crash"
  else
    if grep -q 'stat::number_of_executed_units' "$log"; then
      result="CRASH (see $log and tests/fuzz/artifacts/$t)"
    else
      # It never ran: the build or cargo-fuzz failed. Show why.
      result="FAILED TO RUN (see $log)"
      tail -n 30 "$log" >&2
    fi
    status=1
  fi
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1 || true)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*$' || true)
  corpus=$(ls "tests/fuzz/corpus/$t" | wc -l)
  printf '%-11s %s: %s executions in %ss, coverage %s edges, corpus %s inputs\n' \
    "$t" "$result" "${runs:-?}" "$secs" "${cov:-?}" "$corpus"
done
exit $status
