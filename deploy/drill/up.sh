#!/usr/bin/env bash
# The several-machines layout on this machine, on loopback (docs/installation.md, « Passer à plusieurs
# machines », « L'exercice sur une machine »):
#
#   nginx 127.0.0.1:8080 → gunicorn 127.0.0.1:8001 and :8002 → PgBouncer :6432 (transaction mode)
#       → PostgreSQL primary (the local server, :5432, database csc_drill)
#       → PostgreSQL streaming replica (:5433, a cluster of the drill's own, pg_basebackup -R)
#   Redis :6380 (a server of the drill's own: cache, sessions, rate limits, and RQ's queue)
#   the task worker (CSC_DRILL_TASKS=db: manage.py db_worker, the default; rq: manage.py rqworker)
#
# Run as root (PostgreSQL and PgBouncer are started as the postgres user). Everything lives in
# $CSC_DRILL_DIR (/tmp/csc-drill); deploy/drill/down.sh stops it and removes it; smoke.sh checks it.
# The primary is never restarted: if it cannot stream to a replica as configured, this script says what
# to change and stops.
#
# For a benchmark on a dataset of its own (benchmarks/exploitation.py): CSC_DRILL_DB names another
# database of the primary (created if missing, dropped by down.sh only if this script created it),
# CSC_DRILL_DEMO=0 skips the demonstration data, CSC_DRILL_ENV_EXTRA names a file of KEY=value lines
# appended to the layout's environment (they override the ones above them: a mail server, limits…),
# and CSC_DRILL_SINGLE_PORT adds a second nginx entry on that port that serves node 8001 alone (to
# measure one node against two in the same run).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
STATE="${CSC_DRILL_DIR:-/tmp/csc-drill}"
PY="$ROOT/.venv/bin/python"
PG_BIN="${CSC_DRILL_PG_BIN:-/usr/lib/postgresql/15/bin}"
PRIMARY_HOST=127.0.0.1
PRIMARY_PORT="${CSC_DRILL_PRIMARY_PORT:-5432}"
REPLICA_PORT="${CSC_DRILL_REPLICA_PORT:-5433}"
PGBOUNCER_PORT="${CSC_DRILL_PGBOUNCER_PORT:-6432}"
REDIS_PORT="${CSC_DRILL_REDIS_PORT:-6380}"
NGINX_PORT="${CSC_DRILL_NGINX_PORT:-8080}"
NODE_PORTS=(8001 8002)
DB="${CSC_DRILL_DB:-csc_drill}"
SINGLE_PORT="${CSC_DRILL_SINGLE_PORT:-}"
TASKS="${CSC_DRILL_TASKS:-db}"

say() { printf '\n== %s\n' "$*"; }
fail() { printf '\nÉCHEC : %s\n' "$*" >&2; exit 1; }
as_postgres() { runuser -u postgres -- "$@"; }
psql_primary() { psql -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U postgres -AtX "$@"; }
wait_for() {  # wait_for "what" command…
  local what="$1"; shift
  for _ in $(seq 1 60); do "$@" >/dev/null 2>&1 && return 0; sleep 0.5; done
  fail "$what ne répond pas après 30 s"
}

[[ $(id -u) == 0 ]] || fail "lancez l'exercice en root (PostgreSQL et PgBouncer tournent sous l'utilisateur postgres)"
for command in nginx pgbouncer redis-server psql pg_basebackup curl; do
  command -v "$command" >/dev/null || fail "$command manque (apt-get install nginx pgbouncer redis-server postgresql-15)"
done
[[ -x $PG_BIN/pg_ctl ]] || fail "pg_ctl introuvable dans $PG_BIN (CSC_DRILL_PG_BIN)"
[[ $TASKS == db || $TASKS == rq ]] || fail "CSC_DRILL_TASKS vaut db ou rq"

say "Le serveur principal peut-il alimenter une réplique ?"
psql_primary -c "SELECT 1" >/dev/null || fail "PostgreSQL ne répond pas sur $PRIMARY_HOST:$PRIMARY_PORT (utilisateur postgres)"
wal_level=$(psql_primary -c "SHOW wal_level")
wal_senders=$(psql_primary -c "SHOW max_wal_senders")
if [[ $wal_level == minimal || $wal_senders == 0 ]]; then
  fail "wal_level=$wal_level, max_wal_senders=$wal_senders : le serveur principal doit avoir wal_level=replica
