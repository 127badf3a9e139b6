#!/usr/bin/env bash
# Restores a backup made by scripts/backup.sh: the database into DATABASE_URL (default: the
# local habitat database) and the uploaded files into DJANGO_MEDIA_ROOT (default: var/media).
#   scripts/restore.sh [--force] BACKUP_PATH      (or RESTORE_FORCE=1)
# Nothing changes unless every file matches its sha256 in SHA256SUMS. A database that holds
# tables, or an uploaded-files directory that holds files, is replaced only with --force:
# stop the site and its worker first (their connections to the database are closed).
#
# Both halves are restored beside their targets first (the database as <name>_restoring, the
# files in <media>.restoring) and swapped in only when both are complete, so a failure leaves
# the current database and files as they were. The database is created if missing (from
# template1, which has PostGIS and unaccent, scripts/setup.sh); the role needs CREATEDB.
set -euo pipefail
caller_dir=$PWD
cd "$(dirname "$0")/.."
umask 077

# shellcheck source=scripts/pg-env.sh
. scripts/pg-env.sh

usage="usage: scripts/restore.sh [--force] BACKUP_PATH   (a directory made by scripts/backup.sh)"
fail() { echo "restore: $*" >&2; exit 1; }

force=${RESTORE_FORCE:-0}
backup=""
for arg in "$@"; do
  case $arg in
    --force) force=1 ;;
    -h|--help) echo "$usage"; exit 0 ;;
    -*) fail "unknown option $arg; $usage" ;;
    *) [ -z "$backup" ] || fail "one backup at a time; $usage"; backup=$arg ;;
  esac
