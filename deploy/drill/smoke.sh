#!/usr/bin/env bash
# Checks the drill's layout (deploy/drill/up.sh): nginx answers and spreads the requests over both
# nodes, a session opened on one node is valid on the other, a report reads from the replica, which
# streams from the primary, and the task worker beats. Prints each check; exits 1 at the first failure.
set -euo pipefail

STATE="${CSC_DRILL_DIR:-/tmp/csc-drill}"
NGINX="http://127.0.0.1:${CSC_DRILL_NGINX_PORT:-8080}"
NODE_1=http://127.0.0.1:8001
NODE_2=http://127.0.0.1:8002
REPLICA_PORT="${CSC_DRILL_REPLICA_PORT:-5433}"
PGBOUNCER_PORT="${CSC_DRILL_PGBOUNCER_PORT:-6432}"
PASSWORD=demo-csc-2026
JAR=$(mktemp)
trap 'rm -f "$JAR"' EXIT

ok() { printf 'ok    %s\n' "$*"; }
fail() { printf 'ÉCHEC %s\n' "$*" >&2; exit 1; }
status() { curl -s -o /dev/null -w '%{http_code}' -b "$JAR" -c "$JAR" "$@"; }
replica_sql() { psql -h 127.0.0.1 -p "$REPLICA_PORT" -U postgres -d csc_drill -AtXc "$1"; }

login() {  # login base_url email: the login form, then its POST with the CSRF token it gave
  local base="$1" email="$2" token
  rm -f "$JAR"
  token=$(curl -s -b "$JAR" -c "$JAR" "$base/compte/connexion/" | grep -o 'name="csrfmiddlewaretoken" value="[^"]*"' \
    | head -1 | sed 's/.*value="//; s/"$//')
  [[ -n $token ]] || fail "pas de formulaire de connexion sur $base"
  status -X POST "$base/compte/connexion/" --data-urlencode "csrfmiddlewaretoken=$token" \
    --data-urlencode "username=$email" --data-urlencode "password=$PASSWORD"
}

body=$(curl -fsS "$NGINX/healthz") || fail "nginx ne répond pas sur $NGINX"
grep -q '"database": *"ok"' <<<"$body" || fail "/healthz par nginx : $body"
ok "nginx répond : $body"

before_1=$(wc -l <"$STATE/log/node-8001.access.log")
before_2=$(wc -l <"$STATE/log/node-8002.access.log")
for _ in 1 2 3 4 5 6; do [[ $(status "$NGINX/") == 200 ]] || fail "la page d'accueil par nginx"; done
after_1=$(wc -l <"$STATE/log/node-8001.access.log")
after_2=$(wc -l <"$STATE/log/node-8002.access.log")
((after_1 > before_1 && after_2 > before_2)) || fail "nginx n'a pas servi les deux nœuds ($((after_1 - before_1)) et $((after_2 - before_2)) requêtes)"
ok "nginx répartit : $((after_1 - before_1)) requêtes au nœud 8001, $((after_2 - before_2)) au nœud 8002"

[[ $(login "$NODE_1" accueil.arbrisseau@demo.csc.localhost) == 302 ]] || fail "connexion sur le nœud 8001"
ok "connexion de l'accueil sur le nœud 8001"
[[ $(status "$NODE_2/espace/") == 200 ]] || fail "la session du nœud 8001 n'est pas reconnue par le nœud 8002"
ok "la même session ouvre l'espace des équipes sur le nœud 8002"
[[ $(status "$NGINX/espace/") == 200 ]] || fail "la session n'est pas reconnue derrière nginx"
ok "et derrière nginx"

[[ $(replica_sql "SELECT pg_is_in_recovery()") == t ]] || fail "le port $REPLICA_PORT n'est pas une réplique"
[[ $(replica_sql "SELECT status FROM pg_stat_wal_receiver") == streaming ]] || fail "la réplique ne reçoit pas le flux"
ok "la réplique reçoit le flux du principal"
[[ $(login "$NGINX" direction.arbrisseau@demo.csc.localhost) == 302 ]] || fail "connexion de la direction par nginx"
# PgBouncer counts the queries it passed to each database: the replica's grow with a report only.
replica_queries() {
  psql -h 127.0.0.1 -p "$PGBOUNCER_PORT" -U postgres -d pgbouncer -AtXc "SHOW STATS" | awk -F'|' '$1 == "csc_drill_replica" { print $3 }'
}
read_before=$(replica_queries)
[[ $(status "$NGINX/espace/") == 200 ]] || fail "l'espace des équipes de la direction"
[[ $(replica_queries) == "$read_before" ]] || fail "une page qui n'est pas un bilan a lu la réplique"
# Just after a POST (the login), a person reads the primary: the replica may lag behind what they wrote.
[[ $(status "$NGINX/bilans/") == 200 ]] || fail "le bilan de fréquentation"
[[ $(replica_queries) == "$read_before" ]] || fail "le bilan a lu la réplique juste après une écriture"
ok "juste après la connexion (une écriture), le bilan est lu sur le serveur principal"
sleep 11  # CSC_REPLICA_LAG_SECONDS (10 s) later
[[ $(status "$NGINX/bilans/") == 200 ]] || fail "le bilan de fréquentation"
read_after=$(replica_queries)
((read_after > read_before)) || fail "le bilan n'a rien lu sur la réplique"
ok "dix secondes plus tard, il est lu sur la réplique ($((read_after - read_before)) requêtes)"

for _ in $(seq 1 30); do
  body=$(curl -fsS "$NGINX/healthz")
  grep -q '"worker": *{"status": *"ok"' <<<"$body" && break
  sleep 1
done
grep -q '"worker": *{"status": *"ok"' <<<"$body" || fail "le travailleur de tâches ne bat pas : $body"
ok "le travailleur de tâches bat : $body"
echo "Exercice vérifié."
