#!/usr/bin/env bash
# Restauration d'une sauvegarde de CSC (deploy/backup.sh) dans une base NEUVE et un dossier de fichiers
# vide : jamais par-dessus l'installation en service. Mode d'emploi : docs/sauvegardes.md.
#
# Variables d'environnement :
#   BACKUP                  le dossier de la sauvegarde (BACKUP_DIR/csc-…), obligatoire ;
#   RESTORE_DATABASE_URL    la base où restaurer, obligatoire : postgres://… d'une base existante et
#                           vide (créée par createdb), ou sqlite:///chemin d'un fichier qui n'existe pas ;
#   RESTORE_MEDIA_ROOT      le dossier où remettre les fichiers déposés (absent ou vide), obligatoire ;
#   RESTORE_NO_OWNER        1 : ne pas redonner les propriétaires ni les droits d'origine (serveur de test
#                           où les rôles csc et csc_app n'existent pas).
#
# Ensuite : `manage.py verify_restore` avec ces adresses et les clés CSC_CASEWORK_KEYS.
set -euo pipefail

die() { echo "ERREUR : $*" >&2; exit 1; }

: "${BACKUP:?BACKUP doit donner le dossier de la sauvegarde}"
: "${RESTORE_DATABASE_URL:?RESTORE_DATABASE_URL doit donner la base neuve où restaurer}"
: "${RESTORE_MEDIA_ROOT:?RESTORE_MEDIA_ROOT doit donner le dossier des fichiers restaurés}"

[[ -f "$BACKUP/manifeste.txt" && -f "$BACKUP/SHA256SUMS" ]] || die "$BACKUP n'est pas une sauvegarde complète."
(cd "$BACKUP" && sha256sum --quiet -c SHA256SUMS) || die "la sauvegarde est abîmée (sommes de contrôle)."
if [[ -d "$RESTORE_MEDIA_ROOT" && -n "$(ls -A "$RESTORE_MEDIA_ROOT")" ]]; then
  die "$RESTORE_MEDIA_ROOT n'est pas vide : restaurez dans un dossier neuf."
fi

case "$RESTORE_DATABASE_URL" in
  postgres://* | postgresql://*)
    [[ -f "$BACKUP/base.dump" ]] || die "cette sauvegarde n'est pas celle d'une base PostgreSQL."
    for tool in pg_restore psql; do
      command -v "$tool" >/dev/null || die "$tool est introuvable (paquet postgresql-client de la version du serveur)."
    done
    tables="$(psql "$RESTORE_DATABASE_URL" -XAtqc "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")" \
      || die "la base de destination ne répond pas (créez-la d'abord avec createdb)."
    (( tables == 0 )) || die "la base de destination contient déjà $tables table(s) : restaurez dans une base neuve."
    options=(--exit-on-error --single-transaction --no-comments)
    [[ "${RESTORE_NO_OWNER:-0}" == 1 ]] && options+=(--no-owner --no-acl)
    # Une seule transaction : une restauration qui échoue ne laisse rien à moitié.
    pg_restore "${options[@]}" --dbname="$RESTORE_DATABASE_URL" "$BACKUP/base.dump"
    # Les statistiques du planificateur ne sont pas dans la sauvegarde ; sans superutilisateur, ANALYZE
    # saute les tables du système en le disant : seules les erreurs sont affichées.
    psql "$RESTORE_DATABASE_URL" -Xq -c 'SET client_min_messages TO error' -c 'ANALYZE' >/dev/null
    ;;
  sqlite:///*)
    [[ -f "$BACKUP/base.sqlite3" ]] || die "cette sauvegarde n'est pas celle d'une base SQLite."
    path="${RESTORE_DATABASE_URL#sqlite://}"
    [[ -e "$path" ]] && die "$path existe déjà : restaurez vers un fichier neuf."
    mkdir -p "$(dirname "$path")"
    cp "$BACKUP/base.sqlite3" "$path"
    ;;
  *) die "RESTORE_DATABASE_URL doit commencer par postgres:// ou sqlite:///." ;;
esac

mkdir -p "$RESTORE_MEDIA_ROOT"
tar -C "$RESTORE_MEDIA_ROOT" -xzf "$BACKUP/fichiers.tar.gz"

echo "Restauration terminée depuis $BACKUP :"
sed 's/^/  /' "$BACKUP/manifeste.txt"
echo "Vérifiez maintenant : manage.py verify_restore (avec DATABASE_URL, CSC_MEDIA_ROOT et CSC_CASEWORK_KEYS)."
