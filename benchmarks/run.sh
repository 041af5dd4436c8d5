#!/usr/bin/env bash
# `make bench`: the `socle` benchmark of the platform foundation, then `inscriptions`, `presences`,
# `animation`, `borne`, `accompagnement` and `tarifs` (benchmarks/README.md). BENCH_ONLY=socle, inscriptions,
# presences, animation, borne, accompagnement or tarifs runs one of them. BENCH_ONLY=exploitation (as root, never
# part of the whole run: it restarts the machine's PostgreSQL server) runs benchmarks/exploitation.py on
# the several-machines layout of deploy/drill/up.sh instead of this script's gunicorn.
#
# PostgreSQL database csc_bench (created if missing) -> migrate -> national-scale dataset (skipped when
# already there), for `presences` 10 million attendance rows on it, for `animation` 50,000 activity
# sheets and 30 plannings, for `borne` the catalogue and a kiosk per centre, for `accompagnement` 50,000
# periods and 1,000,000 exchanges -> collectstatic -> gunicorn, 4 workers, on 127.0.0.1:8089 with
# production settings -> warm-up then runs of benchmarks/loadgen.py -> benchmarks/results/socle.json (then
# inscriptions.json, presences.json, animation.json, borne.json, accompagnement.json).
#
# Knobs (environment): BENCH_DATABASE_URL, BENCH_PORT, BENCH_WORKERS, BENCH_USERS, BENCH_RUNS,
# BENCH_DURATION, BENCH_WARMUP, BENCH_THINK_MS, BENCH_REBUILD=1 (regenerate the dataset); for `presences`
# BENCH_ANIMATORS, BENCH_DIRECTORS, BENCH_IMPORT_ROWS, BENCH_IMPORT_RUNS, BENCH_PRESENCES_PARTS; to try
# at small scale, BENCH_SCALE_ARGS and BENCH_ATTENDANCE_ARGS (extra arguments of the two generators); for
# `animation` BENCH_ANIMATION_USERS, BENCH_ANIMATION_ARGS (extra arguments of its generator),
# BENCH_ANIMATION_OUTPUT, BENCH_ANIMATION_THINK_MS (3000: an animator reads a result page before the next one);
# for `borne` (whose runs are 3 × 20 s after 5 s of warm-up per phase unless BENCH_RUNS, BENCH_DURATION,
# BENCH_WARMUP say otherwise) BENCH_BORNE_KIOSKS, BENCH_BORNE_EVENT_CLIENTS, BENCH_BORNE_EVENT_BATCH,
# BENCH_BORNE_ARGS (extra arguments of benchmarks/borne.py), BENCH_BORNE_OUTPUT; for `accompagnement`
# BENCH_CASEWORK_ARGS (extra arguments of its generator), BENCH_ACCOMPAGNEMENT_USERS,
# BENCH_ACCOMPAGNEMENT_THINK_MS, BENCH_ACCOMPAGNEMENT_DIRECTORS, BENCH_ACCOMPAGNEMENT_PARTS (load,stats),
# BENCH_ACCOMPAGNEMENT_PAGES (the pages the social workers loop over), BENCH_ACCOMPAGNEMENT_OUTPUT; for
# `tarifs` BENCH_TARIFS_TRIES (20), BENCH_TARIFS_ARGS (extra arguments of generate_noethys_data),
# BENCH_TARIFS_OUTPUT; for
# `exploitation` BENCH_EXPLOITATION_SECONDS (600, the drill), BENCH_EXPLOITATION_ATTENDANCE_ARGS (the
# attendance generator's arguments, --attendance-rows 1000000), BENCH_EXPLOITATION_ARGS (extra
# arguments of benchmarks/exploitation.py), BENCH_EXPLOITATION_OUTPUT.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
BIN="$ROOT/.venv/bin"

export DATABASE_URL="${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/csc_bench}"
PORT="${BENCH_PORT:-8089}"
WORKERS="${BENCH_WORKERS:-4}"
USERS="${BENCH_USERS:-50}"
RUNS="${BENCH_RUNS:-3}"
DURATION="${BENCH_DURATION:-60}"
WARMUP="${BENCH_WARMUP:-20}"
THINK_MS="${BENCH_THINK_MS:-1000}"
WSGI_APP="${BENCH_WSGI_APP:-csc.wsgi:application}"  # another app only to try a change before making it
PASSWORD="${CSC_BENCH_PASSWORD:-bench-csc-2026}"
TMP="$ROOT/benchmarks/tmp"            # git-ignored: logs, static files, last generation time
RESULT="${BENCH_OUTPUT:-$ROOT/benchmarks/results/socle.json}"
mkdir -p "$TMP" "$(dirname "$RESULT")"