et max_wal_senders >= 2, ce qui demande de le REDÉMARRER. L'exercice ne redémarre pas un serveur partagé :
changez ces réglages et redémarrez-le au moment choisi, puis relancez."
fi
echo "wal_level=$wal_level, max_wal_senders=$wal_senders : bon."
if ! psql "host=$PRIMARY_HOST port=$PRIMARY_PORT user=postgres replication=true" -AtXc "IDENTIFY_SYSTEM" >/dev/null 2>&1; then
  hba_file=$(psql_primary -c "SHOW hba_file")
  line="host replication postgres 127.0.0.1/32 trust"
  if [[ ${CSC_DRILL_ADD_HBA:-0} == 1 ]]; then
    echo "Ajout à $hba_file : « $line », puis rechargement (pas de redémarrage)."
    printf '# Added by CSC deploy/drill/up.sh: the drill replica streams over loopback.\n%s\n' "$line" >>"$hba_file"
    psql_primary -c "SELECT pg_reload_conf()" >/dev/null
    sleep 1
    psql "host=$PRIMARY_HOST port=$PRIMARY_PORT user=postgres replication=true" -AtXc "IDENTIFY_SYSTEM" >/dev/null \
      || fail "la connexion de réplication est toujours refusée"
  else
    fail "le serveur principal refuse les connexions de réplication depuis 127.0.0.1. Ajoutez à $hba_file
  $line
puis rechargez-le (sans redémarrage) : psql -U postgres -c 'SELECT pg_reload_conf()'
ou relancez avec CSC_DRILL_ADD_HBA=1 pour que l'exercice le fasse."
  fi
fi
echo "Connexion de réplication acceptée."

mkdir -p "$STATE"/{run,log,var,nginx/tmp,pgbouncer}
chmod 755 "$STATE" "$STATE/pgbouncer"

say "Redis de l'exercice sur 127.0.0.1:$REDIS_PORT"
if ! redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --daemonize yes --save "" --appendonly no \
    --dir "$STATE" --pidfile "$STATE/run/redis.pid" --logfile "$STATE/log/redis.log"
fi
wait_for "Redis" redis-cli -p "$REDIS_PORT" ping

say "Base $DB sur le serveur principal : migrations, fichiers statiques, données de démonstration"
if [[ -z $(psql_primary -c "SELECT 1 FROM pg_database WHERE datname = '$DB'") ]]; then
  psql_primary -c "CREATE DATABASE $DB" >/dev/null
  echo "$DB" >"$STATE/created_database"
fi
# down.sh drops the drill's own database, and one this script created; a dataset that was there stays.
[[ $DB == csc_drill ]] && echo "$DB" >"$STATE/created_database"
if [[ ! -f $STATE/secret ]]; then
  "$PY" -c "import secrets; print(secrets.token_urlsafe(50))" >"$STATE/secret"
  "$PY" -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())" >"$STATE/fernet"
fi

# The environment of every process of the layout (deploy/csc.env.example, with loopback's values).
cat >"$STATE/csc.env" <<EOF
DJANGO_DEBUG=0
DJANGO_SECRET_KEY=$(cat "$STATE/secret")
DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost
CSC_PUBLIC_URL=http://127.0.0.1:$NGINX_PORT
CSC_CASEWORK_KEYS=$(cat "$STATE/fernet")
CSC_VAR_DIR=$STATE/var
CSC_MEDIA_ROOT=$STATE/var/media
# The e-mails are written to the worker's log.
DJANGO_EMAIL_BACKEND=django.core.mail.backends.console.EmailBackend
# Plain HTTP on loopback: no TLS to redirect to, cookies without Secure.
DJANGO_SECURE_SSL_REDIRECT=0
DJANGO_SECURE_COOKIES=0
DJANGO_HSTS_SECONDS=0
CSC_OTP_REQUIRED_ROLES=
CSC_BIND_HOST=127.0.0.1
CSC_TRUSTED_PROXIES=127.0.0.1
DATABASE_URL=postgres://postgres@127.0.0.1:$PGBOUNCER_PORT/$DB
DATABASE_PGBOUNCER=1
DATABASE_REPLICA_URL=postgres://postgres@127.0.0.1:$PGBOUNCER_PORT/${DB}_replica
CSC_CACHE_URL=redis://127.0.0.1:$REDIS_PORT/0
EOF
if [[ -n ${CSC_DRILL_ENV_EXTRA:-} ]]; then
  printf '# From %s (CSC_DRILL_ENV_EXTRA)\n' "$CSC_DRILL_ENV_EXTRA" >>"$STATE/csc.env"
  cat "$CSC_DRILL_ENV_EXTRA" >>"$STATE/csc.env"
fi
if [[ $TASKS == rq ]]; then
  printf 'CSC_TASKS_BACKEND=django_tasks_rq.RQBackend\nCSC_RQ_URL=redis://127.0.0.1:%s/1\n' "$REDIS_PORT" >>"$STATE/csc.env"
fi
load_env() { set -a; . "$STATE/csc.env"; set +a; }

