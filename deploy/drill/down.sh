#!/usr/bin/env bash
# Stops the drill's layout (deploy/drill/up.sh) and removes it: nginx, the two nodes, the worker,
# PgBouncer, the replica (its data directory too), the drill's Redis; then drops the database up.sh
# created on the primary (csc_drill, or CSC_DRILL_DB when it was missing) unless CSC_DRILL_KEEP_DB=1:
# a database that was there before up.sh (a benchmark's dataset) is never dropped. The primary itself is left running, untouched (a line
# added to its pg_hba.conf by CSC_DRILL_ADD_HBA=1 stays: remove it by hand if you wish).
set -uo pipefail

STATE="${CSC_DRILL_DIR:-/tmp/csc-drill}"
PG_BIN="${CSC_DRILL_PG_BIN:-/usr/lib/postgresql/15/bin}"
PRIMARY_PORT="${CSC_DRILL_PRIMARY_PORT:-5432}"
REDIS_PORT="${CSC_DRILL_REDIS_PORT:-6380}"

stop_pidfile() {  # stop_pidfile name pidfile: SIGTERM, then SIGKILL after 20 s
  local name="$1" pidfile="$2" pid
  [[ -f $pidfile ]] || return 0
  pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    echo "Arrêt : $name ($pid)"
    kill "$pid"
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
  fi
  rm -f "$pidfile"
}

[[ -d $STATE ]] || { echo "Rien à arrêter : $STATE n'existe pas."; exit 0; }
[[ -f $STATE/nginx/nginx.conf && -f $STATE/run/nginx.pid ]] \
  && nginx -p "$STATE/nginx" -c "$STATE/nginx/nginx.conf" -s quit 2>/dev/null
stop_pidfile "nœud 8001" "$STATE/run/node-8001.pid"
stop_pidfile "nœud 8002" "$STATE/run/node-8002.pid"
stop_pidfile "travailleur de tâches" "$STATE/run/worker.pid"
stop_pidfile "PgBouncer" "$STATE/run/pgbouncer.pid"
if [[ -d $STATE/replica ]]; then
  echo "Arrêt : réplique"
  runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$STATE/replica" -m fast -w stop >/dev/null 2>&1
fi
if redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && [[ -f $STATE/run/redis.pid ]]; then
  echo "Arrêt : Redis de l'exercice"
  redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1
fi
if [[ ${CSC_DRILL_KEEP_DB:-0} != 1 && -s $STATE/created_database ]]; then
  database=$(cat "$STATE/created_database")
  echo "Suppression de la base $database"
  psql -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -AtXq -c "DROP DATABASE IF EXISTS \"$database\" WITH (FORCE)"
fi
rm -rf "$STATE"
echo "Exercice arrêté."