# Production-like settings. Cookies without `Secure` and no HTTPS redirect: the load runs over plain
# HTTP on loopback. Axes stays on (logins are real logins).
export DJANGO_SETTINGS_MODULE=csc.settings
export DJANGO_DEBUG=0
export DJANGO_SECRET_KEY="bench-only-secret-key-not-for-production-4f9a1c7e2b8d6053"
# The Fernet key of the case notes (csc/casework/crypto.py): with DEBUG=0 the app refuses to start without
# one. Fixed, so that the notes generate_casework_data encrypted stay readable from one run to the next;
# for the bench only (it is the base64 of « csc-bench-casework-key-not-prod! »).
export CSC_CASEWORK_KEYS="Y3NjLWJlbmNoLWNhc2V3b3JrLWtleS1ub3QtcHJvZCE="
export DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost"
# Links in e-mails sent outside a request (the task worker) start with this; production must set it.
export CSC_PUBLIC_URL="http://127.0.0.1:${BENCH_PORT:-8089}"
export DJANGO_SECURE_SSL_REDIRECT=0
export DJANGO_SECURE_COOKIES=0
export DJANGO_HSTS_SECONDS=0
export CSC_VAR_DIR="$TMP/var"
export CSC_LOG_LEVEL=WARNING
# Persistent connections for the whole bench (production default: 60 s). Only so that the CPU of each
# PostgreSQL backend can be followed for a whole run (loadgen.py reads it from /proc).
export DATABASE_CONN_MAX_AGE=3600
export CSC_BENCH_PASSWORD="$PASSWORD"
# The kiosk's events are limited per client address and minute (240 by default). All the load comes
# from 127.0.0.1, which stands here for thousands of kiosks behind their own addresses: the limit is
# lifted for the bench server (benchmarks/borne.py checks the limit itself, in its own process).
export CSC_KIOSK_EVENTS_PER_MINUTE=100000000
# The same for the pré-inscriptions one address may send (30 in 10 minutes by default): the benchmark's
# 100 parents all come from 127.0.0.1 (each with an e-mail address of their own).
export CSC_PUBLIC_REQUESTS_PER_CLIENT=100000000
mkdir -p "$CSC_VAR_DIR"

echo "== Base PostgreSQL ($DATABASE_URL) =="
"$BIN/python" - <<'EOF'
import os
from urllib.parse import urlsplit, urlunsplit

import psycopg

url = urlsplit(os.environ["DATABASE_URL"])
name = url.path.lstrip("/")
admin = urlunsplit(url._replace(path="/postgres"))
with psycopg.connect(admin, autocommit=True) as conn:
    if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
        conn.execute(psycopg.sql.SQL("CREATE DATABASE {}").format(psycopg.sql.Identifier(name)))
        print(f"base {name} créée")
    else:
        print(f"base {name} présente")
EOF
"$BIN/python" manage.py migrate --noinput

# Which benchmarks run: all of them, or the one BENCH_ONLY names.
selected() { [[ -z "${BENCH_ONLY:-}" || "${BENCH_ONLY}" == "$1" ]]; }

git_commit="$(git rev-parse HEAD 2>/dev/null || echo unknown)"
if [[ -n "$(git status --porcelain 2>/dev/null)" ]]; then git_commit="$git_commit-dirty"; fi

echo "== Jeu de données =="
generate_args=()
if [[ "${BENCH_REBUILD:-0}" == "1" ]]; then
  generate_args+=(--force)
  # The activity sheets and plannings hold on to the network's centres and leisure centres, the
  # attendance rows to its centres and people, the kiosks' clicks to their tiles, the casework periods to
  # its people and to the social workers' accounts: they go first.
  "$BIN/python" manage.py generate_casework_data --delete
  "$BIN/python" manage.py generate_kiosk_data --delete
  "$BIN/python" manage.py generate_animation_data --delete
  "$BIN/python" manage.py generate_attendance_data --delete
fi
# `tarifs` works on a centre of its own (generate_noethys_data below): the national network is not needed.
if [[ "${BENCH_ONLY:-}" != tarifs ]]; then
# shellcheck disable=SC2086  # BENCH_SCALE_ARGS is a list of arguments
"$BIN/python" manage.py generate_scale_data --staff-password "$PASSWORD" "${generate_args[@]}" \
  ${BENCH_SCALE_ARGS:-} | tee "$TMP/generate.log"