done
[ -n "$backup" ] || fail "$usage"
# A relative path is the caller's, not this checkout's.
[[ $backup = /* ]] || backup="$caller_dir/$backup"

for tool in pg_restore psql tar sha256sum; do
  command -v "$tool" >/dev/null || fail "$tool is missing (make setup installs the PostgreSQL client)."
done

# --- The backup: complete and intact -------------------------------------------------------
[ -e "$backup" ] || fail "$backup does not exist, or $(id -un) may not look into the folder that holds it (backups are readable by their owner only)."
[ -d "$backup" ] || fail "$backup is not a directory (give the directory that scripts/backup.sh printed)."
case $backup in
  *.partial|*.partial/) fail "$backup is an unfinished backup (the backup was interrupted); use another." ;;
esac
for file in SHA256SUMS database.dump media.tar; do
  [ -f "$backup/$file" ] || fail "$backup has no $file: it is not a complete backup."
  [ -r "$backup/$file" ] || fail "cannot read $backup/$file (backups are readable by their owner only: run as that user or root)."
done
for file in database.dump media.tar; do
  grep -q "^[0-9a-f]\{64\}  $file\$" "$backup/SHA256SUMS" || fail "$backup/SHA256SUMS has no sum for $file."
done
echo "Checking the sha256 of the backup's files"
if ! sums=$(cd "$backup" && sha256sum --check --strict SHA256SUMS 2>&1); then
  echo "$sums" >&2
  fail "$backup is damaged: the files marked FAILED above are not what was backed up. Nothing was changed."
fi
if ! toc=$(pg_restore --list "$backup/database.dump" 2>&1); then
  fail "$backup/database.dump is not a pg_restore archive: $toc"
fi
if ! tar --list --file="$backup/media.tar" >/dev/null; then
  fail "$backup/media.tar cannot be read by tar (above)."
fi

# --- Where it goes: refuse to overwrite without --force ----------------------------------------
pg_env_from_url "${DATABASE_URL:-$DEFAULT_DATABASE_URL}" || exit 1
database=$PGDATABASE
staging_database="${database:0:50}_restoring"
media_root=${DJANGO_MEDIA_ROOT:-var/media}
media_root=${media_root%/}
staging_media="$media_root.restoring"

# psql on a database of the server; the server-wide statements run from the maintenance
# database "postgres", since a database cannot be dropped or renamed from inside itself.
sql() { local db=$1; shift; PGDATABASE=$db psql -w -X -tAq -v ON_ERROR_STOP=1 -c 'set client_min_messages = warning' "$@"; }
quote_ident() { printf '"%s"' "${1//\"/\"\"}"; }
quote_literal() { printf "'%s'" "${1//\'/\'\'}"; }

if ! answer=$(sql postgres -c 'select 1' 2>&1); then
  fail "cannot connect to the server $(pg_where postgres): $answer"
fi
exists=$(sql postgres -c "select count(*) from pg_database where datname = $(quote_literal "$database")")
# Tables, views and sequences of our own, not those an extension brings (PostGIS's
# spatial_ref_sys is in every database made from template1).
own_relations="select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace
  where c.relkind in ('r', 'p', 'v', 'm', 'S', 'f')
    and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\_%'
    and not exists (select 1 from pg_depend d where d.classid = 'pg_class'::regclass
                    and d.objid = c.oid and d.deptype = 'e')"
relations=0
if [ "$exists" = 1 ]; then
  relations=$(sql "$database" -c "$own_relations" 2>&1) || fail "cannot read the database $(pg_where "$database"): $relations"
fi
if [ "$relations" != 0 ] && [ "$force" != 1 ]; then
  fail "the database $(pg_where "$database") already holds $relations tables and sequences. Restoring replaces
it entirely: stop the site, then run again with --force (make restore BACKUP=... FORCE=1, or RESTORE_FORCE=1).
Nothing was changed."
fi
if [ -e "$media_root" ] && [ ! -d "$media_root" ]; then fail "$media_root exists and is not a directory."; fi
media_files=0
if [ -n "${MEDIA_S3_BUCKET:-}" ]; then
  # The uploads live in the bucket (habitat/media_storage.py), restored by its own means.
  echo "Uploads are kept in the S3 bucket $MEDIA_S3_BUCKET: the files of this backup are left out."
  media_root=""
elif [ -d "$media_root" ]; then
  media_files=$(find "$media_root" -mindepth 1 | wc -l)
fi
if [ "$media_files" != 0 ] && [ "$force" != 1 ]; then
  fail "the uploaded-files directory $media_root already holds $media_files files and folders.
Restoring replaces it: run again with --force (or RESTORE_FORCE=1). Nothing was changed."
fi

# --- Restore beside the targets ------------------------------------------------------------
work=$(mktemp -d)
swapped=no
cleanup() {
  rm -rf -- "$work"
  if [ "$swapped" = no ]; then
    [ -z "$media_root" ] || rm -rf -- "$staging_media"
    sql postgres -c "drop database if exists $(quote_ident "$staging_database")" >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT

if [ -n "$media_root" ]; then
  echo "Unpacking the uploaded files beside $media_root"
  rm -rf -- "$staging_media"
  (umask 022 && mkdir -p "$staging_media")
  tar --extract --file="$backup/media.tar" --directory="$staging_media" \
    || fail "could not unpack $backup/media.tar into $staging_media (above: disk full?). Nothing was changed."
fi

echo "Restoring the database into $(pg_where "$staging_database"), to be renamed $database"
sql postgres -c "drop database if exists $(quote_ident "$staging_database")" >/dev/null
if ! answer=$(sql postgres -c "create database $(quote_ident "$staging_database") template template1" 2>&1); then
  fail "cannot create a database as ${PGUSER:-$(id -un)}: $answer
(the role needs CREATEDB: alter role ${PGUSER:-$(id -un)} createdb). Nothing was changed."
fi
# Left out, as they belong to the extensions, which only a superuser may change and which
# template1 gives the new database already: the extensions' comments, and the rows of
# PostGIS's spatial_ref_sys (the platform adds no reference system of its own: 4326 only).
grep -v -e ' COMMENT - EXTENSION ' -e ' TABLE DATA public spatial_ref_sys ' <<<"$toc" > "$work/toc"
# No owners or grants: the restored objects belong to the role that restores, the one the
# site connects as (the backup may come from a server whose roles differ).
if ! pg_restore -w --no-owner --no-privileges --exit-on-error \
    --use-list="$work/toc" --dbname="$staging_database" "$backup/database.dump"; then
  fail "pg_restore failed (above). The database $database and the uploaded files were not changed."
fi
# Fresh statistics, so the site's first queries are planned well; the role may analyze only
# its own tables (the warnings about the catalogs are expected).
sql "$staging_database" -c 'set client_min_messages = error' -c 'analyze' >/dev/null

# --- Swap in ---------------------------------------------------------------------------
if [ "$exists" = 1 ]; then
  # WITH (FORCE) closes the site's connections; the site answers 503 for a moment, then
  # reconnects to the restored database.
  if ! answer=$(sql postgres -c "drop database $(quote_ident "$database") with (force)" 2>&1); then
    fail "cannot replace the database $database: $answer
Nothing was changed (the role must own it)."
  fi
fi
if ! answer=$(sql postgres -c "alter database $(quote_ident "$staging_database") rename to $(quote_ident "$database")" 2>&1); then
  swapped=partly
  fail "the old database $database was dropped but the restored one could not be renamed: $answer
The restored data is in the database $staging_database: rename it by hand
(alter database \"$staging_database\" rename to \"$database\"), then restore the files from $staging_media."
fi
swapped=partly
if [ -z "$media_root" ]; then
  :  # in the bucket
elif [ -d "$media_root" ]; then
  # The directory keeps the owner and mode it had, those the site runs with (the files in it
  # have those they had when backed up: tar keeps them when root restores).
  chown --reference="$media_root" "$staging_media" 2>/dev/null || true
  chmod --reference="$media_root" "$staging_media"
  mv -- "$media_root" "$media_root.replaced.$$"
  mv -- "$staging_media" "$media_root"
  rm -rf -- "$media_root.replaced.$$"
else
  mv -- "$staging_media" "$media_root"
fi
swapped=yes

tables=$(sql "$database" -c "$own_relations")
where_files="the uploads in the bucket ${MEDIA_S3_BUCKET:-} left as they are"
[ -n "$media_root" ] && where_files="$(find "$media_root" -type f | wc -l) uploaded files in $media_root"
created=$(sed -n 's/^created: *//p' "$backup/manifest.txt" 2>/dev/null || true)
echo "Restored $backup${created:+ (made $created)}: the database $(pg_where "$database") ($tables tables and sequences) and $where_files."
echo "If this code is newer than the backup, run: .venv/bin/python manage.py migrate"