(
  load_env
  # Directly on the primary: a migration is one long session, not a pooler's business.
  export DATABASE_URL="postgres://postgres@$PRIMARY_HOST:$PRIMARY_PORT/$DB" DATABASE_PGBOUNCER=0
  unset DATABASE_REPLICA_URL
  cd "$ROOT"
  "$PY" manage.py migrate --noinput -v 0
  "$PY" manage.py collectstatic --noinput -v 0
  if [[ ${CSC_DRILL_DEMO:-1} == 1 ]]; then "$PY" manage.py load_demo --demo -v 0 >/dev/null; fi
)

say "Réplique en flux sur 127.0.0.1:$REPLICA_PORT"
REPLICA="$STATE/replica"
if [[ ! -f $REPLICA/standby.signal ]]; then
  rm -rf "$REPLICA"
  install -d -o postgres -g postgres -m 700 "$REPLICA"
  # -R writes standby.signal and primary_conninfo; -X stream copies the WAL written meanwhile.
  as_postgres pg_basebackup -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U postgres -D "$REPLICA" -R -X stream -c fast
fi
# Debian keeps the configuration outside the data directory: the replica gets its own. A hot standby
# refuses to start with fewer connections, workers or locks than the primary: it takes the primary's.
{
  printf "listen_addresses = '127.0.0.1'\nport = %s\nunix_socket_directories = '%s'\n" "$REPLICA_PORT" "$STATE/run"
  printf "hot_standby = on\nshared_buffers = 64MB\nhba_file = '%s'\nident_file = '%s'\n" \
    "$REPLICA/pg_hba.conf" "$REPLICA/pg_ident.conf"
  for name in max_connections max_worker_processes max_wal_senders max_prepared_transactions max_locks_per_transaction; do
    printf '%s = %s\n' "$name" "$(psql_primary -c "SHOW $name")"
  done
} | as_postgres tee "$REPLICA/postgresql.conf" >/dev/null
printf 'local all all trust\nhost all all 127.0.0.1/32 trust\n' | as_postgres tee "$REPLICA/pg_hba.conf" >/dev/null
: | as_postgres tee "$REPLICA/pg_ident.conf" >/dev/null
chmod 777 "$STATE/run" "$STATE/log"
if ! as_postgres "$PG_BIN/pg_ctl" -D "$REPLICA" status >/dev/null 2>&1; then
  as_postgres "$PG_BIN/pg_ctl" -D "$REPLICA" -l "$STATE/log/replica.log" -w start >/dev/null
fi
wait_for "La réplique" psql -h 127.0.0.1 -p "$REPLICA_PORT" -U postgres -d "$DB" -AtXc "SELECT 1"
[[ $(psql -h 127.0.0.1 -p "$REPLICA_PORT" -U postgres -AtXc "SELECT pg_is_in_recovery()") == t ]] \
  || fail "le serveur du port $REPLICA_PORT n'est pas une réplique"
echo "Réplique en lecture seule, alimentée par le principal."

say "PgBouncer en mode transaction sur 127.0.0.1:$PGBOUNCER_PORT"
# deploy/pgbouncer/pgbouncer.ini, with the drill's database, ports, paths and trust on loopback.
sed -e "s/^csc = /$DB = /" -e "s/^csc_replica = /${DB}_replica = /" -e "s/dbname=csc /dbname=$DB /g" \
  -e "s/port=5432 /port=$PRIMARY_PORT /" -e "s/port=5433 /port=$REPLICA_PORT /" \
  -e "s/^listen_port = .*/listen_port = $PGBOUNCER_PORT/" -e "s/^auth_type = .*/auth_type = trust/" \
  -e "s|^auth_file = .*|auth_file = $STATE/pgbouncer/userlist.txt|" \
  -e "s|^logfile = .*|logfile = $STATE/log/pgbouncer.log|" -e "s|^pidfile = .*|pidfile = $STATE/run/pgbouncer.pid|" \
  -e "s|^unix_socket_dir = .*|unix_socket_dir =|" \
  "$ROOT/deploy/pgbouncer/pgbouncer.ini" >"$STATE/pgbouncer/pgbouncer.ini"
# The smoke test reads PgBouncer's counters (SHOW STATS) to see the reports go to the replica.
echo "stats_users = postgres" >>"$STATE/pgbouncer/pgbouncer.ini"
echo '"postgres" ""' >"$STATE/pgbouncer/userlist.txt"
chmod 644 "$STATE/pgbouncer/"*
if ! psql -h 127.0.0.1 -p "$PGBOUNCER_PORT" -U postgres -d "$DB" -AtXc "SELECT 1" >/dev/null 2>&1; then
  pgbouncer -d -u postgres "$STATE/pgbouncer/pgbouncer.ini"
fi
wait_for "PgBouncer" psql -h 127.0.0.1 -p "$PGBOUNCER_PORT" -U postgres -d "$DB" -AtXc "SELECT 1"