# The generation time is the one of the last real generation (a run on existing data skips it).
generated=$(sed -n 's/.*prêt en \([0-9.]*\) s.*/\1/p' "$TMP/generate.log" | tail -1)
if [[ -n "$generated" ]]; then echo "$generated" > "$TMP/generation_seconds"; fi
fi
generation_args=()
if [[ -s "$TMP/generation_seconds" ]]; then
  generation_args=(--generation-seconds "$(cat "$TMP/generation_seconds")")
fi

presences_generation_args=()
if selected presences; then
  # Three years of attendance on that network (skipped when already there); each run also makes
  # today's sessions to tap on, and the animator, director and federation accounts.
  # shellcheck disable=SC2086
  "$BIN/python" manage.py generate_attendance_data --staff-password "$PASSWORD" "${generate_args[@]}" \
    ${BENCH_ATTENDANCE_ARGS:-} | tee "$TMP/generate_presences.log"
  generated=$(sed -n 's/.*prêt en \([0-9.]*\) s.*/\1/p' "$TMP/generate_presences.log" | tail -1)
  if [[ -n "$generated" ]]; then echo "$generated" > "$TMP/presences_generation_seconds"; fi
  if [[ -s "$TMP/presences_generation_seconds" ]]; then
    presences_generation_args=(--generation-seconds "$(cat "$TMP/presences_generation_seconds")")
  fi
fi

animation_generation_args=()
if selected animation; then
  # 50,000 activity sheets over the network's centres, a pedagogical project per centre, and in 30
  # centres a two-week holiday planning of four groups (skipped when already there); each run also
  # refreshes the animator accounts bench-anim-NNNN@bench.localhost.
  # shellcheck disable=SC2086
  "$BIN/python" manage.py generate_animation_data --staff-password "$PASSWORD" "${generate_args[@]}" \
    ${BENCH_ANIMATION_ARGS:-} | tee "$TMP/generate_animation.log"
  generated=$(sed -n 's/.*prêt en \([0-9.]*\) s.*/\1/p' "$TMP/generate_animation.log" | tail -1)
  if [[ -n "$generated" ]]; then echo "$generated" > "$TMP/animation_generation_seconds"; fi
  if [[ -s "$TMP/animation_generation_seconds" ]]; then
    animation_generation_args=(--generation-seconds "$(cat "$TMP/animation_generation_seconds")")
  fi
fi

if selected borne; then
  # The network's catalogue of online services, then a kiosk per centre as a centre opens it (the
  # catalogue's tiles), and the demo's help sheets shared in the network (skipped when already there).
  "$BIN/python" manage.py load_procedures
  "$BIN/python" manage.py generate_kiosk_data
fi

accompagnement_generation_args=()
if selected accompagnement; then
  # 50,000 accompanying periods and 1,000,000 exchanges (encrypted notes) over the network's centres,
  # their social workers and tasks, a director per staff centre (skipped when already there; each run
  # refreshes the accounts, and the tasks when the day has changed).
  # shellcheck disable=SC2086
  "$BIN/python" manage.py generate_casework_data --staff-password "$PASSWORD" "${generate_args[@]}" \
    ${BENCH_CASEWORK_ARGS:-} | tee "$TMP/generate_accompagnement.log"
  generated=$(sed -n 's/.*prêt en \([0-9.]*\) s.*/\1/p' "$TMP/generate_accompagnement.log" | tail -1)
  if [[ -n "$generated" ]]; then echo "$generated" > "$TMP/accompagnement_generation_seconds"; fi
  if [[ -s "$TMP/accompagnement_generation_seconds" ]]; then
    accompagnement_generation_args=(--generation-seconds "$(cat "$TMP/accompagnement_generation_seconds")")
  fi
fi

