#!/usr/bin/env bash
# The suite at the instants that broke tests before: a Monday, Sunday 23:30, 31 December, the night
# clocks go forward. Each run moves the whole process's clock there (csc/testing/clock.py) and lets it
# tick. Extra arguments go to pytest, e.g. `scripts/test-clocks.sh -n 2 csc/activities`.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
status=0
for when in "2027-01-04 09:15" "2027-01-03 23:30" "2026-12-31 23:45" "2027-03-28 03:30"; do
  echo "== Suite on SQLite, the clock at $when (Europe/Paris) =="
  env -u DATABASE_URL CSC_VAR_DIR="$(pwd)/var" CSC_TEST_NOW="$when" "$BIN/pytest" "$@" || status=1
done
exit $status
