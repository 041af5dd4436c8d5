#!/usr/bin/env bash
# The whole suite on SQLite, then on PostgreSQL when one is available.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
# One worker per core (pytest-xdist); each has its own test database. CSC_TEST_WORKERS=0 runs in one
# process, e.g. to use a debugger.
PYTEST_ARGS=(-n "${CSC_TEST_WORKERS:-auto}" "$@")

echo "== Suite on SQLite =="
env -u DATABASE_URL CSC_VAR_DIR="$(pwd)/var" "$BIN/pytest" "${PYTEST_ARGS[@]}"

pg_url="${DATABASE_URL:-}"
if [[ -z "$pg_url" ]] && (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; then
  pg_url="postgres://postgres@127.0.0.1:5432/csc"
fi
if [[ -n "$pg_url" ]]; then
  echo "== Suite on PostgreSQL =="
  DATABASE_URL="$pg_url" "$BIN/pytest" "${PYTEST_ARGS[@]}"
else
  echo "== PostgreSQL not reachable: suite run on SQLite only =="
fi