tarifs_generation_args=()
if selected tarifs; then
  # The Noethysweb-shaped dataset of one centre: 3,000 households, 12,000 people, a school-year activity
  # with 3 groups, 1,500 registrations and 150,000 booked units (skipped when already there; --rebuild
  # with BENCH_REBUILD=1); each run refreshes its reception account.
  tarifs_rebuild=()
  if [[ "${BENCH_REBUILD:-0}" == "1" ]]; then tarifs_rebuild=(--rebuild); fi
  # shellcheck disable=SC2086  # BENCH_TARIFS_ARGS is a list of arguments
  "$BIN/python" manage.py generate_noethys_data --staff-password "$PASSWORD" "${tarifs_rebuild[@]}" \
    ${BENCH_TARIFS_ARGS:-} | tee "$TMP/generate_tarifs.log"
  generated=$(sed -n 's/.*prêt en \([0-9.]*\) s.*/\1/p' "$TMP/generate_tarifs.log" | tail -1)
  if [[ -n "$generated" ]]; then echo "$generated" > "$TMP/tarifs_generation_seconds"; fi
  if [[ -s "$TMP/tarifs_generation_seconds" ]]; then
    tarifs_generation_args=(--generation-seconds "$(cat "$TMP/tarifs_generation_seconds")")
  fi
fi

# The `exploitation` benchmark (issue 19): the socle, presences and pré-adhésion loads on the
# several-machines layout (deploy/drill/up.sh on this database) while a drill kills a node, restarts
# Redis, restarts the primary PostgreSQL and kills the task worker. Only when named: it needs root and
# restarts the machine's PostgreSQL server (it skips that step while anything else uses the server).
if [[ "${BENCH_ONLY:-}" == exploitation ]]; then
  # Today's sessions to tap on and the animator accounts; a tenth of the presences benchmark's history
  # (the drill taps today's sessions: the history only has to be there), unless it is there already.
  # shellcheck disable=SC2086
  "$BIN/python" manage.py generate_attendance_data --staff-password "$PASSWORD" "${generate_args[@]}" \
    ${BENCH_EXPLOITATION_ATTENDANCE_ARGS:---attendance-rows 1000000} | tee "$TMP/generate_exploitation.log"
  echo "== Exploitation : ${BENCH_EXPLOITATION_SECONDS:-600} s d'exercice sur deux nœuds =="
  # shellcheck disable=SC2086  # BENCH_EXPLOITATION_ARGS is a list of arguments
  "$BIN/python" benchmarks/exploitation.py --seconds "${BENCH_EXPLOITATION_SECONDS:-600}" \
    --database "$(basename "$DATABASE_URL")" --git "$git_commit" ${BENCH_EXPLOITATION_ARGS:-} \
    --output "${BENCH_EXPLOITATION_OUTPUT:-$ROOT/benchmarks/results/exploitation.json}"
  echo "Résultat : ${BENCH_EXPLOITATION_OUTPUT:-$ROOT/benchmarks/results/exploitation.json}"
  exit 0
fi

"$BIN/python" manage.py collectstatic --noinput -v 0

echo "== gunicorn ($WORKERS workers, 127.0.0.1:$PORT) =="
if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
  echo "Le port $PORT est déjà pris : arrêtez ce serveur ou choisissez BENCH_PORT." >&2
  exit 1
fi
"$BIN/gunicorn" "$WSGI_APP" \
  --bind "127.0.0.1:$PORT" --workers "$WORKERS" --timeout 30 \
  --error-logfile "$TMP/gunicorn.log" --log-level warning &
GUNICORN_PID=$!
stop_gunicorn() {
  if kill -0 "$GUNICORN_PID" 2>/dev/null; then
    kill -TERM "$GUNICORN_PID"
    wait "$GUNICORN_PID" 2>/dev/null || true
  fi
}
trap stop_gunicorn EXIT INT TERM

for _ in $(seq 1 60); do
  if "$BIN/python" -c "import sys, httpx; sys.exit(httpx.get('http://127.0.0.1:$PORT/healthz').status_code != 200)" \
    2>/dev/null; then
    break
  fi
  if ! kill -0 "$GUNICORN_PID" 2>/dev/null; then
    echo "gunicorn s'est arrêté, voir $TMP/gunicorn.log" >&2
    exit 1
  fi
  sleep 1
done

if selected socle; then
echo "== Charge : $USERS utilisateurs, chauffe ${WARMUP}s puis $RUNS × ${DURATION}s =="
"$BIN/python" benchmarks/loadgen.py \
  --base-url "http://127.0.0.1:$PORT" \
  --users "$USERS" --runs "$RUNS" --duration "$DURATION" --warmup "$WARMUP" --think-ms "$THINK_MS" \
  --git "$git_commit" "${generation_args[@]}" \
  --server-description "gunicorn $("$BIN/gunicorn" --version 2>&1 | tr -dc "0-9."), $WORKERS sync workers, $WSGI_APP, DEBUG=0${PGOPTIONS:+, PGOPTIONS=$PGOPTIONS}" \
  --output "$RESULT"
