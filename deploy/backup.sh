#!/usr/bin/env bash
# Sauvegarde de CSC : la base (PostgreSQL, ou SQLite pour une installation `make run`), les fichiers
# déposés et un manifeste. Mode d'emploi : docs/sauvegardes.md.
#
# Variables d'environnement :
#   DATABASE_URL      la base à sauvegarder (postgres://… ou sqlite:///chemin), obligatoire ;
#   BACKUP_DIR        le dossier où ranger les sauvegardes, obligatoire ;
#   CSC_MEDIA_ROOT    les fichiers déposés (par défaut $CSC_VAR_DIR/media, soit /var/lib/csc/media) ;
#   CSC_CODE_DIR      le dossier du code, pour noter sa version (par défaut le dossier parent de ce script) ;
#   BACKUP_KEEP       combien de sauvegardes garder dans BACKUP_DIR (7 par défaut ; 0 : ne rien effacer).
#
# Les clés CSC_CASEWORK_KEYS ne sont JAMAIS copiées ici : elles se gardent à part (docs/sauvegardes.md).
# Écrit BACKUP_DIR/csc-AAAAMMJJTHHMMSSZ/ : base.dump (ou base.sqlite3), fichiers.tar.gz, manifeste.txt,
# SHA256SUMS. Le dossier ne prend son nom définitif qu'une fois tout écrit et vérifié.
set -euo pipefail

die() { echo "ERREUR : $*" >&2; exit 1; }

: "${DATABASE_URL:?DATABASE_URL doit donner la base à sauvegarder}"
: "${BACKUP_DIR:?BACKUP_DIR doit donner le dossier des sauvegardes}"
MEDIA_ROOT="${CSC_MEDIA_ROOT:-${CSC_VAR_DIR:-/var/lib/csc}/media}"
CODE_DIR="${CSC_CODE_DIR:-$(cd "$(dirname "$0")/.." && pwd)}"
KEEP="${BACKUP_KEEP:-7}"
[[ "$KEEP" =~ ^[0-9]+$ ]] || die "BACKUP_KEEP doit être un nombre."

stamp="$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$BACKUP_DIR"
final="$BACKUP_DIR/csc-$stamp"
work="$final.partiel"
[[ -e "$final" ]] && die "$final existe déjà."
umask 077  # la sauvegarde contient des données personnelles : lisible par son seul propriétaire
mkdir "$work"
trap 'rm -rf "$work"' EXIT

manifest="$work/manifeste.txt"
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "code: $(git -C "$CODE_DIR" rev-parse HEAD 2>/dev/null || echo inconnu)"
} >"$manifest"

# Tables comptées dans le manifeste : de quoi voir d'un coup d'œil qu'une restauration a tout ramené.
TABLES="core_centre core_user people_person people_household casework_period casework_exchange casework_document"

case "$DATABASE_URL" in
  postgres://* | postgresql://*)
    for tool in pg_dump pg_restore psql; do
      command -v "$tool" >/dev/null || die "$tool est introuvable (paquet postgresql-client de la version du serveur)."
    done
    server="$(psql "$DATABASE_URL" -XAtqc 'SHOW server_version_num')" || die "la base ne répond pas."
    client="$(pg_dump --version | grep -oE '[0-9]+' | head -n 1)"
    if (( client < server / 10000 )); then
      die "pg_dump $client est plus ancien que le serveur PostgreSQL $(( server / 10000 )) : installez postgresql-client-$(( server / 10000 ))."
    fi
    # Format « custom » : compressé, restaurable table par table, vérifiable avec pg_restore --list.
    pg_dump --format=custom --compress=6 --file="$work/base.dump" "$DATABASE_URL"
    pg_restore --list "$work/base.dump" >/dev/null || die "l'archive écrite par pg_dump est illisible."
    q() { psql "$DATABASE_URL" -XAtqc "$1"; }
    echo "moteur: postgresql $(q 'SHOW server_version')" >>"$manifest"
    echo "migrations:" >>"$manifest"
    q "SELECT '  ' || app || ' ' || max(name) FROM django_migrations GROUP BY app ORDER BY app" >>"$manifest"
    echo "lignes:" >>"$manifest"
    for table in $TABLES; do
      if [[ "$(q "SELECT to_regclass('public.$table') IS NOT NULL")" == t ]]; then
        echo "  $table $(q "SELECT count(*) FROM $table")" >>"$manifest"
      fi
    done
    ;;
  sqlite:///*)
    command -v sqlite3 >/dev/null || die "sqlite3 est introuvable (paquet sqlite3)."
    path="${DATABASE_URL#sqlite://}"
    [[ -f "$path" ]] || die "la base SQLite $path n'existe pas."
    # .backup copie une image cohérente même pendant que l'application écrit (jamais un simple cp).
    sqlite3 "$path" ".backup '$work/base.sqlite3'"
    [[ "$(sqlite3 "$work/base.sqlite3" 'PRAGMA integrity_check')" == ok ]] || die "la copie SQLite est abîmée."
    q() { sqlite3 "$work/base.sqlite3" "$1"; }
    echo "moteur: sqlite $(q 'SELECT sqlite_version()')" >>"$manifest"
    echo "migrations:" >>"$manifest"
    q "SELECT '  ' || app || ' ' || max(name) FROM django_migrations GROUP BY app ORDER BY app" >>"$manifest"
    echo "lignes:" >>"$manifest"
    for table in $TABLES; do
      if [[ -n "$(q "SELECT name FROM sqlite_master WHERE type='table' AND name='$table'")" ]]; then
        echo "  $table $(q "SELECT count(*) FROM $table")" >>"$manifest"
      fi
    done
    ;;
  *) die "DATABASE_URL doit commencer par postgres:// ou sqlite:///." ;;
esac

# Les fichiers après la base : tout fichier qu'une ligne de la sauvegarde désigne existait déjà.
if [[ -d "$MEDIA_ROOT" ]]; then
  tar -C "$MEDIA_ROOT" -czf "$work/fichiers.tar.gz" .
  echo "fichiers: $(tar -tzf "$work/fichiers.tar.gz" | grep -cv '/$' || true) depuis $MEDIA_ROOT" >>"$manifest"
else
  echo "Attention : $MEDIA_ROOT n'existe pas, aucun fichier déposé sauvegardé." >&2
  tar -czf "$work/fichiers.tar.gz" -T /dev/null
  echo "fichiers: 0 ($MEDIA_ROOT absent)" >>"$manifest"
fi

(cd "$work" && sha256sum -- * >SHA256SUMS)
mv "$work" "$final"
trap - EXIT

# Les plus anciennes sauvegardes locales au-delà de BACKUP_KEEP (la copie hors site a sa propre rotation).
if (( KEEP > 0 )); then
  find "$BACKUP_DIR" -maxdepth 1 -type d -name 'csc-*Z' | sort -r | tail -n +"$((KEEP + 1))" | while read -r old; do
    rm -rf -- "$old"
  done
fi
echo "$final"