say "Deux nœuds gunicorn : ${NODE_PORTS[*]}"
for port in "${NODE_PORTS[@]}"; do
  pidfile="$STATE/run/node-$port.pid"
  if [[ -f $pidfile ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then continue; fi
  (
    load_env
    cd "$ROOT"
    # As deploy/systemd/csc-web@.service, with two workers: the machine is small.
    "$ROOT/.venv/bin/gunicorn" csc.wsgi:application --workers 2 --bind "$CSC_BIND_HOST:$port" \
      --timeout 60 --graceful-timeout 20 --daemon --pid "$pidfile" \
      --access-logfile "$STATE/log/node-$port.access.log" --error-logfile "$STATE/log/node-$port.log"
  )
done
for port in "${NODE_PORTS[@]}"; do wait_for "Le nœud $port" curl -fsS "http://127.0.0.1:$port/healthz"; done

say "Le travailleur de tâches ($TASKS)"
pidfile="$STATE/run/worker.pid"
if ! { [[ -f $pidfile ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }; then
  (
    load_env
    cd "$ROOT"
    if [[ $TASKS == rq ]]; then
      command=("$PY" manage.py rqworker --with-scheduler --worker-ttl 60 default)
    else
      command=("$PY" manage.py db_worker --no-reload)
    fi
    nohup "${command[@]}" >>"$STATE/log/worker.log" 2>&1 &
    echo $! >"$pidfile"
  )
fi

say "nginx sur 127.0.0.1:$NGINX_PORT"
sed -e "s/127.0.0.1:8001/127.0.0.1:${NODE_PORTS[0]}/" -e "s/127.0.0.1:8002/127.0.0.1:${NODE_PORTS[1]}/" \
  "$ROOT/deploy/nginx/csc-upstream.conf" >"$STATE/nginx/csc-upstream.conf"
cp "$ROOT/deploy/nginx/csc-proxy.conf" "$STATE/nginx/csc-proxy.conf"
cat >"$STATE/nginx/nginx.conf" <<EOF
# The drill's nginx: deploy/nginx/csc-upstream.conf and csc-proxy.conf, served on loopback in HTTP.
worker_processes 1;
pid $STATE/run/nginx.pid;
error_log $STATE/log/nginx.error.log;
events { worker_connections 512; }
http {
    include /etc/nginx/mime.types;
    access_log $STATE/log/nginx.access.log;
    client_body_temp_path $STATE/nginx/tmp/body;
    proxy_temp_path $STATE/nginx/tmp/proxy;
    fastcgi_temp_path $STATE/nginx/tmp/fastcgi;
    uwsgi_temp_path $STATE/nginx/tmp/uwsgi;
    scgi_temp_path $STATE/nginx/tmp/scgi;
    include $STATE/nginx/csc-upstream.conf;
    server {
        listen 127.0.0.1:$NGINX_PORT;
        server_name _;
        include $STATE/nginx/csc-proxy.conf;
    }
}
EOF
if [[ -n $SINGLE_PORT ]]; then
  # The same proxy to one node: the upstream renamed, the second node left out.
  sed -e "s/csc_nodes/csc_single/" "$STATE/nginx/csc-proxy.conf" >"$STATE/nginx/csc-proxy-single.conf"
  sed -e "s/csc_nodes/csc_single/" -e "/127.0.0.1:${NODE_PORTS[1]}/d" "$STATE/nginx/csc-upstream.conf" \
    >"$STATE/nginx/csc-upstream-single.conf"
  sed -i '$d' "$STATE/nginx/nginx.conf"  # the http block's closing brace, the file's last line
  cat >>"$STATE/nginx/nginx.conf" <<EOF
    include $STATE/nginx/csc-upstream-single.conf;
    server {
        listen 127.0.0.1:$SINGLE_PORT;
        server_name _;
        include $STATE/nginx/csc-proxy-single.conf;
    }
}
EOF
fi
nginx -t -q -p "$STATE/nginx" -c "$STATE/nginx/nginx.conf"
if [[ -f $STATE/run/nginx.pid ]] && kill -0 "$(cat "$STATE/run/nginx.pid")" 2>/dev/null; then
  nginx -p "$STATE/nginx" -c "$STATE/nginx/nginx.conf" -s reload
else
  nginx -p "$STATE/nginx" -c "$STATE/nginx/nginx.conf"
fi
wait_for "nginx" curl -fsS "http://127.0.0.1:$NGINX_PORT/healthz"

say "Prêt : http://127.0.0.1:$NGINX_PORT/ (comptes de démonstration, mot de passe demo-csc-2026)"
echo "Vérification : deploy/drill/smoke.sh ; arrêt : deploy/drill/down.sh ; journaux : $STATE/log/"