echo "Résultat : $RESULT"
fi

# The `inscriptions` benchmark: 100 parents at once on a period with few places, with the task worker
# running as in production (it sends the e-mails and their PDF meanwhile), then the 10,000-row exports.
if selected inscriptions; then
  echo "== Inscriptions : ${BENCH_PARENTS:-100} parents en même temps, ${BENCH_INSCRIPTION_RUNS:-3} vagues =="
  export DJANGO_EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"  # no mail server here
  # Lower CPU priority for the worker, as docs/inscriptions.md advises: PDFs wait, pages do not.
  nice -n 10 "$BIN/python" manage.py db_worker --interval 1 > "$TMP/worker.log" 2>&1 &
  WORKER_PID=$!
  "$BIN/python" benchmarks/inscriptions.py --base-url "http://127.0.0.1:$PORT" \
    --parents "${BENCH_PARENTS:-100}" --runs "${BENCH_INSCRIPTION_RUNS:-3}" --git "$git_commit" \
    --server-description "gunicorn, $WORKERS sync workers, db_worker running under nice 10, DEBUG=0" \
    --output "$ROOT/benchmarks/results/inscriptions.json"
  kill "$WORKER_PID" 2>/dev/null || true
  echo "Résultat : $ROOT/benchmarks/results/inscriptions.json"
fi

# The `presences` benchmark: 100 animators tapping at once, directors' monthly reports, the federation's
# roll-up of the network, then the import of a 100,000-row file (in-process, same database).
if selected presences; then
  echo "== Présences : ${BENCH_ANIMATORS:-100} animateurs, ${BENCH_DIRECTORS:-10} directeurs, réseau, import =="
  "$BIN/python" benchmarks/presences.py --base-url "http://127.0.0.1:$PORT" \
    --animators "${BENCH_ANIMATORS:-100}" --directors "${BENCH_DIRECTORS:-10}" \
    --runs "$RUNS" --duration "$DURATION" --warmup "$WARMUP" \
    --import-rows "${BENCH_IMPORT_ROWS:-100000}" --import-runs "${BENCH_IMPORT_RUNS:-3}" \
    --only "${BENCH_PRESENCES_PARTS:-taps,reports,rollup,import}" \
    --git "$git_commit" "${presences_generation_args[@]}" \
    --server-description "gunicorn $("$BIN/gunicorn" --version 2>&1 | tr -dc "0-9."), $WORKERS sync workers, $WSGI_APP, DEBUG=0${PGOPTIONS:+, PGOPTIONS=$PGOPTIONS}" \
    --output "${BENCH_PRESENCES_OUTPUT:-$ROOT/benchmarks/results/presences.json}"
  echo "Résultat : ${BENCH_PRESENCES_OUTPUT:-$ROOT/benchmarks/results/presences.json}"
fi

# The `animation` benchmark: animators searching 50,000 activity sheets and opening their centre's
# two-week planning (4 groups × 10 days × morning and afternoon).
if selected animation; then
  echo "== Animation : ${BENCH_ANIMATION_USERS:-30} animateurs, chauffe ${WARMUP}s puis $RUNS × ${DURATION}s =="
  "$BIN/python" benchmarks/animation.py --base-url "http://127.0.0.1:$PORT" \
    --users "${BENCH_ANIMATION_USERS:-30}" --runs "$RUNS" --duration "$DURATION" --warmup "$WARMUP" \
    --think-ms "${BENCH_ANIMATION_THINK_MS:-3000}" --git "$git_commit" "${animation_generation_args[@]}" \
    --server-description "gunicorn $("$BIN/gunicorn" --version 2>&1 | tr -dc "0-9."), $WORKERS sync workers, $WSGI_APP, DEBUG=0${PGOPTIONS:+, PGOPTIONS=$PGOPTIONS}" \
    --output "${BENCH_ANIMATION_OUTPUT:-$ROOT/benchmarks/results/animation.json}"
  echo "Résultat : ${BENCH_ANIMATION_OUTPUT:-$ROOT/benchmarks/results/animation.json}"
fi

# The `borne` benchmark: the kiosk's home page (its weight, its latency under moderate load, its
# throughput with 200 clients without pause) and the events its script sends (50 clients without pause).
if selected borne; then
  # Four phases of runs: shorter runs than the others' by default.
  BORNE_RUNS="${BENCH_RUNS:-3}"
  BORNE_DURATION="${BENCH_DURATION:-20}"
  BORNE_WARMUP="${BENCH_WARMUP:-5}"
  echo "== Borne : accueil et événements, chauffe ${BORNE_WARMUP}s puis $BORNE_RUNS × ${BORNE_DURATION}s par phase =="
  # shellcheck disable=SC2086  # BENCH_BORNE_ARGS is a list of arguments
  "$BIN/python" benchmarks/borne.py --base-url "http://127.0.0.1:$PORT" \
    --runs "$BORNE_RUNS" --duration "$BORNE_DURATION" --warmup "$BORNE_WARMUP" \
    --kiosks "${BENCH_BORNE_KIOSKS:-50}" --event-clients "${BENCH_BORNE_EVENT_CLIENTS:-50}" \
    --event-batch "${BENCH_BORNE_EVENT_BATCH:-10}" --git "$git_commit" ${BENCH_BORNE_ARGS:-} \
    --server-description "gunicorn $("$BIN/gunicorn" --version 2>&1 | tr -dc "0-9."), $WORKERS sync workers, $WSGI_APP, DEBUG=0, CSC_KIOSK_EVENTS_PER_MINUTE=$CSC_KIOSK_EVENTS_PER_MINUTE${PGOPTIONS:+, PGOPTIONS=$PGOPTIONS}" \
    --output "${BENCH_BORNE_OUTPUT:-$ROOT/benchmarks/results/borne.json}"
  echo "Résultat : ${BENCH_BORNE_OUTPUT:-$ROOT/benchmarks/results/borne.json}"
fi

# The `accompagnement` benchmark: social workers opening their case file of 200 exchanges, their tasks,
# a person's file and another period, then directors opening the year's figures of their centre.
if selected accompagnement; then
  echo "== Accompagnement : ${BENCH_ACCOMPAGNEMENT_USERS:-30} travailleurs sociaux, chauffe ${WARMUP}s puis $RUNS × ${DURATION}s, puis les chiffres =="
  "$BIN/python" benchmarks/accompagnement.py --base-url "http://127.0.0.1:$PORT" \
    --users "${BENCH_ACCOMPAGNEMENT_USERS:-30}" --runs "$RUNS" --duration "$DURATION" --warmup "$WARMUP" \
    --think-ms "${BENCH_ACCOMPAGNEMENT_THINK_MS:-2000}" --directors "${BENCH_ACCOMPAGNEMENT_DIRECTORS:-10}" \
    --only "${BENCH_ACCOMPAGNEMENT_PARTS:-load,stats}" --merge \
    --pages "${BENCH_ACCOMPAGNEMENT_PAGES:-case_file,my_tasks,person_file,period_page}" \
    --git "$git_commit" "${accompagnement_generation_args[@]}" \
    --server-description "gunicorn $("$BIN/gunicorn" --version 2>&1 | tr -dc "0-9."), $WORKERS sync workers, $WSGI_APP, DEBUG=0${PGOPTIONS:+, PGOPTIONS=$PGOPTIONS}" \
    --output "${BENCH_ACCOMPAGNEMENT_OUTPUT:-$ROOT/benchmarks/results/accompagnement.json}"
  echo "Résultat : ${BENCH_ACCOMPAGNEMENT_OUTPUT:-$ROOT/benchmarks/results/accompagnement.json}"
fi

# The `tarifs` benchmark: the pages reception works from on one centre's school year, one request at a
# time (registrations list, household search, a day's attendance for 3 groups, the Excel export).
if selected tarifs; then
  echo "== Tarifs : une requête à la fois, ${BENCH_TARIFS_TRIES:-20} essais par page =="
  "$BIN/python" benchmarks/tarifs.py --base-url "http://127.0.0.1:$PORT" \
    --tries "${BENCH_TARIFS_TRIES:-20}" --git "$git_commit" "${tarifs_generation_args[@]}" \
    --server-description "gunicorn $("$BIN/gunicorn" --version 2>&1 | tr -dc "0-9."), $WORKERS sync workers, $WSGI_APP, DEBUG=0${PGOPTIONS:+, PGOPTIONS=$PGOPTIONS}" \
    --output "${BENCH_TARIFS_OUTPUT:-$ROOT/benchmarks/results/tarifs.json}"
  echo "Résultat : ${BENCH_TARIFS_OUTPUT:-$ROOT/benchmarks/results/tarifs.json}"
fi
